"""A delivery's outcome event ("succeeded in …", "attempt N failed …") is stored only by the
transaction that records that outcome, never by a lease renewal that happens to commit first.

The race these tests pin down (found by tests/integration/test_crash_real.py, delivery 1 "succeeded"
twice): ``renewer.cancel()`` stops the renewal *task*, but a renewal already running in its thread
goes on and flushes the delivery's buffered events. If the outcome event was in that buffer, the
renewal stored it although the outcome itself was not (yet) written; when the worker then died, or
its success write failed, another worker resumed the delivery and stored a second "succeeded in".
"""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from stardust_tui.config import Settings
from stardust_tui.delivery.base import TransportTransientError
from stardust_tui.domain.delivery_models import Delivery, DeliveryEvent, Target
from stardust_tui.domain.models import Release
from stardust_tui.errors import StoreError
from stardust_tui.store.db import session_scope
from stardust_tui.worker import queue
from stardust_tui.worker.runner import Runner, RunnerConfig

LEASE_S = 2.4  # renewals every 0.8 s (each holding the write lock 0.3 s: the lease must outlast load)


class SlowRenewRunner(Runner):
    """Each lease renewal holds the store's write lock a while (a slow disk), so one is in the middle of
    its transaction when a job ends, and the job's outcome write has to wait for it."""

    renewing = threading.Event()
    local = threading.local()

    def _renew(self, c: queue.Claim, sink: object, done_bytes: int) -> None:  # type: ignore[override]
        self.local.slow = True
        try:
            super()._renew(c, sink, done_bytes)  # type: ignore[arg-type]
        finally:
            self.local.slow = False


@pytest.fixture(autouse=True)
def slow_renewals(monkeypatch: pytest.MonkeyPatch) -> None:
    real_touch = queue.touch

    def touch(conn: object, c: queue.Claim, **values: object) -> None:
        real_touch(conn, c, **values)  # type: ignore[arg-type]
        if getattr(SlowRenewRunner.local, "slow", False):  # inside a renewal's write transaction
            SlowRenewRunner.renewing.set()
            time.sleep(0.3)

    monkeypatch.setattr(queue, "touch", touch)


def _executor(fail: bool):
    async def execute(ctx, delivery, steps, events) -> None:
        events.info("did the work", step="upload")
        await steps.done("upload", size=1)
        SlowRenewRunner.renewing.clear()
        await asyncio.to_thread(SlowRenewRunner.renewing.wait, 5)  # a renewal holds the write lock now
        if fail:
            raise TransportTransientError("connection reset")

    return execute


def _seed(engine: Engine) -> int:
    with session_scope(engine) as s:
        target = Target(name="dsp", url="file:///tmp/dsp", max_concurrency=2)
        release = Release(title="R", display_artist="A")
        s.add_all([target, release])
        s.flush()
        return queue.enqueue(s, release_id=release.id, target_id=target.id, content_hash="h", max_attempts=5).id


def _run(settings: Settings, engine: Engine, runner_cls: type[Runner], executor) -> Runner:  # noqa: ANN001
    runner = runner_cls(settings, engine, executor=executor, worker_id="w1",
                        config=RunnerConfig(lease_s=LEASE_S, poll_s=0.05, once=True, ack_poll_s=0, retry_base_s=0.0))
    asyncio.run(runner.run())
    time.sleep(0.5)  # let a renewal thread that outlived its task finish (asyncio.run does not wait for it)
    return runner


def _messages(engine: Engine, did: int) -> list[str]:
    with session_scope(engine) as s:
        return [e.message for e in s.execute(select(DeliveryEvent).where(DeliveryEvent.delivery_id == did)
                                             .order_by(DeliveryEvent.id)).scalars()]


def _state(engine: Engine, did: int) -> str:
    with session_scope(engine) as s:
        return s.execute(select(Delivery.state).where(Delivery.id == did)).scalar_one()


def test_unrecorded_success_leaves_no_success_event_and_a_takeover_succeeds_once(
        settings: Settings, sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    did = _seed(sqlite_engine)

    def died(*_a: object, **_k: object) -> None:  # the success write never commits (kill -9, disk error)
        raise StoreError("disk I/O error")

    with monkeypatch.context() as m:
        m.setattr(queue, "succeed", died)
        _run(settings, sqlite_engine, SlowRenewRunner, _executor(fail=False))
    assert _state(sqlite_engine, did) == "running"
    assert not [m for m in _messages(sqlite_engine, did) if m.startswith("succeeded in")]

    time.sleep(LEASE_S + 0.1)  # the lease expires; another worker takes the delivery over
    _run(settings, sqlite_engine, Runner, _executor(fail=False))
    assert _state(sqlite_engine, did) == "succeeded"
    assert len([m for m in _messages(sqlite_engine, did) if m.startswith("succeeded in")]) == 1


def test_failure_event_is_stored_with_the_failure(settings: Settings, sqlite_engine: Engine,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    did = _seed(sqlite_engine)

    def died(*_a: object, **_k: object) -> str:
        raise StoreError("disk I/O error")

    with monkeypatch.context() as m:
        m.setattr(queue, "fail", died)
        _run(settings, sqlite_engine, SlowRenewRunner, _executor(fail=True))
    assert _state(sqlite_engine, did) == "running"
    assert not [m for m in _messages(sqlite_engine, did) if m.startswith("attempt 1 ")]

    time.sleep(LEASE_S + 0.1)  # taken over: attempts 2..5 each fail once (no backoff here), each said once
    _run(settings, sqlite_engine, SlowRenewRunner, _executor(fail=True))
    assert _state(sqlite_engine, did) == "failed"
    outcomes = [m for m in _messages(sqlite_engine, did) if m.startswith("attempt ") and " started " not in m]
    assert outcomes == [f"attempt {n} will retry: TransportTransientError: connection reset" for n in (2, 3, 4)] + \
        ["attempt 5 failed: TransportTransientError: connection reset"]
