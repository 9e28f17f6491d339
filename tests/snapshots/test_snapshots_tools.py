"""SVG snapshots of the screens added for issue 17's missing capabilities and issue 14's import screen, at
80×24 and 120×40, with seeded data and a frozen clock (stored timestamps are fixed too).

Review the report (``pytest tests/snapshots/test_snapshots_tools.py --snapshot-report``) before
``--snapshot-update``.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import Input

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))

from tui_helpers import seed_catalog, seed_deliveries, settle  # noqa: E402

from stardust_tui.app import make_app  # noqa: E402

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
FROZEN = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def utc_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Local times are shown: draw them in UTC whatever the machine's zone."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


def _edit_release_3(engine) -> None:
    """Two more revisions of release 3 (bracketed text included), every revision at a fixed time."""
    from sqlmodel import select

    from stardust_tui.domain.models import ReleaseRevision
    from stardust_tui.store.db import session_scope
    from stardust_tui.store.releases import load_release, save_release

    with session_scope(engine) as s:
        rel = load_release(s, 3)
        rel.title, rel.genre = "Paper Moons [Deluxe]", "Ambient"
        save_release(s, rel, actor="ann")
    with session_scope(engine) as s:
        rel = load_release(s, 3)
        rel.tracks[0].title = "Intro [/]"
        save_release(s, rel, actor="bob")
    with session_scope(engine) as s:
        for rev in s.exec(select(ReleaseRevision)):
            rev.created_at = FROZEN - timedelta(days=30) + timedelta(hours=rev.release_id, minutes=7 * rev.number)
            s.add(rev)


def _fix_delivery_times(engine) -> None:
    """Deliveries and an ACK error for release 3 at fixed times (seeding stamps them with the real clock)."""
    from sqlmodel import select

    from stardust_tui.domain.delivery_models import Acknowledgement, Delivery, ReleaseTargetStatus
    from stardust_tui.store.db import session_scope

    with session_scope(engine) as s:
        for d in s.exec(select(Delivery)):
            d.created_at = d.updated_at = d.scheduled_at = d.next_attempt_at = FROZEN - timedelta(hours=6 - d.id)
            d.finished_at = d.created_at + timedelta(minutes=2) if d.state in ("succeeded", "failed") else None
            d.started_at = d.created_at + timedelta(seconds=5) if d.state != "queued" else None
            s.add(d)
        at = FROZEN - timedelta(hours=1)
        s.add(ReleaseTargetStatus(release_id=3, target_id=2, status="ack-error", delivery_id=3, message_id="M-3",
                                  detail="ResourceCorrupt: [Track 2] audio is truncated",
                                  proposed_action="ResendXmlAndResources", updated_at=at))
        s.add(Acknowledgement(target_id=2, file_name="ACK_M-3_20260115110000000.xml", message_id="M-3", release_id=3,
                              file_status="ResourceCorrupt", error_text="[Track 2] audio is truncated",
                              proposed_action="ResendXmlAndResources", received_at=at))


@pytest.fixture
def app(settings, sqlite_engine):
    ids = seed_catalog(sqlite_engine)
    seed_deliveries(sqlite_engine, settings, ids)
    _edit_release_3(sqlite_engine)
    _fix_delivery_times(sqlite_engine)
    return make_app(settings, sqlite_engine, start_workers=False, clock=lambda: FROZEN)


def _steady_cursors(app) -> None:
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
class TestDeliverDialog:
    def test_not_ready(self, snap_compare, app, size) -> None:
        assert snap_compare(app, terminal_size=size, run_before=_then(lambda a: a.open_deliver(2)))

    def test_second_target(self, snap_compare, app, size) -> None:
        assert snap_compare(app, terminal_size=size, run_before=_then(lambda a: a.open_deliver(1), ["down"]))


@pytest.mark.parametrize("size", SIZES)
class TestReleaseStatus:
    def test_status(self, snap_compare, app, size) -> None:
        assert snap_compare(app, terminal_size=size, run_before=_then(lambda a: a.open_status(2), ["down"]))


@pytest.mark.parametrize("size", SIZES)
class TestHistory:
    def test_history(self, snap_compare, app, size) -> None:
        assert snap_compare(app, terminal_size=size, run_before=_then(lambda a: a.open_history(3)))

    def test_marked_and_detail(self, snap_compare, app, size) -> None:
        steps = _then(lambda a: a.open_history(3), ["down", "down", "space", "up", "up", "tab", "down"])
        assert snap_compare(app, terminal_size=size, run_before=steps)


@pytest.mark.parametrize("size", SIZES)
class TestReleaseDeliveries:
    def test_ack_error(self, snap_compare, app, size) -> None:
        assert snap_compare(app, terminal_size=size, run_before=_then(lambda a: a.open_release_deliveries(3)))


@pytest.mark.parametrize("size", SIZES)
class TestDeliveryDetail:
    def test_info(self, snap_compare, app, size) -> None:
        assert snap_compare(app, terminal_size=size, run_before=_then(lambda a: a.open_delivery(3)))

    def test_message_never_sent(self, snap_compare, app, size) -> None:
        assert snap_compare(app, terminal_size=size, run_before=_then(lambda a: a.open_delivery(3), ["m"]))


@pytest.mark.parametrize("size", SIZES)
class TestWorkers:
    def test_workers(self, snap_compare, app, sqlite_engine, size) -> None:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))
        from test_workers_screen import seed_heartbeats

        seed_heartbeats(sqlite_engine, FROZEN)
        assert snap_compare(app, terminal_size=size, run_before=_then(lambda a: a.open_workers()))


@pytest.mark.parametrize("size", SIZES)
class TestExport:
    def test_picked(self, snap_compare, app, size) -> None:
        steps = _then(lambda a: a.open_export([1]), [*"Paper", "enter", "down", "down", "space"])
        assert snap_compare(app, terminal_size=size, run_before=steps)


def _open_label_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The import screen on a small label CSV, by a relative path (the screen shows it)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))
    from test_import_screen import HEAD, ROWS

    (tmp_path / "label.csv").write_text(HEAD + "".join(ROWS), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("stardust_tui.screens.import_screen.took", lambda seconds: "0.1 s")

    def open_it(app) -> None:
        from stardust_tui.screens.import_screen import ImportScreen

        app.push_screen(ImportScreen("label.csv"))

    return open_it


@pytest.mark.parametrize("size", SIZES)
class TestImport:
    def test_mapping(self, snap_compare, app, size, tmp_path, monkeypatch) -> None:
        steps = _then(_open_label_csv(tmp_path, monkeypatch), ["down"] * 6)
        assert snap_compare(app, terminal_size=size, run_before=steps)

    def test_dry_run(self, snap_compare, app, size, tmp_path, monkeypatch) -> None:
        steps = _then(_open_label_csv(tmp_path, monkeypatch), ["ctrl+t"])
        assert snap_compare(app, terminal_size=size, run_before=steps)

    def test_row_of_a_problem(self, snap_compare, app, size, tmp_path, monkeypatch) -> None:
        steps = _then(_open_label_csv(tmp_path, monkeypatch), ["ctrl+t"], ["enter"])
        assert snap_compare(app, terminal_size=size, run_before=steps)

    def test_field_picker(self, snap_compare, app, size, tmp_path, monkeypatch) -> None:
        steps = _then(_open_label_csv(tmp_path, monkeypatch), ["down"] * 6, ["enter", *"sub"])
        assert snap_compare(app, terminal_size=size, run_before=steps)
