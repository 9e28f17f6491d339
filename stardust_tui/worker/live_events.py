"""Following delivery events live across hosts: PostgreSQL LISTEN/NOTIFY (issue 12).

Every stored :class:`~stardust_tui.domain.delivery_models.DeliveryEvent` is announced on the
``stardust_delivery_events`` channel with its id as the payload, by a trigger (migration 0014) when the
transaction that stored it commits. :func:`follow_db` LISTENs on a connection of its own and yields the
announced rows (read back from the database, so what is shown is exactly what was stored), in batches as
they arrive; a worker on any host is followed the same way. On SQLite there is one machine: the JSON-lines
file (:func:`stardust_tui.worker.events.follow_file`) stays the live source, and :func:`uses_notify` says
which applies.

Events are stored when a step ends, with the outcome, and on each lease renewal; byte-level progress is
not stored (it reaches other hosts as the delivery's ``bytes_done``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from stardust_tui.domain.delivery_models import DeliveryEvent
from stardust_tui.store.sqltypes import table

CHANNEL = "stardust_delivery_events"
E = table(DeliveryEvent)


def uses_notify(engine: Engine) -> bool:
    """True when delivery events are announced over LISTEN/NOTIFY (PostgreSQL)."""
    return engine.dialect.name == "postgresql"


def event_dict(row: Any) -> dict[str, Any]:
    """A stored event as the JSON-lines log writes it (plus its ``id``)."""
    data = {"id": row.id, "at": row.at.isoformat(), "level": row.level, "message": row.message,
            "delivery_id": row.delivery_id, "target_id": row.target_id, "step": row.step, "bytes": row.bytes,
            "duration_ms": row.duration_ms}
    return {k: v for k, v in data.items() if v is not None}


def _rows(engine: Engine, ids: list[int], delivery_id: int | None) -> list[dict[str, Any]]:
    stmt = select(E).where(E.c.id.in_(ids)).order_by(E.c.id)
    if delivery_id is not None:
        stmt = stmt.where(E.c.delivery_id == delivery_id)
    with engine.connect() as conn:
        return [event_dict(r) for r in conn.execute(stmt)]


class EventListener:
    """A LISTEN on the events channel, on a connection of its own (use as a context manager: the LISTEN
    is in place when ``with`` returns, so events stored afterwards are never missed)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._fairy: Any = None
        self._pg: Any = None
        self._seen: set[int] = set()

    def __enter__(self) -> EventListener:
        fairy = self.engine.raw_connection()
        pg = fairy.driver_connection
        if pg is None:  # a pooled connection always has one; a closed one does not
            raise RuntimeError("the PostgreSQL connection is closed")
        fairy.detach()  # ours alone: closed at the end, never handed back to the pool with LISTEN on it
        pg.rollback()
        pg.autocommit = True
        pg.execute(f"LISTEN {CHANNEL}")
        self._fairy, self._pg = fairy, pg
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):
            self._pg.execute(f"UNLISTEN {CHANNEL}")
        with contextlib.suppress(Exception):
            self._fairy.close()
        with contextlib.suppress(Exception):
            self._pg.close()

    def skip(self, ids: Iterator[int] | list[int]) -> None:
        """Event ids already shown (read from the table before following)."""
        self._seen.update(ids)

    def batches(self, *, delivery_id: int | None = None, stop: Callable[[], bool] = lambda: False,
                wait_s: float = 0.5) -> Iterator[list[dict[str, Any]]]:
        """Batches of newly stored events (of one delivery, or all) until ``stop()`` is true."""
        while True:
            done = stop()  # once true, one last look: the final events commit with the final state
            fresh = []
            for note in self._pg.notifies(timeout=0.05 if done else wait_s, stop_after=500):
                if note.channel == CHANNEL and note.payload.isdigit() and int(note.payload) not in self._seen:
                    fresh.append(int(note.payload))
            if fresh:
                self._seen.update(fresh)
                if len(self._seen) > 100_000:
                    self._seen = set(sorted(self._seen)[-50_000:])
                rows = _rows(self.engine, fresh, delivery_id)
                if rows:
                    yield rows
            if done:
                return


def follow_db(engine: Engine, *, delivery_id: int | None = None, stop: Callable[[], bool] = lambda: False,
              wait_s: float = 0.5) -> Iterator[list[dict[str, Any]]]:
    """Yield batches of newly stored events (of one delivery, or all) until ``stop()`` is true."""
    with EventListener(engine) as listener:
        yield from listener.batches(delivery_id=delivery_id, stop=stop, wait_s=wait_s)
