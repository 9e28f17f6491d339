"""Full-text search on SQLite (FTS5) and PostgreSQL (tsvector): what is found, prefixes, diacritics,
identifiers, filters, paging, and that the index follows saves and deletes."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import select

from stardust_tui.store.db import session_scope
from stardust_tui.store.reindex import rebuild_index
from stardust_tui.store.releases import (
    count_releases,
    create_release,
    delete_release,
    get_release,
    list_releases,
    save_release,
    set_status,
)
from stardust_tui.store.search import fold, query_terms


@pytest.fixture
def catalog(engine):
    with session_scope(engine) as s:
        create_release(s, actor="t", title="Night Drive", artists=["Luna Park"], label="Star Records",
                       upc="036000291452", release_date=date(2024, 5, 1), release_type="album",
                       tracks=[{"title": "Highway Lights", "isrc": "USS1Z2400001"},
                               {"title": "Afterglow", "isrc": "USS1Z2400002"}])
        create_release(s, actor="t", title="Café Society", artists=["Beyoncé Knowles"], label="Moon Music",
                       upc="4006381333931", release_date=date(2019, 3, 1), release_type="single",
                       tracks=[{"title": "Espresso", "isrc": "GBAYE1900001"}])
        create_release(s, actor="t", title="Daylight", artists=["Sun Choir"], label="Star Records",
                       upc="5901234123457", release_date=date(2010, 1, 1), release_type="ep",
                       tracks=[{"title": "Morning", "isrc": "FRZ031000001"}])
    return engine


def titles(rows) -> list[str]:
    return [r.title for r in rows]


CASES = [
    ("night", ["Night Drive"]),            # release title
    ("nig dri", ["Night Drive"]),          # search-as-you-type: every word is a prefix
    ("luna", ["Night Drive"]),             # artist
    ("beyonce", ["Café Society"]),         # diacritics folded
    ("CAFE", ["Café Society"]),            # case folded
    ("moon", ["Café Society"]),            # label
    ("star", ["Daylight", "Night Drive"]),  # label on two releases, newest first
    ("afterglow", ["Night Drive"]),        # track title
    ("espre", ["Café Society"]),           # track title prefix
    ("036000291452", ["Night Drive"]),     # UPC
    ("0360002", ["Night Drive"]),          # UPC prefix
    ("US-S1Z-24-00002", ["Night Drive"]),  # ISRC as people write it
    ("frz031000001", ["Daylight"]),        # ISRC lower case
    ("night morning", []),                 # all words must match
    ("zzz", []),
]
HOSTILE = ['"', "'", "*", "a AND", "NOT x", "(", "a:b", "-", "^", "NEAR(a b)", "%_", "💿", "x' OR '1'='1"]


def test_search_finds(catalog):
    with session_scope(catalog) as s:
        for query, expected in CASES:
            assert titles(list_releases(s, search=query)) == expected, query
            assert count_releases(s, search=query) == len(expected), query


def test_hostile_queries_do_not_break(catalog):
    with session_scope(catalog) as s:
        for query in HOSTILE:
            rows = list_releases(s, search=query)
            assert isinstance(rows, list), query
        assert count_releases(s, search="' OR 1=1 --") == 0


def test_query_terms():
    assert query_terms("US-S1Z-24-00002 Café") == ["uss1z2400002", "cafe"]
    assert query_terms("  rock'n'roll!! ") == ["rock", "n", "roll"]
    assert query_terms('" * ( ) ') == []
    assert len(query_terms(" ".join(f"w{i}" for i in range(50)))) == 8


def test_search_with_filters(catalog):
    with session_scope(catalog) as s:
        assert titles(list_releases(s, search="star", release_type="ep")) == ["Daylight"]
        assert titles(list_releases(s, search="star", label="Star Records", date_from=date(2020, 1, 1))) == [
            "Night Drive"]
        assert titles(list_releases(s, search="star", date_to=date(2015, 1, 1))) == ["Daylight"]
        set_status(s, get_release(s, "5901234123457"), "taken-down", actor="t")
        assert titles(list_releases(s, search="star", status="taken-down")) == ["Daylight"]
        assert count_releases(s, search="star", status="draft") == 1


def test_search_paging(engine):
    with session_scope(engine) as s:
        for i in range(7):
            create_release(s, actor="t", title=f"Echo {i}", artists=["Repeater"])
        create_release(s, actor="t", title="Other", artists=["Someone"])
    with session_scope(engine) as s:
        first = list_releases(s, search="echo", limit=3)
        second = list_releases(s, search="echo", limit=3, offset=3)
        third = list_releases(s, search="echo", limit=3, before_id=second[-1].id)
        assert titles(first) == ["Echo 6", "Echo 5", "Echo 4"]
        assert titles(second) == ["Echo 3", "Echo 2", "Echo 1"]
        assert titles(third) == ["Echo 0"]
        assert count_releases(s, search="echo") == 7


def test_index_follows_saves_and_deletes(catalog):
    with session_scope(catalog) as s:
        rel = get_release(s, "036000291452")
        rel.title = "Midnight Ride"
        rel.tracks[0].title = "Neon Road"
        save_release(s, rel, actor="t")
    with session_scope(catalog) as s:
        assert list_releases(s, search="night drive") == []
        assert titles(list_releases(s, search="midnight")) == ["Midnight Ride"]
        assert titles(list_releases(s, search="neon")) == ["Midnight Ride"]
        assert list_releases(s, search="highway") == []
        delete_release(s, get_release(s, "036000291452"), actor="t")
    with session_scope(catalog) as s:
        assert list_releases(s, search="midnight") == []
        assert count_releases(s, search="star") == 1


def test_rebuild_index(catalog):
    with session_scope(catalog) as s:
        assert rebuild_index(s) == 3
    with session_scope(catalog) as s:
        assert titles(list_releases(s, search="espresso")) == ["Café Society"]
        assert count_releases(s) == 3


def test_filters_inside_the_index_match_the_sql_filters(engine):
    with session_scope(engine) as s:
        for i in range(12):
            create_release(s, actor="t", title=f"Drift {i}", artists=["Tide"],
                           label=("Star Records", "Moon Music", "Sun Set")[i % 3],
                           release_type=("album", "single")[i % 2], release_date=date(2015 + i, 6, 1))
        set_status(s, get_release(s, 5), "taken-down", actor="t")
    combos = [
        dict(label="  star   RECORDS "), dict(label="Moon Music", release_type="single"),
        dict(date_from=date(2017, 1, 1), date_to=date(2019, 12, 31)),
        dict(date_from=date(2017, 1, 1), date_to=date(2020, 5, 1), label="Sun Set"),
        dict(status="taken-down"), dict(status="draft", release_type="album", label="Star Records"),
        dict(date_from=date(1900, 1, 1), date_to=date(2100, 1, 1)),  # too wide for year facets: SQL only
    ]
    with session_scope(engine) as s:
        for filters in combos:
            searched = titles(list_releases(s, search="drift", **filters))
            plain = titles(list_releases(s, **filters))
            assert searched == plain and searched, filters
            assert count_releases(s, search="dri", **filters) == len(plain), filters
            assert count_releases(s, **filters) == len(plain), filters


def test_facet_tokens_are_not_searchable(catalog):
    with session_scope(catalog) as s:
        for query in ("sdraft", "y2024", "talbum"):
            assert list_releases(s, search=query) == [], query
        everything = titles(list_releases(s))
        for query in ("ʘ", "ʘsdraft", "ʘy2024"):  # reserved: dropped from the query like punctuation
            assert titles(list_releases(s, search=query)) == everything, query


def test_renaming_a_label_updates_the_index(catalog):
    from stardust_tui.domain.models import Party
    from stardust_tui.store.reindex import rename_party

    with session_scope(catalog) as s:
        moon = s.exec(select(Party).where(Party.name == "Moon Music")).one()
        assert rename_party(s, moon, "Lunar Tunes", actor="t") == 1
    with session_scope(catalog) as s:
        assert titles(list_releases(s, search="lunar")) == ["Café Society"]
        assert list_releases(s, search="moon") == []
        assert titles(list_releases(s, search="cafe", label="lunar tunes")) == ["Café Society"]


def test_whole_identifiers_are_exact_lookups_and_prefixes_still_work(engine):
    from stardust_tui.domain.identifiers import gtin_check_digit, is_valid_upc

    # An EAN-13 whose first 12 digits are themselves a valid UPC-A: typing it must not lose the EAN.
    ean12 = "50123456789" + str(gtin_check_digit("50123456789"))
    ean = ean12 + str(gtin_check_digit(ean12))
    assert is_valid_upc(ean12) and is_valid_upc(ean)
    with session_scope(engine) as s:
        create_release(s, actor="t", title="Stored As EAN", upc="0036000291452",
                       tracks=[{"title": "One", "isrc": "USS1Z2400001"}])
        create_release(s, actor="t", title="Long Code", upc=ean)
    with session_scope(engine) as s:
        assert titles(list_releases(s, search="036000291452")) == ["Stored As EAN"]  # UPC-A form of the EAN-13
        assert titles(list_releases(s, search="0-36000-29145-2", status="draft")) == ["Stored As EAN"]
        assert count_releases(s, search="036000291452") == 1
        assert titles(list_releases(s, search="us-s1z-24-00001")) == ["Stored As EAN"]
        assert titles(list_releases(s, search=ean12)) == ["Long Code"]  # still typing the EAN
        assert list_releases(s, search="036000291452", status="ready") == []


def test_catalog_number_is_found_as_typed_whole_or_in_parts(engine):
    with session_scope(engine) as s:
        create_release(s, actor="t", title="Night Drive", catalog_number="STAR-001", genre="Electronic")
        create_release(s, actor="t", title="Day Trip", catalog_number="STAR-002", genre="Jazz")
        create_release(s, actor="t", title="Moon Walk", catalog_number="MN 7", genre="Jazz")
    with session_scope(engine) as s:
        for query, expected in [("STAR-001", ["Night Drive"]), ("star-001", ["Night Drive"]),
                                ("star001", ["Night Drive"]), ("STAR", ["Day Trip", "Night Drive"]),
                                ("star-00", ["Day Trip", "Night Drive"]), ("MN 7", ["Moon Walk"]),
                                ("STAR-003", [])]:
            assert titles(list_releases(s, search=query)) == expected, query
            assert count_releases(s, search=query) == len(expected), query


def test_genre_filter_matches_genre_or_subgenre_in_and_out_of_the_index(engine):
    with session_scope(engine) as s:
        for i, (genre, sub) in enumerate([("Electronic", "House"), ("Jazz", None), ("Pop", "Electronic"),
                                          ("electronic", None), ("Jazz", "Bebop")]):
            create_release(s, actor="t", title=f"Drift {i}", genre=genre, subgenre=sub,
                           release_date=date(2020 + i, 1, 1), label="Star Records")
    with session_scope(engine) as s:
        assert titles(list_releases(s, genre="Electronic")) == ["Drift 3", "Drift 2", "Drift 0"]
        assert titles(list_releases(s, genre="  ELECTRONIC ", search="drift")) == ["Drift 3", "Drift 2", "Drift 0"]
        assert titles(list_releases(s, genre="bebop")) == ["Drift 4"]
        assert count_releases(s, genre="jazz") == 2
        assert count_releases(s, genre="jazz", label="Star Records") == 2
        assert count_releases(s, genre="Jazz", date_from=date(2021, 1, 1), date_to=date(2023, 12, 31)) == 1
        assert list_releases(s, genre="Polka") == []


def test_grid_only_release_is_found_by_its_grid(engine):
    with session_scope(engine) as s:
        create_release(s, actor="t", title="Boxed", grid="A10302B0003311870S")
    with session_scope(engine) as s:
        assert titles(list_releases(s, search="A1-0302B-0003311870-S")) == ["Boxed"]
        assert titles(list_releases(s, search="a10302b00033")) == ["Boxed"]  # a prefix while typing


SHORT_TERMS = ["n", "ni", "nig", "nigh", "h", "hi", "hip", "hop", "0", "03", "036", "0360", "us", "uss1", "be",
               "caf", "cafe", "é", "ü", "ün", "x", "7", "a1", "zz"]


def test_short_terms_find_what_a_prefix_scan_finds(engine):
    """PostgreSQL looks 1-4 character terms up as prefix tokens (migration 0015); the matches are exactly those
    of a prefix scan over the words (the tsquery ``t:*``), as SQLite's FTS5 prefix indexes give."""
    with session_scope(engine) as s:
        create_release(s, actor="t", title="Hip-Hop Ünïcode", artists=["Café Crew"], label="A1 Sounds",
                       tracks=[{"title": "Über 7 Nights", "isrc": "USS1Z2400009"}])
        create_release(s, actor="t", title="Nighthawks", artists=["Zz Top Tribute"], upc="036000291452")
        create_release(s, actor="t", title="Bê Bop", artists=["Solo_Artist"])
    with session_scope(engine) as s:
        for term in SHORT_TERMS:
            folded = fold(term)  # what the query does with it ("ü" is "u")
            got = {r.id for r in list_releases(s, search=term, limit=100)}
            if engine.dialect.name == "postgresql":
                scan = set(s.execute(text("SELECT release_id FROM release_search WHERE document @@ "
                                          "to_tsquery('simple', :q)"), {"q": f"{folded}:*"}).scalars())
            else:
                scan = set(s.execute(text("SELECT rowid FROM release_fts WHERE release_fts MATCH :q"),
                                     {"q": f'"{folded}"*'}).scalars())
            assert got == scan, term
            assert count_releases(s, search=term) == len(scan), term
        assert titles(list_releases(s, search="hop ün")) == ["Hip-Hop Ünïcode"]
        assert titles(list_releases(s, search="nigh ta")) == []
        assert titles(list_releases(s, search="7 nights über")) == ["Hip-Hop Ünïcode"]
        assert titles(list_releases(s, search="solo_a")) == ["Bê Bop"]  # not one parser token: the old way
        assert len(list_releases(s, search="n")) == 2  # Nighthawks, and "Nights" on a track


def test_postgresql_prefix_tokens_are_every_words_first_four_characters(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite's FTS5 table has its own prefix indexes")
    with session_scope(engine) as s:
        create_release(s, actor="t", title="Night Drive", artists=["Luna Park"], status="draft")
    with session_scope(engine) as s:
        def has(token: str) -> bool:
            return bool(s.execute(text("SELECT count(*) FROM release_search "
                                       "WHERE prefixes @@ to_tsquery('simple', :t)"), {"t": token}).scalar_one())

        for token in ("ʘpn", "ʘpni", "ʘpnig", "ʘpnigh", "ʘpd", "ʘpdriv", "ʘplu", "ʘppark"):
            assert has(token), token
        for token in ("ʘpnight", "ʘpx", "ʘpʘ", "ʘpʘs"):  # 5 characters; not a word; facet tokens get none
            assert not has(token), token



PAGE_WORDS = ["kalo", "kami", "karo", "lomi", "lora", "mira", "miko", "tora", "toki", "zenda"]


def _page_catalog(engine) -> list[dict]:
    """60 releases whose words share prefixes, with statuses, types, labels and dates to filter on."""
    made = []
    with session_scope(engine) as s:
        for i in range(60):
            w = PAGE_WORDS
            fields = {"title": f"{w[i % 10]} {w[(i * 3 + 1) % 10]}", "artists": [f"{w[(i * 7 + 2) % 10]}x"],
                      "label": ["Alpha Records", "Beta Music", "Gamma"][i % 3], "status": ["draft", "ready"][i % 2],
                      "release_type": ["album", "single", "ep"][i % 3],
                      "release_date": date(2015 + i % 8, 1 + i % 12, 1),
                      "tracks": [{"title": f"{w[(i * 5 + 3) % 10]} song"}]}
            release = create_release(s, actor="t", **fields)
            words = set(fold(" ".join([fields["title"], *fields["artists"], fields["label"], "song",
                                       fields["tracks"][0]["title"]])).split())
            made.append({"id": release.id, "words": words, "label": fields["label"], "status": fields["status"],
                         "type": release.release_type, "date": fields["release_date"]})
    if engine.dialect.name == "postgresql":  # statistics, so that the estimates (and every form) take part
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    return made


def _expected(made, search, *, status=None, release_type=None, label=None, date_from=None, date_to=None):
    terms = fold(search).split()
    return sorted((r["id"] for r in made
                   if all(any(w.startswith(t) for w in r["words"]) for t in terms)
                   and (status is None or r["status"] == status)
                   and (release_type is None or r["type"].lower() == release_type)
                   and (label is None or r["label"] == label)
                   and (date_from is None or r["date"] >= date_from) and (date_to is None or r["date"] <= date_to)),
                  reverse=True)


PAGE_QUERIES = [
    ("ka", {}), ("kam", {}), ("lomi tor", {}), ("zenda", {}), ("tor lo", {}), ("k", {"status": "draft"}),
    ("ka", {"status": "ready", "release_type": "album"}), ("mi", {"release_type": "single"}),
    ("to", {"date_from": date(2016, 1, 1), "date_to": date(2019, 6, 30)}),
    ("lo", {"label": "Beta Music"}), ("k", {"label": "Gamma", "date_from": date(2015, 1, 1),
                                              "date_to": date(2018, 12, 31)}),
    ("zend", {"status": "draft", "date_from": date(2017, 1, 1), "date_to": date(2022, 12, 31)}),
]


@pytest.mark.parametrize("form", ["chosen", "walk", "index", "ranged"])
def test_search_pages_are_the_newest_matches_in_every_form(engine, monkeypatch, form):
    """PostgreSQL builds a search page in one of several forms (releases.py ``_pg_search_page``: walking the
    newest releases, reading the index first, a range of the newest ids first, with common words tested on
    the rows): each gives the newest matches, page by page, offset or keyset, as a scan of the words does."""
    from stardust_tui.store import releases as releases_mod
    from stardust_tui.store import search as search_mod

    if form in ("walk", "index"):
        monkeypatch.setattr(search_mod, "pg_walk_is_cheaper", lambda *a, **k: form == "walk")
    if form in ("index", "ranged"):  # every word is tested on the rows the rarest one fetches
        monkeypatch.setattr(search_mod, "FEW_FETCHED", 10**9)
        monkeypatch.setattr(search_mod, "CHECKED_SHARE", 0.0)
    if form == "ranged":  # the newest ids first, whatever the words
        monkeypatch.setattr(releases_mod, "PG_WALK_ROWS", 0)
        monkeypatch.setattr(releases_mod, "PG_FEW_MATCHES", 0)
    made = _page_catalog(engine)
    with session_scope(engine) as s:
        for search, filters in PAGE_QUERIES:
            want = _expected(made, search, **filters)
            assert len(want) >= 2, search  # the queries are meant to fill more than one page
            first = [r.id for r in list_releases(s, search=search, limit=4, **filters)]
            assert first == want[:4], (search, filters)
            assert [r.id for r in list_releases(s, search=search, limit=4, offset=4, **filters)] == want[4:8]
            assert [r.id for r in list_releases(s, search=search, limit=100, before_id=first[-1], **filters)] \
                == [i for i in want if i < first[-1]], (search, filters)
            assert count_releases(s, search=search, **filters) == len(want)


def test_postgresql_search_page_settings_last_for_its_statement_only(engine):
    """The page runs without parallel workers and with custom plans; the transaction's settings are those it
    had before afterwards, also ones set locally before the search (they used to be reset to the session's)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    with session_scope(engine) as s:
        create_release(s, actor="t", title="Night Drive", artists=["Luna Park"])
    with session_scope(engine) as s:
        s.execute(text("SET LOCAL max_parallel_workers_per_gather = 3"))
        before = s.execute(text("SELECT current_setting('plan_cache_mode')")).scalar_one()
        assert titles(list_releases(s, search="nig")) == ["Night Drive"]
        assert s.execute(text("SELECT current_setting('max_parallel_workers_per_gather')")).scalar_one() == "3"
        assert s.execute(text("SELECT current_setting('plan_cache_mode')")).scalar_one() == before


def test_postgresql_page_form_estimates():
    """The choices behind a PostgreSQL page, from token shares as ANALYZE reports them."""
    from stardust_tui.store import search as search_mod

    shares = {"document": {"ʘsdraft": 0.2, "ʘtsingle": 0.36, "ʘy2020": 0.03, "ʘy2021": 0.03, "ʘy2022": 0.03,
                           "zenrabaex": 0.004, "zenrabaexo": 0.0005, "ʘlabc123456789": 0.004},
              "prefixes": {"ʘpram": 0.07, "ʘpdri": 0.5, "ʘpzen": 0.05}}
    stats = search_mod.TermStats({c: (sorted(t), [t[k] for k in sorted(t)], 0.003) for c, t in shares.items()})
    assert stats.share("document", "zenrabaex", prefix=True) == pytest.approx(0.0045)
    assert stats.share("document", "nothing") == pytest.approx(0.0015)  # below what ANALYZE kept: half its floor
    assert search_mod.pg_words_share(stats, "zenrabaex dri") == pytest.approx(0.0045 * 0.5)
    status_type = search_mod.filter_facets(status="draft", release_type="Single")
    years = search_mod.filter_facets(date_from=date(2020, 3, 1), date_to=date(2022, 2, 1))
    # a common prefix with a status and a type: walking ~2000 releases beats reading 70k postings
    assert search_mod.pg_walk_is_cheaper(stats, "ram", status_type, want=50, rows=1_000_000)
    # a rare word in a date range: its few hundred matches are read from the index
    assert not search_mod.pg_walk_is_cheaper(stats, "zenrabaex", years, want=50, rows=1_000_000)
    # next to a rare word, "dri" (half the catalog) is tested on the rows a range of ids fetches
    pieces = [("prefixes", "ʘpdri"), ("document", "zenrabaex:*")]
    assert search_mod._checked_pieces(stats, pieces) == {0}
    assert search_mod._checked_pieces(stats, [("prefixes", "ʘpzen"), ("document", "zenrabaex:*")]) == set()
    # unbounded: only when the rarest piece fetches few rows (a label's years, estimated from label x year)
    label_years = [("prefixes", "ʘpram"), ("document", "(ʘmabc1234567892020 | ʘmabc1234567892021)")]
    assert search_mod._checked_pieces(stats, label_years, 1_000_000) == {0}
    assert search_mod._checked_pieces(stats, pieces, 1_000_000) == set()
