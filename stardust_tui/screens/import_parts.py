"""Dialogs of the import screen: pick the field a column maps to, and look at one row of the file.

:class:`FieldPicker` lists "(ignore this column)" and every importable field with its level and help,
filtered as you type (↑/↓ move, Enter picks). :class:`RowModal` shows one row of the file — each column's
cell, the value it becomes and the problem found there — which is where Enter on a dry-run problem lands.
:class:`SaveMappingModal` asks where to save the mapping.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from stardust_tui.screens.tool_base import ToolModal
from stardust_tui.widgets.path_input import PathSuggester
from stardust_tui.widgets.styling import plain

IGNORE = "\x00ignore"  # option id of "(ignore this column)"; not a field name


class FieldPicker(ToolModal[str | None]):
    """Choose the field for one column; dismisses with the field name, "" to ignore it, or None."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker-cancel", tooltip="Keep the column's field as it is"),
        Binding("down", "move(1)", "Next", id="picker-down", tooltip="Highlight the next field", show=False),
        Binding("up", "move(-1)", "Previous", id="picker-up", tooltip="Highlight the previous field", show=False),
        Binding("enter", "pick", "Pick", id="picker-pick", tooltip="Use the highlighted field"),
    ]

    def __init__(self, header: str, current: str, samples: list[str], fields: list[Any]) -> None:
        super().__init__(classes="modal")
        self.header, self.current, self.samples, self.fields = header, current, samples, fields

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-body"):
            title = Text("Field for column ")
            title.append(f"“{self.header}”", style="bold")
            samples = list(dict.fromkeys(s for s in self.samples if s))[:3]
            if samples:
                title.append("  e.g. " + " · ".join(samples), style="dim")
            yield Label(title, id="picker-title")
            yield Input(placeholder="Type to filter · ↑↓ move · Enter picks", id="picker-filter", compact=True)
            yield OptionList(id="picker-fields", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#picker-filter", Input).focus()

    def _fill(self, text: str) -> None:
        words = text.lower().split()
        options = self.query_one("#picker-fields", OptionList)
        options.clear_options()
        if not words or all(w in "(ignore this column)" for w in words):
            options.add_option(Option(Text("(ignore this column)", style="italic"), id=IGNORE))
        for f in self.fields:
            hay = f"{f.name} {f.level} {f.help}".lower()
            if all(w in hay for w in words):
                prompt = Text(f"{f.name:<26}", style="bold")
                prompt.append(f"{f.level:<8}", style="dim")
                prompt.append(f.help)
                options.add_option(Option(prompt, id=f.name))
        wanted = self.current or IGNORE
        index = next((i for i in range(options.option_count) if options.get_option_at_index(i).id == wanted), 0)
        if options.option_count:
            options.highlighted = index

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#picker-filter")
    def _submitted(self) -> None:
        self.action_pick()

    @on(OptionList.OptionSelected, "#picker-fields")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss("" if event.option.id == IGNORE else event.option.id)

    def action_move(self, step: int) -> None:
        options = self.query_one("#picker-fields", OptionList)
        if options.option_count:
            options.highlighted = ((options.highlighted or 0) + step) % options.option_count

    def action_pick(self) -> None:
        options = self.query_one("#picker-fields", OptionList)
        if options.highlighted is None or not options.option_count:
            self.app.bell()
            return
        chosen = options.get_option_at_index(options.highlighted).id
        self.dismiss("" if chosen == IGNORE else chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)


class RowModal(ToolModal[None]):
    """One row of the file: header, cell, the value it becomes, and what is wrong with it."""

    BINDINGS = [Binding("escape", "close", "Close", id="row-close", tooltip="Back to the problems")]

    def __init__(self, row: Any, fields: dict[str, str], issue: Any, file_name: str) -> None:
        super().__init__(classes="modal")
        self.row, self.fields, self.issue, self.file_name = row, fields, issue, file_name

    def compose(self) -> ComposeResult:
        with Vertical(id="row-body"):
            title = Text(f"{self.file_name}, line {self.row.line}: ", style="bold")
            title.append(str(self.issue.message) if self.issue is not None else "")
            yield Label(title, id="row-title")
            table: DataTable = DataTable(id="row-cells", cursor_type="row")
            for label, width in (("", 1), ("Column", 16), ("Cell", 16), ("Stored as", 24), ("Problem", 40)):
                table.add_column(label, key=label or "mark", width=width)
            yield table
            yield Static("", id="row-note", classes="tool-note")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#row-cells", DataTable)
        problems: dict[str, str] = {}
        for p in self.row.problems:
            problems.setdefault(p.column or "", p.message)
        focus = 0
        for i, header in enumerate(self.row.headers):
            cell = self.row.cells[i] if i < len(self.row.cells) else ""
            field = self.fields.get(header, "")
            stored = f"{field} = {self.row.stored.get(field, '')}" if field else "(ignored)"
            problem = problems.get(header) or problems.get(field) or ""
            if self.issue is not None and self.issue.column in (header, field) and field:
                focus = i
            table.add_row("✗" if problem else "", plain(header), plain(cell), plain(stored), plain(problem))
        table.move_cursor(row=focus)
        table.focus()
        if self.issue is not None and self.issue.column and not any(
                self.issue.column in (h, self.fields.get(h)) for h in self.row.headers):
            self.query_one("#row-note", Static).update(plain(f"{self.issue.column}: {self.issue.message}"))

    def action_close(self) -> None:
        self.dismiss(None)


class SaveMappingModal(ToolModal[str | None]):
    """Ask where to save the mapping (a path with completion); dismisses with the path or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="save-mapping-cancel", tooltip="Do not save")]

    def __init__(self, default: str) -> None:
        super().__init__(classes="modal")
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="save-mapping-body"):
            yield Label("Save the mapping as (TOML; Enter saves, → completes):", id="save-mapping-title")
            yield Input(self.default, id="save-mapping-path", compact=True, suggester=PathSuggester())
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#save-mapping-path", Input).focus()

    @on(Input.Submitted, "#save-mapping-path")
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())
        else:
            self.app.bell()

    def action_cancel(self) -> None:
        self.dismiss(None)
