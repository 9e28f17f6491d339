"""The Health screen: ``stardust doctor`` in the workstation.

The checks run in a thread worker through ``services.doctor.run`` (in parallel, each with a timeout); each row
appears as soon as its check answers: state (``✓ pass``, ``! warn``, ``✗ fail``, ``– skip``: readable without
colour), section, check, what was found. The highlighted row's whole text and its fix are shown below the
table. ``r`` runs the checks again, ``p`` switches the target probes (connect, write, remove) on or off.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from stardust_tui.commands import ScreenCommands
from stardust_tui.doctor.model import Check
from stardust_tui.errors import StardustError
from stardust_tui.screens.tool_base import ToolScreen
from stardust_tui.widgets.styling import plain

MARKS = {"pass": ("✓ pass", "green"), "warn": ("! warn", "yellow"), "fail": ("✗ fail", "red bold"),
         "skip": ("– skip", "dim")}


class HealthScreen(ToolScreen):
    """Every doctor check of this installation, one row each."""

    TITLE = "Health"
    COMMANDS = {ScreenCommands}
    BINDINGS = [
        Binding("escape", "back", "Back", id="health-back", tooltip="Back to the previous screen"),
        Binding("r", "rerun", "Run again", id="health-rerun", tooltip="Run every check again"),
        Binding("p", "toggle_probes", "Probes", id="health-probes",
                tooltip="Connect to the delivery targets (write and remove a probe file) or leave them alone"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.checks: list[Check] = []
        self.probes = True
        self.running = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Checking…", id="health-head", classes="tool-head")
        table: DataTable = DataTable(id="health", cursor_type="row", zebra_stripes=True)
        for label, width in (("State", 6), ("Section", 13), ("Check", 24), ("Found", 200)):
            table.add_column(label, key=label, width=width)
        yield table
        yield Static("", id="health-note", classes="tool-note", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#health", DataTable).focus()
        self.action_rerun()

    def action_rerun(self) -> None:
        if self.running:
            self.notify("the checks are still running", severity="warning")
            return
        self.running = True
        self.checks = []
        self.query_one("#health", DataTable).clear()
        probes = "with target probes" if self.probes else "without target probes"
        self.query_one("#health-head", Static).update(plain(f"Checking this installation ({probes})…"))
        self.run_checks(self.probes)

    def action_toggle_probes(self) -> None:
        self.probes = not self.probes
        self.notify(f"target probes {'on' if self.probes else 'off'}: r runs the checks again")

    @work(thread=True, exclusive=True, group="health", exit_on_error=False)
    def run_checks(self, probes: bool) -> None:
        try:
            report = self.app.services.doctor.run(probe=probes,
                                                  on_check=lambda c: self.app.call_from_thread(self.add, c))
        except StardustError as exc:  # refused (a role without delivery.read) or the store cannot be used
            self.app.call_from_thread(self.could_not_run, str(exc))
            return
        finally:
            self.app.call_from_thread(setattr, self, "running", False)
        self.app.call_from_thread(self.finished, report.counts(), report.seconds)

    def add(self, check: Check) -> None:
        self.checks.append(check)
        mark, style = MARKS.get(check.state, (check.state, ""))
        self.query_one("#health", DataTable).add_row(Text(mark, style=style), plain(check.section),
                                                     plain(check.name), plain(check.what),
                                                     key=str(len(self.checks) - 1))
        if len(self.checks) == 1:
            self._show(0)

    def could_not_run(self, why: str) -> None:
        self.query_one("#health-head", Static).update(plain(f"The checks could not run: {why}   (r: try again)"))

    def finished(self, counts: dict[str, int], seconds: float) -> None:
        head = (f"{counts['fail']} failed · {counts['warn']} warning(s) · {counts['pass']} passed · "
                f"{counts['skip']} skipped · {seconds:.1f} s   (r: run again · p: target probes "
                f"{'on' if self.probes else 'off'})")
        self.query_one("#health-head", Static).update(plain(head))
        first_bad = next((i for i, c in enumerate(self.checks) if c.state == "fail"),
                         next((i for i, c in enumerate(self.checks) if c.state == "warn"), None))
        if first_bad is not None:
            self.query_one("#health", DataTable).move_cursor(row=first_bad)

    @on(DataTable.RowHighlighted, "#health")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value is not None:
            self._show(int(event.row_key.value))

    def _show(self, index: int) -> None:
        if 0 <= index < len(self.checks):
            c = self.checks[index]
            fix = f"\nFix: {c.fix}" if c.fix and c.state in ("warn", "fail") else ""
            self.query_one("#health-note", Static).update(plain(f"{c.section}/{c.name} ({c.state}, {c.seconds:.2f} s): "
                                                                f"{c.what}{fix}"))

    def action_back(self) -> None:
        self.app.pop_screen()
