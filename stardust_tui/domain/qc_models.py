"""SQLModel table of signal analyses: what the audio samples and image pixels of an asset measured.

Reading a file is slow (a minute of audio is decoded and its spectrum taken), so each asset is analysed
once and the measurements kept here as JSON (see :mod:`stardust_tui.assets.signal` and
:mod:`stardust_tui.assets.picture` for the keys). ``version`` is the analyser's version: a newer analyser
measures the asset again. The QC verdict is not stored: it depends on the delivery profile and is
computed from these numbers each time (:mod:`stardust_tui.domain.qc`).
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from stardust_tui.domain.models import utcnow


class AssetAnalysis(SQLModel, table=True):
    """The measurements of one asset's content (one row per asset)."""

    __tablename__ = "asset_analysis"

    asset_id: int = Field(foreign_key="asset.id", primary_key=True, ondelete="CASCADE")
    kind: str = Field(max_length=16)  # audio | image
    version: int = 1
    metrics: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    analyzed_at: datetime = Field(default_factory=utcnow)
