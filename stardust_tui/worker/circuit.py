"""Circuit breaker per target, stored on the :class:`Target` row so every worker process shares it.

closed → (``threshold`` consecutive failures) → open: the target's jobs are not claimed →
(after ``cooldown_s``) one probe job may be claimed, the circuit is half-open → the probe's success
closes it, its failure opens it again for another cool-down. The claim query in
:mod:`stardust_tui.worker.queue` enforces "open" and "one probe"; this module records outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, case, select, update

from stardust_tui.domain.delivery_models import Target
from stardust_tui.domain.models import utcnow
from stardust_tui.notify import emit as notify_emit
from stardust_tui.store.sqltypes import table

T = table(Target)


@dataclass(frozen=True)
class CircuitPolicy:
    threshold: int = 5
    cooldown_s: float = 60.0


def _state(conn: Connection, target_id: int) -> str | None:
    """The circuit's state, the row locked until commit (PostgreSQL) so one transition is seen once."""
    return conn.execute(select(T.c.circuit_state).where(T.c.id == target_id).with_for_update()).scalar()


def record_success(conn: Connection, target_id: int, *, reason: str = "a delivery succeeded") -> None:
    before = _state(conn, target_id)
    conn.execute(update(T).where(T.c.id == target_id)
                 .values(circuit_state="closed", consecutive_failures=0, circuit_opened_at=None))
    if before not in (None, "closed"):  # notify (issue 10): circuit.closed in this transaction
        notify_emit.circuit_changed(conn, target_id, opened=False, reason=reason)


def record_failure(conn: Connection, target_id: int, policy: CircuitPolicy, now: datetime | None = None) -> None:
    """Count a failure; open the circuit at the threshold, or again when a half-open probe failed."""
    now = now or utcnow()
    before = _state(conn, target_id)
    failures = T.c.consecutive_failures + 1
    opens = (failures >= policy.threshold) | (T.c.circuit_state == "half-open")
    conn.execute(update(T).where(T.c.id == target_id).values(
        consecutive_failures=failures,
        circuit_state=case((opens, "open"), else_=T.c.circuit_state),
        circuit_opened_at=case((opens, now), else_=T.c.circuit_opened_at),
    ))
    if before == "closed":  # notify (issue 10): only closed -> open is news (a failed probe re-opens quietly)
        after = conn.execute(select(T.c.circuit_state, T.c.consecutive_failures).where(T.c.id == target_id)).first()
        if after is not None and after.circuit_state == "open":
            notify_emit.circuit_changed(conn, target_id, opened=True, failures=after.consecutive_failures)


def mark_half_open(conn: Connection, target_id: int) -> None:
    """The claim of a probe job: an open circuit past its cool-down becomes half-open."""
    conn.execute(update(T).where(T.c.id == target_id, T.c.circuit_state == "open")
                 .values(circuit_state="half-open"))


def reset(conn: Connection, target_id: int) -> None:
    """Close a circuit by hand (``stardust deliveries targets --reset NAME``)."""
    record_success(conn, target_id, reason="reset by hand")


def describe(target: Target, policy: CircuitPolicy, now: datetime | None = None) -> str:
    """Human state: ``closed``, ``closed (2 failures)``, ``open (probe in 41s)``, ``half-open (probing)``."""
    now = now or utcnow()
    if target.circuit_state == "open" and target.circuit_opened_at is not None:
        opened = target.circuit_opened_at
        if opened.tzinfo is None:
            from datetime import UTC

            opened = opened.replace(tzinfo=UTC)
        left = (opened + timedelta(seconds=policy.cooldown_s) - now).total_seconds()
        return f"open (probe in {max(0, int(left))}s)" if left > 0 else "open (probe due)"
    if target.circuit_state == "half-open":
        return "half-open (probing)"
    if target.consecutive_failures:
        return f"closed ({target.consecutive_failures} failures)"
    return "closed"
