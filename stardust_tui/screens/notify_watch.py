"""The unread-notifications count in every screen's header, and toasts for new problems (issue 10).

The app polls :meth:`NotifyWatch.check` every few seconds from a thread (after the catalog's first rows are on
screen) and hands the result to :meth:`NotifyWatch.seen` on the main thread. ``seen`` keeps the count the
header shows (``StardustApp.format_title`` asks :meth:`NotifyWatch.badge`), raises an error toast for each
new problem event (ACK rejected, circuit opened, import or backup failed; finished deliveries already have
their own toasts from the delivery log) and a warning when a notification channel starts failing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.worker import Worker

    from stardust_tui.app import StardustApp

CHECK_S = 5.0
TOASTED_ELSEWHERE = ("delivery.",)  # the delivery log's DeliveryFinished toasts cover these


@dataclass
class NotifyState:
    unread: int = 0
    errors: int = 0
    failing: list[str] = field(default_factory=list)
    newest: list[Any] = field(default_factory=list)  # EventRow, newest first


class NotifyWatch:
    """The app's view of its user's notifications."""

    def __init__(self, app: StardustApp) -> None:
        self.app = app
        self.state = NotifyState()
        self.enabled = True
        self._last_id: int | None = None
        self._failing: set[str] = set()
        self._worker: Worker[None] | None = None

    def start(self) -> None:
        self.app.set_interval(CHECK_S, self.poll)
        self.poll()

    def poll(self) -> None:
        """Start a check in a thread, unless the last one still waits (a locked or slow database): checks then
        do not pile up threads and pooled connections behind it."""
        if not self.enabled or self.app.services.open_error is not None:
            return
        if self._worker is not None and not self._worker.is_finished:
            return
        self._worker = self.app.run_worker(self._check_and_show, thread=True, group="notify-watch",
                                           name="notifications check", exit_on_error=False)

    def _check_and_show(self) -> None:
        from stardust_tui.errors import PermissionDenied

        try:
            state = self.check()
        except PermissionDenied:  # a user who may not read notifications: no badge
            self.enabled = False
            return
        self.app.call_from_thread(self.seen, state)

    def check(self) -> NotifyState:
        """(thread) The unread count, failing channels and the newest events."""
        service = self.app.services.notifications
        unread, errors = service.unread()
        return NotifyState(unread, errors, service.failing(), service.events(limit=20))

    def seen(self, state: NotifyState) -> None:
        """(main thread) Keep the count, toast what is new, redraw the headers."""
        newest_id = state.newest[0].id if state.newest else 0
        if self._last_id is not None:
            for event in reversed(state.newest):
                if event.id > self._last_id and event.severity == "error" and not event.type.startswith(
                        TOASTED_ELSEWHERE):
                    self.app.notify(event.summary, title=event.type, severity="error", timeout=10)
        for line in state.failing:
            name = line.split(" ", 3)[2] if line.startswith("notification channel ") else line
            if name not in self._failing:
                self.app.notify(line, title="Notifications", severity="warning", timeout=12)
        self._failing = {line.split(" ", 3)[2] for line in state.failing if line.startswith("notification channel ")}
        self._last_id = max(self._last_id or 0, newest_id)
        changed = (state.unread, state.errors, state.failing) != (self.state.unread, self.state.errors,
                                                                 self.state.failing)
        self.state = state
        if changed:
            self.refresh_headers()

    def read_all(self) -> None:
        """(main thread) The user saw everything: the badge goes at once (the store is told by the screen)."""
        self.state = NotifyState(0, 0, self.state.failing, self.state.newest)
        self.refresh_headers()

    def refresh_headers(self) -> None:
        from textual.app import App

        self.app.mutate_reactive(App.title)

    def badge(self) -> str:
        """``✉ 3`` (``✉ 3!`` with errors among them, ``✉ !`` for a failing channel); empty when all is read."""
        s = self.state
        alarm = "!" if s.errors or s.failing else ""
        if not s.unread:
            return f"✉ {alarm}" if alarm else ""
        return f"✉ {s.unread if s.unread < 1000 else '999+'}{alarm}"
