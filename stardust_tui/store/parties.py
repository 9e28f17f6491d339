"""Parties (artists, labels, contributors, companies): find one by name and kind, or create it.

Names are matched case-insensitively after trimming and collapsing whitespace, so "The  Band" and
"the band" are one party. When an ISNI is given it wins over the name (two artists may share a name).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from stardust_tui.domain.limits import PARTY
from stardust_tui.domain.models import Party
from stardust_tui.domain.validation import check_text
from stardust_tui.errors import ValidationError
from stardust_tui.store.sqltypes import col

_ID_FIELDS = ("isni", "ipi", "dpid", "sort_name")


def clean_name(name: str) -> str:
    """Trim and collapse internal whitespace."""
    return " ".join((name or "").split())


def get_or_create_party(session: Session, name: str, kind: str = "artist", **ids: Any) -> Party:
    """Return the party called ``name`` of ``kind`` (creating it), filling in identifiers it lacks."""
    name = clean_name(name)
    if not name:
        raise ValidationError(f"{kind} name is empty")
    check_text(name, PARTY["name"], field=f"{kind} name")  # before the flush below writes it
    unknown = set(ids) - set(_ID_FIELDS)
    if unknown:
        raise ValidationError(f"unknown party field(s): {', '.join(sorted(unknown))}")
    ids = {k: v for k, v in ids.items() if v}
    for key, value in ids.items():
        if isinstance(value, str):
            check_text(value, PARTY[key], field=f"{kind} {key}")
    party: Party | None = None
    if ids.get("isni"):
        party = session.exec(select(Party).where(col(Party.isni) == ids["isni"], col(Party.kind) == kind)).first()
    if party is None:
        # Pending objects are not visible to the query until flushed; autoflush handles that.
        candidates = session.exec(
            select(Party).where(func.lower(col(Party.name)) == name.lower(), col(Party.kind) == kind)
            .order_by(col(Party.id))
        ).all()
        for cand in candidates:
            if not ids.get("isni") or not cand.isni or cand.isni == ids["isni"]:
                party = cand
                break
    if party is None:
        party = Party(name=name, kind=kind, **ids)
        session.add(party)
        session.flush()
        return party
    for key, value in ids.items():
        if getattr(party, key) in (None, ""):
            setattr(party, key, value)
    return party


def find_parties(session: Session, prefix: str, kind: str | None = None, limit: int = 20) -> list[Party]:
    """Parties whose name starts with ``prefix`` (case-insensitive), for pickers and completion."""
    escaped = clean_name(prefix).lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    stmt = select(Party).where(func.lower(col(Party.name)).like(escaped + "%", escape="\\"))
    if kind:
        stmt = stmt.where(col(Party.kind) == kind)
    return list(session.exec(stmt.order_by(col(Party.name)).limit(limit)).all())
