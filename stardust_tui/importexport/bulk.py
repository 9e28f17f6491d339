"""Bulk creation of new releases from drafts: batched Core inserts in the caller's transaction.

``save_release`` (the catalog store's one way to save) builds ORM objects and queries per release, about
a millisecond each; a million-row import needs microseconds per row. :class:`BulkWriter` writes the same
rows the store would (release, tracks, artists, credits, deals; revision 1 with the canonical snapshot and
content hash; one audit entry per release; the search-index row) using the store's own functions for the
snapshot (:func:`~stardust_tui.store.revisions.snapshot_release` on light objects), the hash, the
near-duplicate key and the search document, so nothing differs from a release saved by hand.
Only *new* releases go through here; updates of existing ones use ``save_release``.
"""

from __future__ import annotations

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
from stardust_tui.store.duplicates import norm_key
from stardust_tui.store.parties import clean_name
from stardust_tui.store.revisions import hash_snapshot, snapshot_release

_RELEASE_COLUMNS = ("upc", "catalog_number", "title", "version", "display_artist", "release_type", "genre",
                   "subgenre", "p_line_year", "p_line", "c_line_year", "c_line", "release_date",
                   "original_release_date", "parental_advisory", "language", "status")
R, T, RA, TA, C, D = (Release.__table__, Track.__table__, ReleaseArtist.__table__, TrackArtist.__table__,
                      Credit.__table__, Deal.__table__)  # type: ignore[attr-defined]
REV, AUD, P, A = (ReleaseRevision.__table__, AuditEntry.__table__, Party.__table__,  # type: ignore[attr-defined]
                  Asset.__table__)  # type: ignore[attr-defined]


class PartyCache:
    """Party ids by (kind, lower-cased name); a kind is loaded in one query the first time it is needed.

    Same matching as the store's ``get_or_create_party`` (case-insensitive name within a kind, the
    oldest party wins); an ISNI given for a party that has none is filled in.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
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
        self.parties = PartyCache(conn)
        self.sqlite = conn.dialect.name == "sqlite"
        self.assets: dict[str, int | None] = {}

    def prefetch_assets(self, drafts: Sequence[ReleaseDraft]) -> None:
        """Look up the asset ids of a batch's cover and audio hashes in one query."""
        wanted = {d.cover_sha256 for d in drafts if d.cover_sha256}
        wanted |= {t.audio_sha256 for d in drafts for t in d.tracks if t.audio_sha256}
        wanted -= set(self.assets)
        if wanted:
            found = dict(self.conn.execute(select(A.c.sha256, A.c.id).where(A.c.sha256.in_(sorted(wanted)))).all())
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
                      display_artist=d.display_artist, release_type=d.release_type, genre=d.genre,
                      subgenre=d.subgenre, p_line_year=d.p_line_year, p_line=d.p_line,
                      c_line_year=d.c_line_year, c_line=d.c_line, release_date=d.release_date,
                      original_release_date=d.original_release_date, parental_advisory=d.parental_advisory,
                      language=d.language, status=d.status)
        view = NS(**fields, draft=d)
        view.label = NS(name=self.parties.lookup(d.label, "label")[0]) if d.label else None
        view.cover_asset_id, view.cover = self._asset(d.cover_sha256, d, d.line, "cover_sha256")
        view.artists = [self._link(a, i, "artist") for i, a in enumerate(d.artists, 1)]
        view.credits = [self._link(c, i, "contributor") for i, c in enumerate(d.credits, 1)]
        view.deals = [NS(**{k: getattr(x, k) for k in ("territories", "excluded_territories", "commercial_models",
                                                      "use_types", "start", "end", "price_tier",
                                                      "applies_to_tracks")}) for x in d.deals]
        view.tracks = []
        for t in d.tracks:
            audio_id, audio = self._asset(t.audio_sha256, d, t.line, "audio_sha256")
            tv = NS(disc_number=t.disc_number, track_number=t.track_number, isrc=t.isrc, title=t.title,
                    version=t.version, display_artist=t.display_artist or d.display_artist,
                    duration_seconds=t.duration_seconds, explicit=t.explicit, p_line_year=t.p_line_year,
                    p_line=t.p_line, language=t.language, genre=t.genre,
                    preview_start_seconds=t.preview_start_seconds, audio=audio, audio_asset_id=audio_id)
            tv.artists = [self._link(a, i, "artist") for i, a in enumerate(t.artists, 1)]
            tv.credits = [self._link(c, i, "contributor") for i, c in enumerate(t.credits, 1)]
            view.tracks.append(tv)
        return view

    def write(self, views: Sequence[NS]) -> list[int]:
        """Insert releases (all new, all valid) from :meth:`view` objects; returns their ids in order."""
        if not views:
            return []
        now = utcnow()
        rel_rows: list[dict[str, Any]] = []
        for v in views:
            label_id = self.parties.get(v.label.name, "label")[0] if v.label else None
            row = {k: getattr(v, k) for k in _RELEASE_COLUMNS}
            row.update(label_id=label_id, cover_asset_id=v.cover_asset_id, norm_key=norm_key(v.title, v.display_artist),
                       revision=1, created_at=now, updated_at=now)
            rel_rows.append(row)
        ids = self._insert_returning(R, rel_rows)
        self._children(ids, list(views), now)
        return ids

    def _link(self, entry: tuple, seq: int, kind: str) -> NS:
        """An artist link or credit from a draft tuple (name, role[, isni[, instrument]])."""
        name, role = entry[0], entry[1]
        isni = entry[2] if len(entry) > 2 else None
        instrument = entry[3] if len(entry) > 3 else None
        stored, stored_isni = self.parties.lookup(name, kind)
        return NS(party=NS(name=stored, isni=stored_isni or isni), kind=kind, role=role, instrument=instrument,
                  sequence=seq, track_id=None)

    def _pid(self, link: NS) -> int:
        return self.parties.get(link.party.name, link.kind, link.party.isni)[0]

    def _insert_returning(self, table: Any, rows: list[dict[str, Any]]) -> list[int]:
        if not rows:
            return []
        stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return [r[0] for r in self.conn.execute(stmt, rows)]

    def _children(self, ids: list[int], views: list[NS], now: Any) -> None:
        track_rows, ra_rows, credit_rows, deal_rows = [], [], [], []
        track_views: list[tuple[int, NS]] = []
        for rid, view in zip(ids, views, strict=True):
            view.id = rid
            for a in view.artists:
                ra_rows.append(dict(release_id=rid, party_id=self._pid(a), role=a.role, sequence=a.sequence))
            for c in view.credits:
                credit_rows.append(dict(release_id=rid, track_id=None, party_id=self._pid(c), role=c.role,
                                        instrument=c.instrument, sequence=c.sequence))
            for x in view.deals:
                deal_rows.append(dict(release_id=rid, territories=x.territories,
                                      excluded_territories=x.excluded_territories,
                                      commercial_models=x.commercial_models, use_types=x.use_types, start=x.start,
                                      end=x.end, price_tier=x.price_tier, applies_to_tracks=x.applies_to_tracks))
            for t in view.tracks:
                track_rows.append(dict(release_id=rid, disc_number=t.disc_number, track_number=t.track_number,
                                       isrc=t.isrc, title=t.title, version=t.version, display_artist=t.display_artist,
                                       duration_seconds=t.duration_seconds, explicit=t.explicit,
                                       p_line_year=t.p_line_year, p_line=t.p_line, language=t.language,
                                       genre=t.genre, preview_start_seconds=t.preview_start_seconds,
                                       audio_asset_id=t.audio_asset_id))
                track_views.append((rid, t))
        track_ids = self._insert_returning(T, track_rows)
        ta_rows = []
        for tid, (rid, t) in zip(track_ids, track_views, strict=True):
            for a in t.artists:
                ta_rows.append(dict(track_id=tid, party_id=self._pid(a), role=a.role, sequence=a.sequence))
            for c in t.credits:
                c.track_id = tid
                credit_rows.append(dict(release_id=rid, track_id=tid, party_id=self._pid(c), role=c.role,
                                        instrument=c.instrument, sequence=c.sequence))
        for table, rows in ((RA, ra_rows), (TA, ta_rows), (C, credit_rows), (D, deal_rows)):
            if rows:
                self.conn.execute(insert(table), rows)
        self._revisions(views, now)

    def _revisions(self, views: list[NS], now: Any) -> None:
        rev_rows, audit_rows, fts_rows = [], [], []
        for view in views:
            snap = snapshot_release(view)  # type: ignore[arg-type]
            rev_rows.append(dict(release_id=view.id, number=1, created_at=now, actor=self.actor, snapshot=snap,
                                 content_hash=hash_snapshot(snap)))
            audit_rows.append(dict(at=now, actor=self.actor, action=self.action, entity="release",
                                   entity_id=str(view.id), before=None, after=snap,
                                   note=f"revision 1 {self.action}: created"))
            fields = search.document_fields(view)  # type: ignore[arg-type]
            fts_rows.append({"id": view.id, **fields} if self.sqlite
                            else {"id": view.id, "doc": " ".join(fields.values())})
        self.conn.execute(insert(REV), rev_rows)
        self.conn.execute(insert(AUD), audit_rows)
        if self.sqlite:
            self.conn.execute(text(f"INSERT INTO {search.FTS_TABLE}(rowid, title, artists, label, codes, tracks) "
                                   "VALUES (:id, :title, :artists, :label, :codes, :tracks)"), fts_rows)
        else:
            self.conn.execute(text(f"INSERT INTO {search.PG_TABLE}(release_id, document) "
                                   "VALUES (:id, to_tsvector('simple', :doc))"), fts_rows)


def count_rows(conn: Connection, table: Any) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())
