"""The user list of a shared installation (issue 15): lookups for the access check, and changes.

A user is an OS login (or any name ``STARDUST_ACTOR`` gives) with one role and optionally the labels it
is limited to; see :mod:`stardust_tui.domain.access_models`. Changes are audited like everything else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from stardust_tui.domain.access_models import StardustUser
from stardust_tui.domain.models import utcnow
from stardust_tui.errors import ConflictError, NotFoundError
from stardust_tui.store.revisions import write_audit
from stardust_tui.store.sqltypes import col, table


@dataclass(frozen=True)
class UserRow:
    """A user as the access check and listings see it."""

    name: str
    role: str
    labels: tuple[str, ...] | None
    created_by: str = ""

    @classmethod
    def of(cls, u: StardustUser) -> UserRow:
        return cls(u.name, u.role, tuple(u.labels) if u.labels is not None else None, u.created_by)

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "role": self.role, "labels": list(self.labels) if self.labels is not None else None,
                "created_by": self.created_by}


def lookup(engine: Engine, names: Iterable[str]) -> tuple[int, dict[str, UserRow]]:
    """How many users there are, and the rows of ``names`` among them (one short read)."""
    wanted = sorted(set(names))
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(StardustUser)).scalar_one()
        if not total:
            return 0, {}
        user_table = table(StardustUser)
        rows = conn.execute(select(user_table.c.name, user_table.c.role, user_table.c.labels, user_table.c.created_by)
                            .where(user_table.c.name.in_(wanted))).all()
    return int(total), {r.name: UserRow(r.name, r.role, tuple(r.labels) if r.labels is not None else None,
                                        r.created_by) for r in rows}


def lookup_unopened(db_url: str, names: Iterable[str]) -> tuple[int, dict[str, UserRow]]:
    """:func:`lookup` on a store nobody opened yet, without creating or upgrading it: a missing SQLite file
    or a schema from before the user list (migration 0009) has no users (single-user)."""
    from pathlib import Path

    from sqlalchemy import inspect

    from stardust_tui.store.db import make_engine

    if "://" not in db_url:
        db_url = f"sqlite:///{db_url}"
    if db_url.startswith("sqlite"):
        database = db_url.split(":///", 1)[-1].split("?", 1)[0]
        if database in ("", ":memory:") or not Path(database).is_file():
            return 0, {}
    engine = make_engine(db_url)
    try:
        if not inspect(engine).has_table(StardustUser.__tablename__):
            return 0, {}
        return lookup(engine, names)
    finally:
        engine.dispose()


def list_users(session: Session) -> list[UserRow]:
    return [UserRow.of(u) for u in session.execute(select(StardustUser).order_by(col(StardustUser.name))).scalars()]


def _get(session: Session, name: str) -> StardustUser:
    user: StardustUser | None = session.execute(select(StardustUser).where(col(StardustUser.name) == name)
                                                ).scalars().first()
    if user is None:
        raise NotFoundError(f"no user named {name!r} (stardust user list)")
    return user


def _audit(session: Session, actor: str, action: str, user: StardustUser, before: dict[str, Any] | None,
           after: dict[str, Any] | None) -> None:
    write_audit(session, actor=actor, action=action, entity="user", entity_id=user.name, before=before,
                after=after, note=f"{action} {user.name}")


def add_user(session: Session, *, name: str, role: str, labels: list[str] | None, actor: str) -> UserRow:
    if session.execute(select(col(StardustUser.id)).where(col(StardustUser.name) == name)).first() is not None:
        raise ConflictError(f"user {name!r} exists (change it with: stardust user set-role {name} ROLE)")
    user = StardustUser(name=name, role=role, labels=labels, created_by=actor)
    session.add(user)
    session.flush()
    row = UserRow.of(user)
    _audit(session, actor, "add-user", user, None, row.as_dict())
    return row


def set_role(session: Session, *, name: str, role: str, labels: list[str] | None, keep_labels: bool,
             actor: str) -> tuple[UserRow, UserRow]:
    """Change a user's role (and labels unless ``keep_labels``); returns (before, after)."""
    user = _get(session, name)
    before = UserRow.of(user)
    user.role = role
    if not keep_labels:
        user.labels = labels
    user.updated_at = utcnow()
    session.add(user)
    session.flush()
    after = UserRow.of(user)
    _audit(session, actor, "set-role", user, before.as_dict(), after.as_dict())
    return before, after


def remove_user(session: Session, *, name: str, actor: str) -> UserRow:
    user = _get(session, name)
    row = UserRow.of(user)
    _audit(session, actor, "remove-user", user, row.as_dict(), None)
    session.delete(user)
    session.flush()
    return row


def admins(session: Session) -> list[str]:
    return list(session.execute(select(col(StardustUser.name)).where(col(StardustUser.role) == "admin")).scalars())


def user_count(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(StardustUser)).scalar_one())
