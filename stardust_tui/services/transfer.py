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
