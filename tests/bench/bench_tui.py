"""TUI benchmark: cold start to the first catalog frame on a large store, memory after scrolling, and
keystroke-to-screen latency while typing in the release wizard with autosave.

    .venv/bin/python tests/bench/bench_tui.py [--releases 1000000] [--tracks-per-release 1] [--runs 3]
                                              [--cli-runs 5] [--typing-keys 60] [--db FILE] [--keep]

Builds (or reuses, with ``--db``) an SQLite store of ``--releases`` releases with the catalog-store
benchmark's bulk generator (tests/bench/bench_search.py), then measures two ways, a fresh process
each run:

- in-process (``--runs``): a Python process builds the app with ``make_app`` (handing it a function
  that opens the store, as ``stardust tui`` does) and runs it headless at 120×40. "first paint" is
  when the app's first frame is up (rows may still be loading), "first frame" when it shows catalog
  rows (interpreter start, imports, store open, first page query, paint). The same process then
  scrolls the catalog (cursor to the bottom of each page and 50 pages forward with keyset paging)
  and reports its resident memory (VmRSS), and its CPU time to the first rows.
  Then it types 50 keys into the wizard's title (autosave running between words) and reports, per key,
  the time to the next frame the app produces and the event loop's own CPU time.
- the real command (``--cli-runs``): the installed ``stardust --home H --db DB tui --no-workers`` in
  a 120×40 tmux pane, polled every ~5 ms with ``capture-pane``: everything a user waits for (click,
  settings, the schema check, imports, first frame, first rows). The polling itself costs some CPU.
  "first rows" is when rows are on screen: the first page read at once without the ORM
  (``store/early_page.py``, an SQLite store at its schema's head), else the first page saved by the
  previous session, else the live page (the first two say "opening the catalog" on the status line while
  the store opens); "live rows" is when the ORM's live page has replaced them. Each run is done twice:
  with the saved page (the usual start) and with it removed first (the very first start, or another user).
- typing (``--typing-keys``): in the same kind of pane, the wizard is opened on the newest release and
  words are typed into its title at ~8 keys/s with a 0.7 s pause after each word, so autosaves (a
  revision and a search-index update on the big store, in a thread) run while typing goes on. Each key
  is sent with ``tmux send-keys`` and timed until ``capture-pane`` shows it: keystroke to screen update
  as the terminal has it (the ~2-4 ms of each capture-pane call included). p50/p95/max.

Before measuring, the package's bytecode is compiled (``compileall``, as ``pip install`` does) and
``PYTHONDONTWRITEBYTECODE`` is dropped for the measured processes: with it set and no ``.pyc`` (a fresh
checkout), every start compiled all of stardust_tui's imported modules from source, ~60 ms CPU that no
installed copy spends.

Figures at 1M releases (2 shared cores, ``--nice -10``, medians of 5 real-command starts; "before" is
723bbf7 with compiled bytecode, run alternately with "after" in the same minutes):

    load    first rows (CPU)            live rows (CPU)             no saved page   typing p95 (tmux)
    ~0.6    0.455/0.443 -> 0.386/0.372  0.893/0.886 -> 0.750/0.705  0.84/0.79 -> 0.72/0.71   10.5 -> 10.4 ms
            (0.43/0.41 -> 0.36/0.35 s)  (0.85/0.86 -> 0.70/0.70 s)
    ~1.5    0.592 -> 0.438 (0.49 -> 0.39 s)  1.209 -> 0.893 (0.99 -> 0.76 s)  1.087 -> 0.829   16.2 -> 13.8 ms

The 0.77-1.13 s first rows measured earlier came mostly from compiling the package on every start (above).

No saved page (issue 17's last open goal): ``stardust tui`` now reads the first page with the standard
library's sqlite3 in a thread started before Textual is imported (``services/catalog_cache.LiveFirstPage``),
so the first start does not wait for SQLAlchemy/SQLModel and the store opening (~0.26 s of imports) before
showing rows. Before (6a97e9b) and after, the real command through the same wrapper
(``PYTHONPATH=tree python -P -c 'stardust_tui.cli.main()'``, ``--stardust``), run alternately, 1M releases,
``--nice -10``, medians of 5 starts each (load = 1-minute average during the pair; the machine was shared):

    load       no saved page: first rows (CPU)       saved page: first rows    live rows
    1.3        0.757 -> 0.428 / 0.412                0.409 -> 0.412            0.802 -> 0.801
    2.0-2.3    0.737 -> 0.399 (0.72 -> 0.37 s)       0.406 -> 0.411            0.779 -> 0.789
    2.0-2.2    0.732 -> 0.565 (0.73 -> 0.45 s)       0.393 -> 0.544            0.775 -> 0.958
    2.2-2.5    1.077 -> 0.471 (0.83 -> 0.40 s)       0.593 -> 0.434            1.122 -> 0.843
    2.1-2.5    0.736 -> 0.412 (0.71 -> 0.40 s)       0.615 -> 0.409            1.029 -> 0.794
    1.3-2.3    0.93 / 0.76 / 0.752 -> 0.56 / 0.583 / 0.576 (three more pairs, busier minutes)

The early read itself adds ~7 ms to the imports before the first frame (app + catalog screen imported with
and without it, 6 each: 0.125-0.130 -> 0.131-0.136 s). With a saved page, the early page is shown instead
of it when it is there at mount (else the saved page shows until it arrives): the true first page.

Goal: ≤ 0.5 s to first rows, ≤ 150 MB, ≤ 50 ms p95 per keystroke. The load average is reported too: on
a shared, loaded machine wall time overstates what an idle one needs. Prints one JSON object on the last line.
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
from stardust_tui.services.actor import Actor
from stardust_tui.services.catalog_cache import LiveFirstPage
settings = load_settings(db=sys.argv[1])
first_page = LiveFirstPage(settings, Actor.from_environment()).start()  # as `stardust tui` does, before Textual
from stardust_tui.app import make_app

def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

def open_engine():  # as the CLI does: the first DB worker opens the store, after the first frame
    from stardust_tui.store.db import make_engine
    return make_engine(settings.db_url)

app = make_app(settings, open_engine, start_workers=False, live_first_page=first_page)
out = {}
painted = []  # times of the frames the app produced with catalog rows in them

def _rows_shown():
    screen = app.screen
    return type(screen).__name__ == "CatalogScreen" and screen.query_one("#releases").row_count > 0

_show = app._display
app._display = lambda s, r: (_show(s, r), painted.append(time.time()) if not painted and _rows_shown() else None)[0]

import asyncio

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
    while not painted:  # the first frame with the rows (not pilot.pause(): it waits for idle threads, the store
        await asyncio.sleep(0.002)  # opening among them)
    out["first_frame_s"] = painted[0] - spawned
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out["first_frame_cpu_s"] = usage.ru_utime + usage.ru_stime
    out["rss_first_frame_mb"] = rss_mb()
    for _ in range(50):
        await pilot.press("end", "right_square_bracket")
        for _ in range(200):
            await pilot.pause(0.01)
            if not [w for w in app.workers if w.group == "catalog" and w.is_running]:
                break
    await pilot.press("left_square_bracket", "pagedown", "pagedown")
    await pilot.pause(0.2)
    out["pages_scrolled"] = screen.query_state.offset // screen.query_state.limit
    out["total_releases"] = screen.total  # counted by now
    out["rss_after_scroll_mb"] = rss_mb()
    # Typing into the wizard's title with autosave: keystroke -> the next frame the app produces (its
    # compositor update, as written to a terminal), and the event loop's own CPU per key.
    import asyncio
    from textual import events
    await pilot.press("left_square_bracket")
    app.open_release(screen.selected_id())
    for _ in range(400):
        await pilot.pause(0.05)
        if getattr(app.screen, "_loaded", False):
            break
    title = app.screen.query_one("#f-title")
    app.screen.set_focus(title)
    await pilot.pause(0.2)
    await pilot.press("end")
    frames = []  # (time, the title's value) of each frame: a frame shows a key once it has the new value
    show = app._display
    app._display = lambda s, r: (frames.append((time.perf_counter(), title.value)), show(s, r))[1]
    lat, cpu = [], []
    for ch in " quiet harbor lights over amber fields night signal":
        before, n = title.value, len(frames)
        t0, c0 = time.perf_counter(), time.thread_time()
        key = events.Key("space" if ch == " " else ch, ch)
        key.set_sender(app)
        app._driver.send_message(key)
        while not [f for f, value in frames[n:] if value != before]:
            await asyncio.sleep(0.0005)
        lat.append(min(f for f, value in frames[n:] if value != before) - t0)
        cpu.append(time.thread_time() - c0)
        await asyncio.sleep(0.7 if ch == " " else 0.12)  # pauses between words: autosaves run meanwhile
    lat.sort(); cpu.sort()
    out["typing_frame_p50_ms"] = round(1000 * lat[len(lat) // 2], 1)
    out["typing_frame_p95_ms"] = round(1000 * lat[int(0.95 * len(lat))], 1)
    out["typing_loop_cpu_p50_ms"] = round(1000 * cpu[len(cpu) // 2], 1)
    out["typing_loop_cpu_p95_ms"] = round(1000 * cpu[int(0.95 * len(cpu))], 1)
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


def _capture(socket: str, window: str) -> str:
    return _tmux(socket, "capture-pane", "-p", "-t", window)


def _cpu_s(pid: int) -> float | None:
    """User + system CPU seconds a process has used so far (Linux /proc), None when unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


STARDUST = Path(sys.executable).parent / "stardust"


def cli_run_once(socket: str, db: Path, home: Path, n: int) -> dict:
    """One cold start of the installed ``stardust tui`` in a 120×40 tmux pane, polled every ~5 ms."""
    stardust = STARDUST
    window = f"run{n}"
    command = f"env TERM=xterm-256color {stardust} --home {home} --db {db} tui --no-workers"
    t0 = time.perf_counter()
    _tmux(socket, "new-window", "-d", "-n", window, command)
    pid = int(_tmux(socket, "display-message", "-p", "-t", window, "#{pane_pid}").strip() or 0)  # env execs it
    out: dict = {}
    deadline = t0 + 60
    screen = ""
    while time.perf_counter() < deadline and "live_s" not in out:
        screen = _capture(socket, window)
        now = time.perf_counter() - t0
        if "paint_s" not in out and "Catalog" in screen:
            out["paint_s"] = now  # the app's first frame (header, filters, footer; rows may be loading)
        if "rows_s" not in out and "–100 of" in screen:
            out["rows_s"] = now  # a page of releases is on screen (last session's, or the live one)
            out["rows_cpu_s"] = _cpu_s(pid)
        if "–100 of" in screen and "opening the catalog" not in screen:
            out["live_s"] = now  # the live first page (the ORM's; the early and saved pages say "opening")
            out["live_cpu_s"] = _cpu_s(pid)
        time.sleep(0.005)
    _tmux(socket, "kill-window", "-t", window)
    if "live_s" not in out:
        raise SystemExit(f"stardust tui never showed rows:\n{screen}")
    return out


def _cache_files(home: Path) -> list[Path]:
    return list(home.rglob("catalog-first-page-*.json"))


def cli_cold_start(db: Path, home: Path, runs: int) -> dict:
    """Median cold start of the real command, with and without last session's saved first page."""
    if shutil.which("tmux") is None:
        return {"cli_skipped": "tmux is not installed"}
    socket = f"bench-tui-{os.getpid()}"
    _tmux(socket, "new-session", "-d", "-s", "bench", "-x", "120", "-y", "40")
    _tmux(socket, "set-option", "-g", "default-size", "120x40")
    try:
        cli_run_once(socket, db, home, 0)  # writes the saved first page (and upgrades an old store once)
        saved = [cli_run_once(socket, db, home, n) for n in range(1, runs + 1)]
        fresh = []
        for n in range(runs + 1, 2 * runs + 1):
            for f in _cache_files(home):
                f.unlink()
            fresh.append(cli_run_once(socket, db, home, n))
    finally:
        _tmux(socket, "kill-server")

    def med(rows: list[dict], key: str) -> float:
        return round(statistics.median(r[key] for r in rows), 3)

    return {
        "cli_runs": runs,
        "cli_first_paint_median_s": med(saved, "paint_s"),
        "cli_first_rows_median_s": med(saved, "rows_s"),
        "cli_first_rows_min_s": round(min(r["rows_s"] for r in saved), 3),
        "cli_live_rows_median_s": med(saved, "live_s"),
        "cli_no_saved_page_first_rows_median_s": med(fresh, "rows_s"),
        "cli_no_saved_page_first_paint_median_s": med(fresh, "paint_s"),
        # CPU the stardust process used until then: what an idle machine would need, near enough
        "cli_first_rows_cpu_median_s": med(saved, "rows_cpu_s") if all(r.get("rows_cpu_s") for r in saved) else None,
        "cli_live_rows_cpu_median_s": med(saved, "live_cpu_s") if all(r.get("live_cpu_s") for r in saved) else None,
        "cli_no_saved_page_first_rows_cpu_median_s": (med(fresh, "rows_cpu_s")
                                                      if all(r.get("rows_cpu_s") for r in fresh) else None),
    }


WORDS = ("quiet", "harbor", "lights", "over", "amber", "fields", "night", "signal")


def cli_typing(db: Path, home: Path, keys: int) -> dict:
    """Keystroke to screen update while typing into the wizard's title with autosave (see the docstring)."""
    if shutil.which("tmux") is None or keys <= 0:
        return {}
    stardust = STARDUST
    socket = f"bench-typing-{os.getpid()}"
    _tmux(socket, "new-session", "-d", "-s", "bench", "-x", "120", "-y", "40")
    window = "typing"
    _tmux(socket, "new-window", "-d", "-n", window,
          f"env TERM=xterm-256color {stardust} --home {home} --db {db} tui --no-workers")
    latencies: list[float] = []
    try:
        deadline = time.perf_counter() + 60
        while "opening the catalog" in _capture(socket, window) or "–100 of" not in _capture(socket, window):
            if time.perf_counter() > deadline:
                raise SystemExit("the catalog never showed its live rows")
            time.sleep(0.05)
        _tmux(socket, "send-keys", "-t", window, "Enter")  # open the newest release in the wizard
        while "All changes saved" not in _capture(socket, window):
            if time.perf_counter() > deadline:
                raise SystemExit(f"the wizard never loaded:\n{_capture(socket, window)}")
            time.sleep(0.05)
        _tmux(socket, "send-keys", "-t", window, "End")
        time.sleep(0.3)
        line = next(x for x in _capture(socket, window).splitlines() if x.strip().startswith("Title"))
        text = line.split("Title", 1)[1].lstrip(" *").rstrip() + " "  # the title, then a space typed first
        _tmux(socket, "send-keys", "-t", window, "-l", " ")
        time.sleep(0.2)
        sent = 0
        for word in (w for _ in range(keys) for w in WORDS):
            for ch in word + " ":
                if sent >= keys:
                    break
                text += ch
                t0 = time.perf_counter()
                _tmux(socket, "send-keys", "-t", window, "-l", ch)
                expected = text.rstrip()[-30:]  # the end of the field (a long title scrolls in the input)
                while expected not in _capture(socket, window):
                    if time.perf_counter() - t0 > 5:
                        raise SystemExit(f"typed {expected!r} never appeared")
                latencies.append(time.perf_counter() - t0)
                sent += 1
                time.sleep(0.12)
            if sent >= keys:
                break
            time.sleep(0.7)  # a pause: the autosave runs while the next word is typed
    finally:
        _tmux(socket, "kill-server")
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)

    return {"typing_keys": len(ordered), "typing_p50_ms": pct(0.5), "typing_p95_ms": pct(0.95),
            "typing_max_ms": round(1000 * ordered[-1], 1), "typing_goal_p95_ms": 50}


def compile_bytecode() -> None:
    """Measure what an installed copy does: ``.pyc`` files present (pip compiles them at install time) and
    written for anything imported later, whatever the caller's ``PYTHONDONTWRITEBYTECODE``."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # inherited by the children and the tmux server
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "stardust_tui")], check=True,
                   stdout=subprocess.DEVNULL)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--releases", type=int, default=1_000_000)
    ap.add_argument("--tracks-per-release", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--db", type=Path, default=None, help="SQLite file to reuse (created if missing)")
    ap.add_argument("--keep", action="store_true", help="keep the generated store")
    ap.add_argument("--cli-runs", type=int, default=5,
                    help="runs of the real `stardust tui` command in tmux, with and without the saved page (0 to skip)")
    ap.add_argument("--nice", type=int, default=0,
                    help="run at this scheduling priority (e.g. -10, needs root): on a machine shared with other "
                         "work, what an idle machine would give; the load average is reported either way")
    ap.add_argument("--typing-keys", type=int, default=60,
                    help="keys typed into the wizard in tmux to time keystroke -> screen (0 to skip)")
    ap.add_argument("--stardust", type=Path, default=None,
                    help="the stardust command to measure (default: the one installed next to this Python)")
    args = ap.parse_args()
    if args.stardust:
        global STARDUST
        STARDUST = args.stardust
    if args.nice:
        os.setpriority(os.PRIO_PROCESS, 0, args.nice)  # inherited by the tmux server and stardust
    compile_bytecode()
    tmp = Path(tempfile.mkdtemp(prefix="stardust-bench-tui-"))
    db = args.db or tmp / "bench.db"
    info = {"generate_s": 0.0, "reused_store": db.exists()}
    if not db.exists():
        info.update(build_store(db, args.releases, args.tracks_per_release))
    runs = [run_once(db, tmp / "home") for _ in range(args.runs)]
    cli = cli_cold_start(db, tmp / "home", args.cli_runs) if args.cli_runs else {}
    cli.update(cli_typing(db, tmp / "home", args.typing_keys))
    if not args.keep and not args.db:
        for p in sorted(tmp.rglob("*"), reverse=True):
            p.unlink() if p.is_file() else p.rmdir()
        tmp.rmdir()
    result: dict = {"benchmark": "tui", "runs": len(runs), **info, "load_average_1m": round(os.getloadavg()[0], 2),
                    "nice": args.nice}
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
            "typing_inprocess_frame_p50_ms": statistics.median(r["typing_frame_p50_ms"] for r in runs),
            "typing_inprocess_frame_p95_ms": statistics.median(r["typing_frame_p95_ms"] for r in runs),
            "typing_inprocess_loop_cpu_p50_ms": statistics.median(r["typing_loop_cpu_p50_ms"] for r in runs),
            "typing_inprocess_loop_cpu_p95_ms": statistics.median(r["typing_loop_cpu_p95_ms"] for r in runs),
            "first_frame_ratio_to_goal": round(statistics.median(first) / 0.5, 2),
            "rss_ratio_to_goal": round(statistics.median(rss) / 150, 2),
        })
    result.update(cli)
    if cli.get("cli_first_rows_median_s"):
        result["cli_first_rows_ratio_to_goal"] = round(cli["cli_first_rows_median_s"] / 0.5, 2)
    if cli.get("cli_live_rows_median_s"):
        result["cli_live_rows_ratio_to_goal"] = round(cli["cli_live_rows_median_s"] / 0.5, 2)
    result.update({"goal_first_frame_s": 0.5, "goal_rss_mb": 150})
    print(json.dumps(result))

if __name__ == "__main__":
    main()
