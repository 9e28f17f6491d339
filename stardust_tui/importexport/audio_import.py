"""Bulk audio (and cover) import: match files in a folder to tracks, store them, attach them.

A file is matched, in this order, by:

1. an ISRC in its name (``USABC2400001.wav``, ``01 - Intro - US-ABC-24-00001.flac``): every track with that
   ISRC (the same recording may be on several releases);
2. the ``<UPC>_<disc>_<track>`` pattern (``012345678905_1_03.wav``);
3. the ISRC in its embedded tags (ID3 ``TSRC``, Vorbis/FLAC ``ISRC``, MP4 ``----:com.apple.iTunes:ISRC``).

Images named ``<UPC>.jpg`` / ``<UPC>_cover.png`` become the release's cover. Matched files go into the asset
store (content-addressed, deduplicated) and are attached through the store's ``save_release`` (one
transaction per file: a failure leaves the other files attached). A track that already has different audio
keeps it unless ``replace=True``. Unmatched files are reported.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import col, select

from stardust_tui.assets.store import AssetStore, hash_file
from stardust_tui.domain.identifiers import is_valid_upc, normalize_isrc, normalize_upc
from stardust_tui.domain.models import Asset, Release, Track
from stardust_tui.errors import StardustError
from stardust_tui.importexport.report import ImportReport
from stardust_tui.paths import Paths
from stardust_tui.store.db import current_actor, session_scope
from stardust_tui.store.releases import load_release, save_release, upc_candidates

AUDIO_SUFFIXES = {".wav", ".flac", ".mp3", ".aif", ".aiff", ".m4a", ".ogg", ".opus"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png"}
_ISRC_RE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2}-?[A-Za-z0-9]{3}-?\d{2}-?\d{5})(?![A-Za-z0-9])")
_POS_RE = re.compile(r"^(\d{12,14})[_-](\d{1,3})[_-](\d{1,4})(?:\D|$)")
_COVER_RE = re.compile(r"^(\d{12,14})(?:[_-](?:cover|front|artwork))?$", re.I)
Progress = Callable[[int, int | None], None]


def isrc_from_name(name: str) -> str | None:
    for m in _ISRC_RE.finditer(Path(name).stem):
        try:
            return normalize_isrc(m.group(1))
        except StardustError:
            continue
    return None


def isrc_from_tags(path: Path) -> str | None:
    """The ISRC in a file's embedded tags, or None (unreadable files have none)."""
    try:
        import mutagen

        audio = mutagen.File(str(path))
    except Exception:  # mutagen raises many types on damaged files; no tag is the honest answer
        return None
    if audio is None or audio.tags is None:
        return None
    tags = audio.tags
    for key in ("TSRC", "ISRC", "isrc", "----:com.apple.iTunes:ISRC"):
        try:
            value = tags.get(key)
        except (KeyError, ValueError, TypeError):
            value = None
        if value is None:
            continue
        text = value.text[0] if hasattr(value, "text") else value[0] if isinstance(value, list) else value
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        try:
            return normalize_isrc(str(text))
        except StardustError:
            continue
    return None


def _tracks_for(session, path: Path) -> tuple[list[Track], str]:
    isrc = isrc_from_name(path.name)
    if isrc:
        found = list(session.exec(select(Track).where(Track.isrc == isrc)).all())
        if found:
            return found, f"ISRC {isrc} in the name"
    if m := _POS_RE.match(path.stem):
        upc, disc, number = m.group(1), int(m.group(2)), int(m.group(3))
        if is_valid_upc(upc):
            found = list(session.exec(select(Track).join(Release).where(
                col(Release.upc).in_(upc_candidates(normalize_upc(upc))),
                Track.disc_number == disc, Track.track_number == number)).all())
            if found:
                return found, f"UPC {upc} disc {disc} track {number}"
    tag = isrc_from_tags(path)
    if tag:
        found = list(session.exec(select(Track).where(Track.isrc == tag)).all())
        if found:
            return found, f"ISRC {tag} in the tags"
    return [], ""


def import_audio_dir(engine: Engine, paths: Paths, directory: str | Path, *, dry_run: bool = False,
                     replace: bool = False, actor: str | None = None, progress: Progress | None = None,
                     files: list[Path] | None = None) -> ImportReport:
    """Match, store and attach every audio/cover file in ``directory`` (not recursive) or in ``files``."""
    root = Path(directory)
    started = time.perf_counter()
    report = ImportReport(source=str(root), format="audio", dry_run=dry_run, atomic=False)
    actor = actor or current_actor()
    if files is None:
        if not root.is_dir():
            raise StardustError("not a directory", where=str(root))
        files = sorted(p for p in root.iterdir() if p.is_file() and not p.name.startswith("."))
    store = AssetStore(paths)
    for i, path in enumerate(files, 1):
        report.rows += 1
        suffix = path.suffix.lower()
        try:
            if suffix in AUDIO_SUFFIXES:
                _audio(engine, store, path, report, dry_run=dry_run, replace=replace, actor=actor)
            elif suffix in IMAGE_SUFFIXES and _COVER_RE.match(path.stem):
                _cover(engine, store, path, report, dry_run=dry_run, replace=replace, actor=actor)
            else:
                report.skipped += 1
                report.warning("not an audio file or <UPC> cover image; ignored", file=str(path))
        except StardustError as exc:
            report.skipped += 1
            report.error(exc.message, file=exc.where or str(path))
        except (DBAPIError, OSError) as exc:  # this file fails; the others still go in
            report.skipped += 1
            text = str(getattr(exc, "orig", None) or exc).splitlines()
            report.error(f"not attached: {text[0][:300] if text else type(exc).__name__}", file=str(path))
        if progress is not None:
            progress(i, len(files))
    report.seconds = time.perf_counter() - started
    return report


def _attach(report: ImportReport, current: int | None, asset_id: int, replace: bool, what: str, path: Path) -> bool:
    if current == asset_id:
        report.unchanged += 1
        return False
    if current is not None and not replace:
        report.skipped += 1
        report.duplicates += 1
        report.warning(f"{what} already has other audio/artwork; kept (use --replace)", file=str(path))
        return False
    return True


def _audio(engine: Engine, store: AssetStore, path: Path, report: ImportReport, *, dry_run: bool, replace: bool,
           actor: str) -> None:
    with session_scope(engine) as session:
        tracks, how = _tracks_for(session, path)
        if not tracks:
            report.skipped += 1
            report.warning("unmatched: no track has this ISRC or <UPC>_<disc>_<track> (name or tags)",
                           file=str(path))
            return
        report.releases_seen += len({t.release_id for t in tracks})
        report.tracks_seen += len(tracks)
        if dry_run:
            sha = hash_file(path)[0]
            existing = session.exec(select(Asset.id).where(Asset.sha256 == sha)).first()
            for t in tracks:
                if _attach(report, t.audio_asset_id, existing or -1, replace, f"track {t.id}", path):
                    report.updated += 1
            return
        asset = store.add(session, path)
        for track in tracks:
            if not _attach(report, track.audio_asset_id, asset.id, replace,  # type: ignore[arg-type]
                           f"release {track.release_id} track {track.disc_number}-{track.track_number}", path):
                continue
            assert track.release_id is not None  # a stored track (release_id is NOT NULL)
            release = load_release(session, track.release_id)
            target = next(t for t in release.tracks if t.id == track.id)
            target.audio_asset_id = asset.id
            save_release(session, release, actor=actor, action="attach-audio")
            report.updated += 1
            report.release_ids.append(release.id)  # type: ignore[arg-type]
        where = ", ".join(f"release {t.release_id} track {t.disc_number}-{t.track_number}" for t in tracks[:5])
        report.note(f"{path}: matched by {how}: {where}")


def _cover(engine: Engine, store: AssetStore, path: Path, report: ImportReport, *, dry_run: bool, replace: bool,
           actor: str) -> None:
    m = _COVER_RE.match(path.stem)
    assert m is not None
    with session_scope(engine) as session:
        if not is_valid_upc(m.group(1)):
            report.skipped += 1
            report.warning(f"unmatched: {m.group(1)} is not a valid UPC/EAN", file=str(path))
            return
        upcs = upc_candidates(normalize_upc(m.group(1)))
        release = session.exec(select(Release).where(col(Release.upc).in_(upcs))).first()
        if release is None:
            report.skipped += 1
            report.warning(f"unmatched: no release with UPC {m.group(1)}", file=str(path))
            return
        report.releases_seen += 1
        if dry_run:
            report.updated += 1
            return
        asset = store.add(session, path)
        if _attach(report, release.cover_asset_id, asset.id, replace, f"release {release.id} cover", path):  # type: ignore[arg-type]
            release.cover_asset_id = asset.id
            save_release(session, release, actor=actor, action="attach-cover")
            report.updated += 1
            report.note(f"{path}: cover of release {release.id}")
