"""Import and export for the TUI's screens: pick releases and a file, preview and map a catalog file, run.

Exports and imports themselves go through ``services.imports`` (the CLI's path: the same writers, the
import ledger); this module adds what a screen needs around them: finding releases to pick, checking an
output path before anything is written, cancelling a running export or import (an export's temporary
file is removed, an import rolls back), and the import engine's preview (:mod:`stardust_tui.importexport.
api`). Everything blocks: call it from a thread worker. Nothing here imports Textual.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stardust_tui.errors import StardustError, ValidationError

if TYPE_CHECKING:
    from stardust_tui.services import Services

Progress = Callable[[int, int | None], None]
FORMATS = ("json", "csv")
PREVIEW_ROWS = 50


class Cancelled(StardustError):
    """The user stopped an export or import; nothing was written."""


@dataclass(frozen=True)
class OutputFile:
    path: Path
    exists: bool


@dataclass(frozen=True)
class Found:
    total: int
    rows: list[Any]  # store.releases.ReleaseRow


def with_extension(path: str, fmt: str) -> str:
    """``path`` with the format's extension when it has the other format's (or none)."""
    p = path.strip()
    if not p or p.endswith("/"):
        return p
    stem, dot, ext = p.rpartition(".")
    if dot and "/" not in ext and ext.lower() in FORMATS:
        return f"{stem}.{fmt}"
    return p if dot and "/" not in ext else f"{p}.{fmt}"


class TransferService:
    def __init__(self, services: Services) -> None:
        self.services = services

    # -- picking releases --------------------------------------------------------------------------
    def find(self, search: str = "", *, limit: int = 100) -> Found:
        """The newest releases matching ``search`` (all when blank), at most ``limit``, and how many match."""
        from stardust_tui.services.releases import ReleaseFilters

        page = self.services.releases.list(ReleaseFilters(search=search.strip() or None), limit=limit)
        return Found(page.total, list(page.releases))

    # -- export ------------------------------------------------------------------------------------
    def output_file(self, path: str, fmt: str) -> OutputFile:
        """Check where an export would go (ValidationError naming the problem); says whether it exists."""
        if fmt not in FORMATS:
            raise ValidationError(f"unknown export format {fmt!r} (json or csv)", where="format")
        text = path.strip()
        if not text:
            raise ValidationError("give the file to write", where="file")
        out = Path(text).expanduser()
        if out.is_dir():
            raise ValidationError("is a folder: give a file name in it", where=str(out))
        if not out.parent.is_dir():
            raise ValidationError("folder does not exist", where=str(out.parent))
        if out.exists() and not out.is_file():
            raise ValidationError("is not a regular file", where=str(out))
        return OutputFile(out.resolve(), out.exists())

    def export(self, path: Path, fmt: str, release_ids: list[int] | None, *, progress: Progress | None = None,
               cancel: threading.Event | None = None) -> int:
        """Write the releases (all when None) to ``path``; returns how many. ``cancel`` stops it (Cancelled)
        and the temporary file goes: the file is written under a temporary name and renamed at the end."""
        if release_ids is not None and not release_ids:
            raise ValidationError("no release picked", where="releases")

        def tick(done: int, total: int | None) -> None:
            if cancel is not None and cancel.is_set():
                raise Cancelled(f"export stopped after {done} release(s); nothing was written", where=str(path))
            if progress is not None:
                progress(done, total)

        return self.services.imports.export(path, fmt=fmt, refs=release_ids or (), progress=tick)

    # -- import ------------------------------------------------------------------------------------
    def preview(self, path: str, mapping: Any = None, *, sheet: str | None = None, encoding: str | None = None,
                month_first: bool | None = None, rows: int = PREVIEW_ROWS) -> Any:
        """How a catalog file would be read (``importexport.api.SourcePreview``): format, the first rows, each
        column's field with the level and why, the values as they will be stored, problems of those rows."""
        from stardust_tui.importexport.api import preview_source

        self.services.authorize("release.read")
        source = Path(path.strip()).expanduser() if isinstance(path, str) else Path(path)
        if not str(path).strip():
            raise ValidationError("give the file to import", where="file")
        if not source.is_file():
            raise ValidationError("no such file" if not source.exists() else "not a regular file", where=str(source))
        return preview_source(source, mapping, rows=rows, encoding=encoding, sheet=sheet, month_first=month_first)

    @staticmethod
    def fields() -> list[Any]:
        """The fields a column can map to (``FieldSpec``: name, level, kind, help), in the engine's order."""
        from stardust_tui.importexport.api import FIELDS

        return list(FIELDS)

    def run_import(self, preview: Any, *, dry_run: bool, update: bool = False, partial: bool = False,
                   progress: Progress | None = None, cancel: threading.Event | None = None) -> Any:
        """Check (``dry_run``) or import the previewed file with its (edited) mapping through
        ``services.imports.catalog``: all or nothing unless ``partial``; ``cancel`` rolls back."""
        from stardust_tui.importexport.api import ImportOptions

        options = ImportOptions(format=preview.format, mapping=preview.mapping if preview.mappable else None,
                                encoding=preview.encoding if preview.format == "csv" else None,
                                sheet=preview.sheet, dry_run=dry_run, update=update, partial=partial)
        return self.services.imports.catalog(preview.path, options, progress=progress, cancel=cancel)

    def read_row(self, preview: Any, line: int) -> RowView | None:
        """The file's row at ``line`` (CSV line / Excel row) as read and as it would be stored; None when the
        file has no data row there (or is not a table: JSON, DDEX). Streams up to the row, never the file."""
        from stardust_tui.importexport.api import stored_values

        self.services.authorize("release.read")
        if not preview.mappable or preview.plan is None or preview.format not in ("csv", "xlsx"):
            return None
        cells = _csv_row(preview, line) if preview.format == "csv" else _xlsx_row(preview, line)
        if cells is None:
            return None
        stored, problems = stored_values(str(preview.path), preview.headers, preview.plan, [cells], [line],
                                         preview.mapping)
        return RowView(line, list(preview.headers), cells, stored[0] if stored else {}, problems)

    def mapping_file(self, path: str) -> OutputFile:
        """Check where a mapping would be saved (like :meth:`output_file`, any extension)."""
        text = path.strip()
        if not text:
            raise ValidationError("give the file to write", where="file")
        out = Path(text).expanduser()
        if out.is_dir():
            raise ValidationError("is a folder: give a file name in it", where=str(out))
        if not out.parent.is_dir():
            raise ValidationError("folder does not exist", where=str(out.parent))
        return OutputFile(out.resolve(), out.exists())

    def save_mapping(self, mapping: Any, path: Path) -> Path:
        """Write the mapping as TOML (temporary name + rename), for ``--map`` or the next import."""
        from stardust_tui.importexport.api import save_mapping

        return save_mapping(mapping, path)


@dataclass(frozen=True)
class RowView:
    """One row of the file: its cells under their headers, its values as stored, and its problems."""

    line: int
    headers: list[str]
    cells: list[str]
    stored: dict[str, str]
    problems: list[Any]


def _csv_row(preview: Any, line: int) -> list[str] | None:
    import csv

    from stardust_tui.importexport.csv_import import open_csv

    f = open_csv(preview.path, preview.mapping, encoding=preview.encoding, delimiter=preview.delimiter)
    try:
        start = f.line + 1
        for cells in f.reader:
            if start == line:
                return cells if cells and any(cells) else None
            if start > line:
                return None
            start = f.line + 1
    except csv.Error:
        return None
    finally:
        f.close()
    return None


def _xlsx_row(preview: Any, line: int) -> list[str] | None:
    from stardust_tui.importexport.tables import XlsxSheet

    ws = XlsxSheet(preview.path, preview.sheet)
    try:
        for number, cells in ws.rows():
            if number == line:
                return cells
            if number > line:
                return None
    finally:
        ws.close()
    return None
