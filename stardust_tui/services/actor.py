"""Who acts: the :class:`Actor` every service call carries, the four roles, and what each action needs.

The CLI and TUI act as the OS user (the account SSH logged them in as: the process's user id, not the
``USER`` variable), the worker daemon as ``worker@host``, the HTTP API (issue 11) as an API key's name.
Audit entries, revisions and deliveries record ``actor.name``.

Roles are the four access levels, lowest first, each including the ones before it (issue 15):

=========  ========  ==========================================================================
role       level     may
=========  ========  ==========================================================================
viewer     read      list, search, show, export, reports, readiness, ERN previews
editor     write     create and change drafts, tracks, deals, assets, imports
releaser   deliver   mark ready, deliver, take down, cancel/retry deliveries, change a non-draft
admin      admin     targets and their secrets, API keys, users, restore, schema, retention
=========  ========  ==========================================================================

An API key's scope (read|write|deliver|admin) is the level of the same name, so a key and a user with
the matching role may do the same things. ``ACTIONS`` names every action a service checks with its level;
:meth:`Services.authorize <stardust_tui.services.Services.authorize>` refuses with :func:`refusal`.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from typing import Literal

ActorKind = Literal["user", "apikey", "worker"]

READ, WRITE, DELIVER, ADMIN = "read", "write", "deliver", "admin"
"""Access levels, lowest first: look, change drafts, release/deliver/take down, administer."""
LEVELS: tuple[str, ...] = (READ, WRITE, DELIVER, ADMIN)
"""Each level includes the ones before it (an API key's scope ``deliver`` may also read and write)."""
ROLES: tuple[str, ...] = ("viewer", "editor", "releaser", "admin")
"""The role of each level, in the same order (``viewer`` = read ... ``admin`` = admin)."""
ROLE_OF_LEVEL: dict[str, str] = dict(zip(LEVELS, ROLES, strict=True))
LEVEL_OF_ROLE: dict[str, str] = dict(zip(ROLES, LEVELS, strict=True))

ACTIONS: dict[str, str] = {
    "release.read": READ,        # list, search, show, history, readiness, ERN preview, export
    "release.write": WRITE,      # create, edit, tracks, deals, assets, duplicate, import
    "release.delete": WRITE,     # delete a never-delivered release
    "release.status": DELIVER,   # set status (ready, taken-down...)
    "asset.read": READ,
    "asset.write": WRITE,        # store files (attaching them is release.write)
    "delivery.read": READ,       # deliveries, events, metrics, workers
    "delivery.queue": DELIVER,   # queue, retry, cancel
    "delivery.run": DELIVER,     # run delivery workers
    "target.read": READ,         # targets (never their secrets), profiles, ACKs
    "target.test": DELIVER,      # connect to a target, read its ACK folder
    "target.admin": ADMIN,       # add, edit, remove, enable/disable, secrets, reset a circuit
    "store.admin": ADMIN,        # init, schema upgrades, backup, restore, prune, reindex
    "apikey.admin": ADMIN,       # create, list, revoke API keys and read their usage (issue 11)
    "ack.receive": DELIVER,      # record an ACK a DSP posted to the API (authenticated by the target's secret)
    "audit.read": READ,          # the audit log (label-scoped like everything else) and its verification
    "privacy.admin": ADMIN,      # export or erase everything held about a person (GDPR)
    "user.admin": ADMIN,         # add, remove, change users' roles and labels
    "retention.admin": ADMIN,    # apply the [retention] policy (its dry run is audit.read)
    "notify.read": READ,         # notification channels (never their secrets), the outbox, the weekly report
    "notify.send": DELIVER,      # send a test notification, queue failed ones again (issue 10)
    "notify.admin": ADMIN,       # add, change, remove, enable/disable notification channels and their secrets
}

ACTION_TEXT: dict[str, str] = {
    "release.read": "reading the catalog", "release.write": "changing releases",
    "release.delete": "deleting releases", "release.status": "changing a release's status",
    "asset.read": "reading assets", "asset.write": "storing assets", "delivery.read": "reading deliveries",
    "delivery.queue": "queueing, retrying or cancelling deliveries", "delivery.run": "running delivery workers",
    "target.read": "reading targets", "target.test": "connecting to targets",
    "target.admin": "changing targets and their secrets", "store.admin": "administering the store",
    "apikey.admin": "managing API keys", "ack.receive": "recording a DSP's acknowledgement",
    "audit.read": "reading the audit log",
    "privacy.admin": "exporting or erasing personal data", "user.admin": "managing users",
    "retention.admin": "applying the retention policy",
    "notify.read": "reading notifications", "notify.send": "sending or retrying notifications",
    "notify.admin": "changing notification channels",
}
"""What an action is, for the one-line refusal ("changing releases needs the editor role ...")."""


@dataclass(frozen=True)
class Actor:
    """The identity a service call acts as.

    ``roles``: what the actor was granted up front (an API key's scope; users get theirs from the store's
    user list, see :mod:`stardust_tui.services.access`). ``labels`` None means every label. ``login`` is the
    OS account really running the process (for ``user`` and ``worker`` actors): it decides whether a
    ``STARDUST_ACTOR`` override is allowed and which user a ``worker@host`` acts for.
    """

    name: str
    kind: ActorKind = "user"
    roles: tuple[str, ...] = ()
    labels: tuple[str, ...] | None = None
    login: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return self.name

    @property
    def impersonating(self) -> bool:
        """Whether the name is not the OS account's own (``STARDUST_ACTOR`` set for a user actor)."""
        return self.kind == "user" and self.login is not None and self.name != self.login

    @classmethod
    def from_environment(cls) -> Actor:
        """``STARDUST_ACTOR`` if set, else the OS user running the CLI or TUI (as SSH logged them in)."""
        login = os_user()
        return cls(os.environ.get("STARDUST_ACTOR") or login, login=login)

    @classmethod
    def worker(cls, host: str | None = None) -> Actor:
        """The delivery daemon: ``worker@host`` (``STARDUST_ACTOR`` still wins, for tests and containers)."""
        import socket

        name = os.environ.get("STARDUST_ACTOR")
        return cls(name or f"worker@{host or socket.gethostname()}", kind="worker", login=os_user())

    @classmethod
    def api_key(cls, key_name: str, *, scope: str = READ, labels: tuple[str, ...] | None = None) -> Actor:
        """A client of the HTTP API, acting as the name of its API key; its scope is its one role."""
        return cls(key_name, kind="apikey", roles=(scope,), labels=labels)


def rank(role_or_level: str) -> int:
    """0 (viewer/read) to 3 (admin); -1 for anything else."""
    level = LEVEL_OF_ROLE.get(role_or_level, role_or_level)
    return LEVELS.index(level) if level in LEVELS else -1


def allows(granted: tuple[str, ...], needed: str) -> bool:
    """Whether one of the ``granted`` roles or levels includes the level (or role) ``needed``."""
    return max((rank(g) for g in granted), default=-1) >= rank(needed)


def role_needed(action: str) -> str:
    """The lowest role that may do ``action`` (``release.write`` -> ``editor``)."""
    return ROLE_OF_LEVEL[ACTIONS[action]]


def refusal(who: str, action: str, role: str | None, *, via: str = "") -> str:
    """The one line a refused action prints: what it is, the role it needs, and what ``who`` has."""
    has = f"{who} is {role}" if role else f"{who} has no role"
    return f"{ACTION_TEXT.get(action, action)} needs the {role_needed(action)} role ({has}{via})"


def os_user() -> str:
    """The account the process runs as (by user id, so ``USER=root`` in the environment changes nothing)."""
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError, OSError):  # no passwd entry (containers), or no pwd module
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return f"uid:{os.getuid()}"
