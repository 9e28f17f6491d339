"""Workers screen: daemons and TUI sessions on every host from their heartbeats, alive or stale, with the
deliveries each holds; the in-process worker of this very session shows up as "(this)"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tui_helpers import seed_deliveries, settle

from stardust_tui.domain.delivery_models import Delivery, WorkerHeartbeat
from stardust_tui.domain.models import utcnow
from stardust_tui.store.db import session_scope

pytestmark = pytest.mark.anyio


def cells(app) -> list[list[str]]:
    table = app.screen.query_one("#workers")
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def seed_heartbeats(engine, now) -> None:
    with session_scope(engine) as s:
        s.add(WorkerHeartbeat(worker_id="ingest-01:4242:daemon:a1b2c3", kind="daemon", host="ingest-01", pid=4242,
                              concurrency=4, started_at=now - timedelta(hours=3), seen_at=now - timedelta(seconds=3)))
        s.add(WorkerHeartbeat(worker_id="studio:77:in-process:d4e5f6", kind="in-process", host="studio", pid=77,
                              concurrency=2, started_at=now - timedelta(minutes=20), seen_at=now))
        s.add(WorkerHeartbeat(worker_id="old-box:9:daemon:0a0b0c", kind="daemon", host="old-box", pid=9,
                              concurrency=1, started_at=now - timedelta(days=2), seen_at=now - timedelta(minutes=10)))
        running = s.get(Delivery, 4)  # the seeded running delivery, held by the ingest daemon
        running.lease_owner = "ingest-01:4242:daemon:a1b2c3"
        s.add(running)


async def test_live_and_stale_workers(seeded, settings, app_factory) -> None:
    engine, ids = seeded
    seed_deliveries(engine, settings, ids)
    seed_heartbeats(engine, utcnow())
    app = app_factory(engine)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        app.open_workers()
        await settle(app, pilot)
        rows = cells(app)
        assert [(r[0], r[1], r[4], r[5]) for r in rows] == [("daemon", "ingest-01", "1", "alive"),
                                                            ("TUI session", "studio", "0", "alive"),
                                                            ("daemon", "old-box", "0", "stale")]
        head = str(app.screen.query_one("#workers-head").render())
        assert "2 worker(s) alive (1 daemon(s), 1 TUI session(s))" in head
        with session_scope(engine) as s:  # the daemon stops beating
            beat = s.get(WorkerHeartbeat, "ingest-01:4242:daemon:a1b2c3")
            beat.seen_at = utcnow() - timedelta(minutes=2)
            s.add(beat)
        await pilot.press("r")
        await settle(app, pilot)
        assert [r[5] for r in cells(app)][:2] == ["alive", "stale"]
        assert "no daemon: deliveries stop when the last session ends" in str(
            app.screen.query_one("#workers-head").render())


async def test_this_sessions_own_worker(seeded, app_factory) -> None:
    engine, _ = seeded
    app = app_factory(engine, start_workers=True)  # no daemon: this session runs its own workers
    async with app.run_test(size=(120, 30)) as pilot:
        for _ in range(50):
            await pilot.pause(0.1)
            if app.worker_mode == "in-process" and app.runner is not None:
                break
        await settle(app, pilot)
        app.open_workers()
        for _ in range(30):  # the runner's first heartbeat is written as it starts
            await settle(app, pilot)
            if cells(app):
                break
            await pilot.press("r")
            await pilot.pause(0.2)
        rows = cells(app)
        assert len(rows) == 1 and rows[0][0] == "TUI session (this)" and rows[0][5] == "alive"
        assert "this session runs its own delivery workers" in str(app.screen.query_one("#workers-head").render())
        await app.action_quit()


@pytest.mark.parametrize(("words", "screen"), [("Workers", "WorkersScreen"), ("Import a catalog", "ImportScreen"),
                                              ("Export releases", "ExportScreen")])
async def test_palette_opens_the_tool_screens(seeded, app_factory, words: str, screen: str) -> None:
    engine, _ = seeded
    app = app_factory(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await pilot.press(*words)
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == screen
        await pilot.press("escape")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "CatalogScreen"
