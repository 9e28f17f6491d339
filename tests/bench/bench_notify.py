"""Notification benchmark (issue 10): throughput through the outbox, and what the outbox adds to a delivery.

    .venv/bin/python tests/bench/bench_notify.py [--events 1000] [--deliveries 12] [--rounds 5] [--concurrency 4]

1. **events/s**: ``--events`` events are written into the outbox (one transaction each, as state changes do),
   then one sender drains them to a local webhook receiver (uvicorn on loopback in its own process, every
   signature checked); the
   rate is events / seconds from the sender's start to the last event acknowledged. Median of three runs.
2. **outbox write**: the extra work inside a delivery's outcome transaction (``notify.emit.delivery_outcome``:
   look up release and target, build and insert the payload), timed alone, median in ms.
3. **added time per delivery**: real local-folder deliveries (real media, the real executor and runner, one at
   a time) with the outbox write and a sender POSTing every event to the receiver, against the same with the
   outbox write and the sender switched off; rounds alternate and the medians of ``finished_at - started_at``
   are compared. Goal: the outbox costs at most 5 % of a local-folder delivery.

Prints one JSON object on the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "integration")]
SECRET = "whsec_bench_secret_0123456789abcdef"


class Receiver:
    """The local webhook receiver in a process of its own (it must not share the sender's interpreter lock):
    uvicorn + Starlette on loopback, checking every signature; ``/count`` says how many it accepted."""

    def __init__(self) -> None:
        import socket
        import subprocess

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.proc = subprocess.Popen([sys.executable, __file__, "--serve-receiver", str(self.port)])
        for _ in range(300):
            try:
                self.count()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the receiver did not start")

    def count(self) -> tuple[int, int]:
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/count", timeout=5) as answer:
            doc = json.loads(answer.read())
        return doc["accepted"], doc["refused"]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def serve_receiver(port: int) -> None:
    import uvicorn
    from notify_servers import check_signature
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    counts = {"accepted": 0, "refused": 0}

    async def hook(request: Request) -> JSONResponse:
        body = await request.body()
        if check_signature(SECRET, request.headers.get("stardust-signature"), body):
            counts["refused"] += 1
            return JSONResponse({"error": "bad signature"}, status_code=401)
        counts["accepted"] += 1
        return JSONResponse({"ok": True})

    async def count(_request: Request) -> JSONResponse:
        return JSONResponse(counts)

    app = Starlette(routes=[Route("/hook", hook, methods=["POST"]), Route("/count", count)])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--serve-receiver":
        serve_receiver(int(sys.argv[2]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--deliveries", type=int, default=12, help="deliveries per round and mode")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=4, help="sends at once in the sender")
    parser.add_argument("--poll", type=float, default=2.0, help="[notify] poll_seconds of the senders (default 2)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="stardust-bench-notify-"))
    os.environ["STARDUST_HOME"] = str(tmp / "home")
    os.environ["STARDUST_CONFIG_FILE"] = str(tmp / "home" / "config.toml")
    os.environ.setdefault("STARDUST_DDEX_SCHEMAS", str(ROOT.parent / "shared" / "ddex" / "xsd"))

    from stardust_tui.config import load_settings
    from stardust_tui.store.db import make_engine
    from stardust_tui.store.migrate import upgrade

    settings = load_settings()
    settings.paths.ensure()
    settings.notify = {"poll_seconds": args.poll, "concurrency": args.concurrency}
    engine = make_engine(settings.db_url)
    upgrade(engine)
    hook = Receiver()
    try:
        from stardust_tui.services import Services
        from stardust_tui.services.actor import Actor

        services = Services(settings=settings, engine_source=engine, actor=Actor("bench", roles=("admin",)))
        services.notifications.add("webhook", "bench-hook", {"url": hook.url}, secret=SECRET)
        rates = [_throughput(settings, engine, hook, args.events, args.concurrency) for _ in range(3)]
        write_ms = _outbox_write(settings, engine, tmp)
        with_ms, without_ms = _deliveries(settings, engine, hook, tmp, args.deliveries, args.rounds)
        hook_count = hook.count()
    finally:
        hook.stop()
    on, off = statistics.median(with_ms), statistics.median(without_ms)
    result = {
        "events_per_s": round(statistics.median(rates), 1), "events_per_s_runs": [round(r, 1) for r in rates],
        "outbox_write_ms_median": round(write_ms, 3),
        "delivery_ms_median_with_outbox": round(on, 1), "delivery_ms_median_without": round(off, 1),
        "added_ms_per_delivery": round(on - off, 1), "added_ratio": round((on - off) / off, 4),
        "outbox_write_ratio": round(write_ms / off, 5), "deliveries_per_mode": len(with_ms),
        "receiver_posts": hook_count[0], "receiver_refused": hook_count[1], "goal_ratio": 0.05,
    }
    print(json.dumps(result))


def _throughput(settings, engine, hook, n: int, concurrency: int) -> float:  # noqa: ANN001
    from stardust_tui.notify.outbox import record
    from stardust_tui.notify.sender import NotifySender, SenderConfig
    from stardust_tui.worker.queue import write_tx

    for i in range(n):
        with write_tx(engine) as conn:
            record(conn, "import.finished", summary=f"import {i} finished", data={"n": i})
    before = hook.count()[0]
    sender = NotifySender(settings, engine, owner="bench", config=SenderConfig(concurrency=concurrency))
    t0 = time.perf_counter()
    asyncio.run(sender.pass_once())
    elapsed = time.perf_counter() - t0
    accepted, refused = hook.count()
    assert accepted - before == n and not refused, (accepted - before, refused)
    return n / elapsed


def _outbox_write(settings, engine, tmp: Path) -> float:  # noqa: ANN001
    from delivery_release import make_release

    from stardust_tui.domain.delivery_models import Target
    from stardust_tui.notify import emit
    from stardust_tui.store.db import session_scope
    from stardust_tui.worker.queue import enqueue, write_tx

    rid = make_release(engine, settings, tmp / "src-write", upc="0602445790098", n=9)
    with session_scope(engine) as s:
        target = Target(name="write-bench", url=f"file://{tmp}")
        s.add(target)
        s.flush()
        did = enqueue(s, release_id=rid, target_id=target.id, content_hash="0" * 64).id
    times = []
    for _ in range(300):
        with write_tx(engine) as conn:
            t0 = time.perf_counter()
            emit.delivery_outcome(conn, did, "succeeded")
            times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


@contextmanager
def _outbox_off():
    """The 'without' mode: no outbox write in the outcome transaction, no sender."""
    from stardust_tui.notify import daemon
    from stardust_tui.worker import queue

    async def nothing(*_a, **_k) -> None:
        return None

    saved = (queue.notify_emit.delivery_outcome, daemon.run_for_worker, daemon.flush_for_worker)
    queue.notify_emit.delivery_outcome = lambda *_a, **_k: None
    daemon.run_for_worker = nothing
    daemon.flush_for_worker = nothing
    try:
        yield
    finally:
        queue.notify_emit.delivery_outcome, daemon.run_for_worker, daemon.flush_for_worker = saved


def _deliveries(settings, engine, hook, tmp: Path, n: int, rounds: int) -> tuple[list[float], list[float]]:  # noqa: ANN001
    from delivery_release import make_release

    from stardust_tui.delivery.targets import add_target
    from stardust_tui.domain.delivery_models import Delivery
    from stardust_tui.store.db import session_scope
    from stardust_tui.store.releases import content_hash, load_release
    from stardust_tui.worker.queue import enqueue
    from stardust_tui.worker.runner import Runner, RunnerConfig

    out = tmp / "out"
    out.mkdir()
    rid = make_release(engine, settings, tmp / "src", upc="0602445790043")
    with session_scope(engine) as s:
        target = add_target(s, settings.paths, name="local", url=f"file://{out}", profile="generic-43")
        target_id, digest = target.id, content_hash(load_release(s, rid))

    async def run(count: int) -> list[float]:
        with session_scope(engine) as s:
            ids = [enqueue(s, release_id=rid, target_id=target_id, content_hash=digest, resend=True).id
                   for _ in range(count)]
        runner = Runner(settings, engine, config=RunnerConfig(concurrency=1, poll_s=0.05, ack_poll_s=0,
                                                              kind="in-process", retry_base_s=0.1))
        task = asyncio.create_task(runner.run())
        while True:
            await asyncio.sleep(0.1)
            with session_scope(engine) as s:
                rows = [s.get(Delivery, i) for i in ids]
                if all(r.state in ("succeeded", "failed") for r in rows):
                    break
        runner.request_stop()
        await task
        assert all(r.state == "succeeded" for r in rows), [r.last_error for r in rows]
        return [(r.finished_at - r.started_at).total_seconds() * 1000 for r in rows]

    asyncio.run(run(2))  # warm-up (imports, caches)
    with_ms: list[float] = []
    without_ms: list[float] = []
    for _ in range(rounds):
        with_ms += asyncio.run(run(n))
        with _outbox_off():
            without_ms += asyncio.run(run(n))
    return with_ms, without_ms


if __name__ == "__main__":
    main()
