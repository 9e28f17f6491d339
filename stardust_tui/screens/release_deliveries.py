"""A release's deliveries: where it stands at every target (with the DSP's ACK text) and its delivery history.

The upper table has one row per target: never sent, delivered, acknowledged OK, ACK pending, ACK error
(with what the DSP wrote and the action it proposes), taken down. The lower table lists the release's
deliveries, newest first; Enter opens one (steps, files, hashes, events, the message sent). ``s`` opens
the deliver dialog for the highlighted target, ``a`` reads that target's ACK folder now. Data comes from
``DeliveryHistoryService.for_release`` in a thread worker, again whenever delivery events arrive.
"""

from __future__ import annotations

import asyncio
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from stardust_tui.commands import ScreenCommands
from stardust_tui.screens.row_keys import int_key
from stardust_tui.screens.tool_base import ToolScreen
from stardust_tui.services.delivery_history import AtTarget, ReleaseDeliveries
from stardust_tui.widgets.styling import plain, state_text

AT_TARGET = {None: "never sent", "delivered": "delivered", "ack-ok": "ACK OK", "ack-pending": "ACK pending",
             "ack-error": "ACK error", "taken-down": "taken down"}


def when(at: Any) -> str:
    if at is None:
        return ""
    return (at.astimezone() if at.tzinfo else at).strftime("%Y-%m-%d %H:%M")


class ReleaseDeliveriesScreen(ToolScreen):
    """Status per target and delivery history of one release."""

    TITLE = "Release deliveries"
    COMMANDS = {ScreenCommands}
    BINDINGS = [
        Binding("escape", "back", "Back", id="rdeliveries-back", tooltip="Back to the previous screen"),
        Binding("enter,o", "open", "Open", id="rdeliveries-open",
                tooltip="Open the highlighted delivery (steps, files, events, the message sent)"),
        Binding("s", "deliver", "Deliver", id="rdeliveries-deliver",
                tooltip="Send this release to the highlighted target (readiness first)"),
        Binding("a", "read_acks", "Read ACKs", id="rdeliveries-acks",
                tooltip="Read the highlighted target's ACK folder now"),
        Binding("tab", "switch", "Targets/deliveries", id="rdeliveries-switch",
                tooltip="Move between the two tables"),
    ]

    def __init__(self, release_id: int) -> None:
        super().__init__()
        self.release_id = release_id
        self.data: ReleaseDeliveries | None = None
        self._busy_acks: set[int] = set()
        self._reload_pending = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="rd-head", classes="tool-head")
        yield Static("At each target", classes="tool-section")
        targets: DataTable = DataTable(id="rd-targets", cursor_type="row")
        for label, width in (("Target", 14), ("Status", 11), ("Since", 16), ("#", 5), ("DSP says", 36),
                             ("Profile", 12)):
            targets.add_column(label, key=label, width=width)
        yield targets
        yield Static("", id="rd-target-detail", classes="tool-note")
        yield Static("Deliveries, newest first", classes="tool-section")
        table: DataTable = DataTable(id="rd-deliveries", cursor_type="row", zebra_stripes=True)
        for label, width in (("#", 5), ("Target", 14), ("Type", 8), ("State", 10), ("Try", 5), ("Queued", 16),
                             ("Finished", 16), ("Error", 30)):
            table.add_column(label, key=label, width=width)
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#rd-targets", DataTable).focus()
        self.load()

    def on_screen_resume(self) -> None:
        if self.data is not None:
            self.load()

    def add_events(self, events: list[dict[str, Any]]) -> None:
        """Delivery log events arrived (the app follows the log): reload once, shortly after."""
        if self.is_mounted and not self._reload_pending:
            self._reload_pending = True
            self.set_timer(0.5, self._reload_after_events)

    def _reload_after_events(self) -> None:
        self._reload_pending = False
        if self.app.screen is self:
            self.load()

    # -- loading -----------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="release-deliveries", exit_on_error=False)
    def load(self) -> None:
        data = self.app.services.delivery_history.for_release(self.release_id)
        self.app.call_from_thread(self.show, data)

    def show(self, data: ReleaseDeliveries) -> None:
        self.data = data
        head = data.release
        text = Text()
        text.append(f"“{head.title}”", style="bold")
        text.append(f" by {head.display_artist}" if head.display_artist else "")
        text.append(f" · UPC {head.upc}" if head.upc else " · no UPC")
        text.append(f" · {head.status} · {len(data.deliveries)} delivery(ies)")
        self.query_one("#rd-head", Static).update(text)
        targets = self.query_one("#rd-targets", DataTable)
        keep = self.selected_target()
        targets.clear()
        for t in data.targets:
            says = t.last_ack.error_text or t.detail if t.last_ack else t.detail
            name = Text(t.target) if t.enabled else Text(f"{t.target} (off)", style="dim")
            targets.add_row(name, self._status(t.status), when(t.updated_at), str(t.delivery_id or ""),
                            plain(says or ""), plain(t.profile), key=str(t.target_id))
        if keep is not None and str(keep.target_id) in targets.rows:
            targets.move_cursor(row=targets.get_row_index(str(keep.target_id)))
        table = self.query_one("#rd-deliveries", DataTable)
        selected = self.selected_delivery()
        table.clear()
        for d in data.deliveries:
            table.add_row(str(d.id), plain(d.target), d.message_type, state_text(self.app, "delivery", d.state),
                          f"{d.attempts}/{d.max_attempts}", when(d.created_at), when(d.finished_at),
                          plain(d.last_error or ""), key=str(d.id))
        if selected is not None and str(selected) in table.rows:
            table.move_cursor(row=table.get_row_index(str(selected)))
        self._show_target_detail()
        self.refresh_bindings()

    def _status(self, status: str | None) -> Text:
        word = AT_TARGET.get(status, status or "")
        colour = {"ack-ok": "green", "ack-error": "red", "taken-down": "red", "ack-pending": "yellow"}.get(status or "")
        return Text(word, style=colour or ("dim" if status is None else ""))

    def _show_target_detail(self) -> None:
        t = self.selected_target()
        detail = self.query_one("#rd-target-detail", Static)
        if t is None:
            detail.update(plain("No delivery target yet: add one on the Targets screen (2)."))
            return
        text = Text(f"{t.target}: ", style="bold")
        text.append(AT_TARGET.get(t.status, t.status or ""))
        if t.message_id:
            text.append(f" · message {t.message_id}")
        if t.last_ack is not None:
            a = t.last_ack
            text.append(f"\nACK {when(a.received_at)} {a.file_status or '?'}")
            if a.error_text:
                text.append(": ")
                text.append(a.error_text)
        elif t.detail:
            text.append(f"\n{t.detail}")
        if t.resend_hint:
            text.append(f"\n→ {t.resend_hint} (s)")
        if t.ack_folder is None:
            text.append(f" · {t.profile} reads no ACKs", style="dim")
        detail.update(text)

    def selected_target(self) -> AtTarget | None:
        table = self.query_one("#rd-targets", DataTable)
        if self.data is None or table.row_count == 0 or not self.data.targets:
            return None
        return self.data.targets[min(table.cursor_row, len(self.data.targets) - 1)]

    def selected_delivery(self) -> int | None:
        table = self.query_one("#rd-deliveries", DataTable)
        if table.row_count == 0:
            return None
        return int_key(table.coordinate_to_cell_key(table.cursor_coordinate).row_key)

    # -- events and actions ------------------------------------------------------------------------
    @on(DataTable.RowHighlighted, "#rd-targets")
    def _target_moved(self) -> None:
        self._show_target_detail()
        self.refresh_bindings()

    @on(DataTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_open()

    def _focused_delivery(self) -> int | None:
        """The delivery Enter opens: the highlighted one, or the one behind the highlighted target's status."""
        if self.query_one("#rd-deliveries", DataTable).has_focus:
            return self.selected_delivery()
        t = self.selected_target()
        return t.delivery_id if t is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open":
            return self._focused_delivery() is not None
        if action == "deliver":
            t = self.selected_target()
            return t is not None and t.enabled
        if action == "read_acks":
            t = self.selected_target()
            return t is not None and t.ack_folder is not None and t.target_id not in self._busy_acks
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_switch(self) -> None:
        targets, table = self.query_one("#rd-targets", DataTable), self.query_one("#rd-deliveries", DataTable)
        (table if targets.has_focus else targets).focus()
        self.refresh_bindings()

    def action_open(self) -> None:
        delivery_id = self._focused_delivery()
        if delivery_id is not None:
            self.app.open_delivery(delivery_id)

    def action_deliver(self) -> None:
        t = self.selected_target()
        if t is not None and t.enabled:
            wanted = "update" if t.resend_hint else None
            self.app.open_deliver(self.release_id, target_id=t.target_id, message_type=wanted)

    def action_read_acks(self) -> None:
        t = self.selected_target()
        if t is None or t.ack_folder is None or t.target_id in self._busy_acks:
            return
        self._busy_acks.add(t.target_id)
        self.refresh_bindings()
        self.notify(f"Reading ACKs of {t.target}…", title="ACKs")
        self.read_acks(t.target_id, t.target)

    @work(thread=True, group="release-deliveries-acks", exit_on_error=False)
    def read_acks(self, target_id: int, name: str) -> None:
        try:
            folder, new = asyncio.run(self.app.services.targets.poll_acks(target_id))
        finally:
            self.app.call_from_thread(self._acks_read, target_id)
        self.app.call_from_thread(self.notify, f"{name}: {new} new ACK file(s) in {folder}", title="ACKs")

    def _acks_read(self, target_id: int) -> None:
        self._busy_acks.discard(target_id)
        self.load()
