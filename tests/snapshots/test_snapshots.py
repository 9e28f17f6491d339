"""SVG snapshots of every screen at 80×24 and 120×40, with seeded data and a frozen clock.

Review the report (``pytest tests/snapshots --snapshot-report``) before ``--snapshot-update``.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import Input

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))

from tui_helpers import seed_catalog, seed_deliveries, settle  # noqa: E402

from stardust_tui.app import make_app  # noqa: E402

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
FROZEN = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def app(settings, sqlite_engine):
    ids = seed_catalog(sqlite_engine)
    seed_deliveries(sqlite_engine, settings, ids)
    return make_app(settings, sqlite_engine, start_workers=False, clock=lambda: FROZEN)


def _steady_cursors(app) -> None:
    """No cursor blink: a blinking cursor makes the screenshot depend on timing."""
    for widget in app.screen.query(Input):
        widget.cursor_blink = False


def _then(*steps):
    async def run_before(pilot) -> None:
        await settle(pilot.app, pilot)
        _steady_cursors(pilot.app)
        for step in steps:
            if callable(step):
                step(pilot.app)
            else:
                await pilot.press(*step)
            await settle(pilot.app, pilot)
            _steady_cursors(pilot.app)
        await pilot.pause()
    return run_before


@pytest.mark.parametrize("size", SIZES)
class TestCatalog:
    def test_catalog(self, snap_compare, app, size) -> None:
        assert snap_compare(app, terminal_size=size, run_before=_then())

    def test_catalog_search(self, snap_compare, app, size) -> None:
        assert snap_compare(app, terminal_size=size, run_before=_then(["slash", *"Velvet"]))

    def test_delete_confirmation(self, snap_compare, app, size) -> None:
        assert snap_compare(app, terminal_size=size, run_before=_then(["x"]))

    def test_no_results(self, snap_compare, app, size) -> None:
        assert snap_compare(app, terminal_size=size, run_before=_then(["slash", *"zzqx"]))


@pytest.mark.parametrize("size", SIZES)
class TestReleaseWizard:
    def test_basics_with_inline_error(self, snap_compare, app, size) -> None:
        steps = _then(lambda a: a.open_release(3), lambda a: a.screen.set_focus(a.screen.query_one("#f-upc")),
                      ["ctrl+u", *"19000000099"])
        assert snap_compare(app, terminal_size=size, run_before=steps)

    def test_review(self, snap_compare, app, size) -> None:
        steps = _then(lambda a: a.open_release(3), ["pagedown"] * 5)
        assert snap_compare(app, terminal_size=size, run_before=steps)

    def test_deals(self, snap_compare, app, size) -> None:
        steps = _then(lambda a: a.open_release(3), ["pagedown"] * 4)
        assert snap_compare(app, terminal_size=size, run_before=steps)

    def test_deal_form(self, snap_compare, app, size) -> None:
        steps = _then(lambda a: a.open_release(3), ["pagedown"] * 4, ["enter"])
        assert snap_compare(app, terminal_size=size, run_before=steps)


@pytest.mark.parametrize("size", SIZES)
class TestTrackEditor:
    def test_tracks(self, snap_compare, app, size) -> None:
        assert snap_compare(app, terminal_size=size, run_before=_then(lambda a: a.open_tracks(3)))

    def test_role_picker(self, snap_compare, app, size) -> None:
        steps = _then(lambda a: a.open_tracks(3), ["f2", *"mast"])
        assert snap_compare(app, terminal_size=size, run_before=steps)


@pytest.mark.parametrize("size", SIZES)
class TestErnPreview:
    def test_ern(self, snap_compare, app, size) -> None:
        assert snap_compare(app, terminal_size=size, run_before=_then(lambda a: a.open_ern(3)))


@pytest.mark.parametrize("size", SIZES)
class TestTargets:
    def test_targets(self, snap_compare, app, size) -> None:
        assert snap_compare(app, terminal_size=size, run_before=_then(["2"]))

    def test_target_form(self, snap_compare, app, size) -> None:
        assert snap_compare(app, terminal_size=size, run_before=_then(["2"], ["e"]))


@pytest.mark.parametrize("size", SIZES)
class TestDeliveries:
    def test_deliveries(self, snap_compare, app, size) -> None:
        assert snap_compare(app, terminal_size=size, run_before=_then(["3"]))


class TestThemes:
    def test_light_theme_deliveries(self, snap_compare, settings, sqlite_engine) -> None:
        ids = seed_catalog(sqlite_engine)
        seed_deliveries(sqlite_engine, settings, ids)
        settings.theme = "stardust-light"
        app = make_app(settings, sqlite_engine, start_workers=False, clock=lambda: FROZEN)
        assert snap_compare(app, terminal_size=(120, 40), run_before=_then(["3"]))
