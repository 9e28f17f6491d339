"""Schema migrations: upgrade a database to the newest revision, backing up SQLite files first.

``open_store`` is what commands call: it creates a fresh database at head, or upgrades an older one
after copying it to ``<name>.bak-<revision>-<UTC timestamp>`` with SQLite's online backup API. A
database whose revision this code does not know (written by a newer Stardust) is refused.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, OperationalError

from stardust_tui.errors import StoreError
from stardust_tui.privacy import prepare_sqlite_file
from stardust_tui.store.early_page import MIGRATIONS_DIR, head_from_files

if TYPE_CHECKING:
    from alembic.config import Config



def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def at_head(engine: Engine) -> bool:
    """Cheap check for the common case: one ``SELECT`` of ``alembic_version`` against the files' head.

    False whenever it cannot tell (no version table, unreadable file, odd layout); :func:`upgrade` then
    takes the full Alembic path, which also produces the proper error messages.
    """
    head = head_from_files()
    if head is None:
        return False
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").fetchall()
    except (OperationalError, DatabaseError):
        return False
    return [row[0] for row in rows] == [head]


def current_revision(engine: Engine) -> str | None:
    """The revision stored in the database, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except (OperationalError, DatabaseError) as exc:
        raise _open_error(exc, engine) from None


def _open_error(exc: Exception, engine: Engine) -> StoreError:
    where = engine.url.render_as_string(hide_password=True)
    text = str(getattr(exc, "orig", exc)).splitlines()[0]
    if "not a database" in text or "malformed" in text or "file is encrypted" in text:
        return StoreError(f"not a Stardust database or the file is corrupt ({text})", where=where)
    if "locked" in text:
        return StoreError("database is locked by another process", where=where)
    return StoreError(text, where=where)


def backup_sqlite(engine: Engine, label: str) -> Path | None:
    """Copy an SQLite database file next to itself (online backup API); returns the copy's path."""
    db_path = engine.url.database
    if engine.dialect.name != "sqlite" or not db_path or db_path == ":memory:":
        return None
    src_path = Path(db_path)
    if not src_path.exists():
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    dest = src_path.with_name(f"{src_path.name}.bak-{label}-{stamp}")
    tmp = dest.with_name(dest.name + ".tmp")
    prepare_sqlite_file(str(tmp))  # the copy is as private as the database (0600), whatever the umask
    src = sqlite3.connect(str(src_path))
    try:
        dst = sqlite3.connect(str(tmp))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    tmp.replace(dest)
    return dest


def upgrade(engine: Engine, revision: str = "head", *, backup: bool = True) -> tuple[str | None, str]:
    """Upgrade to ``revision``; returns (old revision, new revision). Backs up older SQLite files."""
    if revision == "head" and at_head(engine):  # the usual start-up: no Alembic import, one query
        head = head_from_files()
        if head is not None:  # at_head read the same files
            return head, head
    from alembic import command
    from alembic.script import ScriptDirectory

    known = {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    old = current_revision(engine)
    if old is not None and old not in known:
        raise StoreError(
            f"database schema revision {old!r} is newer than this Stardust knows (head {head_revision()!r});"
            " upgrade Stardust",
            where=engine.url.render_as_string(hide_password=True),
        )
    target = head_revision() if revision == "head" else revision
    if old == target:
        return old, target
    if old is None and engine.dialect.name == "sqlite":
        # An SQLite file with tables but no alembic version is not ours.
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
        if tables:
            raise StoreError(
                "database has tables but no Stardust schema version; refusing to touch it",
                where=engine.url.render_as_string(hide_password=True),
            )
    if old is not None and backup:
        backup_sqlite(engine, old)
    cfg = alembic_config()
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    except (OperationalError, DatabaseError) as exc:
        raise _open_error(exc, engine) from None
    return old, target


def needs_upgrade(engine: Engine) -> bool:
    return current_revision(engine) != head_revision()
