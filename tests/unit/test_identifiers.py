"""Identifiers: generated valid codes pass and round-trip; one changed digit breaks a check; junk names its field."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stardust_tui.domain import identifiers as ids
from stardust_tui.errors import ValidationError

DIGITS = "0123456789"
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

digits = st.text(DIGITS, min_size=1, max_size=1)


@st.composite
def gtins(draw: st.DrawFn) -> str:
    body = draw(st.text(DIGITS, min_size=11, max_size=12))
    return body + str(ids.gtin_check_digit(body))


@st.composite
def isrcs(draw: st.DrawFn) -> str:
    return (
        draw(st.text(LETTERS, min_size=2, max_size=2))
        + draw(st.text(ALNUM, min_size=3, max_size=3))
        + draw(st.text(DIGITS, min_size=7, max_size=7))
    )


@st.composite
def iswcs(draw: st.DrawFn) -> str:
    body = draw(st.text(DIGITS, min_size=9, max_size=9))
    return f"T{body}{ids.iswc_check_digit(body)}"


@st.composite
def isnis(draw: st.DrawFn) -> str:
    body = draw(st.text(DIGITS, min_size=15, max_size=15))
    return body + ids.isni_check_char(body)


def _change_one_digit(code: str, data: st.DataObject, positions: range | list[int]) -> str:
    i = data.draw(st.sampled_from(list(positions)))
    new = data.draw(st.sampled_from([d for d in DIGITS if d != code[i]]))
    return code[:i] + new + code[i + 1 :]


# --- known real values -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("093624920472", "093624920472"),
        ("4006381333931", "4006381333931"),
        ("0 93624-92047 2", "093624920472"),
        ("00602537022502", "0602537022502"),  # GTIN-14 with a leading zero, as in DDEX samples
    ],
)
def test_real_upcs(raw: str, stored: str) -> None:
    assert ids.normalize_upc(raw) == stored
    assert ids.is_valid_upc(raw)


def test_gtin13_pads_upc() -> None:
    assert ids.gtin13("093624920472") == "0093624920472"
    assert ids.gtin_check_digit("09362492047") == 2


def test_isrc_forms() -> None:
    assert ids.normalize_isrc("us-s1z-99-00001") == "USS1Z9900001"
    assert ids.normalize_isrc("ISRC US-S1Z-99-00001") == "USS1Z9900001"
    assert ids.format_isrc("USS1Z9900001") == "US-S1Z-99-00001"


def test_iswc_and_isni_known_values() -> None:
    assert ids.normalize_iswc("T-034.524.680-1") == "T0345246801"
    assert ids.format_iswc("T0345246801") == "T-034.524.680-1"
    assert ids.normalize_isni("0000 0001 2146 438X") == "000000012146438X"
    assert ids.format_isni("000000012146438X") == "0000 0001 2146 438X"
    assert not ids.is_valid_iswc("T-034.524.680-2")


# Party IDs and GRids as they appear in real DDEX messages (the shared samples: DSPs, labels, DDEX's own).
REAL_DPIDS = ["PADPIDA2014120401D", "PADPIDA2007041202Q", "PADPIDA2011072101T", "PADPIDA20090604014",
              "PADPIDA2013042401U", "PADPIDA202401120D9", "PADPIDA3897722461G"]
REAL_GRIDS = ["A10302B0003311870S", "A10302B00033760393", "A10302B0003814379B"]


def test_dpid() -> None:
    for dpid in REAL_DPIDS:
        assert ids.is_valid_dpid(dpid), dpid
        assert ids.normalize_dpid(dpid.lower()) == dpid
    assert not ids.is_valid_dpid("PADPIDA2014120301U")  # check character is L
    assert not ids.is_valid_dpid("PADPIDA0000000000Z")  # the old default sender: check character is Q
    assert not ids.is_valid_dpid("PADPIDA123")
    assert not ids.is_valid_dpid("XADPIDA2014120301U")
    assert not ids.is_valid_dpid("PADPIDA2014120301-")
    with pytest.raises(ValidationError, match="sender_dpid"):
        ids.normalize_dpid("nope", field="sender_dpid")
    with pytest.raises(ValidationError, match="check character A .expected L."):
        ids.normalize_dpid("PADPIDA2014120301A")


def test_placeholder_dpids() -> None:
    for dpid in ("PADPIDA0000000000Z", "PADPIDA0000000000R", "PADPIDASETMESPOTIFY", "", None, "  "):
        assert ids.is_placeholder_dpid(dpid), dpid
    assert not any(ids.is_placeholder_dpid(d) for d in REAL_DPIDS)


def test_grid() -> None:
    for grid in REAL_GRIDS:
        assert ids.normalize_grid(grid) == grid
    assert ids.normalize_grid("a1-0302b-0003311870-s") == "A10302B0003311870S"
    assert not ids.is_valid_grid("A10302B0003311870X")
    assert not ids.is_valid_grid("A1UCASE0000000001X")  # a template value: check character is B
    assert not ids.is_valid_grid("B10302B0003311870S")


@given(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=10, max_size=10), st.data())
def test_one_changed_dpid_character_is_caught(body: str, data: st.DataObject) -> None:
    dpid = "PADPIDA" + body + ids.mod37_36_check_char("PADPIDA" + body)
    assert ids.is_valid_dpid(dpid)
    i = data.draw(st.integers(7, 16))
    other = data.draw(st.sampled_from([c for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c != dpid[i]]))
    assert not ids.is_valid_dpid(dpid[:i] + other + dpid[i + 1:])


# --- property-based ---------------------------------------------------------------------------------


@given(gtins())
def test_generated_gtins_round_trip(code: str) -> None:
    assert ids.is_valid_upc(code)
    assert ids.normalize_upc(code) == code
    spaced = f" {code[:1]}-{code[1:6]} {code[6:]} "
    assert ids.normalize_upc(spaced) == code
    assert ids.normalize_upc(ids.normalize_upc(code)) == code


@given(gtins(), st.data())
def test_one_changed_gtin_digit_is_caught(code: str, data: st.DataObject) -> None:
    broken = _change_one_digit(code, data, range(len(code)))
    assert not ids.is_valid_upc(broken)
    with pytest.raises(ValidationError, match="^upc: "):
        ids.normalize_upc(broken)


@given(isrcs())
def test_generated_isrcs_round_trip(code: str) -> None:
    assert ids.normalize_isrc(code.lower()) == code
    pretty = ids.format_isrc(code)
    assert pretty.count("-") == 3
    assert ids.normalize_isrc(pretty) == code


@given(iswcs())
def test_generated_iswcs_round_trip(code: str) -> None:
    assert ids.normalize_iswc(ids.format_iswc(code)) == code
    assert ids.is_valid_iswc(code)


@given(iswcs(), st.data())
def test_one_changed_iswc_digit_is_caught(code: str, data: st.DataObject) -> None:
    # The ISO 15707 sum weights digit i by i (mod 10): only weights coprime to 10 (1, 3, 7, 9 and the
    # check digit itself) catch every single-digit change; e.g. +5 at weight 2 goes unnoticed.
    assert not ids.is_valid_iswc(_change_one_digit(code, data, [1, 3, 7, 9, 10]))


@given(isnis())
def test_generated_isnis_round_trip(code: str) -> None:
    assert ids.normalize_isni(ids.format_isni(code)) == code


@given(isnis(), st.data())
def test_one_changed_isni_digit_is_caught(code: str, data: st.DataObject) -> None:
    assert not ids.is_valid_isni(_change_one_digit(code, data, range(15)))


@settings(max_examples=200)
@given(st.text(max_size=20))
def test_junk_is_rejected_naming_the_field(junk: str) -> None:
    for fn, field in ((ids.normalize_upc, "upc"), (ids.normalize_isrc, "isrc"), (ids.normalize_iswc, "iswc"),
                      (ids.normalize_isni, "isni")):
        try:
            fn(junk, field=field)
        except ValidationError as exc:
            assert str(exc).startswith(f"{field}: ")
            assert "\n" not in str(exc)


@pytest.mark.parametrize("junk", ["", "abc", "12345", "1234567890123456", "USS1Z99000", "T-123", None, 42])
def test_obvious_junk(junk: object) -> None:
    for fn in (ids.normalize_upc, ids.normalize_isrc, ids.normalize_iswc, ids.normalize_isni):
        with pytest.raises(ValidationError):
            fn(junk, field="track 3 isrc")  # type: ignore[arg-type]


# --- territories and languages ------------------------------------------------------------------------


def test_territory_table_is_complete() -> None:
    iso = ids.TERRITORIES - {"Worldwide", "XK"}
    assert len(iso) == 249
    assert {"US", "GB", "DE", "JP", "SS", "CW", "SX", "BQ", "AX", "EH"} <= iso
    assert ids.is_territory("Worldwide")
    assert not ids.is_territory("UK")  # a common mistake: the code is GB
    assert not ids.is_territory("gb")
    assert not ids.is_territory("AN")
    assert ids.is_territory("AN", allow_historic=True)
    assert ids.is_territory("ES-CN", allow_historic=True)
    assert ids.territory_name("DE") == "Germany"


@pytest.mark.parametrize("code", ["en", "EN", "eng", "de", "ger", "deu", "fr-CA", "en-GB", "zh-Hant", "zh-Hant-TW",
                                  "es-419", "pt_BR", "zxx", "mul", "qaa"])
def test_languages_accepted(code: str) -> None:
    assert ids.is_language(code)


@pytest.mark.parametrize("code", ["", "xx", "english", "en-UK", "e", "123", "en-", None])
def test_languages_rejected(code: object) -> None:
    assert not ids.is_language(code)  # type: ignore[arg-type]


def test_language_tables() -> None:
    assert len(ids.LANGUAGES_639_1) == 184
    assert ids.language_name("ger") == "German"
    assert ids.language_name("en-GB") == "English"


def test_normalize_territory() -> None:
    assert ids.normalize_territory(" gb ") == "GB"
    assert ids.normalize_territory("worldwide") == "Worldwide"
    assert ids.normalize_territory("WW") == "Worldwide"
    with pytest.raises(ValidationError, match="deal 2 territories: 'UK' .* is GB"):
        ids.normalize_territory("UK", field="deal 2 territories")
    with pytest.raises(ValidationError, match="withdrawn"):
        ids.normalize_territory("AN")
    with pytest.raises(ValidationError, match="^territory: 'ZZ'"):
        ids.normalize_territory("ZZ")


def test_normalize_language() -> None:
    assert ids.normalize_language("EN_gb") == "en-GB"
    assert ids.normalize_language("zh-hant-tw") == "zh-Hant-TW"
    assert ids.normalize_language("ES-419") == "es-419"
    with pytest.raises(ValidationError, match="^language: 'klingon'"):
        ids.normalize_language("klingon")
