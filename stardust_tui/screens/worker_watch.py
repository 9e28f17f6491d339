"""Who runs deliveries for this workstation, and what to do when a `stardust worker` daemon stops.

The app asks :meth:`WorkerWatch.check` every few seconds (from a thread: it reads the heartbeats through
``services.workers``) and hands the rows to :meth:`WorkerWatch.seen` on the main thread. A daemon the
app relied on that stops beating is noticed: with workers allowed (no ``--no-workers``) the app starts
its in-process runner at once and says so; otherwise it warns and the Deliveries screen offers ``w``.
:meth:`WorkerWatch.describe` is the one line the Deliveries screen shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stardust_tui.app import StardustApp

DAEMON_STALE_AFTER_S = 30.0  # as stardust_tui.worker.heartbeat.STALE_AFTER_S (not imported: no SQLAlchemy here)
WORKER_CHECK_S = 5.0


def ago_text(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"


class WorkerWatch:
    """The app's view of the delivery workers (daemons and this session's runner)."""

    def __init__(self, app: StardustApp) -> None:
        self.app = app
        self.rows: list[Any] = []
        self.checked = False
        self.lapsed: Any = None
        """The daemon row that stopped beating (None while a daemon is alive or none was ever seen)."""
        self._warned = False

    def check(self) -> list[Any]:
        """(thread) The heartbeat rows of every worker seen in the last day."""
        return self.app.services.workers.list()

    def seen(self, rows: list[Any]) -> None:
        """(main thread) React to fresh heartbeat rows."""
        app = self.app
        self.rows, self.checked = rows, True
        daemons = [r for r in rows if r.kind == "daemon"]
        alive = [r for r in daemons if r.seen_ago_s <= app.daemon_stale_after_s]
        if alive:
            if self.lapsed is not None:
                app.notify(f"The stardust worker daemon on {alive[0].host} is running again.", title="Workers")
            self.lapsed, self._warned = None, False
            if app.worker_mode == "lapsed":
                app.worker_mode = "daemon"
            return
        if not daemons or (app.worker_mode == "in-process" and self.lapsed is None):
            return
        newest = min(daemons, key=lambda r: r.seen_ago_s)
        first_time = self.lapsed is None
        self.lapsed = newest
        if app.worker_mode == "daemon" and app.start_workers:
            app.start_in_process_workers(force=True)
            app.notify(f"The stardust worker daemon on {newest.host} stopped (last heartbeat "
                       f"{ago_text(newest.seen_ago_s)} ago): deliveries now run in this session. Start "
                       "`stardust worker` again to keep them going after you quit.", title="Workers",
                       severity="warning", timeout=20)
        elif app.runner is None:
            app.worker_mode = "lapsed"
            if first_time and not self._warned:
                self._warned = True
                app.notify(f"The stardust worker daemon on {newest.host} stopped "
                           f"{ago_text(newest.seen_ago_s)} ago: queued deliveries are waiting. Press w on "
                           "Deliveries (3) to run them in this session.", title="Workers", severity="error",
                           timeout=20)

    def describe(self) -> tuple[str, bool]:
        """(text, is a warning) for the Deliveries screen's worker line."""
        app = self.app
        daemons = [r for r in self.rows if r.kind == "daemon" and r.seen_ago_s <= app.daemon_stale_after_s]
        stopped = ""
        if self.lapsed is not None:
            stopped = (f"the daemon on {self.lapsed.host} stopped {ago_text(self.lapsed.seen_ago_s)} ago "
                       f"(last heartbeat)")
        if app.runner is not None and not app.runner.stopping:
            text = f"Workers: this session runs deliveries ({app.runner.config.concurrency} at a time)"
            if daemons:
                text += f" · daemon on {daemons[0].host} too"
            return (text + (f" · ⚠ {stopped}" if stopped else ""), bool(stopped))
        if daemons:
            d = daemons[0]
            return (f"Workers: daemon on {d.host} (pid {d.pid}) · heartbeat {ago_text(d.seen_ago_s)} ago", False)
        if stopped:
            return (f"⚠ {stopped[0].upper()}{stopped[1:]}: queued deliveries are waiting · w runs them in this "
                    "session", True)
        if not self.checked and app.worker_mode == "off":
            return ("Workers: checking…", False)
        return ("⚠ No delivery worker is running: queued deliveries wait · w runs them in this session "
                "(or start `stardust worker`)", True)
