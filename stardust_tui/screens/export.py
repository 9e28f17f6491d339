"""Export releases: the whole catalog or releases picked by searching, as JSON or CSV, into a file.

Search results come from ``TransferService.find`` in a thread worker (stale results dropped); picks
survive new searches. The output path has a completer and is checked (folder exists, not a folder, asks
before replacing a file) before anything is written; the export streams into a temporary file renamed at
the end, with a progress bar, and ``escape`` while it runs stops it with nothing written.
"""

from __future__ import annotations

import threading
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Header, Input, ProgressBar, RadioSet, SelectionList, Static
from textual.widgets.selection_list import Selection

from stardust_tui.commands import ScreenCommands
from stardust_tui.screens.tool_base import MarkedRadioButton, MarkedSelectionList, ToolScreen
from stardust_tui.services.transfer import Cancelled, Found, OutputFile, with_extension
from stardust_tui.widgets.confirm import ConfirmModal
from stardust_tui.widgets.path_input import PathSuggester
from stardust_tui.widgets.styling import plain

FORMAT_NOTES = {"json": "JSON: everything (tracks, deals, credits), re-importable without loss",
                "csv": "CSV: one row per track, the first deal only; opens in a spreadsheet"}


class ExportScreen(ToolScreen):
    """Pick releases and a format, write the file."""

    TITLE = "Export"
    COMMANDS = {ScreenCommands}
    BINDINGS = [
        Binding("escape", "back", "Back", id="export-back", tooltip="Back (stops a running export)"),
        Binding("ctrl+s", "export", "Export", id="export-run", tooltip="Write the file now"),
        Binding("ctrl+t", "pick_all_shown", "Pick shown", id="export-pick-shown",
                tooltip="Pick every release the search shows"),
        Binding("ctrl+l", "clear_picks", "Clear picks", id="export-clear", tooltip="Unpick every release"),
    ]

    def __init__(self, release_ids: list[int] | None = None) -> None:
        super().__init__()
        self.picked: dict[int, str] = {rid: f"release {rid}" for rid in release_ids or []}
        self.shown: list[Any] = []
        self.catalog_size: int | None = None
        self._generation = 0
        self._cancel: threading.Event | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="export-top"):
            with RadioSet(id="export-scope", compact=True):
                yield MarkedRadioButton("Whole catalog", id="scope-all", compact=True, value=not self.picked)
                yield MarkedRadioButton("Picked releases", id="scope-picked", compact=True, value=bool(self.picked))
            with RadioSet(id="export-format", compact=True):
                yield MarkedRadioButton(FORMAT_NOTES["json"], id="format-json", compact=True, value=True)
                yield MarkedRadioButton(FORMAT_NOTES["csv"], id="format-csv", compact=True)
        yield Input(placeholder="Search releases to pick: title, artist, UPC, ISRC…", id="export-search",
                    compact=True)
        yield Static("Releases — space picks, Enter in the search box comes here", classes="tool-section")
        yield MarkedSelectionList[int](id="export-picks", compact=True)
        yield Static("", id="export-picked", classes="tool-note")
        yield Static("File — → accepts the suggested completion", classes="tool-section")
        yield Input(placeholder="File to write", id="export-path", compact=True, suggester=PathSuggester())
        yield ProgressBar(id="export-progress", show_eta=False)
        yield Static("", id="export-status", classes="tool-status")
        yield Footer()

    def on_mount(self) -> None:
        day = self.app.services.now().strftime("%Y%m%d")
        self.query_one("#export-path", Input).value = f"~/stardust-export-{day}.json"
        self.query_one("#export-progress", ProgressBar).display = False
        self.query_one("#export-search", Input).focus()
        self.search("")
        self._show_picked()
        if self.picked:
            self.name_picks(sorted(self.picked))

    @work(thread=True, exclusive=True, group="export-names", exit_on_error=False)
    def name_picks(self, ids: list[int]) -> None:
        """Titles of the releases the screen was opened with (the catalog's selection)."""
        heads = [self.app.services.releases.head(rid) for rid in ids]
        self.app.call_from_thread(self._named, {h.id: h.title for h in heads})

    def _named(self, names: dict[int, str]) -> None:
        for rid, title in names.items():
            if rid in self.picked:
                self.picked[rid] = title
        self._show_picked()

    # -- picking -----------------------------------------------------------------------------------
    @on(Input.Changed, "#export-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.search(event.value)

    @on(Input.Submitted, "#export-search")
    def _search_submitted(self) -> None:
        self.query_one("#export-picks", SelectionList).focus()

    def search(self, text: str) -> None:
        self._generation += 1
        self.find(text, self._generation)

    @work(thread=True, exclusive=True, group="export-find", exit_on_error=False)
    def find(self, text: str, generation: int) -> None:
        found = self.app.services.transfer.find(text)
        self.app.call_from_thread(self.show_found, found, text, generation)

    def show_found(self, found: Found, text: str, generation: int) -> None:
        if generation != self._generation:
            return
        if not text.strip():
            self.catalog_size = found.total
            self.query_one("#scope-all", MarkedRadioButton).label = Text(f"Whole catalog ({found.total:,} releases)")
        self.shown = found.rows
        picks = self.query_one("#export-picks", SelectionList)
        with picks.prevent(SelectionList.SelectedChanged):
            picks.clear_options()
            picks.add_options([Selection(self._label(r), int(r.id), int(r.id) in self.picked) for r in found.rows])
        for r in found.rows:  # names for picks passed in by id
            if int(r.id) in self.picked:
                self.picked[int(r.id)] = r.title
        more = f" (the newest {len(found.rows)} of {found.total:,} shown; search to narrow)" \
            if found.total > len(found.rows) else ""
        self._status(f"{found.total:,} release(s) match{more}" if text.strip() else f"{found.total:,} release(s)"
                     + more)
        self._show_picked()

    @staticmethod
    def _label(row: Any) -> Text:
        text = Text(row.title or "")
        text.append(f" — {row.display_artist}" if row.display_artist else "", style="dim")
        text.append(f"  {row.upc}" if row.upc else "", style="dim")
        return text

    @on(SelectionList.SelectedChanged, "#export-picks")
    def _picks_changed(self, event: SelectionList.SelectedChanged) -> None:
        chosen = set(event.selection_list.selected)
        for r in self.shown:
            rid = int(r.id)
            if rid in chosen:
                self.picked[rid] = r.title
            else:
                self.picked.pop(rid, None)
        if self.picked:
            self.query_one("#scope-picked", MarkedRadioButton).value = True
        self._show_picked()

    def _show_picked(self) -> None:
        names = list(self.picked.values())
        text = Text(f"{len(names)} picked" + (": " if names else ""), style="bold")
        text.append("; ".join(names[:6]) + (f" (+{len(names) - 6} more)" if len(names) > 6 else ""))
        self.query_one("#export-picked", Static).update(text)
        self.refresh_bindings()

    def action_pick_all_shown(self) -> None:
        self.query_one("#export-picks", SelectionList).select_all()

    def action_clear_picks(self) -> None:
        self.picked.clear()
        picks = self.query_one("#export-picks", SelectionList)
        picks.deselect_all()
        self.query_one("#scope-all", MarkedRadioButton).value = True
        self._show_picked()

    # -- format and path ---------------------------------------------------------------------------
    def fmt(self) -> str:
        pressed = self.query_one("#export-format", RadioSet).pressed_button
        return "csv" if pressed is not None and pressed.id == "format-csv" else "json"

    def scope_all(self) -> bool:
        pressed = self.query_one("#export-scope", RadioSet).pressed_button
        return pressed is None or pressed.id == "scope-all"

    @on(RadioSet.Changed, "#export-format")
    def _format_changed(self) -> None:
        path = self.query_one("#export-path", Input)
        path.value = with_extension(path.value, self.fmt())

    @on(RadioSet.Changed, "#export-scope")
    def _scope_changed(self) -> None:
        self.refresh_bindings()

    def _status(self, text: str) -> None:
        self.query_one("#export-status", Static).update(plain(text))

    # -- running -----------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export":
            return self._cancel is None and (self.scope_all() or bool(self.picked))
        if action in ("pick_all_shown", "clear_picks"):
            return self._cancel is None
        return True

    def action_export(self) -> None:
        if not self.check_action("export", ()):
            return
        ids = None if self.scope_all() else sorted(self.picked)
        self.check_output(self.query_one("#export-path", Input).value, self.fmt(), ids)

    @work(thread=True, exclusive=True, group="export-check", exit_on_error=False)
    def check_output(self, path: str, fmt: str, ids: list[int] | None) -> None:
        out = self.app.services.transfer.output_file(path, fmt)
        self.app.call_from_thread(self._confirm_output, out, fmt, ids)

    def _confirm_output(self, out: OutputFile, fmt: str, ids: list[int] | None) -> None:
        if not out.exists:
            self._start(out, fmt, ids)
            return

        def confirmed(ok: bool | None) -> None:
            if ok:
                self._start(out, fmt, ids)

        self.app.push_screen(ConfirmModal(f"{out.path} exists. Replace it?", yes="Replace", danger=True), confirmed)

    def _start(self, out: OutputFile, fmt: str, ids: list[int] | None) -> None:
        self._cancel = threading.Event()
        total = len(ids) if ids is not None else self.catalog_size
        bar = self.query_one("#export-progress", ProgressBar)
        bar.display = True
        bar.update(total=total or None, progress=0)
        self._status(f"Writing {out.path}…")
        self.refresh_bindings()
        self.run_export(out, fmt, ids, self._cancel)

    @work(thread=True, exclusive=True, group="export-run", exit_on_error=False)
    def run_export(self, out: OutputFile, fmt: str, ids: list[int] | None, cancel: threading.Event) -> None:
        def progress(done: int, total: int | None) -> None:
            self.app.call_from_thread(self.query_one("#export-progress", ProgressBar).update, progress=done,
                                      total=total)

        try:
            n = self.app.services.transfer.export(out.path, fmt, ids, progress=progress,
                                                  cancel=cancel)
        except Cancelled as exc:
            self.app.call_from_thread(self._finished, f"Stopped: {exc.message}")
            return
        except Exception:
            self.app.call_from_thread(self._finished, "Export failed; nothing was written")
            raise
        self.app.call_from_thread(self._finished, f"Wrote {n:,} release(s) to {out.path}", True)

    def _finished(self, text: str, ok: bool = False) -> None:
        self._cancel = None
        self._status(text)
        if ok:
            self.notify(text, title="Export")
        self.refresh_bindings()

    def action_back(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self._status("Stopping…")
            return
        self.app.pop_screen()
