"""P-lines (℗, sound recording rights) and C-lines (©, artwork/text rights): parsed once, written once.

The catalog stores a line as a year and an owner (``p_line_year = 2024``, ``p_line = "Star Records"``).
People type it in many ways: ``2024 Star Records``, ``℗ 2024 Star Records``, ``(P) 2024 Star Records``,
``P 2024 Star Records``, ``℗2024 Star Records``; :func:`parse_rights_line` turns each into
``(2024, "Star Records")``; a year at the end stays in the owner (``Studio 2000`` is a name).
:func:`rights_line_text` writes the display text with the symbol and the year exactly once, also for
a line stored before this parser existed (owner text that still starts with the symbol or the year).
Pure functions, no I/O.
"""

from __future__ import annotations

import re
from typing import Literal

RightsKind = Literal["P", "C"]
_SYMBOLS = {"P": ("℗", "(P)", "Ⓟ", "(p)"), "C": ("©", "(C)", "Ⓒ", "(c)")}
_YEAR = r"(?:1[89]\d\d|2\d\d\d)"
_LEADING_YEAR = re.compile(rf"^({_YEAR})(?:\s*[-–/]\s*{_YEAR})?(?:\b[\s,.:;-]*|$)")


def _strip_symbol(text: str, kind: RightsKind) -> str:
    s = text.strip()
    for symbol in _SYMBOLS[kind]:
        if s.startswith(symbol):
            return s[len(symbol):].lstrip(" :")
    letter = re.match(rf"^{kind}(?=\s*\d)\s*", s, re.I)  # "P 2024 Owner", "p2024 Owner"
    if letter:
        return s[letter.end():]
    return s


def parse_rights_line(text: str, kind: RightsKind) -> tuple[int | None, str]:
    """``(year, owner)`` from a typed P-line (``kind="P"``) or C-line (``kind="C"``).

    The year is the four-digit year right after the symbol (``2019-2024`` keeps 2019, the first
    publication). Without a leading year: ``(None, owner)``.
    """
    s = " ".join(_strip_symbol(text, kind).split())
    m = _LEADING_YEAR.match(s)
    if m and s[m.end():].strip():
        return int(m.group(1)), s[m.end():].strip()
    if m:
        return int(m.group(1)), ""
    return None, s


def rights_line_text(kind: RightsKind, year: int | None, owner: str) -> str:
    """The display line: ``(P) 2024 Star Records`` / ``(C) 2024 Star Records``, symbol and year once.

    ``owner`` may still carry the symbol or the same year (lines stored before parsing existed): they are
    not repeated. When the owner text starts with another year (or a range), that text stands as written
    and the stored year is not added (:func:`line_problem` reports the disagreement).
    """
    parsed_year, parsed_owner = parse_rights_line(owner, kind)
    if parsed_year is not None and year is not None and parsed_year != year:
        return f"({kind}) " + " ".join(_strip_symbol(owner, kind).split())
    year = year if year is not None else parsed_year
    return " ".join(x for x in (f"({kind})", str(year) if year is not None else "", parsed_owner) if x)


def line_problem(text: str | None, year: int | None, kind: RightsKind) -> str | None:
    """Why a stored line would be written wrongly (the owner repeats a different year), or None."""
    if not text:
        return None
    parsed_year, owner = parse_rights_line(text, kind)
    if not owner:
        return f"the {kind}-line names no owner"
    if parsed_year is not None and year is not None and parsed_year != year:
        return f"the {kind}-line text says {parsed_year} but its year is {year}"
    return None
