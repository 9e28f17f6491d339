"""The release wizard's fields: labels, steps and per-field checks run as the user types (no Textual).

Each check turns the typed text into the stored value or raises ``ValidationError`` with a short
message; identifiers are checked by ``stardust_tui.domain.identifiers`` (never re-implemented here).
A hint (e.g. the UPC check digit the body needs) is offered alongside errors when it helps.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from stardust_tui.domain import identifiers as ids
from stardust_tui.domain import limits, validation
from stardust_tui.domain.limits import PARTY, RELEASE
from stardust_tui.errors import ValidationError

STEPS = ("basics", "tracks", "artwork", "metadata", "deals", "review")


@dataclass(frozen=True)
class FieldCheck:
    """The outcome of checking one field's text: the value to store, or what is wrong with it."""

    ok: bool
    value: Any = None
    message: str = ""
    hint: str = ""


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    step: str
    parse: Callable[[str], Any]
    placeholder: str = ""
    required: bool = False


def _text(limit: int) -> Callable[[str], str | None]:
    def parse(text: str) -> str | None:
        text = text.strip()
        problem = validation.text_problem(text, limit)  # length and characters, as the store judges them
        if problem:
            raise ValidationError(problem)
        return text or None
    return parse


def _required(limit: int) -> Callable[[str], str]:
    inner = _text(limit)

    def parse(text: str) -> str:
        value = inner(text)
        if not value:
            raise ValidationError("required")
        return value
    return parse


def _upc(text: str) -> str | None:
    return ids.normalize_upc(text) if text.strip() else None


def _year(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not re.fullmatch(r"[0-9]{4}", text) or validation.number_problem(int(text), limits.YEAR, integer=True):
        raise ValidationError(f"a year like 2024 ({limits.YEAR.describe()})")
    return int(text)


def _date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValidationError("a date as YYYY-MM-DD") from None
    problem = validation.date_problem(day)
    if problem:
        raise ValidationError(problem)
    return day


def _language(text: str) -> str | None:
    text = text.strip()
    if text and not ids.is_language(text):
        raise ValidationError(f"{text!r} is not an ISO 639 language code (en, fra, pt-BR)")
    return text or None


def parse_territories(text: str) -> list[str]:
    """Comma/space separated ISO 3166-1 codes or Worldwide; each code is checked."""
    codes = [c for c in re.split(r"[\s,;]+", text.strip()) if c]
    codes = ["Worldwide" if c.lower() == "worldwide" else c.upper() for c in codes]
    bad = [c for c in codes if not ids.is_territory(c)]
    if bad:
        raise ValidationError(f"not a territory code: {', '.join(bad)} (use ISO 3166-1 like US, GB or Worldwide)")
    return codes


def _artists(text: str) -> list[str]:
    names = [n.strip() for n in re.split(r"\s*[,;]\s*", text.strip()) if n.strip()]
    if not names:
        raise ValidationError("at least one main artist")
    return names


FIELDS: dict[str, FieldSpec] = {f.name: f for f in (
    FieldSpec("title", "Title", "basics", _required(RELEASE["title"]), "Release title", required=True),
    FieldSpec("version", "Version", "basics", _text(RELEASE["version"]), "Deluxe, Remastered…"),
    FieldSpec("artists", "Main artists", "basics", _artists, "Artist A, Artist B", required=True),
    FieldSpec("label", "Label", "basics", _text(PARTY["name"]), "Label name"),
    FieldSpec("upc", "UPC / EAN", "basics", _upc, "12 or 13 digits"),
    FieldSpec("catalog_number", "Catalog number", "basics", _text(RELEASE["catalog_number"]), "ABC-001"),
    FieldSpec("genre", "Genre", "metadata", _text(RELEASE["genre"]), "Electronic"),
    FieldSpec("subgenre", "Subgenre", "metadata", _text(RELEASE["subgenre"]), "House"),
    FieldSpec("language", "Language", "metadata", _language, "en"),
    FieldSpec("p_line_year", "℗ year", "metadata", _year, "2024"),
    FieldSpec("p_line", "℗ line", "metadata", _text(RELEASE["p_line"]), "2024 Label Name"),
    FieldSpec("c_line_year", "© year", "metadata", _year, "2024"),
    FieldSpec("c_line", "© line", "metadata", _text(RELEASE["c_line"]), "2024 Label Name"),
    FieldSpec("release_date", "Release date", "metadata", _date, "YYYY-MM-DD"),
    FieldSpec("original_release_date", "Original release date", "metadata", _date, "YYYY-MM-DD"),
    FieldSpec("territories", "Territories", "deals", parse_territories, "Worldwide or US, GB, DE"),
    FieldSpec("excluded_territories", "Excluded territories", "deals",
              lambda t: parse_territories(t) if t.strip() else [], "e.g. CU, KP"),
    FieldSpec("deal_start", "Deal start", "deals", _date, "YYYY-MM-DD (defaults to release date)"),
    FieldSpec("deal_end", "Deal end", "deals", _date, "YYYY-MM-DD or empty"),
)}


def upc_hint(text: str) -> str:
    """For a UPC/EAN with a wrong or missing check digit, say which digit the body needs."""
    digits = re.sub(r"[\s\-._/]", "", text)
    if not (digits.isascii() and digits.isdigit()):
        return ""
    if len(digits) in (11, 12) and not ids.is_valid_upc(digits):
        body = digits if len(digits) == 11 else digits[:-1]
        return f"check digit for {body} is {ids.gtin_check_digit(body)} → {body}{ids.gtin_check_digit(body)}"
    return ""


def check_field(name: str, text: str) -> FieldCheck:
    """Check what the user typed into field ``name``."""
    spec = FIELDS[name]
    try:
        value = spec.parse(text)
    except ValidationError as exc:
        hint = upc_hint(text) if name == "upc" else ""
        return FieldCheck(ok=False, message=exc.message, hint=hint)
    return FieldCheck(ok=True, value=value)


def field_text(value: Any) -> str:
    """How a stored value is shown in its input."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
