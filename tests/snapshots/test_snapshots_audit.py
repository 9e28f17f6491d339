"""SVG snapshots of the audit log screen (issue 15) at 80×24 and 120×40: seeded catalog, edits by two users and
a target change, every entry at a fixed time (the chain sealed again over those times), a frozen clock.

Review the report (``pytest tests/snapshots/test_snapshots_audit.py --snapshot-report``) before
``--snapshot-update``.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from textual.widgets import Input

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))

from tui_helpers import seed_catalog, settle  # noqa: E402

from stardust_tui.app import make_app  # noqa: E402

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
FROZEN = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def utc_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Local times are shown: draw them in UTC whatever the machine's zone."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


def _history(settings, engine, tmp_path: Path) -> None:
    """Edits by ann and bob, a target added and disabled; then every entry at a fixed time, chained again."""
    from stardust_tui.services import Services
    from stardust_tui.services.actor import Actor
    from stardust_tui.store.audit_chain import GENESIS, seal

    ann, bob = (Services(settings, engine, actor=Actor(n)) for n in ("ann", "bob"))
    ann.releases.edit(3, title="Paper Moons [Deluxe]", genre="Ambient")
    bob.releases.set_status(2, "draft")
    (tmp_path / "inbox").mkdir()
    ann.targets.add(name="dsp-folder", url=f"file://{tmp_path / 'inbox'}")
    ann.targets.set_enabled("dsp-folder", False)
    with engine.begin() as conn:
        ids = [r[0] for r in conn.execute(text("SELECT id FROM audit_log ORDER BY id"))]
        for i, entry_id in enumerate(ids):
            at = (FROZEN - timedelta(days=2) + timedelta(minutes=11 * i)).strftime("%Y-%m-%d %H:%M:%S.%f")
            conn.execute(text("UPDATE audit_log SET at = :at, seq = NULL, prev_hash = NULL, hash = NULL "
                              "WHERE id = :id"), {"at": at, "id": entry_id})
        conn.execute(text("UPDATE audit_chain SET seq = 0, hash = :g"), {"g": GENESIS})
        seal(conn)


@pytest.fixture
def app(settings, sqlite_engine, tmp_path):
    seed_catalog(sqlite_engine)
    _history(settings, sqlite_engine, tmp_path)
    return make_app(settings, sqlite_engine, start_workers=False, clock=lambda: FROZEN)


def _then(*steps):
    async def run_before(pilot) -> None:
        await settle(pilot.app, pilot)
        for step in steps:
            if callable(step):
                step(pilot.app)
            else:
                await pilot.press(*step)
            await settle(pilot.app, pilot)
            for widget in pilot.app.screen.query(Input):
                widget.cursor_blink = False
        await pilot.pause()
    return run_before


@pytest.mark.parametrize("size", SIZES)
class TestAuditLog:
    def test_log_with_changes(self, snap_compare, app, size) -> None:
        steps = _then(lambda a: a.open_audit(), ["down", "down", "down"])
        assert snap_compare(app, terminal_size=size, run_before=steps)

    def test_one_release(self, snap_compare, app, size) -> None:
        assert snap_compare(app, terminal_size=size, run_before=_then(lambda a: a.open_audit("release:3"), ["down"]))
