"""Applying an ERN message to a release already in the catalog (``stardust ern import --update``).

ERN messages are statements of truth, so the message replaces the release's metadata, display artists,
other resources, deals and credits. Tracks are matched by ISRC (else by the message's reference) and
updated in place, keeping their audio when the message names the same MD5 or names no file (updates may
leave files out); tracks the message no longer lists are removed, new ones added. The cover and other
resources keep their stored asset the same way. Everything goes through ``save_release`` as one revision.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from stardust_tui.domain.models import Release, ReleaseArtist, Track
from stardust_tui.importexport.ern_ingest_fill import Filler
from stardust_tui.store.releases import load_release, save_release


def _keep_or_replace(filler: Filler, current: Any, file: Any, kind: str) -> Any:
    """The asset to use: the current one when the message names no file or the same MD5, else the new file."""
    if file is None or (current is not None and file.md5 and current.md5 == file.md5.lower()):
        return current
    return filler.asset(file, kind)


def apply_update(session: Session, release_id: int, filler: Filler, upc: str | None, grid: str | None, *,
                 actor: str) -> Release:
    release = load_release(session, release_id)
    view = filler.view
    with session.no_autoflush:
        old_assets = {row.key: row.asset for row in release.resources}
        filler.release_fields(release, upc or release.upc, grid or release.grid)
        if view.release.artists:
            release.artists = [ReleaseArtist(party=p, role=role, sequence=seq)
                               for p, role, seq in filler.artists(view.release.artists)]
        cover = filler.cover
        release.cover = _keep_or_replace(filler, release.cover, cover.file if cover else None, "image")
        rows = filler.resource_rows()
        for row in rows:  # an unchanged file keeps its stored asset
            current = old_assets.get(row.key)
            if current is not None and row.asset is not None and current.md5 and current.md5 == row.asset.md5:
                row.asset = current
        release.resources = rows
        # Park current positions so renumbering never trips the unique (release, disc, track) constraint.
        for i, parked in enumerate(release.tracks, start=1):
            parked.disc_number, parked.track_number = 0, 100_000 + i
    session.flush()
    with session.no_autoflush:
        by_isrc = {t.isrc: t for t in release.tracks if t.isrc}
        by_key = {t.key: t for t in release.tracks if t.key}
        kept: list[Track] = []
        for rec in view.recordings:
            track = (by_isrc.pop(rec.isrc.upper().replace("-", ""), None) if rec.isrc else None) or \
                by_key.pop(rec.ref, None)
            if track is None or any(track is k for k in kept):
                track = Track(title=rec.title or "Untitled")
                release.tracks.append(track)
            audio = track.audio
            filler.fill_track(track, rec)
            track.audio = _keep_or_replace(filler, audio, rec.file, "audio")
            filler.track_credits(track, rec, release.id)
            kept.append(track)
        for track in list(release.tracks):
            if not any(track is k for k in kept):
                release.tracks.remove(track)
                filler.notes.append(f"track {track.isrc or track.title!r} is no longer in the message; removed")
        release.deals = filler.deals()
    save_release(session, release, actor=actor, action="import-ddex-update")
    return release
