"""Release types, resource kinds and parental warnings of the catalog, spelled as DDEX spells them.

The catalog stores the DDEX ``ReleaseType`` itself ("Album", "Single", "DjMix", "VideoAlbum",
"RingtoneRelease", ...); a type no ERN version lists is kept as the user wrote it and sent as
``UserDefined``. The old catalog spellings (album, ep, single, compilation) and any spelling that differs
only in case, spaces, hyphens or underscores ("dj mix", "video-album") are accepted and turned into the DDEX
name; "compilation" is an Album with ``is_compilation`` set (DDEX ``IsMultiArtistCompilation``).

Resource kinds are the ``ResourceList`` element names. ParentalWarningType keeps its five values: the catalog
spells them explicit / not-explicit / edited / unknown / no-advice; any other value is a user-defined warning.
No SQLModel, no I/O: the CLI and the TUI import this at start-up.
"""

from __future__ import annotations

import re

from stardust_tui.domain import ddex_types as avs

VERSIONS = ("3.8.2", "4.2", "4.3")
RELEASE_TYPES_BY_VERSION: dict[str, frozenset[str]] = {
    "3.8.2": avs.RELEASE_TYPES_382, "4.2": avs.RELEASE_TYPES_42, "4.3": avs.RELEASE_TYPES_43}
# Types of the release itself (a main release); track releases are written by the builders.
TRACK_RELEASE_TYPES = frozenset({"TrackRelease", "VideoTrackRelease"})
RELEASE_TYPES: tuple[str, ...] = tuple(sorted(
    (avs.RELEASE_TYPES_382 | avs.RELEASE_TYPES_42 | avs.RELEASE_TYPES_43) - TRACK_RELEASE_TYPES, key=str.lower))
# The types offered first (the common music products); every DDEX type is accepted.
COMMON_RELEASE_TYPES = ("Album", "EP", "Single", "ClassicalAlbum", "DjMix", "Bundle", "DigitalBoxSetRelease",
                        "VideoSingle", "VideoAlbum", "LongFormMusicalWorkVideoRelease", "RingtoneRelease",
                        "SingleResourceRelease", "AudioBookRelease")
_LEGACY = {"album": ("Album", False), "lp": ("Album", False), "ep": ("EP", False), "single": ("Single", False),
           "compilation": ("Album", True)}
_KEY = re.compile(r"[\s_\-]+")
_BY_KEY = {_KEY.sub("", t).lower(): t for t in (*RELEASE_TYPES, *TRACK_RELEASE_TYPES)}

RESOURCE_KINDS = ("SoundRecording", "MIDI", "Video", "Image", "Text", "SheetMusic", "Software",
                  "UserDefinedResource")
KINDS_BY_VERSION: dict[str, tuple[str, ...]] = {
    "3.8.2": RESOURCE_KINDS,
    "4.2": ("SoundRecording", "Video", "Image", "Text", "SheetMusic", "Software"),
    "4.3": ("SoundRecording", "Video", "Image", "Text", "SheetMusic", "Software"),
}
_RESOURCE_TYPES = {
    "SoundRecording": (avs.SOUND_RECORDING_TYPES_382, avs.SOUND_RECORDING_TYPES_42, avs.SOUND_RECORDING_TYPES_43),
    "Video": (avs.VIDEO_TYPES_382, avs.VIDEO_TYPES_42, avs.VIDEO_TYPES_43),
    "Image": (avs.IMAGE_TYPES_382, avs.IMAGE_TYPES_42, avs.IMAGE_TYPES_43),
    "Text": (avs.TEXT_TYPES_382, avs.TEXT_TYPES_42, avs.TEXT_TYPES_43),
    "MIDI": (avs.MIDI_TYPES_382, frozenset(), frozenset()),
    "SheetMusic": (avs.SHEET_MUSIC_TYPES_382, avs.SHEET_MUSIC_TYPES_42, avs.SHEET_MUSIC_TYPES_43),
    "Software": (avs.SOFTWARE_TYPES_382, avs.SOFTWARE_TYPES_42, avs.SOFTWARE_TYPES_43),
}
DEFAULT_RESOURCE_TYPES = {"SoundRecording": "MusicalWorkSoundRecording", "Video": "ShortFormMusicalWorkVideo",
                          "Image": "FrontCoverImage", "Text": "NonInteractiveBooklet", "MIDI": "PolyphonicMidi",
                          "SheetMusic": "UserDefined", "Software": "Unknown", "UserDefinedResource": "UserDefined"}

# Catalog spelling -> DDEX ParentalWarningType (and back).
PARENTAL_WARNINGS = {"explicit": "Explicit", "not-explicit": "NotExplicit", "edited": "ExplicitContentEdited",
                     "unknown": "Unknown", "no-advice": "NoAdviceAvailable"}
_WARNING_BACK = {v: k for k, v in PARENTAL_WARNINGS.items()}


# What the CLI/TUI offer: the common types, every other DDEX type, and the old catalog spelling "compilation".
RELEASE_TYPE_CHOICES: tuple[str, ...] = (*COMMON_RELEASE_TYPES,
                                         *(t for t in RELEASE_TYPES if t not in COMMON_RELEASE_TYPES), "compilation")


def release_type_and_compilation(text: str) -> tuple[str, bool]:
    """``(DDEX release type, is compilation)`` for any accepted spelling; free text is a user-defined type."""
    cleaned = " ".join((text or "").split())
    if not cleaned:
        raise ValueError("a release type cannot be empty")
    legacy = _LEGACY.get(cleaned.lower())
    if legacy is not None:
        return legacy
    return _BY_KEY.get(_KEY.sub("", cleaned).lower(), cleaned), False


def canonical_release_type(text: str) -> str:
    """The DDEX name of a release type ("dj mix" -> "DjMix", "album" -> "Album"); unknown text is kept."""
    return release_type_and_compilation(text)[0]


def is_ddex_release_type(value: str, version: str | None = None) -> bool:
    """True when ``value`` is in the allowed-value set of ``version`` (of any version when None)."""
    if version is None:
        return value in RELEASE_TYPES or value in TRACK_RELEASE_TYPES
    return value in RELEASE_TYPES_BY_VERSION[version]


def deliverable_type(release_type: str, accept: tuple[str, ...] | list[str] = (),
                     mapping: dict[str, str] | None = None) -> str | None:
    """The release type to send a DSP whose profile accepts ``accept`` (empty: every type) and maps some
    types onto others (``{"DjMix": "Album"}``); None when the DSP takes neither the type nor a mapping of it."""
    sent = (mapping or {}).get(release_type, release_type)
    if not accept or sent in accept:
        return sent
    return None


def release_type_choices() -> list[str]:
    """Every accepted release type for pickers: the common ones first, then the other DDEX types."""
    rest = [t for t in RELEASE_TYPES if t not in COMMON_RELEASE_TYPES]
    return list(COMMON_RELEASE_TYPES) + rest


def resource_types(kind: str, version: str) -> frozenset[str]:
    """The DDEX types of a resource kind in one ERN version (empty when the version has no such kind)."""
    sets = _RESOURCE_TYPES.get(kind)
    if sets is None:
        return frozenset()
    return sets[VERSIONS.index(version)]


def ddex_parental_warning(value: str | None) -> str:
    """The ParentalWarningType of a catalog value (free text is a user-defined warning, kept as is)."""
    if not value:
        return "NoAdviceAvailable"
    return PARENTAL_WARNINGS.get(value, value)


def catalog_parental_warning(value: str | None) -> str:
    """The catalog spelling of a DDEX ParentalWarningType (a user-defined value is kept as is)."""
    if not value:
        return "no-advice"
    return _WARNING_BACK.get(value, value)
