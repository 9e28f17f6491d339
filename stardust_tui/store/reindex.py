"""Work that re-reads releases to refresh the search index: a whole rebuild, and a party rename.

Both load releases (:mod:`stardust_tui.store.releases`) and write the index (:mod:`stardust_tui.store.search`),
so they live above both: ``releases`` imports ``parties`` and ``search``, and neither of those imports back.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session, select

from stardust_tui.domain.models import Party, Release, ReleaseArtist, Track, TrackArtist
from stardust_tui.errors import ValidationError
from stardust_tui.store.parties import clean_name
from stardust_tui.store.releases import iter_release_ids, load_release
from stardust_tui.store.revisions import write_audit
from stardust_tui.store.search import FTS_TABLE, PG_TABLE, index_release
from stardust_tui.store.sqltypes import col


def rebuild_index(session: Session) -> int:
    """Rebuild the whole index from the catalog (after a bulk import or a label rename); returns rows."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text(f"DELETE FROM {FTS_TABLE}"))
    else:
        session.execute(text(f"DELETE FROM {PG_TABLE}"))
    n = 0
    for rid in iter_release_ids(session):
        index_release(session, load_release(session, rid))
        n += 1
    return n


def rename_party(session: Session, party: Party, name: str, *, actor: str) -> int:
    """Rename a party, audit it, and refresh the search index of every release that shows the name.

    Returns how many releases were re-indexed. (Renaming ``party.name`` directly leaves the search
    index stale until ``stardust release reindex``.)
    """
    new = clean_name(name)
    if not new:
        raise ValidationError(f"{party.kind} name is empty")
    old, party.name = party.name, new
    write_audit(session, actor=actor, action="rename", entity="party", entity_id=party.id,
                before={"name": old}, after={"name": new})
    session.flush()
    ids = set(session.exec(select(col(Release.id)).where(col(Release.label_id) == party.id)).all())
    ids |= set(session.exec(select(col(ReleaseArtist.release_id)).where(col(ReleaseArtist.party_id) == party.id)).all())
    ids |= set(session.exec(select(col(Track.release_id)).join(TrackArtist, col(TrackArtist.track_id) == col(Track.id))
                            .where(col(TrackArtist.party_id) == party.id)).all())
    for rid in sorted(i for i in ids if i is not None):
        index_release(session, load_release(session, rid))
    return len(ids)
