"""Revision history screen: the revisions, the diff between the highlighted one and the one before or a
marked one, restore as a new revision after confirming (refused restores change nothing and say why),
bracketed text shown literally, restore not offered where it would change nothing."""

from __future__ import annotations

import pytest
from tui_helpers import settle

from stardust_tui.store.db import session_scope
from stardust_tui.store.releases import load_release, save_release
from stardust_tui.store.revisions import get_revision, history

pytestmark = pytest.mark.anyio


def shown_ids(app) -> set[str]:
    return {b.binding.id for b in app.screen.active_bindings.values() if b.binding.show and b.enabled}


def cells(app, selector: str) -> list[list[str]]:
    table = app.screen.query_one(selector)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def edit_twice(engine, rid: int) -> None:
    with session_scope(engine) as s:
        rel = load_release(s, rid)
        rel.title, rel.genre = "Paper Moons [Deluxe]", "Ambient"
        save_release(s, rel, actor="ann")
    with session_scope(engine) as s:
        rel = load_release(s, rid)
        rel.tracks[0].title = "Intro [/]"
        save_release(s, rel, actor="bob")


async def test_diff_follows_cursor_and_mark(seeded, app_factory) -> None:
    engine, ids = seeded
    rid = ids[2]
    edit_twice(engine, rid)
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_history(rid)
        await settle(app, pilot)
        assert "“Paper Moons [Deluxe]”" in str(app.screen.query_one("#history-head").render())
        rows = cells(app, "#revisions")
        assert [(r[0], r[1], r[3], r[4]) for r in rows] == [("B", "3", "bob", "update"), ("A", "2", "ann", "update"),
                                                           ("", "1", "seed", "create")]
        assert cells(app, "#diff") == [["tracks[1].title", "Paper Moons (Part 1)", "Intro [/]"]]
        assert "history-restore" not in shown_ids(app)  # the newest revision: nothing to restore
        await pilot.press("down")
        await settle(app, pilot)
        assert [r[0] for r in cells(app, "#diff")] == ["genre", "title"]
        assert cells(app, "#diff")[1][1:] == ["Paper Moons 3", "Paper Moons [Deluxe]"]
        assert "history-restore" in shown_ids(app)
        await pilot.press("down", "space", "up", "up")  # mark revision 1, back to 3
        await settle(app, pilot)
        assert [r[0] for r in cells(app, "#revisions")] == ["B", "", "A*"]
        assert [r[0] for r in cells(app, "#diff")] == ["genre", "title", "tracks[1].title"]
        assert "1 (A) to 3 (B): 3 change(s)" in str(app.screen.query_one("#diff-title").render())
        await pilot.press("tab", "down")
        await settle(app, pilot)
        detail = str(app.screen.query_one("#diff-detail").render())
        assert "title (changed)" in detail and "after:  Paper Moons [Deluxe]" in detail


async def test_restore_as_new_revision(seeded, app_factory) -> None:
    engine, ids = seeded
    rid = ids[2]
    edit_twice(engine, rid)
    app = app_factory(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_history(rid)
        await settle(app, pilot)
        await pilot.press("down", "down", "u")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ConfirmModal"
        await pilot.press("n")  # not yet
        await settle(app, pilot)
        with session_scope(engine) as s:
            assert len(history(s, rid)) == 3
        await pilot.press("u", "y")
        await settle(app, pilot)
        rows = cells(app, "#revisions")
        assert (rows[0][1], rows[0][4]) == ("4", "restore-1")
        assert any("Revision 1 restored as revision 4" in n.message for n in app._notifications)
    with session_scope(engine) as s:
        rel = load_release(s, rid)
        assert rel.title == "Paper Moons 3" and rel.genre == "Electronic"
        assert rel.tracks[0].title == "Paper Moons (Part 1)"
        assert get_revision(s, rid, 4).content_hash == get_revision(s, rid, 1).content_hash


async def test_refused_restore_changes_nothing_and_says_why(seeded, app_factory) -> None:
    engine, ids = seeded
    rid = ids[2]
    edit_twice(engine, rid)
    with session_scope(engine) as s:
        rev = get_revision(s, rid, 1)
        rev.snapshot = {**rev.snapshot, "mood": "calm"}  # a field this version cannot write back
        s.add(rev)
    app = app_factory(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_history(rid)
        await settle(app, pilot)
        await pilot.press("down", "down", "u", "y")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "HistoryScreen"
        assert any("'mood'" in n.message for n in app._notifications)
        assert len(cells(app, "#revisions")) == 3
    with session_scope(engine) as s:
        assert load_release(s, rid).title == "Paper Moons [Deluxe]" and len(history(s, rid)) == 3


async def test_unknown_release_is_one_error(seeded, app_factory) -> None:
    engine, _ = seeded
    app = app_factory(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_history(9999)
        await settle(app, pilot)
        assert any("no release with id 9999" in n.message for n in app._notifications)
