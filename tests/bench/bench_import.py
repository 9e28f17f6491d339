"""Benchmark: catalog import speed (CSV goal ≥ 20,000 track rows/s) and Excel import speed and memory.

Generates a one-row-per-track CSV (``--tracks-per-release`` tracks per release, 13 columns, valid UPCs and
ISRCs, ~1 in 50 releases with a featured artist), imports it into a fresh SQLite home with
``run_import`` (atomic, one transaction), checks the row counts, and prints one JSON object on the last
line (wall-clock rows/s, and rows per CPU second: the wall figure suffers on a shared, loaded machine).
``--export`` also times a streamed JSON export of the result.

``--xlsx`` also writes the same rows as an .xlsx sheet (typed cells: dates, numbers) and, for a fifth of the
rows and for all of them, imports it in a fresh process (rows/s, peak RSS of the import: it includes
SQLite's page cache, which grows with the database) and streams it in another (peak RSS of the reader
alone): the reader's memory must not grow with the sheet (openpyxl read-only streaming).

    .venv/bin/python tests/bench/bench_import.py --rows 100000 --xlsx
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
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


def generate_xlsx(csv_path: Path, path: Path, rows: int) -> None:
    """The first ``rows`` rows of the CSV as a sheet with typed cells. Written by a normal (not write-only)
    workbook so the sheet's dimension comes first, as in Excel's files (without it openpyxl parses the whole
    sheet once more when it opens it). openpyxl writes strings inline where Excel shares them: its cells read
    somewhat slower than Excel's."""
    import csv

    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "Catalog"
    with csv_path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        ws.append(next(reader))
        for n, r in enumerate(reader):
            if n >= rows:
                break
            ws.append([r[0], r[1], r[2], r[3], date.fromisoformat(r[4]), r[5], r[6], int(r[7]), int(r[8]), r[9],
                       r[10], r[11], r[12] == "yes"])
    book.save(path)


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM). Not ru_maxrss: Linux keeps that across exec, so a child
    started by a big parent would report the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def child_import(path: Path, db: Path, rows: int) -> None:
    """Import ``path`` into a fresh store in this process; print seconds, CPU seconds and peak RSS."""
    engine = make_engine(str(db))
    upgrade(engine)
    t0, c0 = time.perf_counter(), time.process_time()
    report = run_import(engine, path, ImportOptions(actor="bench"))
    import_s, cpu_s = time.perf_counter() - t0, time.process_time() - c0
    if not report.ok or report.tracks_seen != rows:
        print(report.render(limit=10), file=sys.stderr)
        raise SystemExit(1)
    print(json.dumps({"rows": rows, "import_s": round(import_s, 2), "rows_per_s": round(rows / import_s),
                      "rows_per_cpu_s": round(rows / cpu_s),
                      "peak_rss_mb": peak_rss_mb()}))


def child_read(path: Path) -> None:
    """Stream the sheet's rows as the importer reads them (no store): seconds and peak RSS of the reader."""
    from stardust_tui.importexport.tables import XlsxSheet

    t0 = time.perf_counter()
    sheet = XlsxSheet(path)
    n = sum(1 for _ in sheet.rows())
    sheet.close()
    print(json.dumps({"rows": n, "read_s": round(time.perf_counter() - t0, 2),
                      "read_peak_rss_mb": peak_rss_mb()}))


def _child(*args: str) -> dict[str, object]:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=False)
    if proc.returncode:
        raise SystemExit(f"{' '.join(args)} failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure_xlsx(root: Path, csv_path: Path, rows: int) -> dict[str, object]:
    out: dict[str, object] = {}
    for n in (rows // 5, rows):
        sheet = root / f"catalog_{n}.xlsx"
        t0 = time.perf_counter()
        generate_xlsx(csv_path, sheet, n)
        gen_s = time.perf_counter() - t0
        result = _child("--child-import", str(sheet), str(root / f"x{n}.db"), str(n))
        result.update(_child("--child-read", str(sheet)))
        result.update(xlsx_mb=round(sheet.stat().st_size / 1e6, 1), generate_s=round(gen_s, 2))
        out[f"xlsx_{n}"] = result
    return out


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child-import":
        child_import(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))
        return
    if len(sys.argv) == 3 and sys.argv[1] == "--child-read":
        child_read(Path(sys.argv[2]))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--tracks-per-release", type=int, default=10)
    ap.add_argument("--export", action="store_true", help="also time a JSON export")
    ap.add_argument("--xlsx", action="store_true", help="also import the rows as an .xlsx sheet (speed, peak RSS)")
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
        if args.xlsx:
            result.update(measure_xlsx(root, csv_path, args.rows))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
