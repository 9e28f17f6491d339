"""The worker daemon's side jobs: scheduled backups (with retention) and hot folders from the config."""

from __future__ import annotations

import asyncio
import time

from stardust_tui.config import load_settings
from stardust_tui.importexport.backup import list_snapshots
from stardust_tui.worker import housekeeping
from stardust_tui.worker.events import JsonLineLog


def _settings(home, text: str):
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(text, encoding="utf-8")
    return load_settings()


def test_backups_are_opt_in(isolated_home):
    assert not housekeeping.backups_enabled(_settings(isolated_home, ""))
    assert housekeeping.backups_enabled(_settings(isolated_home, "[backup]\nenabled = true\n"))
    assert housekeeping.backups_enabled(_settings(isolated_home, "[backup]\ninterval_hours = 6\n"))


def test_backup_loop_writes_a_snapshot(isolated_home, sqlite_engine, tmp_path):
    out = tmp_path / "backups"
    settings = _settings(isolated_home, f'[backup]\nenabled = true\ndir = "{out}"\nkeep = 2\n')
    log = JsonLineLog(settings.paths.delivery_log_file)

    async def run_once() -> None:
        task = asyncio.create_task(housekeeping.backup_loop(settings, log=log, check_s=0.05))
        await asyncio.sleep(0.5)
        task.cancel()

    asyncio.run(run_once())
    snaps = list_snapshots(out)
    assert len(snaps) == 1, snaps  # interval not reached again: one snapshot only
    assert "scheduled backup written" in settings.paths.delivery_log_file.read_text(encoding="utf-8")


def test_hot_folders_start_and_stop(isolated_home, sqlite_engine, tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    settings = _settings(isolated_home, f'[watch]\ndirs = ["{drop}"]\n')
    log = JsonLineLog(settings.paths.delivery_log_file)
    assert housekeeping.start_hot_folders(load_settings_without_watch(isolated_home), sqlite_engine, log=log) is None
    started = housekeeping.start_hot_folders(settings, sqlite_engine, log=log)
    assert started is not None
    thread, stop = started
    time.sleep(0.3)
    assert thread.is_alive()
    stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive()


def load_settings_without_watch(home):
    (home / "config.toml").write_text("", encoding="utf-8")
    return load_settings()
