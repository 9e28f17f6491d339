"""A release's revision history for the TUI: the revisions, a field-level diff of any two, and undo.

Delegates to :mod:`stardust_tui.store.revisions` (every save is one revision with an audit note) and
:mod:`stardust_tui.store.revision_restore` (restore an old revision as a new one, verified).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stardust_tui.store.db import session_scope

if TYPE_CHECKING:
    from stardust_tui.services import Services


@dataclass(frozen=True)
class ReleaseHead:
    """What names a release in a screen title: id, title, artist, UPC, status and current revision."""

    id: int
    title: str
    display_artist: str
    upc: str | None
    status: str
    revision: int

    @property
    def label(self) -> str:
        upc = f" · UPC {self.upc}" if self.upc else ""
        return f"{self.display_artist} — {self.title}{upc}"


def release_head(session: Any, release_id: int) -> ReleaseHead:
    from stardust_tui.store.releases import get_release

    r = get_release(session, release_id)
    return ReleaseHead(int(r.id), r.title, r.display_artist, r.upc, r.status, r.revision)  # type: ignore[arg-type]


@dataclass(frozen=True)
class DiffLine:
    """One changed field: ``path`` like ``title`` or ``tracks[2].isrc``, values as shown (JSON-ish text)."""

    path: str
    before: str
    after: str
    kind: str  # changed | added | removed


def _shown(value: Any) -> str:
    import json

    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


class HistoryService:
    def __init__(self, services: Services) -> None:
        self.services = services

    def head(self, release_id: int) -> ReleaseHead:
        self.services.authorize("release.read")
        with session_scope(self.services.engine) as session:
            return release_head(session, release_id)

    def revisions(self, release_id: int) -> list[Any]:
        """``store.revisions.HistoryEntry`` rows, newest first."""
        from stardust_tui.store.revisions import history

        self.services.authorize("release.read")
        with session_scope(self.services.engine) as session:
            release_head(session, release_id)  # NotFoundError for an unknown release
            return list(reversed(history(session, release_id)))

    def diff(self, release_id: int, a: int, b: int) -> list[DiffLine]:
        """What changed from revision ``a`` to ``b`` (any order, any distance), field by field."""
        from stardust_tui.store.revisions import diff_revisions

        self.services.authorize("release.read")
        with session_scope(self.services.engine) as session:
            _, _, changes = diff_revisions(session, release_id, a, b)
        out = []
        for c in changes:
            kind = "added" if c.before is None else "removed" if c.after is None else "changed"
            out.append(DiffLine(c.path, _shown(c.before), _shown(c.after), kind))
        return out

    def restore(self, release_id: int, number: int) -> int:
        """Save revision ``number``'s content as a new revision; returns the new revision's number."""
        from stardust_tui.store.releases import get_release
        from stardust_tui.store.revision_restore import restore_revision

        self.services.authorize("release.write")
        with session_scope(self.services.engine) as session:
            rev = restore_revision(session, get_release(session, release_id), number, actor=self.services.actor.name)
            return int(rev.number)
