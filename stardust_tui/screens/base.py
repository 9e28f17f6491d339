"""The base of every Stardust screen: failed workers are reported in one place.

``Worker.StateChanged`` does not bubble from a screen to the app, so a screen's failed thread worker
would otherwise vanish silently; every screen forwards it to ``StardustApp.worker_failed``.
"""

from __future__ import annotations

from textual import on
from textual.screen import Screen
from textual.worker import Worker, WorkerState


class StardustScreen(Screen):
    """A screen whose failed workers end up in the app's single error handler."""

    @on(Worker.StateChanged)
    def _forward_worker_error(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.app.worker_failed(event.worker)  # type: ignore[attr-defined]
