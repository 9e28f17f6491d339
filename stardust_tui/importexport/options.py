"""How to import a catalog file: :class:`ImportOptions`, a plain value the CLI, the API and the TUI fill in.

Kept apart from :mod:`stardust_tui.importexport.importer` (which runs the import against the store) so the
callers that only build options reach the store through ``services.imports`` alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from stardust_tui.importexport.mapping import Mapping
from stardust_tui.paths import Paths


@dataclass
class ImportOptions:
    """How to import (every field optional)."""

    format: str | None = None  # csv | xlsx | json | ddex; from the extension/content when None
    mapping: Mapping | None = None
    tracks_file: Path | None = None  # CSV: a separate track file linked by UPC
    encoding: str | None = None
    sheet: str | None = None  # xlsx: sheet name or 1-based number (default: the first with a header row)
    month_first: bool | None = None  # None: decided from the file's dates (and reported)
    dry_run: bool = False
    update: bool = False
    partial: bool = False
    actor: str | None = None
    batch_releases: int = 500
    schema_dir: Path | None = None  # DDEX: validate against these XSDs (settings.ddex_schemas)
    paths: Paths | None = None  # DDEX: store files found next to the message in this home's asset store
