"""Duplicate rules on real databases: UPC once, ISRC = one recording (reuse allowed), same audio flagged,
near-duplicate releases warned, and every lookup uses an index (SQLite query plans prove no table scan)."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from stardust_tui.domain.models import Asset
from stardust_tui.errors import ConflictError
from stardust_tui.store.db import session_scope
from stardust_tui.store.duplicates import find_duplicates, norm_key
from stardust_tui.store.releases import add_track, create_release, get_release, save_release


def asset(s, n: int) -> int:
    a = Asset(sha256=f"{n:064x}", md5=f"{n:032x}", size=10, kind="audio", original_name=f"{n}.wav")
    s.add(a)
    s.flush()
    return a.id


def track(title: str, isrc: str, audio: int | None = None, artist: str = "Luna Park", dur: float | None = 200.0):
    return dict(title=title, isrc=isrc, audio_asset_id=audio, display_artist=artist, duration_seconds=dur)


def test_upc_belongs_to_one_release(engine):
    with session_scope(engine) as s:
        first = create_release(s, actor="t", title="One", upc="036000291452")
        rid = first.id
    with pytest.raises(ConflictError, match=rf"UPC .*036000291452 already belongs to release {rid} \('One'\)"):
        with session_scope(engine) as s:
            create_release(s, actor="t", title="Two", upc="0036000291452")  # same GTIN as EAN-13
    with session_scope(engine) as s:
        oid = create_release(s, actor="t", title="Three", upc="4006381333931").id
    with pytest.raises(ConflictError, match="already belongs"):
        with session_scope(engine) as s:
            other = get_release(s, oid)
            other.upc = "036000291452"
            save_release(s, other, actor="t")


def test_same_recording_on_a_compilation_is_reuse(engine):
    with session_scope(engine) as s:
        a = asset(s, 1)
        create_release(s, actor="t", title="Album", upc="036000291452",
                       tracks=[track("Highway", "USS1Z2400001", a), track("Dawn", "USS1Z2400002", dur=180)])
        comp = create_release(s, actor="t", title="Best Of", release_type="compilation",
                              tracks=[track("Highway", "USS1Z2400001", a),  # same audio bytes
                                      track("Dawn", "USS1Z2400002", dur=181)])  # no audio: title+artist+duration
        findings = find_duplicates(s, comp)
    assert [f.code for f in findings] == ["isrc-reused", "isrc-reused"]
    assert all(f.severity == "info" for f in findings)


def test_different_recording_with_same_isrc_is_an_error(engine):
    with session_scope(engine) as s:
        create_release(s, actor="t", title="Album", tracks=[track("Highway", "USS1Z2400001", asset(s, 1))])
        rid = create_release(s, actor="t", title="Other", tracks=[track("Other", "USS1Z2400009")]).id
    with pytest.raises(ConflictError, match=r"ISRC USS1Z2400001 already identifies a different recording "
                                            r"\('Highway' by 'Luna Park' on release \d+\)"):
        with session_scope(engine) as s:
            rel = get_release(s, rid)
            add_track(s, rel, **track("Not Highway", "US-S1Z-24-00001", asset(s, 2)))
            save_release(s, rel, actor="t")
    with pytest.raises(ConflictError, match="different recording"):  # no audio, different duration
        with session_scope(engine) as s:
            create_release(s, actor="t", title="X", tracks=[track("Highway", "USS1Z2400001", dur=100)])


def test_same_isrc_twice_on_one_release(engine):
    with pytest.raises(ConflictError, match=r"ISRC USS1Z2400001 is on two tracks of this release \(1-1 and 1-2\)"):
        with session_scope(engine) as s:
            create_release(s, actor="t", title="A", tracks=[track("A", "USS1Z2400001"), track("B", "USS1Z2400001")])


def test_same_audio_with_different_isrcs_is_flagged(engine):
    with session_scope(engine) as s:
        a = asset(s, 7)
        create_release(s, actor="t", title="First", tracks=[track("Song", "USS1Z2400001", a)])
        rel = create_release(s, actor="t", title="Second",
                             tracks=[track("Song", "USS1Z2400002", a), track("Song again", "USS1Z2400003", a)])
        findings = [f for f in find_duplicates(s, rel) if f.code == "same-audio"]
    messages = " | ".join(f.message for f in findings)
    assert len(findings) == 3, messages
    assert "same audio as track 1-1 but a different ISRC" in messages
    assert "(ISRC USS1Z2400001) but a different ISRC (USS1Z2400002)" in messages
    assert all(f.severity == "warning" for f in findings)


def test_near_duplicate_release_is_warned(engine):
    assert norm_key("Night Drive (feat. Jo)", "Luna Park") == norm_key("NIGHT  DRIVE", "Luna Park")
    with session_scope(engine) as s:
        first = create_release(s, actor="t", title="Night Drive", artists=["Luna Park"])
        second = create_release(s, actor="t", title="NIGHT DRIVE!", artists=["luna park"])
        findings = find_duplicates(s, second)
        unrelated = create_release(s, actor="t", title="Day Drive", artists=["Luna Park"])
        assert find_duplicates(s, unrelated) == []
    assert [(f.code, f.severity) for f in findings] == [("near-duplicate", "warning")]
    assert f"release {first.id}" in findings[0].message


def test_duplicate_lookups_use_indexes(sqlite_engine):
    with session_scope(sqlite_engine) as s:
        a = asset(s, 1)
        rel = create_release(s, actor="t", title="Album", upc="036000291452",
                             tracks=[track("Highway", "USS1Z2400001", a)])
        rid = rel.id
    statements: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, params))

    event.listen(sqlite_engine, "before_cursor_execute", capture)
    try:
        with session_scope(sqlite_engine) as s:
            rel = get_release(s, rid)
            save_release(s, rel, actor="t")
            find_duplicates(s, rel)
    finally:
        event.remove(sqlite_engine, "before_cursor_execute", capture)
    keys = ("track.isrc =", "track.audio_asset_id =", "release.norm_key =", "release.upc IN (")
    checks = [st for st in statements if any(k in st[0] for k in keys)]
    assert {k for k in keys if any(k in st for st, _ in checks)} == set(keys)
    with sqlite_engine.connect() as conn:
        for statement, params in checks:
            plan = " ".join(str(row[-1]) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params))
            assert "SCAN track" not in plan and "SCAN release" not in plan, (statement, plan)
            assert "INDEX" in plan or "PRIMARY KEY" in plan, plan
