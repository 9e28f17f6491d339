"""The catalog's first page read with the standard library's ``sqlite3``, before SQLAlchemy is imported.

Opening the store the usual way imports SQLAlchemy, SQLModel and every table (~0.26 s of a cold start)
before the first query can run. On the embedded SQLite store the TUI reads its first page here instead, in
a thread started with the command, and shows it until the live page (``list_releases`` through the ORM)
replaces it. The statement is the one ``list_releases`` builds for an unfiltered first page (newest first,
the label's name, the newest delivery's state), with the label scope ``store/scope.py`` adds to a scoped
session. Who may read, and which labels, the caller decides (``services.catalog_cache`` with
``services.access.grant_of``) from the user-list rows read here as ``store.users.lookup`` reads them.

:func:`read_first_page` answers None whenever it cannot be sure to give what the live page would: not a
plain SQLite file, a schema that is not this code's head (opening would upgrade it first), an actor the
list refuses or the user list unreadable, or any error. The caller then just waits for the live page.
Nothing is created or written: the file is opened ``mode=rw`` (never created), and only read.
Standard library only at import time.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_REVISION_LINE = re.compile(r"^(down_revision|revision)\b[^=\n]*=\s*(.*?)\s*$", re.M)
_PLAIN_VALUE = re.compile(r"""^(None|"(\w+)"|'(\w+)')$""")
BUSY_TIMEOUT_S = 2.0
"""A reader waits this long at most for a lock (WAL readers are not blocked by a writer anyway)."""

_PAGE_SQL = """
SELECT release.id, release.title, release.display_artist, release.upc, release.release_type, release.status,
       release.release_date, party.name AS label_name,
       (SELECT delivery.state FROM delivery WHERE delivery.release_id = release.id
        ORDER BY delivery.id DESC LIMIT 1) AS last_delivery_state
FROM release LEFT OUTER JOIN party ON party.id = release.label_id
{where}
ORDER BY release.id DESC
LIMIT ?
"""
_SCOPE_SQL = ("WHERE release.label_id IN "
              "(SELECT party.id FROM party WHERE party.kind = 'label' AND lower(party.name) IN ({}))")
"""``store/scope.py``'s release criterion (``label_ids``) for a session limited to some labels."""


def head_from_files() -> str | None:
    """The single head read from the version files' ``revision``/``down_revision`` lines, without Alembic.

    None when any file is not in the plain one-string form (a merge, a branch): then Alembic decides.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("[0-9]*.py"):
        found = dict((m.group(1), _PLAIN_VALUE.match(m.group(2))) for m in _REVISION_LINE.finditer(path.read_text()))
        rev, down = found.get("revision"), found.get("down_revision")
        if rev is None or down is None or rev.group(1) == "None":
            return None
        revisions.add(rev.group(2) or rev.group(3))
        if down.group(1) != "None":
            parents.add(down.group(2) or down.group(3))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None


def sqlite_file(db_url: str) -> Path | None:
    """The file of a plain SQLite store URL or path (as ``make_engine`` reads it), else None."""
    url = db_url if "://" in db_url else f"sqlite:///{db_url}"
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if url.startswith(prefix):
            database = url[len(prefix):]
            if not database or database == ":memory:" or "?" in database or database.startswith("file:"):
                return None
            return Path(database)
    return None


@dataclass(frozen=True)
class ListedUser:
    """A row of the store's user list, as ``store.users.UserRow`` gives its role and labels."""

    role: str
    labels: tuple[str, ...] | None


Decide = Callable[[int, Mapping[str, ListedUser]], tuple[bool, tuple[str, ...] | None]]
"""(number of users, the rows of the names asked for) -> (may read the catalog, the labels it is limited to)."""


def _user_rows(conn: sqlite3.Connection, names: Iterable[str]) -> tuple[int, dict[str, ListedUser]] | None:
    """``store.users.lookup`` read directly: the user count and the rows of ``names`` (None: unreadable)."""
    total = conn.execute("SELECT count(*) FROM stardust_user").fetchone()[0]
    if not total:
        return 0, {}
    wanted = sorted(names)
    rows: dict[str, ListedUser] = {}
    query = f"SELECT name, role, labels FROM stardust_user WHERE name IN ({', '.join('?' * len(wanted))})"
    for name, role, labels in conn.execute(query, wanted):
        value = json.loads(labels) if isinstance(labels, str) else labels  # a JSON column; SQL NULL is None too
        if value is not None and not (isinstance(value, list) and all(isinstance(x, str) for x in value)):
            return None
        rows[name] = ListedUser(role, tuple(value) if value is not None else None)
    return int(total), rows


def _row(values: Sequence[Any]) -> tuple[Any, ...]:
    rid, title, artist, upc, release_type, status, released, label, state = values
    if not isinstance(rid, int) or not isinstance(title, str) or not isinstance(status, str):
        raise ValueError("unexpected column type")
    day = date.fromisoformat(released) if released is not None else None  # SQLAlchemy's Date reads the same
    return (rid, title, artist, upc, release_type, status, day, label, state)


def read_first_page(db_url: str, names: Iterable[str], decide: Decide, *, limit: int) -> list[tuple[Any, ...]] | None:
    """The first ``limit`` rows of the catalog (``ReleaseRow``'s fields, in order) for the user whose list rows
    are looked up under ``names`` and judged by ``decide``, or None when this cannot be sure of it (see the
    module docstring)."""
    path = sqlite_file(db_url)
    head = head_from_files()
    if path is None or head is None or not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_S,
                               check_same_thread=False)
    except sqlite3.Error:
        return None
    try:
        conn.execute("BEGIN")  # one snapshot for the version, the user list and the page
        if [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")] != [head]:
            return None
        users = _user_rows(conn, names)
        if users is None:
            return None
        may_read, labels = decide(*users)
        if not may_read:
            return None  # the live page says why
        where, params = "", []
        if labels is not None:  # sorted(set(...)) as scoped_engine keeps them; lower() as label_ids
            scope = sorted(set(labels))
            where = _SCOPE_SQL.format(", ".join("?" * len(scope)))
            params = [x.lower() for x in scope]
        return [_row(r) for r in conn.execute(_PAGE_SQL.format(where=where), [*params, max(0, limit)])]
    except (sqlite3.Error, ValueError, TypeError):
        return None
    finally:
        conn.close()
