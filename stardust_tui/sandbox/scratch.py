"""What a DSP concludes from a received release: the catalog's own readiness, run on what arrived.

The message is imported (the project's ERN ingest, :func:`stardust_tui.importexport.ern_ingest.import_message`)
with the received files into a throwaway store in a temporary folder — a migrated SQLite file copied from a
template made once per process, and an asset store beside it — and the release is judged by
:func:`stardust_tui.delivery.preflight.readiness` with the DSP's profile, the files measured by
:func:`stardust_tui.assets.qc.ensure_analyses`: the same audio, artwork, video, deal, release-type and
identifier rules the sender ran before sending, now applied to the bytes that actually arrived. The file
names are compared with the names the profile's naming patterns give (:mod:`stardust_tui.ern.naming`).
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from stardust_tui.delivery.profile_model import MessageParty, Profile
from stardust_tui.domain.findings import CheckReport, Finding
from stardust_tui.errors import StardustError

_template_lock = threading.Lock()
_template: dict[str, Path] = {}


def _template_db() -> Path:
    """A migrated empty SQLite store, made once per process (copying it is much faster than migrating)."""
    with _template_lock:
        found = _template.get("db")
        if found is not None and found.is_file():
            return found
        from stardust_tui.store.db import make_engine
        from stardust_tui.store.migrate import upgrade

        folder = Path(tempfile.mkdtemp(prefix="stardust-sandbox-template-"))
        path = folder / "template.db"
        engine = make_engine(f"sqlite:///{path}")
        try:
            upgrade(engine, backup=False)
        finally:
            engine.dispose()
        _template["db"] = path
        return path


@dataclass
class Judged:
    """The readiness of a received release: findings, and the file names its profile expects."""

    report: CheckReport
    release_code: str | None = None
    isrcs: dict[str, str] = field(default_factory=dict)  # "disc-track" (as findings name tracks) -> ISRC
    expected_names: dict[str, str] = field(default_factory=dict)  # received name -> the profile's name for it


def judge(data: bytes, package: Path, profile: Profile, message_type: str, *, sender: MessageParty | None,
          today: date) -> Judged:
    """Import the message with the files under ``package`` into a scratch store and run readiness on it."""
    from sqlmodel import select  # noqa: F401 - loads SQLModel before the store modules

    from stardust_tui.assets.qc import ensure_analyses, release_assets
    from stardust_tui.assets.store import AssetStore
    from stardust_tui.delivery.preflight import readiness
    from stardust_tui.importexport.ern_ingest import import_message
    from stardust_tui.paths import Paths
    from stardust_tui.store.db import make_engine, session_scope
    from stardust_tui.store.releases import load_release

    work = Path(tempfile.mkdtemp(prefix="stardust-sandbox-"))
    engine = None
    try:
        paths = Paths(config_dir=work, data_dir=work, state_dir=work / "logs")
        db = work / "stardust.db"
        shutil.copyfile(_template_db(), db)
        engine = make_engine(f"sqlite:///{db}")
        store = AssetStore(paths)
        with session_scope(engine) as session:
            try:
                result = import_message(session, data, actor="sandbox", package=package, asset_store=store)
            except StardustError as exc:
                report = CheckReport()
                report.add(Finding("ingest", "message", f"cannot be ingested: {exc.message}"))
                return Judged(report)
            release = load_release(session, result.release_id)
            analyses = ensure_analyses(session, release_assets(release), store.path_for)
            report = readiness(release, profile, message_type, sender=sender, analyses=analyses, today=today)
            judged = Judged(report, release.upc or getattr(release, "grid", None))
            judged.isrcs = {f"{t.disc_number}-{t.track_number}": t.isrc for t in release.tracks if t.isrc}
            judged.expected_names = _expected_names(release, profile)
            return judged
    finally:
        if engine is not None:
            engine.dispose()
        shutil.rmtree(work, ignore_errors=True)


def _expected_names(release: Any, profile: Profile) -> dict[str, str]:
    """For each file the release names (as received), the name the profile's naming patterns give it."""
    from stardust_tui.ern.naming import NamingPatterns, delivered_file_name, extension_for
    from stardust_tui.ern.release_view import release_code

    patterns = NamingPatterns.from_mapping(profile.naming)
    code = release_code(release)
    out: dict[str, str] = {}
    if not code:
        return out
    for track in release.tracks:
        asset = track.audio
        if asset is None or not asset.original_name:
            continue
        out[asset.original_name] = delivered_file_name(
            "audio", upc=code, disc=track.disc_number or 1, track=track.track_number or 1,
            isrc=track.isrc or "", ext=extension_for(asset), patterns=patterns)
    cover = release.cover
    if cover is not None and cover.original_name:
        out[cover.original_name] = delivered_file_name("image", upc=code, ext=extension_for(cover), patterns=patterns)
    return {PurePosixPath(k).name: v for k, v in out.items()}
