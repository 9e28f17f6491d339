"""Deliveries screen: queue and history (state, progress, rate, ETA, attempts), who runs deliveries
(daemon, this session, or nobody: a stopped daemon is flagged), per-target success rate with a 24-hour
sparkline, and the live delivery log.

The table refreshes every second from ``DeliveryService.list`` in a thread worker; the log receives
events from the app, which follows the JSON-lines log file (so a separate ``stardust worker`` shows
up live too). Enter opens a delivery's detail; cancel asks first (the partial upload is removed from
the target); End resumes following the log from anywhere on the screen.
"""

from __future__ import annotations

import time
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from stardust_tui.commands import ScreenCommands
from stardust_tui.screens.base import StardustScreen
from stardust_tui.screens.row_keys import int_key
from stardust_tui.widgets.confirm import ConfirmModal
from stardust_tui.widgets.log_panel import LogPanel
from stardust_tui.widgets.row_table import RowTable
from stardust_tui.widgets.styling import plain, state_text
from stardust_tui.widgets.transfer_rate import RateMeter, eta_text, progress_text, size_text

BARS = "▁▂▃▄▅▆▇█"
REFRESH_S = 1.0
COLUMNS = (("#", 4), ("Release", 16), ("Target", 14), ("State", 10), ("Try", 4), ("Progress", 19), ("Rate", 10),
           ("ETA", 7), ("Type", 8), ("Error", 24))
CANCELLABLE = {"queued", "running", "retry-wait"}


def sparkline(values: list[float]) -> str:
    """Unicode bars scaled to the largest value."""
    top = max(values, default=0) or 1
    return "".join(BARS[round(v / top * (len(BARS) - 1))] for v in values)


class DeliveriesScreen(StardustScreen):
    """What is queued, running and done, who runs it, and the live log of the delivery workers."""

    TITLE = "Deliveries"
    SUB_TITLE = "1 Catalog · 2 Targets"
    COMMANDS = {ScreenCommands}
    BINDINGS = [
        Binding("enter", "open", "Open", id="deliveries-open", tooltip="Steps, files, events and ACKs of the delivery"),
        Binding("r", "retry", "Retry", id="deliveries-retry", tooltip="Queue the selected failed delivery again"),
        Binding("x", "cancel", "Cancel", id="deliveries-cancel", tooltip="Cancel the selected delivery (asks first)"),
        Binding("a", "again", "Again", id="deliveries-again",
                tooltip="Retry, or send a delivered release again as an update"),
        Binding("w", "run_workers", "Run workers here", id="deliveries-workers",
                tooltip="Run queued deliveries in this session (no daemon is running them)"),
        Binding("end", "follow_log", "Follow log", id="deliveries-follow", priority=True, show=False,
                tooltip="Jump to the newest log line and follow (from anywhere on this screen)"),
        Binding("l", "level", "Log level", id="deliveries-level", tooltip="Cycle the log's minimum level",
                show=False),
        Binding("g", "focus_log", "Log", id="deliveries-log", tooltip="Move focus to the live log", show=False),
        Binding("ctrl+r", "refresh", "Refresh", id="deliveries-refresh", tooltip="Reload the queue now",
                show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rates = RateMeter()
        self.rows: dict[int, Any] = {}
        self._resumed = False
        self._can_run_workers: bool | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Workers: checking…", id="worker-status", classes="status-line", markup=False)
        table = RowTable(id="deliveries")
        for label, width in COLUMNS:
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
        self.workers_changed()

    def on_screen_resume(self) -> None:
        """Events kept arriving while another screen was shown: catch up from the app's buffer."""
        if self._resumed:
            self.query_one(LogPanel).reset(list(self.app.log_events))
            self.workers_changed()
        self._resumed = True

    def add_events(self, events: list[dict[str, Any]]) -> None:
        """New delivery log events (called by the app as it follows the log file)."""
        if self.is_mounted:
            self.query_one(LogPanel).add_events(events)

    def workers_changed(self) -> None:
        """The app learnt who runs deliveries (called by the app after each heartbeat check)."""
        if not self.is_mounted:
            return
        text, warning = self.app.worker_watch.describe()
        line = self.query_one("#worker-status", Static)
        line.update(text)
        line.set_class(warning, "-warning")
        can_run = self.check_action("run_workers", ())
        if can_run != self._can_run_workers:  # only then: the footer is rebuilt on each refresh
            self._can_run_workers = can_run
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "run_workers":
            runner = self.app.runner
            return runner is None or runner.stopping
        return True

    # -- refreshing ------------------------------------------------------------------------------
    def theme_changed(self) -> None:
        """The state colours come from the theme: draw the rows again."""
        self.load()

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
        self.rows = {d.id: d for d in rows}
        self.rates.keep_only({d.id for d in rows if d.state == "running"})
        table.clear()
        for d in rows:
            table.add_row(str(d.id), plain(d.release_title), plain(d.target), state_text(self.app, "delivery", d.state),
                          f"{d.attempts}/{d.max_attempts}", *self._progress(d, now), plain(d.message_type),
                          plain(d.last_error), key=str(d.id))
        if selected is not None and str(selected) in table.rows:
            table.move_cursor(row=table.get_row_index(str(selected)))
        board = self.query_one("#target-metrics", DataTable)
        board.clear()
        for m in metrics:
            rate = "—" if m.success_rate is None else f"{100 * m.success_rate:.0f}"
            board.add_row(plain(m.target), rate, str(m.succeeded), str(m.queued + m.running), plain(m.circuit),
                          sparkline(activity.get(m.target, [0.0] * 24)))
        self.workers_changed()

    def _progress(self, d: Any, now: float) -> tuple[str, str, str]:
        """(progress, rate, time left) cells: the rate from how the stored byte count moved over time."""
        progress = progress_text(d.bytes_done, d.bytes_total)
        if d.state != "running" or not d.bytes_total:
            return progress, "", ""
        rate = self.rates.observe(d.id, d.bytes_done, now)
        if not rate:
            return progress, "", ""
        return progress, f"{size_text(rate)}/s", eta_text(max(0, d.bytes_total - d.bytes_done) / rate)

    def selected_id(self) -> int | None:
        table = self.query_one("#deliveries", DataTable)
        if table.row_count == 0:
            return None
        return int_key(table.coordinate_to_cell_key(table.cursor_coordinate).row_key)

    # -- actions ---------------------------------------------------------------------------------
    def action_open(self) -> None:
        delivery_id = self.selected_id()
        if delivery_id is not None:
            self.app.open_delivery(delivery_id)

    @on(DataTable.RowSelected, "#deliveries")
    def _row_selected(self) -> None:
        self.action_open()

    def action_retry(self) -> None:
        delivery_id = self.selected_id()
        if delivery_id is not None:
            self.run_action_job("retry", delivery_id)

    def action_again(self) -> None:
        delivery_id = self.selected_id()
        if delivery_id is not None:
            self.run_action_job("again", delivery_id)

    def action_cancel(self) -> None:
        delivery_id = self.selected_id()
        d = self.rows.get(delivery_id) if delivery_id is not None else None
        if d is None:
            return
        if d.state not in CANCELLABLE:
            self.notify(f"Delivery {d.id} is {d.state}: nothing to cancel", severity="warning")
            return
        running = " The file being uploaded is removed from the target." if d.state == "running" else ""

        def answered(ok: bool | None) -> None:
            if ok:
                self.run_action_job("cancel", d.id)

        self.app.push_screen(ConfirmModal(f"Cancel delivery {d.id} of “{d.release_title}” to {d.target} "
                                          f"({d.message_type}, {d.state})?{running}",
                                          yes="Cancel delivery", no="Keep it", danger=True), answered)

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

    def action_run_workers(self) -> None:
        self.app.start_in_process_workers(force=True)
        self.notify("Deliveries now run in this session (until you quit)", title="Workers")

    def action_follow_log(self) -> None:
        self.query_one(LogPanel).follow = True

    def action_level(self) -> None:
        self.query_one(LogPanel).cycle_level()

    def action_focus_log(self) -> None:
        self.query_one("#event-log").focus()
