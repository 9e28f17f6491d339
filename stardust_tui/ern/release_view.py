"""The version-neutral view of a release that every ERN builder reads.

``view_from_release`` turns a catalog :class:`~stardust_tui.domain.models.Release` (with its tracks,
artists, credits, deals, label, cover and audio assets loaded) into frozen dataclasses: parties,
sound recordings, the front-cover image, the main release, one track release per recording, and deals.
Builders never touch the ORM, so they are pure and deterministic. Technical details (delivered file
name, MD5, codec, bit depth, sample rate, channels, duration) come from the real asset rows, and file
names come from :func:`stardust_tui.ern.naming.delivered_file_name`, the one naming function.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from stardust_tui.ern.naming import NamingPatterns, delivered_file_name, extension_for

PARENTAL_WARNING = {
    "explicit": "Explicit",
    "not-explicit": "NotExplicit",
    "edited": "ExplicitContentEdited",
    "unknown": "Unknown",
}
RELEASE_TYPES = {"album": "Album", "ep": "EP", "single": "Single", "compilation": "Album"}


@dataclass(frozen=True)
class PartyView:
    ref: str
    name: str
    kind: str = "artist"
    isni: str | None = None
    dpid: str | None = None


@dataclass(frozen=True)
class ArtistCredit:
    """A display artist (role MainArtist, FeaturedArtist...) by party reference."""

    party_ref: str
    role: str
    sequence: int


@dataclass(frozen=True)
class ContributorCredit:
    party_ref: str
    role: str
    sequence: int
    instrument: str | None = None


@dataclass(frozen=True)
class FileView:
    """A delivered file: its name on the wire and the technical facts of the asset behind it."""

    name: str
    md5: str | None = None
    size: int | None = None
    codec: str | None = None
    container: str | None = None
    bit_depth: int | None = None
    sample_rate: int | None = None
    channels: int | None = None
    duration_seconds: float | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class SoundRecordingView:
    ref: str
    tech_ref: str
    disc: int
    track: int
    isrc: str | None
    title: str
    subtitle: str | None
    display_artist: str
    artists: tuple[ArtistCredit, ...]
    contributors: tuple[ContributorCredit, ...]
    duration_seconds: float
    parental_warning: str
    p_line_year: int | None = None
    p_line: str | None = None
    genre: str | None = None
    language: str | None = None
    preview_start: float | None = None
    file: FileView | None = None


@dataclass(frozen=True)
class ImageView:
    ref: str
    tech_ref: str
    proprietary_id: str
    file: FileView | None = None


@dataclass(frozen=True)
class MainReleaseView:
    ref: str
    upc: str | None
    catalog_number: str | None
    title: str
    subtitle: str | None
    display_artist: str
    artists: tuple[ArtistCredit, ...]
    label_ref: str
    label_name: str
    release_type: str  # DDEX ReleaseType: Album, EP, Single
    is_compilation: bool
    genre: str
    subgenre: str | None
    parental_warning: str
    p_line_year: int | None = None
    p_line: str | None = None
    c_line_year: int | None = None
    c_line: str | None = None
    release_date: date | None = None
    original_release_date: date | None = None
    language: str | None = None
    duration_seconds: float = 0.0


@dataclass(frozen=True)
class TrackReleaseView:
    ref: str
    resource_ref: str
    proprietary_id: str
    title: str
    display_artist: str
    genre: str


@dataclass(frozen=True)
class DealView:
    territories: tuple[str, ...]
    excluded_territories: tuple[str, ...]
    commercial_models: tuple[str, ...]
    use_types: tuple[str, ...]
    start: datetime
    end: datetime | None = None
    price_tier: str | None = None
    applies_to_tracks: bool = True


@dataclass(frozen=True)
class ReleaseView:
    """Everything a NewReleaseMessage states about one release, independent of the ERN version."""

    parties: tuple[PartyView, ...]
    recordings: tuple[SoundRecordingView, ...]
    image: ImageView | None
    release: MainReleaseView
    track_releases: tuple[TrackReleaseView, ...]
    deals: tuple[DealView, ...]
    language: str = "en"
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def party(self, ref: str) -> PartyView:
        for party in self.parties:
            if party.ref == ref:
                return party
        raise KeyError(ref)


class _Parties:
    """Assigns stable references (P1, P2, ...) to parties in order of first appearance."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, Any], PartyView] = {}

    def ref(self, party: Any | None, *, name: str | None = None, kind: str = "artist") -> str:
        if party is not None:
            key: tuple[str, Any] = ("id", party.id if party.id is not None else id(party))
            name = party.name
            kind = party.kind or kind
        else:
            key = ("name", (kind, name))
        found = self.by_key.get(key)
        if found is None:
            found = PartyView(ref=f"P{len(self.by_key) + 1}", name=name or "Unknown", kind=kind,
                              isni=getattr(party, "isni", None) or None, dpid=getattr(party, "dpid", None) or None)
            self.by_key[key] = found
        return found.ref

    def all(self) -> tuple[PartyView, ...]:
        return tuple(self.by_key.values())


def _file_view(asset: Any, name: str) -> FileView:
    return FileView(
        name=name, md5=asset.md5 or None, size=asset.size, codec=asset.codec, container=asset.container,
        bit_depth=asset.bit_depth, sample_rate=asset.sample_rate, channels=asset.channels,
        duration_seconds=asset.duration_seconds, width=asset.width, height=asset.height,
    )


def _artists(rows: list[Any], parties: _Parties, fallback_name: str) -> tuple[ArtistCredit, ...]:
    credits = tuple(
        ArtistCredit(parties.ref(row.party), row.role or "MainArtist", index)
        for index, row in enumerate(sorted(rows, key=lambda r: (r.sequence, r.id or 0)), start=1)
        if row.party is not None
    )
    if credits:
        return credits
    return (ArtistCredit(parties.ref(None, name=fallback_name or "Unknown Artist"), "MainArtist", 1),)


def _contributors(rows: list[Any], parties: _Parties) -> tuple[ContributorCredit, ...]:
    return tuple(
        ContributorCredit(parties.ref(row.party, kind="contributor"), row.role, index, row.instrument)
        for index, row in enumerate(sorted(rows, key=lambda r: (r.sequence, r.id or 0)), start=1)
        if row.party is not None and row.role
    )


def _aware(value: datetime) -> datetime:
    from datetime import UTC

    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def view_from_release(release: Any, *, assets_dir: Path | None = None, patterns: NamingPatterns | None = None,
                      resource_dir: str = "resources/", language: str | None = None) -> ReleaseView:
    """Build the version-neutral view of a loaded catalog release.

    ``patterns`` lets a delivery profile choose the delivered file names; ``resource_dir`` is the folder
    (relative to the message) the files are delivered into. ``assets_dir`` is accepted for callers that
    pass the store location; file facts are read from the asset rows, never from disk.
    """
    del assets_dir  # facts are stored on the asset rows when the file is added
    parties = _Parties()
    upc = release.upc or ""
    display = release.display_artist or ", ".join(a.party.name for a in release.artists if a.party) or ""
    release_artists = _artists(list(release.artists), parties, display or "Unknown Artist")
    label = release.label
    label_ref = parties.ref(label, kind="label") if label is not None else parties.ref(
        None, name=display or "Unknown Artist", kind="label")
    label_name = next(p.name for p in parties.all() if p.ref == label_ref)
    release_genre = release.genre or "Unspecified"
    release_warning = PARENTAL_WARNING.get(release.parental_advisory or "", "NoAdviceAvailable")
    recordings: list[SoundRecordingView] = []
    track_releases: list[TrackReleaseView] = []
    total = 0.0
    for index, track in enumerate(sorted(release.tracks, key=lambda t: (t.disc_number, t.track_number)), start=1):
        audio = track.audio
        file = None
        if audio is not None:
            name = delivered_file_name("audio", upc=upc, disc=track.disc_number, track=track.track_number,
                                       ext=extension_for(audio), isrc=track.isrc, patterns=patterns)
            file = _file_view(audio, resource_dir + name)
        duration = track.duration_seconds or (audio.duration_seconds if audio is not None else None) or 0.0
        total += duration
        track_display = track.display_artist or display
        recordings.append(SoundRecordingView(
            ref=f"A{index}", tech_ref=f"T{index}", disc=track.disc_number, track=track.track_number,
            isrc=track.isrc or None, title=track.title, subtitle=track.version or None,
            display_artist=track_display or "Unknown Artist",
            artists=_artists(list(track.artists), parties, track_display) if track.artists else release_artists,
            contributors=_contributors(list(track.credits), parties),
            duration_seconds=float(duration),
            parental_warning="Explicit" if track.explicit else (
                "NotExplicit" if release_warning == "Explicit" else release_warning),
            p_line_year=track.p_line_year or release.p_line_year, p_line=track.p_line or release.p_line,
            genre=track.genre or release.genre, language=track.language or release.language,
            preview_start=track.preview_start_seconds, file=file,
        ))
        track_releases.append(TrackReleaseView(
            ref=f"R{index}", resource_ref=f"A{index}",
            proprietary_id=f"{upc}_{track.isrc or f'{track.disc_number:02d}{track.track_number:03d}'}",
            title=track.title, display_artist=track_display or "Unknown Artist",
            genre=track.genre or release_genre,
        ))
    image = None
    if release.cover is not None:
        n = len(recordings) + 1
        name = delivered_file_name("image", upc=upc, ext=extension_for(release.cover), patterns=patterns)
        image = ImageView(ref=f"A{n}", tech_ref=f"T{n}", proprietary_id=f"{upc}_FrontCoverImage",
                          file=_file_view(release.cover, resource_dir + name))
    main = MainReleaseView(
        ref="R0", upc=upc or None, catalog_number=release.catalog_number or None, title=release.title,
        subtitle=release.version or None, display_artist=display or "Unknown Artist", artists=release_artists,
        label_ref=label_ref, label_name=label_name,
        release_type=RELEASE_TYPES.get(release.release_type or "album", "Album"),
        is_compilation=(release.release_type == "compilation"), genre=release_genre,
        subgenre=release.subgenre or None, parental_warning=release_warning,
        p_line_year=release.p_line_year, p_line=release.p_line, c_line_year=release.c_line_year,
        c_line=release.c_line, release_date=release.release_date,
        original_release_date=release.original_release_date, language=release.language,
        duration_seconds=total,
    )
    deals = []
    for d in sorted(release.deals, key=lambda d: (d.id or 0)):
        territories = tuple(d.territories or ("Worldwide",))
        excluded = tuple(d.excluded_territories or ())
        if territories != ("Worldwide",):  # a list of territories: exclusions are already applied
            territories, excluded = tuple(t for t in territories if t not in excluded), ()
        if not territories:
            continue  # every territory excluded: the deal grants nothing
        deals.append(DealView(
            territories=territories, excluded_territories=excluded,
            commercial_models=tuple(d.commercial_models or ()), use_types=tuple(d.use_types or ()),
            start=_aware(d.start), end=_aware(d.end) if d.end else None, price_tier=d.price_tier or None,
            applies_to_tracks=bool(d.applies_to_tracks),
        ))
    return ReleaseView(parties=parties.all(), recordings=tuple(recordings), image=image, release=main,
                       track_releases=tuple(track_releases), deals=tuple(deals),
                       language=language or release.language or "en")
