"""Claiming due sends with a lease, and recording how they went (fenced by the claim's token).

A claim is one short write transaction, as for delivery jobs: the oldest due send is picked (pending and
due, or ``sending`` with an expired lease: its sender died), ``FOR UPDATE SKIP LOCKED`` on PostgreSQL and
``BEGIN IMMEDIATE`` on SQLite; for a channel with an hourly or daily digest every due send of that channel
is claimed with it (one message). The rows become ``sending`` under a fresh token; :func:`mark_sent` and
:func:`mark_failed` change only rows still holding that token, so a sender whose lease was taken over
cannot overwrite the new holder's outcome. A failure waits ``backoff(attempt)`` (exponential, capped,
with jitter) and stays pending; only a permanent refusal of this message becomes ``failed`` (kept, shown by
``notify outbox --status failed``, queued again by ``notify retry``).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, true, update
from sqlalchemy.engine import Engine

from stardust_tui.domain.notify_models import NotifyChannel, NotifyEvent, NotifySend
from stardust_tui.notify.redact import redact

S = NotifySend.__table__
E = NotifyEvent.__table__
C = NotifyChannel.__table__
DIGEST_LIMIT = 500


@dataclass(frozen=True)
class ClaimedSend:
    send_id: int
    delivery_id: str
    attempts: int
    event_id: str
    event_type: str
    payload: str


@dataclass(frozen=True)
class Claim:
    channel_id: int
    token: str
    digest: str
    sends: tuple[ClaimedSend, ...]


def backoff(attempt: int, *, base_s: float, max_s: float, rng: random.Random | None = None) -> float:
    """Seconds before the next try: ``base * 2**(attempt-1)`` capped at ``max_s``, jittered to 50-100 %."""
    ceiling = min(max_s, base_s * (2 ** max(0, attempt - 1)))
    return ceiling * (0.5 + 0.5 * (rng or random).random())


def _due(now: datetime):
    return or_(and_(S.c.status == "pending", S.c.next_attempt_at <= now),
               and_(S.c.status == "sending", S.c.lease_expires_at < now))


def claim(engine: Engine, owner: str, *, now: datetime, lease_s: float) -> Claim | None:
    """Claim the next due send (with the rest of its channel's digest), or None when nothing is due."""
    from stardust_tui.worker.queue import write_tx

    pg = engine.dialect.name == "postgresql"
    with write_tx(engine) as conn:
        first = (select(S.c.id, S.c.channel_id, C.c.digest).select_from(S.join(C, C.c.id == S.c.channel_id))
                 .where(_due(now), C.c.enabled == true()).order_by(S.c.next_attempt_at, S.c.id).limit(1))
        if pg:
            first = first.with_for_update(of=S, skip_locked=True)
        row = conn.execute(first).first()
        if row is None:
            return None
        ids = [row.id]
        if row.digest != "immediate":
            more = (select(S.c.id).where(S.c.channel_id == row.channel_id, _due(now), S.c.id != row.id)
                    .order_by(S.c.id).limit(DIGEST_LIMIT - 1))
            if pg:
                more = more.with_for_update(skip_locked=True)
            ids += list(conn.execute(more).scalars())
        token = uuid.uuid4().hex
        conn.execute(update(S).where(S.c.id.in_(ids), _due(now)).values(
            status="sending", lease_owner=owner, lease_token=token, lease_expires_at=now + timedelta(seconds=lease_s),
            attempts=S.c.attempts + 1))
        got = conn.execute(select(S.c.id, S.c.delivery_id, S.c.attempts, E.c.event_id, E.c.type, E.c.payload)
                           .select_from(S.join(E, E.c.id == S.c.event_pk))
                           .where(S.c.lease_token == token).order_by(E.c.id)).all()
    if not got:
        return None
    sends = tuple(ClaimedSend(r.id, r.delivery_id, r.attempts, r.event_id, r.type, r.payload) for r in got)
    return Claim(row.channel_id, token, row.digest, sends)


def mark_sent(engine: Engine, claim: Claim, *, now: datetime) -> int:
    """Record the claim's sends as sent; returns how many rows still held the claim."""
    from stardust_tui.worker.queue import write_tx

    with write_tx(engine) as conn:
        done = conn.execute(update(S).where(S.c.lease_token == claim.token, S.c.status == "sending").values(
            status="sent", sent_at=now, lease_owner=None, lease_token=None, lease_expires_at=None, last_error=None))
        conn.execute(update(C).where(C.c.id == claim.channel_id).values(  # it went through, whoever records it
            consecutive_failures=0, last_success_at=now))
        return done.rowcount


def mark_failed(engine: Engine, claim: Claim, *, error: str, permanent: bool, now: datetime, base_s: float,
                max_s: float, retry_after: float | None = None) -> int:
    """Record a failed try: pending again after a backoff (or ``retry_after``), or failed when permanent."""
    from stardust_tui.worker.queue import write_tx

    attempt = max(s.attempts for s in claim.sends)
    wait = backoff(attempt, base_s=base_s, max_s=max_s)
    if retry_after is not None:
        wait = min(max(wait, retry_after), max(max_s, retry_after))
    text = redact(error)
    values = dict(status="failed") if permanent else dict(status="pending",
                                                          next_attempt_at=now + timedelta(seconds=wait))
    with write_tx(engine) as conn:
        done = conn.execute(update(S).where(S.c.lease_token == claim.token, S.c.status == "sending").values(
            lease_owner=None, lease_token=None, lease_expires_at=None, last_error=text, **values))
        if done.rowcount:  # a sender whose lease was taken over does not count against the channel
            conn.execute(update(C).where(C.c.id == claim.channel_id).values(
                consecutive_failures=C.c.consecutive_failures + 1, last_error=text, last_failure_at=now))
        return done.rowcount


def retry(engine: Engine, *, send_id: int | None = None, channel_id: int | None = None, now: datetime) -> int:
    """Queue failed (or waiting) sends again at once: one send, or every unsent one of a channel."""
    from stardust_tui.worker.queue import write_tx

    where = [S.c.status.in_(("failed", "pending"))]
    if send_id is not None:
        where.append(S.c.id == send_id)
    if channel_id is not None:
        where.append(S.c.channel_id == channel_id)
    with write_tx(engine) as conn:
        res = conn.execute(update(S).where(*where).values(status="pending", next_attempt_at=now, last_error=None))
        return res.rowcount


def next_due(engine: Engine) -> datetime | None:
    """When the earliest pending send of an enabled channel is due (for the sender's sleep)."""
    with engine.connect() as conn:
        return conn.execute(select(func.min(S.c.next_attempt_at)).select_from(S.join(C, C.c.id == S.c.channel_id))
                            .where(S.c.status == "pending", C.c.enabled == true())).scalar()
