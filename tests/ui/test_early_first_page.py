"""The catalog's first page read without the ORM (``store/early_page.py``, ``LiveFirstPage``) is the live page:
the same rows in the same order with the same columns and value types as ``CatalogService.page`` gives the same
actor (its role, its label scope), on a store with labels, no label, no date, deliveries and more than a page.
Whenever it cannot be sure (a refused actor, a schema to upgrade, not a plain SQLite file) it gives nothing and
the catalog waits for the live page. In the app the early page shows until the live page replaces it."""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
import time
from datetime import date

import pytest
from sqlalchemy.engine import Engine
from textual.widgets import DataTable
from tui_helpers import seed_deliveries, settle

from stardust_tui.app import make_app
from stardust_tui.config import Settings
from stardust_tui.errors import PermissionDenied
from stardust_tui.services import Services
from stardust_tui.services.actor import Actor
from stardust_tui.services.catalog import CatalogQuery
from stardust_tui.services.catalog_cache import LiveFirstPage, PageRow
from stardust_tui.services.catalog_cache import live_first_page_rows as read_first_page
from stardust_tui.store.db import session_scope
from stardust_tui.store.early_page import sqlite_file
from stardust_tui.store.releases import ReleaseRow, create_release
from stardust_tui.store.users import add_user

LIMIT = 100


@pytest.fixture
def store(seeded, settings: Settings) -> Engine:
    """The TUI tests' catalog (one label, deliveries in every state) plus releases of two other labels, with
    no label, no date, no UPC and an odd type: 134 releases, more than a page."""
    engine, _ = seeded
    extra = []
    with session_scope(engine) as session:
        for i in range(110):
            release = create_release(session, actor="t", title=f"Extra {i}", artists=[("Ana", "Ümit")[i % 2]],
                                     label=(None, "Moon Music", "SUN set", "Stardust Records")[i % 4],
                                     release_type=("Single", "DjMix", "compilation")[i % 3],
                                     release_date=date(2020, 1 + i % 12, 1) if i % 5 else None)
            session.flush()
            extra.append(int(release.id))
    seed_deliveries(engine, settings, extra[-7:])  # deliveries in every state on releases of the first page
    return engine


def _live(settings: Settings, engine: Engine, actor: Actor) -> list[tuple]:
    services = Services(settings=settings, engine_source=engine, actor=actor)
    rows = services.catalog.page(CatalogQuery(limit=LIMIT), with_total=False).rows
    assert all(type(r) is ReleaseRow for r in rows)
    return [dataclasses.astuple(r) for r in rows]


def _types(rows: list[tuple]) -> list[tuple]:
    return [tuple(type(v) for v in row) for row in rows]


def _assert_same(settings: Settings, engine: Engine, actor: Actor) -> list[tuple]:
    live = _live(settings, engine, actor)
    early = read_first_page(settings.db_url, actor, limit=LIMIT)
    assert early == live
    assert _types(early) == _types(live)
    return live


def test_the_early_page_is_the_live_page_of_a_single_user_store(store: Engine, settings: Settings) -> None:
    me = Actor("me", login="me")
    live = _assert_same(settings, store, me)
    assert len(live) == LIMIT and [r[0] for r in live] == sorted((r[0] for r in live), reverse=True)
    assert {r[7] for r in live} == {None, "Moon Music", "SUN set", "Stardust Records"}  # label names, no label
    assert None in {r[6] for r in live} and date in {type(r[6]) for r in live}  # dates read as dates
    assert {r[8] for r in live} >= {None, "succeeded", "failed", "running", "queued"}  # newest delivery's state
    # STARDUST_ACTOR in a single-user installation: admin, every label, as the live page
    _assert_same(settings, store, Actor("someone-else", login="me"))
    # fewer rows than a page; a page of 0
    assert read_first_page(settings.db_url, me, limit=7) == live[:7]
    assert read_first_page(settings.db_url, me, limit=0) == []


def test_the_early_page_applies_the_user_lists_roles_and_label_scopes(store: Engine, settings: Settings) -> None:
    with session_scope(store) as session:
        add_user(session, name="boss", role="admin", labels=None, actor="t")
        add_user(session, name="moon", role="viewer", labels=["moon music"], actor="t")  # any case, as the store
        add_user(session, name="two", role="editor", labels=["Sun Set", "Stardust Records", "No Such Label"],
                 actor="t")
        add_user(session, name="none", role="releaser", labels=[], actor="t")
        add_user(session, name="viewer", role="viewer", labels=None, actor="t")
    scoped = {}
    for actor in (Actor("boss", login="boss"), Actor("viewer", login="viewer"), Actor("moon", login="moon"),
                  Actor("two", login="two"), Actor("none", login="none"),
                  Actor("moon", login="boss"),  # an admin acting as a limited user gets that user's scope
                  Actor("newcomer", login="boss")):  # an admin acting as someone unlisted: admin, every label
        scoped[actor.name, actor.login] = _assert_same(settings, store, actor)
    assert {r[7] for r in scoped["moon", "moon"]} == {"Moon Music"}
    assert {r[7] for r in scoped["two", "two"]} == {"SUN set", "Stardust Records"}
    assert scoped["none", "none"] == []
    assert scoped["moon", "boss"] == scoped["moon", "moon"]
    assert len(scoped["boss", "boss"]) == len(scoped["newcomer", "boss"]) == LIMIT
    # refused by the list: nothing early, and the live page is refused too
    for actor in (Actor("stranger", login="stranger"), Actor("boss", login="viewer")):
        assert read_first_page(settings.db_url, actor, limit=LIMIT) is None
        with pytest.raises(PermissionDenied):
            _live(settings, store, actor)


def test_no_early_page_when_the_store_would_be_upgraded_or_is_not_a_plain_sqlite_file(
        store: Engine, settings: Settings, tmp_path) -> None:
    me = Actor("me", login="me")
    path = sqlite_file(settings.db_url)
    assert path is not None and path.is_file()
    assert read_first_page(settings.db_url, me, limit=LIMIT)
    with sqlite3.connect(path) as conn:
        old = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        conn.execute("UPDATE alembic_version SET version_num = '0015'")
    try:
        assert read_first_page(settings.db_url, me, limit=LIMIT) is None  # opening it would migrate first
    finally:
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE alembic_version SET version_num = ?", (old,))
    assert read_first_page(settings.db_url, me, limit=LIMIT)
    missing = tmp_path / "missing.db"
    for url in ("postgresql://postgres@127.0.0.1/x", "sqlite://", "sqlite:///:memory:", str(missing),
                f"sqlite:///{missing}", f"sqlite:///{path}?mode=ro"):
        assert read_first_page(url, me, limit=LIMIT) is None, url
    assert not missing.exists()  # nothing is created
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    assert read_first_page(str(empty), me, limit=LIMIT) is None  # not a Stardust store (no schema)


def test_live_first_page_reads_in_a_thread(store: Engine, settings: Settings) -> None:
    me = Actor("me", login="me")
    early = LiveFirstPage(settings, me)
    assert early.result() is None and not early.done.is_set()  # not started yet
    rows = early.start().result(timeout=10)
    assert rows is not None and all(type(r) is PageRow for r in rows)
    assert [dataclasses.astuple(r) for r in rows] == _live(settings, store, me)
    refused = LiveFirstPage(settings, Actor("me", login="me")).start()
    with session_scope(store) as session:
        add_user(session, name="other", role="admin", labels=None, actor="t")
    assert refused.result(timeout=10) is not None or refused.done.is_set()  # read before or after: no error
    assert LiveFirstPage(settings, me).start().result(timeout=10) is None  # "me" is not listed any more


pytestmark_anyio = pytest.mark.anyio


def _status(app) -> str:
    return str(app.screen.query_one("#catalog-status").render())


@pytestmark_anyio
async def test_the_catalog_shows_the_early_page_until_the_live_page_replaces_it(store: Engine,
                                                                               settings: Settings) -> None:
    gate = threading.Event()

    def slow_open() -> Engine:  # a store that takes a while to open (SQLAlchemy's imports)
        gate.wait(10)
        return store

    probe = make_app(settings, lambda: store, start_workers=False)
    early = LiveFirstPage(settings, probe.services.actor).start()
    assert early.result(timeout=10)
    app = make_app(settings, slow_open, start_workers=False, live_first_page=early)
    assert app.live_first_page is early and app.cached_first_page == []  # a first start: nothing saved
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.1)
        table = app.screen.query_one("#releases", DataTable)
        shown = [table.get_row_at(i) for i in range(table.row_count)]
        first = [int(table.coordinate_to_cell_key((i, 0)).row_key.value) for i in range(table.row_count)]
        assert table.row_count == LIMIT and "opening the catalog" in _status(app)
        assert first == [r.id for r in early.result()]
        gate.set()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and "opening the catalog" in _status(app):
            await pilot.pause(0.05)
        await settle(app, pilot)
        assert "opening the catalog" not in _status(app) and "of 134 releases" in _status(app)
        # the live page replaced it: the same rows, cell for cell
        assert [table.get_row_at(i) for i in range(table.row_count)] == shown


@pytestmark_anyio
async def test_an_early_page_read_late_is_shown_unless_the_live_page_came_first(store: Engine,
                                                                               settings: Settings) -> None:
    gate = threading.Event()

    def slow_open() -> Engine:
        gate.wait(10)
        return store

    actor = make_app(settings, lambda: store, start_workers=False).services.actor
    late = LiveFirstPage(settings, actor)  # started only once the catalog is on screen
    app = make_app(settings, slow_open, start_workers=False, live_first_page=late)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.1)
        table = app.screen.query_one("#releases", DataTable)
        assert table.row_count == 0 and _status(app) == "Loading…"
        late.start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and table.row_count == 0:
            await pilot.pause(0.02)
        assert table.row_count == LIMIT and "opening the catalog" in _status(app)
        gate.set()
        await settle(app, pilot)
        assert "opening the catalog" not in _status(app)
    # the live page first: an early page arriving after it is dropped
    late = LiveFirstPage(settings, actor)
    app = make_app(settings, lambda: store, start_workers=False, live_first_page=late)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#releases", DataTable)
        await pilot.press("slash", *"Extra 10")  # a search: the page shows its matches
        await settle(app, pilot)
        searched = table.row_count
        late.start()
        assert late.result(timeout=10)
        await pilot.pause(0.2)
        await settle(app, pilot)
        assert table.row_count == searched < LIMIT and "opening the catalog" not in _status(app)


@pytestmark_anyio
async def test_an_early_page_of_another_actor_is_not_used(store: Engine, settings: Settings) -> None:
    other = LiveFirstPage(settings, Actor("someone", login="someone")).start()
    app = make_app(settings, lambda: store, start_workers=False, live_first_page=other)
    assert app.live_first_page is None
