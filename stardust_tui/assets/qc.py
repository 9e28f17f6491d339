"""QC of stored files: measure each asset's content once, keep the numbers, judge them with the domain rules.

The checks themselves are pure and live in :mod:`stardust_tui.domain.qc` (format, size, and what the
numbers mean). This module does the I/O they need: it decodes an audio file (:mod:`.signal`) or an image
(:mod:`.picture`) from the asset store, stores the measurements in ``asset_analysis`` (one row per asset
and analyser version, so the slow part runs once per file) and hands them back keyed by asset id. A file
that is missing from the store is skipped (``stardust asset verify`` reports it); one that cannot be
decoded gets an ``error`` measurement, which QC reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from stardust_tui.assets.objects import StoredObject
from stardust_tui.assets.picture import IMAGE_ANALYSIS_VERSION, analyze_image
from stardust_tui.assets.signal import AUDIO_ANALYSIS_VERSION, analyze_audio
from stardust_tui.domain.models import Asset, utcnow
from stardust_tui.domain.qc_models import AssetAnalysis
from stardust_tui.store.analyses import stored_analyses

VERSIONS = {"audio": AUDIO_ANALYSIS_VERSION, "image": IMAGE_ANALYSIS_VERSION}
Analyses = dict[int, Mapping[str, Any]]


def analyze_file(path: str | Path | StoredObject, kind: str) -> dict[str, Any]:
    """Measure one file of ``kind`` audio or image; a file that cannot be decoded gives ``{"error": ...}``."""
    try:
        return analyze_audio(path) if kind == "audio" else analyze_image(path)
    except Exception as exc:  # libsndfile/Pillow raise assorted errors on damaged files
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return {"version": VERSIONS[kind], "error": f"cannot decode the {kind}: {text}"}


def _save(session: Session, asset: Asset, metrics: dict[str, Any]) -> None:
    row = session.get(AssetAnalysis, asset.id)
    try:
        with session.begin_nested():  # another worker may be storing the same asset right now
            if row is None:
                session.add(AssetAnalysis(asset_id=asset.id, kind=asset.kind, version=VERSIONS[asset.kind],  # type: ignore[arg-type]
                                          metrics=metrics))
            else:
                row.kind, row.version, row.metrics, row.analyzed_at = (asset.kind, VERSIONS[asset.kind], metrics,
                                                                       utcnow())
                session.add(row)
    except IntegrityError:
        pass  # the other one's numbers are as good as ours


def ensure_analyses(session: Session, assets: Iterable[Asset | None], path_for: Callable[[Asset], Any]) -> Analyses:
    """Measurements for every audio/image asset given, measuring (and storing) those not done yet."""
    wanted = {a.id: a for a in assets if a is not None and a.id is not None and a.kind in VERSIONS}
    found: Analyses = dict(stored_analyses(session, wanted, VERSIONS))
    for asset_id, asset in wanted.items():
        if asset_id in found:
            continue
        path = path_for(asset)  # a local path, or an object streamed from the bucket (issue 12)
        if not path.is_file():
            continue
        metrics = analyze_file(path, asset.kind)
        _save(session, asset, metrics)
        found[asset_id] = metrics
    return found


def release_assets(release: Any) -> list[Asset]:
    """The files a release delivers: its tracks' audio and its cover."""
    out = [t.audio for t in release.tracks if t.audio is not None]
    return out + ([release.cover] if release.cover is not None else [])
