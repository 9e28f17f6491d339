"""Per-target delivery metrics: success rate, median duration, throughput, queue depth.

Computed from finished :class:`Delivery` rows in a time window (one query per target group, no
whole-table loads): success rate = succeeded / (succeeded + failed), median of ``finished_at -
started_at`` for succeeded deliveries, throughput in deliveries per hour and bytes per second of
delivery time.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from stardust_tui.domain.delivery_models import Delivery, Target
from stardust_tui.domain.models import utcnow
from stardust_tui.store.scope import release_clause
from stardust_tui.store.sqltypes import table

D = table(Delivery)
T = table(Target)
MAX_SAMPLES = 5000


@dataclass(frozen=True)
class TargetMetrics:
    target: str
    succeeded: int
    failed: int
    queued: int
    running: int
    success_rate: float | None  # 0..1, None when nothing finished in the window
    median_seconds: float | None
    per_hour: float
    bytes_per_second: float | None
    circuit: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def target_metrics(session: Session, *, days: float = 7.0) -> list[TargetMetrics]:
    """Metrics of every target over the last ``days`` days (queue depth is the current one)."""
    since = utcnow() - timedelta(days=days)
    targets = session.execute(select(T.c.id, T.c.name, T.c.circuit_state).order_by(T.c.name)).all()
    counts: dict[tuple[int, str], int] = {}
    finished = (D.c.finished_at >= since) | D.c.state.in_(("queued", "running", "retry-wait"))
    scope = release_clause(session, D.c.release_id)  # a label-limited user counts their labels only (issue 15)
    for target_id, state, n in session.execute(
            select(D.c.target_id, D.c.state, func.count()).where(finished, scope)
            .group_by(D.c.target_id, D.c.state)):
        counts[(target_id, state)] = n
    out = []
    for target_id, name, circuit_state in targets:
        rows = session.execute(
            select(D.c.started_at, D.c.finished_at, D.c.bytes_total)
            .where(D.c.target_id == target_id, D.c.state == "succeeded", D.c.finished_at >= since,
                   D.c.started_at.is_not(None), scope)
            .order_by(D.c.finished_at.desc()).limit(MAX_SAMPLES)).all()
        durations = [max(0.0, (f - s).total_seconds()) for s, f, _ in rows]
        total_bytes = sum(b or 0 for *_, b in rows)
        ok, bad = counts.get((target_id, "succeeded"), 0), counts.get((target_id, "failed"), 0)
        span_h = days * 24
        if rows:
            first = min(s for s, _, _ in rows)
            span_h = max((utcnow() - first).total_seconds() / 3600, 1 / 3600)
        busy = sum(durations)
        out.append(TargetMetrics(
            target=name, succeeded=ok, failed=bad,
            queued=counts.get((target_id, "queued"), 0) + counts.get((target_id, "retry-wait"), 0),
            running=counts.get((target_id, "running"), 0),
            success_rate=ok / (ok + bad) if ok + bad else None,
            median_seconds=statistics.median(durations) if durations else None,
            per_hour=len(rows) / span_h if rows else 0.0,
            bytes_per_second=total_bytes / busy if busy > 0 and total_bytes else None,
            circuit=circuit_state))
    return out
