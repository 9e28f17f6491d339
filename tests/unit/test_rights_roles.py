"""P/C lines parsed from every way people type them and written once; typed roles mapped onto DDEX."""

from __future__ import annotations

import pytest

from stardust_tui.domain.ddex_avs import CONTRIBUTOR_ROLES, INSTRUMENTS
from stardust_tui.domain.enums import CONTRIBUTOR_ROLES as CATALOG_ROLES
from stardust_tui.domain.rights import line_problem, parse_rights_line, rights_line_text
from stardust_tui.domain.roles import _INSTRUMENT_ALIASES, _ROLE_ALIASES, map_instrument, map_role
from stardust_tui.ern.common import c_line_text, p_line_text


@pytest.mark.parametrize("typed", ["2024 Star Records", "℗ 2024 Star Records", "(P) 2024 Star Records",
                                   "P 2024 Star Records", "℗2024 Star Records", "(p) 2024  Star Records",
                                   "p2024 Star Records", "  2024, Star Records "])
def test_p_lines_parse_to_year_and_owner(typed: str) -> None:
    assert parse_rights_line(typed, "P") == (2024, "Star Records")
    year, owner = parse_rights_line(typed, "P")
    assert rights_line_text("P", year, owner) == "(P) 2024 Star Records"


def test_c_lines_and_lines_without_a_year() -> None:
    assert parse_rights_line("© 2027 Label", "C") == (2027, "Label")
    assert parse_rights_line("(C) 2019-2024 Label", "C") == (2019, "Label")
    assert parse_rights_line("Studio 2000", "P") == (None, "Studio 2000")  # a year at the end is a name
    assert parse_rights_line("Prince Records", "P") == (None, "Prince Records")  # 'P' of a name is no symbol
    assert rights_line_text("C", None, "Label") == "(C) Label"


def test_lines_stored_before_the_parser_are_written_once() -> None:
    # the bug of issue 20: --p-line "2024 Star Records" stored as text with year 2024
    assert p_line_text(2024, "2024 Star Records") == "(P) 2024 Star Records"
    assert p_line_text(2024, "℗ 2024 Star Records") == "(P) 2024 Star Records"
    assert c_line_text(2024, "(C) 2024 Star Records") == "(C) 2024 Star Records"
    assert p_line_text(2024, "Star Records") == "(P) 2024 Star Records"
    # another year in the text stands as written, and readiness says they disagree
    assert p_line_text(2024, "2019 Star Records") == "(P) 2019 Star Records"
    assert line_problem("2019 Star Records", 2024, "P") == "the P-line text says 2019 but its year is 2024"
    assert line_problem("2024", 2024, "P") == "the P-line names no owner"
    assert line_problem("Star Records", 2024, "P") is None


@pytest.mark.parametrize(("typed", "role", "instrument"), [
    ("Mastering Engineer", "MasteringEngineer", None), ("mastered by", "MasteringEngineer", None),
    ("Lead Vocals", "LeadVocalist", "Voice"), ("Backing Vocals", "BackgroundVocalist", "Voice"),
    ("Guitar", "Musician", "Guitar"), ("guitarist", "Musician", "Guitar"),
    ("Electric guitars", "Musician", "ElectricGuitar"), ("Keys", "Musician", "Keyboard"),
    ("Drums", "Musician", "DrumKit"), ("Saxophone", "Musician", "Saxophone"), ("Producer", "Producer", None),
    ("produced by", "Producer", None), ("Mixed By", "MixingEngineer", None), ("tonmeister", "Tonmeister", None),
    ("Written by", "ComposerLyricist", None), ("Programming", "Programmer", None),
])
def test_roles_map_onto_ddex(typed: str, role: str, instrument: str | None) -> None:
    mapped = map_role(typed)
    assert (mapped.role, mapped.instrument, mapped.known) == (role, instrument, True)


def test_unknown_roles_stay_as_typed_and_instruments_can_be_given_apart() -> None:
    assert map_role("Shaman of vibes") == map_role("Shaman of vibes")
    assert not map_role("Shaman of vibes").known and map_role("Shaman of vibes").role == "Shaman of vibes"
    assert map_role("Musician", "acoustic guitar").instrument == "AcousticGuitar"
    assert map_instrument("nose flute") is None


def test_every_alias_lands_on_a_ddex_value() -> None:
    known = CONTRIBUTOR_ROLES | set(CATALOG_ROLES)
    assert {role for role, _ in _ROLE_ALIASES.values()} <= known
    assert {inst for _, inst in _ROLE_ALIASES.values() if inst} <= INSTRUMENTS
    assert set(_INSTRUMENT_ALIASES.values()) <= INSTRUMENTS


def test_artist_roles_as_typed() -> None:
    from stardust_tui.domain.roles import map_artist_role

    assert [map_artist_role(t).role for t in ("feat.", "Featuring", "Primary", "main artist", "Remixed by")] == [
        "FeaturedArtist", "FeaturedArtist", "MainArtist", "MainArtist", "Remixer"]
    assert not map_artist_role("Hype man").known
