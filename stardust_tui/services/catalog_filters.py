"""Catalog filter helpers for the TUI: find the label a user means from part of its name.

The store filters releases by one exact label name (indexed, fast on a million releases); people type
part of a name in any case. :func:`label_matches` turns that text into the label names that contain it,
so the catalog can filter by the one label meant, or say which ones the text could be.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stardust_tui.services import Services


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def label_matches(services: Services, text: str, *, limit: int = 20) -> list[str]:
    """Label names containing ``text`` (any case), names starting with it first, at most ``limit``."""
    from sqlalchemy import case, func, select

    from stardust_tui.domain.enums import PartyKind
    from stardust_tui.domain.models import Party
    from stardust_tui.store.db import session_scope
    from stardust_tui.store.sqltypes import col

    wanted = " ".join(text.split()).lower()
    if not wanted:
        return []
    services.authorize("release.read")
    name = func.lower(col(Party.name))
    starts = case((name.like(_escape_like(wanted) + "%", escape="\\"), 0), else_=1)
    stmt = (select(col(Party.name)).where(col(Party.kind) == PartyKind.LABEL,
                                          name.like("%" + _escape_like(wanted) + "%", escape="\\"))
            .order_by(starts, col(Party.name)).limit(limit))
    with session_scope(services.engine) as session:
        return list(dict.fromkeys(session.execute(stmt).scalars()))


def resolve_label(services: Services, text: str) -> tuple[str | None, list[str]]:
    """``(label to filter by, candidates)``: the exact (any case) or only match, else None and the names
    the text could mean (empty when none)."""
    matches = label_matches(services, text)
    wanted = " ".join(text.split()).lower()
    exact = [m for m in matches if m.lower() == wanted]
    if exact:
        return exact[0], exact
    if len(matches) == 1:
        return matches[0], matches
    return None, matches
