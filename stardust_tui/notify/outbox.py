"""Writing one event into the outbox, inside the caller's transaction.

:func:`record` takes the caller's open :class:`~sqlalchemy.engine.Connection` or ORM ``Session`` (never its
own), so the event commits or rolls back with the state change it describes. It looks up the release (UPC,
title, artist, label) and the target's name in that same transaction, builds the payload once and inserts
it. A ``dedupe_key`` makes the write idempotent (the weekly summary of one week is written once however
many daemons decide to write it).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from stardust_tui.domain.delivery_models import Target
from stardust_tui.domain.models import Party, Release, utcnow
from stardust_tui.domain.notify_models import NotifyEvent
from stardust_tui.notify.events import EVENT_TYPES, build_payload, new_event_id
from stardust_tui.store.sqltypes import table

E = table(NotifyEvent)
R = table(Release)
P = table(Party)
T = table(Target)
Bind = Connection | Session
_PLACEHOLDER = re.compile(r"\{(release|target)\}")


def release_facts(bind: Bind, release_id: int | None) -> dict[str, Any] | None:
    """What an event says about a release: id, UPC (or GRid), title, artist, label, release date."""
    if release_id is None:
        return None
    row = bind.execute(select(R.c.id, R.c.upc, R.c.grid, R.c.title, R.c.display_artist, R.c.release_date,
                              P.c.name.label("label"))
                       .select_from(R.outerjoin(P, P.c.id == R.c.label_id)).where(R.c.id == release_id)).first()
    if row is None:
        return {"id": release_id, "upc": None, "grid": None, "title": None, "artist": None, "label": None,
                "release_date": None}
    return {"id": row.id, "upc": row.upc, "grid": row.grid, "title": row.title, "artist": row.display_artist,
            "label": row.label, "release_date": row.release_date.isoformat() if row.release_date else None}


def target_facts(bind: Bind, target_id: int | None) -> dict[str, Any] | None:
    if target_id is None:
        return None
    name = bind.execute(select(T.c.name).where(T.c.id == target_id)).scalar()
    return {"id": target_id, "name": name}


def release_name(release: dict[str, Any] | None) -> str:
    """``'Night Drive' (UPC 036000291452)`` for summary lines."""
    if not release:
        return "a release"
    code = f"UPC {release['upc']}" if release.get("upc") else (f"GRid {release['grid']}" if release.get("grid")
                                                                else f"release {release['id']}")
    return f"{release.get('title') or 'untitled'!r} ({code})"


def record(bind: Bind, type: str, *, summary: str, release_id: int | None = None, target_id: int | None = None,
           data: dict[str, Any] | None = None, dedupe_key: str | None = None, occurred_at: datetime | None = None,
           release: dict[str, Any] | None = None) -> str | None:
    """Insert one event into the outbox in ``bind``'s transaction; returns its event id.

    ``summary`` may use ``{release}`` and ``{target}`` (filled with the looked-up names). With ``dedupe_key``
    an event already written under that key is kept and None is returned."""
    if type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {type!r}")
    when = occurred_at or utcnow()
    release = release if release is not None else release_facts(bind, release_id)
    target = target_facts(bind, target_id)
    names = {"release": release_name(release), "target": (target or {}).get("name") or "a target"}
    line = _PLACEHOLDER.sub(lambda m: names[m[1]], summary)  # one pass: names are never re-read as placeholders
    event_id = new_event_id()
    payload = build_payload(event_id=event_id, type=type, occurred_at=when, summary=line, release=release,
                            target=target, data=data or {})
    values = dict(event_id=event_id, type=type, occurred_at=when, release_id=release_id, target_id=target_id,
                  label=(release or {}).get("label"), severity=EVENT_TYPES[type].severity, payload=payload,
                  dedupe_key=dedupe_key, routed_at=None)
    if dedupe_key is None:
        bind.execute(insert(E).values(**values))
        return event_id
    dialect = bind.get_bind().dialect.name if isinstance(bind, Session) else bind.dialect.name
    ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(E).values(**values)
    done = bind.execute(ins.on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(E.c.id)).first()
    return event_id if done is not None else None
