"""Live delivery log: follows the JSON-lines file written by another process, filters, pauses, resumes."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from tui_helpers import FIXED_NOW, settle

from stardust_tui.services.logtail import LogTail, finished_state, format_event
from stardust_tui.worker.events import Event, JsonLineLog

pytestmark = pytest.mark.anyio


def _event(i: int, level: str = "info", message: str | None = None) -> Event:
    return Event(message=message or f"step {i} done", level=level, delivery_id=7, target_id=1, step="upload",
                 at=FIXED_NOW + timedelta(seconds=i))


def test_log_tail_reads_increments_partial_lines_and_truncation(tmp_path) -> None:
    path = tmp_path / "deliveries.jsonl"
    tail = LogTail(path, backlog=3)
    assert tail.read_new() == []  # no file yet
    log = JsonLineLog(path)
    for i in range(5):
        log.append(_event(i))
    assert [e["message"] for e in tail.read_new()] == ["step 2 done", "step 3 done", "step 4 done"]
    with path.open("a") as fh:
        fh.write('{"message": "half')
    assert tail.read_new() == []
    with path.open("a") as fh:
        fh.write(' a line", "level": "info"}\nnot json\n')
    assert [e["message"] for e in tail.read_new()] == ["half a line"]
    path.write_text("")  # rotated / truncated
    log.append(_event(9))
    assert [e["message"] for e in tail.read_new()] == ["step 9 done"]
    line = format_event(_event(9).__dict__ | {"at": "2026-01-15T12:00:09+00:00"})
    assert line.startswith("12:00:09 INFO") and "#7 [upload] step 9 done" in line


def test_finished_state_of_runner_events() -> None:
    assert finished_state({"level": "info", "message": "succeeded in 3.0s"}) == "succeeded"
    assert finished_state({"level": "error", "message": "attempt 5 failed permanently: x"}) == "failed"
    assert finished_state({"level": "error", "message": "attempt 1 will retry: x"}) is None
    assert finished_state({"level": "info", "message": "attempt 1/5 started"}) is None


async def test_events_from_another_process_show_live_with_filter_pause_and_resume(sqlite_engine, settings,
                                                                                  app_factory) -> None:
    from stardust_tui.widgets.log_panel import LogPanel

    app = app_factory(sqlite_engine)
    log = JsonLineLog(settings.paths.delivery_log_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        panel = app.screen.query_one(LogPanel)
        widget = panel.log_widget
        for i in range(60):  # as a separate `stardust worker` would: appended to the shared file
            log.append(_event(i))
        log.append(_event(60, "debug", "chunk 60 of 80"))
        for _ in range(50):
            await asyncio.sleep(0.1)
            if widget.line_count >= 60:
                break
        assert widget.line_count == 60  # the debug line is filtered out at level >= info
        assert panel.follow
        widget.focus()
        await pilot.pause()
        await pilot.press("home")  # the user scrolls up to read
        await pilot.pause()
        log.append(_event(61, "error", "attempt 1 failed permanently: boom"))
        log.append(_event(62))
        for _ in range(50):
            await asyncio.sleep(0.1)
            if panel.new_lines == 2:
                break
        assert not panel.follow and panel.new_lines == 2
        assert "2 new lines" in str(panel.query_one("#log-indicator").render())
        assert widget.scroll_y == 0  # still where the user is reading
        widget.focus()
        await pilot.press("end")
        await pilot.pause()
        assert panel.follow and panel.new_lines == 0
        await pilot.press("l")  # info -> warning and above
        await pilot.pause()
        assert panel.min_level == "warning" and widget.line_count == 1
        assert any(n.severity == "error" and "failed" in n.message for n in app._notifications)
