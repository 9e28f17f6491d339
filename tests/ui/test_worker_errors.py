"""A failed background job on any screen is reported (it used to vanish: the message does not bubble)."""

from __future__ import annotations

import contextlib

import pytest
from textual.worker import WorkerFailed
from tui_helpers import settle

from stardust_tui.errors import ValidationError
from stardust_tui.screens.base import StardustScreen

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("mode_key", ["1", "2", "3"])
async def test_failed_worker_on_a_screen_is_notified(seeded, app_factory, mode_key: str) -> None:
    engine, _ = seeded
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press(mode_key)
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, StardustScreen)

        def fail() -> None:
            raise ValidationError("upc: '123' is not a UPC/EAN", where="test")

        worker = screen.run_worker(fail, thread=True, exit_on_error=False, name="probe-job")
        with contextlib.suppress(WorkerFailed):
            await worker.wait()
        await settle(app, pilot)
        messages = [n.message for n in app._notifications]
        assert any("is not a UPC/EAN" in m for m in messages), messages
        assert app.is_running  # a user error is a notification, not a crash
