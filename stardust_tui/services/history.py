"""A release's revision history for the TUI: the revisions, a field-level diff of any two, and undo.

Listing and diffing go through ``services.releases`` (every save is one revision with an audit note);
restoring an old revision as a new one is :mod:`stardust_tui.store.revision_restore` (verified).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stardust_tui.services.releases import ReleaseHead
from stardust_tui.services.rows import stored_id
from stardust_tui.store.db import session_scope

if TYPE_CHECKING:
    from stardust_tui.services import Services


def release_head(session: Any, release_id: int) -> ReleaseHead:
    """The release's head read in an open session (``services.releases.head`` opens its own)."""
    from stardust_tui.store.releases import get_release

    r = get_release(session, release_id)
    return ReleaseHead(stored_id(r), r.title, r.display_artist, r.upc, r.status, r.revision)


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
        return self.services.releases.head(release_id)

    def revisions(self, release_id: int) -> list[Any]:
        """``store.revisions.HistoryEntry`` rows, newest first."""
        return list(reversed(self.services.releases.history(release_id)))

    def diff(self, release_id: int, a: int, b: int) -> list[DiffLine]:
        """What changed from revision ``a`` to ``b`` (any order, any distance), field by field."""
        out = []
        for c in self.services.releases.diff(release_id, a, b).changes:
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
