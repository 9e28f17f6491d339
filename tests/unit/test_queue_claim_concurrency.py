"""Claims under real concurrency (threads with connections of their own, both backends) and the PostgreSQL
claim's own connections and commit (stardust_tui/worker/claim_pg.py): a dropped connection is replaced, and a
claim the server lost before the worker's first write stops that attempt before it does anything."""

from __future__ import annotations

import asyncio
import gc
import os
import threading
from collections import Counter

import pytest
from sqlalchemy import event, select, text, update
from sqlalchemy.engine import Engine

from stardust_tui.config import Settings
from stardust_tui.domain.delivery_models import Delivery, DeliveryEvent, Target
from stardust_tui.domain.models import Release
from stardust_tui.store.db import session_scope
from stardust_tui.worker import claim_pg, queue
from stardust_tui.worker.events import DeliveryEvents
from stardust_tui.worker.protocols import LeaseLostError
from stardust_tui.worker.runner import Runner, RunnerConfig
from stardust_tui.worker.steps import DbStepRecorder

D = Delivery.__table__


def _seed(engine: Engine, limits: list[int], per_target: int) -> dict[int, int]:
    """Targets with the given max_concurrency, ``per_target`` queued deliveries each; {target id: limit}."""
    with session_scope(engine) as s:
        targets = [Target(name=f"t{i}", url=f"file:///tmp/t{i}", max_concurrency=n) for i, n in enumerate(limits)]
        releases = [Release(title=f"R{i}", display_artist="A") for i in range(per_target)]
        s.add_all([*targets, *releases])
        s.flush()
        for t in targets:
            for r in releases:
                queue.enqueue(s, release_id=r.id, target_id=t.id, content_hash=f"h{r.id}", max_attempts=3)
        return {t.id: t.max_concurrency for t in targets}  # type: ignore[misc]


def test_concurrent_claims_never_overrun_a_target_nor_take_a_delivery_twice(engine: Engine) -> None:
    limits = _seed(engine, [1, 2, 3], per_target=8)
    claims: list[queue.Claim] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def worker(n: int) -> None:
        try:
            start.wait()
            for _ in range(12):
                c = queue.claim(engine, f"w{n}", lease_s=600)
                if c is not None:
                    claims.append(c)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    ids = [c.delivery_id for c in claims]
    assert len(ids) == len(set(ids))  # no delivery claimed twice
    assert Counter(c.target_id for c in claims) == Counter(limits)  # every target filled to its limit, not over
    with engine.connect() as conn:
        running = conn.execute(select(D.c.target_id, D.c.lease_owner, D.c.attempts)
                               .where(D.c.state == "running")).all()
    assert Counter(r.target_id for r in running) == Counter(limits)
    assert {r.attempts for r in running} == {1}


def test_a_claim_connection_the_server_dropped_is_replaced(pg_engine: Engine) -> None:
    _seed(pg_engine, [5], per_target=3)
    assert queue.claim(pg_engine, "w") is not None
    (conn,) = claim_pg._pool(pg_engine).conns
    with pg_engine.connect() as admin:
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": conn.info.backend_pid})
        admin.commit()
    for _ in range(100):  # the server's notice reaches the idle socket
        if not claim_pg._usable(conn):
            break
        threading.Event().wait(0.01)
    assert queue.claim(pg_engine, "w") is not None  # on a new connection, no error
    (fresh,) = claim_pg._pool(pg_engine).conns
    assert fresh is not conn and conn.closed


def test_a_forked_child_leaves_the_parents_claim_connection_alone(pg_engine: Engine) -> None:
    """A child of ``fork`` makes its own claim connections; the ones it inherited stay the parent's, alive
    after the child has looked at the pool and collected its garbage."""
    _seed(pg_engine, [5], per_target=2)
    assert queue.claim(pg_engine, "parent") is not None
    (conn,) = claim_pg._pool(pg_engine).conns
    pid = os.fork()
    if pid == 0:  # the child: look at the pool as a claim would, then collect garbage
        code = 0 if claim_pg._pool(pg_engine).conns == [] else 3
        gc.collect()
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert queue.claim(pg_engine, "parent") is not None
    (again,) = claim_pg._pool(pg_engine).conns
    assert again is conn and not conn.closed  # still alive: reused, not replaced


def test_disposing_the_engine_closes_the_claim_connections(pg_engine: Engine) -> None:
    _seed(pg_engine, [5], per_target=1)
    queue.claim(pg_engine, "w")
    (conn,) = claim_pg._pool(pg_engine).conns
    pg_engine.dispose()
    assert conn.closed and claim_pg._pool(pg_engine).conns == []


def test_a_claim_is_one_transaction_even_on_connections_made_in_autocommit(pg_engine: Engine) -> None:
    """The lock lasts until the claim commits only inside a transaction: a claim connection is never left in
    autocommit (as an engine made with isolation_level="AUTOCOMMIT" hands its connections out)."""
    _seed(pg_engine, [1], per_target=3)
    event.listen(pg_engine, "checkout", lambda dbapi_conn, *_: setattr(dbapi_conn, "autocommit", True))
    assert queue.claim(pg_engine, "a") is not None
    (conn,) = claim_pg._pool(pg_engine).conns
    assert conn.autocommit is False
    assert queue.claim(pg_engine, "b") is None  # the target's one slot is taken


def _lose_claim(engine: Engine, c: queue.Claim) -> None:
    """What a server crash before the claim reached the disk leaves: the row as it was before the claim."""
    with engine.begin() as conn:
        conn.execute(update(D).where(D.c.id == c.delivery_id).values(
            state="queued", lease_owner=None, lease_expires_at=None, attempts=D.c.attempts - 1))


def test_the_first_write_of_an_attempt_refuses_a_lost_claim(engine: Engine) -> None:
    _seed(engine, [5], per_target=2)
    kept, lost = queue.claim(engine, "w"), queue.claim(engine, "w")
    assert kept is not None and lost is not None
    _lose_claim(engine, lost)
    sink = DeliveryEvents(delivery_id=lost.delivery_id, target_id=lost.target_id, log=None, worker_id="w")
    with pytest.raises(LeaseLostError):
        DbStepRecorder(engine, lost, sink).confirm()
    sink = DeliveryEvents(delivery_id=kept.delivery_id, target_id=kept.target_id, log=None, worker_id="w")
    sink.info("started")
    DbStepRecorder(engine, kept, sink).confirm()  # still ours: stored, with its buffered event
    with session_scope(engine) as s:
        events = s.execute(select(DeliveryEvent.message).where(DeliveryEvent.delivery_id == kept.delivery_id))
        assert list(events.scalars()) == ["started"]


@pytest.mark.parametrize("concurrency", [1, 4])
def test_the_runner_runs_a_delivery_once_when_the_server_lost_its_claim(
        settings: Settings, pg_engine: Engine, monkeypatch: pytest.MonkeyPatch, concurrency: int) -> None:
    """With one job at a time the lost claim's first write is refused and a new claim runs it; with more, the
    runner claims the same row back at once (same worker, same attempt: the same fence) and must not start
    it a second time."""
    _seed(pg_engine, [5], per_target=1)
    real, lost = queue.claim, []

    def claim_then_crash(*args, **kwargs):
        c = real(*args, **kwargs)
        if c is not None and not lost:
            lost.append(c)
            _lose_claim(pg_engine, c)
        return c

    monkeypatch.setattr(queue, "claim", claim_then_crash)
    ran: list[tuple[int, int]] = []

    async def executor(ctx, delivery, steps, events) -> None:
        ran.append((delivery.id, delivery.attempts))
        await asyncio.sleep(0.2)  # long enough for the runner to look for more work meanwhile

    runner = Runner(settings, pg_engine, executor=executor, worker_id="w",
                    config=RunnerConfig(once=True, retry_base_s=0.0, ack_poll_s=0, concurrency=concurrency,
                                        poll_s=0.05))
    stats = asyncio.run(runner.run())
    assert lost
    assert [d for d, _ in ran] == [lost[0].delivery_id]  # run once
    assert stats.lost == (1 if concurrency == 1 else 0)
    with session_scope(pg_engine) as s:
        d = s.get(Delivery, lost[0].delivery_id)
        assert (d.state, d.attempts) == ("succeeded", 1)
