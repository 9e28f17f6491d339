"""Industry identifiers: UPC/EAN (GTIN), ISRC, ISWC, ISNI, GRid, DDEX party IDs, territory and language codes.

``normalize_*`` functions accept the forms people type (spaces, hyphens, dots, lower case, an ``ISRC``
prefix), verify structure and check characters, and return the one stored form; they raise
:class:`~stardust_tui.errors.ValidationError` naming the field. ``is_valid_*`` never raise.
Pure functions, no I/O.
"""

from __future__ import annotations

import re

from stardust_tui.domain.languages import ISO_639_1, ISO_639_2, ISO_639_2_B
from stardust_tui.domain.territories import DDEX_SUBDIVISIONS, DDEX_TERRITORIES, HISTORIC_TERRITORIES, ISO_3166_1
from stardust_tui.errors import ValidationError

_SEPARATORS = re.compile(r"[\s\-._/]")
_ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$")
_ISWC = re.compile(r"^T[0-9]{10}$")
_ISNI = re.compile(r"^[0-9]{15}[0-9X]$")
_DPID = re.compile(r"^PADPIDA[0-9A-Z]{11}$")
_GRID = re.compile(r"^A1[0-9A-Z]{5}[0-9A-Z]{10}[0-9A-Z]$")
_MOD37_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*"
#: Party IDs that are never a real party: the neutral values shipped in configs, profiles and examples.
PLACEHOLDER_DPIDS = frozenset({"PADPIDA0000000000Z", "PADPIDA0000000000R", "PADPIDA0000000000Q"})
_BCP47 = re.compile(
    r"^(?P<lang>[A-Za-z]{2,3})(?:-(?P<script>[A-Za-z]{4}))?(?:-(?P<region>[A-Za-z]{2}|[0-9]{3}))?"
    r"(?:-[A-Za-z0-9]{5,8}|-[0-9][A-Za-z0-9]{3})*$"
)

#: Every territory code a deal may name: ISO 3166-1 alpha-2 plus DDEX's "Worldwide" and XK (Kosovo).
TERRITORIES: frozenset[str] = frozenset(ISO_3166_1) | frozenset(DDEX_TERRITORIES)
#: Withdrawn or subdivision codes DDEX schemas still accept; valid input, but worth a warning.
EXTRA_DDEX_TERRITORIES: frozenset[str] = frozenset(HISTORIC_TERRITORIES) | frozenset(DDEX_SUBDIVISIONS)
LANGUAGES_639_1: frozenset[str] = frozenset(ISO_639_1)
LANGUAGES_639_2: frozenset[str] = frozenset(k for k in ISO_639_2 if "-" not in k) | frozenset(ISO_639_2_B)


def _fail(field: str, value: object, why: str) -> ValidationError:
    return ValidationError(f"{value!r} {why}", where=field)


def _compact(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise _fail(field, value, "is not text")
    return _SEPARATORS.sub("", value).upper()


# --- GTIN: UPC-A (12) and EAN-13 (13) -------------------------------------------------------------


def gtin_check_digit(body: str) -> int:
    """The GS1 check digit for ``body`` (all digits but the last): weights 3,1,3,... from the right."""
    if not body or not body.isascii() or not body.isdigit():
        raise ValidationError(f"{body!r} is not a string of digits", where="gtin")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def normalize_upc(value: str, *, field: str = "upc") -> str:
    """UPC-A (12 digits) or EAN-13 (13 digits) with a verified check digit.

    A GTIN-14 with a leading zero (as some DDEX ICPNs are written) is shortened to its EAN-13.
    """
    s = _compact(value, field)
    if not s.isascii() or not s.isdigit():
        raise _fail(field, value, "is not a UPC/EAN: only digits are allowed")
    if len(s) == 14 and s[0] == "0":
        s = s[1:]
    if len(s) not in (12, 13):
        raise _fail(field, value, f"is not a UPC/EAN: {len(s)} digits, expected 12 (UPC-A) or 13 (EAN-13)")
    expected = gtin_check_digit(s[:-1])
    if int(s[-1]) != expected:
        raise _fail(field, value, f"has a wrong check digit {s[-1]} (expected {expected})")
    return s


def is_valid_upc(value: str) -> bool:
    return _is_valid(normalize_upc, value)


def gtin13(value: str, *, field: str = "upc") -> str:
    """The EAN-13 form of a UPC/EAN (a UPC-A gets a leading zero): one key for duplicate checks."""
    return normalize_upc(value, field=field).zfill(13)


# --- ISRC ------------------------------------------------------------------------------------------


def normalize_isrc(value: str, *, field: str = "isrc") -> str:
    """12 characters, upper case, no hyphens: country (2 letters), registrant (3), year (2), designation (5)."""
    s = _compact(value, field)
    if s.startswith("ISRC") and len(s) == 16:
        s = s[4:]
    if len(s) != 12:
        raise _fail(field, value, f"is not an ISRC: {len(s)} characters, expected 12 (CC-RRR-YY-NNNNN)")
    if not _ISRC.match(s):
        raise _fail(field, value, "is not an ISRC: expected CC-RRR-YY-NNNNN (2 letters, 3 letters/digits, 7 digits)")
    return s


def is_valid_isrc(value: str) -> bool:
    return _is_valid(normalize_isrc, value)


def format_isrc(value: str) -> str:
    """Display form ``CC-RRR-YY-NNNNN``."""
    s = normalize_isrc(value)
    return f"{s[:2]}-{s[2:5]}-{s[5:7]}-{s[7:]}"


# --- ISWC ------------------------------------------------------------------------------------------


def iswc_check_digit(digits: str) -> int:
    """ISO 15707 check digit of the 9 digits after ``T``: (10 - (1 + sum(i * d_i)) mod 10) mod 10."""
    total = 1 + sum(i * int(d) for i, d in enumerate(digits, start=1))
    return (10 - total % 10) % 10


def normalize_iswc(value: str, *, field: str = "iswc") -> str:
    """Compact form ``T0345246801`` (the syntax DDEX expects), check digit verified."""
    s = _compact(value, field)
    if s.startswith("ISWC"):
        s = s[4:]
    if not _ISWC.match(s):
        raise _fail(field, value, "is not an ISWC: expected T-DDD.DDD.DDD-C")
    expected = iswc_check_digit(s[1:10])
    if int(s[10]) != expected:
        raise _fail(field, value, f"has a wrong ISWC check digit {s[10]} (expected {expected})")
    return s


def is_valid_iswc(value: str) -> bool:
    return _is_valid(normalize_iswc, value)


def format_iswc(value: str) -> str:
    """Display form ``T-034.524.680-1``."""
    s = normalize_iswc(value)
    return f"T-{s[1:4]}.{s[4:7]}.{s[7:10]}-{s[10]}"


# --- ISNI ------------------------------------------------------------------------------------------


def isni_check_char(digits: str) -> str:
    """ISO 7064 MOD 11-2 check character of 15 digits (``X`` stands for 10)."""
    p = 0
    for d in digits:
        p = (p + int(d)) * 2
    r = (12 - p % 11) % 11
    return "X" if r == 10 else str(r)


def normalize_isni(value: str, *, field: str = "isni") -> str:
    """16 characters (15 digits and a MOD 11-2 check character), no spaces."""
    s = _compact(value, field)
    if s.startswith("ISNI"):
        s = s[4:]
    if not _ISNI.match(s):
        raise _fail(field, value, "is not an ISNI: expected 16 characters, 15 digits and a check digit or X")
    expected = isni_check_char(s[:15])
    if s[15] != expected:
        raise _fail(field, value, f"has a wrong ISNI check character {s[15]} (expected {expected})")
    return s


def is_valid_isni(value: str) -> bool:
    return _is_valid(normalize_isni, value)


def format_isni(value: str) -> str:
    """Display form ``0000 0001 2146 438X``."""
    s = normalize_isni(value)
    return " ".join(s[i : i + 4] for i in range(0, 16, 4))


# --- ISO 7064 MOD 37,36: GRid and DDEX party ID -------------------------------------------------------


def mod37_36_check_char(body: str) -> str:
    """ISO 7064 MOD 37,36 (hybrid system) check character of ``body`` (digits and upper-case letters)."""
    p = 36
    for ch in body:
        p = (p + _MOD37_ALPHABET.index(ch)) % 36 or 36
        p = (p * 2) % 37
    return _MOD37_ALPHABET[(37 - p) % 36]


def normalize_grid(value: str, *, field: str = "grid") -> str:
    """A Global Release Identifier: ``A1`` + issuer (5) + release number (10) + MOD 37,36 check character."""
    s = _compact(value, field)
    if s.startswith("GRID") and len(s) == 22:
        s = s[4:]
    if not _GRID.match(s):
        raise _fail(field, value, "is not a GRid: expected A1-XXXXX-XXXXXXXXXX-C (18 letters/digits)")
    expected = mod37_36_check_char(s[:17])
    if s[17] != expected:
        raise _fail(field, value, f"has a wrong GRid check character {s[17]} (expected {expected})")
    return s


def is_valid_grid(value: str) -> bool:
    return _is_valid(normalize_grid, value)


def is_valid_dpid(value: str) -> bool:
    """A DDEX Party ID: ``PADPIDA``, 10 letters/digits and a MOD 37,36 check character (``PADPIDA2014120401D``)."""
    return _is_valid(normalize_dpid, value)


def is_placeholder_dpid(value: str | None) -> bool:
    """A DPID that only stands in for the real one: empty, all zeros, a known neutral value, or ``SETME``."""
    if not value or not value.strip():
        return True
    s = value.strip().upper()
    return s in PLACEHOLDER_DPIDS or "SETME" in s or (s.startswith("PADPIDA") and set(s[7:17]) <= {"0"})


def normalize_dpid(value: str, *, field: str = "dpid") -> str:
    """The DPID as DDEX writes it (upper case, no spaces), its check character verified."""
    s = value.strip().upper().replace(" ", "") if isinstance(value, str) else value
    if not isinstance(s, str) or not _DPID.match(s):
        raise _fail(field, value, "is not a DDEX party ID: expected PADPIDA followed by 11 letters/digits")
    expected = mod37_36_check_char(s[:17])
    if s[17] != expected:
        raise _fail(field, value, f"has a wrong DDEX party ID check character {s[17]} (expected {expected}): "
                                  "copy the DPID exactly as DDEX issued it")
    return s


# --- Territories and languages ---------------------------------------------------------------------


def is_territory(code: str, *, allow_historic: bool = False) -> bool:
    """ISO 3166-1 alpha-2 (upper case) or ``Worldwide``; with ``allow_historic`` also withdrawn DDEX codes."""
    if not isinstance(code, str):
        return False
    if code in TERRITORIES:
        return True
    return allow_historic and code in EXTRA_DDEX_TERRITORIES


def normalize_territory(code: str, *, field: str = "territory") -> str:
    """Upper-case ISO code or ``Worldwide`` (``ww``/``world`` accepted); ``UK`` gets a hint to use ``GB``."""
    if not isinstance(code, str):
        raise _fail(field, code, "is not text")
    s = code.strip()
    if s.lower() in ("worldwide", "world", "ww"):
        return "Worldwide"
    s = s.upper()
    if s in TERRITORIES:
        return s
    if s == "UK":
        raise _fail(field, code, "is not an ISO 3166-1 code: the United Kingdom is GB")
    if s in EXTRA_DDEX_TERRITORIES:
        raise _fail(field, code, f"is a withdrawn or sub-national code ({territory_name(s)}): use a current ISO code")
    raise _fail(field, code, "is not an ISO 3166-1 alpha-2 territory code (or Worldwide)")


def territory_name(code: str) -> str | None:
    for table in (ISO_3166_1, DDEX_TERRITORIES, DDEX_SUBDIVISIONS, HISTORIC_TERRITORIES):
        if code in table:
            return table[code]
    return None


def _is_language_subtag(lang: str) -> bool:
    lang = lang.lower()
    if len(lang) == 2:
        return lang in LANGUAGES_639_1
    return lang in LANGUAGES_639_2 or "qaa" <= lang <= "qtz"


def is_language(code: str) -> bool:
    """ISO 639-1 (``en``), ISO 639-2 T or B (``eng``, ``ger``), or BCP-47 built on them (``en-GB``, ``zh-Hant``)."""
    if not isinstance(code, str):
        return False
    m = _BCP47.match(code.replace("_", "-"))
    if not m or not _is_language_subtag(m.group("lang")):
        return False
    region = m.group("region")
    return region is None or region.isdigit() or region.upper() in ISO_3166_1 or region.upper() == "XK"


def normalize_language(code: str, *, field: str = "language") -> str:
    """Canonical BCP-47 casing: ``EN_gb`` -> ``en-GB``, ``zh-hant-tw`` -> ``zh-Hant-TW``."""
    if not is_language(code):
        raise _fail(field, code, "is not an ISO 639 language code (en, eng, en-GB...)")
    parts = code.strip().replace("_", "-").split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())
        elif len(part) == 2 and part.isalpha():
            out.append(part.upper())
        else:
            out.append(part.lower())
    return "-".join(out)


def language_name(code: str) -> str | None:
    lang = code.replace("_", "-").split("-")[0].lower()
    lang = ISO_639_2_B.get(lang, lang)
    return ISO_639_1.get(lang) or ISO_639_2.get(lang)


def _is_valid(normalize, value: object) -> bool:  # type: ignore[no-untyped-def]
    try:
        normalize(value)
    except ValidationError:
        return False
    return True
