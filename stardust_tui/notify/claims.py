"""Claiming due sends with a lease, and recording how they went (fenced by the claim's token).

Claims are taken in one short write transaction, as for delivery jobs: the oldest due sends are picked
(pending and due, or ``sending`` with an expired lease: their sender died), ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL and ``BEGIN IMMEDIATE`` on SQLite, up to a batch (:func:`claim_batch`); an immediate send is a
claim (one message) of its own, and for a channel with an hourly or daily digest every due send of that
channel is claimed together (one message). The rows become ``sending`` under a fresh token; the outcomes of
a batch are recorded in one transaction (:func:`record_outcomes`), changing only rows still holding that
token, so a sender whose lease was taken over cannot overwrite the new holder's outcome. A failure waits
``backoff(attempt)`` (exponential, capped, with jitter) and stays pending; only a permanent refusal of this
message becomes ``failed`` (kept, shown by ``notify outbox --status failed``, queued again by ``notify
retry``). :func:`has_work` is the read-only look an idle sender takes instead of a write transaction.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select, true, update
from sqlalchemy.engine import Engine

from stardust_tui.domain.notify_models import NotifyChannel, NotifyEvent, NotifySend
from stardust_tui.notify.redact import redact
from stardust_tui.store.sqltypes import table

S = table(NotifySend)
E = table(NotifyEvent)
C = table(NotifyChannel)
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
    channel_version: datetime | None = None  # the channel row's updated_at: a changed channel is built again

    @property
    def ids(self) -> list[int]:
        return [s.send_id for s in self.sends]


@dataclass(frozen=True)
class Outcome:
    """How one claim went, for :func:`record_outcomes`."""

    claim: Claim
    error: str | None = None  # None: sent
    permanent: bool = False
    retry_after: float | None = None


def backoff(attempt: int, *, base_s: float, max_s: float, rng: random.Random | None = None) -> float:
    """Seconds before the next try: ``base * 2**(attempt-1)`` capped at ``max_s``, jittered to 50-100 %."""
    ceiling = min(max_s, base_s * (2 ** max(0, attempt - 1)))
    return ceiling * (0.5 + 0.5 * (rng or random).random())


def _due(now: datetime):
    return or_(and_(S.c.status == "pending", S.c.next_attempt_at <= now),
               and_(S.c.status == "sending", S.c.lease_expires_at < now))


def claim_batch(engine: Engine, owner: str, *, now: datetime, lease_s: float, limit: int) -> list[Claim]:
    """Claim up to ``limit`` due sends in one transaction: each immediate send is a claim of its own, a digest
    channel's due sends one claim together. Empty when nothing is due."""
    from stardust_tui.store.db import write_tx

    pg = engine.dialect.name == "postgresql"
    with write_tx(engine) as conn:
        first = (select(S.c.id, S.c.channel_id, C.c.digest, C.c.updated_at)
                 .select_from(S.join(C, C.c.id == S.c.channel_id))
                 .where(_due(now), C.c.enabled == true()).order_by(S.c.next_attempt_at, S.c.id).limit(limit))
        if pg:
            first = first.with_for_update(of=S, skip_locked=True)
        rows = conn.execute(first).all()
        if not rows:
            return []
        groups: list[tuple[str, list[int]]] = []  # (digest, send ids): one claim each
        digest_channels: set[int] = set()
        versions = {row.channel_id: row.updated_at for row in rows}
        for row in rows:
            if row.digest == "immediate":
                groups.append(("immediate", [row.id]))
            elif row.channel_id not in digest_channels:
                digest_channels.add(row.channel_id)
                more = (select(S.c.id).where(S.c.channel_id == row.channel_id, _due(now))
                        .order_by(S.c.id).limit(DIGEST_LIMIT))
                if pg:
                    more = more.with_for_update(skip_locked=True)
                groups.append((row.digest, list(conn.execute(more).scalars())))
        token = uuid.uuid4().hex
        conn.execute(update(S).where(S.c.id.in_([i for _, ids in groups for i in ids]), _due(now)).values(
            status="sending", lease_owner=owner, lease_token=token, lease_expires_at=now + timedelta(seconds=lease_s),
            attempts=S.c.attempts + 1))
        got = {r.id: r for r in conn.execute(
            select(S.c.id, S.c.channel_id, S.c.delivery_id, S.c.attempts, E.c.event_id, E.c.type, E.c.payload)
            .select_from(S.join(E, E.c.id == S.c.event_pk)).where(S.c.lease_token == token))}
    claims = []
    for digest, ids in groups:
        held = [got[i] for i in sorted(ids) if i in got]
        if held:
            claims.append(Claim(held[0].channel_id, token, digest, tuple(
                ClaimedSend(r.id, r.delivery_id, r.attempts, r.event_id, r.type, r.payload) for r in held),
                versions.get(held[0].channel_id)))
    return claims


def claim(engine: Engine, owner: str, *, now: datetime, lease_s: float) -> Claim | None:
    """Claim the next due send (with the rest of its channel's digest), or None when nothing is due."""
    batch = claim_batch(engine, owner, now=now, lease_s=lease_s, limit=1)
    return batch[0] if batch else None


def record_outcomes(engine: Engine, outcomes: list[Outcome], *, now: datetime, base_s: float,
                    max_s: float) -> int:
    """Record how each claim went, in one transaction: sent; pending again after a backoff (or its
    ``retry_after``); or failed when permanent. Only rows still holding their claim change; returns how many."""
    from stardust_tui.store.db import write_tx

    changed = 0
    with write_tx(engine) as conn:
        for o in outcomes:
            mine = and_(S.c.id.in_(o.claim.ids), S.c.lease_token == o.claim.token, S.c.status == "sending")
            if o.error is None:
                done = conn.execute(update(S).where(mine).values(
                    status="sent", sent_at=now, lease_owner=None, lease_token=None, lease_expires_at=None,
                    last_error=None))
                conn.execute(update(C).where(C.c.id == o.claim.channel_id).values(  # it went through, whoever records
                    consecutive_failures=0, last_success_at=now))
            else:
                attempt = max(s.attempts for s in o.claim.sends)
                wait = backoff(attempt, base_s=base_s, max_s=max_s)
                if o.retry_after is not None:
                    wait = min(max(wait, o.retry_after), max(max_s, o.retry_after))
                text = redact(o.error)
                values = dict(status="failed") if o.permanent else dict(
                    status="pending", next_attempt_at=now + timedelta(seconds=wait))
                done = conn.execute(update(S).where(mine).values(
                    lease_owner=None, lease_token=None, lease_expires_at=None, last_error=text, **values))
                if done.rowcount:  # a sender whose lease was taken over does not count against the channel
                    conn.execute(update(C).where(C.c.id == o.claim.channel_id).values(
                        consecutive_failures=C.c.consecutive_failures + 1, last_error=text, last_failure_at=now))
            changed += done.rowcount
    return changed


def mark_sent(engine: Engine, claim: Claim, *, now: datetime) -> int:
    """Record one claim's sends as sent; returns how many rows still held the claim."""
    return record_outcomes(engine, [Outcome(claim)], now=now, base_s=1, max_s=1)


def mark_failed(engine: Engine, claim: Claim, *, error: str, permanent: bool, now: datetime, base_s: float,
                max_s: float, retry_after: float | None = None) -> int:
    """Record a failed try of one claim (see :func:`record_outcomes`)."""
    return record_outcomes(engine, [Outcome(claim, error, permanent, retry_after)], now=now, base_s=base_s,
                           max_s=max_s)


def has_work(engine: Engine, *, now: datetime) -> bool:
    """A read-only look (no write lock): is any event unrouted, or any send of an enabled channel due?"""
    with engine.connect() as conn:
        if conn.execute(select(E.c.id).where(E.c.routed_at.is_(None)).limit(1)).first() is not None:
            return True
        return conn.execute(select(S.c.id).select_from(S.join(C, C.c.id == S.c.channel_id))
                            .where(_due(now), C.c.enabled == true()).limit(1)).first() is not None


def retry(engine: Engine, *, send_id: int | None = None, channel_id: int | None = None, now: datetime) -> int:
    """Queue failed (or waiting) sends again at once: one send, or every unsent one of a channel."""
    from stardust_tui.store.db import write_tx

    where: list[ColumnElement[bool]] = [S.c.status.in_(("failed", "pending"))]
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
