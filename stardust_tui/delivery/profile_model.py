"""The delivery profile model: immutable dataclasses and the closed vocabularies they use.

Read and checked from TOML by :mod:`stardust_tui.delivery.profiles` (import from there). The audio and
artwork rules are the domain's QC rules (:mod:`stardust_tui.domain.qc_rules`): a profile says what its
DSP accepts and how severe each finding is, and the same checks run for ``stardust check --target`` and
before a delivery.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stardust_tui.domain.genres import GenreRules
from stardust_tui.domain.identifiers import is_placeholder_dpid
from stardust_tui.domain.qc_rules import QC_SEVERITIES, ArtworkRules, AudioRules, VideoRules
from stardust_tui.errors import ValidationError

__all__ = ["ACK_FORMATS", "CHOREOGRAPHIES", "ERN_VERSIONS", "MANIFEST_RULES", "MANIFEST_VERSIONS", "NAMING_ROLES",
           "PLACEHOLDER_MARK", "QC_SEVERITIES", "RELEASE_PROFILES", "TAKEDOWN_STRATEGIES", "ArtworkRules",
           "AudioRules", "DealRules", "GenreRules", "MessageParty", "Profile", "ProfileError", "ReleaseTypeRules",
           "VideoRules"]

ERN_VERSIONS = ("3.8.2", "4.2", "4.3")
RELEASE_PROFILES = ("auto", "album", "single")
CHOREOGRAPHIES = ("batch", "release-by-release")
MANIFEST_RULES = ("non-empty", "zero-byte", "none")
MANIFEST_VERSIONS = ("1.6", "1.8")
TAKEDOWN_STRATEGIES = ("remove-deals", "end-validity", "purge")
MESSAGE_TYPES = ("new", "update", "takedown", "purge")
ACK_FORMATS = ("auto", "1.6", "1.8")
PLACEHOLDER_MARK = "SETME"
NAMING_ROLES = ("audio", "image", "message")


@dataclass(frozen=True)
class MessageParty:
    """A sender or recipient of messages: a DDEX Party ID (DPID) and a name."""

    dpid: str
    name: str

    @property
    def is_placeholder(self) -> bool:
        """A shipped profile's ``SETME`` DPID: it must be set before any delivery."""
        return PLACEHOLDER_MARK in self.dpid

    @property
    def is_neutral(self) -> bool:
        """Not a real party: ``SETME``, all zeros, or a neutral value shipped in configs and examples."""
        return is_placeholder_dpid(self.dpid)


@dataclass(frozen=True)
class DealRules:
    """What a DSP takes of a release's deals, and how their dates move for it."""

    required_models: tuple[str, ...] = ()  # commercial models some deal must offer (e.g. YouTube)
    required_use_types: tuple[str, ...] = ()
    preorders: bool = True  # the DSP ingests pre-order deals (IsPreOrderDeal); False: they are left out
    max_instant_grat_share: float | None = None  # at most this share of the tracks as instant gratification
    date_shift_days: int = 0  # every deal start/end moves by this many days in this DSP's messages


@dataclass(frozen=True)
class ReleaseTypeRules:
    """The DDEX release types a DSP takes (empty: every type) and how others are sent (``{"DjMix": "Album"}``)."""

    accept: tuple[str, ...] = ()
    map: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Profile:
    """One delivery profile (immutable). ``source`` is the file it was read from."""

    name: str
    profile_version: int
    description: str
    ern_version: str
    release_profile: str = "auto"
    sender: MessageParty | None = None  # None: the settings' sender_dpid / sender_name
    recipients: tuple[MessageParty, ...] = ()
    choreography: str = "batch"
    manifest: str = "non-empty"
    manifest_version: str = "1.8"
    batch_priority_prefix: str = ""
    ack_folder: str | None = None
    ack_format: str = "auto"
    takedown: str = "remove-deals"
    refused_types: tuple[str, ...] = ()  # message types the DSP refuses (Spotify: purge)
    real_dpids: bool = False  # a live message needs real sender and recipient DPIDs (a DSP's own profile)
    test_message: bool = False
    skip_xsd: bool = False  # issue 13: live messages may go out unvalidated when no DDEX schemas are installed
    audio: AudioRules = field(default_factory=AudioRules)
    artwork: ArtworkRules = field(default_factory=ArtworkRules)
    video: VideoRules = field(default_factory=VideoRules)
    release_types: ReleaseTypeRules = field(default_factory=ReleaseTypeRules)
    naming: dict[str, str] = field(default_factory=dict)  # audio/image/message patterns (ern.naming)
    genres: dict[str, str] = field(default_factory=dict)  # catalog genre -> the recipient's genre (= genre_rules.map)
    genre_rules: GenreRules = field(default_factory=GenreRules)  # issue 16: map, strict/fallback, the DSP's list
    deals: DealRules = field(default_factory=DealRules)
    max_attempts: int = 5
    backoff_seconds: float = 30.0
    lead_time_days: int = 0
    update_lead_time_days: int = 0
    source: str = ""

    @property
    def required_models(self) -> tuple[str, ...]:
        return self.deals.required_models

    @property
    def required_use_types(self) -> tuple[str, ...]:
        return self.deals.required_use_types

    def placeholder_recipients(self) -> list[MessageParty]:
        """Recipients whose DPID is still a placeholder the user must set before a live delivery."""
        return [r for r in self.recipients if r.is_placeholder]

    def refuses(self, message_type: str) -> bool:
        """Whether the DSP refuses this message type (``purge`` also when the takedown strategy is purge)."""
        return message_type in self.refused_types


class ProfileError(ValidationError):
    """A profile file that cannot be read (names the file, line or field)."""
