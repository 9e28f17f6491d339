"""Contributor roles and instruments as people type them, mapped onto DDEX's allowed values.

``map_role("Mastering Engineer")`` -> ``MasteringEngineer``; ``map_role("Lead Vocals")`` -> role
``LeadVocalist`` with instrument ``Voice``; ``map_role("Guitar")`` / ``"guitarist"`` / ``"Electric
guitars"`` -> role ``Musician`` with instrument ``Guitar`` / ``ElectricGuitar``; ``"produced by"`` ->
``Producer``. Any DDEX ContributorRole written with spaces or another case is found too;
:func:`map_artist_role` does the same for display-artist roles (``feat.`` -> ``FeaturedArtist``). A role
nothing fits keeps the user's text and ``known=False``: the ERN sends it as ``UserDefined`` and the
readiness check warns. Pure functions over :mod:`stardust_tui.domain.ddex_avs`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from stardust_tui.domain.ddex_avs import CONTRIBUTOR_ROLES, INSTRUMENTS
from stardust_tui.domain.enums import CONTRIBUTOR_ROLES as CATALOG_ROLES

#: Roles the ERN builders translate per version (Producer -> StudioProducer in 4.x, ...).
BUILDER_ROLES = frozenset(CATALOG_ROLES) - {"Guitarist", "Bassist", "Drummer", "Keyboardist"}
_ROLE_BY_KEY = {r.lower(): r for r in CONTRIBUTOR_ROLES | BUILDER_ROLES}
_INSTRUMENT_BY_KEY = {i.lower(): i for i in INSTRUMENTS}

# Common spellings -> (role, instrument). Keys are normalized (see _key): lower case, letters and digits.
_ROLE_ALIASES: dict[str, tuple[str, str | None]] = {
    "master": ("MasteringEngineer", None), "mastering": ("MasteringEngineer", None),
    "masteredby": ("MasteringEngineer", None), "masterengineer": ("MasteringEngineer", None),
    "mix": ("MixingEngineer", None), "mixing": ("MixingEngineer", None), "mixedby": ("MixingEngineer", None),
    "mixengineer": ("MixingEngineer", None), "recording": ("RecordingEngineer", None),
    "recordedby": ("RecordingEngineer", None), "recordingengineer": ("RecordingEngineer", None),
    "tracking": ("TrackingEngineer", None), "engineeredby": ("Engineer", None), "soundengineer": ("Engineer", None),
    "audioengineer": ("Engineer", None), "producedby": ("Producer", None), "production": ("Producer", None),
    "prod": ("Producer", None), "coproducedby": ("CoProducer", None),
    "executiveproducedby": ("ExecutiveProducer", None), "execproducer": ("ExecutiveProducer", None),
    "vocalproduction": ("VocalProducer", None),
    "additionalproduction": ("AssistantProducer", None), "writtenby": ("ComposerLyricist", None),
    "writer": ("ComposerLyricist", None), "songwriter": ("ComposerLyricist", None),
    "songwriting": ("ComposerLyricist", None), "composedby": ("Composer", None), "music": ("Composer", None),
    "musicby": ("Composer", None), "lyrics": ("Lyricist", None), "lyricsby": ("Lyricist", None),
    "words": ("Lyricist", None), "wordsby": ("Lyricist", None), "text": ("Lyricist", None),
    "musicandlyrics": ("ComposerLyricist", None), "wordsandmusic": ("ComposerLyricist", None),
    "arrangedby": ("Arranger", None), "arrangement": ("Arranger", None), "arrangements": ("Arranger", None),
    "stringarrangement": ("StringsDirector", None), "conductedby": ("Conductor", None),
    "publishing": ("MusicPublisher", None), "publishedby": ("MusicPublisher", None),
    "programming": ("Programmer", None), "programmedby": ("Programmer", None), "beats": ("Programmer", None),
    "remixedby": ("Remixer", None), "remix": ("Remixer", None), "dj": ("DJ", None),
    "vocals": ("Vocalist", "Voice"), "vocal": ("Vocalist", "Voice"), "voice": ("Vocalist", "Voice"),
    "singer": ("Vocalist", "Voice"), "vocalist": ("Vocalist", "Voice"), "vox": ("Vocalist", "Voice"),
    "leadvocals": ("LeadVocalist", "Voice"), "leadvocal": ("LeadVocalist", "Voice"),
    "leadvocalist": ("LeadVocalist", "Voice"), "leadsinger": ("LeadVocalist", "Voice"),
    "leadvox": ("LeadVocalist", "Voice"), "mainvocals": ("LeadVocalist", "Voice"),
    "backingvocals": ("BackgroundVocalist", "Voice"), "backgroundvocals": ("BackgroundVocalist", "Voice"),
    "backingvocalist": ("BackgroundVocalist", "Voice"), "backgroundvocalist": ("BackgroundVocalist", "Voice"),
    "backupvocals": ("BackgroundVocalist", "Voice"), "choir": ("Choir", None), "rap": ("Vocalist", "Voice"),
    "rapper": ("Vocalist", "Voice"), "mc": ("Vocalist", "Voice"), "featuredartist": ("Artist", None),
    "featuring": ("Artist", None), "feat": ("Artist", None), "performer": ("Performer", None),
    "artwork": ("CoverDesigner", None), "coverart": ("CoverDesigner", None), "design": ("GraphicDesigner", None),
    "photography": ("Photographer", None), "photo": ("Photographer", None), "photos": ("Photographer", None),
}
# Player roles and instrument spellings -> DDEX InstrumentType (the role is Musician).
_INSTRUMENT_ALIASES: dict[str, str] = {
    "guitarist": "Guitar", "guitars": "Guitar", "gtr": "Guitar", "electricguitars": "ElectricGuitar",
    "acousticguitars": "AcousticGuitar", "bassist": "Bass", "bassguitar": "ElectricBassGuitar",
    "electricbass": "ElectricBassGuitar", "uprightbass": "UprightBass", "drummer": "DrumKit", "drums": "DrumKit",
    "drumset": "DrumKit", "kit": "DrumKit", "percussion": "PercussionInstrument",
    "percussionist": "PercussionInstrument", "keys": "Keyboard", "keyboards": "Keyboard", "keyboardist": "Keyboard",
    "pianist": "Piano", "pianos": "Piano", "organist": "Organ", "synth": "Synthesizer", "synths": "Synthesizer",
    "synthesizers": "Synthesizer", "moog": "Synthesizer", "sax": "Saxophone", "saxophonist": "Saxophone",
    "tenorsax": "TenorSaxophone", "altosax": "AltoSaxophone", "trumpeter": "Trumpet", "trumpets": "Trumpet",
    "violinist": "Violin", "violins": "Violin", "fiddle": "Violin", "cellist": "Cello", "violist": "Viola",
    "flautist": "Flute", "flutist": "Flute", "harpist": "Harp", "trombonist": "Trombone", "clarinetist": "Clarinet",
    "turntables": "Turntable", "scratches": "Turntable", "harmonica": "Harmonica", "808": "DrumMachine",
    "drummachine": "DrumMachine", "banjoist": "Banjo", "mandolinist": "Mandolin", "ukulele": "Ukulele",
    "strings": "StringSection", "horns": "FrenchHorn",
}
_DROP = re.compile(r"\b(additional|on|the|and|&|playing|player|plays)\b")


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


@dataclass(frozen=True)
class RoleMapping:
    """Where a typed role lands: the role sent, the instrument (DDEX InstrumentType) and whether DDEX knows it."""

    role: str
    instrument: str | None = None
    known: bool = True


@lru_cache(maxsize=4096)
def map_instrument(text: str | None) -> str | None:
    """The DDEX InstrumentType for an instrument as typed (``electric guitars`` -> ``ElectricGuitar``)."""
    if not text or not text.strip():
        return None
    key = _key(text)
    for candidate in (key, _key(_DROP.sub(" ", text.lower()))):
        if candidate in _INSTRUMENT_ALIASES:
            return _INSTRUMENT_ALIASES[candidate]
        if candidate in _INSTRUMENT_BY_KEY:
            return _INSTRUMENT_BY_KEY[candidate]
        if candidate.endswith("s") and candidate[:-1] in _INSTRUMENT_BY_KEY:
            return _INSTRUMENT_BY_KEY[candidate[:-1]]
    return None


@lru_cache(maxsize=4096)
def map_role(text: str, instrument: str | None = None) -> RoleMapping:
    """Map a typed role (and an optional typed instrument) onto DDEX; ``known=False`` when nothing fits."""
    typed = " ".join((text or "").split())
    inst = map_instrument(instrument) if instrument else None
    if not typed:
        return RoleMapping("", inst, False)
    key = _key(typed)
    if key in _ROLE_ALIASES:
        role, default_inst = _ROLE_ALIASES[key]
        return RoleMapping(role, inst or default_inst)
    if key in _ROLE_BY_KEY:
        return RoleMapping(_ROLE_BY_KEY[key], inst)
    played = map_instrument(typed)
    if played is not None:
        return RoleMapping("Musician", inst or played)
    if key.endswith("s") and key[:-1] in _ROLE_BY_KEY:  # "Producers", "Composers"
        return RoleMapping(_ROLE_BY_KEY[key[:-1]], inst)
    return RoleMapping(typed, inst or (instrument.strip() if instrument else None), False)


_ARTIST_ROLES = {"mainartist": "MainArtist", "main": "MainArtist", "primary": "MainArtist",
                 "primaryartist": "MainArtist", "lead": "MainArtist", "featuredartist": "FeaturedArtist",
                 "featured": "FeaturedArtist", "featuring": "FeaturedArtist", "feat": "FeaturedArtist",
                 "ft": "FeaturedArtist", "guest": "FeaturedArtist", "with": "FeaturedArtist", "remixer": "Remixer",
                 "remix": "Remixer", "remixedby": "Remixer", "artist": "Artist"}


def map_artist_role(text: str) -> RoleMapping:
    """A display-artist role as typed (``feat.``, ``Primary``, ``remixed by``) as DDEX spells it."""
    typed = " ".join((text or "").split())
    found = _ARTIST_ROLES.get(_key(typed))
    return RoleMapping(found, None) if found else RoleMapping(typed, None, False)


def is_known_role(role: str) -> bool:
    """Whether a stored role reaches the ERN as a DDEX value (not UserDefined)."""
    return map_role(role).known


def canonical_roles(credits: Iterable[Any], artists: Iterable[Any], allowed_credit: frozenset[str],
                    allowed_artist: frozenset[str]) -> None:
    """Rewrite typed roles the store would refuse ("Mastering Engineer", "Lead Vocals", "feat.") as DDEX spells
    them, with the instrument when the role names one; roles already allowed or unknown are left as they are
    (an unknown one is then refused by validation with its hint)."""
    for credit in credits:
        role = credit.role or ""
        if role and role not in allowed_credit and not role.startswith("UserDefined:"):
            mapped = map_role(role, credit.instrument)
            if mapped.known:
                credit.role = mapped.role
                credit.instrument = mapped.instrument or credit.instrument
    for link in artists:
        role = link.role or ""
        if role and role not in allowed_artist and not role.startswith("UserDefined:"):
            mapped = map_artist_role(role)
            if mapped.known:
                link.role = mapped.role
