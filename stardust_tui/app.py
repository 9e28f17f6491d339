"""The Textual shell of the workstation: modes, themes, keymap, worker lifecycle, error handling.

Screens do the coordinating and services do the work; this module only wires them together.
Build it with :func:`make_app` (used by ``stardust tui`` and by the tests).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import deque
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from stardust_tui.commands import NavigationCommands
from stardust_tui.config import Settings
from stardust_tui.errors import StardustError
from stardust_tui.messages import DeliveryFinished
from stardust_tui.screens.notify_watch import NotifyWatch
from stardust_tui.screens.plugin_palette import PluginCommands
from stardust_tui.screens.worker_watch import DAEMON_STALE_AFTER_S, WORKER_CHECK_S, WorkerWatch
from stardust_tui.services import Services
from stardust_tui.services.logtail import LogTail, finished_state
from stardust_tui.themes import DOMAIN_VARIABLE_DEFAULTS, load_themes
from stardust_tui.widgets.alt_keys import install as install_alt_key_parser

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from stardust_tui.services.catalog_cache import LiveFirstPage

DEFAULT_THEME = "stardust-dark"
BACKGROUND_GRACE_S = 3.0
LOG_EVENTS_KEPT = 5000


def _catalog_screen() -> Screen:
    from stardust_tui.screens.catalog import CatalogScreen

    return CatalogScreen()


def _targets_screen() -> Screen:
    from stardust_tui.screens.targets import TargetsScreen

    return TargetsScreen()


def _deliveries_screen() -> Screen:
    from stardust_tui.screens.deliveries import DeliveriesScreen

    return DeliveriesScreen()


class StardustApp(App[None]):
    """Stardust workstation: catalog, release editing, ERN preview, targets and deliveries."""

    TITLE = "Stardust"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {NavigationCommands, PluginCommands}  # issue 16: plugin screens in the palette
    MODES = {"catalog": _catalog_screen, "targets": _targets_screen, "deliveries": _deliveries_screen}
    DEFAULT_MODE = "catalog"
    BINDINGS = [
        # Off the footer (no room at 80 columns): the three main screens name their keys in the header.
        Binding("1", "switch_mode('catalog')", "Catalog", id="go-catalog", tooltip="Show the release catalog",
                show=False),
        Binding("2", "switch_mode('targets')", "Targets", id="go-targets", tooltip="Show delivery targets",
                show=False),
        Binding("3", "switch_mode('deliveries')", "Deliveries", id="go-deliveries",
                tooltip="Show the delivery queue and live log", show=False),
        Binding("ctrl+p,f1", "command_palette", "Commands", id="command-palette",
                tooltip="Search every action of this screen", show=False),
        Binding("ctrl+q", "quit", "Quit", id="quit", tooltip="Quit Stardust", priority=True),
        Binding("f6", "open_notifications", "Notifications", id="notifications", show=False,
                tooltip="Recent notifications (the header's ✉ count) and the channels' health"),  # issue 10
    ]

    def __init__(self, services: Services, *, start_workers: bool = True) -> None:
        self.services = services
        self.start_workers = start_workers
        install_alt_key_parser()  # alt+n alt+n in quick succession: two alt keys, not "^n" typed (issue 17)
        super().__init__()
        self.animation_level = "none"
        self.stardust_themes = load_themes(services.settings.paths.themes_dir)
        for theme in self.stardust_themes.values():
            self.register_theme(theme)
        wanted = services.settings.theme
        self.theme = wanted if wanted in self.available_themes else DEFAULT_THEME
        self.runner: Any = None
        self.worker_mode = "off"
        """off (none here), daemon (a live `stardust worker`), in-process (here), lapsed (the daemon stopped)."""
        self.worker_watch = WorkerWatch(self)  # not `watch`: that would hide Textual's DOMNode.watch()
        self.notify_watch = NotifyWatch(self)  # issue 10: the unread count in every header, problem toasts
        self.daemon_stale_after_s = DAEMON_STALE_AFTER_S
        self.worker_check_s = WORKER_CHECK_S
        self._background_started = False
        self.cached_first_page: list[Any] = []
        """The catalog's first page as this user last saw it (``services/catalog_cache.py``)."""
        self.live_first_page: LiveFirstPage | None = None
        """The catalog's first page as it is now, read without the ORM while the store opens (the CLI starts it)."""
        self.log_events: deque[dict[str, Any]] = deque(maxlen=LOG_EVENTS_KEPT)
        self._log_stop = threading.Event()

    @property
    def settings(self) -> Settings:
        return self.services.settings

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Toasts are plain text: they carry titles, paths and server errors (``[XSD]``, ``[/]``...).

        Widgets pass ``markup=True`` by default when they forward ``Widget.notify``; it is ignored here, so
        no toast of this app ever parses what a user or a server wrote.
        """
        del markup
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(DOMAIN_VARIABLE_DEFAULTS)

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.set_timer(BACKGROUND_GRACE_S, self.first_rows_shown)  # in case the catalog never shows rows

    def first_rows_shown(self) -> None:
        """The catalog's first page is on screen: only now start the background work (the delivery log
        follower, in-process workers, the heartbeat check), so none of it competes with the first page
        for the interpreter (imports and queries hold the GIL)."""
        if self._background_started:
            return
        self._background_started = True
        self.follow_delivery_log()
        if self.start_workers:
            self.start_in_process_workers()
        self.set_interval(self.worker_check_s, self.check_workers)
        self.check_workers()
        self.notify_watch.start()

    def _theme_changed(self, theme: Any) -> None:
        """Rows coloured from the old theme's variables are drawn again; the choice is remembered."""
        for screen in self.screen_stack:
            if hasattr(screen, "theme_changed"):
                screen.theme_changed()
        if theme.name != self.settings.theme:
            self.run_worker(partial(self._remember_theme, theme.name), thread=True, group="preferences",
                            name="remember the theme", exit_on_error=False)

    def _remember_theme(self, name: str) -> None:
        from stardust_tui.services.preferences import remember_theme

        remember_theme(self.settings, name)

    # -- navigation (screens call these; each pushes a screen over the current mode) ----------------
    def open_release(self, release_id: int | None) -> None:
        from stardust_tui.screens.release_wizard import ReleaseWizardScreen

        self.push_screen(ReleaseWizardScreen(release_id))

    def open_tracks(self, release_id: int) -> None:
        from stardust_tui.screens.track_editor import TrackEditorScreen

        self.push_screen(TrackEditorScreen(release_id))

    def open_ern(self, release_id: int) -> None:
        from stardust_tui.screens.ern_preview import ErnPreviewScreen

        self.push_screen(ErnPreviewScreen(release_id))

    # -- screens of issue 17's missing capabilities and issue 14's import screen (tui-new) -------------
    def open_deliver(self, release_id: int, *, target_id: int | None = None, message_type: str | None = None) -> None:
        """The deliver dialog: readiness first, then release, target and message type named, then confirm."""
        from stardust_tui.screens.deliver_dialog import DeliverDialog

        self.push_screen(DeliverDialog(release_id, target_id=target_id, message_type=message_type))

    def open_status(self, release_id: int) -> None:
        from stardust_tui.screens.release_status import ReleaseStatusModal

        self.push_screen(ReleaseStatusModal(release_id))

    def open_history(self, release_id: int) -> None:
        from stardust_tui.screens.history import HistoryScreen

        self.push_screen(HistoryScreen(release_id))

    def open_release_deliveries(self, release_id: int) -> None:
        from stardust_tui.screens.release_deliveries import ReleaseDeliveriesScreen

        self.push_screen(ReleaseDeliveriesScreen(release_id))

    def open_delivery(self, delivery_id: int) -> None:
        from stardust_tui.screens.delivery_detail import DeliveryDetailScreen

        self.push_screen(DeliveryDetailScreen(delivery_id))

    def open_workers(self) -> None:
        from stardust_tui.screens.workers import WorkersScreen

        self.push_screen(WorkersScreen())

    def open_export(self, release_ids: list[int] | None = None) -> None:
        from stardust_tui.screens.export import ExportScreen

        self.push_screen(ExportScreen(release_ids))

    def open_import(self) -> None:
        from stardust_tui.screens.import_screen import ImportScreen

        self.push_screen(ImportScreen())

    # -- issue 15 (roles): the audit log ------------------------------------------------------------------
    def open_audit(self, entity: str | None = None) -> None:
        """The audit log, optionally of one thing (``release:42``, ``target:shop``)."""
        from stardust_tui.screens.audit import AuditScreen

        self.push_screen(AuditScreen(entity))

    # -- issue 13 (trust): the Health screen (stardust doctor) ---------------------------------------------
    def open_health(self) -> None:
        """Every doctor check of this installation (database, schemas, targets, workers, speed...)."""
        from stardust_tui.screens.health import HealthScreen

        self.push_screen(HealthScreen())

    # -- notifications (issue 10, notify): the panel, and the unread count in every screen's header -----
    def action_open_notifications(self) -> None:
        from stardust_tui.screens.notifications import NotificationsScreen

        if not isinstance(self.screen, NotificationsScreen):
            self.push_screen(NotificationsScreen())

    def format_title(self, title: str, sub_title: str) -> Content:
        content = super().format_title(title, sub_title)
        badge = self.notify_watch.badge() if hasattr(self, "notify_watch") else ""
        return Content.assemble(content, ("   " + badge, "bold")) if badge else content

    # -- delivery workers and the live delivery log ----------------------------------------------------
    def start_in_process_workers(self, force: bool = False) -> None:
        """Run the delivery runner inside the app when no `stardust worker` daemon is alive (``force``:
        whatever the daemon's state, e.g. it just stopped or the user asked with ``w``)."""
        if self.runner is not None and not self.runner.stopping:
            return
        # Textual's WorkType is a union (coroutine function | plain callable | awaitable) that mypy cannot solve
        # for an async callable (it infers ResultType = Never): the call is right, the library's type is not
        self.run_worker(partial(self._run_delivery_workers, force), group="delivery",  # type: ignore[arg-type]
                        name="in-process delivery worker", exit_on_error=False, exclusive=True)

    async def _run_delivery_workers(self, force: bool = False) -> None:
        deliveries = self.services.deliveries
        if not force and await asyncio.to_thread(deliveries.daemon_alive):
            self.worker_mode = "daemon"
            return
        self.runner = await asyncio.to_thread(deliveries.make_runner)
        self.worker_mode = "in-process"
        self._workers_changed()
        try:
            await self.runner.run()
        finally:
            self.worker_mode = "off"
            self._workers_changed()

    def check_workers(self) -> None:
        """Read the workers' heartbeats (a thread) and react: a stopped daemon is noticed here."""
        if self.services.open_error is None:
            self.run_worker(self._read_workers, thread=True, group="worker-watch", name="worker check",
                            exclusive=True, exit_on_error=False)

    def _read_workers(self) -> None:
        rows = self.worker_watch.check()
        self.call_from_thread(self._workers_read, rows)

    def _workers_read(self, rows: list[Any]) -> None:
        self.worker_watch.seen(rows)
        self._workers_changed()

    def _workers_changed(self) -> None:
        for screen in self.screen_stack:
            if hasattr(screen, "workers_changed"):
                screen.workers_changed()

    @work(thread=True, group="delivery-log", name="delivery log", exit_on_error=False)
    def follow_delivery_log(self) -> None:
        """Tail the JSON-lines delivery log (written by in-process and daemon workers alike). On PostgreSQL
        stored events arrive over LISTEN/NOTIFY from workers on every host (issue 12, multihost) and the file
        only adds this machine's progress lines."""
        from watchfiles import watch

        from stardust_tui.services.delivery_follow import shared_events

        shared = shared_events(self.services)  # multihost (issue 12)
        if shared:
            self.follow_events_over_postgres()

        def keep(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [e for e in events if e.get("level") == "debug"] if shared else events

        path = self.settings.paths.delivery_log_file
        path.parent.mkdir(parents=True, exist_ok=True)
        tail = LogTail(path)
        me = get_current_worker()
        self.call_from_thread(self._take_events, keep(tail.read_new()), notify=False)
        for _changes in watch(path.parent, stop_event=self._log_stop, debounce=50, step=50, rust_timeout=300,
                              yield_on_timeout=True, raise_interrupt=False):
            if me.is_cancelled:
                return
            events = keep(tail.read_new())
            if events:
                self.call_from_thread(self._take_events, events, notify=True)

    @work(thread=True, group="delivery-events", name="delivery events (PostgreSQL)", exit_on_error=False)
    def follow_events_over_postgres(self) -> None:
        """Stored delivery events of every host's workers as PostgreSQL announces them (issue 12, multihost)."""
        from stardust_tui.services.delivery_follow import all_events

        me = get_current_worker()
        for batch in all_events(self.services, stop=lambda: me.is_cancelled or self._log_stop.is_set()):
            self.call_from_thread(self._take_events, batch, notify=True)

    def _take_events(self, events: list[dict[str, Any]], *, notify: bool) -> None:
        if not events:
            return
        self.log_events.extend(events)
        for screen in self.screen_stack:
            if hasattr(screen, "add_events"):
                screen.add_events(events)
        if notify:
            for event in events:
                finished = finished_state(event)
                if finished and event.get("delivery_id") is not None:
                    self.post_message(DeliveryFinished(int(event["delivery_id"]), finished,
                                                       str(event.get("message", ""))))

    @on(DeliveryFinished)
    def _delivery_finished(self, message: DeliveryFinished) -> None:
        severity: SeverityLevel = "information" if message.state == "succeeded" else "error"
        self.notify(f"Delivery {message.delivery_id} {message.state}: {message.detail}", title="Delivery",
                    severity=severity)

    async def action_quit(self) -> None:
        """Stop in-process deliveries cleanly (their leases go back to the queue), then exit."""
        self._log_stop.set()
        if self.runner is not None:
            self.runner.request_stop(hard=True)
            for worker in self.workers:
                if worker.group == "delivery":
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(worker.wait(), timeout=10)
        self.exit()

    @on(Worker.StateChanged)
    def _handle_worker_error(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.worker_failed(event.worker)

    def worker_failed(self, worker: Worker) -> None:
        """Every failed worker ends here (screens forward theirs: the message does not bubble).

        A store that cannot be opened ends the app (the CLI prints the error); another user error is one
        line; anything else names the job.
        """
        error, open_error = worker.error, self.services.open_error
        if open_error is not None and error is open_error:
            self.exit(return_code=open_error.exit_code)
            return
        if isinstance(error, StardustError):
            self.notify(str(error), title="Error", severity="error", timeout=8)
        else:
            self.log.error(f"worker {worker.name!r} failed", error)
            self.notify(f"{worker.name or 'background job'} failed: {error!r}", title="Error",
                        severity="error", timeout=10)

def make_app(settings: Settings, engine: Engine | Callable[[], Engine], *, start_workers: bool = True,
             clock: Callable[[], datetime] | None = None, live_first_page: LiveFirstPage | None = None
             ) -> StardustApp:
    """The one factory used by the CLI and the tests (which freeze ``clock``).

    ``engine`` may be a function that opens the store: it is then called by the first worker that needs
    the database, so the first frame does not wait for SQLAlchemy and the schema check. ``live_first_page``:
    the catalog's first page being read without the ORM (``services/catalog_cache.py``), shown until the
    live page replaces it; ignored unless it was read for this app's actor.
    """
    from stardust_tui.services.catalog_cache import read_first_page

    services = (Services(settings=settings, engine_source=engine) if clock is None
                else Services(settings=settings, engine_source=engine, now=clock))
    app = StardustApp(services, start_workers=start_workers)
    # Read here, before the event loop runs: the catalog shows these rows until the live page arrives.
    app.cached_first_page = read_first_page(settings, app.services.actor.name)
    if live_first_page is not None and live_first_page.actor == app.services.actor:
        app.live_first_page = live_first_page
    return app
