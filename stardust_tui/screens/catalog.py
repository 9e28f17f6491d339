"""Catalog screen: a paged table of releases with search-as-you-type, filters and release actions.

Rows come one page at a time from ``CatalogService.page`` in a thread worker (group "catalog");
stale results of an older search are dropped by generation number. The label filter takes part of a
name: it is resolved to the one label meant (``services.catalog_filters``) before filtering. The screen
only coordinates: open/new go to the release wizard, build goes to the ERN preview, deliver opens the
deliver dialog (readiness, release, target and message type named, confirm), history, deliveries and
status open their screens.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TypedDict, Unpack

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Footer, Header, Input, Select, Static
from textual.worker import get_current_worker

from stardust_tui.commands import ScreenCommands
from stardust_tui.domain.enums import ReleaseStatus
from stardust_tui.domain.release_types import COMMON_RELEASE_TYPES
from stardust_tui.screens.base import StardustScreen
from stardust_tui.screens.plugin_palette import show_plugin_problems
from stardust_tui.screens.row_keys import int_key
from stardust_tui.services.catalog import CatalogPage, CatalogQuery
from stardust_tui.services.catalog_cache import LiveFirstPage
from stardust_tui.widgets.confirm import ConfirmModal
from stardust_tui.widgets.row_table import RowTable
from stardust_tui.widgets.styling import plain, state_text

# Most useful first: at 80 columns the last ones scroll off to the right; at 120 all fit (widths + 2 per cell
# = 118, room for the scrollbar of a full page).
COLUMNS = (("Title", "title", 21), ("Artist", "artist", 11), ("Status", "status", 10), ("UPC", "upc", 13),
           ("Delivery", "delivery", 10), ("Label", "label", 16), ("Type", "type", 11), ("Date", "date", 10))
TYPE_FILTERS = (*COMMON_RELEASE_TYPES[:5], "Compilation")


class _Filters(TypedDict, total=False):
    """The CatalogQuery fields a filter widget changes."""

    search: str
    status: str | None
    label: str | None
    release_type: str | None


class CatalogScreen(StardustScreen):
    """The release catalog: the first screen of the workstation."""

    TITLE = "Catalog"
    AUTO_FOCUS = "#releases"
    """Focused when composed, so the first frame is drawn focused (the app's default, the first focusable
    widget, was the search box: the table was drawn twice, unfocused then focused, ~280 cells each)."""
    SUB_TITLE = "2 Targets · 3 Deliveries"
    COMMANDS = {ScreenCommands}
    PAGE_SIZE = 100
    BINDINGS = [
        Binding("slash", "focus_search", "Search", id="catalog-search", tooltip="Search the catalog"),
        Binding("enter,e", "open", "Open", id="catalog-open", tooltip="Edit the selected release"),
        Binding("n", "new", "New", id="catalog-new", tooltip="Create a release with the wizard"),
        Binding("t", "tracks", "Tracks", id="catalog-tracks", tooltip="Edit the tracks of the selected release"),
        Binding("s", "deliver", "Deliver", id="catalog-deliver",
                tooltip="Check readiness and send the release to a target (new, update, takedown)"),
        Binding("x,delete", "delete", "Delete", id="catalog-delete", tooltip="Delete the selected release"),
        Binding("c", "duplicate", "Duplicate", id="catalog-duplicate", tooltip="Copy the selected release",
                show=False),
        Binding("r", "check", "Readiness", id="catalog-check", tooltip="Check the release is ready to deliver",
                show=False),
        Binding("b", "build", "ERN", id="catalog-build", tooltip="Build and validate the ERN message", show=False),
        Binding("h", "history", "History", id="catalog-history",
                tooltip="Revisions of the release, field-level diff, restore", show=False),
        Binding("d", "deliveries", "Deliveries", id="catalog-deliveries",
                tooltip="Deliveries and ACKs of the release per target", show=False),
        Binding("u", "status", "Status", id="catalog-status", tooltip="Set the release's status", show=False),
        Binding("right_square_bracket", "page(1)", "Next page", id="catalog-next-page",
                tooltip="Show the next page of releases", show=False),
        Binding("left_square_bracket", "page(-1)", "Prev page", id="catalog-prev-page",
                tooltip="Show the previous page of releases", show=False),
        Binding("ctrl+r", "refresh", "Refresh", id="catalog-refresh", tooltip="Reload the current page",
                show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.query_state = CatalogQuery(limit=self.PAGE_SIZE)
        self.total = 0
        self._generation = 0
        self._page_starts: list[int | None] = []  # before_id of each earlier page, for going back
        self._counted: tuple | None = None  # the filters self.total was counted for
        self._label_note = ""  # what the label filter text resolved to (or could mean)
        self._cached = False  # the rows are last session's first page, the live one is on its way
        self._early = False  # the rows are the first page read without the ORM, the live one is on its way
        self._live = False  # a live page has been shown
        self._suspended = False  # another screen is (or was) over this one since the page was loaded

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="catalog-filters"):
            yield Input(placeholder="Search title, artist, UPC, ISRC… (/)", id="search", compact=True)
            yield Select([(s.value, s.value) for s in ReleaseStatus], prompt="Status", id="status-filter",
                         compact=True)
            yield Select([(t, t) for t in TYPE_FILTERS], prompt="Type", id="type-filter", compact=True)
            yield Input(placeholder="Label", id="label-filter", compact=True)
        table = RowTable(id="releases", zebra_stripes=True)
        for label, key, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        yield table
        yield Static("", id="catalog-empty", markup=False)
        yield Static("Loading…", id="catalog-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#releases", DataTable).focus()
        early = getattr(self.app, "live_first_page", None)
        if early is not None and early.limit != self.query_state.limit:
            early = None
        rows = early.result() if early is not None else None
        cached = getattr(self.app, "cached_first_page", None)
        if rows:  # the first page as it is now, read without the ORM (services/catalog_cache.py)
            self._show_early(rows)
        elif cached:  # last session's first page while the store opens; the live page replaces it
            self._cached = True
            self._fill_rows(cached)
            self._show_status()
        self.reload()
        if early is not None and not early.done.is_set():
            self.wait_for_early_page(early, self._generation)

    @work(thread=True, exclusive=True, group="catalog-early", exit_on_error=False)
    def wait_for_early_page(self, early: LiveFirstPage, generation: int) -> None:
        """The first page read without the ORM was not there at mount: show it when it is, unless the live
        page (or another search) came first."""
        worker = get_current_worker()
        while not early.done.wait(0.02):
            if worker.is_cancelled:
                return
        rows = early.result()
        if rows and not worker.is_cancelled:
            self.app.call_from_thread(self._early_arrived, rows, generation)

    def _early_arrived(self, rows: list, generation: int) -> None:
        if generation == self._generation and not self._live:
            self._show_early(rows)

    def _show_early(self, rows: list) -> None:
        self._cached, self._early = False, True
        self._fill_rows(rows)
        self._show_status()

    # -- loading -----------------------------------------------------------------------------------
    def reload(self, query: CatalogQuery | None = None) -> None:
        if query is not None:
            self.query_state = query
        self._generation += 1
        self.load_page(self.query_state, self._generation)

    @work(thread=True, exclusive=True, group="catalog", exit_on_error=False)
    def load_page(self, query: CatalogQuery, generation: int) -> None:
        catalog = self.app.services.catalog
        page = catalog.page(query, with_total=False)  # rows first: counting a large catalog takes longer
        worker = get_current_worker()
        if worker.is_cancelled:
            return
        self.app.call_from_thread(self.show_page, page, generation)
        if self._counted != (query.search, query.status, query.label, query.release_type):
            total = catalog.count(query)
            if not worker.is_cancelled:
                self.app.call_from_thread(self.show_total, total, query, generation)

    def show_page(self, page: CatalogPage, generation: int) -> None:
        if generation != self._generation:  # an older search finished late: drop it
            return
        self._cached = self._early = False
        if not self._live:
            self._live = True
            self.workers.cancel_group(self, "catalog-early")  # an early page would come too late now
        self._fill_rows(page.rows)
        self._show_empty(not page.rows)
        self._show_status()
        q = page.query
        if not (q.search.strip() or q.status or q.label or q.release_type or q.before_id):
            self.save_first_page(page.rows)
        if hasattr(self.app, "first_rows_shown"):
            self.app.first_rows_shown()

    def _fill_rows(self, rows: list) -> None:
        table = self.query_one("#releases", DataTable)
        selected = self.selected_id()
        table.clear()
        for row in rows:
            table.add_row(
                plain(row.title), plain(row.display_artist), state_text(self.app, "release", row.status),
                plain(row.upc), state_text(self.app, "delivery", row.last_delivery_state or ""),
                plain(row.label_name), plain(row.release_type), plain(row.release_date), key=str(row.id))
        if selected is not None and str(selected) in table.rows:
            table.move_cursor(row=table.get_row_index(str(selected)))

    @work(thread=True, exclusive=True, group="catalog-cache", exit_on_error=False)
    def save_first_page(self, rows: list) -> None:
        """Keep the live first page for the next start (services/catalog_cache.py)."""
        from stardust_tui.services.catalog_cache import write_first_page

        services = self.app.services
        write_first_page(services.settings, services.actor.name, rows)

    def _show_empty(self, empty: bool) -> None:
        """No rows: say what matched nothing instead of an empty grid."""
        q = self.query_state
        self.set_class(empty, "-empty")
        if not empty:
            return
        what = [f"“{q.search.strip()}”"] if q.search.strip() else []
        what += [f"{name} {value}" for name, value in (("status", q.status), ("type", q.release_type),
                                                         ("label", q.label)) if value]
        text = (f"No releases match {', '.join(what)}." if what else "No releases yet.")
        text += ("\nClear the search (/) or the filters to see every release." if what
                 else "\nPress n to create one, or import a catalog file (ctrl+p).")
        self.query_one("#catalog-empty", Static).update(text)

    def show_total(self, total: int, query: CatalogQuery, generation: int) -> None:
        if generation != self._generation:
            return
        self.total = total
        self._counted = (query.search, query.status, query.label, query.release_type)
        self._show_status()

    def _show_status(self) -> None:
        q = self.query_state
        shown = self.query_one("#releases", DataTable).row_count
        if self._cached:
            self.query_one("#catalog-status", Static).update(
                f"1–{shown:,} of … releases as of your last session · opening the catalog, refreshing…")
            return
        if self._early:
            self.query_one("#catalog-status", Static).update(f"1–{shown:,} of … releases · opening the catalog…")
            return
        first = q.offset + 1 if shown else 0
        page_no = q.offset // q.limit + 1
        if self._counted == (q.search, q.status, q.label, q.release_type):
            pages = max(1, -(-self.total // q.limit))
            text = f"{first:,}–{q.offset + shown:,} of {self.total:,} releases · page {page_no}/{pages} ([ ] to page)"
        else:
            text = f"{first:,}–{q.offset + shown:,} of … releases (counting) · page {page_no} ([ ] to page)"
        if q.search.strip():
            text += f" · search “{q.search.strip()}”"
        if self._label_note:
            text += f" · {self._label_note}"
        self.query_one("#catalog-status", Static).update(text)

    def selected_id(self) -> int | None:
        table = self.query_one("#releases", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return int(key.value) if key.value is not None else None

    # -- filters -----------------------------------------------------------------------------------
    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._filtered(search=event.value)

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.query_one("#releases", DataTable).focus()

    @on(Input.Changed, "#label-filter")
    def _label_changed(self, event: Input.Changed) -> None:
        self.resolve_label(event.value)

    @work(thread=True, exclusive=True, group="catalog-label", exit_on_error=False)
    def resolve_label(self, text: str) -> None:
        """Part of a label name -> the label meant (or a note saying which ones the text could be)."""
        from stardust_tui.services.catalog_filters import resolve_label

        if not text.strip():
            self.app.call_from_thread(self._label_resolved, text, None, [])
            return
        label, candidates = resolve_label(self.app.services, text)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._label_resolved, text, label, candidates)

    def _label_resolved(self, text: str, label: str | None, candidates: list[str]) -> None:
        if self.query_one("#label-filter", Input).value != text:
            return  # typed on since
        if not text.strip():
            self._label_note = ""
            self._filtered(label=None)
        elif label is not None:
            self._label_note = f"label “{label}”"
            self._filtered(label=label)
        elif candidates:
            shown = ", ".join(candidates[:3]) + ("…" if len(candidates) > 3 else "")
            self._label_note = f"label “{text.strip()}” could be {len(candidates)}: {shown} (type more)"
            self._show_status()
        else:
            self._label_note = f"no label contains “{text.strip()}”"
            self._filtered(label=text.strip())  # nothing matches: the empty state says so

    @on(Select.Changed, "#status-filter")
    def _status_changed(self, event: Select.Changed) -> None:
        self._filtered(status=None if event.select.is_blank() else str(event.value))

    @on(Select.Changed, "#type-filter")
    def _type_changed(self, event: Select.Changed) -> None:
        self._filtered(release_type=None if event.select.is_blank() else str(event.value))

    @on(DataTable.RowSelected, "#releases")
    def _row_selected(self) -> None:
        self.action_open()

    # -- actions -----------------------------------------------------------------------------------
    def action_focus_search(self) -> None:
        # set_focus is immediate (widget.focus() is deferred): keys typed right after "/" land in the box
        self.set_focus(self.query_one("#search", Input))

    def action_page(self, step: int) -> None:
        q = self.query_state
        table = self.query_one("#releases", DataTable)
        if step > 0:
            if table.row_count < q.limit:  # a short page is the last one
                self.app.bell()
                return
            last_id = int_key(table.coordinate_to_cell_key(Coordinate(table.row_count - 1, 0)).row_key)
            self._page_starts.append(q.before_id)
            self.reload(replace(q, offset=q.offset + q.limit, before_id=last_id))
        else:
            if not self._page_starts:
                self.app.bell()
                return
            self.reload(replace(q, offset=max(0, q.offset - q.limit), before_id=self._page_starts.pop()))

    def _filtered(self, **changes: Unpack[_Filters]) -> None:
        """A filter changed: back to the first page."""
        self._page_starts.clear()
        self.reload(replace(self.query_state, offset=0, before_id=None, **changes))

    def on_screen_suspend(self) -> None:
        self._suspended = True

    def on_screen_resume(self) -> None:
        """Back from another screen: reload. Not on the first resume, right after mounting: that loaded the
        page already, and a second load at start-up ran the first page's query twice beside the first frame."""
        if self._suspended:
            self._suspended = False
            self._counted = None  # releases may have been added or deleted meanwhile
            self.reload()

    def theme_changed(self) -> None:
        """The status and delivery colours come from the theme: draw the rows again."""
        self.reload()

    def action_refresh(self) -> None:
        self.reload()

    def action_open(self) -> None:
        release_id = self.selected_id()
        if release_id is not None:
            self.app.open_release(release_id)

    def action_new(self) -> None:
        self.app.open_release(None)

    def action_tracks(self) -> None:
        release_id = self.selected_id()
        if release_id is not None:
            self.app.open_tracks(release_id)

    def action_build(self) -> None:
        release_id = self.selected_id()
        if release_id is not None:
            self.app.open_ern(release_id)

    def action_delete(self) -> None:
        release_id = self.selected_id()
        if release_id is None:
            return
        table = self.query_one("#releases", DataTable)
        title = table.get_row(str(release_id))[0]

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.run_release_job("delete", release_id)

        self.app.push_screen(ConfirmModal(f"Delete “{title}” and its tracks, deals and history?",
                                          yes="Delete", danger=True), confirmed)

    def action_duplicate(self) -> None:
        release_id = self.selected_id()
        if release_id is not None:
            self.run_release_job("duplicate", release_id)

    def action_check(self) -> None:
        release_id = self.selected_id()
        if release_id is not None:
            self.run_release_job("check", release_id)

    def action_deliver(self) -> None:
        release_id = self.selected_id()
        if release_id is not None:
            self.app.open_deliver(release_id)

    def action_history(self) -> None:
        release_id = self.selected_id()
        if release_id is not None:
            self.app.open_history(release_id)

    def action_deliveries(self) -> None:
        release_id = self.selected_id()
        if release_id is not None:
            self.app.open_release_deliveries(release_id)

    def action_status(self) -> None:
        release_id = self.selected_id()
        if release_id is not None:
            self.app.open_status(release_id)

    @work(thread=True, exclusive=True, group="catalog-action", exit_on_error=False)
    def run_release_job(self, job: str, release_id: int) -> None:
        services = self.app.services
        notify = self.app.call_from_thread
        if job == "delete":
            services.catalog.delete(release_id)
            notify(self.notify, f"Release {release_id} deleted")
        elif job == "duplicate":
            new_id = services.catalog.duplicate(release_id)
            notify(self.notify, f"Duplicated as release {new_id} (a draft without UPC)")
        elif job == "check":
            report = services.catalog.readiness(release_id)
            lines = [line for mark, found in (("✗", report.errors), ("!", report.warnings)) for f in found
                     for line in (f"{mark} {f.field}: {f.message}", *([f"   fix: {f.fix}"] if f.fix else []))]
            notify(show_plugin_problems, self.app)  # issue 16: a plugin that failed to load (rules run here)
            head = "Ready to deliver" if report.ok else f"Not ready: {len(report.errors)} error(s)"
            notify(self.notify, "\n".join([head, *lines[:8]]), title="Readiness",
                   severity="information" if report.ok else "warning", timeout=10)
            return
        self._counted = None
        notify(self.reload)
