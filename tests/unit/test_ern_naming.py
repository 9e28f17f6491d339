"""Delivered file names: the one naming function shared by the ERN builders and the delivery engine."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from stardust_tui.ern.naming import DEFAULT_PATTERNS, NamingPatterns, delivered_file_name, extension_for
from stardust_tui.ern.release_view import view_from_release
from stardust_tui.errors import ValidationError


def test_default_names() -> None:
    assert delivered_file_name("audio", upc="0602445790128", disc=1, track=3, ext="flac") == \
        "0602445790128_01_003.flac"
    assert delivered_file_name("image", upc="0602445790128", ext=".JPEG") == "0602445790128.jpg"
    assert delivered_file_name("message", upc="0602445790128") == "0602445790128.xml"


def test_profile_patterns() -> None:
    patterns = NamingPatterns.from_mapping({"audio": "{isrc}.{ext}", "image": "cover_{upc}.{ext}"})
    assert delivered_file_name("audio", upc="1", isrc="GBXYZ2400001", ext="wav", patterns=patterns) == \
        "GBXYZ2400001.wav"
    assert delivered_file_name("image", upc="123", ext="png", patterns=patterns) == "cover_123.png"
    assert NamingPatterns.from_mapping(None) is DEFAULT_PATTERNS


@pytest.mark.parametrize("pattern", ["{upc}/{track}.{ext}", "{title}.{ext}", "../{upc}.{ext}", "{disc:zz}.x"])
def test_bad_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(ValidationError):
        delivered_file_name("audio", upc="1", ext="wav", patterns=NamingPatterns(audio=pattern))
    with pytest.raises(ValidationError):
        delivered_file_name("video", upc="1")  # type: ignore[arg-type]


def test_extension_from_name_or_container() -> None:
    assert extension_for(SimpleNamespace(original_name="Master.WAVE", container="WAV")) == "wav"
    assert extension_for(SimpleNamespace(original_name="noext", container="FLAC")) == "flac"
    assert extension_for(SimpleNamespace(original_name="", container=None)) == "bin"


def test_view_uses_the_naming_function() -> None:
    asset = SimpleNamespace(md5="a" * 32, size=10, codec="FLAC", container="FLAC", bit_depth=24, sample_rate=48000,
                            channels=2, duration_seconds=200.0, width=None, height=None, original_name="x.flac",
                            kind="audio", id=1)
    party = SimpleNamespace(id=1, name="Artist", kind="artist", isni=None, dpid=None)
    track = SimpleNamespace(disc_number=2, track_number=7, audio=asset, duration_seconds=None, display_artist="",
                            isrc="GBXYZ2400001", title="T", version=None, artists=[], credits=[], explicit=False,
                            p_line_year=None, p_line=None, genre=None, language=None, preview_start_seconds=None,
                            parental_advisory=None, resource_type=None, key=None, details={})
    release = SimpleNamespace(
        upc="0602445790128", display_artist="Artist", artists=[SimpleNamespace(party=party, role="MainArtist",
                                                                              sequence=1, id=1)],
        label=None, genre=None, parental_advisory="not-explicit", tracks=[track], cover=None, catalog_number=None,
        title="R", version=None, release_type="single", subgenre=None, p_line_year=None, p_line=None,
        c_line_year=None, c_line=None, release_date=None, original_release_date=None, language=None, deals=[],
        grid=None, is_compilation=False, details={}, resources=[])
    patterns = NamingPatterns(audio="{upc}-{disc}-{track}.{ext}")
    view = view_from_release(release, patterns=patterns, resource_dir="")
    assert view.recordings[0].file is not None
    assert view.recordings[0].file.name == delivered_file_name("audio", upc="0602445790128", disc=2, track=7,
                                                               ext="flac", patterns=patterns) == \
        "0602445790128-2-7.flac"
    assert view.recordings[0].duration_seconds == 200.0 and view.release.label_name == "Artist"
