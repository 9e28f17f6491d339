"""The durable queue on real SQLite files and real PostgreSQL: idempotency, claims, leases, limits."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine

from stardust_tui.domain.delivery_models import Delivery, Target
from stardust_tui.domain.models import Release, utcnow
from stardust_tui.errors import ConflictError, ValidationError
from stardust_tui.store.db import session_scope
from stardust_tui.worker import queue
from stardust_tui.worker.protocols import LeaseLostError


def _seed(engine: Engine, *, targets: int = 1, releases: int = 3,
          max_concurrency: int = 2) -> tuple[list[int], list[int]]:
    with session_scope(engine) as s:
        rel = [Release(title=f"Album {i}", display_artist="Artist") for i in range(releases)]
        tgt = [Target(name=f"t{i}", url=f"file:///tmp/t{i}", max_concurrency=max_concurrency) for i in range(targets)]
        s.add_all(rel + tgt)
        s.flush()
        return [r.id for r in rel], [t.id for t in tgt]


def _enqueue(engine: Engine, release_id: int, target_id: int, **kw) -> int:
    with session_scope(engine) as s:
        return queue.enqueue(s, release_id=release_id, target_id=target_id, content_hash=f"h{release_id}", **kw).id


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Delivery.__table__)).scalar()


def test_enqueue_is_idempotent_and_race_safe(engine: Engine) -> None:
    (r1, r2, _), (t,) = _seed(engine)
    first = _enqueue(engine, r1, t)
    assert _enqueue(engine, r1, t) == first
    assert _enqueue(engine, r1, t, message_type="update") != first
    ids: list[int] = []
    barrier = threading.Barrier(6)

    def racer() -> None:
        barrier.wait()
        ids.append(_enqueue(engine, r2, t))

    threads = [threading.Thread(target=racer) for _ in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(set(ids)) == 1 and len(ids) == 6
    assert _count(engine) == 3


def test_enqueue_rejects_bad_type_and_naive_time(engine: Engine) -> None:
    (r1, *_), (t,) = _seed(engine)
    with pytest.raises(ValidationError, match="message type"):
        _enqueue(engine, r1, t, message_type="bogus")
    with pytest.raises(ValidationError, match="time zone"):
        _enqueue(engine, r1, t, at=utcnow().replace(tzinfo=None))


def test_claim_order_schedule_and_per_target_limit(engine: Engine) -> None:
    (r1, r2, r3), (t,) = _seed(engine, max_concurrency=2)
    low = _enqueue(engine, r1, t)
    high = _enqueue(engine, r2, t, priority=5)
    later = _enqueue(engine, r3, t, at=utcnow() + timedelta(hours=1))
    c1 = queue.claim(engine, "w1", lease_s=3 * 3600)
    c2 = queue.claim(engine, "w2", lease_s=3 * 3600)
    assert (c1.delivery_id, c2.delivery_id) == (high, low)
    assert c1.attempt == 1
    assert queue.claim(engine, "w3") is None  # `later` is scheduled in an hour
    assert queue.claim(engine, "w3", now=utcnow() + timedelta(hours=2), lease_s=30) is None  # 2 running
    with queue.write_tx(engine) as conn:
        queue.succeed(conn, c1, release_id=r2, message_type="new")
    c3 = queue.claim(engine, "w3", now=utcnow() + timedelta(hours=2), lease_s=7200 + 60)
    assert c3.delivery_id == later


def test_global_limit_and_disabled_target(engine: Engine) -> None:
    (r1, r2, r3), (t0, t1) = _seed(engine, targets=2, max_concurrency=5)
    _enqueue(engine, r1, t0)
    _enqueue(engine, r2, t1)
    _enqueue(engine, r3, t1)
    with queue.write_tx(engine) as conn:
        conn.execute(update(Target.__table__).where(Target.__table__.c.id == t0).values(enabled=False))
    assert queue.claim(engine, "w", global_limit=1).target_id == t1
    assert queue.claim(engine, "w", global_limit=1) is None
    assert queue.claim(engine, "w", global_limit=2).target_id == t1
    assert queue.claim(engine, "w") is None  # only the disabled target's job is left


def test_expired_lease_is_taken_over_and_old_owner_is_fenced(engine: Engine) -> None:
    (r1, *_), (t,) = _seed(engine)
    did = _enqueue(engine, r1, t)
    old = queue.claim(engine, "dead", lease_s=0.5)
    assert queue.claim(engine, "other") is None
    new = queue.claim(engine, "other", now=utcnow() + timedelta(seconds=2))
    assert new.delivery_id == did and new.attempt == 2
    with pytest.raises(LeaseLostError), queue.write_tx(engine) as conn:
        queue.touch(conn, old, bytes_done=1)
    assert queue.release(engine, old) is False
    assert queue.release(engine, new) is True
    with session_scope(engine) as s:
        d = queue.get_delivery(s, did)
        assert (d.state, d.attempts, d.lease_owner) == ("queued", 1, None)


def test_open_circuit_pauses_target_then_allows_one_probe(engine: Engine) -> None:
    (r1, r2, _), (t,) = _seed(engine, max_concurrency=5)
    _enqueue(engine, r1, t)
    _enqueue(engine, r2, t)
    opened = utcnow()
    with queue.write_tx(engine) as conn:
        conn.execute(update(Target.__table__).where(Target.__table__.c.id == t)
                     .values(circuit_state="open", circuit_opened_at=opened, consecutive_failures=5))
    assert queue.claim(engine, "w", cooldown_s=60) is None
    probe = queue.claim(engine, "w", cooldown_s=60, now=opened + timedelta(seconds=61), lease_s=600)
    assert probe is not None
    assert queue.claim(engine, "w", cooldown_s=60, now=opened + timedelta(seconds=62), lease_s=600) is None
    with session_scope(engine) as s:
        assert s.get(Target, t).circuit_state == "half-open"
    with queue.write_tx(engine) as conn:
        queue.succeed(conn, probe, release_id=r1, message_type="new")
    with session_scope(engine) as s:
        assert s.get(Target, t).circuit_state == "closed"
    assert queue.claim(engine, "w") is not None


def test_cancel_and_retry(engine: Engine) -> None:
    (r1, *_), (t,) = _seed(engine)
    did = _enqueue(engine, r1, t)
    c = queue.claim(engine, "w")
    assert queue.cancel(engine, did) == "running"
    with pytest.raises(LeaseLostError), queue.write_tx(engine) as conn:
        queue.touch(conn, c)
    with pytest.raises(ConflictError, match="already cancelled"):
        queue.cancel(engine, did)
    queue.retry(engine, did)
    with session_scope(engine) as s:
        d = queue.get_delivery(s, did)
        assert (d.state, d.attempts, d.finished_at) == ("queued", 0, None)
    with pytest.raises(ConflictError, match="only failed"):
        queue.retry(engine, did)


def test_attempt_limit_comes_from_the_target_profile(engine: Engine, settings) -> None:
    settings.paths.profiles_dir.mkdir(parents=True, exist_ok=True)
    (settings.paths.profiles_dir / "patient.toml").write_text(
        'name = "patient"\nextends = "generic-43"\nprofile_version = 1\n\n[retry]\nmax_attempts = 9\n')
    (r1, r2, _), (t,) = _seed(engine)
    with queue.write_tx(engine) as conn:
        conn.execute(update(Target.__table__).where(Target.__table__.c.id == t).values(profile="patient"))
    with session_scope(engine) as s:
        assert queue.enqueue(s, release_id=r1, target_id=t, content_hash="a").max_attempts == 9
        assert queue.enqueue(s, release_id=r2, target_id=t, content_hash="b", max_attempts=2).max_attempts == 2
