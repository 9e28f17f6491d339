"""Restoring a revision as a new one: exact (same content hash), complete or nothing, on both stores."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import delete, func, select

from stardust_tui.domain.models import Asset, Credit, Deal, ReleaseRevision, TrackArtist
from stardust_tui.errors import ConflictError, NotFoundError
from stardust_tui.store.db import session_scope
from stardust_tui.store.parties import get_or_create_party
from stardust_tui.store.releases import create_release, load_release, save_release, set_status
from stardust_tui.store.revision_restore import restorable, restore_revision
from stardust_tui.store.revisions import content_hash, diff_revisions, get_revision, history


def _asset(s, ch: str, kind: str = "audio") -> Asset:
    a = Asset(sha256=ch * 64, md5=ch * 32, size=10, kind=kind, original_name=f"{ch}.flac")
    s.add(a)
    s.flush()
    return a


def _rich_release(engine) -> int:
    """Revision 1: two tracks with audio, a featured artist and credits, a cover, a label and two deals."""
    with session_scope(engine) as s:
        a1, a2, cover = _asset(s, "a"), _asset(s, "b"), _asset(s, "c", "image")
        rel = create_release(
            s, actor="ann", title="Night Drive", artists=["Luna Park"], label="Star Records", upc="036000291452",
            release_date=date(2024, 5, 1), genre="Pop", p_line_year=2024, p_line="2024 Star Records",
            tracks=[{"title": "Intro", "isrc": "USS1Z2400001", "audio_asset_id": a1.id, "duration_seconds": 61.0},
                    {"title": "Drive", "isrc": "USS1Z2400002", "audio_asset_id": a2.id, "explicit": True}],
            deals=[{"territories": ["GB", "IE"], "commercial_models": ["PayAsYouGoModel"],
                    "use_types": ["PermanentDownload"], "start": datetime(2024, 5, 1, tzinfo=UTC),
                    "price_tier": "Front"},
                   {"territories": ["Worldwide"], "commercial_models": ["SubscriptionModel"],
                    "use_types": ["OnDemandStream"], "start": datetime(2024, 5, 1, tzinfo=UTC)}])
        rel.cover_asset_id = cover.id
        rel.credits.append(Credit(party=get_or_create_party(s, "Ann Writer", "contributor"), role="Composer",
                                  sequence=1))
        second = rel.tracks[1]
        second.artists.append(TrackArtist(party=get_or_create_party(s, "Guest Star"), role="FeaturedArtist",
                                          sequence=1))
        second.credits.append(Credit(release_id=rel.id, party=get_or_create_party(s, "Bob Mixer", "contributor"),
                                     role="Mixer", sequence=1))
        save_release(s, rel, actor="ann")
        return int(rel.id)


def _mangle(engine, rid: int) -> None:
    """Later revisions change nearly everything: fields, track order and count, audio, people, deals."""
    with session_scope(engine) as s:
        rel = load_release(s, rid)
        other = _asset(s, "d")
        rel.title, rel.genre, rel.label, rel.cover = "Night Drive (Deluxe)", "Rock", None, None
        intro, drive = sorted(rel.tracks, key=lambda t: t.track_number)
        rel.tracks.remove(intro)
        s.flush()
        drive.track_number, drive.audio_asset_id, drive.artists, drive.credits = 1, other.id, [], []
        rel.deals = [Deal(territories=["US"], commercial_models=["AdvertisementSupportedModel"],
                          use_types=["OnDemandStream"], start=datetime(2025, 1, 1, tzinfo=UTC))]
        rel.credits = []
        save_release(s, rel, actor="bob")
    with session_scope(engine) as s:
        rel = load_release(s, rid)
        rel.tracks.append(type(rel.tracks[0])(title="Bonus", track_number=2, isrc="USS1Z2400009"))
        save_release(s, rel, actor="bob")


def test_restore_gives_back_revision_content_exactly(engine) -> None:
    rid = _rich_release(engine)
    _mangle(engine, rid)
    with session_scope(engine) as s:
        first = get_revision(s, rid, 2)  # revision 1 is the create; 2 added the cover and people
        latest = max(e.number for e in history(s, rid))
        rev = restore_revision(s, load_release(s, rid), 2, actor="carol")
        assert rev.number == latest + 1
    with session_scope(engine) as s:
        rel = load_release(s, rid)
        assert content_hash(rel) == first.content_hash
        assert rel.title == "Night Drive" and rel.label.name == "Star Records" and rel.cover.sha256 == "c" * 64
        titles = [(t.track_number, t.title, t.audio.sha256[0]) for t in rel.tracks]
        assert titles == [(1, "Intro", "a"), (2, "Drive", "b")]
        drive = rel.tracks[1]
        assert [(a.party.name, a.role) for a in drive.artists] == [("Guest Star", "FeaturedArtist")]
        assert [(c.party.name, c.role) for c in drive.credits] == [("Bob Mixer", "Mixer")]
        assert [d.price_tier for d in rel.deals] == ["Front", None]
        entry = history(s, rid)[-1]
        assert (entry.actor, entry.action) == ("carol", "restore-2")
        a, b, changes = diff_revisions(s, rid, 2, entry.number)
        assert changes == []


def test_restore_keeps_status_but_not_ready_with_errors(engine) -> None:
    with session_scope(engine) as s:
        rel = create_release(s, actor="t", title="Bare")  # revision 1: no UPC, no tracks -> not ready
        rid = int(rel.id)
        rel.status = "delivered"
        save_release(s, rel, actor="t")
    with session_scope(engine) as s:
        restore_revision(s, load_release(s, rid), 1, actor="t")
    with session_scope(engine) as s:
        assert load_release(s, rid).status == "delivered"  # status is not content
        rel = load_release(s, rid)
        rel.status = "ready"  # as if it had been ready with later content
        save_release(s, rel, actor="t")
    with session_scope(engine) as s:
        restore_revision(s, load_release(s, rid), 1, actor="t")
    with session_scope(engine) as s:
        assert load_release(s, rid).status == "draft"


def test_missing_asset_refuses_and_writes_nothing(engine) -> None:
    rid = _rich_release(engine)
    _mangle(engine, rid)
    with session_scope(engine) as s:
        s.exec(delete(Asset).where(Asset.sha256 == "b" * 64))
    with session_scope(engine) as s:
        before = s.exec(select(func.count()).select_from(ReleaseRevision)
                        .where(ReleaseRevision.release_id == rid)).one()
        hash_before = content_hash(load_release(s, rid))
    with pytest.raises(ConflictError, match="no longer in the asset store"), session_scope(engine) as s:
        restore_revision(s, load_release(s, rid), 2, actor="t")
    with session_scope(engine) as s:
        after = s.exec(select(func.count()).select_from(ReleaseRevision).where(ReleaseRevision.release_id == rid)).one()
        assert after == before
        assert content_hash(load_release(s, rid)) == hash_before


def test_unknown_snapshot_key_is_refused_not_dropped(engine) -> None:
    with session_scope(engine) as s:
        rid = int(create_release(s, actor="t", title="Future").id)
    with session_scope(engine) as s:
        rev = get_revision(s, rid, 1)
        rev.snapshot = {**rev.snapshot, "mood": "calm"}  # a field a newer Stardust might store
        s.add(rev)
    with pytest.raises(ConflictError, match="'mood'"), session_scope(engine) as s:
        restore_revision(s, load_release(s, rid), 1, actor="t")


def test_unknown_revision(engine) -> None:
    with session_scope(engine) as s:
        rid = int(create_release(s, actor="t", title="One").id)
        set_status(s, load_release(s, rid), "draft", actor="t")
    with session_scope(engine) as s:
        with pytest.raises(NotFoundError, match="no revision 9"):
            restorable(s, rid, 9)
        with pytest.raises(NotFoundError):
            restorable(s, rid + 100, 1)
