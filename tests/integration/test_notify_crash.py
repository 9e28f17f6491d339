"""The outbox under kill -9: the real `stardust worker` daemon delivers releases to a local folder (each outcome
writes its event in the outcome's transaction) and sends the events to a real webhook receiver; it is killed
with SIGKILL at random moments while events are committed but not yet acknowledged by the receiver, at least
20 times, and restarted. Every event must arrive at least once, an event id always with the same bytes (the
ones stored in the outbox), and each delivery outcome must have exactly one event."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import func, or_, select
from sqlalchemy.engine import Engine

from stardust_tui.config import Settings
from stardust_tui.domain.delivery_models import Delivery
from stardust_tui.domain.notify_models import NotifyEvent, NotifySend
from stardust_tui.services import Services
from stardust_tui.services.actor import Actor
from stardust_tui.store.db import session_scope
from stardust_tui.store.releases import content_hash, load_release
from stardust_tui.worker.queue import enqueue
from tests.integration.delivery_release import make_release
from tests.integration.notify_servers import start_webhook_receiver

STARDUST = Path(sys.executable).with_name("stardust")
KILLS = int(os.environ.get("STARDUST_CRASH_KILLS", "22"))  # kills that hit a committed, not yet sent event
SECRET = "whsec_crash_test_secret_0123456789"


def _unsent(engine: Engine) -> int:
    """Events committed but not yet sent: not routed, or a send pending/in flight."""
    with session_scope(engine) as s:
        new = s.execute(select(func.count()).select_from(NotifyEvent).where(NotifyEvent.routed_at.is_(None))).scalar()
        open_ = s.execute(select(func.count()).select_from(NotifySend).where(
            or_(NotifySend.status == "pending", NotifySend.status == "sending"))).scalar()
    return int(new or 0) + int(open_ or 0)


def _in_flight(engine: Engine) -> int:
    with session_scope(engine) as s:
        return int(s.execute(select(func.count()).select_from(NotifySend).where(NotifySend.status == "sending"))
                   .scalar() or 0)


def _queue(engine: Engine, release_ids: list[int], target_id: int) -> None:
    with session_scope(engine) as s:
        for rid in release_ids:
            enqueue(s, release_id=rid, target_id=target_id, content_hash=content_hash(load_release(s, rid)),
                    resend=True, requested_by="crash-test")


def _start_worker(log: Path) -> subprocess.Popen:
    return subprocess.Popen([str(STARDUST), "worker", "--concurrency", "2", "--lease", "2", "--grace", "0",
                             "--ack-poll", "0", "--quiet"], stdout=subprocess.DEVNULL,
                            stderr=log.open("ab"), env=dict(os.environ))


@pytest.mark.slow
def test_kill_9_between_state_change_and_send(settings: Settings, sqlite_engine: Engine, tmp_path: Path) -> None:
    rng = random.Random(int(os.environ.get("STARDUST_CRASH_SEED", "1210")))
    settings.paths.config_file.write_text(
        "[notify]\npoll_seconds = 0.1\nlease_seconds = 2\nretry_base_seconds = 0.2\nretry_max_seconds = 1\n",
        encoding="utf-8")
    hook = start_webhook_receiver(SECRET)
    hook.delay_s = 0.25  # a receiver taking a moment to answer: kills land between its receipt and our record
    try:
        out = tmp_path / "dsp"
        out.mkdir()
        rids = [make_release(sqlite_engine, settings, tmp_path / f"src{n}", upc=upc, n=n)
                for n, upc in enumerate(("0602445790043", "0602445790050"))]
        services = Services(settings=settings, engine_source=sqlite_engine, actor=Actor("ops", roles=("admin",)))
        target = services.targets.add(name="local", url=f"file://{out}", profile="generic-43")
        services.notifications.add("webhook", "hook", {"url": hook.url}, secret=SECRET)
        kills = kills_in_window = queued = during_post = 0
        log = tmp_path / "worker.log"
        while kills_in_window < KILLS and kills < 2 * KILLS:
            _queue(sqlite_engine, [rids[kills % 2]], int(target.id))
            queued += 1
            proc = _start_worker(log)
            time.sleep(rng.uniform(0.2, 1.5))  # a random moment of the worker's life ...
            deadline = time.monotonic() + 20
            if kills % 3 == 2:  # every third kill: once the receiver has the POST, before we hear its answer
                arrived = hook.arrivals
                while time.monotonic() < deadline and proc.poll() is None and hook.arrivals == arrived:
                    time.sleep(0.002)
                during_post += hook.arrivals > arrived and _in_flight(sqlite_engine) > 0
            else:
                while time.monotonic() < deadline and proc.poll() is None and _unsent(sqlite_engine) == 0:
                    time.sleep(0.005)  # ... at which an event is committed and not yet sent ...
                time.sleep(rng.uniform(0.0, 0.3))  # ... before, while or after it is POSTed
            in_window = _unsent(sqlite_engine) > 0
            assert proc.poll() is None, log.read_text()[-2000:]
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
            kills += 1
            kills_in_window += in_window
        # a last worker runs until every delivery is final and every event is sent
        proc = _start_worker(log)
        try:
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                with session_scope(sqlite_engine) as s:
                    active = s.execute(select(func.count()).select_from(Delivery).where(
                        Delivery.state.in_(("queued", "running", "retry-wait")))).scalar()
                if not active and _unsent(sqlite_engine) == 0:
                    break
                time.sleep(0.2)
            else:
                raise AssertionError(f"not settled: {_unsent(sqlite_engine)} unsent\n" + log.read_text()[-3000:])
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(60)
    finally:
        hook.stop()

    if os.environ.get("STARDUST_CRASH_DEBUG"):
        for d in hook.deliveries:
            print("POST", d.event_id, d.delivery_id, round(d.at, 3))
        print(settings.paths.delivery_log_file.read_text()[-20000:])
    assert kills_in_window >= min(20, KILLS), f"only {kills_in_window} of {kills} kills hit an unsent event"
    with session_scope(sqlite_engine) as s:
        stored = {e.event_id: e for e in s.execute(select(NotifyEvent)).scalars()}
        sends = list(s.execute(select(NotifySend)).scalars())
        outcomes = s.execute(select(Delivery.id, Delivery.state)).all()
    bodies: dict[str, set[bytes]] = defaultdict(set)
    by_delivery_id: dict[str, set[str]] = defaultdict(set)
    for d in hook.deliveries:
        bodies[d.event_id].add(d.body)
        by_delivery_id[d.delivery_id].add(d.event_id)
    sent_events = {e.event_id for e in stored.values() if e.type != "delivery.retrying"}
    assert sent_events and len(sends) == len(sent_events)  # every default-on event was routed to the hook once
    assert all(s.status == "sent" for s in sends)
    missing = sent_events - set(bodies)
    assert not missing, f"{len(missing)} event(s) never arrived"
    for event_id, seen in bodies.items():  # an event id always carries the same bytes: the stored payload
        assert seen == {stored[event_id].payload.encode()}, event_id
    assert all(len(ids) == 1 for ids in by_delivery_id.values())  # one delivery id, one event
    assert hook.refused == []
    finished = {did: state for did, state in outcomes if state in ("succeeded", "failed")}
    assert len(finished) == queued
    per_delivery: dict[int, list[str]] = defaultdict(list)
    import json

    for e in stored.values():
        if e.type in ("delivery.succeeded", "delivery.failed"):
            per_delivery[json.loads(e.payload)["data"]["delivery_id"]].append(e.type)
    for did, state in finished.items():  # exactly one outcome event per delivery, matching its state
        assert per_delivery[did] == [f"delivery.{state}"], (did, state, per_delivery[did])
    duplicates = len(hook.deliveries) - len(bodies)
    print(f"kills={kills} in_window={kills_in_window} during_post={during_post} events={len(sent_events)} "
          f"posts={len(hook.deliveries)} re-sent={duplicates}")
    assert during_post >= KILLS // 4 and duplicates >= 1  # sends cut off after the POST went again (same bytes)
