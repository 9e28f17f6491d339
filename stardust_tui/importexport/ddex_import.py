"""DDEX ERN sources for ``stardust import``: one NewReleaseMessage through the ERN engine's ingest.

The ERN engine (``stardust_tui.importexport.ern_ingest.import_message``) parses safely, checks the XSD when a schema
folder is configured, and creates the release through the catalog store. This module runs it inside the
import's transaction (so ``--dry-run`` rolls it back) and turns its result into an ``ImportReport``:
a created release counts as created, a release whose UPC is already in the catalog as unchanged, and
every detail the catalog cannot hold becomes a warning. Files named in the message are taken from the
message's folder into the asset store when present.
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from stardust_tui.errors import StardustError
from stardust_tui.importexport.report import ImportReport, Issue
from stardust_tui.paths import Paths


def import_ddex(session: Session, path: Path, report: ImportReport, *, actor: str, schema_dir: Path | None,
                paths: Paths | None) -> None:
    """Import one ERN message into the open session; problems go into the report."""
    from stardust_tui.importexport.ern_ingest import import_message

    store = None
    if paths is not None:
        from stardust_tui.assets.store import AssetStore

        store = AssetStore(paths)
    report.rows += 1
    try:
        with session.begin_nested():
            result = import_message(session, path, actor=actor, schema_dir=schema_dir, package=path.parent,
                                    asset_store=store)
    except StardustError as exc:
        report.add(Issue("error", exc.message, exc.where or str(path)))
        report.skipped += 1
        return
    report.releases_seen += 1
    report.tracks_seen += result.tracks
    if result.status == "created":
        report.created += 1
        report.release_ids.append(result.release_id)
    else:
        report.unchanged += 1
        report.duplicates += 1
        report.warning(f"release UPC {result.upc} is already in the catalog (id {result.release_id}); "
                       "left unchanged", file=str(path))
    for item in result.skipped:
        report.warning(item, file=str(path))
    if result.files_missing:
        report.warning(f"{result.files_missing} file(s) named in the message are not in its folder; "
                       "attach them with `stardust import audio DIR`", file=str(path))
