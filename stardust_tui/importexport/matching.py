"""Match import drafts against the catalog: existing releases by UPC, track ISRCs against other releases.

:meth:`Matcher.classify` takes a batch of valid drafts and returns the light views of the ones to create.
Existing releases are counted ``unchanged`` (same content hash as their latest revision), reported as a
duplicate and skipped, or — with ``update`` — changed through the store's ``save_release`` (tracks matched
by ISRC, then by disc/track position). Two queries per batch, whatever its size.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from types import SimpleNamespace as NS
from typing import Any, cast

from sqlalchemy import select
from sqlmodel import Session, col

from stardust_tui.domain.enums import PartyKind
from stardust_tui.domain.models import Credit, Deal, Release, ReleaseArtist, ReleaseRevision, Track, TrackArtist
from stardust_tui.errors import StardustError
from stardust_tui.importexport.bulk import BulkWriter
from stardust_tui.importexport.records import ReleaseDraft, TrackDraft
from stardust_tui.importexport.report import ImportReport, Issue
from stardust_tui.store.duplicates import _same_recording
from stardust_tui.store.parties import get_or_create_party
from stardust_tui.store.releases import load_release, save_release, upc_candidates
from stardust_tui.store.revisions import hash_snapshot, snapshot_release

_COPY = ("catalog_number", "version", "display_artist", "release_type", "is_compilation", "genre", "subgenre",
         "p_line_year",
         "p_line", "c_line_year", "c_line", "release_date", "original_release_date", "parental_advisory", "language")
_TRACK_COPY = ("disc_number", "track_number", "isrc", "title", "version", "display_artist", "duration_seconds",
               "explicit", "p_line_year", "p_line", "language", "genre", "preview_start_seconds", "parental_advisory")


class Matcher:
    def __init__(self, session: Session, writer: BulkWriter, report: ImportReport, *, actor: str,
                 update: bool) -> None:
        self.session = session
        self.writer = writer
        self.report = report
        self.actor = actor
        self.update = update

    def _issue(self, severity: str, d: ReleaseDraft, message: str, line: int | None = None,
               column: str | None = None) -> None:
        issue = Issue(severity, message, d.file, line or d.line, column, d.label_text)
        self.report.add(issue)
        if severity == "error":
            d.errors.append(issue)

    def classify(self, drafts: list[ReleaseDraft]) -> list[NS]:
        conn = self.session.connection()
        forms: dict[str, ReleaseDraft] = {}
        for d in drafts:
            for form in upc_candidates(d.upc) if d.upc else ():
                forms[form] = d
        existing: dict[int, tuple[int, str, str | None]] = {}  # id(draft) -> (release id, upc, latest hash)
        if forms:  # the latest revision is number == release.revision (save_release keeps them equal)
            # stored releases (their id is set) found by UPC (so it is set); a release may lack a revision
            rows = cast("Iterable[tuple[int, str, str | None]]", conn.execute(
                select(col(Release.id), col(Release.upc), col(ReleaseRevision.content_hash))
                .outerjoin(ReleaseRevision, (col(ReleaseRevision.release_id) == col(Release.id))
                           & (col(ReleaseRevision.number) == col(Release.revision)))
                .where(col(Release.upc).in_(sorted(forms)))))
            for rid, upc, stored in rows:
                existing[id(forms[upc])] = (rid, upc, stored)
        new_views: list[NS] = []
        new_drafts: list[tuple[ReleaseDraft, NS]] = []
        for d in drafts:
            view = self.writer.view(d)
            if id(d) in existing:
                self._existing(d, view, *existing[id(d)])
            else:
                new_drafts.append((d, view))
        self._check_isrcs(new_drafts)
        for d, view in new_drafts:
            if d.errors:
                self.report.skipped += 1
            else:
                new_views.append(view)
        return new_views

    def _existing(self, d: ReleaseDraft, view: NS, release_id: int, upc: str, stored: str | None) -> None:
        snap = snapshot_release(view)  # type: ignore[arg-type]
        if stored and stored == hash_snapshot(snap):
            self.report.unchanged += 1
            return
        if not self.update:
            self.report.duplicates += 1
            self._issue("warning", d, f"release with UPC {upc} already exists (id {release_id}) with different "
                        "content; skipped (use --update to update it)", column="upc")
            self.report.skipped += 1
            return
        try:
            with self.session.begin_nested():
                release = load_release(self.session, release_id)
                _apply(self.session, release, d, view, self.report)
                save_release(self.session, release, actor=self.actor, action="import-update")
        except StardustError as exc:
            self._issue("error", d, exc.message if not exc.where else f"{exc.where}: {exc.message}")
            self.report.skipped += 1
            return
        finally:
            self.writer.reset()
        self.report.updated += 1
        if len(self.report.release_ids) < 1000:
            self.report.release_ids.append(release_id)

    def _check_isrcs(self, pairs: list[tuple[ReleaseDraft, NS]]) -> None:
        by_isrc: dict[str, tuple[ReleaseDraft, TrackDraft, NS]] = {}
        for d, view in pairs:
            for t, tv in zip(d.tracks, view.tracks, strict=True):
                if not t.isrc:
                    continue
                seen = by_isrc.get(t.isrc)
                if seen is not None:
                    self._compare(d, t, tv, seen[2], f"release {seen[0].label_text} (line {seen[1].line})")
                else:
                    by_isrc[t.isrc] = (d, t, tv)
        if not by_isrc:
            return
        for isrc, rid, title, artist, duration, sha in self._tracks_with_isrcs(sorted(by_isrc)):
            d, t, tv = by_isrc[isrc]
            other = NS(title=title, display_artist=artist, duration_seconds=duration,
                       audio=NS(sha256=sha) if sha else None)
            self._compare(d, t, tv, other, f"release {rid}")

    def _tracks_with_isrcs(self, isrcs: list[str]) -> list[tuple]:
        """(isrc, release id, title, display artist, duration, audio sha256) of stored tracks with these ISRCs.
        SQLite: the list goes in as one JSON parameter (compiling an IN of thousands of binds costs more
        than the query)."""
        conn = self.session.connection()
        if conn.dialect.name == "sqlite":
            raw = conn.connection.driver_connection
            return raw.execute(  # type: ignore[union-attr]
                "SELECT track.isrc, track.release_id, track.title, track.display_artist, track.duration_seconds, "
                "asset.sha256 FROM track LEFT OUTER JOIN asset ON asset.id = track.audio_asset_id "
                "WHERE track.isrc IN (SELECT value FROM json_each(?))", (json.dumps(isrcs),)).fetchall()
        from stardust_tui.domain.models import Asset

        stmt = (select(col(Track.isrc), col(Track.release_id), col(Track.title), col(Track.display_artist),
                       col(Track.duration_seconds), col(Asset.sha256))
                .outerjoin(Asset, col(Asset.id) == col(Track.audio_asset_id))
                .where(col(Track.isrc).in_(isrcs)))
        return list(conn.execute(stmt))

    def _compare(self, d: ReleaseDraft, t: TrackDraft, tv: NS, other: Any, where: str) -> None:
        if _same_recording(tv, other):  # type: ignore[arg-type]
            self.report.duplicates += 1
            self._issue("warning", d, f"ISRC {t.isrc} is already used on {where} (same recording: reused)",
                        t.line, "isrc")
        else:
            self._issue("error", d, f"ISRC {t.isrc} already identifies a different recording on {where} "
                        f"({other.title!r} by {other.display_artist!r})", t.line, "isrc")


def _apply(session: Session, release: Release, d: ReleaseDraft, view: NS, report: ImportReport) -> None:
    """Copy a draft onto a stored release (the store's save_release then records the revision)."""
    release.title = view.title
    for name in _COPY:
        setattr(release, name, getattr(view, name))
    if view.grid or view.details:
        release.grid, release.details = view.grid, view.details
    release.label = get_or_create_party(session, d.label, PartyKind.LABEL) if d.label else None
    if view.cover_asset_id is not None:
        release.cover_asset_id = view.cover_asset_id
    release.artists = [ReleaseArtist(party=get_or_create_party(session, a.party.name), role=a.role,
                                     sequence=a.sequence) for a in view.artists]
    if d.deals:
        release.deals = [Deal(**{k: getattr(x, k) for k in vars(x)}) for x in view.deals]
    by_isrc = {t.isrc: t for t in release.tracks if t.isrc}
    by_pos = {(t.disc_number, t.track_number): t for t in release.tracks}
    kept: set[int] = set()
    for tv in view.tracks:
        track = by_isrc.get(tv.isrc) if tv.isrc else None
        track = track or by_pos.get((tv.disc_number, tv.track_number))
        if track is None or id(track) in kept:
            track = Track(title=tv.title)
            release.tracks.append(track)
        kept.add(id(track))
        for name in _TRACK_COPY:
            setattr(track, name, getattr(tv, name))
        if tv.audio_asset_id is not None:
            track.audio_asset_id = tv.audio_asset_id
        track.artists = [TrackArtist(party=get_or_create_party(session, a.party.name), role=a.role,
                                     sequence=a.sequence) for a in tv.artists]
        if tv.credits:
            track.credits = [Credit(release=release, party=get_or_create_party(session, c.party.name, "contributor"),
                                    role=c.role, instrument=c.instrument, sequence=c.sequence) for c in tv.credits]
    for t in release.tracks:
        if id(t) not in kept:
            report.warning(f"track {t.disc_number}-{t.track_number} ({t.title!r}) is not in the file; kept",
                           file=d.file, line=d.line, release=d.label_text)
