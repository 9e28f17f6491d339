"""The delivery claim on PostgreSQL in one round trip to the server.

A claim is a transaction of its own: ``BEGIN``, the advisory lock that serializes claims (so two workers
cannot both see a target under its ``max_concurrency`` and both take one of its jobs), the claim statement
(which also turns an open circuit past its cool-down half-open: a data-modifying CTE), ``COMMIT``. Sent one
statement at a time that is five waits for the server, and the lock is held across three of them: with
several busy worker processes on few cores, every wait is a chance to be descheduled while the others queue
on the lock. Here the four are sent together in libpq's pipeline mode and the client waits once; the lock is
held only while the server runs the claim, not while it waits for the disk: the claim commits asynchronously
(``synchronous_commit = off`` for this transaction only), which is safe because the worker's first write for
the claim (:meth:`stardust_tui.worker.steps.DbStepRecorder.confirm`, before anything is sent anywhere) is
fenced by it and commits synchronously: the WAL is flushed in order, so either that write makes the claim
durable, or the server lost the claim in a crash and the write is refused (``LeaseLostError``).

The statement is compiled once per shape (``stardust_tui.worker.queue._claim_statement``) and runs as a
prepared statement after a few claims.

The connections are the engine's own (same URL and connect arguments) but kept aside from its pool: the
pool pings the server at every checkout (``pool_pre_ping``), one more wait per claim. A kept connection is
checked without a round trip instead: an idle connection the server has written to (a shutdown notice, or
EOF after a restart) is readable, and is dropped for a new one. Connections made before a ``fork`` are
never used (nor closed) by the child, and :meth:`Engine.dispose` closes them.
"""

from __future__ import annotations

import os
import select
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from stardust_tui.errors import StoreError

_LOCK_SQL = "SELECT pg_advisory_xact_lock(%s)"
_NO_FLUSH_WAIT_SQL = "SET LOCAL synchronous_commit = off"


@dataclass(frozen=True)
class PgStatement:
    """A statement compiled once for psycopg: its SQL, its fixed parameters and how each value is converted
    (the store's UTC date-time type, arrays) before it goes to the driver, as SQLAlchemy would."""

    sql: str
    defaults: dict[str, Any]
    convert: dict[str, Callable[[Any], Any]]

    @classmethod
    def compile(cls, stmt: ClauseElement, dialect: Dialect) -> PgStatement:
        compiled = stmt.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        given = {name for name, bind in compiled.binds.items() if bind.required}  # the caller's, per run
        fixed = {k: v for k, v in compiled.construct_params(dict.fromkeys(given)).items() if k not in given}
        convert: dict[str, Callable[[Any], Any]] = {  # SQLAlchemy's own converters
            k: p for k, p in compiled._bind_processors.items() if callable(p)}
        if len(convert) != len(compiled._bind_processors):  # per-element converters (tuples): not used here
            raise TypeError("a claim parameter needs per-element conversion")
        return cls(str(compiled), fixed, convert)

    def values(self, params: dict[str, Any]) -> dict[str, Any]:
        merged = {**self.defaults, **params}
        return {k: (self.convert[k](v) if k in self.convert and v is not None else v) for k, v in merged.items()}


class _Idle:
    """Idle claim connections of one engine, for this process."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.conns: list[Any] = []
        self.lock = threading.Lock()


_idle: weakref.WeakKeyDictionary[Engine, _Idle] = weakref.WeakKeyDictionary()
_idle_lock = threading.Lock()


def _pool(engine: Engine) -> _Idle:
    with _idle_lock:
        idle = _idle.get(engine)
        # new, or inherited through fork: the parent's own (psycopg never ends a session from another process)
        if idle is None or idle.pid != os.getpid():
            first = idle is None
            idle = _idle[engine] = _Idle()
            if first:
                event.listen(engine, "engine_disposed", _close_all)
        return idle


def _close_all(engine: Engine) -> None:
    idle = _idle.get(engine)
    if idle is None or idle.pid != os.getpid():
        return
    with idle.lock:
        conns, idle.conns = idle.conns, []
    for conn in conns:
        _close(conn)


def _close(conn: Any) -> None:
    try:
        conn.close()
    except Exception:  # noqa: BLE001 - already broken: nothing left to close
        pass


def _usable(conn: Any) -> bool:
    """An idle connection with nothing to read is alive (as far as can be told without asking)."""
    if conn.closed or conn.broken:
        return False
    try:
        readable, _, _ = select.select([conn.fileno()], [], [], 0)
    except (OSError, ValueError):
        return False
    return not readable


def _take(engine: Engine) -> Any:
    idle = _pool(engine)
    with idle.lock:
        while idle.conns:
            kept = idle.conns.pop()
            if _usable(kept):
                return kept
            _close(kept)
    fairy = engine.raw_connection()  # the engine's connect arguments and events (search_path, …)
    conn: Any = fairy.driver_connection
    if conn is None:  # a pooled connection always has one; a closed one does not
        raise StoreError("the PostgreSQL connection is closed", where=engine.url.render_as_string(hide_password=True))
    fairy.detach()
    conn.rollback()
    conn.autocommit = False  # even from an AUTOCOMMIT engine: the lock must last until the claim commits
    conn.prepare_threshold = 2  # the claim is the same statement every time: prepare it early
    return conn


def _give_back(engine: Engine, conn: Any) -> None:
    idle = _pool(engine)
    with idle.lock:
        if len(idle.conns) < 4:
            idle.conns.append(conn)
            return
    _close(conn)


def run_claim(engine: Engine, stmt: PgStatement, params: dict[str, Any], lock_key: int) -> Any:
    """Run the claim statement with ``params`` in one pipelined transaction; its first row or None."""
    import psycopg

    values = stmt.values(params)
    conn = _take(engine)
    try:
        with conn.pipeline():
            conn.execute(_NO_FLUSH_WAIT_SQL)
            conn.execute(_LOCK_SQL, (lock_key,))
            cur = conn.execute(stmt.sql, values)
            conn.commit()
        row = cur.fetchone()
    except psycopg.OperationalError as exc:  # server gone or restarting: one line, the caller retries later
        _close(conn)
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StoreError(text, where=engine.url.render_as_string(hide_password=True)) from None
    except BaseException:
        try:
            conn.rollback()
        except Exception:  # noqa: BLE001 - the connection is unusable: drop it
            _close(conn)
            raise
        _give_back(engine, conn)
        raise
    _give_back(engine, conn)
    return row
