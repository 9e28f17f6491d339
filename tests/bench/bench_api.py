"""HTTP API benchmark: requests/s and p50/p95 of ``GET /releases?search=`` and ``GET /releases/{id}`` at a
large catalog, next to a bare Starlette endpoint served by the same uvicorn settings (the floor).

    .venv/bin/python tests/bench/bench_api.py [--releases 1000000] [--tracks-per-release 2] [--requests 2000]
                                              [--clients 4] [--keep] [--home DIR] [--only-generate]

The catalog is generated with ``bench_search.generate`` (bulk inserts + search index) into a fresh home;
``stardust serve`` runs as its own process (as users run it), the floor as another uvicorn process
returning a stored release document as JSON with no key, no database. The client is httpx with keep-alive
connections from ``--clients`` threads, the same for all three. Goals (issue 11): search p95 <= 15 ms at
1M releases; GET /releases/{id} >= 40% of the floor's requests/s. Prints one JSON object on the last line.

Measured 2026-12-04 at 1M releases x 2 tracks, SQLite, 4 clients, 2 cores shared with other jobs (load 1.5-6),
medians of 3 runs with the floor of the same run (``--home`` reusing one catalog):
before (b927e36): search 267 req/s, p95 24.4 ms; GET 158 req/s = 0.099 of the floor (1478 req/s);
after: search 470 req/s, p95 14.5 and 15.2 ms (two sets of 3 runs); GET 715-733 req/s = 0.41 and 0.44 of the floor.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx  # noqa: E402
from bench_search import existing, generate, make_queries  # noqa: E402

from stardust_tui.config import load_settings  # noqa: E402
from stardust_tui.services import Services  # noqa: E402
from stardust_tui.services.actor import Actor  # noqa: E402
from stardust_tui.store.db import make_engine  # noqa: E402
from stardust_tui.store.migrate import upgrade  # noqa: E402

FLOOR_APP = '''
import json, sys
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
DOC = json.loads(open(sys.argv[1]).read())
async def release(request):
    return JSONResponse(DOC)
app = Starlette(routes=[Route("/releases/{ref}", release)])
if __name__ == "__main__":
    import uvicorn
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), access_log=False, log_level="warning",
                server_header=False)
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read() if proc.stderr else ''}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit(f"server at {url} did not start")


def hammer(base: str, paths: list[str], clients: int, headers: dict[str, str]) -> dict:
    """Send every path once, spread over ``clients`` threads with a keep-alive client each."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    chunks = [paths[i::clients] for i in range(clients)]

    def run(chunk: list[str]) -> None:
        mine = []
        with httpx.Client(base_url=base, headers=headers, timeout=30) as c:
            for p in chunk:
                t = time.perf_counter()
                r = c.get(p)
                mine.append((time.perf_counter() - t) * 1000)
                if r.status_code != 200:
                    with lock:
                        errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run, args=(chunk,)) for chunk in chunks]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    latencies.sort()
    return {"requests": len(latencies), "errors": errors[0], "req_per_s": round(len(latencies) / wall, 1),
            "p50_ms": round(statistics.median(latencies), 2),
            "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--releases", type=int, default=1_000_000)
    ap.add_argument("--tracks-per-release", type=int, default=2)
    ap.add_argument("--requests", type=int, default=2000, help="timed requests per endpoint")
    ap.add_argument("--clients", type=int, default=4, help="client threads (keep-alive connections)")
    ap.add_argument("--keep", action="store_true", help="keep the generated home (path on stderr)")
    ap.add_argument("--home", type=Path, default=None,
                    help="use this home: reuse the catalog in it when there is one (else generate it there); kept")
    ap.add_argument("--only-generate", action="store_true", help="generate the catalog (into --home) and stop")
    args = ap.parse_args()

    home = args.home or Path(tempfile.mkdtemp(prefix="stardust-bench-api-"))
    args.keep = args.keep or args.home is not None
    settings = load_settings(home)
    settings.paths.ensure()
    engine = make_engine(settings.db_url)
    upgrade(engine, backup=False)
    data = existing(engine, args.releases, args.tracks_per_release) or generate(
        engine, args.releases, args.tracks_per_release)
    if args.only_generate:
        print(f"catalog: {args.releases} releases ({home})", file=sys.stderr)
        return
    admin = Services(settings=settings, engine_source=engine, actor=Actor("bench"))
    token = admin.apikeys.create(f"bench-{time.time_ns()}", scope="read").token  # one per run (--home reuse)
    sample = admin.releases.show(1)
    doc = home / "release.json"
    from stardust_tui.jsonable import jsonable

    doc.write_text(json.dumps(jsonable(sample)))
    engine.dispose()
    print(f"catalog: {args.releases} releases in {data.get('generate_seconds', 'reused')} s ({home})",
          file=sys.stderr)

    env = {**os.environ, "STARDUST_HOME": str(home)}
    api_port, floor_port = free_port(), free_port()
    api = subprocess.Popen([sys.executable, "-m", "stardust_tui", "--home", str(home), "serve", "--port",
                            str(api_port), "--no-access-log", "--rate", "100000", "--burst", "100000"],
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    floor_py = home / "floor.py"
    floor_py.write_text(FLOOR_APP)
    floor = subprocess.Popen([sys.executable, str(floor_py), str(doc), str(floor_port)], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        api_url, floor_url = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{floor_port}"
        wait_up(f"{api_url}/health", api)
        wait_up(f"{floor_url}/releases/1", floor)
        rng = random.Random(11)
        auth = {"Authorization": f"Bearer {token}"}
        searches = [q for q in make_queries(rng, data, args.requests + 200)]
        search_paths = []
        for q in searches:
            params = {"search": q["search"], "limit": "50"}
            if q.get("status"):
                params["status"] = q["status"]
            if q.get("release_type"):
                params["type"] = q["release_type"]
            if q.get("date_from"):
                params["from"], params["to"] = q["date_from"].isoformat(), q["date_to"].isoformat()
            if q.get("label"):
                params["label"] = q["label"]
            search_paths.append("/releases?" + httpx.QueryParams(params).__str__())
        get_paths = [f"/releases/{rng.randint(1, args.releases)}" for _ in range(args.requests + 200)]
        hammer(api_url, search_paths[:200], args.clients, auth)  # warm caches and connections
        hammer(api_url, get_paths[:200], args.clients, auth)
        hammer(floor_url, get_paths[:200], args.clients, {})
        floor_r = hammer(floor_url, get_paths[200:], args.clients, {})
        get_r = hammer(api_url, get_paths[200:], args.clients, auth)
        search_r = hammer(api_url, search_paths[200:], args.clients, auth)
    finally:
        for proc in (api, floor):
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        if not args.keep:
            import shutil

            shutil.rmtree(home, ignore_errors=True)
    ratio = get_r["req_per_s"] / floor_r["req_per_s"] if floor_r["req_per_s"] else 0.0
    result = {
        "releases": args.releases, "tracks": data["tracks"], "clients": args.clients, "cpus": os.cpu_count(),
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "search": search_r, "get_release": get_r, "floor_bare_starlette": floor_r,
        "get_vs_floor_ratio": round(ratio, 3),
        "goals": {"search_p95_le_15ms": search_r["p95_ms"] <= 15.0, "get_ge_40pct_of_floor": ratio >= 0.40},
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
