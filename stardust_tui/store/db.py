"""Engine factory and unit of work for SQLite (embedded default) and PostgreSQL.

SQLite runs in WAL mode with foreign keys on and a busy timeout, so the TUI, the CLI and worker
processes can share one file. Sessions are short: open one per unit of work with :func:`session_scope`.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlmodel import Session, create_engine

from stardust_tui.errors import StoreError
from stardust_tui.privacy import prepare_sqlite_file

BUSY_TIMEOUT_MS = 10_000


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Python's sqlite3 opens an implicit transaction before DML only; take control so that
    # "BEGIN IMMEDIATE" can be issued for writers and pragmas are not inside a transaction.
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str, *, echo: bool = False, **kwargs: Any) -> Engine:
    """Create an engine for an SQLite path/URL or a PostgreSQL URL. Nothing is created on disk yet; the
    first connection creates a missing SQLite file 0600 (its WAL/SHM journals follow its mode)."""
    if "://" not in url:
        url = f"sqlite:///{url}"
    if url.startswith("sqlite"):
        connect_args = kwargs.pop("connect_args", {})
        connect_args.setdefault("check_same_thread", False)
        connect_args.setdefault("timeout", BUSY_TIMEOUT_MS / 1000)
        engine = create_engine(url, echo=echo, connect_args=connect_args, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        database = engine.url.database
        event.listen(engine, "do_connect", lambda *_: prepare_sqlite_file(database))
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, echo=echo, **kwargs)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One short transaction: commit on success, roll back on any error."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except OperationalError as exc:
        session.rollback()
        raise _store_error(exc, engine) from None
    except DatabaseError as exc:
        session.rollback()
        if "malformed" in str(exc) or "not a database" in str(exc):
            raise _store_error(exc, engine) from None
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _store_error(exc: Exception, engine: Engine) -> StoreError:
    where = engine.url.render_as_string(hide_password=True)
    text = str(getattr(exc, "orig", exc)).splitlines()[0]
    if "locked" in text or "busy" in text:
        return StoreError(f"database is locked by another process ({text})", where=where)
    if "not a database" in text or "malformed" in text:
        return StoreError(f"database file is corrupt ({text})", where=where)
    return StoreError(text, where=where)


def current_actor() -> str:
    """Who is making a change: ``STARDUST_ACTOR`` (e.g. an API key name) or the OS user."""
    actor = os.environ.get("STARDUST_ACTOR")
    if actor:
        return actor
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry (containers)
        return f"uid:{os.getuid()}"


@contextmanager
def write_tx(engine: Engine) -> Iterator[Connection]:
    """A short write transaction; on SQLite it takes the write lock up front (BEGIN IMMEDIATE)."""
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            conn.commit()
    except OperationalError as exc:  # locked, busy, server gone: one line, and callers may retry
        text = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise StoreError(text, where=engine.url.render_as_string(hide_password=True)) from None


@contextmanager
def read_tx(engine: Engine) -> Iterator[Connection]:
    """One read transaction without an ORM session: every statement sees the same snapshot (SQLite: a
    deferred ``BEGIN``, which pysqlite would not issue before a SELECT). Errors as :func:`session_scope`'s."""
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN")
            try:
                yield conn
            finally:
                conn.rollback()
    except OperationalError as exc:
        raise _store_error(exc, engine) from None
