"""The daemon's side jobs: scheduled backups with retention, the hot folders from the config, and the
``[retention]`` policy (issue 15).

All are settings of the worker daemon (``[backup]``, ``[watch]`` and ``[retention]`` in config.toml). Backups
run only when ``[backup] enabled = true`` (or an ``interval_hours`` is set); hot folders when ``[watch] dirs``
lists any; retention when any of its keys is set. Failures are logged as events and retried on the next
round; they never stop deliveries.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

from sqlalchemy.engine import Engine

from stardust_tui.config import Settings
from stardust_tui.worker.events import DeliveryEvents, Event, JsonLineLog

BACKUP_CHECK_S = 300.0


def backups_enabled(settings: Settings) -> bool:
    cfg = settings.backup or {}
    return bool(cfg.get("enabled", "interval_hours" in cfg))


async def backup_loop(settings: Settings, *, log: JsonLineLog, listener: Callable[[Event], None] | None = None,
                      check_s: float = BACKUP_CHECK_S, engine: Engine | None = None) -> None:
    """Every ``check_s``: take a backup when the newest one is older than the interval, prune to ``keep``.

    With ``engine``, each outcome is also a backup.finished/backup.failed notification (issue 10)."""
    from stardust_tui.importexport.backup import run_scheduled_backup
    from stardust_tui.notify.emit import backup_done

    sink = DeliveryEvents(delivery_id=None, target_id=None, log=log, listener=listener)
    while True:
        try:
            result = await asyncio.to_thread(run_scheduled_backup, settings, engine=engine)
        except Exception as exc:  # noqa: BLE001 - logged, retried next round
            sink.warning(f"scheduled backup failed: {type(exc).__name__}: {exc}", step="backup")
            await asyncio.to_thread(backup_done, engine, ok=False, error=f"{type(exc).__name__}: {exc}",
                                    scheduled=True)
        else:
            if result is not None:
                sink.info(f"scheduled backup written: {getattr(result, 'path', result)}", step="backup")
                for line in result.missing_details[:20]:  # never a silent skip (issue 12)
                    sink.warning(f"scheduled backup: {line}", step="backup")
                await asyncio.to_thread(backup_done, engine, ok=True, path=str(result.snapshot),
                                        summary=result.summary(), scheduled=True)
        await asyncio.sleep(check_s)


def retention_enabled(settings: Settings) -> bool:
    from stardust_tui.services.retention import policy

    return bool(policy(settings))


async def retention_loop(settings: Settings, engine: Engine, *, actor: str | None, log: JsonLineLog,
                         listener: Callable[[Event], None] | None = None) -> None:
    """Apply ``[retention]`` at start and then every ``retention.interval_hours`` (default 24), as ``actor``."""
    from stardust_tui.domain.models import utcnow
    from stardust_tui.services.retention import DEFAULT_INTERVAL_HOURS, apply_policy
    from stardust_tui.store.db import current_actor

    sink = DeliveryEvents(delivery_id=None, target_id=None, log=log, listener=listener)
    interval_s = float(settings.retention.get("interval_hours", DEFAULT_INTERVAL_HOURS)) * 3600
    who = actor or current_actor()
    while True:
        try:
            report = await asyncio.to_thread(apply_policy, settings, engine, actor=who, dry_run=False, now=utcnow())
        except Exception as exc:  # noqa: BLE001 - logged, retried next round
            sink.warning(f"retention failed: {type(exc).__name__}: {exc}", step="retention")
        else:
            if report.total:
                done = ", ".join(f"{s.count} {s.what}" for s in report.sweeps if s.count)
                sink.info(f"retention removed {done}", step="retention")
        await asyncio.sleep(interval_s)


HotFolders = tuple[threading.Thread, threading.Event]


def start_hot_folders(settings: Settings, engine: Engine, *, log: JsonLineLog,
                      listener: Callable[[Event], None] | None = None, actor: str | None = None) -> HotFolders | None:
    """Watch ``[watch] dirs`` in a daemon thread, importing as ``actor`` (``worker@host``); returns (thread,
    stop event) or None when none are set."""
    if not settings.watch_dirs:
        return None
    from stardust_tui.importexport.hotfolder import run_watch_dirs

    sink = DeliveryEvents(delivery_id=None, target_id=None, log=log, listener=listener)
    stop = threading.Event()

    def on_result(result: object) -> None:
        sink.info(f"hot folder: {result}", step="hot-folder")

    def run() -> None:
        try:
            run_watch_dirs(settings, engine, stop, on_result=on_result, actor=actor)
        except Exception as exc:  # noqa: BLE001 - reported; deliveries go on
            sink.error(f"hot folder stopped: {type(exc).__name__}: {exc}", step="hot-folder")

    thread = threading.Thread(target=run, name="stardust-hot-folders", daemon=True)
    thread.start()
    return thread, stop
