"""Revisions and audit: every save is a deterministic snapshot; history and field-level diffs; who did it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from stardust_tui.domain.models import Asset, AuditEntry, Deal
from stardust_tui.errors import NotFoundError
from stardust_tui.store.db import current_actor, session_scope
from stardust_tui.store.releases import create_release, get_release, load_release, save_release, set_status
from stardust_tui.store.revisions import (
    canonical_json,
    diff_revisions,
    diff_snapshots,
    history,
    snapshot_release,
    summarize,
)


def test_snapshot_contains_children_and_is_deterministic(engine):
    with session_scope(engine) as s:
        audio = Asset(sha256="a" * 64, md5="b" * 32, size=1, kind="audio", original_name="x.flac")
        s.add(audio)
        s.flush()
        rel = create_release(s, actor="t", title="Night Drive", artists=["Luna Park"], label="Star",
                             upc="036000291452", release_date=date(2024, 5, 1),
                             tracks=[{"title": "Intro", "isrc": "USS1Z2400001", "audio_asset_id": audio.id}],
                             deals=[{"territories": ["GB", "IE"], "commercial_models": ["PayAsYouGoModel"],
                                     "use_types": ["PermanentDownload"], "start": datetime(2024, 5, 1, tzinfo=UTC)}])
        rid = rel.id
    with session_scope(engine) as s:
        snap1 = snapshot_release(load_release(s, rid))
    with session_scope(engine) as s:
        snap2 = snapshot_release(load_release(s, rid))
    assert canonical_json(snap1) == canonical_json(snap2)
    assert snap1["tracks"][0]["audio_sha256"] == "a" * 64
    assert snap1["artists"] == [{"name": "Luna Park", "isni": None, "role": "MainArtist"}]
    assert snap1["label"] == "Star" and snap1["release_date"] == "2024-05-01"
    assert snap1["deals"][0]["territories"] == ["GB", "IE"]
    assert snap1["deals"][0]["start"].startswith("2024-05-01")


def test_history_and_diff(engine):
    with session_scope(engine) as s:
        rel = create_release(s, actor="ann", title="Night Drive", genre="Pop",
                             tracks=[{"title": "Intro", "isrc": "USS1Z2400001"}])
        rid = rel.id
    with session_scope(engine) as s:
        rel = get_release(s, rid)
        rel.genre = "Electronic"
        rel.tracks[0].title = "Intro (Edit)"
        save_release(s, rel, actor="bob")
        rel.deals.append(Deal(territories=["Worldwide"], start=datetime(2024, 1, 1, tzinfo=UTC)))
        save_release(s, rel, actor="cy", action="add-deal")
        set_status(s, rel, "taken-down", actor="dee")
    with session_scope(engine) as s:
        entries = history(s, rid)
        a, b, last = diff_revisions(s, rid)
        _, _, first = diff_revisions(s, rid, 1, 2)
        with pytest.raises(NotFoundError, match="has no revision 9"):
            diff_revisions(s, rid, 1, 9)
    assert [(e.number, e.actor, e.action) for e in entries] == [
        (1, "ann", "create"), (2, "bob", "update"), (3, "cy", "add-deal"), (4, "dee", "set-status")]
    assert entries[0].summary == "created"
    assert entries[1].summary == "changed genre, tracks[1]"
    assert entries[2].summary == "changed deals[1]"
    assert (a, b) == (3, 4)
    assert [(c.path, c.before, c.after) for c in last] == [("status", "draft", "taken-down")]
    assert {(c.path, c.before, c.after) for c in first} == {
        ("genre", "Pop", "Electronic"), ("tracks[1].title", "Intro", "Intro (Edit)")}


def test_every_change_is_audited_with_actor(engine, monkeypatch):
    monkeypatch.setenv("STARDUST_ACTOR", "api-key:ci-bot")
    assert current_actor() == "api-key:ci-bot"
    with session_scope(engine) as s:
        rel = create_release(s, actor=current_actor(), title="A")
        rel.title = "B"
        save_release(s, rel, actor=current_actor())
        entries = s.exec(select(AuditEntry).where(AuditEntry.entity == "release").order_by(AuditEntry.id)).all()
    assert [(e.actor, e.action) for e in entries] == [("api-key:ci-bot", "create"), ("api-key:ci-bot", "update")]
    assert entries[0].before is None and entries[0].after["title"] == "A"
    assert entries[1].before == {"title": "A"} and entries[1].after == {"title": "B"}
    assert entries[1].note.startswith("revision 2 update")


def test_diff_helpers():
    a = {"title": "A", "tracks": [{"t": 1}, {"t": 2}], "deals": []}
    b = {"title": "A", "tracks": [{"t": 1}], "deals": [{"x": 1}], "new": True}
    changes = diff_snapshots(a, b)
    assert [(c.path, c.before, c.after) for c in changes] == [
        ("deals[1]", None, {"x": 1}), ("new", None, True), ("tracks[2]", {"t": 2}, None)]
    assert summarize(changes) == "changed deals[1], new, tracks[2]"
    assert summarize([]) == "no changes"


def test_concurrent_saves_get_consecutive_revisions(engine):
    import threading

    with session_scope(engine) as s:
        rid = create_release(s, actor="t", title="Base").id
    started, errors = threading.Event(), []

    def other_writer():
        try:
            started.wait(5)
            with session_scope(engine) as s2:
                rel2 = get_release(s2, rid)
                rel2.genre = "Jazz"
                save_release(s2, rel2, actor="other")
        except Exception as exc:  # surfaced below
            errors.append(exc)

    worker = threading.Thread(target=other_writer)
    worker.start()
    with session_scope(engine) as s:
        rel = get_release(s, rid)
        rel.title = "Changed"
        save_release(s, rel, actor="first")
        started.set()
        worker.join(0.3)  # the other writer waits for this transaction
    worker.join(15)
    assert not errors, errors
    with session_scope(engine) as s:
        entries = history(s, rid)
    assert [(e.number, e.actor) for e in entries] == [(1, "t"), (2, "first"), (3, "other")]
