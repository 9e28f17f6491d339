"""Closed vocabularies of the catalog (release types, statuses, roles, deal terms)."""

from __future__ import annotations

from enum import StrEnum


class ReleaseType(StrEnum):
    ALBUM = "album"
    EP = "ep"
    SINGLE = "single"
    COMPILATION = "compilation"


class ReleaseStatus(StrEnum):
    DRAFT = "draft"
    READY = "ready"
    DELIVERED = "delivered"
    TAKEN_DOWN = "taken-down"


class ParentalAdvisory(StrEnum):
    """Maps to DDEX ParentalWarningType: Explicit, NotExplicit, ExplicitContentEdited, Unknown, NoAdviceAvailable."""

    EXPLICIT = "explicit"
    NOT_EXPLICIT = "not-explicit"
    EDITED = "edited"
    UNKNOWN = "unknown"
    NO_ADVICE = "no-advice"


class PartyKind(StrEnum):
    ARTIST = "artist"
    LABEL = "label"
    CONTRIBUTOR = "contributor"
    COMPANY = "company"


class ArtistRole(StrEnum):
    """Display-artist roles on a release or track (DDEX DisplayArtistRole)."""

    MAIN = "MainArtist"
    FEATURED = "FeaturedArtist"
    REMIXER = "Remixer"
    ARTIST = "Artist"


class AssetKind(StrEnum):
    AUDIO = "audio"
    IMAGE = "image"
    VIDEO = "video"
    TEXT = "text"  # PDF booklets, lyric/text documents
    MIDI = "midi"
    OTHER = "other"


# DDEX CommercialModelType / UseType values the catalog offers (subset of the AVS; free text allowed).
COMMERCIAL_MODELS = (
    "SubscriptionModel",
    "AdvertisementSupportedModel",
    "PayAsYouGoModel",
    "FreeOfChargeModel",
)
USE_TYPES = (
    "Stream",
    "OnDemandStream",
    "NonInteractiveStream",
    "PermanentDownload",
    "ConditionalDownload",
    "TetheredDownload",
)
# DDEX contributor roles (ResourceContributorRole / IndirectResourceContributorRole subset).
CONTRIBUTOR_ROLES = (
    "Composer",
    "Lyricist",
    "ComposerLyricist",
    "Producer",
    "Mixer",
    "MasteringEngineer",
    "RecordingEngineer",
    "Arranger",
    "Performer",
    "Vocalist",
    "Guitarist",
    "Bassist",
    "Drummer",
    "Keyboardist",
    "Publisher",
)
WORLDWIDE = "Worldwide"

# Of the delivery engine (tables in domain/delivery_models.py); here so the CLI can offer them as
# choices without importing SQLModel at start-up.
DELIVERY_STATES = ("queued", "running", "retry-wait", "succeeded", "failed", "cancelled")
MESSAGE_TYPES = ("new", "update", "takedown", "purge")
