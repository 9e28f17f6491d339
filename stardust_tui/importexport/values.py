"""Cell-value parsers shared by the CSV and JSON importers, and the CSV formula-injection escape.

Every parser takes the raw text of one cell and returns a typed value or raises ``ValueError`` with a
short message saying what is wrong (the caller adds file, line and column). Empty text means "not given"
and is handled by the caller, never here.

Dates: ISO (``2024-01-31``, also with a time part), ``2024/01/31``, ``20240131``, ``31/01/2024`` and
``31.01.2024`` (day first; month first with ``month_first=True``), ``1 Jan 2024``, ``Jan 1, 2024``,
``January 1 2024`` and spreadsheet serial day numbers (``45322``).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

_MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
_ISO = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ].*)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})$")
_DAY_MONTH_NAME = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[ \-]([A-Za-z]{3,9})\.?,?[ \-](\d{4})$")
_MONTH_NAME_DAY = re.compile(r"^([A-Za-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$")
_EXCEL_EPOCH = date(1899, 12, 30)

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "'")


def _make_date(y: int, m: int, d: int, text: str, pattern: str) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise ValueError(f"{text!r} is not a valid date ({pattern})") from None


def _month(name: str, text: str) -> int:
    month = _MONTHS.get(name[:3].lower())
    if month is None or (len(name) > 3 and not _full_month_ok(name)):
        raise ValueError(f"{text!r}: unknown month name {name!r}")
    return month


def _full_month_ok(name: str) -> bool:
    full = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
            "october", "november", "december", "sept"]
    return name.lower().rstrip(".") in full


def parse_date(text: str, *, month_first: bool = False) -> date:
    """A calendar date from the common spreadsheet spellings (see the module docstring)."""
    s = text.strip()
    if m := _ISO.match(s):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), s, "YYYY-MM-DD")
    if m := _COMPACT.match(s):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), s, "YYYYMMDD")
    if m := _NUMERIC.match(s):
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        if len(m[3]) == 2:
            y += 2000 if y < 70 else 1900
        if month_first:
            return _make_date(y, a, b, s, "MM/DD/YYYY")
        return _make_date(y, b, a, s, "DD/MM/YYYY; use --month-first for MM/DD/YYYY")
    if m := _DAY_MONTH_NAME.match(s):
        return _make_date(int(m[3]), _month(m[2], s), int(m[1]), s, "D Mon YYYY")
    if m := _MONTH_NAME_DAY.match(s):
        return _make_date(int(m[3]), _month(m[1], s), int(m[2]), s, "Mon D, YYYY")
    if s.isdigit() and len(s) == 5:
        return _EXCEL_EPOCH + timedelta(days=int(s))
    raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD, DD/MM/YYYY or '1 Jan 2024')")


def parse_datetime(text: str, *, month_first: bool = False) -> datetime:
    """A UTC date-time: full ISO 8601 with offset, or any :func:`parse_date` form (midnight UTC)."""
    s = text.strip()
    if "T" in s or (len(s) > 10 and ":" in s):
        try:
            value = datetime.fromisoformat(s.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{text!r} is not an ISO 8601 date-time") from None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    d = parse_date(s, month_first=month_first)
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def parse_int(text: str, *, low: int = 0, high: int = 10**9) -> int:
    s = text.strip()
    if s.endswith(".0"):  # spreadsheets turn 3 into 3.0
        s = s[:-2]
    try:
        value = int(s)
    except ValueError:
        raise ValueError(f"{text!r} is not a whole number") from None
    if not low <= value <= high:
        raise ValueError(f"{value} is out of range ({low}..{high})")
    return value


def parse_position(text: str) -> tuple[int | None, int]:
    """A track number, optionally as ``disc-track`` / ``disc.track`` / ``3/12`` (track of total)."""
    s = text.strip()
    if s.isdigit() and len(s) <= 4:
        n = int(s)
        if n >= 1:
            return None, n
    if m := re.match(r"^(\d{1,3})[-.:](\d{1,4})$", s):
        return parse_int(m[1], low=1, high=999), parse_int(m[2], low=1, high=9999)
    if m := re.match(r"^(\d{1,4})\s*/\s*\d{1,4}$", s):
        return None, parse_int(m[1], low=1, high=9999)
    return None, parse_int(s, low=1, high=9999)


def parse_year(text: str) -> int:
    return parse_int(text, low=1000, high=2999)


_DURATION_ISO = re.compile(r"^P(?:T)?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$", re.I)


def parse_duration(text: str) -> float:
    """Seconds from ``225``, ``225.5``, ``3:45``, ``1:02:03`` or ISO 8601 ``PT3M45S``."""
    s = text.strip()
    if len(s) <= 5 and s[:-3].isdigit() and s[-3:-2] == ":" and s[-2:].isdigit() and s[-2] < "6":
        return float(int(s[:-3]) * 60 + int(s[-2:]))  # the common M:SS / MM:SS
    try:
        if ":" in s:
            parts = [float(p) for p in s.split(":")]
            if len(parts) > 3 or any(p < 0 for p in parts) or any(p >= 60 for p in parts[1:]):
                raise ValueError
            seconds = 0.0
            for p in parts:
                seconds = seconds * 60 + p
            return round(seconds, 3)
        if m := _DURATION_ISO.match(s):
            if not any(m.groups()):
                raise ValueError
            h, mi, se = (float(g) if g else 0.0 for g in m.groups())
            return round(h * 3600 + mi * 60 + se, 3)
        value = float(s)
        if value < 0 or value != value or value > 100_000:
            raise ValueError
        return round(value, 3)
    except ValueError:
        raise ValueError(f"{text!r} is not a duration (use seconds, M:SS or PT3M45S)") from None


_TRUE = {"1", "y", "yes", "true", "t", "x", "explicit", "e"}
_FALSE = {"0", "n", "no", "false", "f", "clean", "not-explicit", "notexplicit", "not explicit", "c", "none"}


def parse_bool(text: str) -> bool:
    s = text.strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise ValueError(f"{text!r} is not yes/no")


def parse_copyright_line(text: str, symbol: str) -> tuple[int | None, str]:
    """Split ``℗ 2024 Label`` / ``(P) 2024 Label`` / ``2024 Label`` into (year, owner)."""
    s = text.strip()
    markers = ("℗", "(P)", "(p)", "P ") if symbol == "P" else ("©", "(C)", "(c)", "C ")
    for marker in markers:
        if s.startswith(marker):
            s = s[len(marker):].strip()
            break
    if m := re.match(r"^(\d{4})\b[\s,]*(.*)$", s):
        return int(m[1]), m[2].strip()
    return None, s


def parse_list(text: str) -> list[str]:
    """A list cell: items separated by ``;`` or ``|`` (commas are kept: artist names contain them)."""
    return [p.strip() for p in re.split(r"[;|]", text) if p.strip()]


def escape_formula(value: str) -> str:
    """Neutralise spreadsheet formula injection: prefix ``'`` when a cell starts with = + - @ TAB CR or '."""
    if value and value[0] in FORMULA_PREFIXES:
        return "'" + value
    return value


def unescape_formula(value: str) -> str:
    """Undo :func:`escape_formula` (only for files this project exported)."""
    if len(value) >= 2 and value[0] == "'" and value[1] in FORMULA_PREFIXES:
        return value[1:]
    return value
