"""Import an Excel ``.xlsx`` sheet: the same planning, conversion and grouping as a CSV file.

The sheet is streamed (openpyxl read-only: memory stays flat however long the sheet); a sample of the
rows below the header plans the columns, then the rows are read again from the top. Line numbers in the
report are the sheet's row numbers (the header's row + 1 for the first data row), so ``Tracks.xlsx:57
[ISRC]`` is row 57 in Excel.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from stardust_tui.importexport.grouping import Grouper
from stardust_tui.importexport.mapping import ColumnPlan, Mapping, plan_columns
from stardust_tui.importexport.records import ReleaseDraft, RowConverter
from stardust_tui.importexport.report import ImportReport
from stardust_tui.importexport.tables import XlsxSheet

SAMPLE_ROWS = 5000
Progress = Callable[[int, int | None], None]  # (rows read, rows in the sheet or None)


def sheet_notes(sheet: XlsxSheet) -> list[str]:
    notes = []
    if len(sheet.sheets) > 1:
        notes.append(f"sheet {sheet.name!r} (of {', '.join(repr(s) for s in sheet.sheets)}; --sheet chooses)")
    if sheet.header_index:
        notes.append(f"header row is row {sheet.header_line} (the rows above it are skipped)")
    return notes


def plan_sheet(sheet: XlsxSheet, mapping: Mapping, sample_rows: int = SAMPLE_ROWS
               ) -> tuple[ColumnPlan, list[list[str]], list[int]]:
    """The column plan from the header and the first ``sample_rows`` rows, with those rows and their numbers."""
    sample = list(sheet.rows(sample_rows))
    rows = [cells for _n, cells in sample]
    return plan_columns(sheet.headers, mapping, rows), rows, [n for n, _c in sample]


def iter_xlsx_drafts(path: str | Path, mapping: Mapping | None, report: ImportReport, *, sheet: str | None = None,
                     progress: Progress | None = None) -> Iterator[ReleaseDraft]:
    """Release drafts from one sheet with one row per track."""
    mapping = mapping or Mapping()
    ws = XlsxSheet(path, sheet or mapping.sheet)
    try:
        plan, _rows, _lines = plan_sheet(ws, mapping)
        report.decisions += [n for n in sheet_notes(ws) + plan.notes if n not in report.decisions]
        file = str(ws.path)
        for c in plan.columns:
            if not c.field and (c.header or c.samples):  # an empty trailing column is not worth a warning
                report.warning(f"column ignored ({c.reason})", file=file, line=ws.header_line, column=c.header)
        converter = RowConverter(file, plan.fields, ws.headers, report, defaults=mapping.defaults,
                                 month_first=plan.month_first, parsers=plan.parsers(),  # type: ignore[arg-type]
                                 extras=plan.extras)
        grouper = Grouper(file, report)
        convert, push = converter.convert, grouper.push
        total = ws.total_rows
        n = 0
        try:
            for number, cells in ws.rows():
                n += 1
                rel, trk, failed = convert(cells, number)
                finished = push(rel, trk, number, failed, number)
                if finished is not None:
                    yield finished
                if progress is not None and n % 1000 == 0:
                    progress(n, total)
        finally:
            report.rows += n
        yield from grouper.finish()
        if progress is not None:
            progress(n, n)
    finally:
        ws.close()
