"""Primitive cell-value parsers (dates, durations, numbers, advisories, ℗/© lines, name lists) and the CSV
formula-injection escape.

Every parser takes the raw text of one cell and returns a typed value or raises ``ValueError`` with a
short message saying what is wrong (the caller adds file, line and column). Empty text means "not given"
and is handled by the caller, never here. :mod:`~stardust_tui.importexport.cells` gathers them, by field
kind, in the one table the importers use.

Dates: ISO (``2024-01-31``, also with a time part, ``2024.01.31``), ``20240131``, ``31/01/2024``,
``31.01.2024`` and ``31-01-24`` (day first; month first with ``month_first=True`` — an importer decides it
once per file, see :func:`date_order_hint`), ``1 Jan 2024``, ``05-Jan-2024``, ``Jan 1, 2024``,
``Friday, January 5, 2024`` and spreadsheet serial day numbers (``45322``).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from stardust_tui.domain import limits as L

_MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
_FULL_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december", "sept"}
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?$")
_DAY_MONTH_NAME = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[ \-/]([A-Za-z]{3,9})\.?,?[ \-/](\d{4}|\d{2})$")
_MONTH_NAME_DAY = re.compile(r"^([A-Za-z]{3,9})\.?[ \-/](\d{1,2})(?:st|nd|rd|th)?,?[ \-/](\d{4})$")
_WEEKDAY = re.compile(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+", re.I)
_EXCEL_EPOCH = date(1899, 12, 30)

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "'")


def digits(s: str) -> bool:
    """Only ASCII digits (``str.isdigit`` also says yes to '²', which ``int`` refuses)."""
    return s.isascii() and s.isdigit()


def _make_date(y: int, m: int, d: int, text: str, pattern: str) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise ValueError(f"{text!r} is not a valid date ({pattern})") from None


def _month(name: str, text: str) -> int:
    month = _MONTHS.get(name[:3].lower())
    if month is None or (len(name) > 3 and name.lower().rstrip(".") not in _FULL_MONTHS):
        raise ValueError(f"{text!r}: unknown month name {name!r}")
    return month


def _year(text: str) -> int:
    y = int(text)
    if len(text) == 2:
        y += 2000 if y < 70 else 1900
    return y


def parse_date(text: str, *, month_first: bool = False) -> date:
    """A calendar date from the common spreadsheet spellings (see the module docstring), within the
    years the catalog keeps (domain/limits.py: 1850-2100)."""
    value = _parse_date(text, month_first)
    low, high = L.DATES
    if not low <= value <= high:
        raise ValueError(f"{text!r} is outside {low.year}-{high.year}")
    return value


def _parse_date(text: str, month_first: bool) -> date:
    s = text.strip()
    if m := _ISO.match(s):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), s, "YYYY-MM-DD")
    if m := _COMPACT.match(s):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), s, "YYYYMMDD")
    if m := _NUMERIC.match(s):
        a, b, y = int(m[1]), int(m[2]), _year(m[3])
        if month_first:
            return _make_date(y, a, b, s, "MM/DD/YYYY: this file's dates are read month first")
        return _make_date(y, b, a, s, "DD/MM/YYYY: this file's dates are read day first; use --month-first")
    s = _WEEKDAY.sub("", s)
    if m := _DAY_MONTH_NAME.match(s):
        return _make_date(_year(m[3]), _month(m[2], s), int(m[1]), s, "D Mon YYYY")
    if m := _MONTH_NAME_DAY.match(s):
        return _make_date(int(m[3]), _month(m[1], s), int(m[2]), s, "Mon D, YYYY")
    if digits(s) and len(s) == 5:
        return _EXCEL_EPOCH + timedelta(days=int(s))
    raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD, DD/MM/YYYY or '1 Jan 2024')")


def date_order_hint(text: str) -> str | None:
    """``"dmy"`` or ``"mdy"`` when a numeric date can only be read one way (``25/01/2024``,
    ``01/25/2024``), else None (ISO, month names, or both parts ≤ 12)."""
    m = _NUMERIC.match(text.strip())
    if not m:
        return None
    a, b = int(m[1]), int(m[2])
    if a > 12 >= b:
        return "dmy"
    if b > 12 >= a:
        return "mdy"
    return None


def is_ambiguous_date(text: str) -> bool:
    """A numeric date whose day and month could be swapped (``01/02/2024``)."""
    m = _NUMERIC.match(text.strip())
    return m is not None and int(m[1]) <= 12 and int(m[2]) <= 12 and m[1] != m[2]


def parse_datetime(text: str, *, month_first: bool = False) -> datetime:
    """A UTC date-time: full ISO 8601 with offset, or any :func:`parse_date` form (midnight UTC)."""
    s = text.strip()
    if "T" in s or (len(s) > 10 and ":" in s and digits(s[:4])):
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


def parse_disc(text: str) -> int:
    """A disc/volume number: ``2``, ``2.0``, ``CD2``, ``Disc 2``, ``Vol. 2``."""
    s = text.strip()
    if not digits(s):
        s = re.sub(r"^(?:cd|disc|disk|vol(?:ume)?\.?|side)\s*", "", s, flags=re.I)
    return parse_int(s, low=1, high=999)


def parse_position(text: str) -> tuple[int | None, int]:
    """A track number, optionally as ``disc-track`` / ``disc.track`` / ``3/12`` (track of total)."""
    s = text.strip()
    if digits(s) and len(s) <= 4:
        n = int(s)
        if n >= 1:
            return None, n
    if s.endswith(".0") and digits(s[:-2]):
        return None, parse_int(s, low=1, high=9999)
    if m := re.match(r"^(\d{1,3})[-.:](\d{1,4})$", s):
        return parse_int(m[1], low=1, high=999), parse_int(m[2], low=1, high=9999)
    if m := re.match(r"^(\d{1,4})\s*(?:/|of)\s*\d{1,4}$", s):
        return None, parse_int(m[1], low=1, high=9999)
    return None, parse_int(s, low=1, high=9999)


def parse_year(text: str) -> int:
    s = text.strip()
    if m := re.match(r"^(\d{4})(?:[-/.]\d{1,2}[-/.]\d{1,2}(?:[T ].*)?)?$", s):  # a whole date typed as the year
        s = m[1]
    return parse_int(s, low=int(L.YEAR.lo), high=int(L.YEAR.hi))


_DURATION_ISO = re.compile(r"^P(?:T)?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$", re.I)
_DURATION_UNITS = re.compile(r"^(?:(\d+)\s*h)?\s*(?:(\d+)\s*(?:m|min|'))?\s*(?:(\d+(?:\.\d+)?)\s*(?:s|sec|\"|''))?$",
                             re.I)
MAX_SECONDS = 100_000


def parse_duration(text: str) -> float:
    """Seconds from ``225``, ``225.5``, ``3:45``, ``1:02:03``, ``3m45s``, ``3'45"`` or ISO 8601 ``PT3M45S``."""
    s = text.strip()
    if len(s) <= 5 and digits(s[:-3]) and s[-3:-2] == ":" and digits(s[-2:]) and s[-2] < "6":
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
        if (m := _DURATION_UNITS.match(s)) and any(m.groups()) and not digits(s.replace(".", "")):
            h, mi, se = (float(g) if g else 0.0 for g in m.groups())
            return round(h * 3600 + mi * 60 + se, 3)
        value = float(s)
        if value < 0 or value != value or value > MAX_SECONDS:
            raise ValueError
        return round(value, 3)
    except ValueError:
        raise ValueError(f"{text!r} is not a duration (use seconds, M:SS, H:MM:SS or PT3M45S)") from None


def parse_duration_ms(text: str) -> float:
    """Seconds from a number of milliseconds (``225000`` → 225.0); other forms as :func:`parse_duration`."""
    s = text.strip()
    try:
        value = float(s)
    except ValueError:
        return parse_duration(s)
    if value < 0 or value != value or value > MAX_SECONDS * 1000:
        raise ValueError(f"{text!r} is not a duration in milliseconds")
    return round(value / 1000, 3)


_YES = frozenset({"1", "y", "yes", "true", "t", "x", "on"})
_NO = frozenset({"0", "n", "no", "false", "f", "off", "none"})


def parse_flag(text: str) -> bool:
    """Yes/no: Y/N, yes/no, true/false, 1/0, x."""
    s = re.sub(r"[^a-z0-9]", "", text.lower())
    if s in _YES:
        return True
    if s in _NO:
        return False
    raise ValueError(f"{text!r} is not yes/no")


# Parental advisory spellings (letters and digits only, lower case) → the catalog's advisory values.
# "Clean" marks the edited version of an explicit recording: DDEX ExplicitContentEdited ("edited").
_ADVISORY = {
    "explicit": ("explicit", "e", "y", "yes", "true", "t", "1", "x", "explicitlyrics", "explicitcontent", "pa",
                 "parentaladvisory", "adult"),
    "not-explicit": ("notexplicit", "nonexplicit", "n", "no", "false", "f", "0", "none", "noexplicit",
                     "notexplicitcontent", "safe", "notexplicitlyrics"),
    "edited": ("clean", "c", "cleaned", "edited", "cleanversion", "editedversion", "explicitcontentedited",
               "radioedit", "censored"),
    "unknown": ("unknown", "noadviceavailable", "noadvice", "na", "u", "notknown"),
}
ADVISORY_WORDS = {word: value for value, words in _ADVISORY.items() for word in words}


def parse_advisory(text: str) -> str:
    """``explicit``, ``not-explicit``, ``edited`` (clean) or ``unknown`` from Y/N/C, Yes/No, Explicit/Clean/
    Not Explicit, true/false, 1/0 and DDEX's own ParentalWarningType values."""
    value = ADVISORY_WORDS.get(re.sub(r"[^a-z0-9]", "", text.lower()))
    if value is None:
        raise ValueError(f"{text!r} is not an advisory (Y/N/C, explicit, clean, not explicit)")
    return value


_P_MARKERS = ("℗", "(P)", "(p)", "P ", "Ⓟ", "[P]", "p ")
_C_MARKERS = ("©", "(C)", "(c)", "C ", "[C]", "c ", "Copyright ", "copyright ")


def parse_copyright_line(text: str, symbol: str) -> tuple[int | None, str]:
    """Split ``℗ 2024 Label`` / ``(P) 2024 Label`` / ``2024 Label`` / ``Label 2024`` into (year, owner)."""
    s = text.strip()
    for marker in _P_MARKERS if symbol == "P" else _C_MARKERS:
        if s.startswith(marker):
            s = s[len(marker):].strip()
            break
    if m := re.match(r"^(\d{4})(?:\.0)?\b[\s,]*(.*)$", s):
        return int(m[1]), m[2].strip()
    if m := re.match(r"^(.*?\S)[\s,]+(\d{4})$", s):
        if 1000 <= int(m[2]) <= 2999:
            return int(m[2]), m[1].strip()
    return None, s


def parse_list(text: str) -> list[str]:
    """A list cell: items separated by ``;`` or ``|`` (commas are kept: artist names contain them)."""
    return [p.strip() for p in re.split(r"[;|\n]", text) if p.strip()]


_STRONG = re.compile(r"\s*[;|\n/&]\s*")
# "Lennon, John" / "Van Halen, Eddie" / "Smith, John W.": a surname (1-3 words), a given name and an initial
_SURNAME_FIRST = re.compile(r"^([^\W\d_][\w'’.\-]*(?: [^\W\d_][\w'’.\-]*){0,2}),\s*"
                            r"([^\W\d_][\w'’\-]+(?: [^\W\d_]\.?)?)$")
_COMPANY = re.compile(r"^(?:inc|ltd|llc|gmbh|co|corp|sa|sas|srl|bv|ab|plc|limited|publishing)\.?$", re.I)


def split_people(text: str, *, surname_first: bool = False) -> list[str]:
    """Names of people in one cell, separated by ``,`` ``;`` ``|`` ``/`` or ``&``.

    With ``surname_first`` (decided per column: see :func:`looks_surname_first`) an item ``Lennon, John``
    is one person, ``John Lennon``; otherwise a comma separates names. ``Inc.``/``Ltd.`` after a comma stay.
    """
    out: list[str] = []
    for item in _STRONG.split(text):
        item = item.strip()
        if not item:
            continue
        if "," in item:
            m = _SURNAME_FIRST.match(item) if surname_first else None
            if m:
                out.append(f"{m[2].strip()} {m[1].strip()}")
                continue
            parts = [p.strip() for p in item.split(",")]
            merged: list[str] = []
            for p in parts:
                if merged and _COMPANY.match(p):
                    merged[-1] = f"{merged[-1]}, {p}"
                elif p:
                    merged.append(p)
            out += merged
        else:
            out.append(item)
    return out


def looks_surname_first(cells: list[str]) -> bool:
    """True when a column's names are written ``Surname, Given`` (``Lennon, John; McCartney, Paul``):
    every comma in it sits inside such a pair, and some cell lists such a pair with another name after a
    ``;`` ``|`` ``/`` or ``&`` (a lone ``Lennon, McCartney`` is read as two names)."""
    listed = False
    for cell in cells:
        items = [i.strip() for i in _STRONG.split(cell) if i.strip()]
        for item in items:
            if "," not in item:
                continue
            if item.count(",") != 1 or not _SURNAME_FIRST.match(item):
                return False
            listed = listed or len(items) > 1
    return listed


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
