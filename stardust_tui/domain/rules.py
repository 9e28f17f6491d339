"""Release readiness rules: what blocks a delivery (errors) and what deserves a look (warnings).

Drafts may be incomplete; these rules decide whether a release may become "ready" (enforced by
``store.releases.set_status``) and are what ``stardust check`` prints. :func:`check_release` is pure:
it reads the loaded release (tracks, artists, deals, cover, audio) and does no I/O except through the
audio/artwork QC of ``stardust_tui.assets.qc`` when that module is installed.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from stardust_tui.domain.enums import ParentalAdvisory, ReleaseType
from stardust_tui.domain.identifiers import is_language, is_territory, is_valid_isrc, is_valid_upc
from stardust_tui.domain.models import Release, Track

SEVERITIES = ("error", "warning", "info")
MIN_YEAR = 1900
_FEAT_IN_TITLE = re.compile(r"[\(\[\s](feat\.?|ft\.|featuring)\s", re.I)


@dataclass(frozen=True)
class Finding:
    """One problem: a stable ``code``, the ``field`` it concerns (``tracks[1-2].isrc``), a message."""

    code: str
    field: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.severity}: {self.field}: {self.message} [{self.code}]"


@dataclass
class CheckReport:
    """Findings of a check; ``ok`` when nothing blocks."""

    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    infos: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, finding: Finding) -> None:
        {"error": self.errors, "warning": self.warnings}.get(finding.severity, self.infos).append(finding)

    def extend(self, findings: list[Any]) -> None:
        for f in findings:
            self.add(f if isinstance(f, Finding) else _coerce(f))

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "errors": [asdict(f) for f in self.errors],
                "warnings": [asdict(f) for f in self.warnings], "infos": [asdict(f) for f in self.infos]}


def _coerce(obj: Any) -> Finding:
    """Accept QC findings of another shape (anything with code/field/message/severity attributes)."""
    sev = str(getattr(obj, "severity", "warning")).lower()
    return Finding(str(getattr(obj, "code", "qc")), str(getattr(obj, "field", "asset")),
                   str(getattr(obj, "message", obj)), sev if sev in SEVERITIES else "warning")


def _tpos(t: Track) -> str:
    return f"tracks[{t.disc_number}-{t.track_number}]"


def check_release(release: Release, *, today: date | None = None, qc: bool = True) -> CheckReport:
    """Run every readiness rule on a loaded release."""
    today = today or date.today()
    r = CheckReport()
    _required(release, r)
    _identifiers(release, r)
    _dates(release, r, today)
    _lines(release, r)
    _deals(release, r)
    _tracks(release, r)
    _style(release, r)
    if qc:
        _asset_qc(release, r)
    return r


def _required(rel: Release, r: CheckReport) -> None:
    def need(value: Any, name: str, label: str) -> None:
        if value in (None, "", []):
            r.add(Finding("missing", name, f"{label} is required"))

    need((rel.title or "").strip(), "title", "title")
    need((rel.display_artist or "").strip() or rel.artists, "display_artist", "artist")
    need(rel.label_id or rel.label, "label", "label")
    need(rel.upc, "upc", "UPC/EAN")
    need(rel.release_date, "release_date", "release date")
    need(rel.genre, "genre", "genre")
    need(rel.tracks, "tracks", "at least one track")
    if rel.cover_asset_id is None and rel.cover is None:
        r.add(Finding("missing-cover", "cover", "cover artwork is required"))
    if rel.release_type not in {t.value for t in ReleaseType}:
        r.add(Finding("bad-type", "release_type", f"unknown release type {rel.release_type!r}"))
    if rel.parental_advisory not in {p.value for p in ParentalAdvisory}:
        r.add(Finding("bad-advisory", "parental_advisory", f"unknown parental advisory {rel.parental_advisory!r}"))


def _identifiers(rel: Release, r: CheckReport) -> None:
    if rel.upc and not is_valid_upc(rel.upc):
        r.add(Finding("bad-upc", "upc", f"{rel.upc!r} is not a valid UPC/EAN (12 or 13 digits, check digit)"))
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
    for line, year, label in (("p_line", "p_line_year", "℗ (P) line"), ("c_line", "c_line_year", "© (C) line")):
        if not (getattr(rel, line) or "").strip():
            r.add(Finding("missing", line, f"{label} is required"))
        elif getattr(rel, year) is None:
            r.add(Finding("missing-year", year, f"{label} has no year", "warning"))


def _deals(rel: Release, r: CheckReport) -> None:
    if not rel.deals:
        r.add(Finding("no-deals", "deals", "at least one deal (territories, models, use types) is required"))
    for i, d in enumerate(rel.deals, start=1):
        where = f"deals[{i}]"
        if not d.territories:
            r.add(Finding("no-territories", f"{where}.territories", "deal names no territory"))
        for code in list(d.territories or []) + list(d.excluded_territories or []):
            if not is_territory(code):
                r.add(Finding("bad-territory", f"{where}.territories", f"{code!r} is not an ISO 3166-1 territory"))
        if not d.commercial_models:
            r.add(Finding("no-models", f"{where}.commercial_models", "deal has no commercial model"))
        if not d.use_types:
            r.add(Finding("no-use-types", f"{where}.use_types", "deal has no use type"))
        if d.end is not None and d.start is not None and d.end <= d.start:
            r.add(Finding("deal-dates", f"{where}.end", f"deal ends ({d.end:%Y-%m-%d}) before it starts"))
    _deal_overlaps(rel, r)


def _covers(deal: Any, code: str) -> bool:
    """Whether a deal's territories include ``code`` (Worldwide minus its exclusions)."""
    terr = set(deal.territories or [])
    return (code in terr or "Worldwide" in terr) and code not in set(deal.excluded_territories or [])


def _share_territory(a: Any, b: Any) -> bool:
    ta, tb = set(a.territories or []), set(b.territories or [])
    if "Worldwide" in ta and "Worldwide" in tb:
        return True  # two worldwide deals always overlap somewhere, whatever they exclude
    named = (ta | tb) - {"Worldwide"}
    return any(_covers(a, c) and _covers(b, c) for c in named)


def _deal_overlaps(rel: Release, r: CheckReport) -> None:
    """Two deals with a common commercial model and use type, overlapping in time and territory:
    DSPs reject such messages (ambiguous terms), so it blocks readiness."""
    deals = list(rel.deals or [])
    for i, a in enumerate(deals, start=1):
        for j, b in enumerate(deals[i:], start=i + 1):
            common = {(m, u) for m in a.commercial_models or [] for u in a.use_types or []} & \
                     {(m, u) for m in b.commercial_models or [] for u in b.use_types or []}
            if not common or a.start is None or b.start is None:
                continue
            in_time = (a.end is None or b.start < a.end) and (b.end is None or a.start < b.end)
            if in_time and _share_territory(a, b):
                model, use = sorted(common)[0]
                r.add(Finding("deal-overlap", f"deals[{j}]",
                              f"overlaps deals[{i}] ({model}/{use}) in time and territory"))


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


def _asset_qc(rel: Release, r: CheckReport) -> None:
    try:
        qc = importlib.import_module("stardust_tui.assets.qc")
    except ModuleNotFoundError as exc:
        if exc.name in ("stardust_tui.assets", "stardust_tui.assets.qc"):
            return  # QC not installed in this build
        raise
    if rel.cover is not None and hasattr(qc, "check_artwork"):
        r.extend([_where(f, "cover") for f in qc.check_artwork(rel.cover)])
    if hasattr(qc, "check_audio"):
        for t in rel.tracks:
            if t.audio is not None:
                r.extend([_where(f, f"{_tpos(t)}.audio") for f in qc.check_audio(t.audio)])
    if hasattr(qc, "check_release_audio"):
        r.extend(qc.check_release_audio(t.audio for t in rel.tracks))


def _where(f: Any, where: str) -> Finding:
    base = f if isinstance(f, Finding) else _coerce(f)
    return Finding(base.code, f"{where}.{base.field}" if base.field else where, base.message, base.severity)
