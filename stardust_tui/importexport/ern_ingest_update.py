"""Applying an ERN message to a release already in the catalog (``stardust ern import --update``).

ERN messages are statements of truth, so the message replaces the release's metadata, display artists,
deals and credits. Tracks are matched by ISRC and updated in place (keeping their audio when the
message names the same MD5 or names no file, as updates may leave files out); tracks the message
no longer lists are removed, new ones added. Everything goes through ``save_release`` as one revision.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmodel import Session

from stardust_tui.domain.models import Credit, Deal, Release, ReleaseArtist, Track, TrackArtist
from stardust_tui.ern.parse_common import FileRecord, ParsedRelease
from stardust_tui.importexport.ern_ingest_parts import ImportResult, PartyCounter, asset_for, fit, track_isrc
from stardust_tui.store.releases import load_release, save_release


def _keep_or_replace(session: Session, current: Any, record: FileRecord | None, kind: str, duration: float | None,
                     package: Path | None, asset_store: Any, result: ImportResult) -> Any:
    """The asset to use: the current one when the message names no file or the same MD5, else the new file."""
    if record is None or (current is not None and record.md5 and current.md5 == record.md5.lower()):
        return current
    return asset_for(session, record, kind, duration, package, asset_store, result)


def apply_update(session: Session, release_id: int, parsed: ParsedRelease, catalog: str | None, *, actor: str,
                 parties: PartyCounter, package: Path | None, asset_store: Any, result: ImportResult) -> Release:
    release = load_release(session, release_id)
    skipped = result.skipped
    with session.no_autoflush:
        release.title, release.version = parsed.title, parsed.subtitle
        release.display_artist = parsed.display_artist or release.display_artist
        release.release_type = parsed.release_type
        release.genre = fit(parsed.genre, 100, "genre", skipped)
        release.subgenre = fit(parsed.subgenre, 100, "subgenre", skipped)
        release.p_line_year, release.p_line = parsed.p_line_year, fit(parsed.p_line, 500, "P-line", skipped)
        release.c_line_year, release.c_line = parsed.c_line_year, fit(parsed.c_line, 500, "C-line", skipped)
        release.release_date = parsed.release_date or release.release_date
        release.original_release_date = parsed.original_release_date or release.original_release_date
        release.parental_advisory = parsed.parental_advisory
        if catalog:
            release.catalog_number = fit(catalog, 64, "catalog number", skipped)
        if parsed.label:
            release.label = parties.get(parsed.label, "label")
        if parsed.artists:
            release.artists = [ReleaseArtist(party=parties.get(a.name, "artist", a.isni), role=a.role[:32],
                                             sequence=i) for i, a in enumerate(parsed.artists, start=1)]
        release.cover = _keep_or_replace(session, release.cover, parsed.cover, "image", None, package, asset_store,
                                         result)
        # Park current positions so renumbering never trips the unique (release, disc, track) constraint.
        for i, track in enumerate(release.tracks, start=1):
            track.disc_number, track.track_number = 0, 100_000 + i
    session.flush()
    with session.no_autoflush:
        by_isrc = {t.isrc: t for t in release.tracks if t.isrc}
        kept: list[Track] = []
        for rec in parsed.tracks:
            isrc = track_isrc(rec, skipped)
            track = by_isrc.pop(isrc, None) if isrc else None
            if track is None:
                track = Track(disc_number=rec.disc, track_number=rec.number, isrc=isrc, title=rec.title)
                release.tracks.append(track)
            track.disc_number, track.track_number, track.title = rec.disc, rec.number, rec.title
            track.version, track.explicit = rec.subtitle, rec.explicit
            track.display_artist = rec.display_artist or parsed.display_artist or track.display_artist
            track.duration_seconds = rec.duration or track.duration_seconds
            track.p_line_year, track.p_line = rec.p_line_year, fit(rec.p_line, 500, "P-line", skipped)
            track.language = fit(rec.language, 8, "language", skipped)
            track.genre = fit(rec.genre, 100, "genre", skipped)
            track.preview_start_seconds = rec.preview_start
            track.audio = _keep_or_replace(session, track.audio, rec.file, "audio", rec.duration, package,
                                           asset_store, result)
            track.artists = [TrackArtist(party=parties.get(a.name, "artist", a.isni), role=a.role[:32], sequence=i)
                             for i, a in enumerate(rec.artists, start=1)]
            track.credits = [Credit(release_id=release.id, party=parties.get(c.name, "contributor", c.isni),
                                    role=c.role[:64], sequence=i) for i, c in enumerate(rec.contributors, start=1)]
            kept.append(track)
        for track in list(release.tracks):
            if not any(track is k for k in kept):
                release.tracks.remove(track)
                skipped.append(f"track {track.isrc or track.title!r} is no longer in the message; removed")
        release.deals = [Deal(territories=d.territories, excluded_territories=d.excluded,
                              commercial_models=d.commercial_models, use_types=d.use_types, start=d.start, end=d.end,
                              price_tier=fit(d.price_tier, 32, "price code", skipped),
                              applies_to_tracks=d.on_tracks or not d.on_release) for d in parsed.deals]
    save_release(session, release, actor=actor, action="import-ddex-update")
    return release
