"""Plan how a file's columns are read, from its headers *and* a sample of its rows.

:func:`plan_source` decides, once per file and with a one-line reason for each decision:

- **which field** a column feeds: the mapping file first, else the header's meaning
  (:mod:`~stardust_tui.importexport.headers`); when the header allows several fields ("Track": a number
  or a title) or names none, the column's values decide (ISRCs and UPCs are recognised by their check
  characters). A column whose values do not fit the field is left out and reported.
- **the level**: a column whose values differ between the rows of one release is a track field (a
  per-track advisory, artist or ℗ line), one that is constant stays a release field (:data:`TWINS`).
- **a second column for a field**: lists are joined ("Composer 1", "Composer 2"); single values fall
  back to it when the first is empty ("UPC Code" / "EAN Code").
- **how values read**: day/month order of numeric dates (header hint such as ``(MM/DD/YYYY)``, else the
  values, e.g. ``25/01/2024``), durations in milliseconds, people written ``Surname, Given``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from dataclasses import field as _field
from typing import Any

from stardust_tui.errors import StardustError
from stardust_tui.importexport import values as v
from stardust_tui.importexport.cells import parser_for
from stardust_tui.importexport.fields import BY_NAME, TWINS, normalize_header
from stardust_tui.importexport.headers import HeaderInfo, analyse, candidates

SAMPLE_VALUES = 200  # non-empty cells of a column looked at for its kind
_VALIDATING = frozenset({"upc", "isrc", "date", "datetime", "int", "year", "position", "duration", "advisory", "flag",
                         "release_type", "language", "territories", "excluded_territories", "status", "sha256",
                         "commercial_models", "use_types"})
_LIST_KINDS = frozenset({"people", "list", "credits"})
_DATE_FIELDS = ("release_date", "original_release_date", "deal_start", "deal_end", "preorder_date")


@dataclass
class ColumnGuess:
    """How one column is read (shown in previews and the TUI's mapping table)."""

    index: int
    header: str
    field: str = ""  # "" = ignored
    origin: str = "none"  # mapping | header | values | none
    reason: str = ""
    samples: list[str] = _field(default_factory=list)
    kind: str | None = None  # parser kind when it differs from the field's (duration_ms)
    options: dict[str, Any] = _field(default_factory=dict)  # surname_first...
    role: str = "main"  # main | extra (joins or backs up the main column of its field)
    exact: bool = False  # the header is the field's own name (e.g. this project's export): never moved

    @property
    def level(self) -> str:
        return BY_NAME[self.field].level if self.field else ""


@dataclass
class Decisions:
    month_first: bool = False
    notes: list[str] = _field(default_factory=list)
    date_order_known: bool = False  # the file (or the user) decided it; else the day-first default


def _parses(kind: str, cells: list[str], month_first: bool | None = None) -> float:
    """Share of ``cells`` the kind's parser accepts (dates: read either way round)."""
    if not cells:
        return 1.0
    parsers = [parser_for(kind, month_first=m) for m in ((False, True) if month_first is None else (month_first,))]
    ok = 0
    for cell in cells:
        for parse in parsers:
            try:
                parse(cell)
            except (ValueError, StardustError):
                continue
            ok += 1
            break
    return ok / len(cells)


def _column_values(rows: Sequence[Sequence[str]], index: int) -> list[str]:
    out = []
    for row in rows:
        if index < len(row):
            cell = row[index].strip()
            if cell:
                out.append(cell)
                if len(out) >= SAMPLE_VALUES:
                    break
    return out


def _choose(options: list[str], cells: list[str]) -> tuple[str, str]:
    """(field, reason) among the header's candidates, by the values; ("", reason) when none fits.

    The first candidate most values fit wins. When none fits, the first is kept (its bad cells are
    reported one by one) unless not a single value fits it and it is not an identifier: a "Format" column
    holding "Digital" is not a release type, it is something the catalog does not keep."""
    best = 0.0
    for name in options:
        kind = BY_NAME[name].kind
        if kind in _VALIDATING and cells:
            share = _parses(kind, cells)
            best = max(best, share)
            if share < 0.6:
                continue
        if kind == "text" and name in ("track_title", "release_title") and cells and \
                all(v.digits(c.replace(".", "")) for c in cells):
            continue  # numbers are not titles
        return name, ""
    first = options[0]
    if best > 0 or first in ("upc", "isrc") or len(cells) < 3:
        return first, ""
    return "", f"values do not read as {BY_NAME[first].kind} (e.g. {cells[0][:40]!r}); left out"


def _by_values(cells: list[str]) -> str | None:
    for name in ("isrc", "upc"):
        if len(cells) >= 1 and _parses(BY_NAME[name].kind, cells) >= 0.9:
            return name
    return None


def _specificity(info: HeaderInfo, options: list[str]) -> int:
    words = set(info.words)
    from stardust_tui.importexport.headers import RELEASE, TRACK

    return (2 if words & (RELEASE | TRACK) else 0) + (1 if len(options) == 1 else 0)


def plan_source(headers: Sequence[str], rows: Sequence[Sequence[str]], *, explicit: dict[str, str] | None = None,
                month_first: bool | None = None) -> tuple[list[ColumnGuess], Decisions]:
    """Column guesses and per-file decisions for a header row and a sample of the rows below it."""
    explicit_keys = {normalize_header(k): val for k, val in (explicit or {}).items()}
    infos = [analyse(h) for h in headers]
    cols = [ColumnGuess(i, h, samples=_column_values(rows, i)[:5]) for i, h in enumerate(headers)]
    values_of = {i: _column_values(rows, i) for i in range(len(headers))}
    taken: dict[str, int] = {}
    pending: list[tuple[int, int, list[str]]] = []
    for col, info in zip(cols, infos, strict=True):
        key = normalize_header(col.header)
        if key in explicit_keys:
            col.field, col.origin = explicit_keys[key], "mapping"
            col.reason = "from the mapping" if col.field else "ignored by the mapping"
            if col.field:
                _take(col, taken, cols)
            continue
        canonical = BY_NAME.get(key.replace(" ", "_"))
        col.exact = canonical is not None and col.header.strip() == canonical.name
        options = [canonical.name] if canonical else candidates(info)
        if not options:
            found = _by_values(values_of[col.index])
            if found:
                col.field, col.origin, col.reason = found, "values", f"values are {found.upper()}s"
                _take(col, taken, cols)
            else:
                col.reason = "no field has this meaning" if info.words else "empty header"
            continue
        pending.append((-_specificity(info, options), col.index, options))
    for _, index, options in sorted(pending):
        col = cols[index]
        name, why = _choose(options, values_of[index])
        col.origin = "header"
        if not name:
            col.reason = why
            continue
        free = [o for o in options if o not in taken and _choose([o], values_of[index])[0]]
        col.reason = f"header means {name}"
        if name in taken and free:
            col.reason = f"header means {name}, which is {cols[taken[name]].header!r}: {free[0]}"
            name = free[0]
        col.field = name
        _take(col, taken, cols)
    decisions = Decisions()
    _levels(cols, rows, taken)
    decisions.notes += [f"{c.header!r} read per track ({c.reason.split(':')[0]})" for c in cols
                        if c.reason.endswith(": track level")]
    _date_order(cols, infos, values_of, month_first, decisions)
    _readings(cols, infos, values_of, decisions)
    return cols, decisions


def _take(col: ColumnGuess, taken: dict[str, int], cols: list[ColumnGuess]) -> None:
    first = taken.get(col.field)
    if first is None:
        taken[col.field] = col.index
        return
    col.role = "extra"
    how = "joined with" if BY_NAME[col.field].kind in _LIST_KINDS else "used when empty:"
    col.reason = f"second column for {col.field} ({how} {cols[first].header!r})"


def _release_groups(cols: list[ColumnGuess], rows: Sequence[Sequence[str]]) -> list[list[int]]:
    """Row indexes of the sample grouped by release (UPC, else catalogue number, else title)."""
    key_cols = [next((c.index for c in cols if c.field == f and c.role == "main"), None)
                for f in ("upc", "catalog_number", "release_title")]
    key_col = next((k for k in key_cols if k is not None), None)
    if key_col is None:
        return []
    groups: dict[str, list[int]] = {}
    last: str | None = None
    for n, row in enumerate(rows):
        key = row[key_col].strip() if key_col < len(row) else ""
        if not key:
            if last is None:
                continue
            key = last
        groups.setdefault(key, []).append(n)
        last = key
    return [g for g in groups.values() if len(g) > 1]


def _levels(cols: list[ColumnGuess], rows: Sequence[Sequence[str]], taken: dict[str, int]) -> None:
    groups = _release_groups(cols, rows)
    if not groups:
        return
    key_cols = {c.index for c in cols if c.field in ("upc", "catalog_number", "release_title") and c.role == "main"}
    full = [any(i < len(r) and r[i].strip() for i in key_cols) for r in rows]  # rows that repeat the release cells
    for col in cols:
        twin = TWINS.get(col.field)
        if col.origin != "header" or col.exact or col.role != "main" or twin is None \
                or BY_NAME[col.field].level != "release":
            continue
        if col.field == "release_title" or twin in taken:
            continue
        i = col.index
        for group in groups:
            seen = {(rows[n][i].strip() if i < len(rows[n]) else "") for n in group
                    if full[n] or (i < len(rows[n]) and rows[n][i].strip())}
            if len(seen) > 1:
                del taken[col.field]
                col.field = twin
                taken[twin] = i
                col.reason = f"values differ within a release ({_short(sorted(seen))}): track level"
                break


def _short(items: list[str]) -> str:
    shown = ", ".join(repr(s[:20]) for s in items[:2])
    return shown + (", ..." if len(items) > 2 else "")


def _date_order(cols: list[ColumnGuess], infos: list[HeaderInfo], values_of: dict[int, list[str]],
                month_first: bool | None, decisions: Decisions) -> None:
    dated = [c for c in cols if c.field in _DATE_FIELDS]
    if month_first is not None:
        decisions.month_first = month_first
        decisions.date_order_known = True
        if dated:
            decisions.notes.append(f"dates read {'month' if month_first else 'day'} first (as asked)")
        return
    votes = {"dmy": [], "mdy": []}  # type: dict[str, list[str]]
    ambiguous = False
    for c in dated:
        hint = infos[c.index].date_order
        if hint:
            votes[hint].append(f"header {c.header!r}")
        for cell in values_of[c.index]:
            found = v.date_order_hint(cell)
            if found:
                votes[found].append(f"{cell!r} in {c.header!r}")
            ambiguous = ambiguous or v.is_ambiguous_date(cell)
    decisions.date_order_known = bool(votes["mdy"] or votes["dmy"])
    if votes["mdy"] and not votes["dmy"]:
        decisions.month_first = True
        decisions.notes.append(f"dates read month/day/year (from {votes['mdy'][0]})")
    elif votes["dmy"] and not votes["mdy"]:
        decisions.notes.append(f"dates read day/month/year (from {votes['dmy'][0]})")
    elif votes["dmy"] and votes["mdy"]:
        decisions.month_first = len(votes["mdy"]) > len(votes["dmy"])
        decisions.notes.append(f"dates disagree ({votes['dmy'][0]} is day first, {votes['mdy'][0]} month first): "
                               f"read {'month' if decisions.month_first else 'day'} first; pass --month-first "
                               "or fix the file")
    elif ambiguous:
        decisions.notes.append("dates like 01/02/2024 read day/month/year (nothing in the file decides; "
                               "use --month-first for month/day/year)")


def _readings(cols: list[ColumnGuess], infos: list[HeaderInfo], values_of: dict[int, list[str]],
              decisions: Decisions) -> None:
    for c in cols:
        kind = BY_NAME[c.field].kind if c.field else None
        info = infos[c.index]
        cells = values_of[c.index]
        if kind == "duration":
            if info.unit == "ms":
                c.kind = "duration_ms"
                decisions.notes.append(f"{c.header!r}: milliseconds (from the header)")
            elif info.unit is None and cells and all(v.digits(x) for x in cells) and min(map(int, cells)) >= 1000:
                c.kind = "duration_ms"
                decisions.notes.append(f"{c.header!r}: milliseconds (every value is a whole number ≥ 1000)")
        elif kind == "people" and (info.surname_first or v.looks_surname_first(cells)):
            c.options["surname_first"] = True
            decisions.notes.append(f"{c.header!r}: names written 'Surname, Given' (e.g. {cells[0][:40]!r})"
                                   if cells else f"{c.header!r}: names written 'Surname, Given' (header)")


def column_parser(col: ColumnGuess, month_first: bool) -> Callable[[str], Any]:
    """The cell parser of a planned column (its kind and options bound)."""
    return parser_for(col.kind or BY_NAME[col.field].kind, month_first=month_first, **col.options)
