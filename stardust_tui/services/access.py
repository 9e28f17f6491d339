"""What the acting user may do here: their role and labels, single-user mode, and the refusal line.

Behind :meth:`Services.authorize <stardust_tui.services.Services.authorize>` (the one place permission checks
happen) and the label scope of :attr:`Services.engine`:

* An API key's scope is its role; its labels are the key's (``Actor.api_key``).
* While the store's user list is empty the installation is **single-user**: whoever runs it is admin.
  The first ``stardust user add`` of someone else also adds the one running it as admin (the owner).
* Otherwise a ``user`` actor has the role and labels of its name in the list, and nothing when it is not
  listed. ``STARDUST_ACTOR=NAME`` (acting under another name: tests, containers, a shared service login)
  is honoured only when the OS account itself is an admin; the actor then has NAME's role when NAME is
  listed, else the admin's.
* A ``worker`` actor (``worker@host``: the delivery daemon, hot folders, the API server's own calls) has
  the role of the OS account running it and serves every label.

Roles given on the actor itself (``Actor.roles``) can only lower what the list grants. The grant is read
once and kept for :data:`TTL_S` seconds, so a role changed by an admin reaches a running TUI quickly.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from stardust_tui.errors import PermissionDenied
from stardust_tui.services.actor import (
    ACTION_TEXT,
    ACTIONS,
    LEVEL_OF_ROLE,
    ROLE_OF_LEVEL,
    ROLES,
    Actor,
    allows,
    os_user,
    rank,
    refusal,
    role_needed,
)

if TYPE_CHECKING:
    from stardust_tui.services import Services

TTL_S = 5.0
"""How long a grant read from the store is reused by one :class:`Services` (a long-running TUI)."""


@dataclass(frozen=True)
class Grant:
    """What an actor may do: a role (None: nothing), the labels it is limited to (None: all)."""

    role: str | None
    labels: tuple[str, ...] | None = None
    single_user: bool = False
    note: str = ""
    """Why there is no role, or how it came about, for refusals and ``stardust user whoami``."""
    problem: str | None = None
    """Refuse everything with this line (an unallowed ``STARDUST_ACTOR``)."""

    def permits(self, action: str) -> bool:
        """Whether this grant includes ``action`` (a key of ``ACTIONS``)."""
        return not self.problem and self.role is not None and allows((self.role,), ACTIONS[action])


def _role_of(granted: str) -> str | None:
    """A role name from a role or an API scope (level) name."""
    if granted in ROLES:
        return granted
    return ROLE_OF_LEVEL.get(granted)


def _capped(role: str | None, cap: str | None) -> str | None:
    """``role`` lowered to ``cap`` (None: no cap); no role stays no role."""
    if role is None or cap is None:
        return role
    return min(role, cap, key=rank)


def _narrow(a: tuple[str, ...] | None, b: tuple[str, ...] | None) -> tuple[str, ...] | None:
    if a is None:
        return b
    if b is None:
        return a
    folded = {x.casefold() for x in b}
    return tuple(x for x in a if x.casefold() in folded)


def resolve(services: Services) -> Grant:
    """The grant of ``services.actor`` as the store says now (see the module docstring)."""
    from stardust_tui.store.users import lookup, lookup_unopened

    actor = services.actor
    if actor.kind == "apikey":
        return grant_of(actor, 0, {})
    opened = services.opened_engine
    names = lookup_names(actor)
    count, rows = lookup(opened, names) if opened is not None else lookup_unopened(services.settings.db_url, names)
    return grant_of(actor, count, rows)


class UserLike(Protocol):
    """A row of the store's user list (``store.users.UserRow``, or the TUI's early read of it)."""

    @property
    def role(self) -> str: ...

    @property
    def labels(self) -> tuple[str, ...] | None: ...


def lookup_names(actor: Actor) -> set[str]:
    """The user-list names :func:`grant_of` needs for ``actor``: its own and its OS account's."""
    return {actor.name, _login(actor)}


def _login(actor: Actor) -> str:
    """The OS account behind ``actor``: its own login, a worker's OS user, else its name."""
    return actor.login or (os_user() if actor.kind == "worker" else actor.name)


def grant_of(actor: Actor, count: int, rows: Mapping[str, UserLike]) -> Grant:
    """The grant of ``actor`` given the store's user count and the list's rows of :func:`lookup_names`.

    Pure: :func:`resolve` reads the list through the store; the TUI's early first page
    (``services/catalog_cache.live_first_page_rows``) reads the same rows with the standard library and
    decides with this same function."""
    if actor.kind == "apikey":
        roles = [_role_of(r) for r in actor.roles]
        known = [r for r in roles if r is not None]
        role = min(known, key=rank) if roles and len(known) == len(roles) else None  # none if any is unknown
        return Grant(role, actor.labels, note=f"API key {actor.name!r}, scope {LEVEL_OF_ROLE.get(role or '', '-')}")
    cap = min((_role_of(r) or "viewer" for r in actor.roles), key=rank) if actor.roles else None
    login = _login(actor)
    if count == 0:
        return Grant(_capped("admin", cap), actor.labels, single_user=True,
                     note="single-user installation: whoever runs it is admin")
    own = rows.get(login)
    if actor.kind == "worker":
        if own is None:
            return Grant(None, note=f"{actor.name} runs as OS user {login!r}, who is not a Stardust user")
        return Grant(_capped(own.role, cap), None, note=f"{actor.name} runs as {login} ({own.role})")
    if actor.name != login:  # STARDUST_ACTOR: only an admin may act under another name
        if own is None or own.role != "admin":
            has = f"{login} is {own.role}" if own else f"{login} is not a Stardust user"
            return Grant(None, problem=f"STARDUST_ACTOR={actor.name}: only an admin may act as another user ({has})")
        other = rows.get(actor.name)
        if other is None:
            return Grant(_capped("admin", cap), actor.labels, note=f"{login} (admin) acting as {actor.name}")
        return Grant(_capped(other.role, cap), _narrow(other.labels, actor.labels),
                     note=f"{login} (admin) acting as {actor.name} ({other.role})")
    if own is None:
        return Grant(None, note=f"{login} is not a Stardust user here; an admin adds them with "
                                f"'stardust user add {login} ROLE'")
    return Grant(_capped(own.role, cap), _narrow(own.labels, actor.labels))


class Access:
    """The cached grant of one :class:`Services` and the checks made with it."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._grant: Grant | None = None
        self._read_at = 0.0

    def grant(self) -> Grant:
        if self._grant is None or time.monotonic() - self._read_at > TTL_S:
            self._grant = resolve(self.services)
            self._read_at = time.monotonic()
        return self._grant

    def forget(self) -> None:
        """Read the grant again on the next check (after changing users)."""
        self._grant = None

    def check(self, action: str) -> None:
        """Refuse ``action`` with one line naming the role it needs, unless the grant includes it."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r} (add it to services.actor.ACTIONS)")
        grant = self.grant()
        if grant.problem:
            raise PermissionDenied(grant.problem)
        if grant.permits(action):
            return
        actor = self.services.actor
        if actor.kind == "apikey":
            scope = LEVEL_OF_ROLE.get(grant.role or "", "none")
            raise PermissionDenied(f"{ACTION_TEXT[action]} needs {ACTIONS[action]} (the {role_needed(action)} role); "
                                   f"API key {actor.name!r} has scope {scope}")
        if grant.role is None:
            raise PermissionDenied(f"{ACTION_TEXT[action]} needs the {role_needed(action)} role "
                                   f"({grant.note or f'{actor.name} has no role'})")
        raise PermissionDenied(refusal(actor.name, action, grant.role))

    def labels(self) -> tuple[str, ...] | None:
        """The labels the actor is limited to (None: all). Workers serve every label."""
        if self.services.actor.kind == "worker":
            return None
        return self.grant().labels
