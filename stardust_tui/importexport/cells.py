"""The one table of cell parsers: field kind → function from a cell's text to the stored value.

Every importer (CSV, Excel, other JSON, the project's own JSON) converts cells through :func:`parser_for`
/ :data:`PARSERS`; the primitive parsers live in :mod:`~stardust_tui.importexport.values`. A parser
raises ``ValueError`` (or a ``StardustError`` from the identifier checks) with a short reason; the caller
adds file, line and column. Some kinds take per-file or per-column options, decided once when the
columns are planned: ``month_first`` (dates), ``surname_first`` (people lists).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

from stardust_tui.domain.identifiers import is_language, is_territory, normalize_isrc, normalize_upc
from stardust_tui.errors import StardustError
from stardust_tui.importexport import values as v

MAX_TEXT = 1000
MAX_NAME = 500
RELEASE_TYPES = {"album": "album", "lp": "album", "ep": "ep", "single": "single", "compilation": "compilation",
                 "comp": "compilation", "various artists": "compilation", "mixtape": "album", "va": "compilation",
                 "maxi single": "single", "maxi": "single", "mini album": "ep", "full length": "album",
                 "full-length": "album", "boxset": "compilation", "box set": "compilation"}
STATUSES = ("draft", "ready", "delivered", "taken-down")
WORLDWIDE = {"WW", "WORLD", "WORLDWIDE", "ALL", "GLOBAL", "WORLD WIDE", "ALL TERRITORIES", "ALL COUNTRIES"}
_TERRITORY_ALIASES = {"UK": "GB", "EL": "GR"}  # common non-ISO spellings with one meaning


USER_DEFINED = "UserDefined:"
_BREAKS = re.compile(r"\s*[\r\n\t]+\s*")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def text(s: str) -> str:
    """One line of text: a line break or TAB inside a cell becomes a space (no catalog field is multi-line);
    other control characters are refused."""
    if len(s) > MAX_TEXT:
        raise ValueError(f"text is {len(s)} characters long (at most {MAX_TEXT})")
    if _CONTROL.search(s):
        raise ValueError(f"{s[:40]!r} contains a control character")
    if "\n" in s or "\r" in s or "\t" in s:
        return _BREAKS.sub(" ", s)
    return s


_CANONICAL_ISRC = re.compile(r"[A-Z]{2}[A-Z0-9]{3}[0-9]{7}")  # no separators, upper case: normalize_isrc's output


def isrc(s: str) -> str:
    """``normalize_isrc`` with the already-canonical cell (the usual one) taken as it is."""
    if len(s) == 12 and _CANONICAL_ISRC.fullmatch(s):
        return s
    return normalize_isrc(s)


def upc(s: str) -> str:
    """A UPC/EAN; a UPC-A whose leading zero a spreadsheet dropped (11 digits) gets it back when the
    check digit then agrees; a number in scientific notation (rounded by Excel) is refused with the reason."""
    t = s.strip()
    if t.endswith(".0") and v.digits(t[:-2]):
        t = t[:-2]
    if re.fullmatch(r"\d(?:\.\d+)?[eE]\+?\d+", t):
        raise ValueError(f"{s!r} is a number in scientific notation: the spreadsheet rounded the barcode "
                         "(format the column as text and type it again)")
    if v.digits(t) and len(t) == 11:
        try:
            return normalize_upc("0" + t)
        except StardustError:
            pass
    return normalize_upc(t)


def disc(s: str) -> int:
    return v.parse_disc(s)


def names(s: str) -> list[str]:
    """A list of artist/company names separated by ``;`` ``|`` or new lines (commas and ``&`` kept)."""
    items = v.parse_list(s)
    if any(len(i) > MAX_NAME for i in items):
        raise ValueError(f"a name is longer than {MAX_NAME} characters")
    return items


def people(s: str, *, surname_first: bool = False) -> list[str]:
    """People separated by ``,`` ``;`` ``|`` ``/`` ``&`` (``Surname, Given`` when the column writes them so)."""
    items = v.split_people(s, surname_first=surname_first)
    if any(len(i) > MAX_NAME for i in items):
        raise ValueError(f"a name is longer than {MAX_NAME} characters")
    return items


def _copyright(s: str, symbol: str) -> tuple[int | None, str]:
    year, owner = v.parse_copyright_line(s, symbol)
    if len(owner) > MAX_NAME:
        raise ValueError(f"copyright owner is longer than {MAX_NAME} characters")
    return year, owner


def release_type(s: str) -> tuple[str, bool]:
    """``(DDEX ReleaseType, is a multi-artist compilation)``: Album, EP, Single, compilation (an Album),
    DjMix... in any case/spacing, the usual label words (LP, maxi single, full length, VA), or an explicit
    ``UserDefined:<type>``."""
    from stardust_tui.domain.release_types import is_ddex_release_type, release_type_and_compilation

    text = s.strip()
    if text.startswith(USER_DEFINED) and text[len(USER_DEFINED):].strip():
        return text, False
    value, compilation = release_type_and_compilation(RELEASE_TYPES.get(re.sub(r"\s+", " ", text.lower()), text))
    if not is_ddex_release_type(value):
        raise ValueError(f"{s!r} is not a DDEX release type (Album, EP, Single, compilation...; write "
                         f"UserDefined:{text} for a user-defined one)")
    return value, compilation


_LANGUAGE_NAMES: dict[str, str] = {}


def _language_names() -> dict[str, str]:
    """English language names (and their variants: "Spanish; Castilian", "Greek, Modern") -> ISO 639-1."""
    if not _LANGUAGE_NAMES:
        from stardust_tui.domain.languages import ISO_639_1

        for code, names in ISO_639_1.items():
            for name in re.split(r"[;,(]", names):
                key = name.strip().lower()
                if key:
                    _LANGUAGE_NAMES.setdefault(key, code)
    return _LANGUAGE_NAMES


def language(s: str) -> str:
    """An ISO 639 code (``en``, ``eng``, ``en-GB``) or an English language name (``English``, ``Spanish``)."""
    head, sep, tail = s.strip().replace("_", "-").partition("-")
    code = head.lower() + sep + tail  # "ENG" -> "eng", "EN-GB" -> "en-GB"
    if is_language(code):
        return code
    named = _language_names().get(s.strip().lower())
    if named:
        return named
    raise ValueError(f"{s!r} is not an ISO 639 language code or name")


_TERRITORY_SPLIT = re.compile(r"[\s,;|/]+")
_EXCEPT = re.compile(r"^(.*?)\s*(?:\bexcept\b|\bexcluding\b|\bexcl\.?|\bminus\b|\bbut not\b|\bwithout\b)\s*(.*)$",
                     re.I)


def _codes(s: str) -> list[str]:
    upper = s.strip().upper()
    if upper in WORLDWIDE:
        return ["Worldwide"]
    out: list[str] = []
    for item in _TERRITORY_SPLIT.split(upper):
        if not item:
            continue
        item = _TERRITORY_ALIASES.get(item, item)
        if item in WORLDWIDE:
            out.append("Worldwide")
        elif is_territory(item):
            out.append(item)
        else:
            raise ValueError(f"{item!r} is not an ISO 3166-1 territory code (or WW/Worldwide)")
    return list(dict.fromkeys(out))


def territories(s: str) -> list[str]:
    """Codes separated by commas, semicolons, pipes, slashes or spaces; ``WW``/``World``/``Worldwide``.
    ``Worldwide except US, CA`` and ``WW -US`` give ``["Worldwide", "-US", "-CA"]`` (the ``-`` marks an
    exclusion, which the release applies to its deal)."""
    if m := _EXCEPT.match(s):
        return (_codes(m[1]) or ["Worldwide"]) + ["-" + c for c in _codes(m[2]) if c != "Worldwide"]
    minus = re.findall(r"(?:^|\s)-([A-Za-z]{2})\b", s)
    if minus:
        rest = re.sub(r"(?:^|\s)-[A-Za-z]{2}\b", " ", s)
        return (_codes(rest) or ["Worldwide"]) + ["-" + c for c in _codes(" ".join(minus))]
    return _codes(s)


def excluded_territories(s: str) -> list[str]:
    codes = _codes(s)
    if "Worldwide" in codes:
        raise ValueError(f"{s!r}: an exclusion cannot be worldwide")
    return codes


_PAIR_SPLIT = re.compile(r"\s*[;|\n]\s*|\s*,\s*(?=[A-Za-z]{2}\s*(?:[:=]\s*|\s+)(?:\d|[A-Za-z]{3}))")
_PAIR = re.compile(r"([A-Za-z]{2,})\s*(?:[:=]\s*|\s+)(.+)")


def territory_dates(s: str, *, month_first: bool = False) -> list[tuple[str, Any]]:
    """``US 2025-01-10; GB 2025-01-17`` (also ``US=…``, ``US: …``, separated by ; | , or line breaks):
    (territory, date) pairs, each territory once. ``WW``/``Worldwide`` stands for the territories not listed."""
    out: dict[str, Any] = {}
    for item in _PAIR_SPLIT.split(s.strip()):
        if not item:
            continue
        m = _PAIR.fullmatch(item)
        if m is None:
            raise ValueError(f"{item!r} is not 'TERRITORY DATE' (for example 'US 2025-01-10; GB 2025-01-17')")
        codes = _codes(m[1])
        code = codes[0] if codes else m[1]
        if code in out:
            raise ValueError(f"{code} has two dates ({out[code]} and {m[2].strip()})")
        out[code] = v.parse_date(m[2].strip(), month_first=month_first)
    if not out:
        raise ValueError("no territory dates")
    return list(out.items())


def status(s: str) -> str:
    value = s.strip().lower().replace(" ", "-")
    if value not in STATUSES:
        raise ValueError(f"{s!r} is not a status ({', '.join(STATUSES)})")
    return value


def credits(s: str) -> list[tuple[str, str, None, str | None]]:
    """``Role: Name; Role: Name`` (also ``Name: Role``, ``Name (Role)``: see ``domain/credit_text.py``) as
    ``(name, DDEX role, None, instrument)``: "Mastering" → MasteringEngineer, "Guitar" → Musician playing
    Guitar (``domain/roles.py``). A role nothing fits is refused unless written ``UserDefined:<role>``."""
    from stardust_tui.domain.credit_text import parse_credit_text
    from stardust_tui.domain.roles import map_role

    out: list[tuple[str, str, None, str | None]] = []
    for name, typed in parse_credit_text(s):
        if len(name) > MAX_NAME or len(typed) > 64:
            raise ValueError(f"{typed}: {name!r} is too long")
        if typed.startswith(USER_DEFINED) and typed[len(USER_DEFINED):].strip():
            out.append((name, typed, None, None))
            continue
        mapped = map_role(typed)
        if not mapped.known:
            raise ValueError(f"{typed!r} is not a DDEX contributor role (write UserDefined:{typed} for a "
                             "user-defined one)")
        out.append((name, mapped.role, None, mapped.instrument))
    return out


def _vocabulary(s: str, allowed: frozenset[str], what: str) -> list[str]:
    """DDEX values separated by ``;`` ``,`` or ``|`` in any case (``subscription model`` too); an explicit
    ``UserDefined:<value>`` passes as it is."""
    out = []
    for item in re.split(r"\s*[;,|\n]\s*", s.strip()):
        if not item:
            continue
        if item.startswith(USER_DEFINED) and item[len(USER_DEFINED):].strip():
            out.append(item)
            continue
        key = re.sub(r"[\s_\-]+", "", item).casefold()
        found = next((a for a in allowed if a.casefold() == key), None)
        if found is None:
            raise ValueError(f"{item!r} is not a DDEX {what} (write UserDefined:{item} for a user-defined one)")
        out.append(found)
    return out


def commercial_models(s: str) -> list[str]:
    from stardust_tui.domain.validation import ALLOWED_COMMERCIAL_MODELS

    return _vocabulary(s, ALLOWED_COMMERCIAL_MODELS, "commercial model")


def use_types(s: str) -> list[str]:
    from stardust_tui.domain.validation import ALLOWED_USE_TYPES

    return _vocabulary(s, ALLOWED_USE_TYPES, "use type")


def sha256(s: str) -> str:
    t = s.strip().lower()
    if len(t) != 64 or any(c not in "0123456789abcdef" for c in t):
        raise ValueError("not a SHA-256 hex digest")
    return t


# kind -> parser(text) -> value. Kinds whose parser takes options list them in _OPTIONS.
PARSERS: dict[str, Callable[..., Any]] = {
    "text": text, "upc": upc, "isrc": isrc, "date": v.parse_date, "datetime": v.parse_datetime, "int": disc,
    "year": v.parse_year, "position": v.parse_position, "duration": v.parse_duration,
    "duration_ms": v.parse_duration_ms, "advisory": v.parse_advisory, "flag": v.parse_flag, "list": names,
    "people": people, "pline": partial(_copyright, symbol="P"), "cline": partial(_copyright, symbol="C"),
    "release_type": release_type, "language": language, "territories": territories,
    "excluded_territories": excluded_territories, "status": status, "credits": credits, "sha256": sha256,
    "commercial_models": commercial_models, "use_types": use_types, "territory_dates": territory_dates,
}
_OPTIONS: dict[str, tuple[str, ...]] = {"date": ("month_first",), "datetime": ("month_first",),
                                        "territory_dates": ("month_first",),
                                        "people": ("surname_first",)}


def parser_for(kind: str, **options: Any) -> Callable[[str], Any]:
    """The parser of a kind as a one-argument function, with the options it takes bound."""
    fn = PARSERS.get(kind)
    if fn is None:
        raise ValueError(f"unknown field kind {kind}")
    wanted = {k: options[k] for k in _OPTIONS.get(kind, ()) if options.get(k) is not None}
    return partial(fn, **wanted) if wanted else fn


def parse_value(kind: str, s: str, month_first: bool = False) -> Any:
    """Convert one non-empty cell by field kind; raises ValueError/StardustError with the reason."""
    return parser_for(kind, month_first=month_first)(s)
