"""Getting catalogs in and out: catalog files (CSV/JSON/DDEX), audio folders, ERN messages, the import
ledger, exports and hot folders.

The one implementation behind ``stardust import …``, ``stardust ern import``, ``stardust export`` and
``stardust watch`` (and the TUI's import/export screens, which add their preview steps on top of
``importexport.api``). The engines live in ``stardust_tui.importexport``; this layer adds who acts, the
permission check and the ledger entry of every run. ``progress(done, total)`` callbacks come from the
importing thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stardust_tui.errors import StardustError, ValidationError
from stardust_tui.services.rows import stored_id

if TYPE_CHECKING:
    from stardust_tui.importexport.hotfolder import HotFolder
    from stardust_tui.importexport.importer import ImportOptions
    from stardust_tui.importexport.report import ImportReport
    from stardust_tui.services import Services

Progress = Callable[[int, "int | None"], None]
_LEDGER_COUNTS = ("rows", "releases_seen", "tracks_seen", "created", "updated", "unchanged", "skipped", "duplicates",
                  "error_count", "warning_count")


@dataclass(frozen=True)
class MessageImport:
    """The outcome of importing one ERN message: ``result`` (``ImportResult``) or the one-line ``error``."""

    path: Path
    result: Any = None
    error: str | None = None
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class ImportRunRow:
    """One run of the import ledger."""

    id: int
    file_name: str
    kind: str
    format: str | None
    origin: str
    status: str
    actor: str
    finished_at: Any
    counts: dict[str, int] = field(default_factory=dict)


class ImportService:
    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def _actor(self) -> str:
        return self.services.actor.name

    # -- catalog files -----------------------------------------------------------------------------------------
    def catalog(self, path: str | Path, options: ImportOptions | None = None, *,
                progress: Progress | None = None, cancel: threading.Event | None = None) -> ImportReport:
        """Import a catalog file (all or nothing unless ``options.partial``) and record the run in the ledger.

        ``cancel`` (set from another thread: the TUI's import screen) stops the run and rolls it back."""
        from stardust_tui.domain.models import utcnow
        from stardust_tui.importexport.importer import ImportOptions, run_import
        from stardust_tui.importexport.ledger import file_sha256, record_run

        self.services.authorize("release.write")
        source = Path(path)
        if not source.is_file():
            raise ValidationError("no such file", where=str(source))
        settings = self.services.settings
        opts = replace(options or ImportOptions(), actor=self._actor, paths=settings.paths,
                       schema_dir=(options.schema_dir if options and options.schema_dir else settings.ddex_schemas))
        engine = self.services.engine
        started = utcnow()
        report = run_import(engine, source, opts, progress=progress, cancel=cancel)
        if not opts.dry_run:
            status = "failed" if report.rolled_back else ("partial" if report.error_count else "ok")
            record_run(engine, source, sha256=file_sha256(source), kind="catalog", status=status, fmt=report.format,
                       counts={k: getattr(report, k) for k in _LEDGER_COUNTS}, started_at=started, actor=self._actor)
        return report

    def guessed_mapping(self, path: str | Path, *, map_file: str | Path | None = None,
                        encoding: str | None = None, sheet: str | None = None,
                        month_first: bool | None = None) -> str:
        """The column mapping planned for a CSV/Excel file (explicit ``map_file`` entries first, then the
        headers' meaning and the rows' values: levels, date order), as TOML."""
        from stardust_tui.importexport.api import preview_source
        from stardust_tui.importexport.mapping import load_mapping

        self.services.authorize("release.read")
        source = Path(path)
        if not source.is_file():
            raise ValidationError("no such file", where=str(source))
        mapping = load_mapping(map_file) if map_file else None
        pv = preview_source(source, mapping, rows=0, encoding=encoding, sheet=sheet, month_first=month_first)
        if not pv.mappable:
            raise ValidationError(f"{pv.format} files of this kind have no columns to map", where=str(source))
        return pv.mapping.to_toml()

    @staticmethod
    def fields() -> list[Any]:
        """The fields a column can map to (``importexport.fields.FieldSpec``: name, level, help...)."""
        from stardust_tui.importexport.fields import FIELDS

        return list(FIELDS)

    def history(self, limit: int = 30) -> list[ImportRunRow]:
        """The most recent import runs, newest first."""
        from stardust_tui.importexport.ledger import recent_runs

        self.services.authorize("release.read")
        return [ImportRunRow(stored_id(r), r.file_name, r.kind, r.format, r.origin, r.status, r.actor,
                             r.finished_at, dict(r.counts or {})) for r in recent_runs(self.services.engine, limit)]

    # -- audio and ERN messages --------------------------------------------------------------------------------
    def audio(self, directory: str | Path, *, dry_run: bool = False, replace: bool = False,
              progress: Progress | None = None) -> ImportReport:
        """Match audio and covers in ``directory`` to tracks (ISRC, ``<UPC>_<disc>_<track>``, tags); attach them."""
        from stardust_tui.importexport.audio_import import import_audio_dir

        self.services.authorize("release.write")
        return import_audio_dir(self.services.engine, self.services.settings.paths, directory, dry_run=dry_run,
                                replace=replace, actor=self._actor, progress=progress)

    def ddex(self, files: Sequence[Path], *, schemas: Path | None = None, package: Path | None = None,
             update: bool = False, dry_run: bool = False) -> list[MessageImport]:
        """Import ERN NewReleaseMessages, one transaction per file; a failed file does not stop the others.

        Files the messages name are taken from ``package`` into the asset store. With ``dry_run`` each import
        runs in a transaction that is rolled back and no file is stored.
        """
        from stardust_tui.assets.store import AssetStore
        from stardust_tui.ern.schemas import schema_dir

        self.services.authorize("release.write")
        base = schema_dir(schemas, self.services.settings.ddex_schemas)
        store = AssetStore(self.services.settings.paths)
        out = []
        for path in files:
            try:
                result = self._message(path, base, package, store, update, dry_run)
            except StardustError as exc:
                out.append(MessageImport(path, error=str(exc), dry_run=dry_run))
                continue
            out.append(MessageImport(path, result=result, dry_run=dry_run))
        return out

    def _message(self, path: Path, base: Path | None, package: Path | None, store: Any, update: bool,
                 dry_run: bool) -> Any:
        from sqlmodel import Session

        from stardust_tui.importexport.ern_ingest import import_message
        from stardust_tui.store.db import session_scope

        if not dry_run:
            with session_scope(self.services.engine) as session:
                return import_message(session, path, actor=self._actor, schema_dir=base, package=package,
                                      asset_store=store, update=update)
        session = Session(self.services.engine, expire_on_commit=False)
        try:
            return import_message(session, path, actor=self._actor, schema_dir=base, update=update)
        finally:
            session.rollback()
            session.close()

    # -- export and hot folders --------------------------------------------------------------------------------
    def export(self, out: str | Path, *, fmt: str | None = None, refs: Sequence[int | str] = (),
               progress: Progress | None = None) -> int:
        """Stream the catalog (or the releases ``refs``) to ``out`` (JSON, or CSV); returns how many releases."""
        from stardust_tui.importexport.export import export_catalog

        self.services.authorize("release.read")
        fmt = fmt or ("csv" if str(out).lower().endswith(".csv") else "json")
        selected = [int(r) if str(r).isascii() and str(r).isdigit() and len(str(r)) <= 10 else r  # not "²"
                    for r in refs] or None
        return export_catalog(self.services.engine, out, fmt=fmt, release_refs=selected, progress=progress)

    def hot_folder(self, directory: str | Path, *, stable_seconds: float = 2.0, update: bool = False) -> HotFolder:
        """A hot folder importing files dropped into ``directory`` as this actor (call ``watch``/``process_once``)."""
        from stardust_tui.importexport.hotfolder import HotFolder

        self.services.authorize("release.write")
        settings = self.services.settings
        return HotFolder(self.services.engine, settings.paths, Path(directory), stable_seconds=stable_seconds,
                         update=update, actor=self._actor, schema_dir=settings.ddex_schemas)
