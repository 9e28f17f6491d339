"""Deliveries screen: queue and history (state, progress, rate, ETA, attempts), per-target success rate
with a 24-hour sparkline, and the live delivery log.

The table refreshes every second from ``DeliveryService.list`` in a thread worker; the log receives
events from the app, which follows the JSON-lines log file (so a separate ``stardust worker`` shows
up live too).
"""

from __future__ import annotations

import time
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header

from stardust_tui.commands import ScreenCommands
from stardust_tui.screens.base import StardustScreen
from stardust_tui.widgets.log_panel import LogPanel
from stardust_tui.widgets.styling import plain, state_text

BARS = "▁▂▃▄▅▆▇█"
REFRESH_S = 1.0


def sparkline(values: list[float]) -> str:
    """Unicode bars scaled to the largest value."""
    top = max(values, default=0) or 1
    return "".join(BARS[round(v / top * (len(BARS) - 1))] for v in values)


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"


class DeliveriesScreen(StardustScreen):
    """What is queued, running and done, and the live log of the delivery workers."""

    TITLE = "Deliveries"
    COMMANDS = {ScreenCommands}
    BINDINGS = [
        Binding("r", "retry", "Retry", id="deliveries-retry", tooltip="Queue the selected failed delivery again"),
        Binding("x", "cancel", "Cancel", id="deliveries-cancel", tooltip="Cancel the selected delivery"),
        Binding("a", "again", "Deliver again", id="deliveries-again",
                tooltip="Retry, or send a delivered release again as an update"),
        Binding("l", "level", "Log level", id="deliveries-level", tooltip="Cycle the log's minimum level"),
        Binding("g", "focus_log", "Log", id="deliveries-log", tooltip="Move focus to the live log"),
        Binding("ctrl+r", "refresh", "Refresh", id="deliveries-refresh", tooltip="Reload the queue now"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._samples: dict[int, tuple[float, int]] = {}
        self._rates: dict[int, float] = {}
        self._resumed = False

    def compose(self) -> ComposeResult:
        yield Header()
        table: DataTable = DataTable(id="deliveries", cursor_type="row")
        for label, width in (("#", 4), ("Release", 18), ("Target", 13), ("State", 10), ("Try", 4),
                             ("Progress", 22), ("Type", 7), ("Error", 24)):
            table.add_column(label, key=label, width=width)
        yield table
        metrics: DataTable = DataTable(id="target-metrics", cursor_type="none", show_cursor=False)
        for label, width in (("Target", 14), ("OK %", 5), ("Done", 5), ("Queue", 5), ("Circuit", 9),
                             ("Last 24 h", 24)):
            metrics.add_column(label, key=label, width=width)
        yield metrics
        yield LogPanel(id="log-panel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(LogPanel).add_events(list(self.app.log_events))
        self.set_interval(REFRESH_S, self.action_refresh)
        self.action_refresh()

    def on_screen_resume(self) -> None:
        """Events kept arriving while another screen was shown: catch up from the app's buffer."""
        if self._resumed:
            self.query_one(LogPanel).reset(list(self.app.log_events))
        self._resumed = True

    def add_events(self, events: list[dict[str, Any]]) -> None:
        """New delivery log events (called by the app as it follows the log file)."""
        if self.is_mounted:
            self.query_one(LogPanel).add_events(events)

    # -- refreshing ------------------------------------------------------------------------------
    def action_refresh(self) -> None:
        if self.app.screen is self:
            self.load()

    @work(thread=True, exclusive=True, group="deliveries", exit_on_error=False)
    def load(self) -> None:
        service = self.app.services.deliveries
        rows, metrics, activity = service.list(limit=200), service.metrics(), service.activity()
        self.app.call_from_thread(self.show, rows, metrics, activity)

    def show(self, rows: list[Any], metrics: list[Any], activity: dict[str, list[float]]) -> None:
        table = self.query_one("#deliveries", DataTable)
        selected = self.selected_id()
        now = time.monotonic()
        table.clear()
        for d in rows:
            table.add_row(str(d.id), plain(d.release_title), plain(d.target), state_text(self.app, "delivery", d.state),
                          f"{d.attempts}/{d.max_attempts}", plain(self._progress(d, now)), plain(d.message_type),
                          plain(d.last_error), key=str(d.id))
        if selected is not None and str(selected) in table.rows:
            table.move_cursor(row=table.get_row_index(str(selected)))
        board = self.query_one("#target-metrics", DataTable)
        board.clear()
        for m in metrics:
            rate = "—" if m.success_rate is None else f"{100 * m.success_rate:.0f}"
            board.add_row(plain(m.target), rate, str(m.succeeded), str(m.queued + m.running), plain(m.circuit),
                          sparkline(activity.get(m.target, [0.0] * 24)))

    def _progress(self, d: Any, now: float) -> str:
        if not d.bytes_total:
            return ""
        text = f"{_size(d.bytes_done)}/{_size(d.bytes_total)}"
        if d.state == "running":
            last = self._samples.get(d.id)
            if last is not None and now > last[0] and d.bytes_done > last[1]:
                self._rates[d.id] = (d.bytes_done - last[1]) / (now - last[0])
            self._samples[d.id] = (now, d.bytes_done)
            rate = self._rates.get(d.id)
            if rate:
                text += f" {_size(rate)}/s ETA {max(0, d.bytes_total - d.bytes_done) / rate:.0f}s"
        return text

    def selected_id(self) -> int | None:
        table = self.query_one("#deliveries", DataTable)
        if table.row_count == 0:
            return None
        return int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    # -- actions ---------------------------------------------------------------------------------
    def action_retry(self) -> None:
        self._act("retry")

    def action_cancel(self) -> None:
        self._act("cancel")

    def action_again(self) -> None:
        self._act("again")

    def _act(self, what: str) -> None:
        delivery_id = self.selected_id()
        if delivery_id is not None:
            self.run_action_job(what, delivery_id)

    @work(thread=True, group="deliveries-action", exit_on_error=False)
    def run_action_job(self, what: str, delivery_id: int) -> None:
        service = self.app.services.deliveries
        if what == "retry":
            service.retry(delivery_id)
            note = f"Delivery {delivery_id} queued again"
        elif what == "cancel":
            service.cancel(delivery_id)
            note = f"Delivery {delivery_id} cancelled"
        else:
            new_id = service.deliver_again(delivery_id)
            note = f"Delivery {new_id} queued"
        self.app.call_from_thread(self.notify, note)
        self.app.call_from_thread(self.load)

    def action_level(self) -> None:
        self.query_one(LogPanel).cycle_level()

    def action_focus_log(self) -> None:
        self.query_one("#event-log").focus()

    @on(DataTable.RowSelected, "#deliveries")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.query_one("#event-log").focus()
