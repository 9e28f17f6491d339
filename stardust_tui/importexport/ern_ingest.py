"""Importing ERN NewReleaseMessages (3.8.2, 4.2, 4.3; UTF-8 or UTF-16 with BOM) into the catalog.

``import_message(session, path_or_bytes, actor=...)`` parses safely, checks the XSD when a schema
folder is given (an invalid message is refused with its first line-numbered error), reads the release
(:func:`stardust_tui.ern.parse.parse_release`) and keeps it whole: release type, identifiers (UPC, GRid,
ICPN as sent, catalog number, proprietary ids), titles, artists, contributors, P/C lines, parental
warnings, tracks, cover, every other resource (videos, images, texts, MIDI, a DJ mix's sources) with its
file, the resource-group tree, track releases and deals with their scope (:mod:`.ern_ingest_fill`).

A release already in the catalog (same UPC, else same GRid) is reported as matched and left unchanged,
or with ``update=True`` updated from the message (:mod:`.ern_ingest_update`). Files named in technical
details are added to the asset store when ``package`` holds them; otherwise an asset row records the
message's facts and is reported as "not in the store". What the catalog cannot keep is listed in
``ImportResult.skipped`` by element path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from stardust_tui.domain.models import Release, ReleaseArtist, Track, utcnow
from stardust_tui.ern.parse import parse_release
from stardust_tui.ern.parse_common import ParsedRelease
from stardust_tui.ern.safe_xml import parse_bytes
from stardust_tui.ern.validate import detect_version, xsd_issues
from stardust_tui.errors import NotFoundError, ValidationError
from stardust_tui.importexport.ern_ingest_fill import Filler
from stardust_tui.importexport.ern_ingest_parts import ImportResult, PartyCounter, read_source
from stardust_tui.importexport.ern_ingest_update import apply_update
from stardust_tui.store.releases import create_release, get_release, save_release

__all__ = ["ImportResult", "import_message", "read_message"]


def read_message(source: str | Path | bytes, schema_dir: Path | None = None) -> tuple[ParsedRelease, str]:
    """Parse (and XSD-check when ``schema_dir`` is given) one message; returns (parsed release, source name)."""
    data, where = read_source(source)
    root = parse_bytes(data, source=where).getroot()
    version = detect_version(root)
    if version is None:
        raise ValidationError(f"line {root.sourceline}: not an ERN 3.8.2, 4.2 or 4.3 message", where=where)
    if schema_dir is not None:
        problems = xsd_issues(root, version, schema_dir)
        if problems:
            first = problems[0]
            raise ValidationError(f"line {first.line}: not valid ERN {version}: {first.message}"
                                  f"{f' (+{len(problems) - 1} more)' if len(problems) > 1 else ''}", where=where)
    try:
        return parse_release(root), where
    except ValidationError as exc:
        raise ValidationError(exc.message, where=where) from None


def _existing(session: Session, upc: str | None, grid: str | None) -> Release | None:
    if upc:
        try:
            return get_release(session, upc)
        except NotFoundError:
            pass
    if grid:
        return session.exec(select(Release).where(Release.grid == grid.replace("-", "").upper())).first()
    return None


def _create(session: Session, filler: Filler, upc: str | None, grid: str | None, *, actor: str) -> Release:
    view = filler.view
    tracks: list[tuple[Track, Any]] = []
    for rec in view.recordings:
        track = Track(title=rec.title or "Untitled")
        filler.fill_track(track, rec)
        track.audio = filler.asset(rec.file, "audio")
        tracks.append((track, rec))
    release = create_release(session, actor=actor, title=view.release.title, tracks=[t for t, _ in tracks],
                             deals=filler.deals())
    with session.no_autoflush:
        filler.release_fields(release, upc, grid)
        release.artists = [ReleaseArtist(party=p, role=role, sequence=seq)
                           for p, role, seq in filler.artists(view.release.artists)]
        release.cover = filler.asset(filler.cover.file, "image") if filler.cover is not None else None
        release.resources = filler.resource_rows()
        for track, rec in tracks:
            filler.track_credits(track, rec, release.id)
    save_release(session, release, actor=actor, action="import-ddex")
    return release


def import_message(session: Session, source: str | Path | bytes, *, actor: str, schema_dir: Path | None = None,
                   package: Path | None = None, asset_store: Any = None, update: bool = False) -> ImportResult:
    """Import one NewReleaseMessage; raises :class:`ValidationError` (with a line) for invalid messages.

    A release whose UPC (else GRid) is already in the catalog is left unchanged ("matched"), unless ``update``
    is set: then the message is applied to it as a statement of truth ("updated", see :mod:`.ern_ingest_update`).
    """
    parsed, where = read_message(source, schema_dir)
    view = parsed.view
    result = ImportResult(source=where, version=parsed.version, status="created", release_id=0,
                          title=view.release.title, upc=None, skipped=list(parsed.skipped))
    parties = PartyCounter(session, utcnow())
    filler = Filler(view, parties, result, package, asset_store)
    upc, grid = filler.identifiers()
    result.upc, result.grid = upc, grid
    existing = _existing(session, upc, grid)
    if existing is not None and not update:
        result.status, result.release_id, result.title = "matched", existing.id or 0, existing.title
        return result
    if existing is None:
        release = _create(session, filler, upc, grid, actor=actor)
    else:
        result.status = "updated"
        release = apply_update(session, existing.id or 0, filler, upc, grid, actor=actor)
    result.release_id = release.id or 0
    result.tracks, result.deals = len(view.recordings), len(view.deals)
    result.resources = len(view.resources) - len(view.recordings) - (1 if filler.cover is not None else 0)
    result.parties_created, result.parties_matched = len(parties.created), len(parties.matched - parties.created)
    result.skipped.extend(parties.skipped)
    return result
