"""Live delivery log: a bounded log with a level filter and a follow mode.

Scrolling up pauses following; new lines are then counted ("N new lines · End to follow") and End
resumes. The panel keeps at most ``max_events`` events; filtering re-renders from that buffer.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import Log, Static

from stardust_tui.services.logtail import LEVELS, format_event, level_at_least


class EventLog(Log):
    """The log lines; End resumes following (the panel reacts to ``follow`` changes)."""

    BINDINGS = [Binding("end", "follow", "Follow", id="log-follow", tooltip="Jump to the newest line and follow")]

    def action_follow(self) -> None:
        panel = self.query_ancestor(LogPanel)
        panel.follow = True


class LogPanel(Vertical):
    """Delivery events as log lines, filtered by minimum level, bounded, with follow/pause."""

    follow: reactive[bool] = reactive(True)
    """Whether new lines scroll the log to the end (off while the user reads older lines)."""
    min_level: reactive[str] = reactive("info")
    """The lowest level shown (debug, info, warning, error)."""

    def __init__(self, *, max_events: int = 5000, id: str | None = None) -> None:
        super().__init__(id=id)
        self.max_events = max_events
        self.events: deque[dict[str, Any]] = deque(maxlen=max_events)
        self.new_lines = 0

    def compose(self) -> ComposeResult:
        yield EventLog(max_lines=self.max_events, auto_scroll=False, id="event-log")
        yield Static("", id="log-indicator", classes="status-line", markup=False)

    def on_mount(self) -> None:
        self.set_interval(0.5, self._check_scrolled)
        self._update_indicator()

    @property
    def log_widget(self) -> EventLog:
        return self.query_one(EventLog)

    def add_events(self, events: list[dict[str, Any]]) -> None:
        self.events.extend(events)
        shown = [format_event(e) for e in events if level_at_least(e, self.min_level)]
        if not shown:
            return
        self._check_scrolled()
        self.log_widget.write_lines(shown, scroll_end=self.follow)
        if not self.follow:
            self.new_lines += len(shown)
        self._update_indicator()

    def reset(self, events: list[dict[str, Any]]) -> None:
        """Replace the buffer (e.g. with the app's copy after the screen was away) and follow again."""
        self.events.clear()
        self.events.extend(events)
        self.log_widget.clear()
        self.log_widget.write_lines([format_event(e) for e in self.events if level_at_least(e, self.min_level)],
                                    scroll_end=True)
        self.follow = True
        self._update_indicator()

    def _check_scrolled(self) -> None:
        log = self.log_widget
        if self.follow and log.max_scroll_y > 0 and log.scroll_y < log.max_scroll_y - 1:
            self.follow = False

    def watch_follow(self, follow: bool) -> None:
        if follow:
            self.new_lines = 0
            if self.is_mounted:
                self.log_widget.scroll_end(animate=False, immediate=True)
        self._update_indicator()

    def watch_min_level(self) -> None:
        if not self.is_mounted:
            return
        log = self.log_widget
        log.clear()
        log.write_lines([format_event(e) for e in self.events if level_at_least(e, self.min_level)],
                        scroll_end=True)
        self.follow = True
        self._update_indicator()

    def cycle_level(self) -> None:
        self.min_level = LEVELS[(LEVELS.index(self.min_level) + 1) % len(LEVELS)]

    def _update_indicator(self) -> None:
        if not self.is_mounted:
            return
        mode = "following" if self.follow else f"paused · {self.new_lines} new lines · End to follow"
        self.query_one("#log-indicator", Static).update(f"level ≥ {self.min_level} (l) · {mode}")
        self.set_class(not self.follow, "-paused")
