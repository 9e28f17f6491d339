"""Stored measurements of asset contents (``asset_analysis``), read by asset id.

The measuring is done by :mod:`stardust_tui.assets.qc` (it decodes files); the store only reads what was
kept, so ``set_status(..., "ready")`` judges the signal checks of files measured before without any I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlmodel import Session, col, select

from stardust_tui.domain.qc_models import AssetAnalysis


def stored_analyses(session: Session, asset_ids: Iterable[int | None],
                    versions: Mapping[str, int] | None = None) -> dict[int, Mapping[str, Any]]:
    """Measurements stored for these assets; with ``versions`` (kind -> analyser version) only current ones."""
    ids = sorted({i for i in asset_ids if i is not None})
    if not ids:
        return {}
    rows = session.exec(select(AssetAnalysis).where(col(AssetAnalysis.asset_id).in_(ids))).all()
    return {r.asset_id: r.metrics for r in rows if versions is None or r.version == versions.get(r.kind)}
