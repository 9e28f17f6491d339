"""Bulk creation of new releases from drafts: batched Core inserts in the caller's transaction.

``save_release`` (the catalog store's one way to save) builds ORM objects and queries per release, about
a millisecond each; a million-row import needs microseconds per row. :class:`BulkWriter` writes the same
rows the store would (release, tracks, artists, credits, deals; revision 1 with the canonical snapshot and
content hash; one audit entry per release; the search-index row). The snapshot is the catalog store's own
:func:`~stardust_tui.store.revisions.snapshot_release` of the light views (shaped like the ORM objects),
serialised without re-sorting because it builds its dicts in key order (tests compare JSON and hash); the hash,
near-duplicate key and search document use the store's own functions, so nothing differs from a release
saved by hand. On SQLite new rows get ids max+1.. (the transaction holds the database) and go in with
raw ``executemany``.
Only *new* releases go through here; updates of existing ones use ``save_release``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from types import SimpleNamespace as NS
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Connection

from stardust_tui.domain.models import (
    Asset,
    AuditEntry,
    Credit,
    Deal,
    Party,
    Release,
    ReleaseArtist,
    ReleaseRevision,
    Track,
    TrackArtist,
    utcnow,
)
from stardust_tui.importexport.records import ReleaseDraft
from stardust_tui.importexport.report import ImportReport
from stardust_tui.store import search
from stardust_tui.store.audit_chain import chain_values, mark_unsealed
from stardust_tui.store.duplicates import norm_key
from stardust_tui.store.parties import clean_name
from stardust_tui.store.revisions import snapshot_json_and_hash, snapshot_release
from stardust_tui.store.scope import check_core_labels
from stardust_tui.store.sqltypes import table

_TRACK_COLUMNS = ("id", "release_id", "disc_number", "track_number", "isrc", "title", "version", "display_artist",
                  "duration_seconds", "explicit", "p_line_year", "p_line", "language", "genre",
                  "preview_start_seconds", "audio_asset_id", "parental_advisory")
_RELEASE_COLUMNS = ("upc", "catalog_number", "title", "version", "display_artist", "release_type", "is_compilation",
                    "genre", "subgenre", "p_line_year", "p_line", "c_line_year", "c_line", "release_date",
                    "original_release_date", "parental_advisory", "language", "status")
_RELEASE_PARTS = ("grid", "details")
# track columns whose values are float | None or bool: sqlite3 binds them directly
_TRACK_NATIVE = ("duration_seconds", "explicit", "preview_start_seconds")
R, T, RA, TA, C, D = (table(Release), table(Track), table(ReleaseArtist), table(TrackArtist), table(Credit),
                      table(Deal))
REV, AUD, P, A = table(ReleaseRevision), table(AuditEntry), table(Party), table(Asset)


class TrackView:
    """A track of a :meth:`BulkWriter.view`, shaped like the ORM ``Track`` (slots: built 100k times a second)."""

    __slots__ = ("disc_number", "track_number", "isrc", "title", "version", "display_artist", "duration_seconds",
                 "explicit", "p_line_year", "p_line", "language", "genre", "preview_start_seconds", "audio",
                 "audio_asset_id", "artists", "credits", "parental_advisory", "details", "key", "resource_type")

    def __init__(self, disc_number: int, track_number: int | None, isrc: str | None, title: str,
                 version: str | None, display_artist: str, duration_seconds: float | None, explicit: bool,
                 p_line_year: int | None, p_line: str | None, language: str | None, genre: str | None,
                 preview_start_seconds: float | None, audio: Any, audio_asset_id: int | None, artists: list[NS],
                 credits: list[NS], parental_advisory: str | None = None, details: dict | None = None) -> None:
        self.disc_number = disc_number
        self.track_number = track_number
        self.isrc = isrc
        self.title = title
        self.version = version
        self.display_artist = display_artist
        self.duration_seconds = duration_seconds
        self.explicit = explicit
        self.p_line_year = p_line_year
        self.p_line = p_line
        self.language = language
        self.genre = genre
        self.preview_start_seconds = preview_start_seconds
        self.audio = audio
        self.audio_asset_id = audio_asset_id
        self.artists = artists
        self.credits = credits
        self.parental_advisory = parental_advisory  # None: from ``explicit``; set for a clean (edited) track
        self.details = details  # DDEX parts without a column (issue 18), from a re-imported export
        self.key = self.resource_type = None  # read by the store's snapshot (a missing slot would raise inside getattr)


class PartyCache:
    """Party ids by (kind, lower-cased name); a kind is loaded in one query the first time it is needed.

    Same matching as the store's ``get_or_create_party`` (case-insensitive name within a kind, the
    oldest party wins); an ISNI given for a party that has none is filled in.
    """

    def __init__(self, conn: Connection, writer: BulkWriter | None = None) -> None:
        self.conn = conn
        self.writer = writer
        self.ids: dict[tuple[str, str], int] = {}
        self.names: dict[int, tuple[str, str | None]] = {}
        self.loaded: set[str] = set()

    def reset(self) -> None:
        """Forget everything (after a rolled-back savepoint or parties created elsewhere)."""
        self.ids.clear()
        self.names.clear()
        self.loaded.clear()

    def _load(self, kind: str) -> None:
        if kind not in self.loaded:
            self.loaded.add(kind)
            rows = self.conn.execute(select(P.c.id, P.c.name, P.c.isni).where(P.c.kind == kind)
                                     .order_by(P.c.id.desc()))
            for rid, rname, risni in rows:
                self.ids[(kind, rname.lower())] = rid
                self.names[rid] = (rname, risni)

    def lookup(self, name: str, kind: str) -> tuple[str, str | None]:
        """(stored name, stored ISNI) of a party, or (cleaned name, None) for one not created yet."""
        name = clean_name(name)
        self._load(kind)
        pid = self.ids.get((kind, name.lower()))
        return self.names[pid] if pid is not None else (name, None)

    def ensure(self, wanted: list[tuple[str, str, str | None]]) -> None:
        """Create the missing parties of a batch with one multi-row insert."""
        new: dict[tuple[str, str], tuple[str, str, str | None]] = {}
        for name, kind, isni in wanted:
            self._load(kind)
            name = clean_name(name)
            key = (kind, name.lower())
            if key not in self.ids and key not in new:
                new[key] = (name, kind, isni)
        if not new:
            return
        now = utcnow()
        if self.writer is not None and self.writer.sqlite:  # explicit ids: one executemany, no RETURNING
            ids = self.writer.new_ids(P, len(new))
            self.writer.insert(P, ("id", "name", "kind", "isni", "created_at"),
                               [(pid, n, k, i, now) for pid, (n, k, i) in zip(ids, new.values(), strict=True)])
        else:
            rows = [{"name": n, "kind": k, "isni": i, "created_at": now} for n, k, i in new.values()]
            stmt = insert(P).returning(P.c.id, sort_by_parameter_order=True)
            ids = [row[0] for row in self.conn.execute(stmt, rows)]
        for (key, (name, _k, isni)), pid in zip(new.items(), ids, strict=True):
            self.ids[key] = pid
            self.names[pid] = (name, isni)

    def get(self, name: str, kind: str, isni: str | None = None) -> tuple[int, str]:
        """(id, stored name) of the party, created when missing."""
        name = clean_name(name)
        key = (kind, name.lower())
        pid = self.ids.get(key)
        if pid is None:
            self._load(kind)
            pid = self.ids.get(key)
            if pid is None:
                pid = self.conn.execute(insert(P).values(name=name, kind=kind, isni=isni, created_at=utcnow())
                                        .returning(P.c.id)).scalar_one()
                self.ids[key] = pid
                self.names[pid] = (name, isni)
        stored, stored_isni = self.names[pid]
        if isni and not stored_isni:
            self.conn.execute(P.update().where(P.c.id == pid).values(isni=isni))
            self.names[pid] = (stored, isni)
        return pid, stored


class BulkWriter:
    """Insert new releases in batches; call :meth:`write` with a list of checked drafts."""

    def __init__(self, conn: Connection, *, actor: str, report: ImportReport, action: str = "import") -> None:
        self.conn = conn
        self.actor = actor
        self.action = action
        self.report = report
        self.parties = PartyCache(conn, self)
        self.sqlite = conn.dialect.name == "sqlite"
        self.assets: dict[str, int | None] = {}
        self._links: dict[tuple, NS] = {}
        self._lists: dict[tuple, list[NS]] = {}
        self._last_list: tuple[Any, str, list[NS]] = (None, "", [])  # (entries object, kind, links)
        self._prepared: dict[tuple[str, tuple[str, ...], tuple[str, ...]], tuple[str, list[tuple[int, Any]]]] = {}

    def rebind(self, conn: Connection) -> None:
        """Continue on another connection (after a per-batch commit); committed ids stay valid."""
        self.conn = conn
        self.parties.conn = conn

    def reset(self) -> None:
        """Forget cached parties and links (after a rolled-back savepoint or an ORM update)."""
        self.parties.reset()
        self._links.clear()
        self._lists.clear()
        self._last_list = (None, "", [])

    def prefetch_assets(self, drafts: Sequence[ReleaseDraft]) -> None:
        """Look up the asset ids of a batch's cover and audio hashes in one query."""
        wanted = {d.cover_sha256 for d in drafts if d.cover_sha256}
        wanted |= {t.audio_sha256 for d in drafts for t in d.tracks if t.audio_sha256}
        wanted -= set(self.assets)
        if wanted:
            found: dict[str, int] = dict(self.conn.execute(
                select(A.c.sha256, A.c.id).where(A.c.sha256.in_(sorted(wanted)))).all())
            for sha in wanted:
                self.assets[sha] = found.get(sha)

    def _asset(self, sha: str | None, draft: ReleaseDraft, line: int, column: str) -> tuple[int | None, Any]:
        if not sha:
            return None, None
        aid = self.assets.get(sha)
        if aid is None:
            self.report.warning(f"asset {sha[:12]}… is not in the asset store; left unlinked", file=draft.file,
                                line=line, column=column, release=draft.label_text)
            return None, None
        return aid, NS(sha256=sha)

    def view(self, d: ReleaseDraft) -> NS:
        """The release as light objects shaped like the ORM ones (for the store's snapshot and search)."""
        title = " ".join(d.title.split())
        fields = dict(upc=d.upc, catalog_number=d.catalog_number, title=title, version=d.version,
                      display_artist=d.display_artist, release_type=d.release_type,
                      is_compilation=d.is_compilation, genre=d.genre,
                      subgenre=d.subgenre, p_line_year=d.p_line_year, p_line=d.p_line,
                      c_line_year=d.c_line_year, c_line=d.c_line, release_date=d.release_date,
                      original_release_date=d.original_release_date, parental_advisory=d.parental_advisory,
                      language=d.language, status=d.status, grid=d.grid, details=d.details or {})
        view = NS(**fields, draft=d)
        view.label = NS(name=self.parties.lookup(d.label, "label")[0]) if d.label else None
        view.cover_asset_id, view.cover = self._asset(d.cover_sha256, d, d.line, "cover_sha256")
        view.artists = [self._link(a, i, "artist") for i, a in enumerate(d.artists, 1)]
        view.credits = [self._link(c, i, "contributor") for i, c in enumerate(d.credits, 1)]
        view.deals = [NS(**{k: getattr(x, k) for k in ("territories", "excluded_territories", "commercial_models",
                                                      "use_types", "start", "end", "price_tier",
                                                      "applies_to_tracks", "is_preorder", "instant_gratification")},
                         applies_to_release=True, track_scope=None) for x in d.deals]
        view.resources = []
        view.tracks = []
        links = self._link_list
        for t in d.tracks:
            audio_id, audio = self._asset(t.audio_sha256, d, t.line, "audio_sha256") if t.audio_sha256 else (None, None)
            view.tracks.append(TrackView(
                t.disc_number, t.track_number, t.isrc, t.title, t.version, t.display_artist or d.display_artist,
                t.duration_seconds, t.explicit, t.p_line_year, t.p_line, t.language, t.genre,
                t.preview_start_seconds, audio, audio_id, links(t.artists, "artist"),
                links(t.credits, "contributor") if t.credits else [], "edited" if t.clean else None, t.details))
        return view

    def write(self, views: Sequence[NS]) -> list[int]:
        """Insert releases (all new, all valid) from :meth:`view` objects; returns their ids in order."""
        if not views:
            return []
        check_core_labels(self.conn, [v.label.name if v.label else None for v in views])  # issue 15: label scope
        now = utcnow()
        self._ensure_parties(views)
        # GRid and DDEX details (a re-imported export of issue 18's parts) only when the batch has some
        columns = _RELEASE_COLUMNS + (_RELEASE_PARTS if any(v.grid or v.details for v in views) else ())
        if self.sqlite:  # the transaction holds the write lock: ids max+1.. as SQLite itself would give
            ids = self.new_ids(R, len(views))
            get = self.parties.get
            self.insert(R, ("id", *columns, "label_id", "cover_asset_id", "norm_key", "revision",
                            "created_at", "updated_at"),
                        [(rid, *[getattr(v, k) for k in columns], get(v.label.name, "label")[0] if v.label
                          else None, v.cover_asset_id, norm_key(v.title, v.display_artist), 1, now, now)
                         for rid, v in zip(ids, views, strict=True)])
        else:
            rel_rows: list[dict[str, Any]] = []
            for v in views:
                label_id = self.parties.get(v.label.name, "label")[0] if v.label else None
                row = {k: getattr(v, k) for k in columns}
                row.update(label_id=label_id, cover_asset_id=v.cover_asset_id,
                           norm_key=norm_key(v.title, v.display_artist), revision=1, created_at=now, updated_at=now)
                rel_rows.append(row)
            ids = self._insert_returning(R, rel_rows)
        self._children(ids, list(views), now)
        return ids

    def _ensure_parties(self, views: Sequence[NS]) -> None:
        """Create every party the batch needs that does not exist yet, in one multi-row insert."""
        wanted: list[tuple[str, str, str | None]] = []
        for v in views:
            if v.label:
                wanted.append((v.label.name, "label", None))
            links = list(v.artists) + list(v.credits)
            for t in v.tracks:
                links += t.artists
                links += t.credits
            wanted += [(x.party.name, x.kind, x.party.isni) for x in links]
        self.parties.ensure(wanted)

    def _link_list(self, entries: list[tuple], kind: str) -> list[NS]:
        """The links of a track's artists or credits; the list itself is shared by tracks with the same
        entries (only read: snapshot, search document, rows)."""
        last = self._last_list
        if last[0] is entries and last[1] == kind:  # the tracks of a release share their artist list
            return last[2]
        key = (tuple(entries), kind)
        found = self._lists.get(key)
        if found is None:
            if len(self._lists) > 100_000:  # a catalog of ever-new artists: keep the caches bounded
                self._lists.clear()
                self._links.clear()
            found = self._lists[key] = [self._link(e, i, kind) for i, e in enumerate(entries, 1)]
        self._last_list = (entries, kind, found)
        return found

    def _link(self, entry: tuple, seq: int, kind: str) -> NS:
        """An artist link or credit from a draft tuple (name, role[, isni[, instrument]]); shared between
        tracks (they are only read), so a million tracks by one artist make one object."""
        key = (entry, seq, kind)
        link = self._links.get(key)
        if link is None:
            link = self._links[key] = self._new_link(entry, seq, kind)
        return link

    def _new_link(self, entry: tuple, seq: int, kind: str) -> NS:
        name, role = entry[0], entry[1]
        isni = entry[2] if len(entry) > 2 else None
        instrument = entry[3] if len(entry) > 3 else None
        stored, stored_isni = self.parties.lookup(name, kind)
        isni = stored_isni or isni
        return NS(party=NS(name=stored, isni=isni), kind=kind, role=role, instrument=instrument,
                  sequence=seq, track_id=None)

    def _pid(self, link: NS) -> int:
        return self.parties.get(link.party.name, link.kind, link.party.isni)[0]

    def _insert_returning(self, table: Any, rows: list[dict[str, Any]]) -> list[int]:
        if not rows:
            return []
        stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return [r[0] for r in self.conn.execute(stmt, rows)]

    def insert(self, table: Any, columns: tuple[str, ...], rows: list[tuple], *, raw_json: tuple[str, ...] = (),
               native: tuple[str, ...] = ()) -> None:
        """Multi-row insert. SQLite: straight to the driver with the columns' own bind processors (a
        tenth of the cost per row); other databases: through SQLAlchemy. ``raw_json`` columns hold
        already-serialised JSON text on SQLite; ``native`` columns hold values sqlite3 binds as they are
        (float/bool/None in REAL/BOOLEAN columns: the processors' float()/int() would store the same)."""
        if not rows:
            return
        if not self.sqlite:
            idx = {c: i for i, c in enumerate(columns)}
            js = [idx[c] for c in raw_json]
            dicts = []
            for row in rows:
                d = dict(zip(columns, row, strict=True))
                for i in js:
                    d[columns[i]] = json.loads(row[i]) if isinstance(row[i], str) else row[i]
                dicts.append(d)
            self.conn.execute(insert(table), dicts)
            return
        key = (table.name, columns, native)
        prepared = self._prepared.get(key)
        if prepared is None:
            processors = [None if c in raw_json or c in native
                          else table.c[c].type._cached_bind_processor(self.conn.dialect) for c in columns]
            sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            prepared = self._prepared[key] = (sql, [(i, p) for i, p in enumerate(processors) if p is not None])
        sql, procs = prepared
        if procs:
            out = []
            last: dict[int, tuple[Any, Any]] = {}  # column -> (last value, bound): `now` repeats on every row
            for row in rows:
                r = list(row)
                for i, proc in procs:
                    value = r[i]
                    seen = last.get(i)
                    if seen is not None and seen[0] is value:
                        r[i] = seen[1]
                    else:
                        r[i] = bound = proc(value)
                        last[i] = (value, bound)
                out.append(r)
            rows = out  # type: ignore[assignment]
        self.conn.connection.driver_connection.executemany(sql, rows)  # type: ignore[union-attr]

    def new_ids(self, table: Any, n: int) -> list[int]:
        """SQLite: ids for ``n`` new rows of ``table`` (no AUTOINCREMENT: max(id)+1.. is what SQLite would
        assign). Safe inside the run's transaction: another writer committing after our read would make our
        insert fail (WAL: stale snapshot; rollback journal: our shared lock blocks its commit), never collide."""
        base = self.conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
        return list(range(base + 1, base + 1 + n))

    def _track_ids(self, n: int) -> list[int]:
        """Ids for ``n`` new tracks. SQLite: the transaction already holds the write lock (the releases
        were inserted), so max(id)+1.. cannot be taken by anyone else; elsewhere: the sequence."""
        if self.sqlite:
            return self.new_ids(T, n)
        rows = self.conn.execute(text("SELECT nextval(pg_get_serial_sequence('track', 'id')) "
                                      "FROM generate_series(1, :n)"), {"n": n})
        return [r[0] for r in rows]

    def _children(self, ids: list[int], views: list[NS], now: Any) -> None:
        track_rows: list[tuple] = []
        ra_rows: list[tuple] = []
        ta_rows: list[tuple] = []
        credit_rows: list[tuple] = []
        deal_rows: list[tuple] = []
        n_tracks = sum(len(v.tracks) for v in views)
        track_ids = iter(self._track_ids(n_tracks)) if n_tracks else iter(())
        pids: dict[int, int] = {}  # id(link) -> party id, for this call (links are shared between tracks)

        def pid(link: NS) -> int:
            found = pids.get(id(link))
            if found is None:
                found = pids[id(link)] = self._pid(link)
            return found
        for rid, view in zip(ids, views, strict=True):
            view.id = rid
            for a in view.artists:
                ra_rows.append((rid, pid(a), a.role, a.sequence))
            for c in view.credits:
                credit_rows.append((rid, None, pid(c), c.role, c.instrument, c.sequence))
            for x in view.deals:
                deal_rows.append((rid, x.territories, x.excluded_territories, x.commercial_models, x.use_types,
                                  x.start, x.end, x.price_tier, x.applies_to_tracks, x.is_preorder,
                                  x.instant_gratification))
            for t in view.tracks:
                tid = next(track_ids)
                track_rows.append((tid, rid, t.disc_number, t.track_number, t.isrc, t.title, t.version,
                                   t.display_artist, t.duration_seconds, t.explicit, t.p_line_year, t.p_line,
                                   t.language, t.genre, t.preview_start_seconds, t.audio_asset_id,
                                   t.parental_advisory))
                for a in t.artists:
                    ta_rows.append((tid, pid(a), a.role, a.sequence))
                for c in t.credits:
                    credit_rows.append((rid, tid, pid(c), c.role, c.instrument, c.sequence))
        if any(t.details for v in views for t in v.tracks):
            details = [t.details or {} for v in views for t in v.tracks]
            rows = [(*row, d) for row, d in zip(track_rows, details, strict=True)]
            self.insert(T, (*_TRACK_COLUMNS, "details"), rows, native=_TRACK_NATIVE)
        else:
            self.insert(T, _TRACK_COLUMNS, track_rows, native=_TRACK_NATIVE)
        self.insert(RA, ("release_id", "party_id", "role", "sequence"), ra_rows)
        self.insert(TA, ("track_id", "party_id", "role", "sequence"), ta_rows)
        self.insert(C, ("release_id", "track_id", "party_id", "role", "instrument", "sequence"), credit_rows)
        self.insert(D, ("release_id", "territories", "excluded_territories", "commercial_models", "use_types",
                         "start", "end", "price_tier", "applies_to_tracks", "is_preorder", "instant_gratification"),
                    deal_rows)
        self._revisions(views, now)

    def _revisions(self, views: list[NS], now: Any) -> None:
        rev_rows, audit_rows, fts_rows = [], [], []
        note = f"revision 1 {self.action}: created"
        for view in views:
            stored, digest = snapshot_json_and_hash(snapshot_release(view), presorted=True)  # type: ignore[arg-type]
            rev_rows.append((view.id, 1, now, self.actor, stored, digest))
            audit_rows.append((now, self.actor, self.action, "release", str(view.id), None, stored, note))
            fields = search.document_fields(view)  # type: ignore[arg-type]
            fts_rows.append({"id": view.id, **fields} if self.sqlite
                            else {"id": view.id, "doc": " ".join(fields.values())})
        self.insert(REV, ("release_id", "number", "created_at", "actor", "snapshot", "content_hash"), rev_rows,
                     raw_json=("snapshot",))
        columns = ("at", "actor", "action", "entity", "entity_id", "before", "after", "note")
        if self.sqlite:  # issue 15: the transaction holds the database, so the rows go in sealed into the chain
            as_stored = [(*row[:5], "null", *row[6:]) for row in audit_rows]  # before: None is stored as JSON null
            sealed = [(*row, *link) for row, link in zip(audit_rows, chain_values(self.conn, as_stored), strict=True)]
            self.insert(AUD, (*columns, "seq", "prev_hash", "hash"), sealed, raw_json=("after",))
        else:  # the rows join the chain when the import commits (under the chain's lock, held briefly)
            self.insert(AUD, columns, audit_rows, raw_json=("after",))
            mark_unsealed(self.conn)
        if self.sqlite:  # the index's columns are the keys of the store's document_fields
            cols = [k for k in fts_rows[0] if k != "id"]
            self.conn.connection.driver_connection.executemany(  # type: ignore[union-attr]
                f"INSERT INTO {search.FTS_TABLE}(rowid, {', '.join(cols)}) "
                f"VALUES (:id, {', '.join(':' + c for c in cols)})", fts_rows)
        else:
            self.conn.execute(text(f"INSERT INTO {search.PG_TABLE}(release_id, document) "
                                   "VALUES (:id, to_tsvector('simple', :doc))"), fts_rows)


