"""Import screen (issue 14): path → first rows, the guessed mapping with levels and reasons (edited with the
field picker and read again), stored values, dry run with problems by line (Enter opens that row of the
file), import all-or-nothing or partial after confirming, the mapping saved as TOML, sheets of an Excel
workbook; bad paths are one error; bracketed cells stay literal."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlmodel import Session, func, select
from tui_helpers import settle

from stardust_tui.domain.models import Release
from stardust_tui.importexport.mapping import load_mapping
from stardust_tui.services import Services

pytestmark = pytest.mark.anyio

HEAD = ("Product UPC,Release Name,Primary Artist,Label Name,Release Date,Genre,Colonne X,(P) Year,(P) Owner,"
        "Track No.,Track Name,ISRC,Explicit (Y/N/C),Track Duration\n")
ROWS = [
    "012345678905,Night Drive [Deluxe],The Comets,Orbit Records,2024-03-15,Electronic,Synthwave,2024,Orbit Records,"
    "1,Ignition,USAB12400001,N,3:41\n",
    "012345678905,Night Drive [Deluxe],The Comets,Orbit Records,2024-03-15,Electronic,Synthwave,2024,Orbit Records,"
    "2,Song [Remastered],USAB12400002,Y,6:02\n",
    "036000291452,Low Tide,Sea Glass,Orbit Records,2024-04-01,Pop,Dream pop,2024,Orbit Records,1,Undertow,"
    "NOT-AN-ISRC,C,2:59\n",
]


def shown_ids(app) -> set[str]:
    return {b.binding.id for b in app.screen.active_bindings.values() if b.binding.show and b.enabled}


def cells(app, selector: str) -> list[list[str]]:
    table = app.screen.query_one(selector)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def render(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def releases(engine) -> int:
    with Session(engine) as s:
        return int(s.exec(select(func.count()).select_from(Release)).one())


@pytest.fixture
def label_csv(tmp_path: Path) -> Path:
    path = tmp_path / "label.csv"
    path.write_text(HEAD + "".join(ROWS), encoding="utf-8")
    return path


async def open_file(app, pilot, path: Path | str) -> None:
    app.open_import()
    await settle(app, pilot)
    box = app.screen.query_one("#import-path")
    box.value = str(path)
    await pilot.press("enter")
    await settle(app, pilot)


async def test_preview_mapping_edit_and_save(sqlite_engine, app_factory, label_csv: Path) -> None:
    app = app_factory(sqlite_engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await open_file(app, pilot, label_csv)
        assert app.screen.query_one("#import-tabs").active == "tab-mapping"
        assert "label.csv: CSV" in render(app, "#import-summary") and "13 of 14 column(s) mapped" in render(
            app, "#import-summary")
        mapping = {r[0]: (r[1], r[2]) for r in cells(app, "#import-mapping-table")}
        assert mapping["Product UPC"] == ("upc", "release") and mapping["Explicit (Y/N/C)"] == ("explicit", "track")
        assert mapping["Colonne X"] == ("(ignored)", "")
        rows = cells(app, "#import-rows-table")
        assert [r[0] for r in rows] == ["2", "3", "4"] and rows[1][11] == "Song [Remastered]"
        values = cells(app, "#import-values-table")
        assert "Night Drive [Deluxe]" in values[0] and "℗ Orbit Records" in values[0]
        assert "line 4 [ISRC]" in render(app, "#import-values-problems")
        # map "Colonne X" to subgenre with the field picker
        table = app.screen.query_one("#import-mapping-table")
        table.move_cursor(row=6)
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "FieldPicker"
        await pilot.press(*"subgenre", "enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ImportScreen"
        mapping = {r[0]: (r[1], r[2], r[3]) for r in cells(app, "#import-mapping-table")}
        assert mapping["Colonne X"] == ("subgenre", "release", "your mapping")
        assert "Synthwave" in cells(app, "#import-values-table")[0]
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "SaveMappingModal"
        assert app.screen.query_one("#save-mapping-path").value == str(label_csv.with_suffix(".map.toml"))
        await pilot.press("enter")
        await settle(app, pilot)
    saved = load_mapping(label_csv.with_suffix(".map.toml"))
    assert saved.columns["Colonne X"] == "subgenre" and saved.columns["Product UPC"] == "upc"
    assert releases(sqlite_engine) == 0  # previews and mapping changes save nothing


async def test_dry_run_jump_to_row_then_import(sqlite_engine, app_factory, label_csv: Path) -> None:
    app = app_factory(sqlite_engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await open_file(app, pilot, label_csv)
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        assert app.screen.query_one("#import-tabs").active == "tab-check"
        assert "Dry run (nothing saved): fix the errors" in render(app, "#import-check-summary")
        issues = cells(app, "#import-issues")
        assert issues[0][:3] == ["4", "ISRC", "error"] and "NOT-AN-ISRC" in issues[0][3]
        await pilot.press("enter")  # the issues table has focus: open line 4 of the file
        await settle(app, pilot)
        assert type(app.screen).__name__ == "RowModal"
        assert "label.csv, line 4" in render(app, "#row-title")
        row = {r[1]: r for r in cells(app, "#row-cells")}
        assert row["ISRC"][0] == "✗" and row["ISRC"][2] == "NOT-AN-ISRC" and row["Track Name"][3] == (
            "track_title = Undertow")
        await pilot.press("escape")
        await settle(app, pilot)
        assert releases(sqlite_engine) == 0
        await pilot.press("ctrl+g")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ConfirmModal"
        await pilot.press("y")
        await settle(app, pilot)
        assert "Nothing imported (all or nothing)" in render(app, "#import-check-summary")
        assert releases(sqlite_engine) == 0
        app.screen.query_one("#import-partial").value = True
        await pilot.press("ctrl+g", "y")
        await settle(app, pilot)
        assert "Imported" in render(app, "#import-check-summary")
        assert any("Imported 1 new" in n.message for n in app._notifications)
    assert releases(sqlite_engine) == 1
    with Session(sqlite_engine) as s:
        assert s.exec(select(Release.title)).one() == "Night Drive [Deluxe]"


async def test_bad_paths_are_one_error(sqlite_engine, app_factory, tmp_path: Path) -> None:
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a workbook")
    app = app_factory(sqlite_engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        for path, why in ((tmp_path / "nope.csv", "no such file"), (tmp_path, "not a regular file"),
                          (junk, "not a readable Excel"), ("", "give the file to import")):
            await open_file(app, pilot, path)
            assert any(why in n.message for n in app._notifications), why
            assert "import-dry-run" not in shown_ids(app) and "import-run" not in shown_ids(app)
            await pilot.press("escape")
            await settle(app, pilot)


async def test_excel_sheets(sqlite_engine, app_factory, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    notes = book.active
    notes.title = "Read me"
    notes.append(["This sheet explains the template."])
    sheet = book.create_sheet("Catalog")
    for line in (HEAD + "".join(ROWS[:2])).splitlines():
        sheet.append(line.split(","))
    other = book.create_sheet("Backlist 2024")
    for line in (HEAD + ROWS[2].replace("NOT-AN-ISRC", "USAB12400009")).splitlines():
        other.append(line.split(","))
    path = tmp_path / "label.xlsx"
    book.save(path)
    app = app_factory(sqlite_engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await open_file(app, pilot, path)
        select_box = app.screen.query_one("#import-sheet")
        assert select_box.display and app.screen.preview.sheet == "Catalog", [n.message for n in app._notifications]
        assert [r[11] for r in cells(app, "#import-rows-table")] == ["Ignition", "Song [Remastered]"]
        select_box.value = "Backlist 2024"
        await settle(app, pilot)
        assert app.screen.preview.sheet == "Backlist 2024"
        assert [r[11] for r in cells(app, "#import-rows-table")] == ["Undertow"]


def test_cancelled_import_rolls_back(sqlite_engine, settings, label_csv: Path) -> None:
    services = Services(settings=settings, engine_source=sqlite_engine)
    preview = services.transfer.preview(str(label_csv))
    stop = threading.Event()
    stop.set()
    report = services.transfer.run_import(preview, dry_run=False, partial=True, cancel=stop)
    assert report.cancelled and releases(sqlite_engine) == 0
