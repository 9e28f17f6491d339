"""Export screen: the whole catalog or picked releases, JSON or CSV, into a checked path; replacing a file
asks first; a bad path is one error and nothing is written; a stopped export leaves no file."""

from __future__ import annotations

import csv
import json
import threading
from pathlib import Path

import pytest
from tui_helpers import settle

from stardust_tui.services import Services
from stardust_tui.services.transfer import Cancelled, with_extension

pytestmark = pytest.mark.anyio


def shown_ids(app) -> set[str]:
    return {b.binding.id for b in app.screen.active_bindings.values() if b.binding.show and b.enabled}


async def set_path(app, pilot, path: Path | str) -> None:
    box = app.screen.query_one("#export-path")
    box.value = str(path)
    await pilot.pause()


async def test_whole_catalog_as_json(seeded, app_factory, tmp_path: Path) -> None:
    engine, ids = seeded
    out = tmp_path / "catalog.json"
    app = app_factory(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        app.open_export()
        await settle(app, pilot)
        assert "Whole catalog (24 releases)" in str(app.screen.query_one("#scope-all").label)
        await set_path(app, pilot, out)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Wrote 24 release(s)" in str(app.screen.query_one("#export-status").render())
    data = json.loads(out.read_text())
    assert len(data["releases"]) == 24
    assert not list(tmp_path.glob("*.part"))


async def test_picked_releases_as_csv(seeded, app_factory, tmp_path: Path) -> None:
    engine, ids = seeded
    app = app_factory(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        app.open_export()
        await settle(app, pilot)
        await set_path(app, pilot, tmp_path / "picked.json")
        app.screen.query_one("#export-scope").focus()
        await pilot.press("down", "enter")  # "Picked releases" with nothing picked: Export is not offered
        await settle(app, pilot)
        assert "export-run" not in shown_ids(app)
        app.screen.query_one("#export-search").focus()
        await pilot.press(*"Paper Moons", "enter", "down", "space", "down", "space")
        await settle(app, pilot)
        first_two = [r.title for r in app.screen.shown[:2]]
        assert str(app.screen.query_one("#export-picked").render()) == f"2 picked: {first_two[0]}; {first_two[1]}"
        app.screen.query_one("#export-format").focus()
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert app.screen.query_one("#export-path").value == str(tmp_path / "picked.csv")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    rows = list(csv.DictReader((tmp_path / "picked.csv").open(encoding="utf-8")))
    assert {r["release_title"] for r in rows} == set(first_two)


async def test_replacing_asks_and_bad_paths_write_nothing(seeded, app_factory, tmp_path: Path) -> None:
    engine, ids = seeded
    out = tmp_path / "old.json"
    out.write_text("keep me")
    app = app_factory(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        app.open_export([ids[0], ids[1]])
        await settle(app, pilot)
        assert "2 picked: Glass Horizons 1; Night Transit 2" in str(app.screen.query_one("#export-picked").render())
        await set_path(app, pilot, out)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ConfirmModal"
        await pilot.press("n")
        await settle(app, pilot)
        assert out.read_text() == "keep me"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert len(json.loads(out.read_text())["releases"]) == 2
        for bad, why in ((tmp_path / "missing" / "x.json", "folder does not exist"),
                         (tmp_path, "is a folder"), ("", "give the file to write")):
            await set_path(app, pilot, bad)
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert any(why in n.message for n in app._notifications), why
        assert not (tmp_path / "missing").exists() and not list(tmp_path.glob("*.part"))


def test_stopped_export_leaves_nothing(seeded, settings, tmp_path: Path) -> None:
    engine, ids = seeded
    services = Services(settings=settings, engine_source=engine)
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled, match="nothing was written"):
        services.transfer.export(tmp_path / "x.json", "json", None, cancel=stop)
    assert not list(tmp_path.glob("x.json*")) and not list(tmp_path.glob(".x.json*"))


def test_with_extension() -> None:
    assert with_extension("~/a/cat.json", "csv") == "~/a/cat.csv"
    assert with_extension("~/a/cat", "csv") == "~/a/cat.csv"
    assert with_extension("~/a/cat.txt", "csv") == "~/a/cat.txt"
    assert with_extension("~/a.b/cat", "json") == "~/a.b/cat.json"
    assert with_extension("", "json") == ""
