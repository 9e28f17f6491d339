"""The base of every Stardust screen: failed workers are reported in one place.

``Worker.StateChanged`` does not bubble from a screen to the app, so a screen's failed thread worker
would otherwise vanish silently; every screen forwards it to ``StardustApp.worker_failed``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.screen import Screen
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from textual import getters

    from stardust_tui.app import StardustApp


class StardustScreen(Screen):
    """A screen whose failed workers end up in the app's single error handler."""

    if TYPE_CHECKING:  # Textual's own typing of ``app`` (getters.app), for the checker only: at run time it
        app = getters.app(StardustApp)  # stays Textual's property (no import cycle, test apps still work)

    @on(Worker.StateChanged)
    def _forward_worker_error(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.app.worker_failed(event.worker)
