"""Release and track drafts built from mapped rows, and the row → draft conversion with validation.

A draft is plain data (slots dataclasses, no ORM): building one costs microseconds, so a million rows
stay fast. :class:`RowConverter` turns the raw cells of one row into typed release and track values,
recording an :class:`~stardust_tui.importexport.report.Issue` (file, line, column, what is wrong) for
every bad cell. Release-level values repeated on track rows must agree; a disagreement is an error on the
later line.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from stardust_tui.domain.identifiers import is_language, is_territory, normalize_isrc, normalize_upc
from stardust_tui.errors import StardustError
from stardust_tui.importexport import values as v
from stardust_tui.importexport.fields import BY_NAME, CREDIT_FIELDS
from stardust_tui.importexport.report import Issue

RELEASE_TYPES = {"album": "album", "lp": "album", "ep": "ep", "single": "single", "compilation": "compilation",
                 "comp": "compilation", "various artists": "compilation", "mixtape": "album"}
ADVISORY = {"explicit": "explicit", "yes": "explicit", "y": "explicit", "true": "explicit", "1": "explicit",
            "not-explicit": "not-explicit", "notexplicit": "not-explicit", "not explicit": "not-explicit",
            "no": "not-explicit", "n": "not-explicit", "false": "not-explicit", "0": "not-explicit",
            "clean": "edited", "edited": "edited", "unknown": "unknown"}
STATUSES = ("draft", "ready", "delivered", "taken-down")
DEFAULT_MODELS = ["SubscriptionModel", "AdvertisementSupportedModel", "PayAsYouGoModel"]
DEFAULT_USE_TYPES = ["OnDemandStream", "PermanentDownload"]
MAX_TEXT = 1000


@dataclass(slots=True)
class TrackDraft:
    line: int
    disc_number: int = 1
    track_number: int | None = None
    isrc: str | None = None
    title: str = ""
    version: str | None = None
    display_artist: str = ""
    artists: list[tuple[str, str]] = field(default_factory=list)  # (name, role)
    duration_seconds: float | None = None
    explicit: bool = False
    p_line_year: int | None = None
    p_line: str | None = None
    language: str | None = None
    genre: str | None = None
    preview_start_seconds: float | None = None
    credits: list[tuple[str, str]] = field(default_factory=list)  # (name, role)
    audio_sha256: str | None = None


@dataclass(slots=True)
class DealDraft:
    territories: list[str]
    excluded_territories: list[str] = field(default_factory=list)
    commercial_models: list[str] = field(default_factory=list)
    use_types: list[str] = field(default_factory=list)
    start: datetime | None = None
    end: datetime | None = None
    price_tier: str | None = None
    applies_to_tracks: bool = True


@dataclass(slots=True)
class ReleaseDraft:
    file: str
    line: int
    upc: str | None = None
    catalog_number: str | None = None
    title: str = ""
    version: str | None = None
    display_artist: str = ""
    artists: list[tuple[str, str]] = field(default_factory=list)
    label: str | None = None
    release_type: str | None = None
    genre: str | None = None
    subgenre: str | None = None
    p_line_year: int | None = None
    p_line: str | None = None
    c_line_year: int | None = None
    c_line: str | None = None
    release_date: date | None = None
    original_release_date: date | None = None
    parental_advisory: str | None = None
    language: str | None = None
    status: str = "draft"
    cover_sha256: str | None = None
    deals: list[DealDraft] = field(default_factory=list)
    credits: list[tuple[str, str]] = field(default_factory=list)
    tracks: list[TrackDraft] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    last_line: int = 0
    values: dict[str, Any] = field(default_factory=dict)  # release-level values as first seen
    main_artists: list[tuple[str, str]] | None = None  # shared (read-only) by its plain tracks: see make_track

    @property
    def label_text(self) -> str:
        return self.upc or self.catalog_number or self.title or f"line {self.line}"


def split_artists(text: str, role: str = "MainArtist") -> list[tuple[str, str]]:
    return [(name, role) for name in v.parse_list(text)]


def display_of(text: str) -> str:
    """The display-artist text of a cell: ``A; B`` shows as ``A & B``."""
    names = v.parse_list(text)
    return " & ".join(names) if len(names) > 1 else (names[0] if names else "")


def _territories(text: str) -> list[str]:
    items = [t.upper() if len(t) == 2 else t for t in v.parse_list(text.replace(",", ";"))]
    out = []
    for t in items:
        if t.upper() in ("WW", "WORLD", "WORLDWIDE", "ALL"):
            out.append("Worldwide")
        elif is_territory(t):
            out.append(t)
        else:
            raise ValueError(f"{t!r} is not an ISO 3166-1 territory code (or Worldwide)")
    return out


def _credits(text: str) -> list[tuple[str, str]]:
    out = []
    for item in v.parse_list(text):
        role, sep, name = item.partition(":")
        if not sep or not role.strip() or not name.strip():
            raise ValueError(f"{item!r} is not 'Role: Name'")
        if len(name.strip()) > 500 or len(role.strip()) > 64:
            raise ValueError(f"{item!r} is too long")
        out.append((name.strip(), role.strip()))
    return out


def parse_value(kind: str, text: str, month_first: bool) -> Any:
    """Convert one non-empty cell by field kind; raises ValueError/StardustError with the reason."""
    if kind == "text":
        if len(text) > MAX_TEXT:
            raise ValueError(f"text is {len(text)} characters long (at most {MAX_TEXT})")
        return text
    if kind == "upc":
        return normalize_upc(text)
    if kind == "isrc":
        return normalize_isrc(text)
    if kind == "date":
        return v.parse_date(text, month_first=month_first)
    if kind == "datetime":
        return v.parse_datetime(text, month_first=month_first)
    if kind == "int":
        return v.parse_int(text, low=1, high=999)
    if kind == "year":
        return v.parse_year(text)
    if kind == "position":
        return v.parse_position(text)
    if kind == "duration":
        return v.parse_duration(text)
    if kind == "bool":
        return v.parse_bool(text)
    if kind == "list":
        items = v.parse_list(text)
        if any(len(i) > 500 for i in items):
            raise ValueError("a name is longer than 500 characters")
        return items
    if kind in ("pline", "cline"):
        year, owner = v.parse_copyright_line(text, "P" if kind == "pline" else "C")
        if len(owner) > 500:
            raise ValueError("copyright owner is longer than 500 characters")
        return year, owner
    if kind == "release_type":
        value = RELEASE_TYPES.get(text.strip().lower())
        if value is None:
            raise ValueError(f"{text!r} is not a release type (album, ep, single, compilation)")
        return value
    if kind == "advisory":
        value = ADVISORY.get(text.strip().lower())
        if value is None:
            raise ValueError(f"{text!r} is not explicit / not-explicit / edited / unknown")
        return value
    if kind == "language":
        if not is_language(text.strip()):
            raise ValueError(f"{text!r} is not an ISO 639 language code")
        return text.strip()
    if kind == "territories":
        return _territories(text)
    if kind == "status":
        value = text.strip().lower()
        if value not in STATUSES:
            raise ValueError(f"{text!r} is not a status ({', '.join(STATUSES)})")
        return value
    if kind == "credits":
        return _credits(text)
    if kind == "sha256":
        s = text.strip().lower()
        if len(s) != 64 or any(c not in "0123456789abcdef" for c in s):
            raise ValueError("not a SHA-256 hex digest")
        return s
    raise ValueError(f"unknown field kind {kind}")


def _text(text: str) -> str:
    if len(text) > MAX_TEXT:
        raise ValueError(f"text is {len(text)} characters long (at most {MAX_TEXT})")
    return text


_CANONICAL_ISRC = re.compile(r"[A-Z]{2}[A-Z0-9]{3}[0-9]{7}")  # no separators, upper case: normalize_isrc's output


def _isrc(text: str) -> str:
    """``normalize_isrc`` with the already-canonical cell (the usual one) taken as it is."""
    if len(text) == 12 and _CANONICAL_ISRC.fullmatch(text):
        return text
    return normalize_isrc(text)


# Kinds whose parse_value branch is a single call: called directly (no branch chain per cell).
_DIRECT: dict[str, Callable[[str], Any]] = {
    "text": _text, "upc": normalize_upc, "isrc": _isrc, "position": v.parse_position,
    "duration": v.parse_duration, "bool": v.parse_bool, "year": v.parse_year,
}


_UNIQUE: dict[str, Any] = {}  # marker (never filled): a field whose texts are unique per row
_MEMO_KINDS = frozenset({"position", "duration", "bool", "year", "int", "date", "datetime", "release_type",
                         "advisory", "status"})  # values are immutable (shared between rows safely)
_MEMO_SIZE = 4096
_MISSING = object()


def _memo_for(kind: str) -> dict[str, Any] | None:
    """How RowConverter remembers a field's parsed cells: None (the last text only), :data:`_UNIQUE`
    (never), or a fresh {text: value} dict for small-domain kinds with immutable values."""
    if kind in ("isrc", "sha256"):
        return _UNIQUE
    return {} if kind in _MEMO_KINDS else None


def parser_for(kind: str, month_first: bool) -> Callable[[str], Any]:
    """``parse_value`` for one field kind, as a one-argument function."""
    direct = _DIRECT.get(kind)
    if direct is not None:
        return direct
    return lambda text: parse_value(kind, text, month_first)


class RowConverter:
    """Typed values of one row: ``convert(cells, line) -> (release values, track values, failed fields)``."""

    def __init__(self, file: str, plan: list[tuple[int, str]], headers: list[str], report: Any, *,
                 defaults: dict[str, str] | None = None, month_first: bool = False, unescape: bool = False):
        self.file = file
        self.plan = [(i, name, BY_NAME[name], headers[i] if i < len(headers) else name,
                      parser_for(BY_NAME[name].kind, month_first), _memo_for(BY_NAME[name].kind)) for i, name in plan]
        self.report = report
        self.month_first = month_first
        self.unescape = unescape
        mapped = {name for _, name in plan}
        self.fallback = dict(defaults or {})
        self._cache: dict[str, tuple[str, Any]] = {}  # field -> (last raw text, its value)
        self._rel_plan = [p for p in self.plan if p[2].level == "release"]
        self._trk_plan = [p for p in self.plan if p[2].level == "track"]
        self._rel_idx = [p[0] for p in self._rel_plan]
        # the release cells of a full-length row as one tuple, in one C call
        self._rel_get = operator.itemgetter(*self._rel_idx) if len(self._rel_idx) >= 2 else None
        self._rel_max = max(self._rel_idx, default=0)
        self.defaults = {k: d for k, d in (defaults or {}).items()
                         if k not in mapped and BY_NAME[k].level == "release"}
        self._trk_defaults = {k: d for k, d in (defaults or {}).items()
                              if k not in mapped and BY_NAME[k].level == "track"}
        self._last_key: tuple[str, ...] | None = None
        self._last_rel: dict[str, Any] | None = None

    def convert(self, cells: list[str], line: int, release: str | None = None
                ) -> tuple[dict[str, Any], dict[str, Any], set[str]]:
        """Typed values of one row. When the release columns repeat the previous row's text exactly, the
        previous release dict itself is returned (``is`` the same object: nothing to re-check)."""
        n = len(cells)
        if self._rel_get is not None and n > self._rel_max:
            rel_key = self._rel_get(cells)
        else:
            rel_key = tuple(cells[i] if i < n else "" for i in self._rel_idx)
        failed: set[str] = set()
        if rel_key == self._last_key and self._last_rel is not None:
            rel = self._last_rel
        else:
            rel = {}
            self._convert(cells, n, self._rel_plan, rel, failed, line, release, self.defaults)
            self._last_key, self._last_rel = (rel_key, rel) if not failed else (None, None)
        trk: dict[str, Any] = {}
        self._convert(cells, n, self._trk_plan, trk, failed, line, release, self._trk_defaults)
        return rel, trk, failed

    def _convert(self, cells: list[str], n: int, plan: list[tuple[int, str, Any, str, Callable[[str], Any]]],
                 out: dict[str, Any], failed: set[str], line: int, release: str | None,
                 defaults: dict[str, str] | None) -> None:
        cache = self._cache
        unescape = self.unescape
        fallback = self.fallback
        for i, name, spec, header, parse, known in plan:
            raw = cells[i] if i < n else ""
            if unescape and raw[:1] == "'":
                raw = v.unescape_formula(raw)
            raw = raw.strip()
            if not raw:
                raw = fallback.get(name, "")
                if not raw:
                    continue
            if known is None:
                if parse is _text and len(raw) <= MAX_TEXT:  # plain text: nothing to parse or remember
                    out[name] = raw
                    continue
            elif known is _UNIQUE:  # a code unique per row (ISRC): remembering it never pays
                try:
                    out[name] = parse(raw)
                except (ValueError, StardustError) as exc:
                    self._bad(exc, spec, header, name, line, release, failed)
                continue
            else:  # few distinct texts, immutable values (track numbers, durations, flags, dates)
                found = known.get(raw, _MISSING)
                if found is not _MISSING:
                    out[name] = found
                    continue
                try:
                    value = parse(raw)
                except (ValueError, StardustError) as exc:
                    self._bad(exc, spec, header, name, line, release, failed)
                    continue
                if len(known) >= _MEMO_SIZE:
                    known.clear()
                known[raw] = out[name] = value
                continue
            hit = cache.get(name)
            if hit is not None and hit[0] == raw:
                out[name] = hit[1]
                continue
            try:
                value = parse(raw)
            except (ValueError, StardustError) as exc:
                self._bad(exc, spec, header, name, line, release, failed)
                continue
            cache[name] = (raw, value)
            out[name] = value
        for name, raw in (defaults or {}).items():
            spec = BY_NAME[name]
            hit = cache.get(name)
            if hit is not None and hit[0] == raw:
                out[name] = hit[1]
                continue
            try:
                value = parse_value(spec.kind, raw, self.month_first)
            except (ValueError, StardustError) as exc:
                self._bad(exc, spec, f"default {name}", name, line, release, failed)
                continue
            cache[name] = (raw, value)
            out[name] = value

    def _bad(self, exc: Exception, spec: Any, header: str, name: str, line: int, release: str | None,
             failed: set[str]) -> None:
        msg = exc.message if isinstance(exc, StardustError) else str(exc)
        self.report.error(f"{spec.help}: {msg}", file=self.file, line=line, column=header, release=release)
        failed.add(name)


def apply_release_values(draft: ReleaseDraft, values: dict[str, Any]) -> None:
    """Fill a release draft from converted release-level values (first row of the release)."""
    draft.values = values
    g = values.get
    draft.upc = g("upc")
    draft.catalog_number = g("catalog_number")
    draft.title = g("release_title", "")
    draft.version = g("release_version")
    artist_text = g("release_artist", "")
    draft.display_artist = g("release_display_artist") or display_of(artist_text)
    draft.artists = split_artists(artist_text) + [(n, "FeaturedArtist") for n in g("release_featured_artist", [])]
    draft.label = g("label")
    draft.release_type = g("release_type")
    draft.genre, draft.subgenre = g("genre"), g("subgenre")
    if "p_line" in values:
        draft.p_line_year, draft.p_line = values["p_line"][0], values["p_line"][1] or None
    if "c_line" in values:
        draft.c_line_year, draft.c_line = values["c_line"][0], values["c_line"][1] or None
    draft.p_line_year = g("p_line_year", draft.p_line_year)
    draft.c_line_year = g("c_line_year", draft.c_line_year)
    draft.release_date = g("release_date")
    draft.original_release_date = g("original_release_date")
    draft.parental_advisory = g("parental_advisory")
    draft.language = g("release_language")
    draft.cover_sha256 = g("cover_sha256")
    draft.credits = g("release_credits", [])
    draft.status = g("status", "draft")
    if any(k in values for k in ("territories", "commercial_models", "use_types", "deal_start")):
        start = g("deal_start")
        if start is None and draft.release_date is not None:
            d = draft.release_date
            start = datetime(d.year, d.month, d.day, tzinfo=UTC)
        draft.deals = [DealDraft(
            territories=g("territories") or ["Worldwide"], excluded_territories=g("excluded_territories", []),
            commercial_models=g("commercial_models") or list(DEFAULT_MODELS),
            use_types=g("use_types") or list(DEFAULT_USE_TYPES), start=start, end=g("deal_end"),
            price_tier=g("price_tier"))]


_CREDIT_ITEMS = tuple(CREDIT_FIELDS.items())


# the fields of a plain catalog row: make_track needs no look at the rarer ones
_COMMON_TRACK = frozenset({"disc_number", "track_number", "track_title", "isrc", "duration", "explicit"})


def make_track(values: dict[str, Any], line: int, release: ReleaseDraft) -> TrackDraft:
    g = values.get
    if values.keys() <= _COMMON_TRACK:
        disc = g("disc_number", 1)
        pos = g("track_number")
        number = None
        if pos is not None:
            pdisc, number = pos
            if pdisc is not None and "disc_number" not in values:
                disc = pdisc
        main = release.main_artists
        if main is None:  # one list for all the release's plain tracks (never changed after this)
            main = release.main_artists = [a for a in release.artists if a[1] == "MainArtist"]
        return TrackDraft(line, disc, number, g("isrc"), g("track_title", ""), None, release.display_artist,
                          main, g("duration"),
                          bool(g("explicit", False)), None, None, None, None, None, [], None)
    disc = values.get("disc_number", 1)
    number = None
    pos = g("track_number")
    if pos is not None:
        pdisc, number = pos
        if pdisc is not None and "disc_number" not in values:
            disc = pdisc
    artist_text = g("track_artist")
    if artist_text:
        display = display_of(artist_text)
        artists = split_artists(artist_text)
    else:
        display = release.display_artist
        artists = [a for a in release.artists if a[1] == "MainArtist"]
    display = g("track_display_artist") or display
    featured = g("featured_artist")
    if featured:
        artists += [(n, "FeaturedArtist") for n in featured]
    remixers = g("remixer")
    if remixers:
        artists += [(n, "Remixer") for n in remixers]
    p_line_year, p_line = None, None
    if "track_p_line" in values:
        p_line_year, p_line = values["track_p_line"][0], values["track_p_line"][1] or None
    credits: list[tuple[str, str]] = []
    for fname, role in _CREDIT_ITEMS:
        names = g(fname)
        if names:
            credits += [(n, role) for n in names]
    more = g("credits")
    if more:
        credits += more
    return TrackDraft(line, disc, number, g("isrc"), g("track_title", ""), g("track_version"), display, artists,
                      g("duration"), bool(g("explicit", False)), g("track_p_line_year", p_line_year), p_line,
                      g("track_language"), g("track_genre"), g("preview_start"), credits, g("audio_sha256"))
