"""The notifications panel (issue 10): recent events with the unread ones marked, their details, and the
health of the notification channels. Opened with ``f6`` (or the palette) from every screen.

Every event is listed whatever the channels (it is the workstation's own inbox); a label-limited user sees
their labels' events. Opening the panel marks what it shows as read (the header's count goes). Enter on an
event about a delivery opens that delivery; on an event about a release, the release's deliveries.
Everything is read in thread workers; user and server text is shown as plain text.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import Worker

from stardust_tui.screens.tool_base import CSS_FILE, ToolScreen
from stardust_tui.widgets.styling import plain, state_colour

REFRESH_S = 3.0
LIMIT = 300
LEVEL = {"error": "ERROR", "warning": "warn", "info": "info"}


def detail_text(event: Any) -> Text:
    """What one event says, line by line (plain text)."""
    doc = json.loads(event.payload)
    lines = [doc.get("summary", ""), f"{event.type} · {event.occurred_at:%Y-%m-%d %H:%M:%S} UTC · {event.event_id}"]
    rel, target, data = doc.get("release") or {}, doc.get("target") or {}, doc.get("data") or {}
    if rel:
        code = f"UPC {rel['upc']}" if rel.get("upc") else (f"GRid {rel['grid']}" if rel.get("grid") else "")
        lines.append("release: " + ", ".join(str(x) for x in (rel.get("title"), rel.get("artist"), code,
                                                               rel.get("label")) if x))
    if target:
        lines.append(f"target: {target.get('name')}")
    for key in ("error", "error_text", "proposed_action", "status", "file_name", "path", "delivery_id",
                "attempt", "actor", "reason"):
        if data.get(key) not in (None, "", []):
            lines.append(f"{key.replace('_', ' ')}: {data[key]}")
    if event.type == "report.weekly":
        t = data.get("totals", {})
        lines.append(f"week: {t.get('delivered', 0)} delivered, {t.get('failed', 0)} failed, "
                     f"{t.get('acknowledged', 0)} acknowledged, {t.get('rejected', 0)} rejected "
                     "(stardust report weekly for the whole summary)")
    return plain("\n".join(lines))


def open_hint(event: Any) -> str:
    """What Enter opens for this event ('' for nothing)."""
    data = json.loads(event.payload).get("data") or {}
    if data.get("delivery_id"):
        return f"enter: open delivery {data['delivery_id']}"
    return "enter: this release's deliveries" if event.release_id else ""


class NotificationsScreen(ToolScreen):
    """Recent notifications, newest first."""

    TITLE = "Notifications"
    CSS_PATH = [CSS_FILE, "../notifications.tcss"]
    BINDINGS = [
        Binding("escape", "back", "Back", id="notifications-back", tooltip="Back to the previous screen"),
        Binding("enter", "open", "Open", id="notifications-open",
                tooltip="Open the delivery (or the release's deliveries) this event is about"),
        Binding("ctrl+r", "refresh", "Refresh", id="notifications-refresh", tooltip="Read the events again now"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.events: list[Any] = []
        self._newest_read = 0
        self._loading: Worker[None] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="notify-head", classes="tool-head")
        table: DataTable = DataTable(id="notify-events", cursor_type="row", zebra_stripes=True)
        for label, width in (("", 1), ("When", 16), ("Level", 5), ("Event", 18), ("Summary", 200)):
            table.add_column(label, key=label or "new", width=width)
        yield table
        yield Static("", id="notify-detail", classes="tool-note")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#notify-events", DataTable).focus()
        self.set_interval(REFRESH_S, self._tick)
        self.load()

    def _tick(self) -> None:
        if self.app.screen is self and (self._loading is None or self._loading.is_finished):
            self.load()  # (a read still waiting for a slow or locked database is not started again)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_refresh(self) -> None:
        self.load()

    def load(self) -> None:
        self._loading = self.run_worker(self._load, thread=True, exclusive=True, group="notifications",
                                        name="notifications", exit_on_error=False)

    def _load(self) -> None:
        """(thread) Read the events and the channels."""
        service = self.app.services.notifications
        events = service.events(limit=LIMIT)
        channels = service.list()
        self.app.call_from_thread(self.show, events, channels)

    def _mark_read(self, newest_id: int) -> None:
        """(thread) What is on screen now is read (not before it is: a panel left while loading reads nothing)."""
        self.app.services.notifications.mark_read(newest_id)

    def show(self, events: list[Any], channels: list[Any]) -> None:
        if not self.is_attached:  # the user left before the read came back
            return
        if events and events[0].id > self._newest_read:
            self._newest_read = events[0].id
            self.run_worker(partial(self._mark_read, events[0].id), thread=True, group="notifications-read",
                            name="mark notifications read", exit_on_error=False)
        watch = getattr(self.app, "notify_watch", None)
        if watch is not None:
            watch.read_all()
        self.events = events
        unread = sum(e.unread for e in events)
        head = Text(f"{len(events)} event(s), {unread} new" if events else "No events yet")
        if channels:
            head.append(" · channels: ")
            for n, ch in enumerate(channels):
                colour = {"failing": "failed", "attention": "retry-wait", "ok": "succeeded"}.get(ch.state)
                style = state_colour(self.app, "delivery", colour) if colour else None
                head.append(("" if n == 0 else ", ") + ch.name)
                head.append(f" {ch.state.upper() if ch.state == 'failing' else ch.state}", style=style or "")
        else:
            head.append(" · no channels (stardust notify add email|webhook NAME …)")
        failing = [c for c in channels if c.failing and c.last_error]
        if failing:
            head.append(f"\n{failing[0].name}: {failing[0].last_error}")
        self.query_one("#notify-head", Static).update(head)
        table = self.query_one("#notify-events", DataTable)
        keep = table.cursor_row
        table.clear()
        for e in events:
            table.add_row("●" if e.unread else "", f"{e.occurred_at:%Y-%m-%d %H:%M}", LEVEL.get(e.severity, ""),
                          plain(e.type), plain(e.summary), key=str(e.id))
        if events:
            table.move_cursor(row=min(keep, len(events) - 1))
            self._show_detail(min(keep, len(events) - 1))

    @on(DataTable.RowHighlighted, "#notify-events")
    def _highlighted(self, message: DataTable.RowHighlighted) -> None:
        self._show_detail(message.cursor_row)

    def _show_detail(self, row: int) -> None:
        if 0 <= row < len(self.events):
            text = detail_text(self.events[row])
            hint = open_hint(self.events[row])  # (the table's own enter hides the screen's from the footer)
            if hint:
                text.append(f"\n{hint}", style="dim")
            self.query_one("#notify-detail", Static).update(text)

    @on(DataTable.RowSelected, "#notify-events")
    def _selected(self, _message: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        table = self.query_one("#notify-events", DataTable)
        if not (0 <= table.cursor_row < len(self.events)):
            return
        event = self.events[table.cursor_row]
        data = json.loads(event.payload).get("data") or {}
        if data.get("delivery_id") and hasattr(self.app, "open_delivery"):  # (as open_hint says)
            self.app.open_delivery(int(data["delivery_id"]))
        elif event.release_id and hasattr(self.app, "open_release_deliveries"):
            self.app.open_release_deliveries(int(event.release_id))
        else:
            self.app.notify("This event is not about a delivery or a release.", title="Notifications")
