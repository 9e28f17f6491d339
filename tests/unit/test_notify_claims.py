"""Routing and claims on SQLite and PostgreSQL: fan-out once, leases fenced by a token, digests claimed whole,
backoff with jitter, several senders never holding the same send, retry and pruning."""

from __future__ import annotations

import random
import threading
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine

from stardust_tui.config import Settings
from stardust_tui.domain.models import utcnow
from stardust_tui.domain.notify_models import NotifyEvent, NotifySend
from stardust_tui.notify import claims, routing
from stardust_tui.notify.channels import add_channel
from stardust_tui.notify.outbox import record
from stardust_tui.notify.rules import parse_rules
from stardust_tui.notify.schedule import Schedule
from stardust_tui.notify.sender import prune_sent
from stardust_tui.store.db import session_scope
from stardust_tui.worker.queue import write_tx

S = NotifySend.__table__


def _channels(engine: Engine, settings: Settings, *names_digests: tuple[str, str]) -> None:
    with session_scope(engine) as s:
        for name, digest in names_digests:
            add_channel(s, settings.paths, name=name, kind="webhook", digest=digest, secret="whsec_x" * 3,
                        settings={"url": f"http://127.0.0.1:9/{name}"})


def _events(engine: Engine, n: int, kind: str = "delivery.failed") -> list[str]:
    with write_tx(engine) as conn:
        return [record(conn, kind, summary=f"event {i}") for i in range(n)]  # type: ignore[misc]


def _route(engine: Engine, rules: list | None = None) -> int:
    return routing.route_new(engine, rules or [], Schedule(), now=utcnow())


def test_routing_fans_out_once_per_channel_and_skips_disabled_ones(engine: Engine, settings: Settings) -> None:
    _channels(engine, settings, ("a", "immediate"), ("b", "hourly"), ("off", "immediate"))
    with session_scope(engine) as s:
        from stardust_tui.notify.channels import get_channel

        get_channel(s, "off").enabled = False
    _events(engine, 3)
    _events(engine, 1, "delivery.retrying")  # off by default: routed to nobody
    assert _route(engine) == 4 and _route(engine) == 0
    with session_scope(engine) as s:
        rows = s.execute(select(NotifySend.channel_id, func.count()).group_by(NotifySend.channel_id)).all()
        unrouted = s.execute(select(func.count()).select_from(NotifyEvent).where(NotifyEvent.routed_at.is_(None)))
        assert sorted(n for _, n in rows) == [3, 3] and unrouted.scalar() == 0
        hourly = s.execute(select(NotifySend.next_attempt_at).where(NotifySend.channel_id == 2)).scalars().first()
    assert hourly.minute == 0 and hourly > utcnow()  # a digest waits for the top of the hour


def test_a_new_channel_gets_no_event_from_before_it_was_added(engine: Engine, settings: Settings) -> None:
    """Events nobody routed yet (no sender ran) are not the history a channel added today is flooded with."""
    with write_tx(engine) as conn:
        old = record(conn, "release.ready", summary="an hour ago", occurred_at=utcnow() - timedelta(hours=1))
        racing = record(conn, "release.ready", summary="while it was added", occurred_at=utcnow() - timedelta(
            seconds=5))  # (its transaction was open while the channel was added: within the grace)
    _channels(engine, settings, ("late", "immediate"))
    new = _events(engine, 1)[0]
    assert _route(engine) == 3
    with session_scope(engine) as s:
        sent = set(s.execute(select(NotifyEvent.event_id).join(NotifySend, NotifySend.event_pk == NotifyEvent.id))
                   .scalars())
    assert sent == {racing, new} and old not in sent


def test_a_claim_is_fenced_and_an_expired_lease_is_taken_over(engine: Engine, settings: Settings) -> None:
    _channels(engine, settings, ("a", "immediate"))
    _events(engine, 1)
    _route(engine)
    now = utcnow()
    first = claims.claim(engine, "w1", now=now, lease_s=30)
    assert first is not None and first.sends[0].attempts == 1
    assert claims.claim(engine, "w2", now=now, lease_s=30) is None  # held
    later = now + timedelta(seconds=31)
    second = claims.claim(engine, "w2", now=later, lease_s=30)  # w1 died: its lease ran out
    assert second is not None and second.sends[0].delivery_id == first.sends[0].delivery_id
    assert second.sends[0].attempts == 2 and second.token != first.token
    assert claims.mark_failed(engine, first, error="late", permanent=True, now=later, base_s=1, max_s=2) == 0
    assert claims.mark_sent(engine, second, now=later) == 1
    with session_scope(engine) as s:
        assert s.execute(select(NotifySend.status)).scalar_one() == "sent"


def test_a_digest_is_claimed_whole_and_a_failure_waits_with_backoff(engine: Engine, settings: Settings) -> None:
    _channels(engine, settings, ("d", "daily"), ("i", "immediate"))
    _events(engine, 4)
    _route(engine)
    now = utcnow()
    for _ in range(4):  # the immediate channel: one send per claim
        single = claims.claim(engine, "w", now=now, lease_s=30)
        assert single is not None and single.digest == "immediate" and len(single.sends) == 1
    assert claims.claim(engine, "w", now=now, lease_s=30) is None  # the daily digest is not due yet
    with write_tx(engine) as conn:  # the day is over for the digest channel
        conn.execute(update(S).where(S.c.channel_id == 1).values(next_attempt_at=now))
    digest = claims.claim(engine, "w", now=now, lease_s=30)
    assert digest is not None and digest.digest == "daily" and len(digest.sends) == 4
    assert claims.mark_failed(engine, digest, error="HTTP 503", permanent=False, now=now, base_s=10, max_s=100) == 4
    with session_scope(engine) as s:
        waits = {r.next_attempt_at for r in s.execute(select(NotifySend).where(NotifySend.channel_id == 1)).scalars()}
    (at,) = waits
    assert timedelta(seconds=5) <= at - now <= timedelta(seconds=10)
    assert claims.retry(engine, channel_id=1, now=now) == 4  # `notify retry --channel d`: due at once


def test_backoff_is_exponential_capped_and_jittered() -> None:
    rng = random.Random(7)
    for attempt, ceiling in [(1, 10), (2, 20), (3, 40), (8, 600), (30, 600)]:
        values = [claims.backoff(attempt, base_s=10, max_s=600, rng=rng) for _ in range(200)]
        assert all(ceiling / 2 <= v <= ceiling for v in values) and len(set(values)) > 150


def test_several_senders_never_hold_the_same_send(engine: Engine, settings: Settings) -> None:
    _channels(engine, settings, ("a", "immediate"), ("b", "immediate"))
    _events(engine, 40)
    _route(engine)
    got: list[int] = []
    lock = threading.Lock()

    def work(owner: str) -> None:
        while (c := claims.claim(engine, owner, now=utcnow(), lease_s=60)) is not None:
            with lock:
                got.extend(s.send_id for s in c.sends)
            claims.mark_sent(engine, c, now=utcnow())

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(got) == 80 and len(set(got)) == 80


def test_pruning_keeps_what_is_not_sent(engine: Engine, settings: Settings) -> None:
    _channels(engine, settings, ("a", "immediate"))
    _events(engine, 3)
    _route(engine)
    c = claims.claim(engine, "w", now=utcnow(), lease_s=30)
    claims.mark_sent(engine, c, now=utcnow())  # type: ignore[arg-type]
    c = claims.claim(engine, "w", now=utcnow(), lease_s=30)
    claims.mark_failed(engine, c, error="x", permanent=True, now=utcnow(), base_s=1, max_s=1)  # type: ignore[arg-type]
    assert prune_sent(engine, older_than=utcnow() + timedelta(days=1)) == 1  # the sent one only
    with session_scope(engine) as s:
        assert sorted(s.execute(select(NotifySend.status)).scalars()) == ["failed", "pending"]


def test_rules_route_by_target(engine: Engine, settings: Settings) -> None:
    from stardust_tui.domain.delivery_models import Target

    _channels(engine, settings, ("spotify-only", "immediate"), ("all", "immediate"))
    with session_scope(engine) as s:
        s.add(Target(name="spotify", url="file:///x"))
        s.add(Target(name="deezer", url="file:///y"))
    with write_tx(engine) as conn:
        record(conn, "delivery.failed", summary="x", target_id=1)
        record(conn, "delivery.failed", summary="y", target_id=2)
    rules = parse_rules([{"events": ["*"], "channels": ["spotify-only"], "targets": ["spotify"]},
                         {"events": ["*"], "channels": ["all"]}])
    _route(engine, rules)
    with session_scope(engine) as s:
        pairs = sorted(s.execute(select(NotifySend.event_pk, NotifySend.channel_id)).all())
    assert pairs == [(1, 1), (1, 2), (2, 2)]
