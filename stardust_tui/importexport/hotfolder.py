"""The hot folder: catalog files and audio dropped into a directory are imported once, then filed away.

- A drop is taken when it is complete: nothing in the folder — the dropped files, and the hidden or
  ``*.part``/``*.tmp``/``*.crdownload`` files an upload is still writing — has changed size or modification
  time for ``stable_seconds``. Temporary files themselves are never imported.
- Then its catalog files (``.csv .tsv .txt .xlsx .json .xml``) go first, imported atomically
  (``run_import``), and the media after them (audio and ``<UPC>.jpg`` covers, through the bulk audio
  import), so audio dropped with the CSV that describes it finds its tracks.
- Afterwards the file is moved to ``done/`` or ``failed/`` with ``<name>.report.txt`` and
  ``<name>.report.json`` next to it (a name already taken there gets a timestamp suffix).
- Nothing is imported twice: every run is recorded in the ``import_run`` ledger by content SHA-256, and a
  file whose content already went in is filed under ``done/`` with a report saying so.

``stardust watch DIR`` runs :meth:`HotFolder.watch`; the worker daemon calls :func:`watch_dirs` for
``settings.watch_dirs`` (``[watch] dirs = [...]`` in config.toml) with its stop event.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from stardust_tui.config import Settings
from stardust_tui.domain.models import utcnow
from stardust_tui.errors import StardustError
from stardust_tui.importexport.audio_import import AUDIO_SUFFIXES, IMAGE_SUFFIXES, import_audio_dir
from stardust_tui.importexport.importer import ImportOptions, run_import
from stardust_tui.importexport.ledger import already_imported, file_sha256, record_run
from stardust_tui.importexport.report import ImportReport
from stardust_tui.paths import Paths

CATALOG_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".json", ".jsonl", ".xml"}
IGNORED_SUFFIXES = {".part", ".tmp", ".crdownload", ".partial", ".filepart"}


@dataclass(frozen=True)
class DropResult:
    """What happened to one dropped file."""

    source: Path
    dest: Path
    status: str  # done | failed | duplicate
    summary: str

    def line(self) -> str:
        return f"{self.status:9} {self.source.name} -> {self.dest}: {self.summary}"


class HotFolder:
    def __init__(self, engine: Engine, paths: Paths, directory: Path, *, stable_seconds: float = 2.0,
                 update: bool = False, actor: str | None = None, schema_dir: Path | None = None) -> None:
        self.engine = engine
        self.paths = paths
        self.dir = Path(directory)
        self.stable_seconds = stable_seconds
        self.update = update
        self.actor = actor
        self.schema_dir = schema_dir
        self._seen: dict[Path, tuple[int, int, float]] = {}  # candidate -> (size, mtime_ns, since)
        self._busy: dict[Path, tuple[int, int, float]] = {}  # temporary/hidden files being written

    def _prepare(self) -> None:
        if not self.dir.is_dir():
            raise StardustError("hot folder does not exist", where=str(self.dir))
        for sub in ("done", "failed"):
            (self.dir / sub).mkdir(exist_ok=True)

    @staticmethod
    def _temporary(p: Path) -> bool:
        return p.name.startswith(".") or p.suffix.lower() in IGNORED_SUFFIXES

    def candidates(self) -> list[Path]:
        """The files to import, catalog files first (then media), each group by name."""
        files = [p for p in self.dir.iterdir() if p.is_file() and not self._temporary(p)]
        return sorted(files, key=lambda p: (p.suffix.lower() not in CATALOG_SUFFIXES, p.name))

    def stable_files(self, now: float | None = None) -> list[Path]:
        """The drop, once complete: every candidate (catalog files first) when nothing in the folder has
        changed for ``stable_seconds`` (tracked across calls), else nothing."""
        now = time.monotonic() if now is None else now
        quiet = True
        entries = [p for p in self.dir.iterdir() if p.is_file()]
        for table, paths in ((self._seen, [p for p in entries if not self._temporary(p)]),
                             (self._busy, [p for p in entries if self._temporary(p)])):
            present = set()
            for p in paths:
                try:
                    st = p.stat()
                except FileNotFoundError:
                    continue
                present.add(p)
                sig = (st.st_size, st.st_mtime_ns)
                prev = table.get(p)
                if prev is None or prev[:2] != sig:
                    table[p] = (*sig, now)
                    quiet = False
                elif now - prev[2] < self.stable_seconds:
                    quiet = False
            for gone in set(table) - present:
                del table[gone]
        if not quiet:
            return []
        return sorted(self._seen, key=lambda p: (p.suffix.lower() not in CATALOG_SUFFIXES, p.name))

    def process_once(self, *, wait_stable: bool = True) -> list[DropResult]:
        """Import what is in the folder now; with ``wait_stable`` each file once it has stopped growing
        (a file still growing after ``max(30 s, 10 × stable_seconds)`` is left for the next run)."""
        self._prepare()
        if not wait_stable:
            return [self.process_file(p) for p in self.candidates()]
        results: list[DropResult] = []
        self.stable_files()
        deadline = time.monotonic() + max(30.0, self.stable_seconds * 10)
        while self._seen and time.monotonic() < deadline:
            time.sleep(max(0.05, min(0.5, self.stable_seconds / 2)))
            results += [self.process_file(p) for p in self.stable_files()]
        return results

    def process_file(self, path: Path) -> DropResult:
        """Import one file and file it under done/ or failed/ with its report."""
        self._seen.pop(path, None)
        started = utcnow()
        suffix = path.suffix.lower()
        try:
            sha = file_sha256(path)
        except OSError as exc:
            return self._file(path, "failed", _failed_report(path, f"cannot read: {exc.strerror}"))
        previous = already_imported(self.engine, sha)
        if previous is not None:
            report = ImportReport(source=str(path), format="duplicate")
            report.warning(f"already imported on {previous.finished_at:%Y-%m-%d %H:%M} UTC as {previous.file_name!r} "
                           f"(import run {previous.id}); not imported again", file=str(path))
            return self._file(path, "duplicate", report)
        if suffix in CATALOG_SUFFIXES:
            kind = "catalog"
            try:
                options = ImportOptions(update=self.update, actor=self.actor, paths=self.paths,
                                        schema_dir=self.schema_dir)
                report = run_import(self.engine, path, options)
            except StardustError as exc:
                report = _failed_report(path, str(exc))
            ok = report.ok and not report.rolled_back
        elif suffix in AUDIO_SUFFIXES or suffix in IMAGE_SUFFIXES:
            kind = "audio"
            try:
                report = import_audio_dir(self.engine, self.paths, self.dir, files=[path], actor=self.actor)
            except StardustError as exc:
                report = _failed_report(path, str(exc))
            ok = report.error_count == 0 and (report.updated + report.unchanged) > 0
        else:
            return self._file(path, "failed", _failed_report(path, f"unsupported file type {suffix or '(none)'}; "
                                                             "expected CSV/JSON/DDEX XML, audio or a <UPC> cover"))
        counts = {"created": report.created, "updated": report.updated, "unchanged": report.unchanged,
                  "skipped": report.skipped, "errors": report.error_count}
        record_run(self.engine, path, sha256=sha, kind=kind, status="ok" if ok else "failed", counts=counts,
                   origin="hotfolder", fmt=report.format, started_at=started, actor=self.actor)
        return self._file(path, "done" if ok else "failed", report)

    def _file(self, path: Path, status: str, report: ImportReport) -> DropResult:
        folder = self.dir / ("failed" if status == "failed" else "done")
        dest = folder / path.name
        if dest.exists():
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
            dest = folder / f"{path.stem}.{stamp}{path.suffix}"
        os.replace(path, dest)
        _write(dest.with_name(dest.name + ".report.txt"), report.render(limit=1000) + "\n")
        _write(dest.with_name(dest.name + ".report.json"), report.to_json() + "\n")
        return DropResult(path, dest, status, report.summary() if status != "duplicate" else report.issues[0].message)

    def watch(self, on_result: Callable[[DropResult], None] | None = None,
              stop_event: threading.Event | None = None) -> None:
        """Watch until ``stop_event`` is set (or Ctrl+C), importing files once they are stable."""
        watch_dirs([self], on_result=on_result, stop_event=stop_event)


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _failed_report(path: Path, message: str) -> ImportReport:
    report = ImportReport(source=str(path), format="?")
    report.error(message, file=str(path))
    return report


def watch_dirs(folders: Iterable[HotFolder], *, on_result: Callable[[DropResult], None] | None = None,
               stop_event: threading.Event | None = None) -> None:
    """Watch several hot folders with watchfiles; a quiet tick re-checks files waiting to become stable."""
    import watchfiles

    folders = list(folders)
    for f in folders:
        f._prepare()
    tick_ms = int(max(0.1, min(f.stable_seconds for f in folders) / 2) * 1000)
    stop = stop_event or threading.Event()

    def sweep() -> None:
        for f in folders:
            for p in f.stable_files():
                try:
                    result = f.process_file(p)
                except (OSError, StardustError) as exc:  # keep watching; the file stays for the next tick
                    result = DropResult(p, p, "failed", f"not processed: {exc}")
                if on_result is not None:
                    on_result(result)

    sweep()
    for _changes in watchfiles.watch(*(f.dir for f in folders), stop_event=stop, yield_on_timeout=True,
                                     rust_timeout=tick_ms, recursive=False, raise_interrupt=False):
        sweep()
        if stop.is_set():
            return


def run_watch_dirs(settings: Settings, engine: Engine, stop_event: threading.Event, *,
                   stable_seconds: float = 5.0, on_result: Callable[[DropResult], None] | None = None,
                   actor: str | None = None) -> None:
    """For the worker daemon: watch every ``settings.watch_dirs`` until ``stop_event`` is set; imports are
    recorded as ``actor`` (the daemon's ``worker@host``)."""
    if not settings.watch_dirs:
        return
    folders = [HotFolder(engine, settings.paths, Path(d), stable_seconds=stable_seconds,
                         schema_dir=settings.ddex_schemas, actor=actor) for d in settings.watch_dirs]
    watch_dirs(folders, on_result=on_result, stop_event=stop_event)
