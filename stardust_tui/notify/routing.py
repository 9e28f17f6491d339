"""Fan-out: each new outbox event becomes one pending send per channel its rules pick.

Runs in the sender, in its own short transaction: new events (``routed_at IS NULL``) are read oldest first
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two senders route different events), a ``notify_send`` row is
inserted per chosen enabled channel (``ON CONFLICT DO NOTHING`` on event × channel: routing twice adds
nothing) due at once or at the end of the channel's digest window, and the events are marked routed.
Disabled channels get nothing while they are disabled, and a channel gets no event that happened before it was
added (less a minute's grace for a transaction that was open while it was added): a new webhook is not flooded
with the history of a database no sender had looked at yet.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import Connection, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from stardust_tui.domain.notify_models import NotifyChannel, NotifyEvent, NotifySend
from stardust_tui.notify.events import new_delivery_id
from stardust_tui.notify.rules import Rule, channels_for
from stardust_tui.notify.schedule import Schedule
from stardust_tui.store.sqltypes import table

E = table(NotifyEvent)
S = table(NotifySend)
C = table(NotifyChannel)
BATCH = 500
BEFORE_CHANNEL_GRACE = timedelta(seconds=60)


def _target_name(payload: str) -> str | None:
    try:
        target = json.loads(payload).get("target")
    except ValueError:
        return None
    return target.get("name") if isinstance(target, dict) else None


def route_new(engine: Engine, rules: list[Rule], schedule: Schedule, *, now: datetime,
              limit: int | None = None) -> int:
    """Route up to ``limit`` (default :data:`BATCH`) new events; returns how many events were routed."""
    from stardust_tui.store.db import write_tx

    with write_tx(engine) as conn:
        return route_in(conn, rules, schedule, now=now, limit=limit)


def route_in(conn: Connection, rules: list[Rule], schedule: Schedule, *, now: datetime,
             limit: int | None = None) -> int:
    limit = BATCH if limit is None else limit
    pg = conn.dialect.name == "postgresql"
    pick = (select(E.c.id, E.c.type, E.c.label, E.c.payload, E.c.occurred_at).where(E.c.routed_at.is_(None))
            .order_by(E.c.id).limit(limit))
    if pg:
        pick = pick.with_for_update(skip_locked=True)
    events = conn.execute(pick).all()
    if not events:
        return 0
    channels = conn.execute(select(C.c.id, C.c.name, C.c.digest, C.c.created_at).where(C.c.enabled == true())).all()
    by_name = {c.name: c for c in channels}
    rows = []
    for ev in events:
        for name in channels_for(rules, list(by_name), ev.type, target=_target_name(ev.payload), label=ev.label):
            ch = by_name[name]
            if ch.created_at is not None and ev.occurred_at < ch.created_at - BEFORE_CHANNEL_GRACE:
                continue  # it happened before this channel was added
            rows.append(dict(event_pk=ev.id, channel_id=ch.id, delivery_id=new_delivery_id(), status="pending",
                             attempts=0, next_attempt_at=schedule.due_at(ch.digest, now), created_at=now))
    if rows:
        ins = (postgresql.insert if pg else sqlite.insert)(S)
        conn.execute(ins.on_conflict_do_nothing(index_elements=["event_pk", "channel_id"]), rows)
    conn.execute(update(E).where(E.c.id.in_([e.id for e in events])).values(routed_at=now))
    return len(events)
