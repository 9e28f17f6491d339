"""Tables show whole values: at 120 columns every catalog column fits beside the others, and on
Deliveries the target, progress, rate and ETA cells are never cut (the seeded rows hold a 13-character
target name and ``100% 48.0/48.0 MB``; a 999.9 MB transfer is checked too)."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable
from tui_helpers import screen_text, seed_deliveries, settle

from stardust_tui.screens import catalog, deliveries
from stardust_tui.widgets.transfer_rate import eta_text, progress_text, size_text

pytestmark = pytest.mark.anyio


def _cut_columns(table: DataTable, names: set[str]) -> dict[str, tuple[int, int]]:
    """Columns among ``names`` whose widest cell is wider than the column: label -> (needed, width)."""
    return {str(c.label): (c.content_width, c.width) for c in table.columns.values()
            if str(c.label) in names and c.content_width > c.width}


async def test_every_catalog_column_fits_at_120_columns(seeded, app_factory) -> None:
    engine, _ = seeded
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#releases", DataTable)
        assert table.row_count > 0
        needed = sum(w + 2 * table.cell_padding for _, _, w in catalog.COLUMNS)
        assert needed <= table.scrollable_content_region.width, (needed, table.scrollable_content_region.width)
        assert needed <= 120 - 2  # also beside the vertical scrollbar of a full 100-row page
        assert table.max_scroll_x == 0  # nothing hides to the right (the Date column was cut to 2026-12-2)
        assert _cut_columns(table, {"Status", "UPC", "Delivery", "Label", "Type", "Date"}) == {}


async def test_delivery_cells_are_whole(seeded, settings, app_factory) -> None:
    engine, ids = seeded
    seed_deliveries(engine, settings, ids)
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        table = app.screen.query_one("#deliveries", DataTable)
        assert table.row_count == 5
        assert _cut_columns(table, {"#", "Target", "State", "Try", "Progress", "Rate", "ETA", "Type"}) == {}
    widths = dict(deliveries.COLUMNS)
    assert len(progress_text(999_900_000, 999_900_000)) <= widths["Progress"]  # "100% 999.9/999.9 MB"
    assert len(f"{size_text(999_900_000)}/s") <= widths["Rate"]
    assert len(eta_text(99 * 3600)) <= widths["ETA"]


async def test_the_worker_warning_is_whole_at_80_columns(seeded, settings, app_factory) -> None:
    engine, ids = seeded
    seed_deliveries(engine, settings, ids)
    app = app_factory(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        status = app.screen.query_one("#worker-status")
        assert "No delivery worker is running" in str(status.render())
        assert status.size.height >= 2  # wrapped, not cut after "runs them in this"
        assert "stardust worker" in screen_text(app).replace("\n", " ")


async def test_the_target_forms_profile_choice_is_one_line(seeded, app_factory) -> None:
    from stardust_tui.widgets.target_form import TargetFormModal

    engine, _ = seeded
    app = app_factory(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, TargetFormModal)
        assert app.screen.query_one("#t-profile").outer_size.height == 1  # it wrapped to "with a" on a 2nd line


async def test_the_track_editors_hint_is_whole_at_80_columns(seeded, app_factory) -> None:
    engine, ids = seeded
    app = app_factory(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_tracks(ids[2])
        await settle(app, pilot)
        hint = str(app.screen.query_one("#tracks-hint").render())
        assert hint.endswith("ctrl+p: all actions") and hint in screen_text(app)
