"""One delivery in full: its fields, recorded steps (files, sizes, MD5s, remote paths), every stored event,
the ACKs that answered its message, and the ERN message it sent.

The message is rebuilt on demand (``DeliveryHistoryService.message``: the same release content, batch id
and message id) and checked against the MD5 recorded when it was sent; when it differs (the profile or
sender changed since), ``f`` fetches the file back from the target. ``r`` retries a failed or cancelled
delivery, ``x`` cancels an active one (after asking). Everything blocking runs in thread workers.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane, TextArea

from stardust_tui.commands import ScreenCommands
from stardust_tui.errors import StardustError
from stardust_tui.screens.release_deliveries import when
from stardust_tui.screens.tool_base import ToolScreen
from stardust_tui.services.delivery_history import DeliveryDetail
from stardust_tui.widgets.confirm import ConfirmModal
from stardust_tui.widgets.styling import plain, state_text

ACTIVE = ("queued", "running", "retry-wait")
LEVEL_STYLE = {"error": "red", "warning": "yellow", "debug": "dim"}
STEP_WIDTH = 36


def _tail(text: str, width: int) -> str:
    """``text`` cut from the left to ``width`` characters: a long remote path keeps its file name."""
    if len(text) <= width:
        return text
    head, _, rest = text.partition(" ")
    keep = width - len(head) - 2
    return f"{head} …{rest[-keep:]}" if rest and keep > 8 else "…" + text[-(width - 1):]


def _size(n: int | None) -> str:
    if n is None:
        return ""
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return ""


class DeliveryDetailScreen(ToolScreen):
    """Everything recorded about one delivery, and the message it sent."""

    TITLE = "Delivery"
    COMMANDS = {ScreenCommands}
    BINDINGS = [
        Binding("escape", "back", "Back", id="delivery-back", tooltip="Back to the previous screen"),
        Binding("i", "tab('tab-info')", "Info", id="delivery-info", tooltip="The delivery's fields"),
        Binding("p", "tab('tab-steps')", "Steps", id="delivery-steps", tooltip="Recorded steps, files and MD5s"),
        Binding("e", "tab('tab-events')", "Events", id="delivery-events", tooltip="Every stored log event"),
        Binding("m", "tab('tab-message')", "Message", id="delivery-message",
                tooltip="The ERN message sent (rebuilt and checked against its MD5)"),
        Binding("k", "tab('tab-acks')", "ACKs", id="delivery-acks", tooltip="Acknowledgements of this message"),
        Binding("f", "fetch", "Fetch", id="delivery-fetch", tooltip="Download the message file from the target"),
        Binding("r", "retry", "Retry", id="delivery-retry", tooltip="Queue this failed or cancelled delivery again"),
        Binding("x", "cancel_delivery", "Cancel", id="delivery-cancel", tooltip="Cancel this delivery (asks first)"),
    ]

    def __init__(self, delivery_id: int) -> None:
        super().__init__()
        self.delivery_id = delivery_id
        self.detail: DeliveryDetail | None = None
        self.message: Any = None
        self._message_loading = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="dd-head", classes="tool-head")
        with TabbedContent(id="dd-tabs"):
            with TabPane("Info", id="tab-info"):
                info: DataTable = DataTable(id="dd-info", cursor_type="row", show_header=False)
                info.add_column("Field", key="field", width=16)
                info.add_column("Value", key="value")
                yield info
            with TabPane("Steps", id="tab-steps"):
                steps: DataTable = DataTable(id="dd-steps", cursor_type="row", zebra_stripes=True)
                for label, width in (("#", 3), ("Step", STEP_WIDTH), ("State", 8), ("Size", 9), ("MD5", 32), ("Try", 3),
                                     ("Done", 16)):
                    steps.add_column(label, key=label, width=width)
                yield steps
            with TabPane("Events", id="tab-events"):
                events: DataTable = DataTable(id="dd-events", cursor_type="row")
                for label, width in (("At", 19), ("Level", 7), ("Step", 20), ("Message", 60)):
                    events.add_column(label, key=label, width=width)
                yield events
            with TabPane("Message", id="tab-message"):
                yield Static("", id="dd-message-status", classes="tool-note")
                yield TextArea("", id="dd-message", read_only=True, soft_wrap=False, show_line_numbers=True,
                               classes="-empty")
            with TabPane("ACKs", id="tab-acks"):
                acks: DataTable = DataTable(id="dd-acks", cursor_type="row")
                for label, width in (("Received", 16), ("File", 30), ("Status", 22), ("Action", 20),
                                     ("DSP says", 40)):
                    acks.add_column(label, key=label, width=width)
                yield acks
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    # -- loading -----------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="delivery-detail", exit_on_error=False)
    def load(self) -> None:
        detail = self.app.services.delivery_history.detail(self.delivery_id)
        self.app.call_from_thread(self.show, detail)

    def show(self, detail: DeliveryDetail) -> None:
        self.detail = detail
        f, head = detail.fields, detail.release
        text = Text(f"Delivery {detail.id} · {f.get('message_type', '')} of ")
        text.append(f"“{head.title}”", style="bold")
        text.append(f" to {f.get('target', '?')} · ")
        text.append_text(state_text(self.app, "delivery", str(f.get("state", ""))))
        text.append(f" · attempt {f.get('attempts', 0)}/{f.get('max_attempts', 0)}")
        self.query_one("#dd-head", Static).update(text)
        info = self.query_one("#dd-info", DataTable)
        info.clear()
        for key, value in f.items():
            shown = when(value) if hasattr(value, "strftime") else value
            info.add_row(key.replace("_", " "), plain(shown), key=key)
        steps = self.query_one("#dd-steps", DataTable)
        steps.clear()
        for s in detail.steps:
            steps.add_row(str(s.seq), plain(_tail(s.name, STEP_WIDTH)), s.state, _size(s.size), s.md5 or "",
                          str(s.attempt), when(s.completed_at))
        events = self.query_one("#dd-events", DataTable)
        events.clear()
        for e in detail.events:
            at = (e.at.astimezone() if e.at.tzinfo else e.at).strftime("%Y-%m-%d %H:%M:%S")
            events.add_row(at, Text(e.level, style=LEVEL_STYLE.get(e.level, "")), plain(e.step or ""),
                           plain(e.message))
        acks = self.query_one("#dd-acks", DataTable)
        acks.clear()
        for a in detail.acks:
            acks.add_row(when(a.received_at), plain(a.file_name), plain(a.file_status or ""),
                         plain(a.proposed_action or ""), plain(a.error_text or ""))
        self._tab_titles()
        self.refresh_bindings()
        if self.query_one("#dd-tabs", TabbedContent).active == "tab-message":
            self._load_message()

    def _tab_titles(self) -> None:
        d = self.detail
        if d is None:
            return
        tabs = self.query_one("#dd-tabs", TabbedContent)
        for pane, title in (("tab-steps", f"Steps ({len(d.steps)})"), ("tab-events", f"Events ({len(d.events)})"),
                            ("tab-acks", f"ACKs ({len(d.acks)})")):
            tabs.get_tab(pane).label = title

    @property
    def state(self) -> str:
        return str(self.detail.fields.get("state", "")) if self.detail else ""

    # -- the message -------------------------------------------------------------------------------
    @on(TabbedContent.TabActivated, "#dd-tabs")
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "tab-message":
            self._load_message()
        self.refresh_bindings()

    def _load_message(self) -> None:
        if self.message is not None or self._message_loading or self.detail is None:
            return
        self._message_loading = True
        self.query_one("#dd-message-status", Static).update(plain("Rebuilding the message and checking its MD5…"))
        self.rebuild_message()

    @work(thread=True, exclusive=True, group="delivery-message", exit_on_error=False)
    def rebuild_message(self) -> None:
        try:
            message = self.app.services.delivery_history.message(self.delivery_id)
        except Exception as exc:
            self.app.call_from_thread(self._message_failed, exc)
            raise
        self.app.call_from_thread(self.show_message, message)

    @work(thread=True, exclusive=True, group="delivery-message", exit_on_error=False)
    def fetch_message(self) -> None:
        try:
            message = self.app.services.delivery_history.fetch_message(self.delivery_id)
        except Exception as exc:
            self.app.call_from_thread(self._message_failed, exc)
            raise
        self.app.call_from_thread(self.show_message, message)

    def _message_failed(self, exc: Exception) -> None:
        self._message_loading = False
        reason = exc.message if isinstance(exc, StardustError) else str(exc)
        self.query_one("#dd-message-status", Static).update(plain(f"No message to show: {reason}"))
        self.refresh_bindings()

    def show_message(self, message: Any) -> None:
        self.message, self._message_loading = message, False
        where = f" ({message.remote_path})" if message.remote_path else ""
        if message.source == "fetched":
            how = f"Fetched from {self.detail.fields.get('target', 'the target') if self.detail else 'the target'}"
        else:
            how = "Rebuilt from the release content it sent"
        if message.verified:
            status = Text(f"✓ {how}: byte-identical to the message sent{where}, MD5 {message.md5}")
        elif message.sent_md5:
            status = Text(f"✗ {how}, but its MD5 {message.md5} differs from the one sent ({message.sent_md5}): the "
                          "profile or sender settings changed since. Press f to fetch the file from the target.")
        else:
            status = Text(f"{how}{where}; no MD5 was recorded to compare it with")
        self.query_one("#dd-message-status", Static).update(status)
        area = self.query_one("#dd-message", TextArea)
        area.load_text(message.text)
        area.remove_class("-empty")
        self.refresh_bindings()

    # -- actions -----------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "fetch":
            active = self.query_one("#dd-tabs", TabbedContent).active == "tab-message"
            return active and self.detail is not None and "batch_id" in self.detail.fields and not self._message_loading
        if action == "retry":
            return self.state in ("failed", "cancelled")
        if action == "cancel_delivery":
            return self.state in ACTIVE
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_tab(self, pane: str) -> None:
        self.query_one("#dd-tabs", TabbedContent).active = pane

    def action_fetch(self) -> None:
        if not self.check_action("fetch", ()):
            return
        self._message_loading = True
        self.query_one("#dd-message-status", Static).update(plain("Fetching the message file from the target…"))
        self.refresh_bindings()
        self.fetch_message()

    def action_retry(self) -> None:
        if self.state in ("failed", "cancelled"):
            self.change("retry")

    def action_cancel_delivery(self) -> None:
        if self.state not in ACTIVE:
            return

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.change("cancel")

        self.app.push_screen(ConfirmModal(f"Cancel delivery {self.delivery_id}? A running upload stops at its "
                                          "next step.", yes="Cancel delivery", no="Keep it", danger=True), confirmed)

    @work(thread=True, exclusive=True, group="delivery-change", exit_on_error=False)
    def change(self, what: str) -> None:
        deliveries = self.app.services.deliveries
        if what == "retry":
            deliveries.retry(self.delivery_id)
            note = f"Delivery {self.delivery_id} queued again"
        else:
            deliveries.cancel(self.delivery_id)
            note = f"Delivery {self.delivery_id} cancelled"
        self.app.call_from_thread(self.notify, note, title="Delivery")
        self.app.call_from_thread(self.load)

    def add_events(self, events: list[dict[str, Any]]) -> None:
        """Events of this delivery arrived (the app follows the log): reload."""
        if self.is_mounted and any(e.get("delivery_id") == self.delivery_id for e in events):
            self.load()
