"""The durable delivery queue: enqueue with an idempotency key, claim with a lease, finish.

Claims are one atomic statement: ``UPDATE delivery … WHERE id = (SELECT … LIMIT 1) RETURNING``, built once
per shape with named parameters. On SQLite the write lock makes it atomic (``BEGIN IMMEDIATE``); on
PostgreSQL the subquery takes ``FOR UPDATE SKIP LOCKED`` and claims are serialized by a transaction advisory
lock so the per-target concurrency count cannot be overrun by two workers at once; the whole claim is one
round trip to the server (:mod:`stardust_tui.worker.claim_pg`). A claim respects the
scheduled time, ``next_attempt_at``, the target's ``max_concurrency``, an overall running limit,
disabled targets and open circuits; an expired lease is taken over (the attempt is counted).

Every write made on behalf of a running attempt is fenced by ``(lease_owner, attempts)``: a worker
whose lease was taken over can no longer change the row (:class:`LeaseLostError`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Connection,
    Integer,
    String,
    and_,
    any_,
    bindparam,
    func,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect, Engine
from sqlmodel import Session

from stardust_tui.domain.delivery_models import MESSAGE_TYPES, Delivery, ReleaseTargetStatus, Target
from stardust_tui.domain.models import utcnow
from stardust_tui.errors import ConflictError, NotFoundError, ValidationError
from stardust_tui.notify import emit as notify_emit
from stardust_tui.store.db import write_tx
from stardust_tui.store.sqltypes import col, table
from stardust_tui.worker import circuit, claim_pg
from stardust_tui.worker.protocols import LeaseLostError
from stardust_tui.worker.retry import RetryPolicy

D = table(Delivery)
T = table(Target)
RTS = table(ReleaseTargetStatus)
ACTIVE = ("queued", "running", "retry-wait")
CLAIM_LOCK_KEY = 0x5354_4152  # "STAR": advisory lock serializing claims on PostgreSQL


def idempotency_key(content_hash: str, target_id: int, message_type: str) -> str:
    return f"{content_hash}:{target_id}:{message_type}"


def dialect_insert(bind: Engine | Connection | Session) -> Callable[..., Any]:
    """The dialect's INSERT (PostgreSQL's or SQLite's: both offer ON CONFLICT)."""
    name = bind.get_bind().dialect.name if isinstance(bind, Session) else bind.dialect.name
    return postgresql.insert if name == "postgresql" else sqlite.insert


def enqueue(session: Session, *, release_id: int, target_id: int, message_type: str = "new",
            priority: int = 0, at: datetime | None = None, content_hash: str,
            max_attempts: int | None = None, resend: bool = False, requested_by: str | None = None,
            skip_xsd: bool = False) -> Delivery:
    """Queue a delivery once: the same content, target and message type give the same row.

    ``resend`` makes a new delivery even so (the DSP lost the files, or asked for them again);
    ``requested_by`` is who queued it (the actor's name, issue 15); ``skip_xsd`` lets its live message go out
    without XSD validation (issue 13; asking again for a delivery still waiting sets it on that one)."""
    if message_type not in MESSAGE_TYPES:
        raise ValidationError(f"message type {message_type!r} is not one of {', '.join(MESSAGE_TYPES)}",
                              where="--type")
    if at is not None and at.utcoffset() is None:
        raise ValidationError("scheduled time needs a time zone (e.g. 2026-01-01T09:00Z)", where="--at")
    now = utcnow()
    key = idempotency_key(content_hash, target_id, message_type)
    if resend:
        key += f":resend:{now.strftime('%Y%m%dT%H%M%S%f')}"
    if max_attempts is None:
        max_attempts = _profile_attempts(session, target_id)
    values = dict(release_id=release_id, target_id=target_id, message_type=message_type, state="queued",
                  priority=priority, scheduled_at=at or now, next_attempt_at=at or now, attempts=0,
                  max_attempts=max_attempts, idempotency_key=key,
                  content_hash=content_hash, bytes_total=0, bytes_done=0, created_at=now, updated_at=now,
                  requested_by=requested_by, skip_xsd=skip_xsd)
    ins = dialect_insert(session)(D).values(**values).on_conflict_do_nothing(index_elements=["idempotency_key"])
    session.execute(ins)
    row: Delivery = session.execute(select(Delivery).where(col(Delivery.idempotency_key) == key)).scalar_one()
    if skip_xsd and not row.skip_xsd and row.state in ("queued", "retry-wait", "failed"):  # issue 13
        row.skip_xsd = True
        session.add(row)
        session.flush()
    return row


def _profile_attempts(session: Session, target_id: int) -> int:
    """The attempt limit of the target's delivery profile (user profiles included), else the default."""
    from stardust_tui.delivery.profiles import load_profile
    from stardust_tui.errors import StardustError
    from stardust_tui.paths import Paths

    profile = session.execute(select(T.c.profile).where(T.c.id == target_id)).scalar()
    if profile is None:
        raise NotFoundError(f"target {target_id} does not exist")
    try:
        return load_profile(profile, Paths.resolve().profiles_dir).max_attempts
    except StardustError:
        return RetryPolicy().max_attempts


@dataclass(frozen=True)
class Claim:
    delivery_id: int
    target_id: int
    attempt: int
    owner: str
    expires_at: datetime


def claim(engine: Engine, worker_id: str, *, lease_s: float = 30.0, global_limit: int | None = None,
          cooldown_s: float = circuit.CircuitPolicy.cooldown_s, now: datetime | None = None,
          target_ids: list[int] | None = None) -> Claim | None:
    """Claim the next due delivery for ``worker_id`` or return None."""
    now = now or utcnow()
    expires = now + timedelta(seconds=lease_s)
    params: dict[str, Any] = {"now": now, "expires": expires, "cut": now - timedelta(seconds=cooldown_s),
                              "worker_id": worker_id}
    if global_limit is not None:
        params["global_limit"] = global_limit
    if target_ids is not None:
        params["target_ids"] = list(target_ids)
    if engine.dialect.name == "postgresql":
        pg_stmt = _claim_statement(engine.dialect, global_limit is not None, target_ids is not None)
        row = claim_pg.run_claim(engine, pg_stmt, params, CLAIM_LOCK_KEY)
        if row is None:
            return None
        delivery_id, target_id, attempts = row
    else:
        stmt = _claim_statement(None, global_limit is not None, target_ids is not None)
        with write_tx(engine) as conn:
            got = conn.execute(stmt, params).first()
            if got is None:
                return None
            delivery_id, target_id, attempts = got
            circuit.mark_half_open(conn, target_id)
    return Claim(delivery_id, target_id, attempts, worker_id, expires)


@lru_cache(maxsize=16)
def _claim_statement(pg_dialect: Dialect | None, limited: bool, scoped: bool) -> Any:
    """The claim statement for one shape (with or without a global limit, a target scope), built once with
    named parameters (``now``, ``expires``, ``cut``, ``worker_id``, ``global_limit``, ``target_ids``).

    SQLite: ``UPDATE delivery … WHERE id = (SELECT … LIMIT 1) RETURNING`` (the caller then marks an open
    circuit half-open, in the same transaction). PostgreSQL (compiled for ``pg_dialect``): the same UPDATE
    with ``FOR UPDATE SKIP LOCKED`` in a CTE, and the half-open update as a second data-modifying CTE, so one
    statement does the whole claim (:mod:`stardust_tui.worker.claim_pg` runs it)."""
    pg = pg_dialect is not None
    now = bindparam("now", type_=D.c.next_attempt_at.type)
    r = D.alias("r")
    live = and_(r.c.state == "running", r.c.lease_expires_at >= now)
    # running deliveries per target, computed once per claim (not once per candidate row)
    busy = select(r.c.target_id, func.count().label("n")).where(live).group_by(r.c.target_id).cte("busy")
    on_target = func.coalesce(busy.c.n, 0)
    waiting = (D.c.state == any_(bindparam("waiting", ["queued", "retry-wait"], type_=ARRAY(String()))) if pg
               else D.c.state.in_(("queued", "retry-wait")))  # PostgreSQL parses IN (…) as this too
    due = or_(and_(waiting, D.c.next_attempt_at <= now, D.c.scheduled_at <= now),
              and_(D.c.state == "running", D.c.lease_expires_at < now))
    circuit_ok = or_(T.c.circuit_state == "closed",
                     and_(T.c.circuit_opened_at <= bindparam("cut", type_=T.c.circuit_opened_at.type),
                          on_target == 0))
    joined = D.join(T, T.c.id == D.c.target_id).outerjoin(busy, busy.c.target_id == D.c.target_id)
    pick = (select(D.c.id).select_from(joined)
            .where(due, T.c.enabled == true(), circuit_ok, on_target < T.c.max_concurrency)
            .order_by(D.c.priority.desc(), D.c.next_attempt_at, D.c.id).limit(1))
    if limited:
        total = select(func.count()).select_from(r).where(live).scalar_subquery()
        pick = pick.where(total < bindparam("global_limit", type_=Integer()))
    if scoped:
        pick = pick.where(D.c.target_id == any_(bindparam("target_ids", type_=ARRAY(Integer()))) if pg
                          else D.c.target_id.in_(bindparam("target_ids", expanding=True)))
    if pg:
        pick = pick.with_for_update(of=D, skip_locked=True)
    claimed = (update(D).where(D.c.id == pick.scalar_subquery())
               .values(state="running", lease_owner=bindparam("worker_id", type_=D.c.lease_owner.type),
                       lease_expires_at=bindparam("expires", type_=D.c.lease_expires_at.type),
                       attempts=D.c.attempts + 1, started_at=func.coalesce(D.c.started_at, now), updated_at=now)
               .returning(D.c.id, D.c.target_id, D.c.attempts))
    if pg_dialect is None:
        return claimed
    got = claimed.cte("claimed")
    probe = (update(T).where(T.c.id == got.c.target_id, T.c.circuit_state == "open")
             .values(circuit_state="half-open").cte("probe"))
    return claim_pg.PgStatement.compile(select(got.c.id, got.c.target_id, got.c.attempts).add_cte(probe),
                                        pg_dialect)


def _fenced(c: Claim) -> ColumnElement[bool]:
    return and_(D.c.id == c.delivery_id, D.c.lease_owner == c.owner, D.c.attempts == c.attempt,
                D.c.state == "running")


def touch(conn: Connection, c: Claim, **values: object) -> None:
    """Update the delivery as its lease holder; raise :class:`LeaseLostError` if it is no longer ours."""
    res = conn.execute(update(D).where(_fenced(c)).values(updated_at=utcnow(), **values))
    if res.rowcount != 1:
        raise LeaseLostError(f"delivery {c.delivery_id} was taken over or cancelled")


def renew(engine: Engine, c: Claim, *, lease_s: float, bytes_done: int | None = None) -> datetime:
    expires = utcnow() + timedelta(seconds=lease_s)
    extra = {} if bytes_done is None else {"bytes_done": bytes_done}
    with write_tx(engine) as conn:
        touch(conn, c, lease_expires_at=expires, **extra)
    return expires


def succeed(conn: Connection, c: Claim, *, release_id: int, message_type: str) -> None:
    """Mark the attempt succeeded, close the target's circuit and record the release's status there."""
    now = utcnow()
    touch(conn, c, state="succeeded", finished_at=now, lease_owner=None, lease_expires_at=None, last_error=None)
    circuit.record_success(conn, c.target_id)
    status = "taken-down" if message_type in ("takedown", "purge") else "delivered"
    ins = dialect_insert(conn)(RTS).values(release_id=release_id, target_id=c.target_id, status=status,
                                           delivery_id=c.delivery_id, updated_at=now)
    conn.execute(ins.on_conflict_do_update(
        index_elements=["release_id", "target_id"],
        set_={"status": status, "delivery_id": c.delivery_id, "updated_at": now}))
    notify_emit.delivery_outcome(conn, c.delivery_id, "succeeded")  # notify (issue 10): the outbox row


def fail(conn: Connection, c: Claim, *, error: str, permanent: bool, policy: RetryPolicy,
         max_attempts: int, blame_target: bool, circuit_policy: circuit.CircuitPolicy) -> str:
    """Record a failed attempt: retry-wait with backoff, or failed. Returns the new state."""
    now = utcnow()
    final = permanent or c.attempt >= max_attempts
    if final:
        touch(conn, c, state="failed", finished_at=now, last_error=error, lease_owner=None, lease_expires_at=None)
    else:
        wait = timedelta(seconds=policy.delay(c.attempt))
        touch(conn, c, state="retry-wait", next_attempt_at=now + wait, last_error=error, lease_owner=None,
              lease_expires_at=None)
    if blame_target:
        circuit.record_failure(conn, c.target_id, circuit_policy, now)
    notify_emit.delivery_outcome(conn, c.delivery_id, "failed" if final else "retry-wait", error=error,
                                 next_attempt_at=None if final else now + wait)  # notify (issue 10)
    return "failed" if final else "retry-wait"


def release(engine: Engine, c: Claim) -> bool:
    """Give a claimed delivery back without counting the attempt (clean shutdown). False if not ours."""
    with write_tx(engine) as conn:
        res = conn.execute(update(D).where(_fenced(c)).values(
            state="queued", attempts=D.c.attempts - 1, lease_owner=None, lease_expires_at=None,
            next_attempt_at=utcnow(), updated_at=utcnow()))
        return res.rowcount == 1


def cancel(engine: Engine, delivery_id: int) -> str:
    """Cancel a queued, waiting or running delivery (a running worker stops at its next step)."""
    with write_tx(engine) as conn:
        state: str | None = conn.execute(select(D.c.state).where(D.c.id == delivery_id)).scalar()
        if state is None:
            raise NotFoundError(f"delivery {delivery_id} does not exist")
        if state not in ACTIVE:
            raise ConflictError(f"delivery {delivery_id} is already {state}")
        conn.execute(update(D).where(D.c.id == delivery_id).values(
            state="cancelled", lease_owner=None, lease_expires_at=None, finished_at=utcnow(), updated_at=utcnow()))
    return state


def retry(engine: Engine, delivery_id: int) -> None:
    """Queue a failed or cancelled delivery again (its completed steps are kept and skipped)."""
    with write_tx(engine) as conn:
        state = conn.execute(select(D.c.state).where(D.c.id == delivery_id)).scalar()
        if state is None:
            raise NotFoundError(f"delivery {delivery_id} does not exist")
        if state not in ("failed", "cancelled", "retry-wait"):
            raise ConflictError(f"delivery {delivery_id} is {state}; only failed, cancelled or waiting ones "
                                "can be retried")
        now = utcnow()
        conn.execute(update(D).where(D.c.id == delivery_id).values(
            state="queued", attempts=0, next_attempt_at=now, finished_at=None, updated_at=now))


def get_delivery(session: Session, delivery_id: int) -> Delivery:
    delivery = session.get(Delivery, delivery_id)
    if delivery is None:
        raise NotFoundError(f"delivery {delivery_id} does not exist")
    return delivery


def list_deliveries(session: Session, *, state: str | None = None, target_id: int | None = None,
                    release_id: int | None = None, limit: int = 100, offset: int = 0) -> list[Delivery]:
    stmt = select(Delivery)
    if state:
        stmt = stmt.where(col(Delivery.state) == state)
    if target_id is not None:
        stmt = stmt.where(col(Delivery.target_id) == target_id)
    if release_id is not None:
        stmt = stmt.where(col(Delivery.release_id) == release_id)
    stmt = stmt.order_by(col(Delivery.id).desc()).limit(limit).offset(offset)
    return list(session.execute(stmt).scalars())


def count_due(engine: Engine, now: datetime | None = None) -> int:
    """Deliveries waiting to run now (queued/retry-wait and due) or held by an expired lease."""
    now = now or utcnow()
    due = or_(and_(D.c.state.in_(("queued", "retry-wait")), D.c.next_attempt_at <= now, D.c.scheduled_at <= now),
              and_(D.c.state == "running", D.c.lease_expires_at < now))
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(D).where(due)).scalar() or 0)
