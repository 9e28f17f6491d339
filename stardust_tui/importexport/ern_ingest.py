"""Importing ERN NewReleaseMessages (3.8.2, 4.2, 4.3; UTF-8 or UTF-16 with BOM) into the catalog.

``import_message(session, path_or_bytes, actor=...)`` parses safely, checks the XSD when a schema
folder is given (an invalid message is refused with its first line-numbered error), reads the
release, and creates it through the catalog store (``create_release`` / ``save_release``,
``get_or_create_party``). A release whose UPC is already in the catalog is reported as matched and
left unchanged, or with ``update=True`` updated from the message (:mod:`.ern_ingest_update`). Files
named in technical details are added to the asset store when ``package`` holds them; otherwise an
asset row records the message's facts (name, MD5, codec...) and is reported as "not in the store"
so the user can attach the real file. Whatever cannot be represented (videos, track-only deal
scoping, extra validity periods, GRids) is listed in ``ImportResult.skipped``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmodel import Session

from stardust_tui.domain.models import Credit, Deal, Release, ReleaseArtist, Track, TrackArtist, utcnow
from stardust_tui.ern.parse import parse_release
from stardust_tui.ern.parse_common import ParsedRelease
from stardust_tui.ern.safe_xml import parse_bytes
from stardust_tui.ern.validate import detect_version, xsd_issues
from stardust_tui.errors import NotFoundError, ValidationError
from stardust_tui.importexport.ern_ingest_parts import (
    ImportResult,
    PartyCounter,
    _identifiers,
    _read,
    asset_for,
    fit,
    track_isrc,
)
from stardust_tui.importexport.ern_ingest_update import apply_update
from stardust_tui.store.releases import create_release, get_release, save_release

__all__ = ["ImportResult", "import_message"]


def _create(session: Session, parsed: ParsedRelease, upc: str | None, catalog: str | None, *, actor: str,
            parties: PartyCounter, package: Path | None, asset_store: Any, result: ImportResult) -> Release:
    tracks: list[Track] = []
    credits: list[tuple[Track, list[Any]]] = []
    for rec in parsed.tracks:
        isrc = track_isrc(rec, result.skipped)
        track = Track(disc_number=rec.disc, track_number=rec.number, isrc=isrc, title=rec.title,
                      version=rec.subtitle, display_artist=rec.display_artist or parsed.display_artist,
                      duration_seconds=rec.duration, explicit=rec.explicit, p_line_year=rec.p_line_year,
                      p_line=fit(rec.p_line, 500, "P-line", result.skipped),
                      language=fit(rec.language, 8, "language", result.skipped),
                      genre=fit(rec.genre, 100, "genre", result.skipped),
                      preview_start_seconds=rec.preview_start)
        track.audio = asset_for(session, rec.file, "audio", rec.duration, package, asset_store, result)
        track.artists = [TrackArtist(party=parties.get(a.name, "artist", a.isni), role=a.role[:32], sequence=i)
                         for i, a in enumerate(rec.artists, start=1)]
        credits.append((track, [(parties.get(c.name, "contributor", c.isni), c.role) for c in rec.contributors]))
        tracks.append(track)
    deals = [Deal(territories=d.territories, excluded_territories=d.excluded, commercial_models=d.commercial_models,
                  use_types=d.use_types, start=d.start, end=d.end,
                  price_tier=fit(d.price_tier, 32, "price code", result.skipped),
                  applies_to_tracks=d.on_tracks or not d.on_release) for d in parsed.deals]
    label = parties.get(parsed.label, "label") if parsed.label else None
    release = create_release(
        session, actor=actor, title=parsed.title, version=parsed.subtitle, upc=upc,
        catalog_number=fit(catalog, 64, "catalog number", result.skipped),
        display_artist=parsed.display_artist, release_type=parsed.release_type,
        genre=fit(parsed.genre, 100, "genre", result.skipped),
        subgenre=fit(parsed.subgenre, 100, "subgenre", result.skipped),
        p_line_year=parsed.p_line_year, p_line=fit(parsed.p_line, 500, "P-line", result.skipped),
        c_line_year=parsed.c_line_year, c_line=fit(parsed.c_line, 500, "C-line", result.skipped),
        release_date=parsed.release_date,
        original_release_date=parsed.original_release_date, parental_advisory=parsed.parental_advisory,
        label=label, tracks=tracks, deals=deals,
    )
    release.artists = [ReleaseArtist(party=parties.get(a.name, "artist", a.isni), role=a.role[:32], sequence=i)
                       for i, a in enumerate(parsed.artists, start=1)]
    release.cover = asset_for(session, parsed.cover, "image", None, package, asset_store, result)
    for track, people in credits:
        track.credits = [Credit(release_id=release.id, party=party, role=role[:64], sequence=i)
                         for i, (party, role) in enumerate(people, start=1)]
    save_release(session, release, actor=actor, action="import-ddex")
    return release


def import_message(session: Session, source: str | Path | bytes, *, actor: str, schema_dir: Path | None = None,
                   package: Path | None = None, asset_store: Any = None, update: bool = False) -> ImportResult:
    """Import one NewReleaseMessage; raises :class:`ValidationError` (with a line) for invalid messages.

    A release whose UPC is already in the catalog is left unchanged ("matched"), unless ``update`` is set:
    then the message is applied to it as a statement of truth ("updated", see :mod:`.ern_ingest_update`).
    """
    data, where = _read(source)
    tree = parse_bytes(data, source=where)
    root = tree.getroot()
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
        parsed = parse_release(root)
    except ValidationError as exc:
        raise ValidationError(exc.message, where=where) from None
    skipped = list(parsed.skipped)
    upc, catalog = _identifiers(parsed, skipped)
    if upc:
        try:
            existing = get_release(session, upc)
        except NotFoundError:
            existing = None
        if existing is not None and not update:
            return ImportResult(source=where, version=version, status="matched", release_id=existing.id or 0,
                                title=existing.title, upc=existing.upc, skipped=skipped)
    else:
        existing = None
    parties = PartyCounter(session, utcnow())
    result = ImportResult(source=where, version=version, status="created" if existing is None else "updated",
                          release_id=0, title=parsed.title, upc=upc, skipped=skipped)
    if existing is None:
        release = _create(session, parsed, upc, catalog, actor=actor, parties=parties, package=package,
                          asset_store=asset_store, result=result)
    else:
        release = apply_update(session, existing.id or 0, parsed, catalog, actor=actor, parties=parties,
                               package=package, asset_store=asset_store, result=result)
    result.release_id = release.id or 0
    result.tracks, result.deals = len(parsed.tracks), len(parsed.deals)
    result.parties_created, result.parties_matched = len(parties.created), len(parties.matched - parties.created)
    result.skipped.extend(parties.skipped)
    return result
