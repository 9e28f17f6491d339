"""Migration 0006 (issue 18) on a catalog made before it: nothing is lost, types become DDEX names, and back.

A database at 0005 gets releases of every old type (album, ep, single, compilation) with tracks, credits and
deals; upgrading converts the types (compilation -> Album + is_compilation), keeps every row (the columns
are added in place: a batch copy of ``release`` would have cascade-deleted tracks and deals on SQLite),
keeps type filters and search working, and the new parts can be stored; downgrading gives the old types
back. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from stardust_tui.domain.identifiers import gtin_check_digit
from stardust_tui.store.db import make_engine
from stardust_tui.store.migrate import current_revision, head_revision, upgrade
from stardust_tui.store.releases import get_release, list_releases, load_release, save_release

OLD_TYPES = ("album", "ep", "single", "compilation")


@pytest.fixture(params=["sqlite", "postgresql"])
def old_catalog(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    """A store at revision 0005 holding one release per old type, each with a track, a credit and a deal."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    else:
        pg_url = request.getfixturevalue("pg_url")
        schema = f"m6_{uuid.uuid4().hex[:10]}"
        admin = make_engine(pg_url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        engine = make_engine(pg_url, connect_args={"options": f"-csearch_path={schema}"})
    upgrade(engine, "0005", backup=False)
    now = datetime(2025, 1, 1, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO party (id, name, kind, created_at) VALUES (1, 'Old Artist', 'artist', :t)"),
                     {"t": now})
        for i, kind in enumerate(OLD_TYPES, start=1):
            conn.execute(text(
                "INSERT INTO release (id, upc, title, display_artist, release_type, parental_advisory, status, "
                "norm_key, revision, created_at, updated_at) VALUES (:id, :upc, :title, 'Old Artist', :kind, "
                "'not-explicit', 'draft', :title, 1, :t, :t)"),
                {"id": i, "upc": f"{i:011d}" + str(gtin_check_digit(f"{i:011d}")), "title": f"Old {kind}",
                 "kind": kind, "t": now})
            conn.execute(text(
                "INSERT INTO track (id, release_id, disc_number, track_number, title, display_artist, explicit) "
                "VALUES (:id, :id, 1, 1, :title, 'Old Artist', :explicit)"),
                {"id": i, "title": f"Track {i}", "explicit": i == 2})
            conn.execute(text("INSERT INTO credit (release_id, track_id, party_id, role, sequence) "
                              "VALUES (:id, :id, 1, 'Composer', 1)"), {"id": i})
            conn.execute(text(
                "INSERT INTO deal (release_id, territories, excluded_territories, commercial_models, use_types, "
                "start, price_tier, applies_to_tracks) VALUES (:id, '[\"Worldwide\"]', '[]', "
                "'[\"SubscriptionModel\"]', '[\"OnDemandStream\"]', :t, NULL, :tracks)"),
                {"id": i, "t": now, "tracks": True})
    yield engine
    engine.dispose()


def test_upgrade_converts_types_and_keeps_every_row(old_catalog: Engine) -> None:
    engine = old_catalog
    assert upgrade(engine, backup=False) == ("0005", head_revision())
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, release_type, is_compilation, details FROM release ORDER BY id")).all()
        counts = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in ("track", "credit", "deal")}
    assert [(r.release_type, bool(r.is_compilation)) for r in rows] == [
        ("Album", False), ("EP", False), ("Single", False), ("Album", True)]
    assert counts == {"track": 4, "credit": 4, "deal": 4}  # nothing cascade-deleted
    with Session(engine) as s:
        assert [r.title for r in list_releases(s, release_type="album")] == ["Old compilation", "Old album"]
        assert [r.title for r in list_releases(s, release_type="compilation")] == ["Old compilation"]
        assert [r.title for r in list_releases(s, release_type="EP")] == ["Old ep"]
        release = load_release(s, 2)
        assert release.tracks[0].explicit and release.tracks[0].parental_advisory is None
        assert release.deals[0].applies_to_release and release.deals[0].track_scope is None
        release.grid, release.release_type = "A1-2425G-ABC1234002-M", "dj mix"  # the new parts can be stored
        save_release(s, release, actor="test")
        s.commit()
    with Session(engine) as s:
        release = get_release(s, "A12425GABC1234002M")
        assert (release.id, release.grid, release.release_type) == (2, "A12425GABC1234002M", "DjMix")


def test_downgrade_gives_the_old_types_back(old_catalog: Engine) -> None:
    engine = old_catalog
    upgrade(engine, backup=False)
    from alembic import command

    from stardust_tui.store.migrate import alembic_config

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0005")
    assert current_revision(engine) == "0005"
    with engine.connect() as conn:
        types = [r[0] for r in conn.execute(text("SELECT release_type FROM release ORDER BY id"))]
        assert types == list(OLD_TYPES)
        assert conn.execute(text("SELECT count(*) FROM track")).scalar() == 4
