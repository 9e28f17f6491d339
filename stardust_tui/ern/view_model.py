"""The version-neutral statement of one release that ERN builders write and ERN parsers read.

Frozen dataclasses, no ORM and no XML: parties, resources of every kind (sound recordings, videos, images,
texts, MIDI, sheet music, software) with identifiers, titles, artists, contributors, P/C lines, parental
warnings and technical details; the main release with its type, identifiers and resource-group tree;
track releases; deals with the releases they cover. :func:`stardust_tui.ern.release_view.view_from_release`
makes one from the catalog, :func:`stardust_tui.ern.parse.parse_release` from a message, so a message
built from a view and read back gives the same view (the property the ERN tests check).

Values are as DDEX spells them (``ReleaseType`` "DjMix", ``ParentalWarningType`` "NoAdviceAvailable");
a value a version's allowed-value set does not list is written as ``UserDefined`` by the builders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


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
    """A contributor with one or more roles (DDEX Contributor / ResourceContributor)."""

    party_ref: str
    role: str
    sequence: int
    instrument: str | None = None
    more_roles: tuple[str, ...] = ()

    @property
    def roles(self) -> tuple[str, ...]:
        return (self.role, *self.more_roles)


@dataclass(frozen=True)
class Ident:
    """An identifier other than the ones with their own field: ProprietaryId (namespace), ISAN, ISWC..."""

    kind: str
    value: str
    namespace: str | None = None  # None: the message sender's DPID


@dataclass(frozen=True)
class TitleView:
    """An additional title (4.x AdditionalTitle, 3.8.2 Title with a TitleType). A ``title_type`` starting with
    ``@`` is another language's or territory's DisplayTitleText, DisplayTitle or DisplayArtistName (4.x:
    ``@DisplayTitle``...), kept beside the default one the catalog stores."""

    text: str
    subtitle: str | None = None
    title_type: str | None = None
    language: str | None = None  # LanguageAndScriptCode of a translated title
    territory: str | None = None  # ApplicableTerritoryCode of a variant (``@`` types)


@dataclass(frozen=True)
class LineView:
    """A P-line or C-line. ``verbatim``: write ``text`` as it is (a line read from a message)."""

    year: int | None
    text: str
    verbatim: bool = False


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
    video_codec: str | None = None
    frame_rate: float | None = None
    bit_rate: int | None = None  # kbps, the whole file (OverallBitRate)
    audio_codec: str | None = None  # the sound track of a video
    video_bit_rate: int | None = None  # kbps
    audio_bit_rate: int | None = None  # kbps (a recording's BitRate, a video's AudioBitRate)
    from_message: bool = False  # facts a message stated (not read from a stored file): written as stated


@dataclass(frozen=True)
class ExtraFile:
    """A further file of one resource (another TechnicalDetails block: a ringtone's other clips...)."""

    tech_ref: str
    file: FileView
    preview_start: float | None = None
    preview_duration: float | None = None
    preview_expression: str | None = None


@dataclass(frozen=True)
class RelatedView:
    """A related resource (a DJ mix's sources: HasContentFrom with the timing in the mix)."""

    relationship: str
    ref: str
    start: float | None = None
    duration_used: float | None = None


@dataclass(frozen=True)
class ResourceView:
    """One resource of any kind. ``disc``/``track`` > 0 marks a catalog track (its place on the release)."""

    ref: str
    tech_ref: str
    kind: str
    type: str
    isrc: str | None = None
    ids: tuple[Ident, ...] = ()
    title: str | None = None
    subtitle: str | None = None
    display_title_text: str | None = None
    additional_titles: tuple[TitleView, ...] = ()
    display_artist: str | None = None
    artists: tuple[ArtistCredit, ...] = ()
    contributors: tuple[ContributorCredit, ...] = ()
    duration_seconds: float | None = None
    parental_warning: str | None = None
    p_line: LineView | None = None
    c_line: LineView | None = None
    genre: str | None = None
    language: str | None = None
    preview_start: float | None = None
    preview_duration: float | None = None  # the preview clip's length, when the message states it
    preview_expression: str | None = None  # ExpressionType of the preview (None: Instructive, as written)
    file: FileView | None = None
    related: tuple[RelatedView, ...] = ()
    extra_lines: tuple[tuple[str, LineView], ...] = ()  # further PLines/CLines ("PLine", line)
    extra_files: tuple[ExtraFile, ...] = ()
    works: tuple[tuple[Ident, ...], ...] = ()  # the musical works it records (ISWC, opus, catalogue numbers...)
    disc: int = 0
    track: int = 0
    titles_stated: bool = False  # a message's titles: additional_titles are exactly the titles it stated
    asset_id: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class LinkView:
    """A LinkedReleaseResourceReference: a resource shown with an item or a group (cover art, screen capture)."""

    ref: str
    description: str | None = None


@dataclass(frozen=True)
class GroupItemView:
    ref: str
    sequence: int | None = None
    linked: tuple[LinkView, ...] = ()


@dataclass(frozen=True)
class GroupView:
    """A ResourceGroup: its own titles/ids/type, sub-groups first, then content items, then linked resources."""

    sequence: int | None = None
    group_type: str | None = None
    title: str | None = None
    titles: tuple[TitleView, ...] = ()
    ids: tuple[Ident, ...] = ()
    groups: tuple[GroupView, ...] = ()
    items: tuple[GroupItemView, ...] = ()
    linked: tuple[LinkView, ...] = ()


@dataclass(frozen=True)
class MainReleaseView:
    ref: str
    upc: str | None  # the ICPN as it is written
    catalog_number: str | None
    title: str
    subtitle: str | None
    display_artist: str
    artists: tuple[ArtistCredit, ...]
    label_ref: str
    label_name: str
    release_type: str  # DDEX ReleaseType: Album, EP, Single, DjMix...
    is_compilation: bool
    genre: str
    subgenre: str | None
    parental_warning: str
    p_line: LineView | None = None
    c_line: LineView | None = None
    release_date: date | None = None
    original_release_date: date | None = None
    language: str | None = None
    duration_seconds: float | None = 0.0
    grid: str | None = None
    catalog_namespace: str | None = None
    ids: tuple[Ident, ...] = ()
    display_title_text: str | None = None
    additional_titles: tuple[TitleView, ...] = ()
    group: GroupView | None = None
    compilation_stated: bool = False  # write IsMultiArtistCompilation false too (a message said it)
    titles_stated: bool = False
    type_stated: bool = True  # False: a 3.8.2 message named no ReleaseType (3.8.2 writes none either)
    extra_types: tuple[str, ...] = ()  # further ReleaseTypes a message gave
    extra_lines: tuple[tuple[str, LineView], ...] = ()


@dataclass(frozen=True)
class TrackReleaseView:
    """A release of one resource (4.x TrackRelease, 3.8.2 Release of type TrackRelease / VideoTrackRelease)."""

    ref: str
    resource_ref: str
    release_type: str = "TrackRelease"
    ids: tuple[Ident, ...] = ()
    title: str | None = None
    subtitle: str | None = None
    display_title_text: str | None = None
    additional_titles: tuple[TitleView, ...] = ()
    display_artist: str | None = None
    artists: tuple[ArtistCredit, ...] = ()
    parental_warning: str | None = None
    genre: str | None = None
    linked: tuple[LinkView, ...] = ()
    p_line: LineView | None = None
    c_line: LineView | None = None
    duration_seconds: float | None = None
    stated: bool = False  # True: a message's track release (write what it stated); False: catalog defaults
    label_ref: str | None = None  # its own label, when a message gave it one


@dataclass(frozen=True)
class ChannelView:
    """A distribution channel a deal is for (DDEX DSP): its name, trading name, identifiers, URLs."""

    name: str | None = None
    trading_name: str | None = None
    ids: tuple[Ident, ...] = ()  # DPID, ISNI, ProprietaryId (namespace)
    urls: tuple[str, ...] = ()


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
    applies_to_release: bool = True
    track_refs: tuple[str, ...] | None = None  # the track releases (by resource ref) it covers; None: all
    channels: tuple[ChannelView, ...] = ()  # only through these distribution channels (or all but these)
    channels_excluded: bool = False
    is_preorder: bool = False
    # a pre-order's instant-gratification resources (refs: available as soon as bought), the day the release
    # comes out for its buyers (3.8.2 PreOrderReleaseDate) and the day it may be shown (PreOrderPreviewDate)
    instant_gratification: tuple[str, ...] = ()
    preorder_release_date: date | None = None
    preorder_preview_date: date | None = None


@dataclass(frozen=True)
class ReleaseView:
    """Everything a NewReleaseMessage states about one release, independent of the ERN version."""

    parties: tuple[PartyView, ...]
    resources: tuple[ResourceView, ...]
    release: MainReleaseView
    track_releases: tuple[TrackReleaseView, ...]
    deals: tuple[DealView, ...]
    language: str = "en"
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def party(self, ref: str) -> PartyView:
        by_ref: dict[str, PartyView] | None = self.extra.get("_parties")
        if by_ref is None:  # built once per view: builders look parties up for every credit
            by_ref = self.extra["_parties"] = {p.ref: p for p in self.parties}
        return by_ref[ref]

    @property
    def recordings(self) -> tuple[ResourceView, ...]:
        """The catalog's tracks: sound recordings with a place on the release, in disc/track order."""
        return tuple(r for r in self.resources if r.kind == "SoundRecording" and r.track)

    @property
    def image(self) -> ResourceView | None:
        """The first front cover image (the catalog's cover)."""
        return next((r for r in self.resources if r.kind == "Image" and r.type == "FrontCoverImage"), None)

    def resource(self, ref: str) -> ResourceView:
        by_ref: dict[str, ResourceView] | None = self.extra.get("_resources")
        if by_ref is None:
            by_ref = self.extra["_resources"] = {r.ref: r for r in self.resources}
        return by_ref[ref]
