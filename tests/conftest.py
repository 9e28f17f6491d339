"""Shared fixtures: an isolated home per test, real SQLite and PostgreSQL stores, server helpers."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.engine import Engine

from stardust_tui.config import Settings, load_settings
from stardust_tui.store.db import make_engine
from stardust_tui.store.migrate import upgrade

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DDEX_DIR = SHARED / "ddex"
XSD_DIR = DDEX_DIR / "xsd"
SAMPLES_DIR = DDEX_DIR / "samples"
PG_URL = os.environ.get("STARDUST_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"

# the plugin tests' fixtures (plugin_site, plugins_on): the real plugins installed into a folder of their own
pytest_plugins = ["tests.plugin_site"]


def need_server(reason: str) -> None:
    """A server a test needs could not start: fail under CI=true, skip elsewhere."""
    if IN_CI:
        pytest.fail(f"server could not start (CI=true): {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every Stardust and XDG location at the test's temporary directory."""
    home = tmp_path / "home"
    monkeypatch.setenv("STARDUST_HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setenv("STARDUST_CONFIG_FILE", str(home / "config.toml"))
    monkeypatch.setenv("STARDUST_DDEX_SCHEMAS", str(XSD_DIR))
    monkeypatch.delenv("STARDUST_DB", raising=False)
    monkeypatch.delenv("STARDUST_SECRET_KEY", raising=False)
    return home


@pytest.fixture
def settings(isolated_home: Path) -> Settings:
    return load_settings()


# Migrating a store takes 0.8-3 s here (Alembic, every revision); copying a store migrated once takes ~10 ms.
# So each session migrates one template per backend and every test gets a copy. STARDUST_TEST_MIGRATE_EACH=1
# migrates per test instead (to compare, or to rule the template out when chasing a migration bug).
MIGRATE_EACH = os.environ.get("STARDUST_TEST_MIGRATE_EACH") == "1"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite store migrated to head once per session (checkpointed: one self-contained file)."""
    path = tmp_path_factory.mktemp("template") / "stardust.db"
    engine = make_engine(str(path))
    upgrade(engine, backup=False)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture
def sqlite_engine(settings: Settings, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A migrated SQLite file store in the test's home (a copy of the session's template)."""
    settings.paths.ensure()
    if MIGRATE_EACH:
        engine = make_engine(settings.db_url)
        upgrade(engine)
    else:
        target = Path(make_engine(settings.db_url).url.database or "")
        target.write_bytes(request.getfixturevalue("sqlite_template").read_bytes())
        target.chmod(0o600)  # as the store creates it
        engine = make_engine(settings.db_url)
    yield engine
    engine.dispose()


def _pg_available() -> bool:
    try:
        engine = make_engine(PG_URL)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def pg_url() -> str:
    if not _pg_available():
        need_server(f"PostgreSQL not reachable at {PG_URL}")
    return PG_URL


@pytest.fixture(scope="session")
def pg_template(pg_url: str) -> Iterator[str]:
    """A PostgreSQL database migrated to head once per session; tests get ``CREATE DATABASE … TEMPLATE`` copies."""
    name = f"stardust_tpl_{uuid.uuid4().hex[:12]}"
    admin = make_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(pg_url).set(database=name).render_as_string(hide_password=False))
    upgrade(engine)
    engine.dispose()  # a template may have no open connections while it is copied
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_engine(pg_url: str, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A migrated PostgreSQL store of its own (a copy of the session's template database), dropped afterwards."""
    admin = make_engine(pg_url, isolation_level="AUTOCOMMIT")
    if MIGRATE_EACH:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine = make_engine(pg_url, connect_args={"options": f"-csearch_path={schema}"})
        upgrade(engine)
        drop = f'DROP SCHEMA "{schema}" CASCADE'
    else:
        name = f"t_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{request.getfixturevalue("pg_template")}"'))
        engine = make_engine(make_url(pg_url).set(database=name).render_as_string(hide_password=False))
        drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(drop))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> Engine:
    """The store suite runs on both backends."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_engine")
    return request.getfixturevalue("pg_engine")
