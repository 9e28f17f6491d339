"""Benchmark: what roles, label scoping and the audit hash chain cost (issue 15).

Builds a SQLite store of ``--releases`` releases over 200 labels (the import benchmark's CSV generator,
bulk import: every release has an audit entry), then measures, each as the median of ``--repeat`` runs:

* the bulk import with its audit entries sealed into the chain as they are inserted, against the same
  import with the chain step left out (interleaved runs into fresh stores, median ratio): what the chain
  costs an import; and sealing alone (the commit-time path of other writers) over every entry (entries/s);
* ``stardust audit verify``'s walk over the whole chain (entries/s);
* ``services.releases.list()`` (first page, newest first, with the total) and a search, for the single
  user (admin, unscoped) and for a user limited to one label (every query carries the label criteria);
* ``Services.authorize`` for a listed user once the grant is cached (µs per call).

Prints one JSON object on the last line.

    .venv/bin/python tests/bench/bench_roles.py --releases 20000
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_import import generate  # noqa: E402
from sqlalchemy import text  # noqa: E402

from stardust_tui.config import load_settings  # noqa: E402
from stardust_tui.importexport.importer import ImportOptions, run_import  # noqa: E402
from stardust_tui.services import Services  # noqa: E402
from stardust_tui.services.actor import Actor  # noqa: E402
from stardust_tui.services.releases import ReleaseFilters  # noqa: E402
from stardust_tui.store import audit_chain  # noqa: E402
from stardust_tui.store.audit_chain import GENESIS  # noqa: E402
from stardust_tui.store.db import make_engine  # noqa: E402
from stardust_tui.store.migrate import upgrade  # noqa: E402


def median_ms(fn, repeat: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 3)


def import_with_and_without_chain(src: Path, tmp: Path, releases: int, rounds: int = 3) -> tuple[float, float]:
    """Median seconds of importing ``src`` into a fresh store with the chain, and with its step left out."""
    from stardust_tui.importexport import bulk

    sealed = bulk.chain_values
    times: dict[bool, list[float]] = {True: [], False: []}
    for i in range(rounds * 2):
        chain = i % 2 == 0
        bulk.chain_values = sealed if chain else (lambda _conn, rows: [(None, None, None)] * len(rows))
        engine = make_engine(str(tmp / f"ab{i}.db"))
        upgrade(engine)
        t = time.perf_counter()
        report = run_import(engine, src, ImportOptions(actor="bench"))
        times[chain].append(time.perf_counter() - t)
        assert report.created == releases, report.render()
        engine.dispose()
    bulk.chain_values = sealed
    return statistics.median(times[True]), statistics.median(times[False])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--releases", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        import os

        os.environ["STARDUST_HOME"] = tmp
        settings = load_settings()
        settings.paths.ensure()
        engine = make_engine(settings.db_url)
        upgrade(engine)
        src = Path(tmp) / "catalog.csv"
        generate(src, args.releases, 1)
        import_s, plain_s = import_with_and_without_chain(src, Path(tmp), args.releases)
        report = run_import(engine, src, ImportOptions(actor="bench"))
        assert report.created == args.releases, report.render()

        def reseal() -> None:
            with engine.begin() as conn:
                conn.execute(text("UPDATE audit_log SET seq = NULL, prev_hash = NULL, hash = NULL"))
                conn.execute(text("UPDATE audit_chain SET seq = 0, hash = :g"), {"g": GENESIS})
                t0 = time.perf_counter()
                audit_chain.seal(conn)
                timings.append(time.perf_counter() - t0)

        timings: list[float] = []
        for _ in range(3):
            reseal()
        seal_s = statistics.median(timings)

        def verify() -> None:
            with engine.connect() as conn:
                assert audit_chain.verify(conn).ok

        verify_ms = median_ms(verify, 3)
        owner = Services(settings, engine, actor=Actor("owner"))
        owner.users.add("one", "viewer", ["Label 7"])
        one = Services(settings, engine, actor=Actor("one"))
        owner.access.forget()
        assert one.releases.list().total == args.releases // 200
        out = {
            "releases": args.releases, "import_rows_per_s": round(args.releases / import_s),
            "import_without_chain_rows_per_s": round(args.releases / plain_s),
            "import_chain_overhead_pct": round(100 * (import_s / plain_s - 1), 1),
            "seal_entries_per_s": round(args.releases / seal_s),
            "verify_entries_per_s": round(args.releases / (verify_ms / 1000)),
            "list_admin_ms": median_ms(lambda: owner.releases.list(), args.repeat),
            "list_one_label_ms": median_ms(lambda: one.releases.list(), args.repeat),
            "search_admin_ms": median_ms(lambda: owner.releases.list(ReleaseFilters(search="album 7")),
                                         args.repeat),
            "search_one_label_ms": median_ms(lambda: one.releases.list(ReleaseFilters(search="album 7")),
                                             args.repeat),
        }
        one.authorize("release.read")
        n = 20_000
        t = time.perf_counter()
        for _ in range(n):
            one.authorize("release.read")
        out["authorize_cached_us"] = round((time.perf_counter() - t) / n * 1e6, 2)
        engine.dispose()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
