"""A delivery the user cancels mid-file leaves no partial upload on the server; a worker that stops keeps it
for the next attempt to resume. Real runner, real executor, OpenSSH sshd (issue 17: a cancel left a
``.part`` on an SFTP server)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from servers import Sshd
from sqlalchemy.engine import Engine

from stardust_tui.config import Settings
from stardust_tui.delivery.targets import add_target
from stardust_tui.store.db import session_scope
from stardust_tui.worker import queue
from stardust_tui.worker.runner import Runner, RunnerConfig
from tests.integration.delivery_release import make_release
from tests.integration.test_execute import _delivery, _enqueue, _run, check_delivered_tree


def _parts(root: Path) -> list[Path]:
    return [p for p in root.rglob("*.part") if p.is_file()]


def _setup(sshd: Sshd, engine: Engine, settings: Settings, tmp_path: Path) -> tuple[Path, int]:
    out = tmp_path / "sftp-root"
    out.mkdir()
    rid = make_release(engine, settings, tmp_path / "src")
    with session_scope(engine) as s:  # 0.3 MB/s: each audio file takes about a second
        tid = add_target(s, settings.paths, name="slow-sftp", profile="generic-43",
                         url=f"sftp://{sshd.user}@127.0.0.1:{sshd.port}{out}?max_rate=0.3",
                         key_file=str(sshd.key), known_hosts=str(sshd.known_hosts)).id
    return out, _enqueue(engine, rid, tid)


async def _interrupt_mid_file(settings: Settings, engine: Engine, out: Path, did: int, how: str) -> Runner:
    runner = Runner(settings, engine, worker_id="w-cancel", config=RunnerConfig(
        concurrency=1, lease_s=1.5, poll_s=0.05, ack_poll_s=0, retry_base_s=0.0, grace_s=0.0, kind="in-process"))
    task = asyncio.create_task(runner.run())
    for _ in range(1500):
        if [p for p in _parts(out) if p.stat().st_size > 0]:
            break
        assert not task.done()
        await asyncio.sleep(0.01)
    else:
        raise AssertionError("no partial upload appeared")
    if how == "user cancel":
        await asyncio.to_thread(queue.cancel, engine, did)
        for _ in range(500):  # noticed at the next lease renewal (every 0.5 s here), then cleaned up
            if runner.stats.lost:
                break
            await asyncio.sleep(0.01)
        runner.request_stop()
    else:
        runner.request_stop(hard=True)  # the worker stops: the delivery is handed back
    await asyncio.wait_for(task, 30)
    return runner


def test_user_cancel_removes_the_partial_upload(sshd: Sshd, sqlite_engine: Engine, settings: Settings,
                                               tmp_path: Path) -> None:
    out, did = _setup(sshd, sqlite_engine, settings, tmp_path)
    runner = asyncio.run(_interrupt_mid_file(settings, sqlite_engine, out, did, "user cancel"))
    assert runner.stats.lost == 1
    d, _ = _delivery(sqlite_engine, did)
    assert d.state == "cancelled"
    assert _parts(out) == [], "the cancelled upload's temporary file is still on the server"
    log = settings.paths.delivery_log_file.read_text()
    assert "cancelled: removed the partial upload of" in log


@pytest.mark.parametrize("how", ["worker stop"])
def test_a_stopping_worker_leaves_the_partial_upload_to_resume(sshd: Sshd, sqlite_engine: Engine,
                                                               settings: Settings, tmp_path: Path, how: str) -> None:
    out, did = _setup(sshd, sqlite_engine, settings, tmp_path)
    asyncio.run(_interrupt_mid_file(settings, sqlite_engine, out, did, how))
    d, _ = _delivery(sqlite_engine, did)
    assert d.state == "queued"
    partial = [p for p in _parts(out) if p.stat().st_size > 0]
    assert partial, "the stopped worker's partial upload was removed: nothing to resume from"
    _run(settings, sqlite_engine)  # the next attempt resumes and finishes
    d, steps = _delivery(sqlite_engine, did)
    assert d.state == "succeeded", d.last_error
    check_delivered_tree(out, d, steps, batch=True)
