"""TUI benchmark: cold start to the first catalog frame on a large store, and memory after scrolling.

    .venv/bin/python tests/bench/bench_tui.py [--releases 1000000] [--tracks-per-release 1] [--runs 3]
                                              [--cli-runs 5] [--db FILE] [--keep]

Builds (or reuses, with ``--db``) an SQLite store of ``--releases`` releases with the catalog-store
benchmark's bulk generator (tests/bench/bench_search.py), then measures two ways, a fresh process
each run:

- in-process (``--runs``): a Python process builds the app with ``make_app`` (handing it a function
  that opens the store, as ``stardust tui`` does) and runs it headless at 120×40. "first paint" is
  when the app's first frame is up (rows may still be loading), "first frame" when it shows catalog
  rows (interpreter start, imports, store open, first page query, paint). The same process then
  scrolls the catalog (cursor to the bottom of each page and 50 pages forward with keyset paging)
  and reports its resident memory (VmRSS), and its CPU time to the first rows.
- the real command (``--cli-runs``): the installed ``stardust --home H --db DB tui --no-workers`` in
  a 120×40 tmux pane, polled every ~5 ms with ``capture-pane``: everything a user waits for (click,
  settings, the schema check, imports, first frame, first rows). The polling itself costs some CPU.

Goal: ≤ 0.5 s and ≤ 150 MB. The load average is reported too: on a shared, loaded machine wall time
overstates what an idle one needs. Prints one JSON object on the last line.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
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
from stardust_tui.app import make_app

def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

settings = load_settings(db=sys.argv[1])

def open_engine():  # as the CLI does: the first DB worker opens the store, after the first frame
    from stardust_tui.store.db import make_engine
    return make_engine(settings.db_url)

app = make_app(settings, open_engine, start_workers=False)
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


def _tmux(socket: str, *args: str) -> str:
    return subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True, timeout=10).stdout


def cli_run_once(socket: str, db: Path, home: Path, n: int) -> dict:
    """One cold start of the installed ``stardust tui`` in a 120×40 tmux pane, polled every ~5 ms."""
    stardust = Path(sys.executable).parent / "stardust"
    window = f"run{n}"
    command = f"env TERM=xterm-256color {stardust} --home {home} --db {db} tui --no-workers"
    t0 = time.perf_counter()
    _tmux(socket, "new-window", "-d", "-n", window, command)
    out: dict = {}
    deadline = t0 + 60
    while time.perf_counter() < deadline and "rows_s" not in out:
        screen = _tmux(socket, "capture-pane", "-p", "-t", window)
        now = time.perf_counter() - t0
        if "paint_s" not in out and "Catalog" in screen:
            out["paint_s"] = now  # the app's first frame (header, filters, footer; rows may be loading)
        if "–100 of" in screen:
            out["rows_s"] = now  # the first page of releases is on screen
        time.sleep(0.005)
    _tmux(socket, "kill-window", "-t", window)
    if "rows_s" not in out:
        raise SystemExit(f"stardust tui never showed rows:\n{screen}")
    return out


def cli_cold_start(db: Path, home: Path, runs: int) -> dict:
    """Median cold start of the real command: click, store open (schema check), imports, first frame."""
    if shutil.which("tmux") is None:
        return {"cli_skipped": "tmux is not installed"}
    socket = f"bench-tui-{os.getpid()}"
    _tmux(socket, "new-session", "-d", "-s", "bench", "-x", "120", "-y", "40")
    _tmux(socket, "set-option", "-g", "default-size", "120x40")
    try:
        results = [cli_run_once(socket, db, home, n) for n in range(runs)]
    finally:
        _tmux(socket, "kill-server")
    return {
        "cli_runs": runs,
        "cli_first_paint_median_s": round(statistics.median(r["paint_s"] for r in results), 3),
        "cli_first_rows_median_s": round(statistics.median(r["rows_s"] for r in results), 3),
        "cli_first_rows_min_s": round(min(r["rows_s"] for r in results), 3),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--releases", type=int, default=1_000_000)
    ap.add_argument("--tracks-per-release", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--db", type=Path, default=None, help="SQLite file to reuse (created if missing)")
    ap.add_argument("--keep", action="store_true", help="keep the generated store")
    ap.add_argument("--cli-runs", type=int, default=5,
                    help="runs of the real `stardust tui` command in tmux (0 to skip)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="stardust-bench-tui-"))
    db = args.db or tmp / "bench.db"
    info = {"generate_s": 0.0, "reused_store": db.exists()}
    if not db.exists():
        info.update(build_store(db, args.releases, args.tracks_per_release))
    runs = [run_once(db, tmp / "home") for _ in range(args.runs)]
    cli = cli_cold_start(db, tmp / "home", args.cli_runs) if args.cli_runs else {}
    if not args.keep and not args.db:
        for p in sorted(tmp.rglob("*"), reverse=True):
            p.unlink() if p.is_file() else p.rmdir()
        tmp.rmdir()
    result: dict = {"benchmark": "tui", "runs": len(runs), **info, "load_average_1m": round(os.getloadavg()[0], 2)}
    if runs:
        first = [r["first_frame_s"] for r in runs]
        rss = [r["rss_after_scroll_mb"] for r in runs]
        result.update({
            "releases": runs[0]["total_releases"],
            "cold_start_first_paint_median_s": round(statistics.median(r["first_paint_s"] for r in runs), 3),
            "cold_start_first_frame_median_s": round(statistics.median(first), 3),
            "cold_start_first_frame_min_s": round(min(first), 3),
            # what an unloaded machine needs
            "cold_start_cpu_s_median": round(statistics.median(r["first_frame_cpu_s"] for r in runs), 3),
            "rss_first_frame_mb_median": round(statistics.median(r["rss_first_frame_mb"] for r in runs), 1),
            "rss_after_scroll_mb_median": round(statistics.median(rss), 1),
            "pages_scrolled": runs[0]["pages_scrolled"],
            "first_frame_ratio_to_goal": round(statistics.median(first) / 0.5, 2),
            "rss_ratio_to_goal": round(statistics.median(rss) / 150, 2),
        })
    result.update(cli)
    if cli.get("cli_first_rows_median_s"):
        result["cli_first_rows_ratio_to_goal"] = round(cli["cli_first_rows_median_s"] / 0.5, 2)
    result.update({"goal_first_frame_s": 0.5, "goal_rss_mb": 150})
    print(json.dumps(result))

if __name__ == "__main__":
    main()
