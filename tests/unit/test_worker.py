"""The asyncio runner's retry, resume, circuit and shutdown logic, with a scripted executor.

A scripted executor is fine here: these tests prove the worker's bookkeeping, not a protocol (the
real executor and transports are exercised in tests/integration).
"""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from stardust_tui.config import Settings
from stardust_tui.delivery.base import TransportAuthError, TransportTransientError
from stardust_tui.domain.delivery_models import Delivery, DeliveryEvent, DeliveryStep, ReleaseTargetStatus, Target
from stardust_tui.domain.models import Release
from stardust_tui.store.db import session_scope
from stardust_tui.worker import heartbeat, queue
from stardust_tui.worker.circuit import CircuitPolicy
from stardust_tui.worker.runner import Runner, RunnerConfig

STEPS = ("package", "upload:audio.wav", "xml", "manifest")


class Scripted:
    """Does four steps; ``plan[release_id]`` lists (step, exception) failures for successive attempts."""

    def __init__(self, plan: dict[int, list[tuple[str, Exception]]] | None = None,
                 block: asyncio.Event | None = None) -> None:
        self.plan = plan or {}
        self.block = block
        self.calls: list[tuple[int, int, list[str]]] = []

    async def __call__(self, ctx, delivery, steps, events) -> None:
        self.calls.append((delivery.id, delivery.attempts, [s.name for s in steps.completed()]))
        failures = self.plan.get(delivery.release_id, [])
        fail = failures.pop(0) if failures else None
        for name in STEPS:
            if steps.is_done(name):
                continue
            if fail and fail[0] == name:
                raise fail[1]
            if self.block is not None and name == "xml":
                await self.block.wait()
            events.info(f"did {name} via sftp://user:hunter2@example.org/in", step=name, bytes=10)
            await steps.done(name, remote_path=f"out/{name}", size=10, md5="0" * 32)
        await steps.update_delivery(message_id=f"M{delivery.id}", bytes_total=40)


def _seed(engine: Engine, n: int, *, max_concurrency: int = 4, max_attempts: int = 5) -> list[int]:
    with session_scope(engine) as s:
        target = Target(name="dsp", url="file:///tmp/dsp", max_concurrency=max_concurrency)
        releases = [Release(title=f"R{i}", display_artist="A") for i in range(n)]
        s.add_all([target, *releases])
        s.flush()
        return [queue.enqueue(s, release_id=r.id, target_id=target.id, content_hash=f"h{r.id}",
                              max_attempts=max_attempts).id for r in releases]


def _run(settings: Settings, engine: Engine, executor, **cfg) -> Runner:
    cfg.setdefault("once", True)
    cfg.setdefault("retry_base_s", 0.0)
    runner = Runner(settings, engine, executor=executor, worker_id="test-worker", config=RunnerConfig(**cfg))
    asyncio.run(runner.run())
    return runner


def _deliveries(engine: Engine) -> list[Delivery]:
    with session_scope(engine) as s:
        return list(s.execute(select(Delivery).order_by(Delivery.id)).scalars())


def test_runs_every_delivery_records_steps_events_and_status(settings: Settings, sqlite_engine: Engine) -> None:
    ids = _seed(sqlite_engine, 3)
    ex = Scripted()
    runner = _run(settings, sqlite_engine, ex, concurrency=2)
    assert runner.stats.succeeded == 3 and runner.stats.claimed == 3
    assert sorted(c[0] for c in ex.calls) == ids
    for d in _deliveries(sqlite_engine):
        assert (d.state, d.attempts, d.lease_owner, d.message_id) == ("succeeded", 1, None, f"M{d.id}")
    with session_scope(sqlite_engine) as s:
        assert len(s.execute(select(DeliveryStep)).all()) == 12
        statuses = {r.status for r in s.execute(select(ReleaseTargetStatus)).scalars()}
        assert statuses == {"delivered"}
        messages = [e.message for e in s.execute(select(DeliveryEvent)).scalars()]
        assert heartbeat.live_workers(s) == []  # removed on a clean exit
    assert any("succeeded" in m for m in messages)
    assert not any("hunter2" in m for m in messages)
    lines = [json.loads(x) for x in settings.paths.delivery_log_file.read_text().splitlines()]
    assert {line["delivery_id"] for line in lines if "delivery_id" in line} == set(ids)
    assert "hunter2" not in settings.paths.delivery_log_file.read_text()


def test_transient_failure_retries_and_resumes_where_it_stopped(settings: Settings, sqlite_engine: Engine) -> None:
    (did,) = _seed(sqlite_engine, 1)
    release_id = _deliveries(sqlite_engine)[0].release_id
    ex = Scripted({release_id: [("xml", TransportTransientError("connection reset"))]})
    _run(settings, sqlite_engine, ex)
    (d,) = _deliveries(sqlite_engine)
    assert (d.state, d.attempts) == ("succeeded", 2)
    assert ex.calls == [(did, 1, []), (did, 2, ["package", "upload:audio.wav"])]
    assert d.last_error is None


def test_permanent_error_fails_fast_and_attempts_are_bounded(settings: Settings, sqlite_engine: Engine) -> None:
    auth, flaky = _seed(sqlite_engine, 2, max_attempts=3)
    r_auth, r_flaky = (d.release_id for d in _deliveries(sqlite_engine))
    boom = TransportTransientError("timeout")
    ex = Scripted({r_auth: [("package", TransportAuthError("login refused"))], r_flaky: [("xml", boom)] * 5})
    runner = _run(settings, sqlite_engine, ex, circuit=CircuitPolicy(threshold=100))
    by_id = {d.id: d for d in _deliveries(sqlite_engine)}
    assert (by_id[auth].state, by_id[auth].attempts) == ("failed", 1)
    assert "TransportAuthError: login refused" in by_id[auth].last_error
    assert (by_id[flaky].state, by_id[flaky].attempts) == ("failed", 3)
    assert runner.stats.failed == 2 and runner.stats.retried == 2


def test_circuit_opens_after_consecutive_failures_and_pauses_target(settings: Settings,
                                                                     sqlite_engine: Engine) -> None:
    _seed(sqlite_engine, 4, max_concurrency=1)
    boom = TransportTransientError("no route to host")
    ex = Scripted({d.release_id: [("package", boom)] * 9 for d in _deliveries(sqlite_engine)})
    _run(settings, sqlite_engine, ex, concurrency=1, circuit=CircuitPolicy(threshold=2, cooldown_s=3600))
    assert len(ex.calls) == 2  # two failures opened the circuit; nothing else was claimed
    with session_scope(sqlite_engine) as s:
        target = s.execute(select(Target)).scalar_one()
        assert (target.circuit_state, target.consecutive_failures) == ("open", 2)


def test_stop_releases_leases_without_counting_an_attempt(settings: Settings, sqlite_engine: Engine) -> None:
    (did,) = _seed(sqlite_engine, 1)

    async def main() -> Runner:
        gate = asyncio.Event()
        runner = Runner(settings, sqlite_engine, executor=Scripted(block=gate), worker_id="w",
                        config=RunnerConfig(grace_s=0.2, lease_s=30, poll_s=0.05, ack_poll_s=0))
        task = asyncio.create_task(runner.run())
        for _ in range(200):
            await asyncio.sleep(0.02)
            with session_scope(sqlite_engine) as s:
                if len(s.execute(select(DeliveryStep)).all()) == 2:
                    assert heartbeat.is_daemon_alive(s)
                    break
        runner.request_stop()
        await task
        return runner

    runner = asyncio.run(main())
    (d,) = _deliveries(sqlite_engine)
    assert (d.state, d.attempts, d.lease_owner) == ("queued", 0, None)
    assert runner.stats.released == 1
    ex = Scripted()
    _run(settings, sqlite_engine, ex)
    assert ex.calls == [(did, 1, ["package", "upload:audio.wav"])]
    assert _deliveries(sqlite_engine)[0].state == "succeeded"


def test_cancel_while_running_stops_the_worker(settings: Settings, sqlite_engine: Engine) -> None:
    (did,) = _seed(sqlite_engine, 1)

    async def main() -> Runner:
        gate = asyncio.Event()
        runner = Runner(settings, sqlite_engine, executor=Scripted(block=gate), worker_id="w",
                        config=RunnerConfig(lease_s=0.6, poll_s=0.05, once=True, ack_poll_s=0))
        task = asyncio.create_task(runner.run())
        for _ in range(200):
            await asyncio.sleep(0.02)
            if _deliveries(sqlite_engine)[0].state == "running":
                break
        queue.cancel(sqlite_engine, did)
        await asyncio.wait_for(task, 10)
        return runner

    runner = asyncio.run(main())
    assert runner.stats.lost == 1
    assert _deliveries(sqlite_engine)[0].state == "cancelled"


@pytest.mark.parametrize("attempt", [1, 3, 8])
def test_backoff_grows_with_jitter(attempt: int) -> None:
    from stardust_tui.worker.retry import RetryPolicy

    p = RetryPolicy(base_s=10, cap_s=600)
    delays = [p.delay(attempt) for _ in range(50)]
    raw = min(600, 10 * 2 ** (attempt - 1))
    assert all(raw / 2 <= x <= raw for x in delays)
    assert len(set(delays)) > 1



def test_permanent_and_transient_errors_are_told_apart() -> None:
    from stardust_tui.delivery.base import HostKeyError, TransportIntegrityError, TransportPermanentError
    from stardust_tui.errors import ValidationError
    from stardust_tui.worker.retry import counts_against_target, is_permanent

    for exc in (TransportAuthError("no"), TransportPermanentError("x"), HostKeyError("k"), ValidationError("v")):
        assert is_permanent(exc), exc
    for exc in (TransportTransientError("t"), TransportIntegrityError("md5"), TimeoutError(), OSError("reset")):
        assert not is_permanent(exc), exc
    assert counts_against_target(TransportAuthError("no")) and not counts_against_target(ValidationError("bad xml"))
    from stardust_tui.worker.retry import describe

    said = describe(TransportTransientError("ftp://bob:s3cret@dsp.example/in timed out; password=hunter2"))
    assert "s3cret" not in said and "hunter2" not in said and "bob:***@dsp.example" in said


def test_takeover_past_the_attempt_limit_fails_the_delivery(settings: Settings, sqlite_engine: Engine) -> None:
    (did,) = _seed(sqlite_engine, 1, max_attempts=1)
    dead = queue.claim(sqlite_engine, "dead-worker", lease_s=0.05)  # attempt 1; its worker "dies"
    assert dead is not None
    import time

    time.sleep(0.1)
    ex = Scripted()
    _run(settings, sqlite_engine, ex)
    (d,) = _deliveries(sqlite_engine)
    assert (d.state, d.attempts) == ("failed", 2) and "gave up after 1 attempts" in d.last_error
    assert ex.calls == []


def test_metrics_success_rate_median_and_throughput(sqlite_engine: Engine) -> None:
    from datetime import timedelta

    from stardust_tui.domain.models import utcnow
    from stardust_tui.worker.metrics import target_metrics

    _seed(sqlite_engine, 5)
    now = utcnow()
    with session_scope(sqlite_engine) as s:
        rows = list(s.execute(select(Delivery).order_by(Delivery.id)).scalars())
        for d, (state, secs) in zip(rows, [("succeeded", 2), ("succeeded", 4), ("succeeded", 10), ("failed", 1),
                                           ("queued", 0)], strict=True):
            d.state = state
            if state != "queued":
                d.started_at, d.finished_at = now - timedelta(seconds=secs), now
                d.bytes_total = 1_000_000
            s.add(d)
    (m,) = target_metrics(Session(sqlite_engine))
    assert (m.target, m.succeeded, m.failed, m.queued) == ("dsp", 3, 1, 1)
    assert m.success_rate == 0.75 and m.median_seconds == pytest.approx(4, abs=0.01)
    assert m.per_hour > 0 and m.bytes_per_second == pytest.approx(3_000_000 / 16, rel=0.01)


def test_ack_poll_adapter_logs_instead_of_crashing(settings: Settings, sqlite_engine: Engine) -> None:
    from stardust_tui.worker.acks import poll_all
    from stardust_tui.worker.events import JsonLineLog

    with session_scope(sqlite_engine) as s:  # an enabled target whose folder is gone, with an ACK folder
        s.add(Target(name="gone", url="file:///nonexistent/stardust/dsp", profile="meta"))
    seen = []
    count = asyncio.run(poll_all(settings, sqlite_engine, log=JsonLineLog(settings.paths.delivery_log_file),
                                 listener=seen.append))
    assert count == 0
    assert [e.level for e in seen] == ["warning"] and "ACK poll failed" in seen[0].message
    assert "gone" in seen[0].message
