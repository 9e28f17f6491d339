"""full-text search index (SQLite FTS5 / PostgreSQL tsvector)

Revision ID: 0002
Revises: 0001

SQLite: an FTS5 table ``release_fts`` (rowid = release id) with prefix indexes for search-as-you-type.
PostgreSQL: ``release_search`` (release id, tsvector document) with a GIN index; queries use ``:*``.
Existing releases are indexed here, so an upgraded catalog is searchable at once. The text is folded
(lower case, no diacritics) the same way ``stardust_tui.store.search.fold`` does, and carries the same
filter facet tokens (label, status, type, year) as ``stardust_tui.store.search.facet_tokens``.
"""

import hashlib
import re
import unicodedata
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2000
FACET = "ʘ"


def _fold(value: str | None) -> str:
    if not value:
        return ""
    return "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c)).lower()


def _facets(label: str | None, status: str | None, release_type: str | None, release_date: object) -> str:
    tokens = []
    key = hashlib.sha1(_fold(" ".join(label.split())).encode("utf-8")).hexdigest()[:12] if label else ""
    if label:
        tokens.append(f"{FACET}l{key}")
    if status:
        tokens.append(FACET + "s" + re.sub(r"\W", "", _fold(status)))
    if release_type:
        tokens.append(FACET + "t" + re.sub(r"\W", "", _fold(release_type)))
    if release_date:
        tokens.append(f"{FACET}y{str(release_date)[:4]}")
        if label:
            tokens.append(f"{FACET}m{key}{str(release_date)[:4]}")
    return " ".join(tokens)


def _documents(conn: sa.engine.Connection) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (release id, fields) for every existing release, a batch at a time."""
    last = 0
    while True:
        rows = conn.execute(sa.text(
            "SELECT r.id, r.title, r.version, r.display_artist, r.upc, r.catalog_number, p.name, "
            "r.status, r.release_type, r.release_date "
            "FROM release r LEFT JOIN party p ON p.id = r.label_id WHERE r.id > :last ORDER BY r.id LIMIT :n"
        ), {"last": last, "n": BATCH}).all()
        if not rows:
            return
        ids = [r[0] for r in rows]
        tracks: dict[int, list[Any]] = {}
        for t in conn.execute(sa.text(
            "SELECT release_id, title, version, isrc, display_artist FROM track "
            "WHERE release_id >= :lo AND release_id <= :hi "
            "ORDER BY release_id, disc_number, track_number"
        ), {"lo": ids[0], "hi": ids[-1]}):
            tracks.setdefault(t[0], []).append(t)
        artists: dict[int, list[str]] = {}
        for a in conn.execute(sa.text(
            "SELECT ra.release_id, p.name FROM release_artist ra JOIN party p ON p.id = ra.party_id "
            "WHERE ra.release_id >= :lo AND ra.release_id <= :hi ORDER BY ra.release_id, ra.sequence"
        ), {"lo": ids[0], "hi": ids[-1]}):
            artists.setdefault(a[0], []).append(a[1])
        for rid, title, version, display_artist, upc, catno, label, status, rtype, rdate in rows:
            tr = tracks.get(rid, [])
            yield rid, {
                "title": _fold(" ".join(x for x in (title, version) if x)),
                "artists": _fold(" ".join(dict.fromkeys(x for x in [
                    display_artist, *artists.get(rid, []), *(t[4] for t in tr if t[4] != display_artist)] if x))),
                "label": _fold(label),
                "codes": " ".join(x for x in (_fold(" ".join(x for x in [upc, *(t[3] for t in tr), catno] if x)),
                                              _facets(label, status, rtype, rdate)) if x),
                "tracks": _fold(" ".join(" ".join(x for x in (t[1], t[2]) if x) for t in tr)),
            }
        last = ids[-1]


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE release_fts USING fts5("
            "title, artists, label, codes, tracks, "
            "tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3 4')"
        )
        insert = sa.text(
            "INSERT INTO release_fts(rowid, title, artists, label, codes, tracks) "
            "VALUES (:id, :title, :artists, :label, :codes, :tracks)"
        )
    else:
        op.execute(
            "CREATE TABLE release_search ("
            "release_id INTEGER PRIMARY KEY REFERENCES release(id) ON DELETE CASCADE, "
            "document TSVECTOR NOT NULL)"
        )
        op.execute("CREATE INDEX ix_release_search_document ON release_search USING GIN (document)")
        insert = sa.text("INSERT INTO release_search(release_id, document) VALUES (:id, to_tsvector('simple', :doc))")
    for rid, fields in _documents(conn):
        if conn.dialect.name == "sqlite":
            conn.execute(insert, {"id": rid, **fields})
        else:
            conn.execute(insert, {"id": rid, "doc": " ".join(fields.values())})


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS release_fts")
    else:
        op.execute("DROP TABLE IF EXISTS release_search")
