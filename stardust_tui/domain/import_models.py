"""SQLModel table of import runs: what was imported, from which file (by content hash), with what result.

The hot folder uses it as its ledger ("nothing is imported twice": a file whose SHA-256 already has a
successful run is not imported again); ``stardust import`` records its runs too, so there is a history.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from stardust_tui.domain.models import utcnow


class ImportRun(SQLModel, table=True):
    """One import of one file (catalog or audio), successful or not."""

    __tablename__ = "import_run"

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(index=True, max_length=64)
    file_name: str = Field(max_length=1000)
    size: int = 0
    kind: str = Field(default="catalog", max_length=16)  # catalog | audio
    format: str | None = Field(default=None, max_length=16)
    origin: str = Field(default="cli", max_length=16)  # cli | hotfolder | tui
    status: str = Field(default="ok", index=True, max_length=16)  # ok | failed | partial
    actor: str = Field(default="", max_length=200)
    counts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime = Field(default_factory=utcnow, index=True)
