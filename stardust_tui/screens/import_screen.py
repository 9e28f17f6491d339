"""Import a catalog file (issue 14): pick it, see its first rows, fix the guessed mapping, check, import.

Type or complete a path and press Enter: the engine's preview (``TransferService.preview``, in a thread
worker) fills four tabs — the file's first rows; the mapping, one row per column with its field, the
level (release or track) and why it was chosen (Enter picks another field, and the preview is read again);
the values as they will be stored; and the check. ``ctrl+t`` runs a dry run (problems by file line; Enter
on one opens that row of the file), ``ctrl+g`` imports (asks first; all or nothing unless "Partial"),
with a progress bar; ``escape`` while either runs stops it and rolls back. ``ctrl+s`` saves the mapping
as TOML for ``stardust import --map`` or the next time.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import (
    DataTable,
    Footer,
    Header,
    Input,
    ProgressBar,
    Select,
    Static,
    TabbedContent,
    TabPane,
)

from stardust_tui.commands import ScreenCommands
from stardust_tui.screens.import_parts import FieldPicker, RowModal, SaveMappingModal
from stardust_tui.screens.row_keys import int_key
from stardust_tui.screens.tool_base import MarkedCheckbox, ToolScreen
from stardust_tui.widgets.confirm import ConfirmModal
from stardust_tui.widgets.path_input import PathSuggester
from stardust_tui.widgets.styling import plain

SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".json", ".xml")
DATES = [("Dates: as the file shows", "auto"), ("Dates: day first", "dmy"), ("Dates: month first", "mdy")]
ORIGIN = {"mapping": "your mapping", "header": "header", "values": "values", "none": ""}
SEVERITY = {"error": "red", "warning": "yellow"}


def took(seconds: float) -> str:
    """How long a run took, as shown (snapshot tests replace this: the time varies)."""
    return f"{seconds:.1f} s"


class ImportScreen(ToolScreen):
    """From a catalog file to releases, with every step visible."""

    TITLE = "Import"
    COMMANDS = {ScreenCommands}
    BINDINGS = [
        Binding("escape", "back", "Back", id="import-back", tooltip="Back (stops a running check or import)"),
        Binding("ctrl+t", "dry_run", "Dry run", id="import-dry-run", tooltip="Check the whole file; nothing is saved"),
        Binding("ctrl+g", "import", "Import", id="import-run", tooltip="Import the file (asks first)"),
        Binding("ctrl+s", "save_mapping", "Save mapping", id="import-save-mapping",
                tooltip="Save the mapping as TOML for next time"),
        Binding("f2", "tab('tab-rows')", "Rows", id="import-rows", tooltip="The file's first rows"),
        Binding("f3", "tab('tab-mapping')", "Mapping", id="import-mapping",
                tooltip="Each column's field and level (Enter changes it)"),
        Binding("f4", "tab('tab-values')", "Values", id="import-values", tooltip="The values as they will be stored"),
        Binding("f5", "tab('tab-check')", "Check", id="import-check", tooltip="Problems found by the dry run"),
    ]

    def __init__(self, path: str | None = None) -> None:
        super().__init__()
        self.initial_path = path
        self.preview: Any = None
        self.report: Any = None
        self.report_kind = ""
        self.fields = self._all_fields()
        self._cancel: threading.Event | None = None
        self._generation = 0

    @staticmethod
    def _all_fields() -> list[Any]:
        from stardust_tui.services.transfer import TransferService

        return TransferService.fields()

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="import-top"):
            yield Input(placeholder="Catalog file (CSV, TSV, Excel .xlsx, JSON) — Enter reads it", id="import-path",
                        compact=True, suggester=PathSuggester(SUFFIXES))
            yield Select([], id="import-sheet", compact=True, prompt="Sheet")
            yield Select(DATES, id="import-dates", compact=True, allow_blank=False, value="auto")
        yield Static("", id="import-summary", classes="tool-note")
        with TabbedContent(id="import-tabs"):
            with TabPane("Rows", id="tab-rows"):
                yield DataTable(id="import-rows-table", cursor_type="row", zebra_stripes=True)
            with TabPane("Mapping", id="tab-mapping"):
                table: DataTable = DataTable(id="import-mapping-table", cursor_type="row")
                for label, width in (("Column", 22), ("Field", 22), ("Level", 7), ("From", 12), ("Why", 40),
                                     ("e.g.", 24)):
                    table.add_column(label, key=label, width=width)
                yield table
                yield Static("", id="import-mapping-detail", classes="tool-note")
            with TabPane("Values", id="tab-values"):
                yield DataTable(id="import-values-table", cursor_type="row", zebra_stripes=True)
                yield Static("", id="import-values-problems", classes="tool-note")
            with TabPane("Check", id="tab-check"):
                yield Static("Run a dry run (ctrl+t) to check the whole file.", id="import-check-summary",
                             classes="tool-note")
                issues: DataTable = DataTable(id="import-issues", cursor_type="row")
                for label, width in (("Line", 7), ("Column", 18), ("", 7), ("Problem", 50), ("Release", 16)):
                    issues.add_column(label, key=label or "severity", width=width)
                yield issues
        with Horizontal(id="import-options"):
            yield MarkedCheckbox("Update releases that exist", id="import-update", compact=True)
            yield MarkedCheckbox("Partial: import the valid releases", id="import-partial", compact=True)
        yield ProgressBar(id="import-progress", show_eta=False)
        yield Static("", id="import-status", classes="tool-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#import-sheet", Select).display = False
        self.query_one("#import-progress", ProgressBar).display = False
        path = self.query_one("#import-path", Input)
        path.focus()
        if self.initial_path:
            path.value = self.initial_path
            self.read_file()

    # -- reading the file --------------------------------------------------------------------------
    @on(Input.Submitted, "#import-path")
    def _path_submitted(self) -> None:
        self.preview = None  # a new file: start from its own guessed mapping
        self.read_file()

    @on(Select.Changed, "#import-sheet")
    @on(Select.Changed, "#import-dates")
    def _reading_changed(self, event: Select.Changed) -> None:
        if self.preview is not None and isinstance(event.value, str):
            self.read_file(keep_mapping=event.select.id == "import-dates")

    def read_file(self, *, keep_mapping: bool = False, mapping: Any = None) -> None:
        if self._cancel is not None:
            return
        path = self.query_one("#import-path", Input).value
        sheet = self.query_one("#import-sheet", Select).value
        dates = self.query_one("#import-dates", Select).value
        month_first = None if dates == "auto" else dates == "mdy"
        if mapping is None and keep_mapping and self.preview is not None and self.preview.mappable:
            mapping = self.preview.mapping
        if mapping is not None and month_first is None:
            mapping.month_first = None
        self._generation += 1
        self._status("Reading…")
        self.load_preview(path, mapping, sheet if isinstance(sheet, str) and self.preview is not None else None,
                          month_first, self._generation)

    @work(thread=True, exclusive=True, group="import-preview", exit_on_error=False)
    def load_preview(self, path: str, mapping: Any, sheet: str | None, month_first: bool | None,
                     generation: int) -> None:
        try:
            preview = self.app.services.transfer.preview(path, mapping, sheet=sheet,
                                                         month_first=month_first)
        except Exception:
            self.app.call_from_thread(self._status, "Cannot read this file (see the message)")
            raise
        self.app.call_from_thread(self.show_preview, preview, generation)

    def show_preview(self, preview: Any, generation: int) -> None:
        if generation != self._generation:
            return
        changed_file = self.preview is None or self.preview.path != preview.path
        self.preview = preview
        self._clear_report("the file or its mapping changed: run the dry run again" if not changed_file else "")
        self._show_summary()
        self._show_sheets()
        self._fill_rows()
        self._fill_mapping()
        self._fill_values()
        self._status(f"{len(preview.rows)} row(s) previewed" if preview.mappable else
                     "Nothing to map in this file: check it (ctrl+t) or import it (ctrl+g)")
        self.refresh_bindings()
        if changed_file and preview.mappable:
            self.query_one("#import-tabs", TabbedContent).active = "tab-mapping"
            self.query_one("#import-mapping-table", DataTable).focus()

    def _show_summary(self) -> None:
        pv = self.preview
        text = Text(f"{pv.path.name}: ", style="bold")
        parts = [pv.format.upper()]
        if pv.sheet:
            parts.append(f"sheet “{pv.sheet}”")
        if pv.encoding:
            parts.append(pv.encoding)
        if not pv.mappable:
            parts.append("Stardust export or DDEX message: read as it is")
        text.append(" · ".join(parts))
        mapped = [c for c in pv.columns if c.field]
        if pv.mappable:
            text.append(f" · {len(mapped)} of {len(pv.columns)} column(s) mapped")
        for note in pv.decisions:
            text.append(f"\n• {note}", style="dim")
        self.query_one("#import-summary", Static).update(text)

    def _show_sheets(self) -> None:
        select = self.query_one("#import-sheet", Select)
        sheets = list(self.preview.sheets or [])
        select.display = len(sheets) > 1
        if len(sheets) > 1:
            with select.prevent(Select.Changed):
                select.set_options([(plain(name), name) for name in sheets])
                select.value = self.preview.sheet

    def _fill_rows(self) -> None:
        table = self.query_one("#import-rows-table", DataTable)
        table.clear(columns=True)
        pv = self.preview
        if not pv.headers:
            return
        table.add_column("Line", key="line", width=6)
        for i, header in enumerate(pv.headers):
            table.add_column(plain(header), key=f"c{i}", width=max(6, min(24, len(header) + 2)))
        for line, cells in zip(pv.lines or [None] * len(pv.rows), pv.rows, strict=False):
            padded = list(cells) + [""] * (len(pv.headers) - len(cells))
            table.add_row(str(line or ""), *(plain(c) for c in padded[:len(pv.headers)]), key=str(line))

    def _fill_mapping(self) -> None:
        table = self.query_one("#import-mapping-table", DataTable)
        keep = table.cursor_row
        table.clear()
        for c in self.preview.columns:
            field = Text(c.field) if c.field else Text("(ignored)", style="dim")
            table.add_row(plain(c.header), field, c.level, ORIGIN.get(c.origin, c.origin), plain(c.reason),
                          plain(" · ".join(s for s in c.samples[:3] if s)), key=str(c.index))
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        self._show_column()

    @on(DataTable.RowHighlighted, "#import-mapping-table")
    def _show_column(self) -> None:
        """The highlighted column in full: its field and level, why, and sample values."""
        detail = self.query_one("#import-mapping-detail", Static)
        table = self.query_one("#import-mapping-table", DataTable)
        columns = self.preview.columns if self.preview is not None else []
        if not columns or table.row_count == 0:
            detail.update("")
            return
        c = columns[min(table.cursor_row, len(columns) - 1)]
        text = Text(f"“{c.header}”", style="bold")
        text.append(f" → {c.field} ({c.level} level)" if c.field else " → ignored")
        text.append(f" · {ORIGIN.get(c.origin, c.origin) or 'no match'}: ")
        text.append(c.reason)
        samples = list(dict.fromkeys(s for s in c.samples if s))[:5]
        if samples:
            text.append("\ne.g. " + " · ".join(samples), style="dim")
        text.append("\nEnter picks another field", style="dim")
        detail.update(text)

    def _fill_values(self) -> None:
        table = self.query_one("#import-values-table", DataTable)
        table.clear(columns=True)
        pv = self.preview
        used = list(dict.fromkeys(name for row in pv.stored for name in row))
        problems = self.query_one("#import-values-problems", Static)
        if not used:
            problems.update(plain("No column is mapped to a field yet." if pv.mappable else ""))
            return
        table.add_column("Line", key="line", width=6)
        for name in used:
            table.add_column(name, key=name, width=max(8, min(26, len(name) + 2)))
        for line, row in zip(pv.lines or [None] * len(pv.stored), pv.stored, strict=False):
            table.add_row(str(line or ""), *(plain(row.get(name, "")) for name in used))
        text = Text()
        for p in pv.problems[:8]:
            text.append(f"✗ line {p.line} [{p.column or '?'}] ", style="bold")
            text.append(f"{p.message}\n")
        if len(pv.problems) > 8:
            text.append(f"(+{len(pv.problems) - 8} more in these rows)")
        text.rstrip()
        problems.update(text)

    # -- changing the mapping ----------------------------------------------------------------------
    @on(DataTable.RowSelected, "#import-mapping-table")
    def _mapping_row_selected(self, event: DataTable.RowSelected) -> None:
        if self.preview is None or self._cancel is not None:
            return
        column = next((c for c in self.preview.columns if str(c.index) == event.row_key.value), None)
        if column is None:
            return

        def chosen(field: str | None) -> None:
            if field is None or field == column.field:
                return
            mapping = self.preview.mapping
            mapping.columns[column.header] = field
            self._status(f"“{column.header}” → {field or '(ignored)'}: reading again…")
            self.read_file(mapping=mapping)

        self.app.push_screen(FieldPicker(column.header, column.field, list(column.samples), self.fields), chosen)

    # -- dry run and import ------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("dry_run", "import"):
            return self.preview is not None and self._cancel is None
        if action == "save_mapping":
            return self.preview is not None and self.preview.mappable and self._cancel is None
        return True

    def action_tab(self, pane: str) -> None:
        self.query_one("#import-tabs", TabbedContent).active = pane

    def action_dry_run(self) -> None:
        if self.check_action("dry_run", ()):
            self._start(dry_run=True)

    def action_import(self) -> None:
        if not self.check_action("import", ()):
            return
        r = self.report if self.report_kind == "dry run" else None
        what = (f"{r.releases_seen} release(s): {r.created} new, {r.updated} updated, {r.unchanged} unchanged, "
                f"{r.error_count} error(s)" if r is not None else "no dry run yet")
        partial = self.query_one("#import-partial", MarkedCheckbox).value
        rule = "the valid releases go in, the others are reported" if partial else "all or nothing"
        question = f"Import {self.preview.path.name} ({what}; {rule})?"

        def confirmed(ok: bool | None) -> None:
            if ok:
                self._start(dry_run=False)

        self.app.push_screen(ConfirmModal(question, yes="Import"), confirmed)

    def _start(self, *, dry_run: bool) -> None:
        self._cancel = threading.Event()
        bar = self.query_one("#import-progress", ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self._status("Checking the whole file (nothing is saved)…" if dry_run else "Importing…")
        self.refresh_bindings()
        update = self.query_one("#import-update", MarkedCheckbox).value
        partial = self.query_one("#import-partial", MarkedCheckbox).value
        self.run_job(self.preview, dry_run, update, partial, self._cancel)

    @work(thread=True, exclusive=True, group="import-run", exit_on_error=False)
    def run_job(self, preview: Any, dry_run: bool, update: bool, partial: bool, cancel: threading.Event) -> None:
        bar = self.query_one("#import-progress", ProgressBar)

        def progress(done: int, total: int | None) -> None:
            self.app.call_from_thread(bar.update, progress=done, total=total)

        try:
            report = self.app.services.transfer.run_import(
                preview, dry_run=dry_run, update=update, partial=partial, progress=progress, cancel=cancel)
        except Exception:
            self.app.call_from_thread(self._finished, None, dry_run)
            raise
        self.app.call_from_thread(self._finished, report, dry_run)

    def _finished(self, report: Any, dry_run: bool) -> None:
        self._cancel = None
        self.query_one("#import-progress", ProgressBar).display = False
        self.refresh_bindings()
        if report is None:
            self._status("Stopped by an error: nothing was imported")
            return
        self.report, self.report_kind = report, "dry run" if dry_run else "import"
        self._show_report()
        self.query_one("#import-tabs", TabbedContent).active = "tab-check"
        if report.issues:
            self.query_one("#import-issues", DataTable).focus()
        if not dry_run and not report.rolled_back and not report.cancelled:
            self.notify(f"Imported {report.created} new and {report.updated} updated release(s)", title="Import")

    def _show_report(self) -> None:
        r = self.report
        counts = (f"{r.releases_seen} release(s), {r.tracks_seen} track(s) in {r.rows} row(s): {r.created} new, "
                  f"{r.updated} updated, {r.unchanged} unchanged, {r.skipped} skipped · {r.error_count} error(s), "
                  f"{r.warning_count} warning(s) · {took(r.seconds)}")
        if r.cancelled:
            head = "Stopped: everything was rolled back"
        elif self.report_kind == "dry run":
            head = "Dry run (nothing saved)" + (": ready to import" if not r.error_count else
                                               ": fix the errors, or import with “Partial”")
        elif r.rolled_back:
            head = "Nothing imported (all or nothing): fix the errors, or tick “Partial”"
        else:
            head = "Imported"
        text = Text(head + "\n", style="bold")
        text.append(counts)
        for note in r.decisions[:3]:
            text.append(f"\n• {note}", style="dim")
        self.query_one("#import-check-summary", Static).update(text)
        self._status(head)
        table = self.query_one("#import-issues", DataTable)
        table.clear()
        order = sorted(range(len(r.issues)), key=lambda i: (r.issues[i].severity != "error", r.issues[i].line or 0))
        for i in order:  # errors first, then by line
            issue = r.issues[i]
            table.add_row(str(issue.line or ""), plain(issue.column or ""),
                          Text(issue.severity, style=SEVERITY.get(issue.severity, "")), plain(issue.message),
                          plain(issue.release or ""), key=str(i))

    def _clear_report(self, why: str) -> None:
        self.report, self.report_kind = None, ""
        self.query_one("#import-issues", DataTable).clear()
        self.query_one("#import-check-summary", Static).update(
            plain(why or "Run a dry run (ctrl+t) to check the whole file."))

    # -- jumping to a problem's row ----------------------------------------------------------------
    @on(DataTable.RowSelected, "#import-issues")
    def _issue_selected(self, event: DataTable.RowSelected) -> None:
        if self.report is None or self.preview is None:
            return
        issue = self.report.issues[int_key(event.row_key)]
        if not issue.line:
            self.notify("This problem concerns no single line", title="Import")
            return
        self.load_row(self.preview, issue)

    @work(thread=True, exclusive=True, group="import-row", exit_on_error=False)
    def load_row(self, preview: Any, issue: Any) -> None:
        row = self.app.services.transfer.read_row(preview, int(issue.line))
        self.app.call_from_thread(self._show_row, row, issue)

    def _show_row(self, row: Any, issue: Any) -> None:
        if row is None:
            rows = self.query_one("#import-rows-table", DataTable)
            if str(issue.line) in rows.rows:
                self.action_tab("tab-rows")
                rows.move_cursor(row=rows.get_row_index(str(issue.line)))
                rows.focus()
            else:
                self.notify(f"Line {issue.line} holds no table row to show ({self.preview.format})", title="Import")
            return
        fields = {c.header: c.field for c in self.preview.columns}
        self.app.push_screen(RowModal(row, fields, issue, self.preview.path.name))

    # -- saving the mapping ------------------------------------------------------------------------
    def action_save_mapping(self) -> None:
        if not self.check_action("save_mapping", ()):
            return
        default = str(self.preview.path.with_suffix(".map.toml"))

        def chosen(path: str | None) -> None:
            if path:
                self.check_mapping_path(path)

        self.app.push_screen(SaveMappingModal(default), chosen)

    @work(thread=True, exclusive=True, group="import-save", exit_on_error=False)
    def check_mapping_path(self, path: str) -> None:
        out = self.app.services.transfer.mapping_file(path)
        self.app.call_from_thread(self._confirm_mapping_path, out)

    def _confirm_mapping_path(self, out: Any) -> None:
        if not out.exists:
            self.save_mapping(out.path)
            return

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.save_mapping(out.path)

        self.app.push_screen(ConfirmModal(f"{out.path} exists. Replace it?", yes="Replace", danger=True), confirmed)

    @work(thread=True, exclusive=True, group="import-save", exit_on_error=False)
    def save_mapping(self, path: Path) -> None:
        saved = self.app.services.transfer.save_mapping(self.preview.mapping, path)
        self.app.call_from_thread(self.notify, f"Mapping saved to {saved} (use it with --map)", title="Import")

    # -- leaving -----------------------------------------------------------------------------------
    def _status(self, text: str) -> None:
        self.query_one("#import-status", Static).update(plain(text))

    def action_back(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self._status("Stopping: rolling back…")
            return
        self.app.pop_screen()
