"""What the catalog accepts: value checks against domain/limits.py and the DDEX vocabularies.

Every entry point (CLI options, TUI fields, importers, services, the store's save) asks these functions,
so a value is judged the same way wherever it is typed. ``*_problem`` functions return what is wrong (or
None); ``check_*`` raise :class:`ValidationError` naming the field. :mod:`stardust_tui.domain.release_validation`
applies them to a release and its children.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from stardust_tui.domain import ddex_avs as avs
from stardust_tui.domain import enums
from stardust_tui.domain import limits as L
from stardust_tui.domain.identifiers import is_language, is_territory
from stardust_tui.domain.release_types import RELEASE_TYPES, is_ddex_release_type
from stardust_tui.errors import ValidationError

ALLOWED_COMMERCIAL_MODELS: frozenset[str] = avs.COMMERCIAL_MODELS_4 | avs.COMMERCIAL_MODELS_382
"""DDEX CommercialModelType values of any supported ERN version."""
ALLOWED_USE_TYPES: frozenset[str] = avs.USE_TYPES_4 | avs.USE_TYPES_382
"""DDEX UseType values of any supported ERN version."""
ALLOWED_ARTIST_ROLES: frozenset[str] = (
    frozenset(r.value for r in enums.ArtistRole) | avs.DISPLAY_ARTIST_ROLES_4 | avs.ARTIST_ROLES_382)
"""Display-artist roles: the catalog's own plus DDEX DisplayArtistRole / 3.8.2 ArtistRole."""
ALLOWED_CONTRIBUTOR_ROLES: frozenset[str] = (
    frozenset(enums.CONTRIBUTOR_ROLES) | avs.CONTRIBUTOR_ROLES | avs.CONTRIBUTOR_ROLES_4
    | avs.RESOURCE_CONTRIBUTOR_ROLES_382
    | avs.WORK_CONTRIBUTOR_ROLES_382)
"""Contributor roles: the catalog's list plus every DDEX contributor role."""

USER_DEFINED = "UserDefined:"
"""The prefix of a value the user chose outside a DDEX set on purpose (``UserDefined:FollowGated``); the ERN
builders write it as ``UserDefined`` with the rest as ``UserDefinedValue`` (the CSV importer's spelling)."""


def vocabulary_problem(value: Any, allowed: Iterable[str], what: str) -> str | None:
    """:func:`choice_problem` for a DDEX vocabulary, where an explicit ``UserDefined:<value>`` (clean text)
    also passes (DDEX ingest stores a message's user-defined values that way)."""
    if isinstance(value, str) and value.startswith(USER_DEFINED):
        problem = text_problem(value[len(USER_DEFINED):], L.VOCABULARY_VALUE, required=True)
        return f"user-defined {what}: {problem}" if problem else None
    problem = choice_problem(value, allowed, what)
    return problem[:-1] + f"; or {USER_DEFINED}<value>)" if problem and problem.endswith(")") else problem


# C0 controls and DEL (no stored field is multi-line), lone surrogates (undecodable command-line bytes) and
# the two XML non-characters: none can be written to an ERN message or printed safely.
_BAD_CHARS = re.compile("[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")

def text_problem(value: Any, limit: int, *, required: bool = False) -> str | None:
    """Why ``value`` cannot be stored as text of at most ``limit`` characters, or None."""
    if not isinstance(value, str):
        return f"expected text, got {type(value).__name__}"
    if required and not value.strip():
        return "required, cannot be empty"
    if len(value) > limit:
        return f"too long ({len(value)} characters, at most {limit})"
    bad = _BAD_CHARS.search(value)
    if bad:
        code = ord(bad.group())
        kind = "an undecodable byte" if 0xD800 <= code <= 0xDFFF else "a control character"
        return f"contains {kind} (U+{code:04X}) at character {bad.start() + 1}"
    return None


def check_text(value: Any, limit: int, *, field: str, required: bool = False) -> Any:
    """``value`` if it is acceptable text (None passes unless required), else ValidationError."""
    if value is None:
        if required:
            raise ValidationError("required, cannot be empty", where=field)
        return None
    problem = text_problem(value, limit, required=required)
    if problem:
        raise ValidationError(problem, where=field)
    return value


def number_problem(value: Any, span: L.Span, *, integer: bool = False) -> str | None:
    """Why ``value`` is not a number in ``span`` (NaN and infinities never are), or None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"expected a number, got {type(value).__name__}"
    if integer and not isinstance(value, int):
        return f"expected a whole number, got {value!r}"
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value} is not a finite number"
    if not span.lo <= value <= span.hi:
        shown = str(value) if len(str(value)) <= 30 else f"{str(value)[:12]}…({len(str(value))} digits)"
        return f"{shown} is out of range ({span.describe()})"
    return None


def check_number(value: Any, span: L.Span, *, field: str, integer: bool = False) -> Any:
    """``value`` if None or a number in ``span``, else ValidationError naming ``field``."""
    if value is None:
        return None
    problem = number_problem(value, span, integer=integer)
    if problem:
        raise ValidationError(problem, where=field)
    return value


def date_problem(value: Any) -> str | None:
    """Why a date (or date-time) falls outside the catalog's dates (:data:`limits.DATES`), or None."""
    if not isinstance(value, date):
        return f"expected a date, got {type(value).__name__}"
    day = value.date() if isinstance(value, datetime) else value
    first, last = L.DATES
    if not first <= day <= last:
        return f"{day.isoformat()} is out of range ({first.isoformat()} to {last.isoformat()})"
    return None


def check_date(value: Any, *, field: str) -> Any:
    if value is None:
        return None
    problem = date_problem(value)
    if problem:
        raise ValidationError(problem, where=field)
    return value


def choice_problem(value: Any, allowed: Iterable[str], what: str) -> str | None:
    """Why ``value`` is not one of ``allowed`` (with the closest allowed spellings), or None."""
    allowed = sorted(allowed)
    if isinstance(value, str) and value in allowed:
        return None
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "…"
    close = difflib.get_close_matches(str(value), allowed, n=3, cutoff=0.6) if len(str(value)) <= 200 else []
    if close:
        hint = f"did you mean {' or '.join(close)}?"
    elif len(allowed) <= 12:
        hint = f"one of {', '.join(allowed)}"
    else:
        hint = f"{len(allowed)} DDEX values, e.g. {', '.join(allowed[:4])}"
    return f"{shown} is not a {what} ({hint})"


def canonical_choice(value: str, allowed: Iterable[str]) -> str | None:
    """The allowed spelling of ``value`` ignoring case (``subscriptionmodel`` -> ``SubscriptionModel``)."""
    folded = value.casefold()
    return next((a for a in allowed if a.casefold() == folded), None)


def check_choice(value: Any, allowed: Iterable[str], *, what: str, field: str) -> Any:
    problem = choice_problem(value, allowed, what)
    if problem:
        raise ValidationError(problem, where=field)
    return value


def release_type_problem(value: Any) -> str | None:
    """Why ``value`` is not a release type the catalog stores: a DDEX ReleaseType of a supported ERN version
    (``domain/release_types.py``), or an explicit ``UserDefined:<value>``."""
    if isinstance(value, str) and is_ddex_release_type(value):
        return None
    return vocabulary_problem(value, RELEASE_TYPES, "DDEX release type")


def territory_problem(value: Any) -> str | None:
    if isinstance(value, str) and is_territory(value):
        return None
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "…"
    return f"{shown} is not an ISO 3166-1 territory code (or Worldwide)"


def language_problem(value: Any) -> str | None:
    if isinstance(value, str) and len(value) > L.RELEASE["language"]:
        return f"language tag too long ({len(value)} characters, at most {L.RELEASE['language']})"
    if isinstance(value, str) and is_language(value):
        return None
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "…"
    return f"{shown} is not an ISO 639 language code (en, fra, pt-BR)"

