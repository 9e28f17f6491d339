"""What the catalog accepts (domain/validation.py, domain/release_validation.py) and the store's last line of
defence (store/entry_checks.py) on real SQLite and PostgreSQL: new and changed values only."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from stardust_tui.domain import limits as L
from stardust_tui.domain import validation as v
from stardust_tui.domain.models import Credit, Deal, Party, Release, Track
from stardust_tui.domain.release_validation import release_problems, validate_release
from stardust_tui.errors import ValidationError
from stardust_tui.store.db import session_scope
from stardust_tui.store.releases import create_release, get_release, load_release, save_release


def test_text_limits_control_characters_and_undecodable_bytes() -> None:
    assert v.text_problem("Night Drive", 1000) is None
    assert v.text_problem("x" * 1000, 1000) is None
    assert v.text_problem("x" * 1001, 1000) == "too long (1001 characters, at most 1000)"
    assert v.text_problem("", 10, required=True) == "required, cannot be empty"
    assert v.text_problem("   ", 10, required=True) == "required, cannot be empty"
    assert v.text_problem("", 10) is None
    assert "control character (U+0000) at character 2" in v.text_problem("a\x00b", 10)
    assert "control character (U+000A)" in v.text_problem("two\nlines", 20)
    assert "undecodable byte (U+DCFF)" in v.text_problem("caf\udcff", 10)  # argv bytes that were not UTF-8
    assert v.text_problem("Beyoncé — 東京 🎵", 100) is None
    assert v.text_problem(42, 10) == "expected text, got int"
    with pytest.raises(ValidationError, match="^title: too long"):
        v.check_text("x" * 2000, 1000, field="title")


@pytest.mark.parametrize("value, problem", [
    (1, None), (9999, None), (0, "0 is out of range (1 to 9999)"), (10_000, "10000 is out of range (1 to 9999)"),
    (10**20, "100000000000000000000 is out of range (1 to 9999)"), (True, "expected a number, got bool"),
    (1.5, "expected a whole number, got 1.5"), ("3", "expected a number, got str"),
])
def test_whole_numbers(value: object, problem: str | None) -> None:
    assert v.number_problem(value, L.TRACK_NUMBER, integer=True) == problem


def test_decimals_refuse_nan_and_infinity() -> None:
    assert v.number_problem(215.5, L.DURATION_SECONDS) is None
    assert v.number_problem(math.nan, L.DURATION_SECONDS) == "nan is not a finite number"
    assert v.number_problem(math.inf, L.STABLE_SECONDS) == "inf is not a finite number"
    assert v.number_problem(-1.0, L.STABLE_SECONDS) == "-1.0 is out of range (0 to 3600 seconds)"
    assert v.number_problem(0, L.DURATION_SECONDS) == "0 is out of range (0.001 to 360000 seconds)"
    huge = 10**400
    assert "digits) is out of range" in v.number_problem(huge, L.ID, integer=True)  # not echoed in full


def test_dates() -> None:
    assert v.date_problem(date(2024, 5, 1)) is None
    assert v.date_problem(datetime(2024, 5, 1, tzinfo=UTC)) is None
    assert v.date_problem(date(1, 1, 1)) == "0001-01-01 is out of range (1850-01-01 to 2100-12-31)"
    assert v.date_problem(date(9999, 12, 31)).startswith("9999-12-31 is out of range")


def test_vocabularies_name_the_closest_values() -> None:
    assert v.choice_problem("SubscriptionModel", v.ALLOWED_COMMERCIAL_MODELS, "DDEX commercial model") is None
    assert v.choice_problem("AsPerContract", v.ALLOWED_COMMERCIAL_MODELS, "x") is None  # 3.8.2 only: still DDEX
    msg = v.choice_problem("SubscriptonModel", v.ALLOWED_COMMERCIAL_MODELS, "DDEX commercial model")
    assert msg == "'SubscriptonModel' is not a DDEX commercial model (did you mean SubscriptionModel?)"
    msg = v.choice_problem("bogus", v.ALLOWED_USE_TYPES, "DDEX use type")
    assert msg.startswith("'bogus' is not a DDEX use type (") and "DDEX values" in msg
    assert v.canonical_choice("ondemandstream", v.ALLOWED_USE_TYPES) == "OnDemandStream"
    assert "Composer" in v.ALLOWED_CONTRIBUTOR_ROLES and "Guitarist" in v.ALLOWED_CONTRIBUTOR_ROLES
    assert {"MainArtist", "FeaturedArtist", "Remixer"} <= v.ALLOWED_ARTIST_ROLES
    assert v.territory_problem("GB") is None and v.territory_problem("Worldwide") is None
    assert v.territory_problem("UK") == "'UK' is not an ISO 3166-1 territory code (or Worldwide)"
    assert v.language_problem("pt-BR") is None
    assert v.language_problem("zh-Hant-TW") == "language tag too long (10 characters, at most 8)"


def test_a_user_defined_value_is_explicit() -> None:
    """DDEX lets a sender define a value; the catalog spells it UserDefined:<value> (CSV, ingest, CLI alike)."""
    assert v.vocabulary_problem("FollowGated", v.ALLOWED_COMMERCIAL_MODELS, "m").startswith("'FollowGated' is not")
    assert v.vocabulary_problem("UserDefined:FollowGated", v.ALLOWED_COMMERCIAL_MODELS, "m") is None
    assert v.vocabulary_problem("UserDefined:", v.ALLOWED_COMMERCIAL_MODELS, "m") == \
        "user-defined m: required, cannot be empty"
    assert v.vocabulary_problem("UserDefined:" + "x" * 65, v.ALLOWED_USE_TYPES, "m").startswith("user-defined m: too")
    assert v.vocabulary_problem("UserDefined:a\x01", v.ALLOWED_USE_TYPES, "m").startswith("user-defined m: contains")
    assert v.release_type_problem("DjMix") is None and v.release_type_problem("UserDefined:Mixtape") is None
    assert v.release_type_problem("Mixtape").startswith("'Mixtape' is not a DDEX release type")


def _release(**fields: object) -> Release:
    rel = Release(title="Night Drive", display_artist="Luna Park", **fields)
    rel.tracks = [Track(title="Intro", disc_number=1, track_number=1, duration_seconds=61.5)]
    rel.deals = [Deal(territories=["Worldwide"], commercial_models=["SubscriptionModel"],
                      use_types=["OnDemandStream"], start=datetime(2025, 1, 1, tzinfo=UTC))]
    return rel


def test_a_clean_release_passes() -> None:
    assert release_problems(_release(release_date=date(2025, 1, 1), language="en", p_line_year=2024)) == []


def test_every_bad_value_is_found_and_named() -> None:
    rel = _release(release_date=date(1, 1, 1), language="klingon", p_line_year=99999)
    rel.title = "x" * 1001
    rel.status = "shipped"
    rel.parental_advisory = "sometimes"
    t = rel.tracks[0]
    t.track_number, t.duration_seconds, t.preview_start_seconds = 10_000, math.nan, 5.0
    rel.tracks.append(Track(title="", disc_number=1, track_number=2, duration_seconds=30, preview_start_seconds=40))
    d = rel.deals[0]
    d.commercial_models, d.use_types, d.territories = ["bogus"], ["Stream", "Streem"], ["UK"]
    d.price_tier, d.end = "p" * 33, datetime(2024, 1, 1, tzinfo=UTC)
    rel.credits = [Credit(role="Chef", party=Party(name="\x07", kind="contributor"))]
    where = {w for w, _ in release_problems(rel)}
    assert where >= {
        "title", "status", "parental advisory", "language", "p line year", "release date",
        "track 1-10000 track number", "track 1-10000 duration", "track 1-2 title", "track 1-2 preview start",
        "deal 1 commercial models", "deal 1 use types", "deal 1 territories", "deal 1 price tier", "deal 1 end",
        "release credit 1 role", "release credit 1 name",
    }, where
    with pytest.raises(ValidationError) as info:
        validate_release(rel)
    assert str(info.value).startswith("title: too long (1001 characters, at most 1000) (+")


def test_the_store_refuses_new_bad_values_on_both_backends(engine) -> None:
    with session_scope(engine) as s:
        rid = create_release(s, actor="t", title="Ok", artists=["A"]).id
    for change, message in (
        (lambda r: setattr(r, "title", "x" * 100_000), "title: too long (100000 characters, at most 1000)"),
        (lambda r: setattr(r, "title", "   "), "title: required, cannot be empty"),
        (lambda r: setattr(r, "catalog_number", "c" * 65), "catalog number: too long"),
        (lambda r: r.tracks.append(Track(title="T", disc_number=1, track_number=2**40)),
         "track 1-1099511627776 track number: 1099511627776 is out of range (1 to 9999)"),
        (lambda r: r.deals.append(Deal(territories=["Worldwide"], commercial_models=["bogus"], use_types=["Stream"],
                                       start=datetime(2025, 1, 1, tzinfo=UTC))),
         "deal 1 commercial models: 'bogus' is not a DDEX commercial model"),
    ):
        with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
            with session_scope(engine) as s:
                rel = get_release(s, rid)
                change(rel)
                save_release(s, rel, actor="t")
    with session_scope(engine) as s:  # nothing of it was stored
        rel = load_release(s, rid)
        assert (rel.title, rel.catalog_number, rel.tracks, rel.deals, rel.revision) == ("Ok", None, [], [], 1)


def test_an_old_bad_value_does_not_block_an_unrelated_edit(engine) -> None:
    """Values stored before these checks existed are reported by readiness, not by every later save."""
    with session_scope(engine) as s:
        rel = create_release(s, actor="t", title="Ok", artists=["A"],
                             deals=[{"territories": ["Worldwide"], "commercial_models": ["SubscriptionModel"],
                                     "use_types": ["Stream"], "start": datetime(2025, 1, 1, tzinfo=UTC)}])
        rid = rel.id
    with session_scope(engine) as s:  # what an older version let through
        deal = s.exec(select(Deal).where(Deal.release_id == rid)).one()
        deal.commercial_models = ["bogus"]
        s.add(deal)
    with session_scope(engine) as s:
        rel = load_release(s, rid)
        rel.genre = "House"
        assert save_release(s, rel, actor="t").number == 2
    with pytest.raises(ValidationError, match="deal 1 commercial models"):
        with session_scope(engine) as s:
            rel = load_release(s, rid)
            rel.deals[0].commercial_models = ["bogus", "Streamy"]
            save_release(s, rel, actor="t")


def test_explicit_user_defined_values_are_stored(engine) -> None:
    deal = {"territories": ["Worldwide"], "commercial_models": ["FollowGated"], "use_types": ["Stream"],
            "start": datetime(2025, 1, 1, tzinfo=UTC)}
    with pytest.raises(ValidationError):
        with session_scope(engine) as s:
            create_release(s, actor="t", title="Typed", artists=["A"], deals=[deal])
    deal["commercial_models"] = ["UserDefined:FollowGated"]
    with session_scope(engine) as s:
        rel = create_release(s, actor="t", title="From a message", artists=["A"], deals=[deal])
        assert rel.deals[0].commercial_models == ["UserDefined:FollowGated"]


CJK = "".join(chr(0x4E00 + 7 * i) for i in range(1000))  # 3 bytes each, not repetitive (no compression)
EMOJI = "".join(chr(0x1F300 + i) for i in range(500))  # 4 bytes each


@pytest.mark.parametrize("title, artist", [(CJK, CJK[:500]), ("ﷺ" * 1000, "a & b " * 83), (EMOJI * 2, EMOJI)],
                         ids=["cjk", "expanding", "emoji"])
def test_text_at_its_limit_is_stored_on_both_backends(engine, title: str, artist: str) -> None:
    """The longest accepted title and artist name, in characters that grow when normalized (NFKD, '&') or take
    3-4 bytes, still fit every column and index derived from them (the duplicate key on PostgreSQL)."""
    with session_scope(engine) as s:
        rel = create_release(s, actor="t", title=title, artists=[artist])
        rid = rel.id
    with session_scope(engine) as s:
        assert get_release(s, rid).title == title


def test_every_text_column_of_release_and_track_is_judged() -> None:
    """Each column with a limit in domain/limits.py refuses a value one character too long (new ones too)."""
    from sqlalchemy import String

    for table, limits, make in ((Release, L.RELEASE, lambda: _release()), (Track, L.TRACK, lambda: _release())):
        for column in table.__table__.columns:
            if not isinstance(column.type, String) or column.name in ("norm_key", "upc", "isrc"):
                continue  # norm_key is derived; identifiers are normalized (and refused) before validation
            assert limits[column.name] == column.type.length, column.name  # the model reads limits.py
            rel = make()
            target = rel if table is Release else rel.tracks[0]
            setattr(target, column.name, "x" * (column.type.length + 1))
            problems = release_problems(rel)
            assert any("too long" in what or "is not" in what for _, what in problems), (table, column.name)
