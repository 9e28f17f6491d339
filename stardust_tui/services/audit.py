"""The audit log viewer: who changed what and when, filtered, with each entry's field-level changes; and
the hash chain's verification.

The one implementation behind ``stardust audit`` and the TUI's audit screen. Entries are read through the
actor's (label-scoped) engine, so a user limited to some labels sees only their releases' and deliveries'
entries (plus those about targets, users, keys). Filters: an entity (``release:ID|UPC``, ``target:NAME|ID``,
``delivery:ID``, ``user:NAME``, ``party:ID``, ``api_key:ID``), an actor, a start date and an action; newest
first, paged by id.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from stardust_tui.errors import PermissionDenied, ValidationError
from stardust_tui.store.db import session_scope

if TYPE_CHECKING:
    from stardust_tui.services import Services
    from stardust_tui.store.audit_chain import ChainReport
    from stardust_tui.store.revisions import Change

ENTITIES = ("release", "target", "delivery", "user", "party", "api_key")
"""What ``--entity KIND:VALUE`` may name."""


@dataclass(frozen=True)
class AuditFilters:
    """What the log is narrowed to; all optional. ``entity`` is ``kind:value`` as typed."""

    entity: str | None = None
    actor: str | None = None
    since: datetime | None = None
    action: str | None = None


@dataclass(frozen=True)
class AuditView:
    """One entry as the viewer shows it, with the changed fields (``path``, ``before``, ``after``)."""

    id: int
    seq: int | None
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str | None
    note: str | None
    changes: list[Change] = field(default_factory=list)
    name: str | None = None
    """The target's or key's name when the entry holds it (entries name them by id)."""

    @property
    def subject(self) -> str:
        """``release:42``, ``target:shop`` (the name when known), ``store``."""
        if self.name:
            return f"{self.entity}:{self.name}"
        return f"{self.entity}:{self.entity_id}" if self.entity_id else self.entity

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "seq": self.seq, "at": self.at.isoformat(), "actor": self.actor,
                "action": self.action, "entity": self.entity, "entity_id": self.entity_id, "name": self.name,
                "note": self.note,
                "changes": [{"field": c.path, "before": c.before, "after": c.after} for c in self.changes]}


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditView]
    more: bool
    """Whether older entries match too (ask again with ``before_id`` = the last entry's id)."""


def _view(e: Any) -> AuditView:
    from stardust_tui.store.revisions import diff_snapshots

    before, after = e.before, e.after
    if isinstance(before, dict) or isinstance(after, dict):  # a creation or a removal: every field, from/to nothing
        before, after = before or {}, after or {}
    named = next((d.get("name") for d in (e.after, e.before) if isinstance(d, dict) and isinstance(d.get("name"), str)),
                 None) if e.entity in ("target", "api_key") else None
    return AuditView(int(e.id), e.seq, e.at, e.actor, e.action, e.entity, e.entity_id, e.note,
                     diff_snapshots(before, after), named)


class AuditService:
    def __init__(self, services: Services) -> None:
        self.services = services

    def _entity(self, session: Any, entity: str) -> tuple[str, str]:
        """``kind:value`` as stored: a release by id/UPC/GRid, a target by name or id (visible ones only)."""
        from sqlmodel import select

        from stardust_tui.domain.delivery_models import Delivery, Target
        from stardust_tui.errors import NotFoundError
        from stardust_tui.store.releases import get_release

        kind, sep, value = entity.partition(":")
        kind, value = kind.strip().lower().replace("apikey", "api_key"), value.strip()
        if not sep or kind not in ENTITIES or not value:
            raise ValidationError(f"{entity!r}: expected KIND:VALUE with KIND one of {', '.join(ENTITIES)} "
                                  "(release:42, target:spotify)", where="--entity")
        if kind == "release":
            return kind, str(get_release(session, value).id)
        if kind == "target":
            stmt = select(Target.id).where(Target.name == value)
            found = session.exec(stmt).first()
            if found is None and value.isascii() and value.isdigit():
                return kind, value  # a removed target is still in the log by id
            if found is None:
                raise NotFoundError(f"no target named {value!r} (a removed one: target:ID)", where="--entity")
            return kind, str(found)
        if kind == "delivery":
            if not (value.isascii() and value.isdigit()) or session.get(Delivery, int(value)) is None:
                raise NotFoundError(f"delivery {value} does not exist", where="--entity")
        return kind, value

    def list(self, filters: AuditFilters | None = None, *, limit: int = 50,
             before_id: int | None = None) -> AuditPage:
        """Entries matching ``filters``, newest first (``limit`` of them; ``before_id`` pages back)."""
        from sqlmodel import col, select

        from stardust_tui.domain.models import AuditEntry

        self.services.authorize("audit.read")
        f = filters or AuditFilters()
        stmt = select(AuditEntry)
        with session_scope(self.services.engine) as s:
            if f.entity:
                kind, value = self._entity(s, f.entity)
                stmt = stmt.where(AuditEntry.entity == kind, AuditEntry.entity_id == value)
            if f.actor:
                stmt = stmt.where(AuditEntry.actor == f.actor)
            if f.action:
                stmt = stmt.where(AuditEntry.action == f.action)
            if f.since is not None:
                since = f.since if f.since.tzinfo else f.since.replace(tzinfo=UTC)
                stmt = stmt.where(col(AuditEntry.at) >= since)
            if before_id is not None:
                stmt = stmt.where(col(AuditEntry.id) < before_id)
            rows = s.exec(stmt.order_by(col(AuditEntry.id).desc()).limit(max(1, limit) + 1)).all()
            views = [_view(e) for e in rows[:limit]]
        return AuditPage(views, len(rows) > limit)

    def actions(self) -> builtins.list[str]:
        """The action names in the log (for the TUI's filter), sorted."""
        from sqlmodel import select

        from stardust_tui.domain.models import AuditEntry

        self.services.authorize("audit.read")
        with session_scope(self.services.engine) as s:
            return sorted(a for a in s.exec(select(AuditEntry.action).distinct()).all() if a)

    def verify(self) -> ChainReport:
        """Walk the whole hash chain: every changed, deleted or slipped-in entry is one line of the report."""
        from stardust_tui.store.audit_chain import verify

        self.services.authorize("audit.read")
        if self.services.access.labels() is not None:
            raise PermissionDenied("verifying the audit chain reads every label's entries; ask someone "
                                   "who is not limited to labels")
        with self.services.store_engine.connect() as conn:
            return verify(conn)
