"""Run an import: drafts from a CSV/JSON/DDEX source → the catalog, atomically or per release.

This is the core API the CLI, the hot folder and the TUI's import screen call::

    report = run_import(engine, "catalog.csv", ImportOptions(update=True), progress=callback)

- Atomic by default: one transaction; any error rolls everything back (the run keeps reading to report
  every problem). On SQLite that transaction holds the write lock for the whole run, so workers wait.
  ``partial=True`` skips a bad release and imports the others, committing every batch of
  ``batch_releases`` releases (others can write in between: use it for huge imports while workers run).
- ``dry_run=True`` runs everything inside the transaction, then rolls back: the report is what a real run
  would do, down to database constraints.
- Existing releases are matched by UPC (both UPC-A and EAN-13 forms). Same content → ``unchanged``;
  different content → reported as a duplicate and skipped unless ``update=True``. Tracks of an updated
  release are matched by ISRC, then by position. A track ISRC already used by another release is allowed
  when it is the same recording (reported as a duplicate) and an error when it is a different one.
"""

from __future__ import annotations

import gc
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from stardust_tui.errors import StardustError, ValidationError
from stardust_tui.importexport.bulk import BulkWriter
from stardust_tui.importexport.mapping import Mapping
from stardust_tui.importexport.matching import Matcher
from stardust_tui.importexport.options import ImportOptions
from stardust_tui.importexport.records import ReleaseDraft
from stardust_tui.importexport.report import ImportReport, Issue, SourceError
from stardust_tui.store.db import current_actor

Progress = Callable[[int, int | None], None]
FORMATS = ("csv", "xlsx", "json", "ddex")
CACHE_KIB = 128 * 1024  # SQLite page cache of the importing connection


def detect_format(path: Path, requested: str | None = None) -> str:
    if requested:
        if requested not in FORMATS:
            from stardust_tui.plugin_points import importers  # issue 16: formats of stardust.importers plugins

            if requested in importers():
                return requested
            known = ", ".join((*FORMATS, *importers()))
            raise ValidationError(f"unknown format {requested!r} (expected {known})", where="--format")
        return requested
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return "xlsx"
    if suffix in (".ods", ".numbers"):
        raise ValidationError(f"{suffix} spreadsheets are not read directly: save the sheet as .xlsx or CSV and "
                              "import that", where=str(path))
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    if suffix in (".json", ".jsonl"):
        return "json"
    if suffix == ".xml":
        return "ddex"
    if suffix:
        from stardust_tui.plugin_points import import_format_for  # issue 16: a plugin format's suffix

        plugin = import_format_for(path)
        if plugin is not None:
            return plugin
    try:
        with path.open("rb") as f:
            head = f.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError as exc:
        raise ValidationError(f"cannot open: {exc.strerror}", where=str(path)) from None
    if head.startswith((b"{", b"[")):
        return "json"
    if head.startswith(b"<"):
        return "ddex"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    return "csv"


def iter_drafts(path: Path, fmt: str, options: ImportOptions, report: ImportReport,
                progress: Progress | None = None) -> Iterator[ReleaseDraft]:
    """Release drafts of a source in file order."""
    mapping = replace(options.mapping) if options.mapping else Mapping()
    if options.month_first is not None:
        mapping.month_first = options.month_first
    if options.sheet and fmt != "xlsx":  # silently ignored before: the user meant another file
        raise ValidationError(f"applies to Excel .xlsx workbooks; {path.name} is read as {fmt}", where="--sheet")
    if fmt == "xlsx":
        from stardust_tui.importexport.xlsx_import import iter_xlsx_drafts

        if options.tracks_file is not None:
            raise ValidationError("a separate track file goes with a CSV release file; for Excel put one row per "
                                  "track in one sheet", where="--tracks")

        return iter_xlsx_drafts(path, mapping, report, sheet=options.sheet, progress=progress)
    if fmt == "csv":
        from stardust_tui.importexport.csv_import import iter_csv_drafts

        return iter_csv_drafts(path, mapping, report, encoding=options.encoding, tracks_path=options.tracks_file,
                               progress=progress)
    if fmt == "json":
        from stardust_tui.importexport.json_import import iter_json_drafts

        return iter_json_drafts(path, mapping, report, progress=progress)
    from stardust_tui.plugin_points import importers

    plugin = importers().get(fmt)
    if plugin is not None:  # issue 16: a stardust.importers plugin reads the file
        from stardust_tui.importexport.plugin_import import iter_plugin_drafts

        return iter_plugin_drafts(path, plugin, report, progress=progress)
    raise ValidationError(f"format {fmt!r} does not produce drafts", where=str(path))


class Cancelled(Exception):
    """The caller's cancel event was set: the run stops and rolls back."""


def run_import(engine: Engine, path: str | Path, options: ImportOptions | None = None, *,
               progress: Progress | None = None, cancel: threading.Event | None = None) -> ImportReport:
    """Import one source; returns the report (raises only for problems outside the data, e.g. a bad flag).

    ``cancel`` (set from another thread, e.g. the TUI's Cancel key) stops the run at the next release and
    rolls back; with ``partial`` the batches committed before stay (the report says how many were created).
    """
    options = options or ImportOptions()
    p = Path(path)
    fmt = detect_format(p, options.format)
    report = ImportReport(source=str(p), format=fmt, dry_run=options.dry_run, atomic=not options.partial)
    started = time.perf_counter()
    actor = options.actor or current_actor()
    with _fewer_gc_passes(), Session(engine, expire_on_commit=False) as session:
        previous_cache = _sqlite_cache(session, CACHE_KIB)
        try:
            if fmt == "ddex":
                from stardust_tui.importexport.ddex_import import import_ddex

                _real_begin(session)
                import_ddex(session, p, report, actor=actor, schema_dir=options.schema_dir, paths=options.paths)
            else:
                checkpoint = None
                if options.partial and not options.dry_run:  # commit every batch: others may write between
                    def checkpoint() -> None:  # the next batch is read with no lock held; its flush begins
                        _restore_cache(session, previous_cache)
                        session.commit()
                        _sqlite_cache(session, CACHE_KIB)
                drafts = iter_drafts(p, fmt, options, report, progress)
                if cancel is not None:
                    drafts = _until(drafts, cancel)
                _run(session, drafts, options, report, actor, checkpoint)
        except Cancelled:
            report.cancelled = True
            report.add(Issue("error", "import cancelled", str(p)))
        except SourceError as exc:  # the source cannot be read any further
            report.add(Issue("error", exc.message, exc.file, exc.line))
        except StardustError as exc:
            report.add(Issue("error", exc.message, exc.where or str(p)))
        except (DBAPIError, sqlite3.Error) as exc:  # locked by another writer, a constraint, a full disk...
            report.add(Issue("error", f"database refused the import: {_first_line(exc)}", str(p)))
        finish = not options.dry_run and not report.cancelled and (report.error_count == 0 or options.partial)
        if finish:
            try:
                session.commit()
            except (DBAPIError, sqlite3.Error) as exc:
                report.add(Issue("error", f"database refused the commit: {_first_line(exc)}", str(p)))
                finish = False
        if not finish:
            session.rollback()
            # with --partial, batches before a database failure are committed: only the last is undone
            report.rolled_back = options.dry_run or not options.partial or report.cancelled
            if report.rolled_back and not options.dry_run and not options.partial:  # nothing was created/updated
                report.release_ids.clear()
                report.created = report.updated = 0
        if previous_cache is not None:
            _restore_cache(session, previous_cache)
            session.rollback()
    report.seconds = time.perf_counter() - started
    return report


def _until(drafts: Iterator[ReleaseDraft], cancel: threading.Event) -> Iterator[ReleaseDraft]:
    for draft in drafts:
        if cancel.is_set():
            raise Cancelled
        yield draft
    if cancel.is_set():
        raise Cancelled


_gc_lock = threading.Lock()
_gc_runs = 0
_gc_saved: tuple[int, int, int] | None = None
GC_THRESHOLD = (100_000, 50, 1000)  # during imports: the default (700, 10, 10) spends ~15% of a run in the GC


@contextmanager
def _fewer_gc_passes() -> Iterator[None]:
    """Raise the cyclic GC's thresholds for the run (a bulk import allocates millions of short-lived,
    acyclic objects; the default thresholds rescan the young ones every 700). The collector stays on;
    the previous thresholds come back when the last concurrent run ends."""
    global _gc_runs, _gc_saved
    with _gc_lock:
        if _gc_runs == 0:
            _gc_saved = gc.get_threshold()
            if _gc_saved[0]:  # 0: automatic collection switched off by the application; leave it so
                gc.set_threshold(*(max(a, b) for a, b in zip(GC_THRESHOLD, _gc_saved, strict=True)))
        _gc_runs += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_runs -= 1
            if _gc_runs == 0 and _gc_saved is not None:
                gc.set_threshold(*_gc_saved)
                _gc_saved = None


def _restore_cache(session: Session, previous: int | None) -> None:
    if previous is not None:
        raw = session.connection().connection.driver_connection
        assert raw is not None  # the session's connection is open
        raw.execute(f"PRAGMA cache_size={previous}")


def _first_line(exc: Exception) -> str:
    return (str(getattr(exc, "orig", None) or exc).splitlines() or [""])[0][:300]


def _real_begin(session: Session) -> None:
    """Open a real write transaction now, before the run (DDEX) or a batch (tables) first touches the store.
    Python's sqlite3 only sends BEGIN before a data change, so a run whose first write is inside a SAVEPOINT
    (``--partial``, updates, DDEX) would otherwise have that savepoint's RELEASE commit on its own, and
    ``--dry-run`` could not roll it back.

    IMMEDIATE: every run writes (a dry run too, then rolls back), and it reads the catalog first (matching,
    parties). A deferred transaction whose snapshot is older than another writer's commit cannot become a
    writer in WAL mode: SQLite answers "database is locked" at once, without waiting. So any concurrent
    commit (a worker's delivery update, the API's usage counts, a TUI autosave) made imports fail; taking the
    write lock first waits for it (busy_timeout) instead. Rows are read and parsed with no lock held: an
    atomic run takes the lock at its first batch, a ``--partial`` run at each batch (others write between)."""
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        raw = conn.connection.driver_connection
        if raw is not None and not raw.in_transaction:
            raw.execute("BEGIN IMMEDIATE")


def _sqlite_cache(session: Session, kib: int | None) -> int | None:
    """Set this connection's page cache (KiB) for a bulk run; returns the previous setting (SQLite only).
    The default 2 MiB cache makes index updates thrash once the catalog has a few hundred thousand rows."""
    conn = session.connection()
    if conn.dialect.name != "sqlite" or kib is None:
        return None
    raw = conn.connection.driver_connection
    assert raw is not None  # the session's connection is open
    previous = raw.execute("PRAGMA cache_size").fetchone()[0]
    raw.execute(f"PRAGMA cache_size={-abs(int(kib))}")
    return -abs(previous) if previous < 0 else previous


def _run(session: Session, drafts: Iterator[ReleaseDraft], options: ImportOptions, report: ImportReport,
         actor: str, checkpoint: Callable[[], None] | None = None) -> None:
    conn = session.connection()
    writer = BulkWriter(conn, actor=actor, report=report)
    matcher = Matcher(session, writer, report, actor=actor, update=options.update)
    batch: list[ReleaseDraft] = []
    tracks = 0
    for draft in drafts:
        batch.append(draft)
        tracks += len(draft.tracks)
        if len(batch) >= options.batch_releases or tracks >= 20 * options.batch_releases:
            _flush(session, batch, matcher, writer, options, report)
            batch, tracks = [], 0
            if checkpoint is not None:
                checkpoint()
                writer.rebind(session.connection())
    _flush(session, batch, matcher, writer, options, report)


def _flush(session: Session, batch: list[ReleaseDraft], matcher: Matcher, writer: BulkWriter,
           options: ImportOptions, report: ImportReport) -> None:
    if not batch:
        return
    good = [d for d in batch if not d.errors]
    report.skipped += len(batch) - len(good)
    if report.error_count and not options.partial:
        return  # atomic run that already failed: keep reading for the report, write nothing
    _real_begin(session)  # the batch's reads and writes under the write lock (no-op if the run holds it)
    writer.prefetch_assets(good)
    new_views = matcher.classify(good)
    if report.error_count and not options.partial:
        return
    if not new_views:
        return
    if not options.partial:
        ids = writer.write(new_views)
        _created(report, ids)
        return
    try:
        with session.begin_nested():
            ids = writer.write(new_views)
        _created(report, ids)
    except (DBAPIError, sqlite3.Error):
        writer.reset()
        for view in new_views:  # find the culprit(s) one release at a time
            try:
                with session.begin_nested():
                    ids = writer.write([view])
                _created(report, ids)
            except (DBAPIError, sqlite3.Error) as exc:
                writer.reset()
                d = view.draft
                report.add(Issue("error", f"database refused the release: {_first_line(exc)}",
                                 d.file, d.line, None, d.label_text))
                report.skipped += 1


def _created(report: ImportReport, ids: list[int]) -> None:
    report.created += len(ids)
    room = 1000 - len(report.release_ids)
    if room > 0:
        report.release_ids.extend(ids[:room])
