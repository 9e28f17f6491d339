"""The version-neutral records an ERN message is read into, and the value readers both parsers share.

:mod:`stardust_tui.ern.parse` chooses the parser by version (:mod:`.parse_382`, :mod:`.parse_4x`);
each fills a :class:`ParsedRelease` (main release, tracks in resource-group order, front cover, deals,
and what could not be represented). No database access.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from lxml import etree

_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")
WARNINGS = {"Explicit": "explicit", "ExplicitContentEdited": "edited", "NotExplicit": "not-explicit"}


@dataclass
class PersonRecord:
    name: str
    role: str
    isni: str | None = None


@dataclass
class FileRecord:
    name: str
    md5: str | None = None
    size: int | None = None
    codec: str | None = None
    sample_rate: int | None = None
    bit_depth: int | None = None
    channels: int | None = None
    width: int | None = None
    height: int | None = None


@dataclass
class TrackRecord:
    ref: str
    disc: int
    number: int
    title: str
    isrc: str | None = None
    subtitle: str | None = None
    display_artist: str = ""
    artists: list[PersonRecord] = field(default_factory=list)
    contributors: list[PersonRecord] = field(default_factory=list)
    duration: float | None = None
    explicit: bool = False
    p_line_year: int | None = None
    p_line: str | None = None
    language: str | None = None
    genre: str | None = None
    preview_start: float | None = None
    file: FileRecord | None = None


@dataclass
class DealRecord:
    territories: list[str]
    excluded: list[str]
    commercial_models: list[str]
    use_types: list[str]
    start: datetime
    end: datetime | None
    price_tier: str | None
    on_release: bool = False
    on_tracks: bool = False


@dataclass
class ParsedRelease:
    version: str
    message_id: str | None
    title: str
    subtitle: str | None = None
    upc: str | None = None
    catalog_number: str | None = None
    grid: str | None = None
    release_type: str = "album"
    display_artist: str = ""
    artists: list[PersonRecord] = field(default_factory=list)
    label: str | None = None
    genre: str | None = None
    subgenre: str | None = None
    p_line_year: int | None = None
    p_line: str | None = None
    c_line_year: int | None = None
    c_line: str | None = None
    release_date: date | None = None
    original_release_date: date | None = None
    parental_advisory: str = "not-explicit"
    tracks: list[TrackRecord] = field(default_factory=list)
    cover: FileRecord | None = None
    deals: list[DealRecord] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def text(el: etree._Element | None, path: str | None = None) -> str | None:
    node = el if path is None or el is None else el.find(path)
    if node is None or node.text is None:
        return None
    value = " ".join(node.text.split())
    return value or None


def duration_seconds(value: str | None) -> float | None:
    if not value:
        return None
    m = _DURATION.match(value.strip())
    if not m:
        return None
    days, hours, minutes, seconds = m.groups()
    return (int(days or 0) * 86400 + int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds or 0))


def parse_when(value: str | None, *, end: bool = False) -> datetime | None:
    if not value:
        return None
    v = value.strip().replace("Z", "+00:00")
    try:
        if "T" in v:
            dt = datetime.fromisoformat(v)
            return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
        if len(v) == 4:
            v += "-12-31" if end else "-01-01"
        elif len(v) == 7:
            v += "-01"
        return datetime.combine(date.fromisoformat(v[:10]), datetime.min.time(), tzinfo=UTC)
    except ValueError:
        return None


def parse_day(value: str | None) -> date | None:
    when = parse_when(value)
    return when.date() if when else None


def int_or_none(value: str | None) -> int | None:
    try:
        return int(float(value)) if value else None
    except ValueError:
        return None


def sample_rate_hz(el: etree._Element | None) -> int | None:
    if el is None or not el.text:
        return None
    try:
        value = float(el.text)
    except ValueError:
        return None
    unit = (el.get("UnitOfMeasure") or ("kHz" if value < 1000 else "Hz")).lower()
    factor = {"hz": 1, "khz": 1000, "mhz": 1_000_000, "ghz": 1_000_000_000}.get(unit, 1)
    return round(value * factor)


def role_of(el: etree._Element | None) -> str | None:
    if el is None:
        return None
    value = text(el)
    if value == "UserDefined" and el.get("UserDefinedValue"):
        return el.get("UserDefinedValue")
    return value


def release_type(value: str | None, skipped: list[str]) -> str:
    mapping = {"Album": "album", "EP": "ep", "Single": "single", "ClassicalAlbum": "album"}
    if value in mapping:
        return mapping[value]
    if value:
        skipped.append(f"release type {value!r} imported as album")
    return "album"


def find_all(el: etree._Element, *paths: str) -> list[Any]:
    out: list[Any] = []
    for path in paths:
        out.extend(el.findall(path))
    return out
