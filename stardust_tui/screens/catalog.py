"""Catalog screen: a paged table of releases with search-as-you-type, filters and release actions.

Rows come one page at a time from ``CatalogService.page`` in a thread worker (group "catalog");
stale results of an older search are dropped by generation number. The screen only coordinates:
open/new go to the release wizard, build goes to the ERN preview, deliver queues through the
delivery service, readiness comes from ``domain.rules``.
"""

from __future__ import annotations

from dataclasses import replace

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Input, Select, Static
from textual.worker import get_current_worker

from stardust_tui.commands import ScreenCommands
from stardust_tui.domain.enums import ReleaseStatus, ReleaseType
from stardust_tui.screens.base import StardustScreen
from stardust_tui.services.catalog import CatalogPage, CatalogQuery
from stardust_tui.widgets.confirm import ChoiceModal, ConfirmModal
from stardust_tui.widgets.styling import plain, state_text

# Most useful first: at 80 columns the last ones scroll off to the right.
COLUMNS = (("Title", "title", 22), ("Artist", "artist", 14), ("Status", "status", 10), ("UPC", "upc", 13),
           ("Delivery", "delivery", 10), ("Type", "type", 11), ("Date", "date", 10))


class CatalogScreen(StardustScreen):
    """The release catalog: the first screen of the workstation."""

    TITLE = "Catalog"
    COMMANDS = {ScreenCommands}
    PAGE_SIZE = 100
    BINDINGS = [
        Binding("slash", "focus_search", "Search", id="catalog-search", tooltip="Search the catalog"),
        Binding("enter,e", "open", "Open", id="catalog-open", tooltip="Edit the selected release"),
        Binding("n", "new", "New", id="catalog-new", tooltip="Create a release with the wizard"),
        Binding("t", "tracks", "Tracks", id="catalog-tracks", tooltip="Edit the tracks of the selected release"),
        Binding("c", "duplicate", "Duplicate", id="catalog-duplicate", tooltip="Copy the selected release"),
        Binding("delete,x", "delete", "Delete", id="catalog-delete", tooltip="Delete the selected release"),
        Binding("r", "check", "Readiness", id="catalog-check", tooltip="Check the release is ready to deliver"),
        Binding("b", "build", "ERN", id="catalog-build", tooltip="Build and validate the ERN message"),
        Binding("s", "deliver", "Deliver", id="catalog-deliver", tooltip="Queue a delivery to a target"),
        Binding("right_square_bracket", "page(1)", "Next page", id="catalog-next-page",
                tooltip="Show the next page of releases"),
        Binding("left_square_bracket", "page(-1)", "Prev page", id="catalog-prev-page",
                tooltip="Show the previous page of releases"),
        Binding("ctrl+r", "refresh", "Refresh", id="catalog-refresh", tooltip="Reload the current page"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.query_state = CatalogQuery(limit=self.PAGE_SIZE)
        self.total = 0
        self._generation = 0
        self._page_starts: list[int | None] = []  # before_id of each earlier page, for going back
        self._counted: tuple | None = None  # the filters self.total was counted for

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="catalog-filters"):
            yield Input(placeholder="Search title, artist, UPC, ISRC… (/)", id="search", compact=True)
            yield Select([(s.value, s.value) for s in ReleaseStatus], prompt="Status", id="status-filter",
                         compact=True)
            yield Select([(t.value, t.value) for t in ReleaseType], prompt="Type", id="type-filter", compact=True)
            yield Input(placeholder="Label", id="label-filter", compact=True)
        table: DataTable = DataTable(id="releases", cursor_type="row", zebra_stripes=True)
        for label, key, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        yield table
        yield Static("Loading…", id="catalog-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#releases", DataTable).focus()
        self.reload()

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
        table = self.query_one("#releases", DataTable)
        selected = self.selected_id()
        table.clear()
        for row in page.rows:
            table.add_row(
                plain(row.title), plain(row.display_artist), state_text(self.app, "release", row.status),
                plain(row.upc), state_text(self.app, "delivery", row.last_delivery_state or ""),
                plain(row.release_type), plain(row.release_date), key=str(row.id))
        if selected is not None and str(selected) in table.rows:
            table.move_cursor(row=table.get_row_index(str(selected)))
        self._show_status()

    def show_total(self, total: int, query: CatalogQuery, generation: int) -> None:
        if generation != self._generation:
            return
        self.total = total
        self._counted = (query.search, query.status, query.label, query.release_type)
        self._show_status()

    def _show_status(self) -> None:
        q = self.query_state
        shown = self.query_one("#releases", DataTable).row_count
        first = q.offset + 1 if shown else 0
        page_no = q.offset // q.limit + 1
        if self._counted == (q.search, q.status, q.label, q.release_type):
            pages = max(1, -(-self.total // q.limit))
            text = f"{first:,}–{q.offset + shown:,} of {self.total:,} releases · page {page_no}/{pages} ([ ] to page)"
        else:
            text = f"{first:,}–{q.offset + shown:,} of … releases (counting) · page {page_no} ([ ] to page)"
        if q.search.strip():
            text += f" · search “{q.search.strip()}”"
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
        self._filtered(label=event.value.strip() or None)

    @on(Select.Changed, "#status-filter")
    def _status_changed(self, event: Select.Changed) -> None:
        value = None if event.value is Select.BLANK else str(event.value)
        self._filtered(status=value)

    @on(Select.Changed, "#type-filter")
    def _type_changed(self, event: Select.Changed) -> None:
        value = None if event.value is Select.BLANK else str(event.value)
        self._filtered(release_type=value)

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
            last_id = int(table.coordinate_to_cell_key((table.row_count - 1, 0)).row_key.value)
            self._page_starts.append(q.before_id)
            self.reload(replace(q, offset=q.offset + q.limit, before_id=last_id))
        else:
            if not self._page_starts:
                self.app.bell()
                return
            self.reload(replace(q, offset=max(0, q.offset - q.limit), before_id=self._page_starts.pop()))

    def _filtered(self, **changes: object) -> None:
        """A filter changed: back to the first page."""
        self._page_starts.clear()
        self.reload(replace(self.query_state, offset=0, before_id=None, **changes))

    def on_screen_resume(self) -> None:
        if self._generation:
            self._counted = None  # releases may have been added or deleted meanwhile
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
        if release_id is None:
            return
        self.pick_target(release_id)

    @work(thread=True, exclusive=True, group="catalog-action", exit_on_error=False)
    def pick_target(self, release_id: int) -> None:
        targets = [(str(t.id), f"{t.name} ({t.profile})") for t in self.app.services.targets.list()
                   if t.enabled]
        if not targets:
            self.app.call_from_thread(self.notify, "No enabled delivery target: add one on the Targets screen (3)",
                                      severity="warning")
            return

        def chosen(target_id: str | None) -> None:
            if target_id:
                self.run_release_job("deliver", release_id, int(target_id))

        self.app.call_from_thread(self.app.push_screen, ChoiceModal("Deliver to which target?", targets), chosen)

    @work(thread=True, exclusive=True, group="catalog-action", exit_on_error=False)
    def run_release_job(self, job: str, release_id: int, target_id: int | None = None) -> None:
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
            lines = [f"✗ {f.field}: {f.message}" for f in report.errors]
            lines += [f"! {f.field}: {f.message}" for f in report.warnings]
            head = "Ready to deliver" if report.ok else f"Not ready: {len(report.errors)} error(s)"
            notify(self.notify, "\n".join([head, *lines[:8]]), title="Readiness",
                   severity="information" if report.ok else "warning", timeout=10)
            return
        elif job == "deliver" and target_id is not None:
            delivery_id = services.deliveries.enqueue(release_id, target_id)
            notify(self.notify, f"Delivery {delivery_id} queued")
            return
        self._counted = None
        notify(self.reload)
