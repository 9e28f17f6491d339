"""TUI benchmark: cold start to the first catalog frame on a large store, and memory after scrolling.

    .venv/bin/python tests/bench/bench_tui.py [--releases 1000000] [--tracks-per-release 1] [--runs 3]
                                              [--db FILE] [--keep]

Builds (or reuses, with ``--db``) an SQLite store of ``--releases`` releases with the catalog-store
benchmark's bulk generator (tests/bench/bench_search.py), then starts a fresh Python process per run
that builds the app with ``make_app`` and runs it headless at 120×40. "Cold start" is the wall time
from spawning that process to the first frame showing catalog rows (interpreter start, imports,
store open, first page query, first paint); "first paint" is when the app's first frame is up (the
rows may still be loading). The store is opened with ``make_engine`` (already migrated), so the
CLI's own start-up (click, the Alembic schema check in ``open_store``) is not included. The same
process then scrolls the catalog (cursor to the bottom of each page and 50 pages forward with keyset
paging) and reports its resident memory (VmRSS). Goal: ≤ 0.5 s and ≤ 150 MB. The child's CPU time to
the first frame and the load average are reported too: on a shared, loaded machine wall time
overstates what an idle one needs. Prints one JSON object on the last line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

CHILD = r"""
import os, sys, time, json, resource
spawned = float(os.environ["BENCH_SPAWNED_AT"])
from stardust_tui.config import load_settings
from stardust_tui.store.db import make_engine
from stardust_tui.app import make_app

def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

settings = load_settings(db=sys.argv[1])
engine = make_engine(settings.db_url)
app = make_app(settings, engine, start_workers=False)
out = {}

async def pilot_run(pilot):
    out["first_paint_s"] = time.time() - spawned  # the app is ready: its first frame (rows still loading)
    from textual.widgets import DataTable
    table = None
    while True:
        screen = app.screen
        if type(screen).__name__ == "CatalogScreen":
            table = screen.query_one("#releases", DataTable)
            if table.row_count:
                break
        await pilot.pause(0.005)
    await pilot.pause()  # the rows are painted
    out["first_frame_s"] = time.time() - spawned
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out["first_frame_cpu_s"] = usage.ru_utime + usage.ru_stime
    out["rss_first_frame_mb"] = rss_mb()
    out["total_releases"] = screen.total
    for _ in range(50):
        await pilot.press("end", "right_square_bracket")
        for _ in range(200):
            await pilot.pause(0.01)
            if not [w for w in app.workers if w.group == "catalog" and w.is_running]:
                break
    await pilot.press("left_square_bracket", "pagedown", "pagedown")
    await pilot.pause(0.2)
    out["pages_scrolled"] = screen.query_state.offset // screen.query_state.limit
    out["rss_after_scroll_mb"] = rss_mb()
    app.exit()

app.run(headless=True, size=(120, 40), auto_pilot=pilot_run)
print(json.dumps(out))
"""


def build_store(path: Path, releases: int, per_release: int) -> dict:
    from bench_search import generate

    from stardust_tui.store.db import make_engine
    from stardust_tui.store.migrate import upgrade

    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    t0 = time.perf_counter()
    data = generate(engine, releases, per_release)
    engine.dispose()
    return {"generate_s": round(time.perf_counter() - t0, 1), "releases": data.get("releases", releases)}


def run_once(db: Path, home: Path) -> dict:
    env = {**os.environ, "STARDUST_HOME": str(home), "BENCH_SPAWNED_AT": repr(time.time())}
    env.pop("STARDUST_DB", None)
    proc = subprocess.run([sys.executable, "-c", CHILD, str(db)], capture_output=True, text=True, env=env,
                          timeout=600)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--releases", type=int, default=1_000_000)
    ap.add_argument("--tracks-per-release", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--db", type=Path, default=None, help="SQLite file to reuse (created if missing)")
    ap.add_argument("--keep", action="store_true", help="keep the generated store")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="stardust-bench-tui-"))
    db = args.db or tmp / "bench.db"
    info = {"generate_s": 0.0, "reused_store": db.exists()}
    if not db.exists():
        info.update(build_store(db, args.releases, args.tracks_per_release))
    runs = [run_once(db, tmp / "home") for _ in range(args.runs)]
    first = [r["first_frame_s"] for r in runs]
    cpu = [r["first_frame_cpu_s"] for r in runs]
    paint = [r["first_paint_s"] for r in runs]
    rss = [r["rss_after_scroll_mb"] for r in runs]
    if not args.keep and not args.db:
        for p in sorted(tmp.rglob("*"), reverse=True):
            p.unlink() if p.is_file() else p.rmdir()
        tmp.rmdir()
    print(json.dumps({
        "benchmark": "tui", "releases": runs[0]["total_releases"], "runs": len(runs), **info,
        "cold_start_first_paint_median_s": round(statistics.median(paint), 3),
        "cold_start_first_frame_median_s": round(statistics.median(first), 3),
        "cold_start_first_frame_min_s": round(min(first), 3),
        "cold_start_cpu_s_median": round(statistics.median(cpu), 3),  # what an unloaded machine needs
        "load_average_1m": round(os.getloadavg()[0], 2),
        "rss_first_frame_mb_median": round(statistics.median(r["rss_first_frame_mb"] for r in runs), 1),
        "rss_after_scroll_mb_median": round(statistics.median(rss), 1),
        "pages_scrolled": runs[0]["pages_scrolled"],
        "goal_first_frame_s": 0.5, "goal_rss_mb": 150,
        "first_frame_ratio_to_goal": round(statistics.median(first) / 0.5, 2),
        "rss_ratio_to_goal": round(statistics.median(rss) / 150, 2),
    }))


if __name__ == "__main__":
    main()
