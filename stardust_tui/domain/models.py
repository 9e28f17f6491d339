"""SQLModel tables of the catalog: parties, releases, tracks, credits, deals, assets, revisions, audit.

Conventions:
- Date-times are timezone-aware UTC (``utcnow()``); dates are ``date``.
- Lists (territories, commercial models, use types) are JSON columns.
- Identifiers are stored normalized (UPC/EAN as 12 or 13 digits, ISRC as 12 chars without hyphens).
- Delivery tables live in ``stardust_tui.domain.delivery_models`` (added by the delivery engine).
- Column sizes come from ``stardust_tui.domain.limits`` (the CLI, TUI and importers check the same numbers).
"""

from datetime import UTC, date, datetime
from typing import Any, Optional

from sqlalchemy import JSON, BigInteger, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from stardust_tui.domain.limits import ARTIST_LINK, ASSET, AUDIT, CREDIT, DEAL, PARTY, RELEASE, TRACK


def utcnow() -> datetime:
    """The current time as an aware UTC date-time (SQLModel stores and returns aware values)."""
    return datetime.now(UTC)


class Party(SQLModel, table=True):
    """An artist, label, contributor or company, with its industry identifiers where known."""

    __tablename__ = "party"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, max_length=PARTY["name"])
    kind: str = Field(default="artist", index=True, max_length=PARTY["kind"])  # PartyKind
    sort_name: str | None = Field(default=None, max_length=PARTY["sort_name"])
    isni: str | None = Field(default=None, index=True, max_length=PARTY["isni"])
    ipi: str | None = Field(default=None, max_length=PARTY["ipi"])
    dpid: str | None = Field(default=None, max_length=PARTY["dpid"])
    created_at: datetime = Field(default_factory=utcnow)


class Asset(SQLModel, table=True):
    """A file in the content-addressed asset store, with the technical facts read from it."""

    __tablename__ = "asset"

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(unique=True, index=True, max_length=ASSET["sha256"])
    md5: str = Field(index=True, max_length=ASSET["md5"])
    size: int
    kind: str = Field(default="other", max_length=ASSET["kind"])  # AssetKind
    original_name: str = Field(max_length=ASSET["original_name"])
    container: str | None = Field(default=None, max_length=ASSET["container"])  # WAV, FLAC, MP3, JPEG, PNG
    codec: str | None = Field(default=None, max_length=ASSET["codec"])  # PCM, FLAC, MP3
    sample_rate: int | None = None
    bit_depth: int | None = None
    channels: int | None = None
    duration_seconds: float | None = None
    wav_format_tag: int | None = None  # 1 = plain PCM, 0xFFFE = WAVE_FORMAT_EXTENSIBLE
    width: int | None = None
    height: int | None = None
    color_mode: str | None = Field(default=None, max_length=ASSET["color_mode"])  # RGB, CMYK, L, ...
    frame_rate: float | None = None  # video frames per second
    bit_rate: int | None = None  # kbit/s (video: the whole file)
    created_at: datetime = Field(default_factory=utcnow)


class Release(SQLModel, table=True):
    """A product: album, EP, single or compilation, identified by its UPC/EAN."""

    __tablename__ = "release"

    id: int | None = Field(default=None, primary_key=True)
    upc: str | None = Field(default=None, unique=True, index=True, max_length=RELEASE["upc"])
    catalog_number: str | None = Field(default=None, index=True, max_length=RELEASE["catalog_number"])
    title: str = Field(max_length=RELEASE["title"])
    version: str | None = Field(default=None, max_length=RELEASE["version"])  # subtitle ("Deluxe", "Remastered")
    display_artist: str = Field(default="", max_length=RELEASE["display_artist"])
    label_id: int | None = Field(default=None, foreign_key="party.id", index=True)
    # The DDEX ReleaseType ("Album", "Single", "DjMix"...; domain/release_types.py), free text = UserDefined.
    release_type: str = Field(default="Album", index=True, max_length=RELEASE["release_type"])
    is_compilation: bool = False  # DDEX IsMultiArtistCompilation
    grid: str | None = Field(default=None, unique=True, index=True, max_length=RELEASE["grid"])
    genre: str | None = Field(default=None, max_length=RELEASE["genre"])
    subgenre: str | None = Field(default=None, max_length=RELEASE["subgenre"])
    p_line_year: int | None = None
    p_line: str | None = Field(default=None, max_length=RELEASE["p_line"])
    c_line_year: int | None = None
    c_line: str | None = Field(default=None, max_length=RELEASE["c_line"])
    release_date: date | None = Field(default=None, index=True)
    original_release_date: date | None = None
    parental_advisory: str = Field(default="not-explicit", max_length=RELEASE["parental_advisory"])  # ParentalAdvisory
    language: str | None = Field(default=None, max_length=RELEASE["language"])  # ISO 639
    status: str = Field(default="draft", index=True, max_length=RELEASE["status"])  # ReleaseStatus
    cover_asset_id: int | None = Field(default=None, foreign_key="asset.id")
    norm_key: str = Field(default="", index=True, max_length=RELEASE["norm_key"])  # normalized title|artist for dupes
    revision: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)
    # DDEX parts with no column of their own (domain/release_parts.py): proprietary ids, the ICPN as sent,
    # the resource-group tree, additional titles...; {} for a release made in the catalog.
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))

    label: Optional["Party"] = Relationship(sa_relationship_kwargs={"lazy": "joined"})
    cover: Optional["Asset"] = Relationship()
    tracks: list["Track"] = Relationship(
        back_populates="release",
        sa_relationship_kwargs={
            "order_by": "(Track.disc_number, Track.track_number)",
            "cascade": "all, delete-orphan",
        },
    )
    artists: list["ReleaseArtist"] = Relationship(
        back_populates="release",
        sa_relationship_kwargs={"order_by": "ReleaseArtist.sequence", "cascade": "all, delete-orphan"},
    )
    credits: list["Credit"] = Relationship(
        back_populates="release",
        sa_relationship_kwargs={
            "primaryjoin": "and_(Credit.release_id == Release.id, Credit.track_id == None)",
            "order_by": "Credit.sequence",
            "cascade": "all, delete-orphan",
            "overlaps": "credits",
        },
    )
    deals: list["Deal"] = Relationship(
        back_populates="release",
        sa_relationship_kwargs={"order_by": "Deal.id", "cascade": "all, delete-orphan"},
    )
    resources: list["ReleaseResource"] = Relationship(  # domain/resource_models.py
        back_populates="release",
        sa_relationship_kwargs={"order_by": "ReleaseResource.position", "cascade": "all, delete-orphan"},
    )


class ReleaseArtist(SQLModel, table=True):
    """A display artist of a release, in order, with a role (MainArtist, FeaturedArtist...)."""

    __tablename__ = "release_artist"

    id: int | None = Field(default=None, primary_key=True)
    release_id: int | None = Field(default=None, foreign_key="release.id", index=True, nullable=False,
                                  ondelete="CASCADE")
    party_id: int | None = Field(default=None, foreign_key="party.id", index=True, nullable=False)
    role: str = Field(default="MainArtist", max_length=ARTIST_LINK["role"])
    sequence: int = 1

    release: Optional["Release"] = Relationship(back_populates="artists")
    party: Optional["Party"] = Relationship(sa_relationship_kwargs={"lazy": "joined"})


class Track(SQLModel, table=True):
    """A sound recording as it appears on a release (disc and track number)."""

    __tablename__ = "track"
    __table_args__ = (UniqueConstraint("release_id", "disc_number", "track_number", name="uq_track_position"),)

    id: int | None = Field(default=None, primary_key=True)
    # no index of its own: uq_track_position's leading column serves lookups by release (migration 0016)
    release_id: int | None = Field(default=None, foreign_key="release.id", nullable=False, ondelete="CASCADE")
    disc_number: int = 1
    track_number: int = 1
    isrc: str | None = Field(default=None, index=True, max_length=TRACK["isrc"])
    title: str = Field(max_length=TRACK["title"])
    version: str | None = Field(default=None, max_length=TRACK["version"])
    display_artist: str = Field(default="", max_length=TRACK["display_artist"])
    duration_seconds: float | None = None
    explicit: bool = False
    p_line_year: int | None = None
    p_line: str | None = Field(default=None, max_length=TRACK["p_line"])
    language: str | None = Field(default=None, max_length=TRACK["language"])
    genre: str | None = Field(default=None, max_length=TRACK["genre"])
    preview_start_seconds: float | None = None
    audio_asset_id: int | None = Field(default=None, foreign_key="asset.id", index=True)
    # Issue 18: the full DDEX ParentalWarningType (None: from ``explicit``), the SoundRecordingType, the
    # reference a message gave it (resource groups name it), and DDEX parts without a column.
    parental_advisory: str | None = Field(default=None, max_length=TRACK["parental_advisory"])
    resource_type: str | None = Field(default=None, max_length=TRACK["resource_type"])
    key: str | None = Field(default=None, max_length=TRACK["key"])
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))

    release: Optional["Release"] = Relationship(back_populates="tracks")
    audio: Optional["Asset"] = Relationship()
    artists: list["TrackArtist"] = Relationship(
        back_populates="track",
        sa_relationship_kwargs={"order_by": "TrackArtist.sequence", "cascade": "all, delete-orphan"},
    )
    credits: list["Credit"] = Relationship(
        back_populates="track",
        sa_relationship_kwargs={"order_by": "Credit.sequence", "cascade": "all, delete-orphan",
                                "overlaps": "credits"},
    )


class TrackArtist(SQLModel, table=True):
    """A display artist of a track, in order, with a role."""

    __tablename__ = "track_artist"

    id: int | None = Field(default=None, primary_key=True)
    track_id: int | None = Field(default=None, foreign_key="track.id", index=True, nullable=False,
                                  ondelete="CASCADE")
    party_id: int | None = Field(default=None, foreign_key="party.id", index=True, nullable=False)
    role: str = Field(default="MainArtist", max_length=ARTIST_LINK["role"])
    sequence: int = 1

    track: Optional["Track"] = Relationship(back_populates="artists")
    party: Optional["Party"] = Relationship(sa_relationship_kwargs={"lazy": "joined"})


class Credit(SQLModel, table=True):
    """A contributor credit (composer, producer, ...) on a track, or on the release if track_id is null."""

    __tablename__ = "credit"

    id: int | None = Field(default=None, primary_key=True)
    release_id: int | None = Field(default=None, foreign_key="release.id", index=True, nullable=False,
                                  ondelete="CASCADE")
    track_id: int | None = Field(default=None, foreign_key="track.id", index=True, ondelete="CASCADE")
    party_id: int | None = Field(default=None, foreign_key="party.id", index=True, nullable=False)
    role: str = Field(max_length=CREDIT["role"])
    instrument: str | None = Field(default=None, max_length=CREDIT["instrument"])
    sequence: int = 1

    release: Optional["Release"] = Relationship(back_populates="credits",
                                              sa_relationship_kwargs={"overlaps": "credits"})
    track: Optional["Track"] = Relationship(back_populates="credits",
                                          sa_relationship_kwargs={"overlaps": "credits"})
    party: Optional["Party"] = Relationship(sa_relationship_kwargs={"lazy": "joined"})


class Deal(SQLModel, table=True):
    """Commercial terms of a release: where, how (models and use types), from when until when."""

    __tablename__ = "deal"

    id: int | None = Field(default=None, primary_key=True)
    release_id: int | None = Field(default=None, foreign_key="release.id", index=True, nullable=False,
                                  ondelete="CASCADE")
    territories: list[str] = Field(default_factory=lambda: ["Worldwide"], sa_column=Column(JSON, nullable=False))
    excluded_territories: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    commercial_models: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    use_types: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    start: datetime
    end: datetime | None = None
    price_tier: str | None = Field(default=None, max_length=DEAL["price_tier"])
    # When set, the deal applies to the track releases too (4.x); release-level otherwise.
    applies_to_tracks: bool = True
    # Issue 18: a deal may cover only the track releases, or only some of them (resource keys; None = all).
    applies_to_release: bool = True
    track_scope: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # Deal terms without a column (migration 0010): {"channels": [...], "channels_excluded": bool}.
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # A pre-order deal covers the purchase period before the release date (DDEX IsPreOrderDeal); its
    # instant-gratification tracks (ISRCs) are available as soon as the release is bought.
    is_preorder: bool = False
    instant_gratification: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))

    release: Optional["Release"] = Relationship(back_populates="deals")


class ReleaseRevision(SQLModel, table=True):
    """A JSON snapshot of a release taken at every save."""

    __tablename__ = "release_revision"
    __table_args__ = (UniqueConstraint("release_id", "number", name="uq_revision_number"),)

    id: int | None = Field(default=None, primary_key=True)
    # no index of its own: uq_revision_number's leading column serves lookups by release (migration 0016)
    release_id: int = Field(foreign_key="release.id", ondelete="CASCADE")
    number: int
    created_at: datetime = Field(default_factory=utcnow)
    actor: str = Field(max_length=AUDIT["actor"])
    snapshot: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    content_hash: str = Field(default="", max_length=64)


class AuditEntry(SQLModel, table=True):
    """Who changed what, with the before and after values."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"), Index("ix_audit_log_seq", "seq", unique=True),
                      Index("ix_audit_log_actor", "actor"))

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=AUDIT["actor"])
    action: str = Field(max_length=AUDIT["action"])
    entity: str = Field(max_length=AUDIT["entity"])
    entity_id: str | None = Field(default=None, max_length=AUDIT["entity_id"])
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    note: str | None = Field(default=None, sa_column=Column(Text))
    # Issue 15: the hash chain (store/audit_chain.py). Set when the writing transaction commits; an entry
    # links to the one before it, so an edited or deleted entry breaks the chain.
    seq: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    prev_hash: str | None = Field(default=None, max_length=64)
    hash: str | None = Field(default=None, max_length=64)


# A release's non-track resources (issue 18); imported here so the table is always registered.
from stardust_tui.domain.resource_models import ReleaseResource  # noqa: E402,F401
