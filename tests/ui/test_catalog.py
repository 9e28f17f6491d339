"""Catalog screen: paging from the store, search-as-you-type, filters, duplicate and delete."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Static
from tui_helpers import settle

from stardust_tui.screens.catalog import CatalogScreen

pytestmark = pytest.mark.anyio


async def _settle(app, pilot) -> None:
    await settle(app, pilot)


async def test_catalog_lists_a_page_and_counts(seeded, app_factory) -> None:
    engine, ids = seeded
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CatalogScreen)
        table = screen.query_one("#releases", DataTable)
        assert table.row_count == len(ids)
        assert screen.total == len(ids)
        assert "of 24 releases" in str(screen.query_one("#catalog-status", Static).render())


async def test_search_as_you_type_and_filters(seeded, app_factory) -> None:
    engine, _ = seeded
    app = app_factory(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        await pilot.press("slash")
        assert screen.query_one("#search", Input).has_focus
        await pilot.press(*"Velvet")
        await _settle(app, pilot)
        table = screen.query_one("#releases", DataTable)
        titles = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert {"Velvet Circuit 8", "Velvet Circuit 16", "Velvet Circuit 24"} <= set(titles)  # also track titles
        assert screen.total == len(titles) < 24
        screen.query_one("#search", Input).value = "190000000169"
        await _settle(app, pilot)
        assert screen.total == 1 and str(table.get_row_at(0)[0]) == "Velvet Circuit 16"
        screen.query_one("#search", Input).value = ""
        await _settle(app, pilot)
        screen._filtered(release_type="single")
        await _settle(app, pilot)
        assert screen.total == 6 and table.row_count == 6


async def test_paging_is_keyset_and_bounded(seeded, app_factory) -> None:
    engine, ids = seeded
    app = app_factory(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        screen.PAGE_SIZE = 10
        screen.reload(screen.query_state.__class__(limit=10))
        await _settle(app, pilot)
        table = screen.query_one("#releases", DataTable)
        assert table.row_count == 10
        first_page = [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(10)]
        await pilot.press("right_square_bracket")
        await _settle(app, pilot)
        second_page = [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(table.row_count)]
        assert table.row_count == 10 and not set(first_page) & set(second_page)
        assert int(second_page[0]) < int(first_page[-1])
        await pilot.press("left_square_bracket")
        await _settle(app, pilot)
        assert [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(10)] == first_page


async def test_delete_asks_then_deletes(seeded, app_factory) -> None:
    from stardust_tui.widgets.confirm import ConfirmModal

    engine, ids = seeded
    app = app_factory(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        catalog = app.screen
        first = catalog.selected_id()
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")  # cancel: nothing deleted
        await _settle(app, pilot)
        assert catalog.total == len(ids)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await _settle(app, pilot)
        await _settle(app, pilot)
        assert catalog.total == len(ids) - 1
        assert catalog.selected_id() != first


async def test_duplicate_creates_a_draft_copy(seeded, app_factory) -> None:
    engine, ids = seeded
    app = app_factory(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        await pilot.press("c")
        await _settle(app, pilot)
        await _settle(app, pilot)
        catalog = app.screen
        assert catalog.total == len(ids) + 1
        assert catalog.query_one("#releases", DataTable).get_row_at(0)[2].plain == "draft"


@pytest.mark.postgres
async def test_catalog_on_postgresql(pg_engine, app_factory) -> None:
    from tui_helpers import seed_catalog

    ids = seed_catalog(pg_engine, count=12)
    app = app_factory(pg_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        assert screen.total == 12 and screen.query_one("#releases", DataTable).row_count == 12
        screen.query_one("#search", Input).value = "Velvet"
        await _settle(app, pilot)
        assert "Velvet Circuit 8" in [str(r[0]) for r in (screen.query_one("#releases", DataTable).get_row_at(i)
                                                          for i in range(screen.total))]
        assert screen.selected_id() in ids
