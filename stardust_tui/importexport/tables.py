"""Tables shared by the CSV and Excel readers: finding the header row, and Excel sheets read as text cells.

- :func:`find_header_row`: templates often put a title, instructions or a logo row above the header; the
  header is the first of the first rows whose cells read most as field names.
- :class:`XlsxSheet`: one sheet of an ``.xlsx`` workbook, streamed with openpyxl in read-only mode (memory
  does not grow with the sheet). Typed cells become the text the cell parsers read: a date cell is
  ``2024-01-31`` (never the display format), a number ``3`` or ``225.5``, a time/duration ``0:03:45``, a
  boolean ``yes``/``no`` — so Excel dates and numbers are read as values, not as formatted text.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from stardust_tui.errors import ValidationError
from stardust_tui.importexport import values
from stardust_tui.importexport.fields import BY_NAME, normalize_header
from stardust_tui.importexport.headers import candidates

HEADER_SEARCH = 20


def header_score(cells: Sequence[str]) -> int:
    """How many cells of a row read as field names."""
    n = 0
    for cell in cells:
        text = cell.strip() if isinstance(cell, str) else ""
        if text and len(text) < 120 and (normalize_header(text).replace(" ", "_") in BY_NAME or candidates(text)):
            n += 1
    return n


def find_header_row(rows: Sequence[Sequence[str]]) -> int:
    """Index (0-based) of the header among the first rows: the first with the most field names (≥ 2),
    else 0."""
    best, best_score = 0, 1
    for i, row in enumerate(rows[:HEADER_SEARCH]):
        score = header_score(row)
        if score > best_score:
            best, best_score = i, score
    return best


def cell_text(value: Any) -> str:
    """The text of a typed spreadsheet cell, as the cell parsers read it (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return f"{value.hour}:{value.minute:02d}:{value.second:02d}"
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
        return str(int(seconds)) if seconds.is_integer() else str(round(seconds, 3))
    return str(value)


class XlsxSheet:
    """One worksheet, streamed; ``rows()`` yields ``(row number, cells as text)`` below the header row."""

    def __init__(self, path: str | Path, sheet: str | None = None) -> None:
        self.path = Path(path)
        if self.path.suffix.lower() == ".xls":
            raise ValidationError("old binary Excel .xls files are not read: save the sheet as .xlsx or CSV",
                                  where=str(self.path))
        try:
            from openpyxl import load_workbook

            self.book = load_workbook(self.path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise ValidationError(f"not a readable Excel .xlsx workbook ({exc.__class__.__name__}: "
                                  f"{str(exc)[:120]})", where=str(self.path)) from None
        except Exception as exc:  # openpyxl's own InvalidFileException and XML errors
            raise ValidationError(f"not a readable Excel .xlsx workbook ({str(exc)[:160]})",
                                  where=str(self.path)) from None
        try:
            self.sheets = [ws.title for ws in self.book.worksheets]
            self.name, self.header_index = self._choose(sheet)
            self.ws = self.book[self.name]
            head = self._head(self.ws)
        except BaseException:
            self.close()
            raise
        self.header_line = self.header_index + 1
        self.headers = [c.strip() for c in head[self.header_index]] if head else []
        while self.headers and not self.headers[-1]:
            self.headers.pop()
        if not any(self.headers):
            self.close()
            raise ValidationError(f"sheet {self.name!r} is empty or has no header row", where=str(self.path))
        max_row = getattr(self.ws, "max_row", None)
        self.total_rows = max_row - self.header_line if isinstance(max_row, int) and max_row > 0 else None

    def _head(self, ws: Any) -> list[list[str]]:
        out = []
        for row in ws.iter_rows(max_row=HEADER_SEARCH, values_only=True):
            out.append([cell_text(v) for v in row])
        return out

    def _choose(self, wanted: str | None) -> tuple[str, int]:
        if wanted:
            by_name = {s.lower(): s for s in self.sheets}
            name = by_name.get(wanted.strip().lower())
            if name is None and values.digits(wanted.strip()) and 1 <= int(wanted) <= len(self.sheets):
                name = self.sheets[int(wanted) - 1]
            if name is None:
                raise ValidationError(f"no sheet {wanted!r} (sheets: {', '.join(self.sheets)})", where="--sheet")
            return name, find_header_row(self._head(self.book[name]))
        fallback: tuple[str, int] | None = None
        for name in self.sheets:
            ws = self.book[name]
            if getattr(ws, "sheet_state", "visible") != "visible":
                continue
            head = self._head(ws)
            index = find_header_row(head)
            if head and header_score(head[index]) >= 2:
                return name, index
            if fallback is None and head:
                fallback = (name, index)
        if fallback is None:
            raise ValidationError("the workbook has no sheet with data", where=str(self.path))
        return fallback

    def rows(self, limit: int | None = None) -> Iterator[tuple[int, list[str]]]:
        """``(row number, cells)`` of the non-empty rows below the header (at most ``limit``)."""
        width = len(self.headers)
        n = 0
        number = self.header_line
        for row in self.ws.iter_rows(min_row=self.header_line + 1, values_only=True):
            number += 1
            cells = [cell_text(v) for v in row[:width]]
            if any(c.strip() for c in cells):
                yield number, cells
                n += 1
                if limit is not None and n >= limit:
                    return

    def close(self) -> None:
        book = getattr(self, "book", None)
        if book is not None:
            book.close()
