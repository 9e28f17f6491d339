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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from stardust_tui.errors import StardustError
from stardust_tui.importexport import values as v
from stardust_tui.importexport.cells import MAX_TEXT, parser_for
from stardust_tui.importexport.cells import text as _text
from stardust_tui.importexport.fields import BY_NAME, CREDIT_FIELDS, FieldSpec
from stardust_tui.importexport.report import Issue

DEFAULT_MODELS = ["SubscriptionModel", "AdvertisementSupportedModel", "PayAsYouGoModel"]
DEFAULT_USE_TYPES = ["OnDemandStream", "PermanentDownload"]


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
    clean: bool = False  # marked clean/edited: stored as the track's parental advisory "edited"
    details: dict[str, Any] | None = None  # DDEX parts without a column (a re-imported export)
    instant_grat: bool = False  # an instant-gratification track of the release's pre-order


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
    is_preorder: bool = False
    instant_gratification: list[str] = field(default_factory=list)  # ISRCs


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
    release_type: str | None = None  # the DDEX ReleaseType ("Album", "EP", "Single", ...)
    is_compilation: bool = False
    grid: str | None = None
    details: dict[str, Any] | None = None  # DDEX parts without a column (a re-imported export)
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


_FEATURING = re.compile(r"\s*[(\[]?\s*\b(?:feat\.?|ft\.|featuring)\s+([^)\]]+?)\s*[)\]]?\s*$", re.I)


def split_artists(text: str, role: str = "MainArtist") -> list[tuple[str, str]]:
    """Artists of an artist cell (``A; B``); ``A feat. B & C`` / ``A (ft. B)`` names B and C as featured
    artists (the display text stays as written)."""
    m = _FEATURING.search(text) if "feat" in text.lower() or "ft." in text.lower() else None
    if m is None or not text[:m.start()].strip():
        return [(name, role) for name in v.parse_list(text)]
    main = [(name, role) for name in v.parse_list(text[:m.start()])]
    return main + [(name, "FeaturedArtist") for name in v.split_people(m[1]) if (name, role) not in main]


def display_of(text: str) -> str:
    """The display-artist text of a cell: ``A; B`` shows as ``A & B``."""
    names = v.parse_list(text)
    return " & ".join(names) if len(names) > 1 else (names[0] if names else "")


_UNIQUE: dict[str, Any] = {}  # marker (never filled): a field whose texts are unique per row
_MEMO_KINDS = frozenset({"position", "duration", "duration_ms", "year", "int", "date", "datetime", "release_type",
                         "flag", "advisory", "status"})  # values are immutable (shared between rows safely)
_MEMO_SIZE = 4096
_MISSING = object()
# one planned column: (index, field, its spec, header, parser, memo of parsed cells: see _memo_for)
_Planned = tuple[int, str, FieldSpec, str, Callable[[str], Any], dict[str, Any] | None]


def _memo_for(kind: str) -> dict[str, Any] | None:
    """How RowConverter remembers a field's parsed cells: None (the last text only), :data:`_UNIQUE`
    (never), or a fresh {text: value} dict for small-domain kinds with immutable values."""
    if kind in ("isrc", "sha256"):
        return _UNIQUE
    return {} if kind in _MEMO_KINDS else None


class RowConverter:
    """Typed values of one row: ``convert(cells, line) -> (release values, track values, failed fields)``."""

    def __init__(self, file: str, plan: list[tuple[int, str]], headers: list[str], report: Any, *,
                 defaults: dict[str, str] | None = None, month_first: bool = False, unescape: bool = False,
                 parsers: dict[int, Callable[[str], Any]] | None = None, extras: Sequence[tuple[int, str]] = ()):
        """``plan``: one (column index, field) per field; ``extras``: further columns of a field (lists are
        joined, single values used when the main column is empty); ``parsers``: per-column parsers that
        replace the field kind's (milliseconds, surname-first names)."""
        self.file = file
        parsers = parsers or {}

        def entry(i: int, name: str) -> _Planned:
            spec = BY_NAME[name]
            return (i, name, spec, headers[i] if i < len(headers) else name,
                    parsers.get(i) or parser_for(spec.kind, month_first=month_first), _memo_for(spec.kind))
        self.plan = [entry(i, name) for i, name in plan]
        self._extras = {lvl: [entry(i, name)[:5] for i, name in extras if BY_NAME[name].level == lvl]
                        for lvl in ("release", "track")}
        self._rel_extras, self._trk_extras = self._extras["release"], self._extras["track"]
        self.report = report
        self.month_first = month_first
        self.unescape = unescape
        mapped = {name for _, name in plan}
        self.fallback = dict(defaults or {})
        self._cache: dict[str, tuple[str, Any]] = {}  # field -> (last raw text, its value)
        self._rel_plan = [p for p in self.plan if p[2].level == "release"]
        self._trk_plan = [p for p in self.plan if p[2].level == "track"]
        self._rel_idx = [p[0] for p in self._rel_plan] + [p[0] for p in self._extras["release"]]
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
            if self._rel_extras:
                self._extra(cells, n, self._rel_extras, rel, failed, line, release)
            self._last_key, self._last_rel = (rel_key, rel) if not failed else (None, None)
        trk: dict[str, Any] = {}
        self._convert(cells, n, self._trk_plan, trk, failed, line, release, self._trk_defaults)
        if self._trk_extras:
            self._extra(cells, n, self._trk_extras, trk, failed, line, release)
        return rel, trk, failed

    def _extra(self, cells: list[str], n: int, plan: list[tuple], out: dict[str, Any], failed: set[str], line: int,
               release: str | None) -> None:
        """Second columns of a field: list values are appended, single values fill an empty main column."""
        for i, name, spec, header, parse in plan:
            raw = cells[i].strip() if i < n else ""
            if not raw or (name in out and not isinstance(out[name], list)):
                continue
            try:
                value = parse(raw)
            except (ValueError, StardustError) as exc:
                self._bad(exc, spec, header, name, line, release, failed)
                continue
            if isinstance(value, list):
                known = out.get(name) or []
                out[name] = known + [x for x in value if x not in known]
            else:
                out[name] = value

    def _convert(self, cells: list[str], n: int, plan: list[_Planned],
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
                if parse is _text and len(raw) <= MAX_TEXT and raw.isprintable():  # plain text: nothing to do
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
                value = parser_for(spec.kind, month_first=self.month_first)(raw)
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
    draft.artists = split_artists(artist_text)
    draft.artists += [(n, "FeaturedArtist") for n in g("release_featured_artist", [])
                      if (n, "FeaturedArtist") not in draft.artists]
    draft.label = g("label")
    typed = g("release_type")
    if typed is not None:
        draft.release_type, draft.is_compilation = typed
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
    if any(k in values for k in ("territories", "commercial_models", "use_types", "deal_start",
                                 "excluded_territories", "preorder_date", "preorder_dates")):
        start = g("deal_start")
        if start is None and draft.release_date is not None:
            d = draft.release_date
            start = datetime(d.year, d.month, d.day, tzinfo=UTC)
        listed = g("territories") or ["Worldwide"]
        excluded = [t[1:] for t in listed if t.startswith("-")]  # "Worldwide except US" -> -US
        included = [t for t in listed if not t.startswith("-")]
        excluded += [t for t in g("excluded_territories", []) if t not in excluded]
        draft.deals = [DealDraft(
            territories=included, excluded_territories=excluded,
            commercial_models=g("commercial_models") or list(DEFAULT_MODELS),
            use_types=g("use_types") or list(DEFAULT_USE_TYPES), start=start, end=g("deal_end"),
            price_tier=g("price_tier"))]
    _preorder_deals(draft, g("preorder_date"), g("preorder_dates") or [])


def _preorder_deals(draft: ReleaseDraft, preorder: date | None, by_territory: list[tuple[str, date]]) -> None:
    """Pre-order deals: bought from their date, delivered on the release date. ``preorder`` opens them in
    every territory of the release's deal; ``by_territory`` gives territories dates of their own (one deal
    per date, in the order they first appear), its ``Worldwide`` entry standing for the other territories."""
    regular = draft.deals[0] if draft.deals else None
    rd = draft.release_date
    listed = [(t, d) for t, d in by_territory if t != "Worldwide"]
    preorder = next((d for t, d in by_territory if t == "Worldwide"), preorder)
    base = list(regular.territories) if regular else ["Worldwide"]
    base_excluded = list(regular.excluded_territories) if regular else []
    own = [t for t, _ in listed]

    def deal(territories: list[str], excluded: list[str], day: date) -> DealDraft:
        return DealDraft(territories=territories, excluded_territories=excluded,
                         commercial_models=["PayAsYouGoModel"], use_types=["PermanentDownload"],
                         start=datetime(day.year, day.month, day.day, tzinfo=UTC),
                         end=datetime(rd.year, rd.month, rd.day, tzinfo=UTC) if rd else None,
                         price_tier=regular.price_tier if regular else None, is_preorder=True)

    if preorder is not None:  # the release's territories, less those with a date of their own
        if base == ["Worldwide"]:
            rest, rest_excluded = base, base_excluded + [t for t in own if t not in base_excluded]
        else:
            rest, rest_excluded = [t for t in base if t not in own], base_excluded
        if rest:
            draft.deals.append(deal(rest, rest_excluded, preorder))
    days: dict[date, list[str]] = {}
    for territory, day in listed:
        days.setdefault(day, []).append(territory)
    for day, territories in days.items():
        draft.deals.append(deal(territories, [], day))


_CREDIT_ITEMS = tuple(CREDIT_FIELDS.items())


# the fields of a plain catalog row: make_track needs no look at the rarer ones
_COMMON_TRACK = frozenset({"disc_number", "track_number", "track_title", "isrc", "duration", "explicit"})


def make_track(values: dict[str, Any], line: int, release: ReleaseDraft) -> TrackDraft:
    g = values.get
    if values.keys() <= _COMMON_TRACK:  # (plain rows: no rare field, so no instant_gratification either)
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
        advisory = g("explicit")
        return TrackDraft(line, disc, number, g("isrc"), g("track_title", ""), None, release.display_artist,
                          main, g("duration"), advisory == "explicit", None, None, None, None, None, [], None,
                          advisory == "edited")
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
        artists += [(n, "FeaturedArtist") for n in featured if (n, "FeaturedArtist") not in artists]
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
    advisory = g("explicit")
    return TrackDraft(line, disc, number, g("isrc"), g("track_title", ""), g("track_version"), display, artists,
                      g("duration"), advisory == "explicit", g("track_p_line_year", p_line_year), p_line,
                      g("track_language"), g("track_genre"), g("preview_start"), credits, g("audio_sha256"),
                      advisory == "edited", None, bool(g("instant_gratification")))
