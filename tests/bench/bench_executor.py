"""Delivery executor benchmark: package + upload + verify cost per delivery, through the real worker runner.

    .venv/bin/python tests/bench/bench_executor.py [--deliveries 200] [--concurrency 4] [--profile generic-43]

Creates N releases with real media (a 16-bit WAV, a 24-bit FLAC, a 3000 px JPEG; the same bytes for every
release, so the asset store holds them once), queues one delivery each to a local-folder target, and runs
``Runner(once=True)``. Also times the pieces of one delivery in isolation (``build_plan``: load the
release, check it against the profile, build and validate the ERN; and ``mark_delivered``). Prints one
JSON object on the last line: deliveries/s, the medians in ms, peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "integration")]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deliveries", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--profile", default="generic-43")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="stardust-bench-exec-"))
    os.environ["STARDUST_HOME"] = str(tmp / "home")
    os.environ.setdefault("STARDUST_DDEX_SCHEMAS", str(ROOT.parent / "shared" / "ddex" / "xsd"))

    from delivery_release import make_release

    from stardust_tui.config import load_settings
    from stardust_tui.delivery.execute import build_plan, mark_delivered
    from stardust_tui.delivery.profiles import load_profile
    from stardust_tui.delivery.targets import add_target
    from stardust_tui.domain.delivery_models import Delivery
    from stardust_tui.domain.identifiers import gtin_check_digit
    from stardust_tui.store.db import make_engine, session_scope
    from stardust_tui.store.migrate import upgrade
    from stardust_tui.store.releases import load_release
    from stardust_tui.store.revisions import content_hash
    from stardust_tui.worker import queue
    from stardust_tui.worker.protocols import DeliveryContext
    from stardust_tui.worker.runner import Runner, RunnerConfig

    settings = load_settings()
    settings.paths.ensure()
    engine = make_engine(settings.db_url)
    upgrade(engine)
    out = tmp / "out"
    out.mkdir()
    with session_scope(engine) as s:
        target = add_target(s, settings.paths, name="local", url=f"file://{out}", profile=args.profile,
                            max_concurrency=args.concurrency)
    ids = []
    t0 = time.perf_counter()
    for n in range(args.deliveries):
        body = f"07{n:09d}"
        rid = make_release(engine, settings, tmp / "src", upc=body + str(gtin_check_digit(body)), n=n)
        with session_scope(engine) as s:
            d = queue.enqueue(s, release_id=rid, target_id=target.id, content_hash=content_hash(load_release(s, rid)))
            ids.append(d.id)
    setup_s = time.perf_counter() - t0

    # the pieces of one delivery, in isolation
    with session_scope(engine) as s:
        one = s.get(Delivery, ids[0])
    ctx = DeliveryContext(settings=settings, engine=engine, target=target, worker_id="bench")
    profile = load_profile(args.profile)
    plans, marks = [], []
    for _ in range(20):
        a = time.perf_counter()
        plan, _late = build_plan(ctx, one, profile)
        b = time.perf_counter()
        mark_delivered(ctx, one, plan)
        plans.append((b - a) * 1000)
        marks.append((time.perf_counter() - b) * 1000)

    cfg = RunnerConfig(concurrency=args.concurrency, once=True, ack_poll_s=0, poll_s=0.05, retry_base_s=0.0)
    t1 = time.perf_counter()
    stats = asyncio.run(Runner(settings, engine, config=cfg).run())
    run_s = time.perf_counter() - t1
    files = sum(1 for p in out.rglob("*") if p.is_file())
    print(json.dumps({
        "deliveries": args.deliveries, "succeeded": stats.succeeded, "failed": stats.failed,
        "profile": args.profile, "concurrency": args.concurrency, "files_delivered": files,
        "setup_s": round(setup_s, 2), "run_s": round(run_s, 2),
        "deliveries_per_s": round(args.deliveries / run_s, 1),
        "build_plan_median_ms": round(statistics.median(plans), 1),
        "mark_delivered_median_ms": round(statistics.median(marks), 1),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }))


if __name__ == "__main__":
    main()
