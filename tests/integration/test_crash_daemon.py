"""The real `stardust worker` daemon as a subprocess: heartbeat, live log following, clean SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy.engine import Engine

from stardust_tui.cli import cli
from stardust_tui.config import Settings
from stardust_tui.store.db import session_scope
from stardust_tui.worker.heartbeat import is_daemon_alive, live_workers
from tests.integration.delivery_release import UPC, make_release

STARDUST = Path(sys.executable).with_name("stardust")


def _cli(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_daemon_delivers_follows_and_stops_cleanly(settings: Settings, sqlite_engine: Engine, tmp_path: Path) -> None:
    out = tmp_path / "dsp"
    out.mkdir()
    make_release(sqlite_engine, settings, tmp_path / "src")
    _cli("target", "add", "local", "--url", f"file://{out}")
    daemon = subprocess.Popen([str(STARDUST), "worker", "--concurrency", "2", "--worker-id", "daemon-1"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ))
    try:
        for _ in range(300):
            with session_scope(sqlite_engine) as s:
                if is_daemon_alive(s):
                    assert [w.worker_id for w in live_workers(s)] == ["daemon-1"]
                    break
            time.sleep(0.05)
        else:
            raise AssertionError("the daemon never wrote a heartbeat")
        _cli("deliver", UPC, "--target", "local")
        followed = _cli("deliveries", "log", "1", "--follow")
        assert "succeeded in" in followed
        waited = _cli("deliver", UPC, "--target", "local", "--type", "update", "--wait")  # the daemon runs it
        assert "succeeded in" in waited
    finally:
        daemon.send_signal(signal.SIGTERM)
        _, err = daemon.communicate(timeout=30)
    assert daemon.returncode == 0, err.decode()[-2000:]
    assert "2 succeeded" in err.decode()
    with session_scope(sqlite_engine) as s:
        assert not is_daemon_alive(s)
    assert "succeeded" in _cli("deliveries", "--status", "succeeded")
