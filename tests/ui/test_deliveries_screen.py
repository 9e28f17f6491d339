"""Deliveries screen on a real store: the live log follows until the user scrolls up and End resumes from
anywhere; a stopped `stardust worker` daemon (a real process, killed) is noticed and workers start here;
cancel asks first; Enter opens the delivery; rate and ETA come from how the bytes really moved."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select
from tui_helpers import FIXED_NOW, screen_text, seed_deliveries, settle, wait_until

from stardust_tui.domain.delivery_models import Delivery, WorkerHeartbeat
from stardust_tui.store.db import session_scope
from stardust_tui.worker.events import Event, JsonLineLog

pytestmark = pytest.mark.anyio
STARDUST = Path(sys.executable).parent / "stardust"


def _event(i: int) -> Event:
    return Event(message=f"chunk {i} sent", level="info", delivery_id=4, target_id=1, step="upload",
                 at=FIXED_NOW + timedelta(seconds=i))


async def test_the_log_keeps_following_while_nobody_touches_it(sqlite_engine, settings, app_factory) -> None:
    from stardust_tui.widgets.log_panel import LogPanel

    app = app_factory(sqlite_engine)
    log = JsonLineLog(settings.paths.delivery_log_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        panel = app.screen.query_one(LogPanel)
        for burst in range(25):  # a busy worker: lines arrive in bursts while the user reads the table
            for i in range(8):
                log.append(_event(burst * 8 + i))
            await asyncio.sleep(0.12)
        assert await wait_until(pilot, lambda: panel.log_widget.line_count == 200)
        await pilot.pause(0.6)
        assert panel.follow, "the log paused by itself"
        assert "following" in str(panel.query_one("#log-indicator").render())
        widget = panel.log_widget
        assert widget.scroll_y >= widget.max_scroll_y - 1


async def test_end_resumes_following_from_anywhere_on_the_screen(seeded, settings, app_factory) -> None:
    from stardust_tui.widgets.log_panel import LogPanel

    engine, ids = seeded
    seed_deliveries(engine, settings, ids)
    log = JsonLineLog(settings.paths.delivery_log_file)
    for i in range(60):
        log.append(_event(i))
    app = app_factory(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        panel = app.screen.query_one(LogPanel)
        assert await wait_until(pilot, lambda: panel.log_widget.line_count >= 60)
        panel.log_widget.focus()
        await pilot.press("pageup", "pageup")  # the user scrolls up to read: following pauses
        await pilot.pause()
        assert not panel.follow
        log.append(_event(99))
        assert await wait_until(pilot, lambda: panel.new_lines == 1)
        app.screen.query_one("#deliveries").focus()
        await pilot.pause()
        await pilot.press("end")  # from the queue table, not the log
        await pilot.pause()
        assert panel.follow and panel.new_lines == 0


async def test_cancel_asks_first_and_enter_opens_the_delivery(seeded, settings, app_factory) -> None:
    from stardust_tui.widgets.confirm import ConfirmModal

    engine, ids = seeded
    seed_deliveries(engine, settings, ids)
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        deliveries = app.screen
        table = deliveries.query_one("#deliveries")
        table.focus()
        await pilot.press("x")  # row 0: the queued delivery
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert "Cancel delivery 5" in screen_text(app)
        await pilot.press("n")
        await settle(app, pilot)
        with session_scope(engine) as session:
            assert session.get(Delivery, 5).state == "queued"
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "DeliveryDetailScreen"


async def test_progress_rate_and_eta_are_whole_and_right(seeded, settings, app_factory) -> None:
    engine, ids = seeded
    seed_deliveries(engine, settings, ids)
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        for step in range(4):  # the worker stores progress in 8 MB steps, every 2 s (4 MB/s)
            with session_scope(engine) as session:
                d = session.get(Delivery, 4)
                d.bytes_done = 21_000_000 + step * 8_000_000
                session.add(d)
            await asyncio.sleep(2.0)
            await settle(app, pilot)
        shown = screen_text(app)
        assert "45.0/64.0 MB" in shown  # not cut off
        row = next(line for line in shown.splitlines() if "45.0/64.0 MB" in line)
        rate = float(row.split(" MB/s")[0].split()[-1])
        assert 3.0 <= rate <= 5.0, row  # not 8 MB per one-second refresh
        assert "ETA" in shown or " s " in row


def _start_daemon(home: Path) -> subprocess.Popen:
    env = {**os.environ, "STARDUST_HOME": str(home)}
    return subprocess.Popen([str(STARDUST), "worker", "--quiet"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)


async def test_a_stopped_daemon_is_noticed_and_deliveries_move_to_this_session(sqlite_engine, isolated_home,
                                                                             app_factory) -> None:
    daemon = _start_daemon(isolated_home)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with session_scope(sqlite_engine) as session:
                if session.exec(select(WorkerHeartbeat).where(WorkerHeartbeat.kind == "daemon")).first():
                    break
            await asyncio.sleep(0.2)
        else:
            pytest.fail(f"the daemon never beat: {daemon.stderr.read1().decode() if daemon.stderr else ''}")
        app = app_factory(sqlite_engine, start_workers=True)
        app.daemon_stale_after_s = 8.0  # the daemon beats every 5 s
        app.worker_check_s = 1.0
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await pilot.press("3")
            assert await wait_until(pilot, lambda: app.worker_mode == "daemon", timeout=20)
            assert await wait_until(pilot, lambda: "daemon on" in screen_text(app), timeout=10)
            os.killpg(daemon.pid, signal.SIGKILL)  # gone without removing its heartbeat
            daemon.wait(timeout=10)
            assert await wait_until(pilot, lambda: app.worker_mode == "in-process", timeout=30)
            shown = screen_text(app)
            assert "stopped" in shown and "this session" in shown
            assert any("daemon" in n.message and "stopped" in n.message for n in app._notifications)
            await pilot.press("ctrl+q")
    finally:
        if daemon.poll() is None:
            os.killpg(daemon.pid, signal.SIGKILL)
            daemon.wait(timeout=10)


async def test_without_workers_a_stopped_daemon_is_offered_here(sqlite_engine, app_factory) -> None:
    with session_scope(sqlite_engine) as session:  # a daemon that stopped a minute ago
        from stardust_tui.domain.models import utcnow

        session.add(WorkerHeartbeat(worker_id="vm:1:daemon:x", kind="daemon", host="vm", pid=1,
                                    seen_at=utcnow() - timedelta(minutes=1)))
    app = app_factory(sqlite_engine)  # --no-workers
    app.worker_check_s = 0.5
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        assert await wait_until(pilot, lambda: "stopped" in screen_text(app), timeout=15)
        assert await wait_until(pilot, lambda: "w Run workers here" in screen_text(app), timeout=5)
        await pilot.press("w")
        assert await wait_until(pilot, lambda: app.worker_mode == "in-process", timeout=15)
        await pilot.press("ctrl+q")
