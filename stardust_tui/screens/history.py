"""A release's revision history: every save, a field-level diff between any two, and restore (undo).

The upper table lists the revisions, newest first. The diff below compares the revision under the
cursor (B) with the marked one (A, ``space``) or, when none is marked, with the one before it; the
change under the diff's cursor is shown in full underneath. ``u`` restores the highlighted revision as a
new one (``HistoryService.restore``: verified, complete or nothing) after a confirmation. Loading and
restoring run in thread workers; user text is plain text.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from stardust_tui.commands import ScreenCommands
from stardust_tui.screens.tool_base import ToolScreen
from stardust_tui.services.history import DiffLine
from stardust_tui.widgets.confirm import ConfirmModal
from stardust_tui.widgets.styling import plain

KIND_STYLE = {"added": "green", "removed": "red", "changed": ""}


def _when(at: Any) -> str:
    return at.astimezone().strftime("%Y-%m-%d %H:%M") if at.tzinfo else at.strftime("%Y-%m-%d %H:%M")


class HistoryScreen(ToolScreen):
    """Revisions of one release, a diff of any two, and restoring one as a new revision."""

    TITLE = "Release history"
    COMMANDS = {ScreenCommands}
    BINDINGS = [
        Binding("escape", "back", "Back", id="history-back", tooltip="Back to the previous screen"),
        Binding("space", "mark", "Mark A", id="history-mark",
                tooltip="Compare against the highlighted revision (press again to unmark)"),
        Binding("u", "restore", "Restore", id="history-restore",
                tooltip="Save the highlighted revision's content as a new revision (undo)"),
        Binding("tab", "switch", "Revisions/diff", id="history-switch", tooltip="Move between the two tables"),
    ]

    def __init__(self, release_id: int) -> None:
        super().__init__()
        self.release_id = release_id
        self.entries: list[Any] = []
        self.marked: int | None = None
        self.changes: list[DiffLine] = []
        self._generation = 0
        self._restoring = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="history-head", classes="tool-head")
        revisions: DataTable = DataTable(id="revisions", cursor_type="row", zebra_stripes=True)
        for label, width in (("", 3), ("Rev", 4), ("When", 16), ("Who", 12), ("Action", 12), ("Changes", 40)):
            revisions.add_column(label, key=label or "mark", width=width)
        yield revisions
        yield Static("", id="diff-title", classes="tool-section")
        diff: DataTable = DataTable(id="diff", cursor_type="row")
        for label, width in (("Field", 24), ("Before", 30), ("After", 30)):
            diff.add_column(label, key=label, width=width)
        yield diff
        yield Static("", id="diff-detail", classes="tool-note")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#revisions", DataTable).focus()
        self.load()

    # -- loading -----------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="history", exit_on_error=False)
    def load(self) -> None:
        service = self.app.services.history
        head, entries = service.head(self.release_id), service.revisions(self.release_id)
        self.app.call_from_thread(self.show, head, entries)

    def show(self, head: Any, entries: list[Any]) -> None:
        self.entries = entries
        text = Text()
        text.append(f"“{head.title}”", style="bold")
        text.append(f" by {head.display_artist}" if head.display_artist else "")
        text.append(f" · UPC {head.upc}" if head.upc else "")
        text.append(f" · {head.status} · {len(entries)} revision(s)")
        self.query_one("#history-head", Static).update(text)
        table = self.query_one("#revisions", DataTable)
        keep = self.highlighted()
        table.clear()
        for e in entries:
            table.add_row("", str(e.number), _when(e.at), plain(e.actor), plain(e.action), plain(e.summary),
                          key=str(e.number))
        if keep is not None and str(keep.number) in table.rows:
            table.move_cursor(row=table.get_row_index(str(keep.number)))
        self._show_marks()
        self.compare()

    def highlighted(self) -> Any | None:
        table = self.query_one("#revisions", DataTable)
        if not self.entries or table.row_count == 0:
            return None
        return self.entries[min(table.cursor_row, len(self.entries) - 1)]

    def pair(self) -> tuple[int, int] | None:
        """(A, B): B under the cursor, A the marked revision or else the one before B."""
        b = self.highlighted()
        if b is None:
            return None
        if self.marked is not None and self.marked != b.number:
            return self.marked, b.number
        older = [e.number for e in self.entries if e.number < b.number]
        return (max(older), b.number) if older else None

    def _show_marks(self) -> None:
        table = self.query_one("#revisions", DataTable)
        pair = self.pair()
        for e in self.entries:
            mark = "A" if pair and e.number == pair[0] else "B" if pair and e.number == pair[1] else ""
            if self.marked == e.number:
                mark = "A*"
            table.update_cell(str(e.number), "mark", mark)

    def compare(self) -> None:
        pair = self.pair()
        self._generation += 1
        self.refresh_bindings()
        title = self.query_one("#diff-title", Static)
        if pair is None:
            title.update(plain("Revision 1 is where the history starts: nothing before it to compare"
                               if self.entries else ""))
            self._fill_diff([])
            return
        title.update(plain(f"Changes from revision {pair[0]} (A) to {pair[1]} (B)…"))
        self.load_diff(pair[0], pair[1], self._generation)

    @work(thread=True, exclusive=True, group="history-diff", exit_on_error=False)
    def load_diff(self, a: int, b: int, generation: int) -> None:
        changes = self.app.services.history.diff(self.release_id, a, b)
        self.app.call_from_thread(self.show_diff, a, b, changes, generation)

    def show_diff(self, a: int, b: int, changes: list[DiffLine], generation: int) -> None:
        if generation != self._generation:  # the cursor moved on meanwhile
            return
        word = "no changes" if not changes else f"{len(changes)} change(s)"
        self.query_one("#diff-title", Static).update(plain(f"Changes from revision {a} (A) to {b} (B): {word}"))
        self._fill_diff(changes)

    def _fill_diff(self, changes: list[DiffLine]) -> None:
        self.changes = changes
        table = self.query_one("#diff", DataTable)
        table.clear()
        for i, c in enumerate(changes):
            style = KIND_STYLE.get(c.kind, "")
            table.add_row(Text(c.path, style=style), plain(c.before), plain(c.after), key=str(i))
        self._show_detail()

    def _show_detail(self) -> None:
        detail = self.query_one("#diff-detail", Static)
        table = self.query_one("#diff", DataTable)
        if not self.changes or table.row_count == 0:
            detail.update("")
            return
        c = self.changes[min(table.cursor_row, len(self.changes) - 1)]
        text = Text(f"{c.path} ({c.kind})\n", style="bold")
        text.append("before: ")
        text.append(c.before + "\n")
        text.append("after:  ")
        text.append(c.after)
        detail.update(text)

    # -- events and actions ------------------------------------------------------------------------
    @on(DataTable.RowHighlighted, "#revisions")
    def _revision_moved(self) -> None:
        self._show_marks()
        self.compare()

    @on(DataTable.RowHighlighted, "#diff")
    def _change_moved(self) -> None:
        self._show_detail()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "restore":
            current, latest = self.highlighted(), self.entries[0] if self.entries else None
            return (current is not None and latest is not None and not self._restoring
                    and current.content_hash != latest.content_hash)
        if action == "mark":
            return bool(self.entries)
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_switch(self) -> None:
        revisions, diff = self.query_one("#revisions", DataTable), self.query_one("#diff", DataTable)
        (diff if revisions.has_focus else revisions).focus()

    def action_mark(self) -> None:
        current = self.highlighted()
        if current is None:
            return
        self.marked = None if self.marked == current.number else current.number
        self._show_marks()
        self.compare()

    def action_restore(self) -> None:
        current = self.highlighted()
        if current is None or not self.check_action("restore", ()):
            return
        latest = self.entries[0].number
        question = (f"Restore revision {current.number} as revision {latest + 1}? The current content stays in "
                    f"revision {latest}, so this can be undone the same way.")

        def confirmed(ok: bool | None) -> None:
            if ok:
                self._restoring = True
                self.refresh_bindings()
                self.restore(current.number)

        self.app.push_screen(ConfirmModal(question, yes="Restore"), confirmed)

    @work(thread=True, exclusive=True, group="history-restore", exit_on_error=False)
    def restore(self, number: int) -> None:
        try:
            new = self.app.services.history.restore(self.release_id, number)
        finally:
            self.app.call_from_thread(self._restored)
        self.app.call_from_thread(self.notify, f"Revision {number} restored as revision {new}", title="History")

    def _restored(self) -> None:
        self._restoring = False
        self.marked = None
        self.query_one("#revisions", DataTable).move_cursor(row=0)
        self.load()

    def on_screen_resume(self) -> None:
        if self.entries:
            self.load()
