"""Which delivery workers are running: ``stardust worker`` daemons and TUI sessions, on every host.

Rows come from ``WorkersService.list`` (heartbeats) in a thread worker, every two seconds while the
screen is shown: kind, host, process id, slots, deliveries it holds now, when it started and was last
seen. A worker not seen for 30 s is stale (stopped or unreachable); its deliveries are taken over when
their leases expire. The first line says how this session delivers (its own workers, a daemon, or none).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from stardust_tui.commands import ScreenCommands
from stardust_tui.screens.tool_base import ToolScreen
from stardust_tui.services.workers import WorkerRow
from stardust_tui.widgets.styling import plain

REFRESH_S = 2.0
MODES = {"in-process": "this session runs its own delivery workers",
         "daemon": "this session leaves deliveries to a `stardust worker` daemon",
         "off": "this session runs no delivery workers"}


def _ago(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s ago"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min ago"
    return f"{seconds / 3600:.1f} h ago"


class WorkersScreen(ToolScreen):
    """Live and stale delivery workers from their heartbeats."""

    TITLE = "Workers"
    COMMANDS = {ScreenCommands}
    BINDINGS = [
        Binding("escape", "back", "Back", id="workers-back", tooltip="Back to the previous screen"),
        Binding("r", "refresh", "Refresh", id="workers-refresh", tooltip="Read the heartbeats again now"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="workers-head", classes="tool-head")
        table: DataTable = DataTable(id="workers", cursor_type="row", zebra_stripes=True)
        for label, width in (("Kind", 18), ("Host", 18), ("PID", 7), ("Slots", 5), ("Busy", 4), ("State", 6),
                             ("Last seen", 11), ("Started", 16), ("Worker id", 40)):
            table.add_column(label, key=label, width=width)
        yield table
        yield Static("A daemon (`stardust worker`) keeps deliveries going when this session ends. Stale: not seen "
                     "for 30 s (stopped or unreachable); its deliveries are taken over when their leases expire.",
                     id="workers-note", classes="tool-note", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#workers", DataTable).focus()
        self.set_interval(REFRESH_S, self._tick)
        self.load()

    def _tick(self) -> None:
        if self.app.screen is self:
            self.load()

    @work(thread=True, exclusive=True, group="workers", exit_on_error=False)
    def load(self) -> None:
        rows = self.app.services.workers.list()
        self.app.call_from_thread(self.show, rows)

    def show(self, rows: list[WorkerRow]) -> None:
        alive = [r for r in rows if r.alive]
        daemons = sum(r.kind == "daemon" for r in alive)
        mode = getattr(self.app, "worker_mode", "off")
        head = Text(f"{len(alive)} worker(s) alive ({daemons} daemon(s), {len(alive) - daemons} TUI session(s)) · "
                    f"{MODES.get(mode, mode)}")
        if not daemons:
            head.append(" · no daemon: deliveries stop when the last session ends", style="bold")
        self.query_one("#workers-head", Static).update(head)
        table = self.query_one("#workers", DataTable)
        selected = table.cursor_row
        table.clear()
        for r in rows:
            state = Text("alive", style="green") if r.alive else Text("stale", style="red")
            kind = r.label + (" (this)" if r.this_process else "")
            table.add_row(kind, plain(r.host), str(r.pid), str(r.concurrency), str(r.running), state,
                          _ago(r.seen_ago_s), self._when(r.started_at), plain(r.worker_id), key=r.worker_id)
        if rows:
            table.move_cursor(row=min(selected, len(rows) - 1))

    @staticmethod
    def _when(at: Any) -> str:
        return (at.astimezone() if at.tzinfo else at).strftime("%Y-%m-%d %H:%M")

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_refresh(self) -> None:
        self.load()
