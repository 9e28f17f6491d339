"""Who acts: the :class:`Actor` every service call carries, and the actions a service may be asked to do.

The CLI and TUI act as the OS user (as SSH logs them in), the worker daemon as ``worker@host``, the HTTP
API (issue 11) as an API key's name. Audit entries and revisions record ``actor.name``. Roles and a label
scope (issue 15) hang off the actor; :meth:`Services.authorize` is where they will be enforced.

``ACTIONS`` names every action a service checks, with the access level it belongs to (the API's key
scopes and the roles of issue 15 are both built on these four levels).
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from typing import Literal

ActorKind = Literal["user", "apikey", "worker"]

READ, WRITE, DELIVER, ADMIN = "read", "write", "deliver", "admin"
"""Access levels, lowest first: look, change drafts, release/deliver/take down, administer."""
LEVELS: tuple[str, ...] = (READ, WRITE, DELIVER, ADMIN)
"""Each level includes the ones before it (an API key's scope ``deliver`` may also read and write)."""

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
}


@dataclass(frozen=True)
class Actor:
    """The identity a service call acts as.

    ``roles`` and ``labels`` are empty until issue 15 gives them meaning: ``labels`` None means every label.
    """

    name: str
    kind: ActorKind = "user"
    roles: tuple[str, ...] = ()
    labels: tuple[str, ...] | None = None

    def __str__(self) -> str:
        return self.name

    @classmethod
    def from_environment(cls) -> Actor:
        """``STARDUST_ACTOR`` if set, else the OS user running the CLI or TUI (as SSH logged them in)."""
        name = os.environ.get("STARDUST_ACTOR")
        return cls(name) if name else cls(_os_user())

    @classmethod
    def worker(cls, host: str | None = None) -> Actor:
        """The delivery daemon: ``worker@host`` (``STARDUST_ACTOR`` still wins, for tests and containers)."""
        import socket

        name = os.environ.get("STARDUST_ACTOR")
        return cls(name or f"worker@{host or socket.gethostname()}", kind="worker")

    @classmethod
    def api_key(cls, key_name: str, *, scope: str = READ, labels: tuple[str, ...] | None = None) -> Actor:
        """A client of the HTTP API, acting as the name of its API key; its scope is its one role."""
        return cls(key_name, kind="apikey", roles=(scope,), labels=labels)


def allows(granted: tuple[str, ...], needed: str) -> bool:
    """Whether one of the ``granted`` access levels includes the level ``needed`` (levels are ordered)."""
    rank = max((LEVELS.index(g) for g in granted if g in LEVELS), default=-1)
    return rank >= LEVELS.index(needed)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return f"uid:{os.getuid()}"
