"""Users of a shared installation: add, list, change role and labels, remove; and who am I.

The one implementation behind ``stardust user …`` (and the API, when it offers it). A fresh install is
single-user (whoever runs it is admin); adding someone else for the first time also adds the one doing it
as admin, the owner, so the installation never locks its owner out. There is always at least one admin:
removing or demoting the last one is refused. Every change is audited (entity ``user``).
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stardust_tui.errors import ConflictError, ValidationError
from stardust_tui.services.actor import ROLES
from stardust_tui.store.db import session_scope
from stardust_tui.store.users import UserRow

if TYPE_CHECKING:
    from sqlmodel import Session

    from stardust_tui.services import Services

_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@:$")


@dataclass(frozen=True)
class WhoAmI:
    """The acting identity and what it may do here."""

    name: str
    kind: str
    login: str | None
    role: str | None
    labels: list[str] | None
    single_user: bool
    note: str


@dataclass(frozen=True)
class UserChange:
    """What a change did: the users added or changed (the owner too on the first add), and notes."""

    users: list[UserRow]
    notes: list[str]


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 200 or not set(name) <= _NAME_CHARS:
        raise ValidationError(f"{name!r} is not a user name (an OS login: letters, digits and . _ - @)",
                              where="NAME")
    return name


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise ValidationError(f"unknown role {role!r} (expected one of {', '.join(ROLES)})", where="ROLE")
    return role


class UserService:
    def __init__(self, services: Services) -> None:
        self.services = services

    def whoami(self) -> WhoAmI:
        """Who this process acts as, its role and labels (no permission needed: it is about oneself)."""
        actor = self.services.actor
        grant = self.services.access.grant()
        return WhoAmI(actor.name, actor.kind, actor.login, grant.role,
                      list(grant.labels) if grant.labels is not None else None, grant.single_user,
                      grant.problem or grant.note)

    def list(self) -> list[UserRow]:
        from stardust_tui.store.users import list_users

        self.services.authorize("user.admin")
        with session_scope(self.services.store_engine) as s:
            return list_users(s)

    def add(self, name: str, role: str, labels: Sequence[str] = ()) -> UserChange:
        """Add ``name`` with ``role`` (optionally only ``labels``); the first one also adds the owner."""
        from stardust_tui.store.users import add_user, user_count

        self.services.authorize("user.admin")
        name, role = _check_name(name), _check_role(role)
        actor = self.services.actor
        owner = actor.login or actor.name
        added: list[UserRow] = []
        with session_scope(self.services.store_engine) as s:
            clean, notes = self._labels(s, labels)
            if user_count(s) == 0:
                if actor.kind == "apikey" and role != "admin":
                    raise ValidationError("the first user must be an admin (an API key cannot be one)", where="ROLE")
                if name == owner and role != "admin":
                    raise ValidationError(f"{name} runs this installation and would lock themselves out: the "
                                          "first user must be an admin", where="ROLE")
                if name != owner and actor.kind != "apikey":
                    added.append(add_user(s, name=owner, role="admin", labels=None, actor=actor.name))
                    notes.append(f"{owner} added as admin: the installation's owner (it was single-user until now)")
            added.append(add_user(s, name=name, role=role, labels=clean, actor=actor.name))
        self.services.access.forget()
        return UserChange(added, notes)

    def set_role(self, name: str, role: str, *, labels: Sequence[str] | None = None,
                 all_labels: bool = False) -> UserChange:
        """Change a user's role; ``labels`` replace their labels, ``all_labels`` lifts the limit, else kept."""
        from stardust_tui.store.users import admins, set_role

        self.services.authorize("user.admin")
        role = _check_role(role)
        if labels and all_labels:
            raise ValidationError("give --label or --all-labels, not both", where="--all-labels")
        with session_scope(self.services.store_engine) as s:
            clean, notes = self._labels(s, labels or ())
            before, after = set_role(s, name=name, role=role, labels=None if all_labels else clean,
                                     keep_labels=not labels and not all_labels, actor=self.services.actor.name)
            if before.role == "admin" and role != "admin" and not admins(s):
                raise ConflictError(f"{name} is the last admin; make someone else admin first")
            notes.insert(0, f"{name}: {before.role} -> {after.role}, labels "
                            f"{_labels_text(before.labels)} -> {_labels_text(after.labels)}")
        self.services.access.forget()
        return UserChange([after], notes)

    def remove(self, name: str) -> UserRow:
        from stardust_tui.store.users import admins, remove_user

        self.services.authorize("user.admin")
        with session_scope(self.services.store_engine) as s:
            row = remove_user(s, name=name, actor=self.services.actor.name)
            if row.role == "admin" and not admins(s):
                raise ConflictError(f"{name} is the last admin; make someone else admin first")
        self.services.access.forget()
        return row

    def _labels(self, session: Session, labels: Sequence[str]) -> tuple[builtins.list[str] | None, builtins.list[str]]:
        """Labels as the catalog spells them (matched without case); unknown ones are kept with a note."""
        from sqlalchemy import func, select

        from stardust_tui.domain.access_models import USER
        from stardust_tui.domain.enums import PartyKind
        from stardust_tui.domain.models import Party
        from stardust_tui.domain.validation import check_text
        from stardust_tui.store.sqltypes import col

        out: list[str] = []
        notes: list[str] = []
        for raw in labels:
            label = " ".join(check_text(raw, USER["label"], field="--label", required=True).split())
            known = session.execute(select(col(Party.name)).where(
                col(Party.kind) == PartyKind.LABEL, func.lower(col(Party.name)) == label.lower())).scalars().first()
            if known is None:
                notes.append(f"no release has label {label!r} yet")
            out.append(known or label)
        return (list(dict.fromkeys(out)) or None), notes


def _labels_text(labels: Any) -> str:
    return ", ".join(labels) if labels else "all"
