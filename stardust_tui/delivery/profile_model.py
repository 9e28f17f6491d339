"""The delivery profile model: immutable dataclasses and the closed vocabularies they use.

Read and checked from TOML by :mod:`stardust_tui.delivery.profiles` (import from there).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stardust_tui.errors import ValidationError

ERN_VERSIONS = ("3.8.2", "4.2", "4.3")
RELEASE_PROFILES = ("auto", "album", "single")
CHOREOGRAPHIES = ("batch", "release-by-release")
MANIFEST_RULES = ("non-empty", "zero-byte", "none")
MANIFEST_VERSIONS = ("1.6", "1.8")
TAKEDOWN_STRATEGIES = ("remove-deals", "end-validity", "purge")
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
        return PLACEHOLDER_MARK in self.dpid


@dataclass(frozen=True)
class AudioRules:
    formats: tuple[str, ...] = ("FLAC", "WAV")
    bit_depths: tuple[int, ...] = (16, 24)
    min_sample_rate: int = 44100
    channels: int = 2
    plain_pcm_wav: bool = False  # WAV format tag 1 only (no WAVE_FORMAT_EXTENSIBLE)
    same_bit_depth: bool = False  # no mixed bit depths within one release


@dataclass(frozen=True)
class ArtworkRules:
    formats: tuple[str, ...] = ("JPEG", "PNG")
    min_px: int = 3000
    square: bool = True
    rgb: bool = True


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
    test_message: bool = False
    audio: AudioRules = field(default_factory=AudioRules)
    artwork: ArtworkRules = field(default_factory=ArtworkRules)
    naming: dict[str, str] = field(default_factory=dict)  # audio/image/message patterns (ern.naming)
    genres: dict[str, str] = field(default_factory=dict)  # catalog genre -> the recipient's genre
    required_models: tuple[str, ...] = ()  # commercial models the deals must offer (e.g. YouTube)
    required_use_types: tuple[str, ...] = ()
    max_attempts: int = 5
    backoff_seconds: float = 30.0
    lead_time_days: int = 0
    update_lead_time_days: int = 0
    source: str = ""

    def placeholder_recipients(self) -> list[MessageParty]:
        """Recipients whose DPID is still a placeholder the user must set before a live delivery."""
        return [r for r in self.recipients if r.is_placeholder]


class ProfileError(ValidationError):
    """A profile file that cannot be read (names the file, line or field)."""
