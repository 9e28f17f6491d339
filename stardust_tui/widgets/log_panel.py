"""Live delivery log: a bounded log with a level filter and a follow mode.

The log follows new lines until the *user* scrolls up (keys, wheel); only then do new lines count up
("N new lines · End to follow"). Scrolling back down to the last line, or ``End`` (the screen binds it
too, so it works from anywhere), follows again. Lines written while following never pause it, however
fast they come: the panel does not guess from the scroll position, which lags behind writes. The panel
keeps at most ``max_events`` events; filtering re-renders from that buffer.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import Log, Static

from stardust_tui.services.logtail import LEVELS, format_event, level_at_least


class EventLog(Log):
    """The log lines; scrolling up pauses following, End (or reaching the bottom again) resumes it."""

    BINDINGS = [Binding("end", "follow", "Follow", id="log-follow", tooltip="Jump to the newest line and follow")]

    @property
    def panel(self) -> LogPanel:
        return self.query_ancestor(LogPanel)

    def action_follow(self) -> None:
        self.panel.follow = True

    def _scrolled_up(self) -> None:
        if self.max_scroll_y > 0:
            self.panel.follow = False

    def _scrolled_down(self) -> None:
        self.call_after_refresh(self._resume_at_bottom)

    def _resume_at_bottom(self) -> None:
        if not self.panel.follow and self.scroll_y >= self.max_scroll_y - 1:
            self.panel.follow = True

    def action_scroll_up(self) -> None:
        super().action_scroll_up()
        self._scrolled_up()

    def action_page_up(self) -> None:
        super().action_page_up()
        self._scrolled_up()

    def action_scroll_home(self) -> None:
        super().action_scroll_home()
        self._scrolled_up()

    def action_scroll_down(self) -> None:
        super().action_scroll_down()
        self._scrolled_down()

    def action_page_down(self) -> None:
        super().action_page_down()
        self._scrolled_down()

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self._scrolled_up()

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self._scrolled_down()


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
        self._update_indicator()

    @property
    def log_widget(self) -> EventLog:
        return self.query_one(EventLog)

    def add_events(self, events: list[dict[str, Any]]) -> None:
        self.events.extend(events)
        shown = [format_event(e) for e in events if level_at_least(e, self.min_level)]
        if not shown:
            return
        log = self.log_widget
        log.write_lines(shown, scroll_end=False)
        if self.follow:  # after the refresh that applies the new height (Log's own check lags behind)
            log.scroll_end(animate=False, x_axis=False)
        else:
            self.new_lines += len(shown)
        self._update_indicator()

    def reset(self, events: list[dict[str, Any]]) -> None:
        """Replace the buffer (e.g. with the app's copy after the screen was away) and follow again."""
        self.events.clear()
        self.events.extend(events)
        self._rewrite()
        self.follow = True
        self._update_indicator()

    def _rewrite(self) -> None:
        log = self.log_widget
        log.clear()
        log.write_lines([format_event(e) for e in self.events if level_at_least(e, self.min_level)],
                        scroll_end=False)
        log.scroll_end(animate=False, x_axis=False)

    def watch_follow(self, follow: bool) -> None:
        if follow:
            self.new_lines = 0
            if self.is_mounted:
                self.log_widget.scroll_end(animate=False, x_axis=False)
        self._update_indicator()

    def watch_min_level(self) -> None:
        if not self.is_mounted:
            return
        self._rewrite()
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
