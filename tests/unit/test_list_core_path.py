"""``list_releases``/``count_releases`` on a Core connection (``store.db.read_tx``, what ``ReleaseService.list``
and the HTTP API use; SQLite caches one page statement per filter shape and runs it with new values) give
the very pages and counts the ORM session gives, for every filter combination, paging, and label scope."""

from __future__ import annotations

import itertools
from datetime import date

from stardust_tui.domain.identifiers import gtin_check_digit
from stardust_tui.store.db import read_tx, session_scope
from stardust_tui.store.releases import count_releases, create_release, get_release, list_releases, set_status
from stardust_tui.store.scope import scoped_engine


def _upc(i: int) -> str:
    body = f"{i + 1:011d}"
    return body + str(gtin_check_digit(body))


def _catalog(engine) -> None:
    with session_scope(engine) as s:
        for i in range(24):
            create_release(s, actor="t", title=f"{('Drift', 'Dawn', 'Dune')[i % 3]} {i}", artists=["Tide"],
                           label=("Star Records", "Moon Music", "Sun Set")[i % 4 % 3],
                           release_type=("album", "single", "compilation")[i % 3],
                           release_date=date(2010 + i, 6, 1), upc=_upc(i) if i % 5 == 0 else None,
                           genre=("Rock", "Jazz")[i % 2],
                           tracks=[{"title": f"Track {i}", "isrc": f"USS1Z24{i:05d}"}])
        for rid in (3, 7, 11):
            set_status(s, get_release(s, rid), "taken-down", actor="t")


def test_core_pages_and_counts_are_the_sessions(engine) -> None:
    _catalog(engine)
    searches = [None, "dri", "dawn", "USS1Z2400007", _upc(10), "zzz", "tide d"]
    filters = [{}, {"status": "taken-down"}, {"status": "draft"}, {"release_type": "album"},
               {"release_type": "compilation"}, {"label": " star  RECORDS"}, {"label": "Moon Music"},
               {"date_from": date(2012, 1, 1), "date_to": date(2020, 1, 1)},
               {"date_from": date(2014, 1, 1), "date_to": date(2030, 1, 1), "label": "Sun Set"},
               {"date_from": date(2015, 1, 1)}, {"genre": " rock "},
               {"status": "draft", "release_type": "single", "label": "Star Records"}]
    for _ in range(2):  # the second round runs the statements cached in the first with the same shapes
        for search, extra in itertools.product(searches, filters):
            with session_scope(engine) as s:
                expected = [r.id for r in list_releases(s, search=search, limit=5, **extra)]
                expected_all = [r.id for r in list_releases(s, search=search, limit=100, **extra)]
                total = count_releases(s, search=search, **extra)
            with read_tx(engine) as conn:
                assert [r.id for r in list_releases(conn, search=search, limit=5, **extra)] == expected, \
                    (search, extra)
                assert count_releases(conn, search=search, **extra) == total == len(expected_all), (search, extra)
                if expected:  # the next page after the first, by key
                    after = [r.id for r in list_releases(conn, search=search, limit=100, before_id=expected[-1],
                                                         **extra)]
                    assert after == expected_all[len(expected):], (search, extra)


def test_a_scoped_core_connection_sees_what_a_scoped_session_sees(engine) -> None:
    _catalog(engine)
    scoped = scoped_engine(engine, labels=("Star Records",))
    for search in (None, "dri", "USS1Z2400001", "USS1Z2400002"):
        with session_scope(scoped) as s:
            expected = [r.id for r in list_releases(s, search=search, limit=100)]
            total = count_releases(s, search=search)
        with read_tx(scoped) as conn:
            assert [r.id for r in list_releases(conn, search=search, limit=100)] == expected, search
            assert count_releases(conn, search=search) == total == len(expected), search
        with read_tx(engine) as conn:  # the unscoped engine's cached statements do not leak the scope
            assert len(list_releases(conn, search=search, limit=100)) >= len(expected)
    with read_tx(scoped) as conn:
        labels = {r.label_name for r in list_releases(conn, limit=100)}
    assert labels == {"Star Records"}


def test_a_listing_row_has_the_api_items_fields_in_order() -> None:
    """GET /releases writes each row's fields as they are (``routes_releases._item``)."""
    import dataclasses

    from stardust_tui.api.schemas import ReleaseItem
    from stardust_tui.store.releases import ReleaseRow

    assert tuple(f.name for f in dataclasses.fields(ReleaseRow)) == tuple(ReleaseItem.model_fields)
