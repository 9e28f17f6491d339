"""Release readiness rules: what blocks a delivery (errors) and what deserves a look (warnings).

Drafts may be incomplete; these rules decide whether a release may become "ready" (enforced by
``store.releases.set_status``) and are what ``stardust check`` prints; a delivery runs them with its
profile's QC rules (:func:`stardust_tui.delivery.preflight.readiness`). :func:`check_release` is pure:
it reads the loaded release (tracks, artists, credits, deals, cover, audio) and, for the signal checks,
the stored analyses of its files (``analyses``: asset id -> measurements). Deal rules live in
:mod:`stardust_tui.domain.rules_deals`, party identifiers and roles in :mod:`stardust_tui.domain.rules_parties`,
the file checks in :mod:`stardust_tui.domain.qc`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from stardust_tui.domain.enums import ParentalAdvisory
from stardust_tui.domain.findings import SEVERITIES, CheckReport, Finding
from stardust_tui.domain.identifiers import is_language, is_valid_grid, is_valid_isrc, is_valid_upc
from stardust_tui.domain.models import Release, Track
from stardust_tui.domain.qc import (
    check_artwork,
    check_audio,
    check_document,
    check_release_audio,
    check_video,
    file_missing,
)
from stardust_tui.domain.qc_rules import (
    CATALOG_ARTWORK,
    CATALOG_AUDIO,
    CATALOG_VIDEO,
    ArtworkRules,
    AudioRules,
    VideoRules,
)
from stardust_tui.domain.rights import line_problem
from stardust_tui.domain.rules_deals import check_deals
from stardust_tui.domain.rules_parties import check_party_identifiers, check_roles, check_works

__all__ = ["SEVERITIES", "CheckReport", "Finding", "check_release"]

MIN_YEAR = 1900
_FEAT_IN_TITLE = re.compile(r"[\(\[\s](feat\.?|ft\.|featuring)\s", re.I)
Analyses = Mapping[int, Mapping[str, Any]]


def _tpos(t: Track) -> str:
    return f"tracks[{t.disc_number}-{t.track_number}]"


def check_release(release: Release, *, today: date | None = None, qc: bool = True,
                  audio_rules: AudioRules = CATALOG_AUDIO, artwork_rules: ArtworkRules = CATALOG_ARTWORK,
                  video_rules: VideoRules = CATALOG_VIDEO, analyses: Analyses | None = None) -> CheckReport:
    """Run every readiness rule on a loaded release (``qc=False`` leaves out the file checks)."""
    today = today or date.today()
    r = CheckReport()
    _required(release, r)
    _identifiers(release, r)
    _dates(release, r, today)
    _lines(release, r)
    check_deals(release, r)
    _tracks(release, r)
    check_party_identifiers(release, r)
    check_roles(release, r)
    check_works(release, r)
    _style(release, r)
    if qc:
        _asset_qc(release, r, audio_rules, artwork_rules, analyses or {})
        _resource_qc(release, r, video_rules)
    return r


def _required(rel: Release, r: CheckReport) -> None:
    def need(value: Any, name: str, label: str) -> None:
        if value in (None, "", []):
            r.add(Finding("missing", name, f"{label} is required"))

    need((rel.title or "").strip(), "title", "title")
    need((rel.display_artist or "").strip() or rel.artists, "display_artist", "artist")
    need(rel.label_id or rel.label, "label", "label")
    need(rel.upc or rel.grid, "upc", "UPC/EAN")  # a GRid-only release is complete too
    need(rel.release_date, "release_date", "release date")
    need(rel.genre, "genre", "genre")
    need(rel.tracks, "tracks", "at least one track")
    if rel.cover_asset_id is None and rel.cover is None:
        r.add(Finding("missing-cover", "cover", "cover artwork is required"))
    if not (rel.release_type or "").strip():  # any DDEX ReleaseType or a user-defined one (issue 18)
        r.add(Finding("bad-type", "release_type", "the release type is empty"))
    if rel.parental_advisory not in {p.value for p in ParentalAdvisory}:
        r.add(Finding("bad-advisory", "parental_advisory", f"unknown parental advisory {rel.parental_advisory!r}"))


def _identifiers(rel: Release, r: CheckReport) -> None:
    if rel.upc and not is_valid_upc(rel.upc):
        r.add(Finding("bad-upc", "upc", f"{rel.upc!r} is not a valid UPC/EAN (12 or 13 digits, check digit)"))
    if rel.grid and not is_valid_grid(rel.grid):
        r.add(Finding("bad-grid", "grid", f"{rel.grid!r} is not a GRid with a valid check character "
                                          "(A1, 5 issuer + 10 release characters, ISO 7064 MOD 37,36)"))
    if rel.language and not is_language(rel.language):
        r.add(Finding("bad-language", "language", f"{rel.language!r} is not an ISO 639 language code"))


def _dates(rel: Release, r: CheckReport, today: date) -> None:
    rd, od = rel.release_date, rel.original_release_date
    if rd and not (MIN_YEAR <= rd.year <= today.year + 2):
        r.add(Finding("bad-date", "release_date", f"release year {rd.year} is not plausible"))
    if od and not (MIN_YEAR <= od.year <= today.year + 2):
        r.add(Finding("bad-date", "original_release_date", f"original release year {od.year} is not plausible"))
    if rd and od and od > rd:
        r.add(Finding("date-order", "original_release_date",
                      f"original release date {od} is after the release date {rd}"))
    ref_year = (rd or today).year
    for name in ("p_line_year", "c_line_year"):
        year = getattr(rel, name)
        if year is not None and not (MIN_YEAR <= year <= ref_year + 1):
            r.add(Finding("bad-year", name, f"{name.replace('_', ' ')} {year} is not plausible"))


def _lines(rel: Release, r: CheckReport) -> None:
    for kind, line, year, label in (("P", "p_line", "p_line_year", "℗ (P) line"),
                                    ("C", "c_line", "c_line_year", "© (C) line")):
        text = (getattr(rel, line) or "").strip()
        if not text:
            r.add(Finding("missing", line, f"{label} is required"))
            continue
        if getattr(rel, year) is None:
            r.add(Finding("missing-year", year, f"{label} has no year", "warning"))
        problem = line_problem(text, getattr(rel, year), kind)  # type: ignore[arg-type]
        if problem:
            r.add(Finding("rights-line", line, f"{problem}: {text!r}", "warning"))
    for t in rel.tracks:
        problem = line_problem(t.p_line, t.p_line_year, "P")
        if problem:
            r.add(Finding("rights-line", f"{_tpos(t)}.p_line", f"{problem}: {t.p_line!r}", "warning"))


def _tracks(rel: Release, r: CheckReport) -> None:
    discs: dict[int, list[int]] = {}
    for t in rel.tracks:
        discs.setdefault(t.disc_number, []).append(t.track_number)
        where = _tpos(t)
        if not (t.title or "").strip():
            r.add(Finding("missing", f"{where}.title", "track title is required"))
        if not t.isrc:
            r.add(Finding("missing", f"{where}.isrc", "ISRC is required"))
        elif not is_valid_isrc(t.isrc):
            r.add(Finding("bad-isrc", f"{where}.isrc", f"{t.isrc!r} is not a valid ISRC"))
        if t.audio_asset_id is None and t.audio is None:
            r.add(Finding("missing-audio", f"{where}.audio", "track has no audio file"))
        if not (t.display_artist or rel.display_artist):
            r.add(Finding("missing", f"{where}.display_artist", "track artist is required"))
        if t.language and not is_language(t.language):
            r.add(Finding("bad-language", f"{where}.language", f"{t.language!r} is not an ISO 639 language code"))
        if t.explicit and rel.parental_advisory == ParentalAdvisory.NOT_EXPLICIT:
            r.add(Finding("advisory", "parental_advisory",
                          f"track {t.disc_number}-{t.track_number} is explicit but the release is not", "warning"))
    disc_numbers = sorted(discs)
    if disc_numbers and disc_numbers != list(range(1, len(disc_numbers) + 1)):
        r.add(Finding("disc-numbering", "tracks", f"disc numbers {disc_numbers} are not 1..{len(disc_numbers)}"))
    for disc, numbers in discs.items():
        numbers.sort()
        if numbers != list(range(1, len(numbers) + 1)):
            r.add(Finding("track-numbering", "tracks",
                          f"disc {disc} track numbers {numbers} are not contiguous from 1"))


def _title_style(title: str | None, artist: str | None, where: str, r: CheckReport) -> None:
    if not title:
        return
    if _FEAT_IN_TITLE.search(f" {title} "):
        r.add(Finding("feat-in-title", where,
                      f"{title!r} names a featured artist in the title; use a FeaturedArtist instead", "warning"))
    if artist and title.strip().lower() != artist.strip().lower():
        if re.search(rf"(^|\W){re.escape(artist.strip().lower())}(\W|$)", title.lower()) and len(artist) > 2:
            r.add(Finding("artist-in-title", where, f"{title!r} contains the artist name {artist!r}", "warning"))
    letters = [c for c in title if c.isalpha()]
    if len(letters) > 4 and all(c.isupper() for c in letters):
        r.add(Finding("all-caps", where, f"{title!r} is in ALL CAPS (stores reject this style)", "warning"))


def _style(rel: Release, r: CheckReport) -> None:
    _title_style(rel.title, rel.display_artist, "title", r)
    for t in rel.tracks:
        _title_style(t.title, t.display_artist or rel.display_artist, f"{_tpos(t)}.title", r)


def _asset_qc(rel: Release, r: CheckReport, audio: AudioRules, artwork: ArtworkRules, analyses: Analyses) -> None:
    """The file checks of every attached asset, with the given rules and stored measurements."""
    if rel.cover is not None:
        r.extend(f.at("cover") for f in file_missing(rel.cover) or check_artwork(
            rel.cover, rules=artwork, analysis=analyses.get(rel.cover.id or -1)))
    for t in rel.tracks:
        if t.audio is not None:
            found = file_missing(t.audio) or check_audio(t.audio, rules=audio, analysis=analyses.get(t.audio.id or -1),
                                                         expected_duration=t.duration_seconds)
            r.extend(f.at(f"{_tpos(t)}.audio") for f in found)
    r.extend(check_release_audio((t.audio for t in rel.tracks), audio))


def _resource_qc(rel: Release, r: CheckReport, video: VideoRules) -> None:
    """The release's other resources (videos, images, booklets, MIDI): files present, videos and documents ok."""
    for res in rel.resources:
        asset = res.asset
        if asset is None:
            continue
        where = f"resources[{res.key}]"
        found = file_missing(asset)
        if not found and res.kind == "Video":
            found = check_video(asset, video)
        elif not found:
            found = check_document(asset)
        r.extend(f.at(where) for f in found)
