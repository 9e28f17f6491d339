"""In-process delivery workers: started with the app when no daemon is alive, stopped cleanly on quit."""

from __future__ import annotations

import asyncio
import os
import socket

import pytest
from sqlmodel import select
from tui_helpers import settle

from stardust_tui.domain.delivery_models import WorkerHeartbeat
from stardust_tui.store.db import session_scope

pytestmark = pytest.mark.anyio


def _heartbeats(engine) -> list[tuple[str, str]]:
    with session_scope(engine) as session:
        return [(h.kind, h.worker_id) for h in session.exec(select(WorkerHeartbeat))]


async def test_in_process_workers_start_and_stop_with_the_app(sqlite_engine, app_factory) -> None:
    app = app_factory(sqlite_engine, start_workers=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for _ in range(50):
            await asyncio.sleep(0.1)
            if _heartbeats(sqlite_engine):
                break
        assert app.worker_mode == "in-process"
        assert [kind for kind, _ in _heartbeats(sqlite_engine)] == ["in-process"]
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.runner.stopping
    assert _heartbeats(sqlite_engine) == []  # the runner removed its heartbeat on the way out


async def test_no_in_process_workers_when_a_daemon_is_alive(sqlite_engine, app_factory) -> None:
    with session_scope(sqlite_engine) as session:
        session.add(WorkerHeartbeat(worker_id="daemon-1", kind="daemon", host=socket.gethostname(), pid=os.getpid()))
    app = app_factory(sqlite_engine, start_workers=True)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(50):
            await asyncio.sleep(0.1)
            if app.worker_mode != "off":
                break
        await settle(app, pilot)
        assert app.worker_mode == "daemon" and app.runner is None
    assert _heartbeats(sqlite_engine) == [("daemon", "daemon-1")]


async def test_the_app_keeps_textuals_watch(sqlite_engine, app_factory) -> None:
    """The worker watch is ``app.worker_watch``: an attribute named ``watch`` hid Textual's ``DOMNode.watch()``,
    so watching one of the app's reactives through the app raised TypeError (found by mypy, issue 9)."""
    app = app_factory(sqlite_engine, start_workers=False)
    seen: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.watch(app, "sub_title", lambda new: seen.append(new), init=False)
        app.sub_title = "watched"
        await pilot.pause()
        assert seen == ["watched"]
        assert app.worker_watch.describe()[0]  # the worker watch is still there, under its own name
