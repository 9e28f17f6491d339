"""The audit log: who changed what and when, with the same filters as ``stardust audit``, and the chain check.

Four filter fields (entity ``release:42``/``target:shop``…, actor, since ``YYYY-MM-DD``, action) apply on
Enter. The upper table lists matching entries newest first (``m`` loads older ones); the lower one shows the
field-level changes of the entry under the cursor. ``v`` verifies the hash chain. Everything is read through
``services.audit`` (label-scoped like the CLI) in thread workers; a bad filter is a message on the status line.
User text (names, notes, values) is drawn as plain text.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Input, Static

from stardust_tui.commands import ScreenCommands
from stardust_tui.errors import StardustError
from stardust_tui.screens.base import StardustScreen
from stardust_tui.services.audit import AuditFilters, AuditView
from stardust_tui.widgets.styling import plain

PAGE = 100
VALUE_CHARS = 200
FILTERS = (("audit-entity", "release:42 · target:shop"), ("audit-actor", "who (user, key, worker@host)"),
           ("audit-since", "since YYYY-MM-DD"), ("audit-action", "action (edit, set-status…)"))


def _when(at: datetime) -> str:
    return (at.astimezone() if at.tzinfo else at).strftime("%Y-%m-%d %H:%M:%S")


def _value(value: Any) -> Text:
    if value is None:
        return Text("-", style="dim")
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = " ".join(text.split())
    return plain(text if len(text) <= VALUE_CHARS else text[:VALUE_CHARS - 1] + "…")


class AuditScreen(StardustScreen):
    """Entries of the audit log with their changed fields; filters; the hash chain's verification."""

    TITLE = "Audit log"
    CSS_PATH = "../audit.tcss"
    COMMANDS = {ScreenCommands}
    BINDINGS = [
        Binding("escape", "back", "Back", id="audit-back", tooltip="Back to the previous screen"),
        Binding("slash", "filters", "Filter", id="audit-filter", tooltip="Edit the filters (Enter applies them)"),
        Binding("m", "more", "Older", id="audit-more", tooltip="Load older entries"),
        Binding("v", "verify", "Verify chain", id="audit-verify",
                tooltip="Check the hash chain: an edited, deleted or slipped-in entry is named"),
        Binding("ctrl+r", "refresh", "Refresh", id="audit-refresh", tooltip="Read the log again"),
        Binding("tab", "switch", "Entries/changes", id="audit-switch", show=False,
                tooltip="Move between the entries and the changes"),
    ]

    def __init__(self, entity: str | None = None) -> None:
        super().__init__()
        self.entity = entity
        self.entries: list[AuditView] = []
        self.more = False
        self._filters = AuditFilters(entity=entity)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="audit-filters"):
            for wid, placeholder in FILTERS:
                yield Input((self.entity or "") if wid == "audit-entity" else "", placeholder=placeholder, id=wid)
        yield Static("Loading…", id="audit-head", markup=False)
        yield DataTable(id="audit-entries", cursor_type="row", zebra_stripes=True)
        yield Static("", id="audit-changes-title", markup=False)
        yield DataTable(id="audit-changes", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self._columns(self.app.size.width)
        self.query_one("#audit-entries", DataTable).focus()
        self.load(self._filters)

    def on_resize(self, event: Any) -> None:
        if self._widths != self._plan(event.size.width):
            self._columns(event.size.width)
            self.show([], self.more, append=True)  # redraw the rows into the new columns

    _widths: tuple[tuple[int, ...], tuple[int, ...]] | None = None

    @staticmethod
    def _plan(width: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Column widths for a terminal ``width`` wide (each column also takes 2 cells of padding, the table's
        scrollbar 2): the note and the values take what is left."""
        room = max(width, 80) - 2
        when, who, action, subject = (16, 10, 12, 12) if width < 110 else (19, 14, 14, 16)
        fixed = when + 6 + who + action + subject
        entries = (when, 6, who, action, subject, max(8, room - fixed - 2 * 6))
        field_w = min(28, room // 4)
        value = max(10, (room - field_w - 2 * 3) // 2)
        return entries, (field_w, value, value)

    def _columns(self, width: int) -> None:
        self._widths = self._plan(width)
        entries_w, changes_w = self._widths
        for table_id, labels, widths in (
                ("#audit-entries", ("When", "#", "Who", "Action", "Subject", "Note"), entries_w),
                ("#audit-changes", ("Field", "Before", "After"), changes_w)):
            table = self.query_one(table_id, DataTable)
            table.clear(columns=True)
            for label, w in zip(labels, widths, strict=True):
                table.add_column(label, key=label, width=w)

    # -- loading -------------------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="audit", exit_on_error=False)
    def load(self, filters: AuditFilters, before_id: int | None = None) -> None:
        try:
            page = self.app.services.audit.list(filters, limit=PAGE, before_id=before_id)
        except StardustError as exc:
            self.app.call_from_thread(self._say, f"{exc}", error=True)
            return
        self.app.call_from_thread(self.show, page.entries, page.more, before_id is not None)

    def show(self, entries: list[AuditView], more: bool, append: bool) -> None:
        self.entries = [*self.entries, *entries] if append else list(entries)
        self.more = more
        table = self.query_one("#audit-entries", DataTable)
        if not append or table.row_count == 0:
            table.clear()
            entries = self.entries
        for e in entries:
            when = _when(e.at) if self._widths is None or self._widths[0][0] >= 19 else _when(e.at)[:16]
            table.add_row(when, str(e.seq or "-"), plain(e.actor), plain(e.action), plain(e.subject),
                          plain(e.note or ""), key=str(e.id))
        self._head()
        if not append and self.entries:
            table.move_cursor(row=0)
        self._show_changes()

    def _head(self) -> None:
        f = self._filters
        parts = [f"{k} {v}" for k, v in (("entity", f.entity), ("actor", f.actor), ("action", f.action)) if v]
        if f.since:
            parts.append(f"since {f.since:%Y-%m-%d}")
        text = f"{len(self.entries)} entr{'y' if len(self.entries) == 1 else 'ies'}"
        text += f" ({', '.join(parts)})" if parts else " (all)"
        text += " · m: older entries" if self.more else ""
        self._say(text)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.query_one("#audit-head", Static).update(Text(text, style="bold red" if error else ""))

    def _current(self) -> AuditView | None:
        table = self.query_one("#audit-entries", DataTable)
        if not self.entries or table.cursor_row is None or table.cursor_row >= len(self.entries):
            return None
        return self.entries[table.cursor_row]

    def _show_changes(self) -> None:
        entry = self._current()
        table = self.query_one("#audit-changes", DataTable)
        table.clear()
        title = self.query_one("#audit-changes-title", Static)
        if entry is None:
            title.update("")
            return
        count = len(entry.changes)
        title.update(Text(f"Entry #{entry.seq or '-'} · {entry.action} {entry.subject} by {entry.actor}: "
                          f"{count} changed field{'' if count == 1 else 's'}"))
        for i, c in enumerate(entry.changes):
            table.add_row(plain(c.path or "(value)"), _value(c.before), _value(c.after), key=str(i))

    @on(DataTable.RowHighlighted, "#audit-entries")
    def _entry_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_changes()

    # -- filters -------------------------------------------------------------------------------------------
    @on(Input.Submitted)
    def _apply(self, _event: Input.Submitted) -> None:
        values = {wid: self.query_one(f"#{wid}", Input).value.strip() for wid, _ in FILTERS}
        since = None
        if values["audit-since"]:
            try:
                since = datetime.combine(date.fromisoformat(values["audit-since"]), time())
            except ValueError:
                self._say(f"since: {values['audit-since']!r} is not a date as YYYY-MM-DD", error=True)
                return
        self._filters = AuditFilters(entity=values["audit-entity"] or None, actor=values["audit-actor"] or None,
                                     since=since, action=values["audit-action"] or None)
        self.query_one("#audit-entries", DataTable).focus()
        self.load(self._filters)

    def action_filters(self) -> None:
        self.query_one("#audit-entity", Input).focus()

    def action_more(self) -> None:
        if self.more and self.entries:
            self.load(self._filters, before_id=self.entries[-1].id)

    def action_refresh(self) -> None:
        self.load(self._filters)

    def action_switch(self) -> None:
        entries = self.query_one("#audit-entries", DataTable)
        (self.query_one("#audit-changes", DataTable) if entries.has_focus else entries).focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    # -- the chain -----------------------------------------------------------------------------------------
    def action_verify(self) -> None:
        self._say("Verifying the audit chain…")
        self.verify()

    @work(thread=True, exclusive=True, group="audit-verify", exit_on_error=False)
    def verify(self) -> None:
        try:
            report = self.app.services.audit.verify()
        except StardustError as exc:
            self.app.call_from_thread(self._say, str(exc), error=True)
            return
        if report.ok:
            text = f"audit chain intact: {report.checked} entries checked, head #{report.head_seq}"
        else:
            more = f" (+{len(report.problems) - 1} more: stardust audit verify)" if len(report.problems) > 1 else ""
            text = f"audit chain BROKEN: {report.problems[0]}{more}"
        self.app.call_from_thread(self._say, text, error=not report.ok)
