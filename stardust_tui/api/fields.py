"""Request field types built on the domain's checks (``domain/limits.py``, ``domain/validation.py``).

The same functions type the CLI's options (``cli/params.py``), so a value the CLI refuses is refused
here with the same sentence, reported at its JSON field path (422). The store checks every save again.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Path as PathParam
from pydantic import AfterValidator, Field
from pydantic.fields import FieldInfo
from pydantic.json_schema import JsonDict

from stardust_tui.domain import limits as L
from stardust_tui.domain import validation as v


def text_rules(limit: int, *, required: bool = False) -> tuple[FieldInfo, AfterValidator]:
    """The pydantic metadata of a text of at most ``limit`` characters without control characters
    (``required``: not blank), for ``Annotated[str, *text_rules(limit)]``: the type checker sees a ``str``."""
    def check(value: str) -> str:
        problem = v.text_problem(value, limit, required=required)
        if problem:
            raise ValueError(problem)
        return value

    # maxLength/minLength are documented in the schema but checked by the domain (its wording, its limit)
    schema: JsonDict = {"maxLength": limit, **({"minLength": 1} if required else {})}
    return Field(json_schema_extra=schema), AfterValidator(check)


def _day(value: date) -> date:
    problem = v.date_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def number_rules(span: L.Span, *, integer: bool) -> tuple[FieldInfo, AfterValidator]:
    """The pydantic metadata of a number within ``span`` (``integer``: a whole one), for
    ``Annotated[int, *number_rules(span, integer=True)]`` (or ``float`` and ``integer=False``)."""
    def check(value: float) -> float:
        problem = v.number_problem(value, span, integer=integer)
        if problem:
            raise ValueError(problem)
        return value

    return Field(ge=span.lo, le=span.hi), AfterValidator(check)


Day = Annotated[date, AfterValidator(_day)]
"""A date (YYYY-MM-DD) within the catalog's dates."""
Title = Annotated[str, *text_rules(L.RELEASE["title"], required=True)]
Name = Annotated[str, *text_rules(L.PARTY["name"], required=True)]
OptName = Annotated[str, *text_rules(L.PARTY["name"])]
Code = Annotated[str, *text_rules(32)]
Genre = Annotated[str, *text_rules(L.RELEASE["genre"])]
Line = Annotated[str, *text_rules(L.RELEASE["p_line"])]
Vocab = Annotated[str, *text_rules(L.VOCABULARY_VALUE, required=True)]
TerritoryCode = Annotated[str, *text_rules(16, required=True)]
TargetName = Annotated[str, *text_rules(L.TARGET["name"], required=True)]
Priority = Annotated[int, *number_rules(L.PRIORITY, integer=True)]
DiscNumber = Annotated[int, *number_rules(L.DISC_NUMBER, integer=True)]
TrackNumber = Annotated[int, *number_rules(L.TRACK_NUMBER, integer=True)]
Duration = Annotated[float, *number_rules(L.DURATION_SECONDS, integer=False)]
Identifier = Annotated[int, *number_rules(L.ID, integer=True)]
Year = Annotated[int, *number_rules(L.YEAR, integer=True)]
PreviewStart = Annotated[float, *number_rules(L.PREVIEW_START_SECONDS, integer=False)]
Concurrency = Annotated[int, *number_rules(L.CONCURRENCY, integer=True)]
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


_LANGUAGE_SCHEMA: JsonDict = {"maxLength": L.RELEASE["language"]}
Language = Annotated[str, Field(json_schema_extra=_LANGUAGE_SCHEMA), AfterValidator(_language)]
"""An ISO 639 language code (en, fra, pt-BR); "" clears it."""
