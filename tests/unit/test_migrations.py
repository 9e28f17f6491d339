"""Upgrading a real catalog: every row survives, a backup is made, the search index is built; newer,
corrupt and locked databases are refused with one clear line and a non-zero exit."""

from __future__ import annotations

import os
import sqlite3
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, MetaData, insert, select, text
from sqlalchemy.engine import Engine

from stardust_tui.cli import cli
from stardust_tui.store import db as store_db
from stardust_tui.store.db import make_engine, session_scope
from stardust_tui.store.migrate import current_revision, head_revision, upgrade
from stardust_tui.store.releases import list_releases, load_release
from stardust_tui.store.search import document_fields

OVERRIDES = {
    "release": {"title": "Night Drive", "display_artist": "Luna Park", "upc": "036000291452", "status": "draft",
                "release_type": "album", "parental_advisory": "not-explicit"},
    "track": {"title": "Highway Lights", "isrc": "USS1Z2400001"},
    "party": {"name": "Star Records", "kind": "label"},
    "asset": {"sha256": "a" * 64, "md5": "b" * 32},
    "deal": {"territories": ["Worldwide"], "excluded_territories": [], "commercial_models": ["SubscriptionModel"],
             "use_types": ["OnDemandStream"]},
    "release_revision": {"snapshot": {"title": "Night Drive"}, "number": 1},
    "audit_log": {"before": None, "after": {"title": "Night Drive"}},
    "credit": {"track_id": None},
}


def _value(column, table: str):
    if column.name in OVERRIDES.get(table, {}):
        return OVERRIDES[table][column.name]
    t = column.type
    if isinstance(t, Boolean):
        return False
    if isinstance(t, Integer):
        return 1 if column.name.endswith("_id") or column.name == "id" else 7
    if isinstance(t, Float):
        return 1.5
    if isinstance(t, DateTime):
        return datetime(2024, 5, 1, tzinfo=UTC)
    if isinstance(t, Date):
        return date(2024, 5, 1)
    if isinstance(t, JSON):
        return {}
    return f"{table}-{column.name}"[: getattr(t, "length", None) or 100]


def fill_every_table(engine: Engine) -> dict[str, dict]:
    """One row in every table of the current schema (foreign keys point at row 1); returns what was written."""
    meta = MetaData()
    meta.reflect(engine)
    written: dict[str, dict] = {}
    with engine.begin() as conn:
        for table in meta.sorted_tables:
            if table.name == "alembic_version" or table.name.startswith("release_fts"):
                continue
            row = {c.name: _value(c, table.name) for c in table.columns}
            conn.execute(insert(table), [row])
            written[table.name] = row
    return written


def at_0001(url: str, **kwargs) -> tuple[Engine, dict[str, dict]]:
    engine = make_engine(url, **kwargs)
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    return engine, fill_every_table(engine)


# Values a migration converts on purpose (0006: the catalog spells release types as DDEX does).
CONVERTED = {("release", "release_type"): {"album": "Album"}}


def assert_rows_kept(engine: Engine, written: dict[str, dict]) -> None:
    meta = MetaData()
    meta.reflect(engine, only=list(written))
    with engine.connect() as conn:
        for name, row in written.items():
            got = conn.execute(select(meta.tables[name])).mappings().all()
            assert len(got) == 1, name
            for key, value in row.items():
                stored = got[0][key]
                if isinstance(value, datetime):
                    stored = stored.replace(tzinfo=UTC) if stored.tzinfo is None else stored
                if (name, key) in CONVERTED:
                    value = CONVERTED[(name, key)].get(value, value)
                assert stored == value, (name, key)


def cli_run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in (result.output + result.stderr)
    return result


def test_upgrade_keeps_every_row_and_makes_a_backup(settings):
    settings.paths.ensure()
    db_file = Path(settings.paths.database_file)
    engine, written = at_0001(settings.db_url)
    engine.dispose()
    assert len(written) >= 10  # party, asset, release, tracks, artists, credits, deals, revisions, audit...

    result = cli_run("db", "upgrade")
    assert result.exit_code == 0, result.output + result.stderr
    assert result.output.strip() == f"upgraded 0001 -> {head_revision()}"

    engine = make_engine(settings.db_url)
    assert current_revision(engine) == head_revision()
    assert_rows_kept(engine, written)
    with session_scope(engine) as s:  # migration 0002 indexed the existing release
        assert [r.title for r in list_releases(s, search="highway")] == ["Night Drive"]
        assert [r.title for r in list_releases(s, search="036000291452")] == ["Night Drive"]
        assert [r.title for r in list_releases(s, search="nig", label="star records", date_from=date(2023, 1, 1),
                                               date_to=date(2025, 1, 1), status="draft")] == ["Night Drive"]
        # ... exactly as save_release would have indexed it
        stored = s.execute(text("SELECT title, artists, label, codes, tracks FROM release_fts WHERE rowid = 1")).one()
        assert dict(stored._mapping) == document_fields(load_release(s, 1))
    engine.dispose()

    backups = sorted(db_file.parent.glob(f"{db_file.name}.bak-0001-*"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert conn.execute("SELECT title FROM release").fetchall() == [("Night Drive",)]

    assert cli_run("db", "upgrade").output.strip() == f"already at {head_revision()}"


def test_upgrade_keeps_every_row_on_postgresql(pg_url):
    schema = f"m_{uuid.uuid4().hex[:10]}"
    admin = make_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        engine, written = at_0001(pg_url, connect_args={"options": f"-csearch_path={schema}"})
        assert upgrade(engine) == ("0001", head_revision())
        assert_rows_kept(engine, written)
        with session_scope(engine) as s:
            assert [r.title for r in list_releases(s, search="star lights")] == ["Night Drive"]
        engine.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_newer_database_is_refused(settings):
    settings.paths.ensure()
    engine = make_engine(settings.db_url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    for args in (("db", "upgrade"), ("release", "list")):
        result = cli_run(*args)
        assert result.exit_code != 0
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ")
        assert "'0099' is newer than this Stardust knows" in lines[0]


def test_corrupt_file_is_refused(settings):
    settings.paths.ensure()
    Path(settings.paths.database_file).write_bytes(os.urandom(8192))
    for args in (("db", "upgrade"), ("release", "list")):
        result = cli_run(*args)
        assert result.exit_code != 0
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
        assert "corrupt" in lines[0]


def test_locked_database_is_refused(settings, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 300)  # do not wait the default 10 s in a test
    settings.paths.ensure()
    engine, _ = at_0001(settings.db_url)
    engine.dispose()
    holder = sqlite3.connect(settings.paths.database_file, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        result = cli_run("db", "upgrade")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "locked" in lines[0], result.stderr
    engine = make_engine(settings.db_url)
    assert current_revision(engine) == "0001"  # nothing half-done
    engine.dispose()
