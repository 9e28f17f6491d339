"""Imports while another process writes to the same SQLite store (a worker, the API's usage counts, a TUI).

An import reads the catalog before it writes. It used to open a deferred transaction; in WAL mode such a
transaction cannot become a writer once someone else has committed after its first read, and SQLite then
answers "database is locked" at once, whatever the busy timeout. A fresh-clone CI run caught it through
the API (its usage counts are written every 2 s): the same DDEX upload passed as a dry run and failed
for real with 422. Imports now take the write lock first and wait for it.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine

from stardust_tui.config import Settings
from stardust_tui.domain.identifiers import gtin_check_digit
from stardust_tui.importexport.importer import ImportOptions, run_import
from tests.conftest import SAMPLES_DIR

CSV = ("upc,title,artist,label,release_date,track_title,isrc\n"
       "0886443927087,Busy Album,Busy Artist,Busy Label,2025-05-01,First Song,USRC17607839\n"
       "0886443927087,Busy Album,Busy Artist,Busy Label,2025-05-01,Second Song,USRC17607840\n")


@contextmanager
def another_writer(db: str) -> Iterator[list[int]]:
    """A second connection committing a small write every millisecond until the block ends."""
    commits = [0]
    stop = threading.Event()

    def run() -> None:
        conn = sqlite3.connect(db, timeout=10, isolation_level=None)
        conn.execute("CREATE TABLE IF NOT EXISTS test_tick (n INTEGER)")
        while not stop.is_set():
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO test_tick VALUES (1)")
            conn.execute("COMMIT")
            commits[0] += 1
            time.sleep(0.001)
        conn.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        while commits[0] < 3:  # the writer is really committing before the import starts
            time.sleep(0.005)
        yield commits
    finally:
        stop.set()
        thread.join(10)


def _committed_again(commits: list[int]) -> None:
    """Wait until the other writer has committed once more (the imports hold the write lock by turns; on a
    busy machine its busy handler could otherwise sleep through every gap between them)."""
    seen, deadline = commits[0], time.monotonic() + 10
    while commits[0] == seen and time.monotonic() < deadline:
        time.sleep(0.001)


def test_ddex_and_csv_imports_succeed_while_another_connection_commits(sqlite_engine: Engine, settings: Settings,
                                                                       tmp_path: Path) -> None:
    db = sqlite_engine.url.database
    assert db
    sample = SAMPLES_DIR / "ern-43" / "ddexsuite__1_Audio.xml"
    csv = tmp_path / "busy.csv"
    csv.write_text(CSV, encoding="utf-8")
    with another_writer(db) as commits:
        before = commits[0]
        for dry_run in (True, False):
            _committed_again(commits)
            report = run_import(sqlite_engine, sample, ImportOptions(actor="t", format="ddex", dry_run=dry_run))
            assert report.error_count == 0, [str(i) for i in report.issues]
            assert report.created == 1
        for dry_run in (True, False):
            _committed_again(commits)
            report = run_import(sqlite_engine, csv, ImportOptions(actor="t", dry_run=dry_run))
            assert report.error_count == 0, [str(i) for i in report.issues]
            assert report.created == 1
        many = tmp_path / "many.csv"
        lines = [CSV.splitlines()[0]] + [f"{body}{gtin_check_digit(body)},R{i},A,L,2025-05-01,T,QZABC25{i:05d}"
                                         for i in range(1, 31) for body in [f"{i + 500:011d}"]]
        many.write_text("\n".join(lines) + "\n", encoding="utf-8")
        _committed_again(commits)
        report = run_import(sqlite_engine, many, ImportOptions(actor="t", partial=True, batch_releases=5))
        assert report.error_count == 0 and report.created == 30, [str(i) for i in report.issues]
        assert commits[0] > before  # the other writer kept committing during the imports
