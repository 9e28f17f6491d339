"""Targets screen: delivery targets with their profile and circuit state; add, edit (clearing SSH settings,
pinning the server's host key), enable/disable, reset the circuit, remove one without history, and test
the connection with each probe step shown as it runs."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Log

from stardust_tui.commands import ScreenCommands
from stardust_tui.errors import StardustError
from stardust_tui.screens.base import StardustScreen
from stardust_tui.screens.row_keys import int_key
from stardust_tui.widgets.confirm import ConfirmModal
from stardust_tui.widgets.row_table import RowTable
from stardust_tui.widgets.styling import plain, state_colour
from stardust_tui.widgets.target_form import TargetFormModal

CIRCUIT_KIND = {"closed": "succeeded", "half-open": "retry-wait", "open": "failed"}


class TargetsScreen(StardustScreen):
    """Where releases are delivered to."""

    TITLE = "Targets"
    SUB_TITLE = "1 Catalog · 3 Deliveries"
    COMMANDS = {ScreenCommands}
    BINDINGS = [
        Binding("a", "add", "Add", id="targets-add", tooltip="Add a delivery target"),
        Binding("enter,e", "edit", "Edit", id="targets-edit", tooltip="Edit the selected target"),
        Binding("t", "test", "Test", id="targets-test", tooltip="Test the connection (connect, list, write, remove)"),
        Binding("space", "toggle_enabled", "On/off", id="targets-toggle",
                tooltip="Enable or disable the target"),
        Binding("o", "reset_circuit", "Reset circuit", id="targets-reset",
                tooltip="Close the circuit breaker so deliveries resume", show=False),
        Binding("x,delete", "remove", "Remove", id="targets-remove",
                tooltip="Remove a target that never delivered (disable it otherwise)"),
        Binding("ctrl+r", "refresh", "Refresh", id="targets-refresh", tooltip="Reload the targets", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[int, Any] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        table = RowTable(id="targets")
        for label, width in (("Name", 14), ("URL", 26), ("Profile", 13), ("On", 2), ("Circuit", 10)):
            table.add_column(label, key=label, width=width)
        yield table
        yield Log(id="probe-log", max_lines=200)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#probe-log", Log).border_title = "Connection test"
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    def theme_changed(self) -> None:
        """The circuit colours come from the theme: draw the rows again."""
        self.load()

    def action_refresh(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="targets", exit_on_error=False)
    def load(self) -> None:
        rows = self.app.services.targets.list()
        self.app.call_from_thread(self.show, rows)

    def show(self, rows: list[Any]) -> None:
        table = self.query_one("#targets", DataTable)
        selected = self.selected_id()
        self.rows = {r.id: r for r in rows}
        table.clear()
        for r in rows:
            circuit = r.circuit_state + (f" ({r.consecutive_failures})" if r.consecutive_failures else "")
            colour = state_colour(self.app, "delivery", CIRCUIT_KIND.get(r.circuit_state, ""))
            table.add_row(plain(r.name), plain(r.url), plain(r.profile), "✓" if r.enabled else "✗",
                          Text(circuit, style=colour or ""), key=str(r.id))
        if selected in self.rows:
            table.move_cursor(row=table.get_row_index(str(selected)))

    def selected_id(self) -> int | None:
        table = self.query_one("#targets", DataTable)
        if table.row_count == 0:
            return None
        return int_key(table.coordinate_to_cell_key(table.cursor_coordinate).row_key)

    @on(DataTable.RowSelected, "#targets")
    def _row_selected(self) -> None:
        self.action_edit()

    def action_add(self) -> None:
        self.open_form(None)

    def action_edit(self) -> None:
        target_id = self.selected_id()
        if target_id is not None:
            self.open_form(target_id)

    @work(thread=True, exclusive=True, group="targets-form", exit_on_error=False)
    def open_form(self, target_id: int | None) -> None:
        profiles = self.app.services.targets.profiles()
        current = None
        if target_id is not None:
            r = self.rows[target_id]
            current = {"name": r.name, "url": r.url, "profile": r.profile, "key_file": r.key_file,
                       "known_hosts": r.known_hosts, "host_key": r.host_key, "max_concurrency": r.max_concurrency,
                       "trust_unknown_host": r.trust_unknown_host}

        def done(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.save(target_id, values)

        self.app.call_from_thread(self.app.push_screen, TargetFormModal(profiles, current), done)

    @work(thread=True, group="targets-save", exit_on_error=False)
    def save(self, target_id: int | None, values: dict[str, Any]) -> None:
        """Add or edit. On edit an emptied key file / known_hosts / host key clears it; a pinned key
        replaces accepting unknown keys; an empty password keeps the stored one."""
        targets = self.app.services.targets
        name, password = values.pop("name"), values.pop("password") or None
        concurrency = values.pop("max_concurrency")
        if target_id is None:
            settings = {k: v for k, v in values.items() if v not in (None, "")}
            if concurrency is not None:
                settings["max_concurrency"] = concurrency
            new_id = targets.add(name=name, password=password, **settings).id
        else:
            changes = dict(values)
            if concurrency is not None:
                changes["max_concurrency"] = concurrency
            if values.get("host_key"):
                changes["trust_unknown_host"] = False
            new_id = targets.edit(target_id, rename=name, password=password, **changes).id
        self.app.call_from_thread(self.notify, f"Target {name} saved")
        self.app.call_from_thread(self.load)
        if target_id is None:
            self.app.call_from_thread(self._select, new_id)

    def _select(self, target_id: int) -> None:
        table = self.query_one("#targets", DataTable)
        if str(target_id) in table.rows:
            table.move_cursor(row=table.get_row_index(str(target_id)))

    def action_toggle_enabled(self) -> None:
        target_id = self.selected_id()
        if target_id is not None:
            self.toggle(target_id, not self.rows[target_id].enabled)

    @work(thread=True, group="targets-save", exit_on_error=False)
    def toggle(self, target_id: int, enabled: bool) -> None:
        self.app.services.targets.set_enabled(target_id, enabled)
        self.app.call_from_thread(self.load)

    def action_reset_circuit(self) -> None:
        target_id = self.selected_id()
        if target_id is not None:
            self.reset_circuit(target_id)

    @work(thread=True, group="targets-save", exit_on_error=False)
    def reset_circuit(self, target_id: int) -> None:
        self.app.services.targets.reset_circuit(target_id)
        self.app.call_from_thread(self.load)

    def action_remove(self) -> None:
        target_id = self.selected_id()
        if target_id is None:
            return
        name = self.rows[target_id].name

        def answered(ok: bool | None) -> None:
            if ok:
                self.remove_target(target_id, name)

        self.app.push_screen(ConfirmModal(f"Remove the target “{name}”? Only a target that never delivered can be "
                                          "removed (disable it otherwise).", yes="Remove", danger=True), answered)

    @work(thread=True, group="targets-save", exit_on_error=False)
    def remove_target(self, target_id: int, name: str) -> None:  # not `remove`: that is Widget.remove()
        try:
            self.app.services.targets.remove(target_id)
        except StardustError as exc:
            self.app.call_from_thread(self.notify, f"{name} not removed: {exc}", severity="error", timeout=10)
            return
        self.app.call_from_thread(self.notify, f"Target {name} removed")
        self.app.call_from_thread(self.load)

    def action_test(self) -> None:
        target_id = self.selected_id()
        if target_id is not None:
            self.run_probe(target_id)

    @work(exclusive=True, group="targets-test", exit_on_error=False)
    async def run_probe(self, target_id: int) -> None:
        log = self.query_one("#probe-log", Log)
        log.clear()
        log.write_line(f"Testing {self.rows[target_id].name} …")

        def on_step(step: str, ok: bool, detail: str) -> None:
            log.write_line(f"{'✓' if ok else '✗'} {step}: {detail}")

        passed = await self.app.services.targets.test(target_id, on_step)
        log.write_line("All steps passed." if passed else "Test failed.")
        self.notify("Connection test passed" if passed else "Connection test failed",
                    severity="information" if passed else "error")
