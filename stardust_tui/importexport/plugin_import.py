"""Import through a plugin's catalog format (``stardust.importers``, issue 16).

A plugin :class:`~stardust_tui.plugin.Importer` reads its file and yields each release as an object of the
catalog JSON format (:mod:`stardust_tui.importexport.json_format`) with the line it starts on; from there the
import is the same as for ``stardust export`` JSON: every field checked and reported with its line and field
path, matching by UPC, ``--dry-run``/``--update``/``--partial``, one transaction. A plugin that cannot read
its file (a :class:`~stardust_tui.errors.ValidationError`, or any other exception: its bug) stops the import
with one line naming the plugin and where it stopped; nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from stardust_tui.errors import ValidationError
from stardust_tui.importexport.grouping import finish_release
from stardust_tui.importexport.json_format import snapshot_to_draft
from stardust_tui.importexport.records import ReleaseDraft
from stardust_tui.importexport.report import ImportReport, SourceError

Progress = Callable[[int, int | None], None]


def iter_plugin_drafts(path: Path, importer: Any, report: ImportReport,
                       progress: Progress | None = None) -> Iterator[ReleaseDraft]:
    """Release drafts from ``importer.read(path)``, in file order."""
    line: int | None = None
    records = importer.read(path)
    while True:
        try:
            record = next(records)
        except StopIteration:
            break
        except SourceError:
            raise
        except ValidationError as exc:
            raise SourceError(f"{importer.name}: {exc.message}", file=str(path), line=line) from None
        except Exception as exc:  # noqa: BLE001 - a plugin's bug: one line, the import stops, nothing written
            raise SourceError(f"the {importer.name} importer failed after line {line or 0}: "
                              f"{type(exc).__name__}: {exc}", file=str(path)) from None
        line = int(record.line)
        report.rows += 1
        draft = snapshot_to_draft(dict(record.data), str(path), line, report)
        if draft is not None:
            yield finish_release(draft, report)
        if progress is not None:
            progress(report.rows, None)
