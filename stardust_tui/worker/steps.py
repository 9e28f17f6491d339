"""The database-backed :class:`~stardust_tui.worker.protocols.StepRecorder` of one claimed delivery.

Completed steps are :class:`DeliveryStep` rows (unique per delivery and name). Recording a step is
fenced by the claim, so a worker that lost its lease cannot mark anything done; the same transaction
flushes the buffered events and the byte counter.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from stardust_tui.domain.delivery_models import DeliveryStep
from stardust_tui.domain.models import utcnow
from stardust_tui.store.db import write_tx
from stardust_tui.store.sqltypes import table
from stardust_tui.worker import events as ev
from stardust_tui.worker.protocols import StepState
from stardust_tui.worker.queue import Claim, dialect_insert, touch

S = table(DeliveryStep)
DELIVERY_FIELDS = frozenset({"message_id", "batch_id", "remote_path", "ern_version", "bytes_total"})


def load_steps(engine: Engine, delivery_id: int) -> list[StepState]:
    with engine.connect() as conn:
        rows = conn.execute(select(S).where(S.c.delivery_id == delivery_id).order_by(S.c.seq, S.c.id)).all()
    return [StepState(r.name, r.state, r.remote_path, r.size, r.md5) for r in rows]


class DbStepRecorder:
    """Steps of one delivery attempt; :meth:`done` is durable before it returns."""

    def __init__(self, engine: Engine, claim: Claim, sink: ev.DeliveryEvents) -> None:
        self.engine = engine
        self.claim = claim
        self.sink = sink
        self._steps: dict[str, StepState] = {s.name: s for s in load_steps(engine, claim.delivery_id)}

    def confirm(self) -> None:
        """The attempt's first write, before it does anything outside the store (sync: run it in a thread).

        Fenced like every other write, and a durable commit: on PostgreSQL the claim itself commits without
        waiting for the disk (:mod:`stardust_tui.worker.claim_pg`); this commit flushes the claim with it, or
        raises :class:`LeaseLostError` if a server crash lost the claim. Stores the buffered events (the
        attempt's "started" line) as it goes."""
        with write_tx(self.engine) as conn:
            touch(conn, self.claim)
            flush_events(conn, self.sink)

    def is_done(self, name: str) -> bool:
        step = self._steps.get(name)
        return step is not None and step.state in ("done", "skipped")

    def get(self, name: str) -> StepState | None:
        return self._steps.get(name)

    def completed(self) -> list[StepState]:
        return [s for s in self._steps.values() if s.state in ("done", "skipped")]

    async def done(self, name: str, *, remote_path: str | None = None, size: int | None = None,
                   md5: str | None = None, skipped: bool = False) -> None:
        state = StepState(name, "skipped" if skipped else "done", remote_path, size, md5)
        await asyncio.to_thread(self._write_step, state)
        self._steps[name] = state
        self.sink.reset_progress(name)

    def _write_step(self, step: StepState) -> None:
        now = utcnow()
        values = dict(state=step.state, remote_path=step.remote_path, size=step.size, md5=step.md5,
                      attempt=self.claim.attempt, completed_at=now)
        with write_tx(self.engine) as conn:
            touch(conn, self.claim)
            ins = dialect_insert(conn)(S).values(delivery_id=self.claim.delivery_id, seq=len(self._steps),
                                                 name=step.name, **values)
            conn.execute(ins.on_conflict_do_update(index_elements=["delivery_id", "name"], set_=values))
            flush_events(conn, self.sink)

    async def update_delivery(self, **fields: Any) -> None:
        unknown = set(fields) - DELIVERY_FIELDS
        if unknown:
            raise TypeError(f"update_delivery() got unknown fields: {', '.join(sorted(unknown))}")
        await asyncio.to_thread(self._write_fields, fields)

    def _write_fields(self, fields: dict[str, Any]) -> None:
        with write_tx(self.engine) as conn:
            touch(conn, self.claim, **fields)
            flush_events(conn, self.sink)


def _row(event: ev.Event) -> dict[str, Any]:
    return dict(at=event.at, delivery_id=event.delivery_id, target_id=event.target_id, step=event.step,
                level=event.level, message=event.message, bytes=event.bytes, duration_ms=event.duration_ms)


def flush_events(conn: Any, sink: ev.DeliveryEvents, also: tuple[ev.Event, ...] = ()) -> None:
    """Write the sink's buffered events, then ``also`` (events kept out of the buffer, such as an
    outcome that only this transaction may store), in the caller's transaction."""
    pending = sink.drain() + list(also)
    if pending:
        conn.execute(S.metadata.tables["delivery_event"].insert(), [_row(e) for e in pending])
