"""`stardust deliver`, `stardust deliveries …` and `stardust worker` end to end: a real release with real
media delivered by the real executor to a local folder, through the CLI only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.engine import Engine

from stardust_tui.cli import cli
from stardust_tui.config import Settings
from stardust_tui.domain.delivery_models import Delivery, Target
from stardust_tui.store.db import session_scope
from stardust_tui.worker import heartbeat
from stardust_tui.worker.events import follow_file
from tests.integration.delivery_release import UPC, make_release


def run(*args: str, ok: bool = True) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code != 0, result.output
    return result.output


@pytest.fixture
def setup(settings: Settings, sqlite_engine: Engine, tmp_path: Path) -> Path:
    out = tmp_path / "dsp"
    out.mkdir()
    make_release(sqlite_engine, settings, tmp_path / "src")
    run("target", "add", "local", "--url", f"file://{out}")
    return out


def test_deliver_is_idempotent_and_worker_once_delivers(setup: Path, sqlite_engine: Engine,
                                                        settings: Settings) -> None:
    out = run("deliver", UPC, "--target", "local")
    assert "delivery #1: new of 'Night Signals' to local queued" in out
    assert "already exists (queued;" in run("deliver", UPC, "--target", "local")
    listing = json.loads(run("deliveries", "--json", "--release", UPC, "--target", "local"))
    assert [(d["id"], d["state"], d["target"]) for d in listing] == [(1, "queued", "local")]
    assert "no release with id 7" in run("deliveries", "--release", "7", ok=False)
    printed = run("worker", "--once", "--concurrency", "2")
    assert "#1" in printed and "succeeded in" in printed and "1 succeeded" in printed
    assert "succeeded" in run("deliveries", "--status", "succeeded")
    shown = run("deliveries", "show", "1")
    assert "state            succeeded" in shown and "done     verify" in shown
    log = run("deliveries", "log", "1")
    assert "attempt 1/5 started" in log and "succeeded in" in log
    assert (setup / json.loads(run("deliveries", "show", "1", "--json"))["remote_path"]).is_dir()
    metrics = run("deliveries", "metrics")
    assert "local" in metrics and "100%" in metrics
    lines = list(follow_file(settings.paths.delivery_log_file, delivery_id=1, from_start=True, stop=lambda: True))
    assert any(line["message"].startswith("succeeded in") for line in lines)
    with session_scope(sqlite_engine) as s:
        assert heartbeat.live_workers(s) == []
        assert not heartbeat.is_daemon_alive(s)


def test_deliver_wait_runs_in_process_and_exit_code_follows_result(setup: Path, sqlite_engine: Engine) -> None:
    out = run("deliver", UPC, "--target", "local", "--type", "new", "--priority", "3", "--wait")
    assert "succeeded in" in out
    assert "already exists (succeeded" in run("deliver", UPC, "--target", "local")
    again = run("deliver", UPC, "--target", "local", "--resend", "--wait")
    assert "delivery #2" in again and "succeeded in" in again
    with session_scope(sqlite_engine) as s:
        target = s.execute(select(Target)).scalar_one()
        target.url = "file:///nonexistent/stardust/target"
        s.add(target)
    out = run("deliver", UPC, "--target", "local", "--type", "takedown", "--wait", ok=False)
    assert "delivery #3" in out
    assert "failed permanently" in out and "does not exist" in out
    listing = run("deliveries", "--status", "failed")
    assert "takedown" in listing


def test_retry_cancel_schedule_and_errors(setup: Path, sqlite_engine: Engine) -> None:
    run("deliver", UPC, "--target", "local", "--at", "2099-01-01T09:00Z")
    with session_scope(sqlite_engine) as s:
        d = s.execute(select(Delivery)).scalar_one()
        assert d.scheduled_at.year == 2099
    run("worker", "--once")  # nothing due
    assert "scheduled" in run("deliveries")
    assert "cancelled" in run("deliveries", "cancel", "1")
    assert "already cancelled" in run("deliveries", "cancel", "1", ok=False)
    assert "queued again" in run("deliveries", "retry", "1")
    assert "does not exist" in run("deliveries", "show", "99", ok=False)
    assert "not an ISO date-time" in run("deliver", UPC, "--target", "local", "--at", "soon", ok=False)
    assert "no target named" in run("deliver", UPC, "--target", "nope", ok=False)
    targets = run("deliveries", "targets")
    assert "local" in targets and "closed" in targets
    with session_scope(sqlite_engine) as s:
        target = s.execute(select(Target)).scalar_one()
        target.circuit_state, target.consecutive_failures = "open", 5
        target.circuit_opened_at = d.created_at
        s.add(target)
    assert "open (probe" in run("deliveries", "targets")
    assert "closed" in run("deliveries", "targets", "--reset", "local")
    assert "no live workers" in run("deliveries", "workers")


def test_deliver_refuses_a_release_that_is_not_ready(setup: Path, sqlite_engine: Engine) -> None:
    from stardust_tui.domain.models import Release

    with session_scope(sqlite_engine) as s:
        s.add(Release(title="Bare Draft", display_artist=""))
    out = run("deliver", "2", "--target", "local", ok=False)
    assert out.startswith("error: release 2: not ready for generic-43:")
    out = run("deliver", UPC, "2", "--target", "local", ok=False)  # one bad release: nothing is queued
    assert "release 2: not ready" in out
    assert json.loads(run("deliveries", "--json")) == []


def test_worker_once_exits_non_zero_when_a_delivery_failed(setup: Path, sqlite_engine: Engine) -> None:
    run("deliver", UPC, "--target", "local")
    with session_scope(sqlite_engine) as s:
        target = s.execute(select(Target)).scalar_one()
        target.url = "file:///nonexistent/stardust/target"
        s.add(target)
    out = run("worker", "--once", "--quiet", ok=False)
    assert "1 failed" in out and "target folder does not exist" not in out  # --quiet: no event lines
    assert "TransportPermanentError" in run("deliveries", "--status", "failed")
