"""Request field types built on the domain's checks (``domain/limits.py``, ``domain/validation.py``).

The same functions type the CLI's options (``cli/params.py``), so a value the CLI refuses is refused
here with the same sentence, reported at its JSON field path (422). The store checks every save again.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Path as PathParam
from pydantic import AfterValidator, Field

from stardust_tui.domain import limits as L
from stardust_tui.domain import validation as v


def _text(limit: int, required: bool) -> Any:
    def check(value: str) -> str:
        problem = v.text_problem(value, limit, required=required)
        if problem:
            raise ValueError(problem)
        return value

    # maxLength/minLength are documented in the schema but checked by the domain (its wording, its limit)
    schema = {"maxLength": limit, **({"minLength": 1} if required else {})}
    return Annotated[str, Field(json_schema_extra=schema), AfterValidator(check)]


def _day(value: date) -> date:
    problem = v.date_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _number(span: L.Span, integer: bool) -> Any:
    def check(value: float) -> float:
        problem = v.number_problem(value, span, integer=integer)
        if problem:
            raise ValueError(problem)
        return value

    kind = int if integer else float
    return Annotated[kind, Field(ge=span.lo, le=span.hi), AfterValidator(check)]


def text(limit: int, *, required: bool = False) -> Any:
    """A text of at most ``limit`` characters without control characters (``required``: not blank)."""
    return _text(limit, required)


Day = Annotated[date, AfterValidator(_day)]
"""A date (YYYY-MM-DD) within the catalog's dates."""
Title = text(L.RELEASE["title"], required=True)
Name = text(L.PARTY["name"], required=True)
OptName = text(L.PARTY["name"])
Code = text(32)
Genre = text(L.RELEASE["genre"])
Line = text(L.RELEASE["p_line"])
Vocab = text(L.VOCABULARY_VALUE, required=True)
TerritoryCode = text(16, required=True)
TargetName = text(L.TARGET["name"], required=True)
Priority = _number(L.PRIORITY, True)
DiscNumber = _number(L.DISC_NUMBER, True)
TrackNumber = _number(L.TRACK_NUMBER, True)
Duration = _number(L.DURATION_SECONDS, False)
Identifier = _number(L.ID, True)
Year = _number(L.YEAR, True)
PreviewStart = _number(L.PREVIEW_START_SECONDS, False)
Concurrency = _number(L.CONCURRENCY, True)
PageSize = Annotated[int, Field(ge=1, le=500)]
Ref = Annotated[str, PathParam(min_length=1, max_length=64, description="A release id, UPC/EAN or GRid")]
AssetRef = Annotated[str, PathParam(min_length=1, max_length=64, description="An asset id or SHA-256 (prefix)")]
TrackId = Annotated[int, PathParam(ge=L.ID.lo, le=L.ID.hi, description="A track's id (see GET …/tracks)")]
TargetRef = Annotated[str, PathParam(min_length=1, max_length=100, description="A target name or id")]


def _language(value: str) -> str:
    problem = v.language_problem(value) if value else None
    if problem:
        raise ValueError(problem)
    return value


Language = Annotated[str, Field(json_schema_extra={"maxLength": L.RELEASE["language"]}), AfterValidator(_language)]
"""An ISO 639 language code (en, fra, pt-BR); "" clears it."""
