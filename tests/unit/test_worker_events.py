"""Structured delivery events: JSON lines (one write each, rotation, following), scrubbing, DB rows."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine

from stardust_tui.domain.delivery_models import DeliveryEvent
from stardust_tui.store.db import session_scope
from stardust_tui.worker.events import DeliveryEvents, JsonLineLog, follow_file, persist, read_events, scrub


def test_scrub_removes_url_passwords_and_secret_pairs() -> None:
    text = scrub("PUT sftp://alice:pa55@dsp.example/in failed; token=abc123 Authorization: Bearer xyz")
    assert "pa55" not in text and "abc123" not in text
    assert "sftp://alice:***@dsp.example/in" in text and "token=***" in text


def test_lines_are_whole_json_and_rotation_keeps_the_newest(tmp_path: Path) -> None:
    log = JsonLineLog(tmp_path / "deliveries.jsonl", max_bytes=4000, keep=2)
    sink = DeliveryEvents(delivery_id=7, target_id=1, log=log)

    def writer(n: int) -> None:
        for i in range(150):
            sink.info(f"writer {n} line {i}", step="upload x", bytes=i)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    files = [log.path, *log.rotated()]
    assert 1 <= len(log.rotated()) <= 2
    for f in files:
        for line in f.read_text().splitlines():
            data = json.loads(line)  # never a torn or interleaved line
            assert data["delivery_id"] == 7 and data["level"] == "info"
    assert log.path.stat().st_size <= 4000 + 200
    assert len(sink.drain()) == 450 and sink.drain() == []


def test_follow_continues_across_rotation(tmp_path: Path) -> None:
    log = JsonLineLog(tmp_path / "deliveries.jsonl", max_bytes=1500, keep=50)
    mine = DeliveryEvents(delivery_id=1, target_id=None, log=log)
    other = DeliveryEvents(delivery_id=2, target_id=None, log=log)
    mine.info("first")
    seen: list[str] = []
    done = threading.Event()

    def produce() -> None:
        for i in range(60):
            (mine if i % 2 else other).info(f"event {i}")
            time.sleep(0.001)
        mine.info("last")
        done.set()

    thread = threading.Thread(target=produce)
    thread.start()
    for data in follow_file(log.path, delivery_id=1, from_start=True, poll_s=0.01,
                            stop=lambda: done.is_set() and bool(seen) and seen[-1] == "last"):
        seen.append(data["message"])
    thread.join()
    assert log.rotated(), "the log never rotated"
    assert seen[0] == "first" and seen[-1] == "last"
    numbers = [int(m.split()[1]) for m in seen[1:-1]]
    assert numbers == sorted(numbers) and all(n % 2 for n in numbers)  # only mine, in order


def test_events_persist_to_rows_and_progress_is_throttled(sqlite_engine: Engine, tmp_path: Path) -> None:
    heard = []
    sink = DeliveryEvents(delivery_id=None, target_id=None, log=JsonLineLog(tmp_path / "d.jsonl"),
                          listener=heard.append)
    sink.warning("worker started")
    for done in range(0, 1000, 10):
        sink.progress("upload a.wav", done, 1000)
    sink.progress("upload a.wav", 1000, 1000)
    assert sink.bytes_in_flight == 1000
    pending = sink.drain()
    assert [e.message for e in pending] == ["worker started"]  # progress is not stored per call
    assert sum(1 for e in heard if e.level == "debug") <= 3
    with session_scope(sqlite_engine) as s:
        persist(s, pending)
    with session_scope(sqlite_engine) as s:
        rows = list(s.execute(select(DeliveryEvent)).scalars())
        assert [(r.level, r.message) for r in rows] == [("warning", "worker started")]
        assert read_events(s, 1) == []


def test_prune_deletes_old_events_of_finished_deliveries_only(engine: Engine) -> None:
    from datetime import timedelta

    from stardust_tui.domain.delivery_models import Delivery, Target
    from stardust_tui.domain.models import Release, utcnow
    from stardust_tui.worker.events import prune

    old, new = utcnow() - timedelta(days=200), utcnow()
    with session_scope(engine) as s:
        release, target = Release(title="R"), Target(name="t", url="file:///tmp/t")
        s.add_all([release, target])
        s.flush()
        done = Delivery(release_id=release.id, target_id=target.id, state="succeeded", idempotency_key="a")
        busy = Delivery(release_id=release.id, target_id=target.id, state="retry-wait", idempotency_key="b")
        s.add_all([done, busy])
        s.flush()
        for d in (done, busy):
            s.add_all([DeliveryEvent(delivery_id=d.id, at=old, message="old"),
                       DeliveryEvent(delivery_id=d.id, at=new, message="new")])
        ids = (done.id, busy.id)
    assert prune(engine, older_than_days=90) == 1
    with session_scope(engine) as s:
        assert [e.message for e in read_events(s, ids[0])] == ["new"]
        assert [e.message for e in read_events(s, ids[1])] == ["old", "new"]
