"""The weekly summary: per target delivered / failed / acknowledged / rejected and median time, the queue,
open circuits, releases going live in the next seven days and the ten most recent errors.

:func:`weekly_summary` reads it in one session (a label-limited user's session sees their labels only:
deliveries, ACKs and releases are filtered with ``store.scope.release_clause``). ``stardust report weekly``
prints it; the daemon writes it into the outbox as a ``report.weekly`` event once per week
(:func:`enqueue_weekly`, idempotent by the week's slot), so it goes through the rules like any event.
"""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta, tzinfo
from typing import Any, overload

from sqlalchemy import func, select
from sqlmodel import Session, col

from stardust_tui.delivery.acks import OK_FILE_STATUS, OK_SUPPLY_CHAIN, PENDING_SUPPLY_CHAIN
from stardust_tui.domain.delivery_models import Acknowledgement, Delivery, ReleaseTargetStatus, Target
from stardust_tui.domain.models import Release
from stardust_tui.notify.events import iso
from stardust_tui.notify.outbox import release_name
from stardust_tui.notify.redact import redact
from stardust_tui.store.scope import release_clause
from stardust_tui.store.sqltypes import table

D, T, A = table(Delivery), table(Target), table(Acknowledgement)
R, RTS = table(Release), table(ReleaseTargetStatus)
ERRORS_SHOWN = 10


@overload
def _aware(when: datetime, ref: datetime) -> datetime: ...
@overload
def _aware(when: None, ref: datetime) -> None: ...
def _aware(when: datetime | None, ref: datetime) -> datetime | None:
    return when.replace(tzinfo=ref.tzinfo) if when is not None and when.tzinfo is None else when


def _ack_kind(status: str | None) -> str:
    if status in OK_FILE_STATUS or status in OK_SUPPLY_CHAIN:
        return "acknowledged"
    if status in PENDING_SUPPLY_CHAIN:
        return "pending"
    return "unreadable" if status in (None, "unreadable") else "rejected"


def weekly_summary(session: Session, *, until: datetime, tz: tzinfo, days: int = 7) -> dict[str, Any]:
    since = until - timedelta(days=days)
    scope = release_clause(session, D.c.release_id)
    targets = session.execute(select(T.c.id, T.c.name, T.c.circuit_state, T.c.circuit_opened_at,
                                     T.c.consecutive_failures).order_by(T.c.name)).all()
    per: dict[int, dict[str, Any]] = {t.id: {"target": t.name, "delivered": 0, "failed": 0, "acknowledged": 0,
                                             "rejected": 0, "median_seconds": None, "circuit": t.circuit_state}
                                      for t in targets}
    durations: dict[int, list[float]] = {}
    rows = session.execute(select(D.c.target_id, D.c.state, D.c.started_at, D.c.finished_at).where(
        D.c.state.in_(("succeeded", "failed")), D.c.finished_at >= since, D.c.finished_at < until, scope)).all()
    for r in rows:
        if r.target_id not in per:
            continue
        per[r.target_id]["delivered" if r.state == "succeeded" else "failed"] += 1
        if r.state == "succeeded" and r.started_at and r.finished_at:
            durations.setdefault(r.target_id, []).append(max(0.0, (r.finished_at - r.started_at).total_seconds()))
    for tid, values in durations.items():
        per[tid]["median_seconds"] = round(statistics.median(values), 1)
    for tid, status, n in session.execute(
            select(A.c.target_id, A.c.file_status, func.count()).where(
                A.c.received_at >= since, A.c.received_at < until, release_clause(session, A.c.release_id))
            .group_by(A.c.target_id, A.c.file_status)):
        kind = _ack_kind(status)
        if tid in per and kind in ("acknowledged", "rejected"):
            per[tid][kind] += n
    queue = {state: 0 for state in ("queued", "retry-wait", "running")}
    for state, n in session.execute(select(D.c.state, func.count()).where(D.c.state.in_(tuple(queue)), scope)
                                    .group_by(D.c.state)):
        queue[state] = n
    circuits = [{"target": t.name, "state": t.circuit_state, "failures": t.consecutive_failures,
                 "since": iso(_aware(t.circuit_opened_at, until)) if t.circuit_opened_at else None}
                for t in targets if t.circuit_state != "closed"]
    totals = {k: sum(p[k] for p in per.values()) for k in ("delivered", "failed", "acknowledged", "rejected")}
    going = _going_live(session, until.astimezone(tz).date(), days)
    return {"period": {"from": iso(since), "to": iso(until), "days": days}, "targets": list(per.values()),
            "totals": totals, "queue": queue, "circuits": circuits, "going_live": going,
            "errors": _recent_errors(session, until)}


def _going_live(session: Session, today: Any, days: int) -> list[dict[str, Any]]:
    end = today + timedelta(days=days)
    rows = session.execute(select(R.c.id, R.c.upc, R.c.grid, R.c.title, R.c.display_artist, R.c.release_date,
                                  R.c.status).where(R.c.release_date >= today, R.c.release_date <= end,
                                                    R.c.status != "taken-down", release_clause(session, R.c.id))
                           .order_by(R.c.release_date, R.c.id).limit(200)).all()
    out = []
    for r in rows:
        at = [n for (n,) in session.execute(select(T.c.name).select_from(RTS.join(T, T.c.id == RTS.c.target_id))
                                            .where(RTS.c.release_id == r.id).order_by(T.c.name))]
        out.append({"release_id": r.id, "upc": r.upc, "grid": r.grid, "title": r.title, "artist": r.display_artist,
                    "release_date": r.release_date.isoformat(), "status": r.status, "delivered_to": at})
    return out


def _recent_errors(session: Session, until: datetime) -> list[dict[str, Any]]:
    names = dict(session.execute(select(T.c.id, T.c.name)).all())
    found: list[dict[str, Any]] = []
    for r in session.execute(select(D.c.id, D.c.release_id, D.c.target_id, D.c.updated_at, D.c.last_error, R.c.upc,
                                    R.c.grid, R.c.title).select_from(D.join(R, R.c.id == D.c.release_id))
                             .where(D.c.last_error.is_not(None), D.c.updated_at < until,
                                    release_clause(session, D.c.release_id))
                             .order_by(D.c.updated_at.desc()).limit(ERRORS_SHOWN)):
        found.append({"time": iso(_aware(r.updated_at, until)), "kind": "delivery", "delivery_id": r.id,
                      "target": names.get(r.target_id), "text": redact(r.last_error, limit=500),
                      "release": release_name({"id": r.release_id, "upc": r.upc, "grid": r.grid, "title": r.title})})
    for r in session.execute(select(A.c.target_id, A.c.release_id, A.c.received_at, A.c.file_status, A.c.error_text,
                                    A.c.file_name).where(A.c.received_at < until,
                                                         release_clause(session, A.c.release_id))
                             .order_by(A.c.received_at.desc()).limit(ERRORS_SHOWN * 3)):
        if _ack_kind(r.file_status) in ("rejected", "unreadable"):
            found.append({"time": iso(_aware(r.received_at, until)), "kind": "ack", "delivery_id": None,
                          "target": names.get(r.target_id), "release": f"ACK {r.file_name}",
                          "text": redact(f"{r.file_status}: {r.error_text or ''}".rstrip(": "), limit=500)})
    return sorted(found, key=lambda e: e["time"], reverse=True)[:ERRORS_SHOWN]


def summary_line(report: dict[str, Any]) -> str:
    t, going = report["totals"], len(report["going_live"])
    week = report["period"]["from"][:10]
    return (f"week from {week}: {t['delivered']} delivered, {t['failed']} failed, {t['acknowledged']} acknowledged, "
            f"{t['rejected']} rejected; {going} release(s) go live in the next 7 days")


def enqueue_weekly(engine: Any, schedule: Any, *, now: datetime,
                   catch_up: timedelta = timedelta(hours=24)) -> str | None:
    """Write this week's ``report.weekly`` event once its slot has come (several daemons: still once).

    A slot missed by more than ``catch_up`` (the daemon was down) is skipped: the next week's comes on time."""
    from stardust_tui.domain.notify_models import NotifyEvent
    from stardust_tui.notify.outbox import record
    from stardust_tui.store.db import write_tx

    slot = schedule.weekly_slot(now)
    if now - slot > catch_up:
        return None
    key = f"report.weekly:{iso(slot)}"
    with Session(engine) as session:
        if session.execute(select(col(NotifyEvent.id)).where(col(NotifyEvent.dedupe_key) == key)).first() is not None:
            return None
        report = weekly_summary(session, until=slot, tz=schedule.tz)
    with write_tx(engine) as conn:
        return record(conn, "report.weekly", summary=summary_line(report), data=report, dedupe_key=key,
                      occurred_at=slot)
