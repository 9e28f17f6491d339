"""Release services on real SQLite and PostgreSQL: create, find, load, save (revision + audit), status,
duplicate, delete, list with filters and paging."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import func, select

from stardust_tui.domain.delivery_models import Delivery, Target
from stardust_tui.domain.models import Asset, AuditEntry, Credit, Deal, Party, Release, ReleaseRevision, Track
from stardust_tui.errors import ConflictError, NotFoundError, ValidationError
from stardust_tui.store.db import session_scope
from stardust_tui.store.parties import get_or_create_party
from stardust_tui.store.releases import (
    ReleaseRow,
    content_hash,
    count_releases,
    create_release,
    delete_release,
    duplicate_release,
    get_release,
    list_releases,
    load_release,
    save_release,
    set_status,
)


def add_asset(s, n: int, kind: str = "audio") -> Asset:
    extra = (dict(container="FLAC", codec="FLAC", sample_rate=44100, bit_depth=24, channels=2, duration_seconds=200)
             if kind == "audio" else dict(container="JPEG", width=3000, height=3000, color_mode="RGB"))
    a = Asset(sha256=f"{n:064x}", md5=f"{n:032x}", size=100, kind=kind, original_name=f"f{n}", **extra)
    s.add(a)
    s.flush()
    return a


def make_complete(s, upc: str = "036000291452", title: str = "Night Drive") -> Release:
    cover = add_asset(s, 9000 + int(upc[-4:]), "image")
    tracks = [dict(title=t, isrc=f"USS1Z{upc[-4:]}{n:03d}", audio_asset_id=add_asset(s, int(upc[-4:]) * 10 + n).id,
                   duration_seconds=200.0) for n, t in enumerate(("Intro", "Highway"), start=1)]
    rel = create_release(
        s, actor="tester", title=title, artists=["Luna Park"], label="Star Records", upc=upc,
        release_date=date(2024, 5, 1), genre="Electronic", p_line="2024 Star Records", p_line_year=2024,
        c_line="2024 Star Records", c_line_year=2024, cover_asset_id=cover.id, tracks=tracks,
        deals=[dict(territories=["Worldwide"], commercial_models=["SubscriptionModel"], use_types=["OnDemandStream"],
                    start=datetime(2024, 5, 1, tzinfo=UTC))],
    )
    return rel


def test_create_normalizes_and_records_revision_1(engine):
    with session_scope(engine) as s:
        rel = create_release(s, actor="ann", title="  Blue   Skies ", artists=["Ann Café", "Bo"], label="Star",
                             upc="0 36000 29145 2", tracks=[{"title": "One", "isrc": "us-s1z-24-00001"}])
        rid = rel.id
    with session_scope(engine) as s:
        rel = load_release(s, rid)
    # usable after the session closed
    assert rel.upc == "036000291452" and rel.title == "Blue Skies"
    assert rel.display_artist == "Ann Café & Bo"
    assert [a.party.name for a in rel.artists] == ["Ann Café", "Bo"]
    assert rel.label.name == "Star" and rel.label.kind == "label"
    assert rel.tracks[0].isrc == "USS1Z2400001" and rel.tracks[0].display_artist == "Ann Café & Bo"
    assert rel.norm_key == "blue skies|ann cafe and bo"
    assert rel.revision == 1
    with session_scope(engine) as s:
        revs = s.exec(select(ReleaseRevision).where(ReleaseRevision.release_id == rid)).all()
        audit = s.exec(select(AuditEntry).where(AuditEntry.entity_id == str(rid))).all()
    assert [r.number for r in revs] == [1] and revs[0].actor == "ann"
    assert revs[0].snapshot["tracks"][0]["isrc"] == "USS1Z2400001"
    assert [(a.action, a.actor) for a in audit] == [("create", "ann")]


def test_get_release_by_id_and_any_upc_form(engine):
    with session_scope(engine) as s:
        rid = create_release(s, actor="t", title="A", upc="036000291452").id
    with session_scope(engine) as s:
        for ref in (rid, str(rid), "036000291452", "0036000291452", "0-36000-29145-2"):
            assert get_release(s, ref).id == rid
        with pytest.raises(NotFoundError, match="no release with id 999"):
            get_release(s, 999)
        with pytest.raises(NotFoundError, match="UPC 4006381333931"):
            get_release(s, "4006381333931")
        with pytest.raises(ValidationError, match="check digit"):
            get_release(s, "036000291453")


def test_save_bumps_revision_audits_changed_fields_and_hash(engine):
    with session_scope(engine) as s:
        rel = make_complete(s)
        rid, h1 = rel.id, content_hash(rel)
    with session_scope(engine) as s:
        rel = get_release(s, rid)
        rel.title = "Night Drive (Deluxe)"
        rel.tracks[1].isrc = "USS1Z2400099"
        rev = save_release(s, rel, actor="bob")
        assert rev.number == 2 and rel.revision == 2
        h2 = content_hash(rel)
        last = s.exec(select(AuditEntry).where(AuditEntry.entity_id == str(rid)).order_by(AuditEntry.id.desc())).first()
    assert h1 != h2 and rev.content_hash == h2
    assert last.actor == "bob" and last.action == "update"
    assert last.before == {"title": "Night Drive", "tracks[2].isrc": "USS1Z1452002"}
    assert last.after == {"title": "Night Drive (Deluxe)", "tracks[2].isrc": "USS1Z2400099"}


def test_content_hash_is_deterministic_and_ignores_status(engine):
    with session_scope(engine) as s:
        rel = make_complete(s)
        h = content_hash(rel)
        save_release(s, rel, actor="t")
        assert content_hash(rel) == h
        set_status(s, rel, "ready", actor="t")
        assert content_hash(rel) == h
        rel.genre = "Pop"
        assert content_hash(rel) != h


def test_set_status_ready_refuses_blocking_errors(engine):
    with session_scope(engine) as s:
        rid = create_release(s, actor="t", title="Draft Only").id
    with pytest.raises(ValidationError, match="cannot mark ready, .* blocking error"):
        with session_scope(engine) as s:
            set_status(s, get_release(s, rid), "ready", actor="t")
    with session_scope(engine) as s:
        assert get_release(s, rid).status == "draft"
        with pytest.raises(ValidationError, match="unknown status 'shipped'"):
            set_status(s, get_release(s, rid), "shipped", actor="t")
        rel = make_complete(s)
        set_status(s, rel, "ready", actor="t")
        assert rel.status == "ready" and rel.revision == 2


def test_duplicate_copies_children_without_upc(engine):
    with session_scope(engine) as s:
        rel = make_complete(s)
        composer = get_or_create_party(s, "Jo Writer", "contributor")
        rel.tracks[0].credits.append(Credit(release_id=rel.id, party_id=composer.id, role="Composer"))
        save_release(s, rel, actor="t")
        copy = duplicate_release(s, rel, actor="t")
        cid = copy.id
    with session_scope(engine) as s:
        copy = load_release(s, cid)
    assert copy.upc is None and copy.status == "draft" and copy.revision == 1
    assert [t.isrc for t in copy.tracks] == ["USS1Z1452001", "USS1Z1452002"]
    assert copy.tracks[0].credits[0].party.name == "Jo Writer"
    assert copy.deals[0].territories == ["Worldwide"] and copy.label.name == "Star Records"
    assert copy.credits == []  # the track credit stays on the track


def test_delete_removes_children_and_keeps_audit(engine):
    with session_scope(engine) as s:
        rid = make_complete(s).id
    with session_scope(engine) as s:
        delete_release(s, get_release(s, rid), actor="t")
    with session_scope(engine) as s:
        assert s.get(Release, rid) is None
        for table in (Track, Deal, ReleaseRevision):
            assert s.exec(select(func.count()).select_from(table)).one() == 0
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "delete")).one()
        assert entry.before["upc"] == "036000291452"
        assert list_releases(s, search="night") == []


def test_delete_refuses_a_release_with_deliveries(engine):
    with session_scope(engine) as s:
        rel = make_complete(s)
        target = Target(name="dsp", url="file:///tmp/x", profile="generic-43")
        s.add(target)
        s.flush()
        s.add(Delivery(release_id=rel.id, target_id=target.id, idempotency_key="k1"))
        s.flush()
        with pytest.raises(ConflictError, match="take it down"):
            delete_release(s, rel, actor="t")
        rows = list_releases(s)
    assert rows[0].last_delivery_state == "queued"


def test_list_filters_and_paging(engine):
    upcs = ["036000291452", "4006381333931", "5901234123457", "012345678905"]
    with session_scope(engine) as s:
        for i, upc in enumerate(upcs):
            create_release(s, actor="t", title=f"Album {i}", artists=["Band"], upc=upc,
                           label="Star" if i % 2 == 0 else "Moon", release_type="single" if i == 3 else "album",
                           release_date=date(2020 + i, 1, 1))
        set_status(s, get_release(s, upcs[1]), "taken-down", actor="t")
    with session_scope(engine) as s:
        rows = list_releases(s)
        assert [r.title for r in rows] == ["Album 3", "Album 2", "Album 1", "Album 0"]
        assert isinstance(rows[0], ReleaseRow) and rows[0].label_name == "Moon"
        assert [r.title for r in list_releases(s, label="star")] == ["Album 2", "Album 0"]
        assert [r.title for r in list_releases(s, release_type="single")] == ["Album 3"]
        assert [r.title for r in list_releases(s, status="taken-down")] == ["Album 1"]
        assert [r.title for r in list_releases(s, date_from=date(2021, 1, 1), date_to=date(2022, 6, 1))] == [
            "Album 2", "Album 1"]
        assert count_releases(s, date_from=date(2021, 1, 1)) == 3
        page1 = list_releases(s, limit=2)
        page2 = list_releases(s, limit=2, offset=2)
        keyset = list_releases(s, limit=2, before_id=page1[-1].id)
        assert [r.id for r in page2] == [r.id for r in keyset]
        assert {r.id for r in page1} | {r.id for r in page2} == {r.id for r in rows}


def test_parties_are_shared_case_insensitively(engine):
    with session_scope(engine) as s:
        a = get_or_create_party(s, "Luna  Park")
        b = get_or_create_party(s, "luna park", isni="0000000121032683")
        c = get_or_create_party(s, "Luna Park", kind="label")
        assert a.id == b.id and a.isni == "0000000121032683"
        assert c.id != a.id
        assert s.exec(select(func.count()).select_from(Party)).one() == 2
        with pytest.raises(ValidationError, match="name is empty"):
            get_or_create_party(s, "  ")


def test_constraint_violations_are_one_line_conflicts(engine):
    with pytest.raises(ConflictError, match="two tracks at position 1-1"):
        with session_scope(engine) as s:
            create_release(s, actor="t", title="A", tracks=[{"title": "x", "track_number": 1},
                                                            {"title": "y", "track_number": 1}])
    with pytest.raises(ConflictError, match=r"release \d+: cannot save: .*(FOREIGN KEY|foreign key)"):
        with session_scope(engine) as s:
            rel = create_release(s, actor="t", title="B")
            rel.tracks.append(Track(title="z", audio_asset_id=424242))
            save_release(s, rel, actor="t")
    with session_scope(engine) as s:
        assert count_releases(s) == 0


def test_find_parties_escapes_like_wildcards(engine):
    from stardust_tui.store.parties import find_parties

    with session_scope(engine) as s:
        for name in ("100% Records", "100 Records", "A_B", "AxB"):
            get_or_create_party(s, name, "label")
        assert [p.name for p in find_parties(s, "100%")] == ["100% Records"]
        assert [p.name for p in find_parties(s, "a_")] == ["A_B"]
        assert len(find_parties(s, "", kind="label")) == 4
