"""Setting a release's status: "ready" is disabled (with the problems listed) while blocking errors remain,
a refused change keeps the dialog and says why, a bracketed title shows literally."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import settle

from stardust_tui.store.db import session_scope
from stardust_tui.store.releases import load_release, save_release
from stardust_tui.store.revisions import history
from tests.integration.delivery_release import make_release

pytestmark = pytest.mark.anyio


def shown_ids(app) -> set[str]:
    return {b.binding.id for b in app.screen.active_bindings.values() if b.binding.show and b.enabled}


def status_of(engine, rid: int) -> str:
    with session_scope(engine) as s:
        return load_release(s, rid).status


async def test_ready_blocked_other_status_set(seeded, app_factory) -> None:
    engine, ids = seeded
    with session_scope(engine) as s:
        rel = load_release(s, ids[0])
        rel.title = "Song [Remastered] [/]"
        save_release(s, rel, actor="t")
    app = app_factory(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_status(ids[0])
        await settle(app, pilot)
        screen = app.screen
        assert "“Song [Remastered] [/]”" in str(screen.query_one("#status-title").render())
        assert screen.query_one("#status-ready").disabled
        check = str(screen.query_one("#status-check").render())
        assert "blocking problem" in check and "cover artwork is required" in check
        assert "status-set" not in shown_ids(app)  # nothing changed yet
        await pilot.press("s")
        await settle(app, pilot)
        assert app.screen is screen
        await pilot.press("down", "enter")  # skips the disabled "ready": delivered
        await settle(app, pilot)
        assert screen.query_one("#status-delivered").value and "status-set" in shown_ids(app)
        await pilot.press("s")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "CatalogScreen"
    assert status_of(engine, ids[0]) == "delivered"
    with session_scope(engine) as s:
        assert history(s, ids[0])[-1].action == "set-status"


async def test_ready_when_clean_and_refused_when_it_stops_being_clean(settings, sqlite_engine, tmp_path: Path,
                                                                      app_factory) -> None:
    rid = make_release(sqlite_engine, settings, tmp_path / "src")
    app = app_factory(sqlite_engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        app.open_status(rid)
        await settle(app, pilot)
        screen = app.screen
        assert not screen.query_one("#status-ready").disabled
        assert "Nothing blocks" in str(screen.query_one("#status-check").render())
        await pilot.press("down", "enter")
        await settle(app, pilot)
        with session_scope(sqlite_engine) as s:  # another session breaks it meanwhile
            rel = load_release(s, rid)
            rel.genre = None
            save_release(s, rel, actor="other")
        await pilot.press("s")
        await settle(app, pilot)
        assert app.screen is screen  # refused: the dialog stays and shows why
        assert any("cannot mark ready" in n.message for n in app._notifications)
        assert screen.query_one("#status-ready").disabled
        assert "genre" in str(screen.query_one("#status-check").render())
        assert status_of(sqlite_engine, rid) == "draft"
        with session_scope(sqlite_engine) as s:
            rel = load_release(s, rid)
            rel.genre = "Electronic"
            save_release(s, rel, actor="other")
        await pilot.press("escape")
        await settle(app, pilot)
        app.open_status(rid)
        await settle(app, pilot)
        await pilot.press("down", "enter", "s")
        await settle(app, pilot)
    assert status_of(sqlite_engine, rid) == "ready"
