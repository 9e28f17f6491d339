"""Live delivery events over PostgreSQL LISTEN/NOTIFY (issue 12): a follower on its own connection sees
every committed event of the delivery it follows (by id, read back from the table), never a rolled-back
one nor another delivery's, and `deliveries log --follow` ends with the outcome event. A real worker
runner (another engine, as another host would have) is followed through the service."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine

from stardust_tui.config import Settings
from stardust_tui.domain.delivery_models import DeliveryEvent, Target
from stardust_tui.domain.models import Release
from stardust_tui.services import Services
from stardust_tui.store.db import make_engine, session_scope
from stardust_tui.worker import queue
from stardust_tui.worker.live_events import EventListener, uses_notify
from stardust_tui.worker.runner import Runner, RunnerConfig


def _seed(engine: Engine, n: int = 2) -> list[int]:
    with session_scope(engine) as s:
        target = Target(name="dsp", url="file:///tmp/dsp", max_concurrency=2)
        s.add(target)
        ids = []
        for i in range(n):
            release = Release(title=f"R{i}", display_artist="A")
            s.add(release)
            s.flush()
            ids.append(queue.enqueue(s, release_id=release.id, target_id=target.id, content_hash=f"h{i}").id)
        return ids


def _insert(engine: Engine, delivery_id: int, message: str, *, commit: bool = True) -> None:
    conn = engine.connect()
    tx = conn.begin()
    conn.execute(DeliveryEvent.__table__.insert(), [dict(delivery_id=delivery_id, level="info", message=message)])
    tx.commit() if commit else tx.rollback()
    conn.close()


def _other_host(engine: Engine) -> Engine:
    """Another engine on the same database and schema, as a second host would open."""
    schema = engine.connect().execute(text("select current_schema()")).scalar()
    return make_engine(engine.url.render_as_string(hide_password=False),
                       connect_args={"options": f"-csearch_path={schema}"})


def test_listener_gets_committed_events_of_its_delivery_only(pg_engine: Engine) -> None:
    assert uses_notify(pg_engine)
    mine, other = _seed(pg_engine)
    host_b = _other_host(pg_engine)
    got: list[dict[str, Any]] = []
    stop = threading.Event()
    with EventListener(pg_engine) as listener:
        def writer() -> None:
            _insert(host_b, mine, "one")
            _insert(host_b, mine, "rolled back", commit=False)
            _insert(host_b, other, "someone else's")
            _insert(host_b, mine, "two")

        t = threading.Thread(target=writer)
        t.start()
        deadline = time.monotonic() + 10
        for batch in listener.batches(delivery_id=mine, stop=lambda: stop.is_set() or time.monotonic() > deadline,
                                      wait_s=0.2):
            got.extend(batch)
            if len(got) >= 2:
                stop.set()
        t.join()
    assert [e["message"] for e in got] == ["one", "two"]
    assert all(e["delivery_id"] == mine and isinstance(e["id"], int) for e in got)
    host_b.dispose()


def test_log_follow_on_postgres_shows_another_hosts_worker_live(pg_engine: Engine, settings: Settings) -> None:
    (did,) = _seed(pg_engine, 1)
    host_b = _other_host(pg_engine)
    started = threading.Event()

    async def execute(ctx, delivery, steps, events) -> None:  # noqa: ANN001
        events.info("packaged", step="package")
        await steps.done("package")
        await asyncio.to_thread(started.wait, 10)  # the follower reads while the delivery runs
        events.info("uploaded the audio", step="upload a.wav")
        await steps.done("upload a.wav", size=3)

    def worker() -> None:
        runner = Runner(settings, host_b, executor=execute, worker_id="host-b:1:daemon:x",
                        config=RunnerConfig(once=True, poll_s=0.05, ack_poll_s=0, lease_s=6))
        asyncio.run(runner.run())

    t = threading.Thread(target=worker)
    services = Services(settings, pg_engine)
    lines = []
    t.start()
    t0 = time.monotonic()
    for line in services.deliveries.follow(did, live=True):
        lines.append((time.monotonic() - t0, line.message))
        if line.message == "packaged":
            started.set()
        assert time.monotonic() - t0 < 30
    t.join()
    messages = [m for _, m in lines]
    assert "packaged" in messages and "uploaded the audio" in messages
    assert messages[-1].startswith("succeeded in"), messages
    assert len([m for m in messages if m.startswith("succeeded")]) == 1
    host_b.dispose()


def test_sqlite_keeps_the_log_file(sqlite_engine: Engine) -> None:
    assert not uses_notify(sqlite_engine)
