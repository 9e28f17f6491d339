"""One import API for front ends (the TUI's import screen, scripts): preview, mapping step, run.

Typical flow::

    pv = preview_source(path)                       # format, headers, columns with field+level+reason, rows
    pv.mapping.columns["Artist"] = "track_artist"   # the user's edit of the guessed mapping
    pv = preview_source(path, pv.mapping)           # re-plan with the edits: pv.stored shows the values
    report = run_import(engine, path, ImportOptions(mapping=pv.mapping, dry_run=True), progress=cb)
    save_mapping(pv.mapping, "label.toml")          # for next time (TOML, see mapping.py)

``progress(done, total)`` is called from the importing thread (bytes for CSV/JSON, rows for Excel);
``run_import(..., cancel=event)`` stops and rolls back. Everything here blocks: call it from a worker
thread. Nothing here imports Textual.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from stardust_tui.importexport.fields import BY_NAME, FIELDS, FieldSpec
from stardust_tui.importexport.guess import ColumnGuess
from stardust_tui.importexport.importer import ImportOptions, detect_format, run_import
from stardust_tui.importexport.mapping import (
    ColumnPlan,
    Mapping,
    guess_mapping,
    load_mapping,
    plan_columns,
    save_mapping,
)
from stardust_tui.importexport.records import RowConverter
from stardust_tui.importexport.report import ImportReport, Issue

__all__ = ["FIELDS", "ColumnGuess", "FieldSpec", "ImportOptions", "ImportReport", "Issue", "Mapping", "SourcePreview",
           "display_value", "guess_mapping", "load_mapping", "plan_columns", "preview_source", "run_import",
           "save_mapping"]


@dataclass
class SourcePreview:
    """What a file looks like before importing it, and how it would be read."""

    path: Path
    format: str  # csv | xlsx | json | ddex
    mappable: bool  # False for this project's own formats and DDEX: nothing to map
    headers: list[str] = field(default_factory=list)
    plan: ColumnPlan | None = None
    rows: list[list[str]] = field(default_factory=list)  # raw cells of the first rows
    encoding: str | None = None
    delimiter: str | None = None
    lines: list[int] = field(default_factory=list)  # file line (CSV) / sheet row (Excel) of each row
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    stored: list[dict[str, str]] = field(default_factory=list)  # per row: field -> value as it will be stored
    problems: list[Issue] = field(default_factory=list)  # bad cells of the previewed rows
    decisions: list[str] = field(default_factory=list)  # how the file is read (encoding, date order, ms...)
    mapping: Mapping = field(default_factory=Mapping)  # explicit + guessed: edit it, preview again, save it

    @property
    def columns(self) -> list[ColumnGuess]:
        return self.plan.columns if self.plan else []


def preview_source(path: str | Path, mapping: Mapping | None = None, *, rows: int = 20,
                   encoding: str | None = None, fmt: str | None = None, sheet: str | None = None,
                   month_first: bool | None = None, sample: int = 5000) -> SourcePreview:
    """Headers, the column plan (explicit mapping first, then meaning and values) and the first rows of a
    source, with each row's values as they would be stored. ``sample``: rows read to plan the columns
    (levels, date order...; the import itself reads 5000 — a smaller sample re-plans faster while the user
    edits, at the risk of deciding from fewer rows). Raises ``StardustError`` for a file that cannot be read
    (one line naming the file and, where known, the line)."""
    p = Path(path)
    kind = detect_format(p, fmt)
    base = replace(mapping) if mapping else Mapping()
    if month_first is not None:
        base.month_first = month_first
    if kind == "csv":
        from stardust_tui.importexport.csv_import import preview

        pv = preview(p, base, rows=rows, encoding=encoding, sample=sample)
        out = SourcePreview(p, "csv", not pv.own_export, pv.headers, pv.plan, pv.rows, pv.encoding, pv.delimiter,
                            pv.lines, decisions=pv.notes)
    elif kind == "xlsx":
        out = _xlsx_preview(p, base, rows, sheet, sample)
    elif kind == "json":
        return _json_preview(p, base, rows)
    else:
        return SourcePreview(p, "ddex", False)
    if out.plan is not None and out.mappable:
        out.mapping = _full_mapping(out.plan, base, out)
        out.stored, out.problems = stored_values(str(p), out.headers, out.plan, out.rows, out.lines, base)
    return out


def _full_mapping(plan: ColumnPlan, base: Mapping, pv: SourcePreview) -> Mapping:
    return Mapping(columns={c.header: c.field for c in plan.columns}, defaults=dict(base.defaults),
                   month_first=plan.month_first if plan.date_order_known else None,
                   encoding=base.encoding, delimiter=base.delimiter, sheet=pv.sheet if len(pv.sheets) > 1 else None)


def _xlsx_preview(p: Path, mapping: Mapping, rows: int, sheet: str | None, sample: int) -> SourcePreview:
    from stardust_tui.importexport.tables import XlsxSheet
    from stardust_tui.importexport.xlsx_import import plan_sheet, sheet_notes

    ws = XlsxSheet(p, sheet or mapping.sheet)
    try:
        plan, cells, lines = plan_sheet(ws, mapping, max(rows, sample))
        return SourcePreview(p, "xlsx", True, ws.headers, plan, cells[:rows], lines=lines[:rows], sheet=ws.name,
                             sheets=ws.sheets, decisions=sheet_notes(ws) + plan.notes)
    finally:
        ws.close()


class _Collect:
    """A report stand-in that keeps the converter's issues (the preview changes nothing)."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def error(self, message: str, **where: Any) -> None:
        self.issues.append(Issue("error", message, **where))


def stored_values(file: str, headers: list[str], plan: ColumnPlan, rows: list[list[str]], lines: list[int],
                  mapping: Mapping) -> tuple[list[dict[str, str]], list[Issue]]:
    """Each row's fields as they would be stored (display text), and the problems of those rows."""
    sink = _Collect()
    converter = RowConverter(file, plan.fields, headers, sink, defaults=mapping.defaults,
                             month_first=plan.month_first, parsers=plan.parsers(),  # type: ignore[arg-type]
                             extras=plan.extras)
    out = []
    for cells, line in zip(rows, lines, strict=False):
        rel, trk, _failed = converter.convert(cells, line)
        out.append({name: display_value(name, value) for name, value in {**rel, **trk}.items()})
    return out, sink.issues


def display_value(name: str, value: Any) -> str:
    """A converted value as the catalog will hold it, as text (dates ISO, lists joined by ``; ``...)."""
    kind = BY_NAME[name].kind if name in BY_NAME else ""
    if value is None:
        return ""
    if kind in ("pline", "cline"):
        year, owner = value
        return " ".join(x for x in ("℗" if kind == "pline" else "©", str(year or ""), owner) if x)
    if kind == "release_type":
        return f"{value[0]} (compilation)" if value[1] else value[0]
    if kind == "position":
        disc, number = value
        return f"{disc}-{number}" if disc else str(number)
    if kind in ("duration", "duration_ms") and isinstance(value, float):
        minutes = int(value // 60)
        seconds = value - minutes * 60
        if seconds.is_integer():
            return f"{minutes}:{int(seconds):02d}"
        return f"{minutes}:{seconds:06.3f}".rstrip("0")
    if kind == "credits":
        return "; ".join(f"{c[1]}{f' ({c[3]})' if len(c) > 3 and c[3] else ''}: {c[0]}" for c in value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _json_preview(p: Path, mapping: Mapping | None, rows: int) -> SourcePreview:
    from stardust_tui.importexport.json_format import HEADER
    from stardust_tui.importexport.json_import import LIST_KEYS, TRACK_KEYS, _flatten, _load

    with p.open("rb") as f:
        if f.read(len(HEADER) + 3).lstrip(b"\xef\xbb\xbf").startswith(HEADER.encode()):
            return SourcePreview(p, "json", False)
    data = _load(p)
    if isinstance(data, dict) and data.get("format") == "stardust-catalog":
        return SourcePreview(p, "json", False)
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
    cells = [[row.get(h, "") for h in headers] for row in flat]
    plan = plan_columns(headers, mapping, cells)
    return SourcePreview(p, "json", True, headers, plan, cells, decisions=plan.notes,
                         mapping=Mapping(columns={c.header: c.field for c in plan.columns}))
