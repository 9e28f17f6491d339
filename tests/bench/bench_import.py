"""Benchmark: CSV catalog import speed (goal ≥ 20,000 track rows/s for 1M rows).

Generates a one-row-per-track CSV (``--tracks-per-release`` tracks per release, 13 columns, valid UPCs and
ISRCs, ~1 in 50 releases with a featured artist), imports it into a fresh SQLite home with
``run_import`` (atomic, one transaction), checks the row counts, and prints one JSON object on the last
line (wall-clock rows/s, and rows per CPU second: the wall figure suffers on a shared, loaded machine).
``--export`` also times a streamed JSON export of the result.

    .venv/bin/python tests/bench/bench_import.py --rows 1000000
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session

from stardust_tui.domain.identifiers import gtin_check_digit
from stardust_tui.domain.models import Release, Track
from stardust_tui.importexport.importer import ImportOptions, run_import
from stardust_tui.store.db import make_engine
from stardust_tui.store.migrate import upgrade

_REG = [f"A{chr(65 + i)}C" for i in range(26)]  # ISRC registrant codes (3 chars)
HEADER = ("UPC,Release Title,Artist,Label,Release Date,P Line,Genre,Disc,Track Number,Track Title,ISRC,Duration,"
          "Explicit\n")


def generate(path: Path, rows: int, per_release: int) -> int:
    releases = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(HEADER)
        n = 0
        while n < rows:
            releases += 1
            body = f"{releases:011d}"
            upc = body + str(gtin_check_digit(body))
            artist = f"Artist {releases % 5000}"
            if releases % 50 == 0:
                artist += "; Guest Star"
            label = f"Label {releases % 200}"
            head = f'{upc},"Album {releases}, Vol. 1",{artist},{label},2024-{releases % 12 + 1:02d}-15,' \
                   f"℗ 2024 {label},Pop,1,"
            for t in range(1, per_release + 1):
                if n >= rows:
                    break
                n += 1
                isrc = f"QZ{_REG[n // 10_000_000 % 26]}{n // 100000 % 100:02d}{n % 100000:05d}"
                f.write(f"{head}{t},Song {t} of {releases},{isrc},3:{t % 60:02d},{'yes' if t == 3 else 'no'}\n")
    return releases


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--tracks-per-release", type=int, default=10)
    ap.add_argument("--export", action="store_true", help="also time a JSON export")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        root = Path(tmp)
        csv_path = root / "catalog.csv"
        t0 = time.perf_counter()
        releases = generate(csv_path, args.rows, args.tracks_per_release)
        gen_s = time.perf_counter() - t0
        engine = make_engine(str(root / "stardust.db"))
        upgrade(engine)
        t0, c0 = time.perf_counter(), time.process_time()
        report = run_import(engine, csv_path, ImportOptions(actor="bench"))
        import_s, import_cpu_s = time.perf_counter() - t0, time.process_time() - c0
        if not report.ok:
            print(report.render(limit=10), file=sys.stderr)
            raise SystemExit(1)
        with Session(engine) as s:
            n_rel = s.execute(select(func.count()).select_from(Release)).scalar_one()
            n_trk = s.execute(select(func.count()).select_from(Track)).scalar_one()
        assert (n_rel, n_trk) == (releases, args.rows), (n_rel, n_trk)
        result = {
            "bench": "import_csv", "rows": args.rows, "releases": releases,
            "csv_mb": round(csv_path.stat().st_size / 1e6, 1),
            "generate_s": round(gen_s, 2), "import_s": round(import_s, 2),
            "rows_per_s": round(args.rows / import_s), "import_cpu_s": round(import_cpu_s, 2),
            "rows_per_cpu_s": round(args.rows / import_cpu_s), "goal_rows_per_s": 20000,
            "meets_goal": args.rows / import_s >= 20000,
        }
        if args.export:
            from stardust_tui.importexport.export import export_catalog

            t0 = time.perf_counter()
            export_catalog(engine, root / "out.json", fmt="json")
            result["export_json_s"] = round(time.perf_counter() - t0, 2)
            result["export_releases_per_s"] = round(releases / result["export_json_s"])
        engine.dispose()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
