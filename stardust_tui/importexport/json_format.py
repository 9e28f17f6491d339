"""The project's own catalog JSON format (version 1), and its conversion to import drafts.

Layout (written by ``stardust export --format json``; one release per line so that both sides stream)::

    {"format": "stardust-catalog", "version": 1, "releases": [
    {"upc": "012345678905", "title": "...", ...},
    {...}
    ]}

Each release object is the catalog store's canonical snapshot (``snapshot_release``), keys sorted:

- release: ``upc``, ``catalog_number``, ``title``, ``version``, ``display_artist``, ``release_type``
  (album|ep|single|compilation), ``genre``, ``subgenre``, ``p_line_year``, ``p_line``, ``c_line_year``,
  ``c_line``, ``release_date`` and ``original_release_date`` (ISO dates), ``parental_advisory``
  (explicit|not-explicit|edited|unknown), ``language``, ``status``, ``label`` (name), ``cover_sha256``;
- ``artists``: ``[{"name", "isni", "role"}]`` in display order; ``credits``: ``[{"name", "isni", "role",
  "instrument"}]``;
- ``deals``: ``[{"territories", "excluded_territories", "commercial_models", "use_types", "start", "end"
  (ISO date-times), "price_tier", "applies_to_tracks"}]``;
- ``tracks``: ``[{"disc_number", "track_number", "isrc", "title", "version", "display_artist",
  "duration_seconds", "explicit", "p_line_year", "p_line", "language", "genre", "preview_start_seconds",
  "audio_sha256", "artists", "credits"}]``.

Assets are referenced by SHA-256 (the asset store's key): on import they are linked when the store holds
them (a backup restore brings them), otherwise the import warns and leaves them unlinked. Database ids and
timestamps are not exported. Readers must refuse a ``version`` they do not know.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from stardust_tui.domain.identifiers import normalize_isni
from stardust_tui.domain.validation import (
    ALLOWED_COMMERCIAL_MODELS,
    ALLOWED_USE_TYPES,
    territory_problem,
    vocabulary_problem,
)
from stardust_tui.errors import StardustError
from stardust_tui.importexport.cells import parse_value
from stardust_tui.importexport.records import DealDraft, ReleaseDraft, TrackDraft
from stardust_tui.importexport.report import ImportReport, Issue

FORMAT_NAME = "stardust-catalog"
FORMAT_VERSION = 1
HEADER = f'{{"format": "{FORMAT_NAME}", "version": {FORMAT_VERSION}, "releases": ['
FOOTER = "]}"

_KINDS = {"upc": "upc", "release_date": "date", "original_release_date": "date", "release_type": "release_type",
          "parental_advisory": "advisory", "status": "status", "cover_sha256": "sha256", "language": "language"}
_TRACK_KINDS = {"isrc": "isrc", "audio_sha256": "sha256", "language": "language"}
_TEXT = ("catalog_number", "title", "version", "display_artist", "genre", "subgenre", "p_line", "c_line", "label")
_TRACK_TEXT = ("title", "version", "display_artist", "p_line", "genre")


def release_line(snapshot: dict[str, Any]) -> str:
    """One release as it is written in the file (compact, keys sorted)."""
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


class _Bad(Exception):
    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message


def _typed(data: dict[str, Any], key: str, kind: str | None, path: str) -> Any:
    value = data.get(key)
    if value is None or value == "":
        return None
    try:
        if kind is None:
            if not isinstance(value, str):
                raise ValueError(f"expected text, got {type(value).__name__}")
            return parse_value("text", value, False)
        return parse_value(kind, str(value), False)
    except (ValueError, StardustError) as exc:
        raise _Bad(path + key, exc.message if isinstance(exc, StardustError) else str(exc)) from None


def _num(data: dict[str, Any], key: str, path: str, *, integer: bool = False) -> Any:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or (integer and not isinstance(value, int)):
        raise _Bad(path + key, f"expected a {'whole ' if integer else ''}number, got {value!r}"[:200])
    if not -1e9 < value < 1e9:
        raise _Bad(path + key, "number out of range")
    return value


def _people(items: Any, path: str, credit: bool = False) -> list[tuple]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise _Bad(path, "expected a list")
    out = []
    for i, item in enumerate(items):
        where = f"{path}[{i}]."
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            raise _Bad(where + "name", "expected an object with a name")
        role = item.get("role") or ("Contributor" if credit else "MainArtist")
        if not isinstance(role, str) or len(role) > 64 or len(item["name"]) > 500:
            raise _Bad(where + "role", "bad role or name too long")
        isni = _isni(item.get("isni"), where + "isni")
        instrument = item.get("instrument") if isinstance(item.get("instrument"), str) else None
        out.append((item["name"], role, isni, instrument) if credit else (item["name"], role, isni))
    return out


def _isni(value: Any, path: str) -> str | None:
    """An ISNI with its MOD 11-2 check character verified (spaces/hyphens and an 'ISNI' prefix allowed)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _Bad(path, f"expected an ISNI as text, got {type(value).__name__}")
    try:
        return normalize_isni(value)
    except StardustError as exc:
        raise _Bad(path, exc.message) from None


def _strings(value: Any, path: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and len(v) <= 100 for v in value):
        raise _Bad(path, "expected a list of short strings")
    return list(value)


def snapshot_to_draft(data: Any, file: str, line: int, report: ImportReport) -> ReleaseDraft | None:
    """A release object of the own format → a draft; problems are reported with line and field path."""
    draft = ReleaseDraft(file=file, line=line, last_line=line)
    try:
        if not isinstance(data, dict):
            raise _Bad("release", "expected a JSON object")
        for key in _TEXT:
            setattr(draft, "label" if key == "label" else key, _typed(data, key, None, ""))
        typed_type: tuple[str, bool] | None = None  # release_type parses to (DDEX type, compilation)
        for key, kind in _KINDS.items():
            value = _typed(data, key, kind, "")
            if key == "release_type":
                typed_type = value
            elif value is not None:
                setattr(draft, key, value)
        draft.grid = _typed(data, "grid", None, "")
        if data.get("resources"):  # issue 18's videos/images/texts: not carried by this importer (yet)
            report.warning(f"{len(data['resources'])} release resource(s) (videos, images, texts...) are not "
                           "imported from catalog JSON; re-import them from the DDEX message", file=file, line=line,
                           column="resources", release=str(data.get("upc") or data.get("title") or ""))
        draft.details = _details(data, "")
        if typed_type is not None:
            draft.release_type, compilation = typed_type
            draft.is_compilation = compilation or bool(data.get("is_compilation"))
        draft.title = draft.title or ""
        draft.display_artist = draft.display_artist or ""
        for key in ("p_line_year", "c_line_year"):
            setattr(draft, key, _num(data, key, "", integer=True))
        draft.artists = _people(data.get("artists"), "artists")
        draft.credits = _people(data.get("credits"), "credits", credit=True)
        deals = data.get("deals") or []
        if not isinstance(deals, list):
            raise _Bad("deals", "expected a list")
        for i, deal in enumerate(deals):
            draft.deals.append(_deal(deal, f"deals[{i}]."))
        tracks = data.get("tracks") or []
        if not isinstance(tracks, list):
            raise _Bad("tracks", "expected a list")
        for i, t in enumerate(tracks):
            draft.tracks.append(_track(t, f"tracks[{i}].", line))
    except _Bad as bad:
        issue = Issue("error", bad.message, file, line, bad.field, draft.upc or draft.title or None)
        report.add(issue)
        draft.errors.append(issue)
    return draft


def _details(data: dict[str, Any], path: str) -> dict[str, Any] | None:
    value = data.get("details")
    if value is None or value == {}:
        return None
    if not isinstance(value, dict):
        raise _Bad(path + "details", "expected an object")
    return value


def _checked(values: list[str], field: str, problem: Callable[[str], str | None]) -> list[str]:
    """``values`` when each passes the catalog's check (domain/validation.py), else a bad field."""
    for value in values:
        found = problem(value)
        if found:
            raise _Bad(field, found)
    return values


def _deal(deal: Any, path: str) -> DealDraft:
    if not isinstance(deal, dict):
        raise _Bad(path[:-1], "expected an object")
    territories = _strings(deal.get("territories"), path + "territories") or ["Worldwide"]
    _checked(territories, path + "territories", territory_problem)
    excluded = _checked(_strings(deal.get("excluded_territories"), path + "excluded_territories"),
                        path + "excluded_territories", territory_problem)
    models = _checked(_strings(deal.get("commercial_models"), path + "commercial_models"), path + "commercial_models",
                      lambda m: vocabulary_problem(m, ALLOWED_COMMERCIAL_MODELS, "DDEX commercial model"))
    uses = _checked(_strings(deal.get("use_types"), path + "use_types"), path + "use_types",
                    lambda u: vocabulary_problem(u, ALLOWED_USE_TYPES, "DDEX use type"))
    start = _typed(deal, "start", "datetime", path)
    return DealDraft(
        territories=territories, excluded_territories=excluded, commercial_models=models, use_types=uses,
        start=start,
        end=_typed(deal, "end", "datetime", path), price_tier=_typed(deal, "price_tier", None, path),
        applies_to_tracks=bool(deal.get("applies_to_tracks", True)), is_preorder=bool(deal.get("is_preorder")),
        instant_gratification=_strings(deal.get("instant_gratification"), path + "instant_gratification"))


def _track(t: Any, path: str, line: int) -> TrackDraft:
    if not isinstance(t, dict):
        raise _Bad(path[:-1], "expected an object")
    track = TrackDraft(line=line)
    for key in _TRACK_TEXT:
        setattr(track, key, _typed(t, key, None, path))
    for key, kind in _TRACK_KINDS.items():
        setattr(track, key, _typed(t, key, kind, path))
    track.title = track.title or ""
    track.display_artist = track.display_artist or ""
    track.disc_number = _num(t, "disc_number", path, integer=True) or 1
    track.track_number = _num(t, "track_number", path, integer=True)
    track.duration_seconds = _num(t, "duration_seconds", path)
    track.preview_start_seconds = _num(t, "preview_start_seconds", path)
    track.p_line_year = _num(t, "p_line_year", path, integer=True)
    track.explicit = bool(t.get("explicit", False))
    track.clean = t.get("parental_advisory") == "edited"
    track.details = _details(t, path)
    track.artists = _people(t.get("artists"), path + "artists")
    track.credits = _people(t.get("credits"), path + "credits", credit=True)
    return track
