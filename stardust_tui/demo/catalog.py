"""What the demo catalog contains: labels, artists, contributors and four releases (album, EP, two singles).

Plain data. UPCs and ISRCs are computed with valid check digits; ISRCs use the ``QZ`` country code
and a made-up registrant, UPCs a made-up ``086`` company prefix.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from stardust_tui.domain.identifiers import gtin_check_digit, isni_check_char, mod37_36_check_char

STREAMING = {"commercial_models": ["SubscriptionModel", "AdvertisementSupportedModel"],
             "use_types": ["OnDemandStream", "NonInteractiveStream"]}
DOWNLOAD = {"commercial_models": ["PayAsYouGoModel"], "use_types": ["PermanentDownload"], "price_tier": "Mid"}


def upc(item: int) -> str:
    body = f"08600{item:06d}"
    return body + str(gtin_check_digit(body))


def isrc(year: int, n: int) -> str:
    return f"QZSD1{year % 100:02d}{n:05d}"


def isni(n: int) -> str:
    body = f"0000000{n:08d}"
    return body + isni_check_char(body)


def dpid(body: str) -> str:
    """A DDEX party ID with its ISO 7064 MOD 37,36 check character (the demo's are made up)."""
    return body + mod37_36_check_char(body)


LABELS = {
    "Stardust Records": {"dpid": dpid("PADPIDA2025010101")},
    "Nebula Sound": {"dpid": dpid("PADPIDA2025010102")},
}
ARTISTS = {
    "Aurora Vale": {"isni": isni(4_711_001)},
    "The Quiet Comets": {"isni": isni(4_711_002)},
    "Mira Sol": {"isni": isni(4_711_003)},
    "Jonah Reed": {},
}
ALBUM_TITLES = ["Polar Morning", "Atlas of Small Things", "Northern Lights", "Saltwater Letters", "Kite Season",
                "The Cartographer", "Blue Hour Drive", "Echo Valley", "Paper Lanterns", "Orbit", "Driftwood",
                "Home Before Dawn"]

RELEASES: list[dict[str, Any]] = [
    {
        "upc": upc(1), "title": "Northern Lights Atlas", "artists": ["Aurora Vale"], "label": "Stardust Records",
        "release_type": "album", "genre": "Electronic", "subgenre": "Ambient", "catalog_number": "SDR-001",
        "release_date": date(2025, 3, 14), "original_release_date": date(2025, 3, 14), "language": "en",
        "p_line_year": 2025, "p_line": "Stardust Records", "c_line_year": 2025, "c_line": "Stardust Records",
        "status": "ready", "hue": 0.58,
        "audio": {"fmt": "WAV", "bit_depth": 16, "rate": 44100},
        "tracks": [{"title": t, "isrc": isrc(2025, i)} for i, t in enumerate(ALBUM_TITLES, start=1)],
        "credits": [("Aurora Vale", "Composer"), ("Lena Marsh", "Producer"), ("Tom Okafor", "MasteringEngineer")],
        "track_credits": [("Aurora Vale", "ComposerLyricist"), ("Lena Marsh", "Mixer")],
        "deals": [{"territories": ["Worldwide"], **STREAMING}, {"territories": ["Worldwide"], **DOWNLOAD}],
    },
    {
        "upc": upc(2), "title": "Low Tide Sessions", "artists": ["The Quiet Comets"], "label": "Nebula Sound",
        "release_type": "ep", "genre": "Alternative", "subgenre": "Indie Rock", "catalog_number": "NEB-014",
        "release_date": date(2025, 6, 6), "language": "en",
        "p_line_year": 2025, "p_line": "Nebula Sound", "c_line_year": 2025, "c_line": "Nebula Sound",
        "status": "ready", "hue": 0.05,
        "audio": {"fmt": "FLAC", "bit_depth": 24, "rate": 48000},
        "tracks": [{"title": t, "isrc": isrc(2025, 100 + i)}
                   for i, t in enumerate(["Undertow", "Harbour Lights", "Gulls", "Slack Water"], start=1)],
        "credits": [("Sam Whitley", "Producer"), ("Ines Carvalho", "RecordingEngineer")],
        "track_credits": [("Sam Whitley", "Composer"), ("Ada Brook", "Lyricist"), ("Ada Brook", "Vocalist")],
        # Territory-limited: streaming in English-speaking markets only.
        "deals": [{"territories": ["US", "CA", "GB", "IE", "AU", "NZ"], **STREAMING}],
    },
    {
        "upc": upc(3), "title": "Glass Harbour", "artists": ["Mira Sol"], "label": "Stardust Records",
        "release_type": "single", "genre": "Pop", "catalog_number": "SDR-002",
        "release_date": date(2025, 9, 19), "language": "es",
        "p_line_year": 2025, "p_line": "Stardust Records", "c_line_year": 2025, "c_line": "Stardust Records",
        "status": "ready", "hue": 0.83, "featured": "Jonah Reed",
        "audio": {"fmt": "FLAC", "bit_depth": 24, "rate": 44100},
        "tracks": [{"title": "Glass Harbour", "isrc": isrc(2025, 200)}],
        "credits": [("Mira Sol", "Composer"), ("Jonah Reed", "Producer")],
        "track_credits": [("Mira Sol", "ComposerLyricist"), ("Jonah Reed", "Guitarist")],
        "deals": [{"territories": ["Worldwide"], **STREAMING}, {"territories": ["Worldwide"], **DOWNLOAD}],
    },
    {
        "upc": upc(4), "title": "Paper Satellites", "artists": ["Aurora Vale"], "label": "Stardust Records",
        "release_type": "single", "genre": "Electronic", "catalog_number": "SDR-003",
        "release_date": date(2026, 2, 6), "language": "en",
        "p_line_year": 2026, "p_line": "Stardust Records", "c_line_year": 2026, "c_line": "Stardust Records",
        "status": "draft", "hue": 0.33,  # a draft: no deals yet, so `stardust check` has something to say
        "audio": {"fmt": "WAV", "bit_depth": 16, "rate": 44100},
        "tracks": [{"title": "Paper Satellites", "isrc": isrc(2026, 1)}],
        "credits": [("Aurora Vale", "Composer")],
        "track_credits": [("Aurora Vale", "ComposerLyricist")],
        "deals": [],
    },
]
