"""One import API for front ends (the TUI's import screen, scripts): preview, mapping step, run.

Typical flow::

    pv = preview_source(path)                       # format, headers, guessed plan, first rows
    mapping = Mapping(columns={...})                # the user's edits of pv.plan (or load_mapping(file))
    pv = preview_source(path, mapping)              # re-plan with the edits
    report = run_import(engine, path, ImportOptions(mapping=mapping, dry_run=True), progress=cb)
    mapping.to_toml()                               # save the mapping for next time

``progress(done, total)`` is called from the importing thread: bytes for CSV/JSON sources. Nothing here
imports Textual.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from stardust_tui.importexport.fields import FIELDS, FieldSpec
from stardust_tui.importexport.importer import ImportOptions, detect_format, run_import
from stardust_tui.importexport.mapping import ColumnPlan, Mapping, guess_mapping, load_mapping, plan_columns
from stardust_tui.importexport.report import ImportReport, Issue

__all__ = ["FIELDS", "FieldSpec", "ImportOptions", "ImportReport", "Issue", "Mapping", "SourcePreview",
           "guess_mapping", "load_mapping", "plan_columns", "preview_source", "run_import"]


@dataclass
class SourcePreview:
    """What a file looks like before importing it."""

    path: Path
    format: str  # csv | json | ddex
    mappable: bool  # False for this project's own formats and DDEX: nothing to map
    headers: list[str] = field(default_factory=list)
    plan: ColumnPlan | None = None
    rows: list[list[str]] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None


def preview_source(path: str | Path, mapping: Mapping | None = None, *, rows: int = 10,
                   encoding: str | None = None, fmt: str | None = None) -> SourcePreview:
    """Headers, the column plan (explicit mapping first, then guesses) and the first rows of a source."""
    p = Path(path)
    kind = detect_format(p, fmt)
    if kind == "csv":
        from stardust_tui.importexport.csv_import import preview

        pv = preview(p, mapping, rows=rows, encoding=encoding)
        return SourcePreview(p, "csv", not pv.own_export, pv.headers, pv.plan, pv.rows, pv.encoding, pv.delimiter)
    if kind == "json":
        return _json_preview(p, mapping, rows)
    return SourcePreview(p, "ddex", False)


def _json_preview(p: Path, mapping: Mapping | None, rows: int) -> SourcePreview:
    from stardust_tui.importexport.json_format import HEADER
    from stardust_tui.importexport.json_import import LIST_KEYS, TRACK_KEYS, _flatten, _load

    with p.open("rb") as f:
        if f.read(len(HEADER) + 3).lstrip(b"\xef\xbb\xbf").startswith(HEADER.encode()):
            return SourcePreview(p, "json", False)
    data = _load(p)
    items = data
    if isinstance(data, dict):
        key = next((k for k in LIST_KEYS if isinstance(data.get(k), list)), None)
        items = data[key] if key else [data]
    flat: list[dict[str, str]] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        tracks_key = next((k for k in TRACK_KEYS if isinstance(item.get(k), list)), None)
        base = _flatten({k: v for k, v in item.items() if k != tracks_key})
        for track in (item[tracks_key] if tracks_key else [None]) or [None]:
            flat.append({**base, **(_flatten(track, "track") if isinstance(track, dict) else {})})
            if len(flat) >= rows:
                break
        if len(flat) >= rows:
            break
    headers = list(dict.fromkeys(h for row in flat for h in row))
    return SourcePreview(p, "json", True, headers, plan_columns(headers, mapping),
                         [[row.get(h, "") for h in headers] for row in flat])
