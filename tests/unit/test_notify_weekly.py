"""The weekly summary: numbers per target in the window only, the queue, open circuits, releases going live in
the next seven days, the ten most recent errors; written once per week by however many daemons."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from stardust_tui.domain.delivery_models import Acknowledgement, Delivery, Target
from stardust_tui.domain.notify_models import NotifyEvent
from stardust_tui.notify.schedule import Schedule
from stardust_tui.notify.weekly import enqueue_weekly, weekly_summary
from stardust_tui.store.db import session_scope
from stardust_tui.store.releases import create_release
from stardust_tui.worker.queue import enqueue

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def _seed(engine: Engine) -> None:
    with session_scope(engine) as s:
        spotify = Target(name="spotify", url="file:///a", circuit_state="open", consecutive_failures=5,
                         circuit_opened_at=NOW - timedelta(hours=2))
        deezer = Target(name="deezer", url="file:///b")
        s.add_all([spotify, deezer])
        s.flush()
        soon = create_release(s, actor="t", title="Soon", artists=["A"], upc="036000291452",
                              release_date=date(2026, 12, 10))
        later = create_release(s, actor="t", title="Later", artists=["B"], upc="042100005264",
                               release_date=date(2027, 1, 20))
        s.flush()
        plan = [  # (target, state, finished days ago, minutes taken, error)
            (spotify, "succeeded", 1, 2, None), (spotify, "succeeded", 2, 4, None), (spotify, "succeeded", 3, 9, None),
            (spotify, "failed", 1, 1, "SFTP: permission denied"), (deezer, "succeeded", 9, 1, None),  # too old
            (deezer, "queued", None, None, None), (deezer, "retry-wait", None, None, "HTTP 503 from deezer"),
        ]
        for n, (target, state, days, minutes, error) in enumerate(plan):
            d = enqueue(s, release_id=soon.id if n % 2 else later.id, target_id=target.id, content_hash=f"{n:064d}",
                        max_attempts=3)
            d = s.get(Delivery, d.id)
            d.state, d.last_error = state, error
            if days is not None:
                d.finished_at = NOW - timedelta(days=days)
                d.started_at = d.finished_at - timedelta(minutes=minutes)
            d.updated_at = d.finished_at or NOW - timedelta(hours=1)
            s.add(d)
        for n, (status, days) in enumerate([("FileOK", 1), ("SuccessfullyIngestedByReleaseDistributor", 2),
                                            ("ErrorInTheMessage", 2), ("FileOK", 10)]):
            s.add(Acknowledgement(target_id=spotify.id, file_name=f"ACK_{n}.xml", release_id=soon.id,
                                  file_status=status, error_text="bad artwork" if "Error" in status else None,
                                  received_at=NOW - timedelta(days=days)))


def test_the_weekly_summary(engine: Engine) -> None:
    _seed(engine)
    with Session(engine) as s:
        report = weekly_summary(s, until=NOW, tz=UTC)
    by = {t["target"]: t for t in report["targets"]}
    assert by["spotify"] == {"target": "spotify", "delivered": 3, "failed": 1, "acknowledged": 2, "rejected": 1,
                             "median_seconds": 240.0, "circuit": "open"}
    assert by["deezer"]["delivered"] == 0 and by["deezer"]["median_seconds"] is None
    assert report["totals"] == {"delivered": 3, "failed": 1, "acknowledged": 2, "rejected": 1}
    assert report["queue"] == {"queued": 1, "retry-wait": 1, "running": 0}
    assert report["circuits"] == [{"target": "spotify", "state": "open", "failures": 5,
                                   "since": "2026-12-07T06:00:00Z"}]
    assert [(r["title"], r["release_date"]) for r in report["going_live"]] == [("Soon", "2026-12-10")]
    errors = report["errors"]
    assert [(e["kind"], e["target"], e["text"]) for e in errors] == [
        ("delivery", "deezer", "HTTP 503 from deezer"), ("delivery", "spotify", "SFTP: permission denied"),
        ("ack", "spotify", "ErrorInTheMessage: bad artwork")]
    assert errors[1]["release"] == "'Soon' (UPC 036000291452)"


def test_the_weekly_event_is_written_once_per_slot(engine: Engine) -> None:
    _seed(engine)
    schedule = Schedule(weekly_day=0, weekly_hour=8)  # Monday 08:00 UTC: NOW is the slot
    first = enqueue_weekly(engine, schedule, now=NOW + timedelta(minutes=5))
    assert first is not None
    assert enqueue_weekly(engine, schedule, now=NOW + timedelta(minutes=6)) is None  # another daemon, or later
    assert enqueue_weekly(engine, schedule, now=NOW + timedelta(days=2)) is None  # missed by > a day: skipped
    with session_scope(engine) as s:
        events = list(s.execute(select(NotifyEvent).where(NotifyEvent.type == "report.weekly")).scalars())
    assert [e.event_id for e in events] == [first]
    doc = json.loads(events[0].payload)
    assert doc["summary"] == ("week from 2026-11-30: 3 delivered, 1 failed, 2 acknowledged, 1 rejected; "
                              "1 release(s) go live in the next 7 days")
    assert doc["time"] == "2026-12-07T08:00:00Z" and doc["data"]["period"]["to"] == "2026-12-07T08:00:00Z"
    with session_scope(engine) as s:  # next week's slot is new
        s.execute(update(Target).values(circuit_state="closed"))
    assert enqueue_weekly(engine, schedule, now=NOW + timedelta(days=7, minutes=1)) is not None
