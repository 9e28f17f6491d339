"""Catalog filters on a real store: clearing a filter, partial label names, Home/End, the empty state."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Select
from tui_helpers import screen_text, settle, wait_until

from stardust_tui.store.db import session_scope

pytestmark = pytest.mark.anyio


def _add_release(engine, title: str, label: str) -> None:
    from stardust_tui.store.releases import create_release

    with session_scope(engine) as session:
        create_release(session, actor="test", title=title, artists=["Someone"], label=label)


async def test_clearing_status_and_type_filters_shows_every_release_again(seeded, app_factory) -> None:
    engine, ids = seeded
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        table = screen.query_one("#releases", DataTable)
        status = screen.query_one("#status-filter", Select)
        status.value = "ready"
        await settle(app, pilot)
        assert table.row_count == 0 and screen.total == 0
        status.clear()  # back to the blank choice ("Status")
        await settle(app, pilot)
        assert table.row_count == len(ids) and screen.total == len(ids)
        kind = screen.query_one("#type-filter", Select)
        kind.value = "Single"
        await settle(app, pilot)
        assert 0 < table.row_count < len(ids)
        kind.clear()
        await settle(app, pilot)
        assert table.row_count == len(ids)


async def test_label_filter_takes_part_of_a_name_and_the_table_shows_labels(seeded, app_factory) -> None:
    engine, ids = seeded
    _add_release(engine, "Other Title", "Harbour Light Music")
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        table = screen.query_one("#releases", DataTable)
        assert "Label" in [str(c.label) for c in table.columns.values()]
        assert "Stardust Records" in screen_text(app)
        screen.query_one("#label-filter", Input).value = "harbour"
        await settle(app, pilot)
        assert await wait_until(pilot, lambda: table.row_count == 1)
        assert str(table.get_row_at(0)[0]) == "Other Title"
        screen.query_one("#label-filter", Input).value = "stardust rec"
        await settle(app, pilot)
        assert await wait_until(pilot, lambda: table.row_count == len(ids))


async def test_home_and_end_move_between_first_and_last_row(seeded, app_factory) -> None:
    engine, ids = seeded
    app = app_factory(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#releases", DataTable)
        table.focus()
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == len(ids) - 1
        await pilot.press("home")
        await pilot.pause()
        assert table.cursor_row == 0


async def test_no_results_says_so(seeded, app_factory) -> None:
    engine, _ = seeded
    app = app_factory(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"zzqx")
        await settle(app, pilot)
        assert "No releases match" in screen_text(app)
        app.screen.query_one("#search", Input).value = ""
        await settle(app, pilot)
        assert "No releases match" not in screen_text(app)
