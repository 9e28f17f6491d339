"""Rows → releases: group track rows by release, then check each finished release draft.

One-row-per-track files repeat the release columns on every row; rows whose release columns are all
empty continue the release above (spreadsheets often fill them on the first row only). A release is
identified by its UPC, else its catalogue number, else title + artist. Its rows must be together: the
release is written when the next one starts, so a million rows never sit in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from stardust_tui.domain import limits as L
from stardust_tui.importexport.fields import TWINS
from stardust_tui.importexport.records import ReleaseDraft, TrackDraft, apply_release_values, make_track
from stardust_tui.importexport.report import ImportReport, Issue

# Column sizes of the catalog tables (domain/limits.py; PostgreSQL enforces them).
_LIMITS = {k: L.RELEASE[k] for k in ("title", "version", "display_artist", "catalog_number", "genre", "subgenre",
                                     "p_line", "c_line", "language")} | {"label": L.PARTY["name"]}
_TRACK_LIMITS = {k: L.TRACK[k] for k in ("title", "version", "display_artist", "p_line", "language", "genre")}
_TITLE_MAX, _ARTIST_MAX = _TRACK_LIMITS["title"], _TRACK_LIMITS["display_artist"]
_NAME_MAX, _PRICE_MAX = L.PARTY["name"], L.DEAL["price_tier"]
_KEY_FIELDS = frozenset({"upc", "catalog_number", "release_title"})
_IDENTITY = ("upc", "catalog_number", "release_title", "release_artist")


def release_key(values: dict[str, Any]) -> tuple[str, ...] | None:
    if values.get("upc"):
        return ("upc", values["upc"])
    if values.get("catalog_number"):
        return ("cat", values["catalog_number"])
    if values.get("release_title"):
        return ("title", values["release_title"], values.get("release_artist", ""))
    return None


class Grouper:
    """Feed converted rows with :meth:`add`; finished release drafts come out of it and :meth:`finish`."""

    def __init__(self, file: str, report: ImportReport) -> None:
        self.file = file
        self.report = report
        self.current: ReleaseDraft | None = None
        self.current_key: tuple[str, ...] | None = None
        self.ended: dict[tuple[str, ...], int] = {}

    def _error(self, draft: ReleaseDraft | None, message: str, line: int, column: str | None = None) -> None:
        issue = Issue("error", message, self.file, line, column, draft.label_text if draft else None)
        self.report.add(issue)
        if draft is not None:
            draft.errors.append(issue)

    def add(self, rel: dict[str, Any], trk: dict[str, Any], line: int, failed: set[str] | frozenset[str] = frozenset(),
            end_line: int | None = None) -> Iterator[ReleaseDraft]:
        finished = self.push(rel, trk, line, failed, end_line)
        if finished is not None:
            yield finished

    def push(self, rel: dict[str, Any], trk: dict[str, Any], line: int,
             failed: set[str] | frozenset[str] = frozenset(), end_line: int | None = None) -> ReleaseDraft | None:
        """:meth:`add` without a generator per row: returns the release this row finished, if any."""
        finished = None
        if failed and failed & _KEY_FIELDS:
            return None  # the identifying cell is bad (already reported): the row belongs to no release
        key = release_key(rel)
        if key is None and failed & set(_IDENTITY):
            return None  # the identifying cell is bad (already reported): the row belongs to no release
        if key is None and self.current is not None and not any(k in rel for k in _IDENTITY):
            draft = self.current  # a continuation row
        else:
            if key is None:
                self._error(None, "row has no release: give a UPC, catalogue number or release title", line,
                            "release_title")
                return None
            if key != self.current_key:
                if self.current is not None:
                    self.ended[self.current_key] = self.current.line  # type: ignore[index]
                    finished = finish_release(self.current, self.report)
                self.current = draft = ReleaseDraft(file=self.file, line=line)
                self.current_key = key
                apply_release_values(draft, rel)
                if key in self.ended:
                    self._error(draft, f"rows of release {draft.label_text} must be together (it started at "
                                f"line {self.ended[key]}); sort the file by release", line, "upc")
            else:
                assert self.current is not None  # the key is the current release's, so there is one
                draft = self.current
                if rel is not draft.values:  # the converter hands back the same dict for repeated cells
                    self._check_same(draft, rel, line)
        draft.last_line = end_line or line
        if failed:
            draft.errors.append(Issue("error", f"bad value in {', '.join(sorted(failed))}", self.file, line))
        if trk:
            draft.tracks.append(make_track(trk, line, draft))
        return finished

    def _check_same(self, draft: ReleaseDraft, rel: dict[str, Any], line: int) -> None:
        first = draft.values
        for name, value in rel.items():
            if name in first and first[name] != value:
                twin = TWINS.get(name)
                hint = f" (a per-track value? map the column to {twin})" if twin else ""
                self._error(draft, f"{name} differs from the release's first row (line {draft.line}): "
                            f"{_short(value)} vs {_short(first[name])}{hint}", line, name)

    def finish(self) -> Iterator[ReleaseDraft]:
        if self.current is not None:
            yield finish_release(self.current, self.report)
            self.current = None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def finish_release(draft: ReleaseDraft, report: ImportReport) -> ReleaseDraft:
    """Complete a draft (track numbers, release type, advisory) and check it; errors go on the draft."""
    def err(message: str, line: int, column: str) -> None:
        issue = Issue("error", message, draft.file, line, column, draft.label_text)
        report.add(issue)
        draft.errors.append(issue)

    if draft.tracks:
        _from_tracks(draft)
    if not draft.title:
        err("release title is missing", draft.line, "release_title")
    for name, limit in _LIMITS.items():
        value = getattr(draft, name)
        if isinstance(value, str) and len(value) > limit:
            err(f"{name} is {len(value)} characters long (at most {limit})", draft.line, name)
    if not draft.display_artist:
        err("release artist is missing", draft.line, "release_artist")
    next_number: dict[int, int] = {}
    positions: dict[tuple[int, int], TrackDraft] = {}
    isrcs: dict[str, TrackDraft] = {}
    for t in draft.tracks:
        disc, number, title, isrc = t.disc_number, t.track_number, t.title, t.isrc
        last = next_number.get(disc, 0)
        if number is None:
            number = t.track_number = last + 1
        if number > last:
            next_number[disc] = number
        pos = (disc, number)
        other = positions.get(pos)
        if other is not None:
            err(f"track {disc}-{number} appears twice (also line {other.line})", t.line, "track_number")
        positions[pos] = t
        if not title:
            err("track title is missing", t.line, "track_title")
        if len(title) > _TITLE_MAX or len(t.display_artist or "") > _ARTIST_MAX or t.version or t.p_line \
                or t.language or t.genre:  # the common track (title, artist only) needs no look at each limit
            for name, limit in _TRACK_LIMITS.items():
                value = getattr(t, name)
                if isinstance(value, str) and len(value) > limit:
                    err(f"track {name} is {len(value)} characters long (at most {limit})", t.line, name)
        if isrc:
            other = isrcs.get(isrc)
            if other is not None:
                err(f"ISRC {isrc} is on two tracks of this release (also line {other.line})", t.line, "isrc")
            isrcs[isrc] = t
    if draft.release_type is None:
        n = len(draft.tracks)
        draft.release_type = "Single" if 0 < n <= 3 else "EP" if 4 <= n <= 6 else "Album"
    if draft.parental_advisory is None:
        draft.parental_advisory = "explicit" if any(t.explicit for t in draft.tracks) else \
            "edited" if any(t.clean for t in draft.tracks) else "not-explicit"
    for name, _role, *_ in draft.artists:
        if len(name) > _NAME_MAX:
            err(f"artist name is {len(name)} characters long (at most {_NAME_MAX})", draft.line, "release_artist")
    _preorder(draft, err)
    for deal in draft.deals:
        if deal.price_tier and len(deal.price_tier) > _PRICE_MAX:
            err(f"price tier is {len(deal.price_tier)} characters long (at most {_PRICE_MAX})", draft.line,
                "price_tier")
        if deal.start is None:
            err("deal start is missing (give deal_start or release_date)", draft.line, "deal_start")
        elif deal.end is not None and deal.end <= deal.start:
            err("deal end is not after its start", draft.line, "deal_end")
    report.releases_seen += 1
    report.tracks_seen += len(draft.tracks)
    return draft


def _from_tracks(draft: ReleaseDraft) -> None:
    """Release values a file gives only per track (its artist, genre, language or ℗ line column was read
    at the track level): the artists every track shares (else "Various Artists"), the first track's
    genre, language and ℗ line."""
    tracks = draft.tracks
    if not draft.display_artist and any(t.display_artist for t in tracks):
        shared = [a for a in tracks[0].artists if a[1] == "MainArtist"
                  and all(a in t.artists for t in tracks[1:])]
        if shared:
            draft.artists = shared + [a for a in draft.artists if a not in shared]
            draft.display_artist = " & ".join(a[0] for a in shared)
        else:
            draft.display_artist = "Various Artists"
            draft.artists = [("Various Artists", "MainArtist")] + draft.artists
            if draft.release_type is None and len(tracks) > 1:
                draft.release_type, draft.is_compilation = "Album", True
        draft.main_artists = None
    first = tracks[0]
    if draft.genre is None and first.genre:
        draft.genre = first.genre
    if draft.language is None and first.language:
        draft.language = first.language
    if draft.p_line is None and draft.p_line_year is None and (first.p_line or first.p_line_year):
        draft.p_line, draft.p_line_year = first.p_line, first.p_line_year


def _preorder(draft: ReleaseDraft, err: Any) -> None:
    """The pre-order deals' instant-gratification tracks (ISRCs of the tracks flagged so), and their checks."""
    flagged = [t for t in draft.tracks if t.instant_grat]
    column = "preorder_dates" if draft.values.get("preorder_dates") else "preorder_date"
    if not flagged and draft.values.get("preorder_date") is None and not draft.values.get("preorder_dates"):
        return  # no pre-order columns (a catalog JSON's deals come complete)
    deals = [d for d in draft.deals if d.is_preorder]
    if not deals:
        if flagged:
            err("an instant-gratification track needs a pre-order date on its release", flagged[0].line,
                "instant_gratification")
        return
    if draft.release_date is None:
        err("a pre-order date needs the release date (the pre-order ends when the release comes out)", draft.line,
            column)
    for deal in deals:
        if deal.start is not None and deal.end is not None and deal.start >= deal.end:
            where = "" if deal.territories == ["Worldwide"] else f" ({', '.join(deal.territories)})"
            err(f"the pre-order date {deal.start.date()}{where} is not before the release date "
                f"{draft.release_date}", draft.line, column)
            deal.end = None  # reported once, not again as a deal ending before its start
    regular = next((d for d in draft.deals if not d.is_preorder), None)
    if regular is not None:
        if regular.territories != ["Worldwide"]:
            sold = set(regular.territories) - set(regular.excluded_territories)
            unsold = [t for d in deals for t in d.territories if t != "Worldwide" and t not in sold]
        else:
            unsold = [t for d in deals for t in d.territories if t in regular.excluded_territories]
        if unsold:
            err(f"{', '.join(unsold)} has a pre-order date but the release's deal does not cover it", draft.line,
                column)
    for t in flagged:
        if not t.isrc:
            err("an instant-gratification track needs an ISRC", t.line, "instant_gratification")
    for deal in deals:
        deal.instant_gratification = [t.isrc for t in flagged if t.isrc]
