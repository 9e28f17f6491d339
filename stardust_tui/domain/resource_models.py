"""A release's resources other than its tracks and its cover: videos, images of every type, texts (PDF
booklets), MIDI, sheet music, software, and sound recordings that are not tracks (a DJ mix's sources).

Each row is one DDEX resource of the release, in ``ResourceList`` order (``position``), with the fields
every kind shares as columns and the rest (identifiers, additional titles, artists and contributors by
party id, related resources, technical details the asset row does not hold) in ``details``, whose shape
:mod:`stardust_tui.domain.release_parts` documents. The file is an :class:`~stardust_tui.domain.models.Asset`
(stored once by content, with its facts). Tracks stay in ``track`` and the front cover in
``release.cover_asset_id``, so everything that reads those is unchanged.
"""

from typing import TYPE_CHECKING, Any, Optional

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from stardust_tui.domain.limits import RESOURCE

if TYPE_CHECKING:
    from stardust_tui.domain.models import Asset, Release


class ReleaseResource(SQLModel, table=True):
    """One non-track resource of a release (DDEX Video, Image, Text, MIDI, SheetMusic, Software...)."""

    __tablename__ = "release_resource"
    __table_args__ = (UniqueConstraint("release_id", "key", name="uq_release_resource_key"),)

    id: int | None = Field(default=None, primary_key=True)
    release_id: int = Field(foreign_key="release.id", index=True, ondelete="CASCADE")
    position: int = 0  # order among the release's resources of all kinds
    key: str = Field(max_length=RESOURCE["key"])  # stable within the release; resource groups name it
    kind: str = Field(max_length=RESOURCE["kind"])  # Video, Image, Text, MIDI, SheetMusic, Software, ...
    resource_type: str = Field(max_length=RESOURCE["resource_type"])  # VideoScreenCapture, NonInteractiveBooklet
    isrc: str | None = Field(default=None, index=True, max_length=RESOURCE["isrc"])
    title: str | None = Field(default=None, max_length=RESOURCE["title"])
    version: str | None = Field(default=None, max_length=RESOURCE["version"])
    display_artist: str | None = Field(default=None, max_length=RESOURCE["display_artist"])
    duration_seconds: float | None = None
    parental_advisory: str | None = Field(default=None, max_length=RESOURCE["parental_advisory"])
    p_line_year: int | None = None
    p_line: str | None = Field(default=None, max_length=RESOURCE["p_line"])
    c_line_year: int | None = None
    c_line: str | None = Field(default=None, max_length=RESOURCE["c_line"])
    language: str | None = Field(default=None, max_length=RESOURCE["language"])
    genre: str | None = Field(default=None, max_length=RESOURCE["genre"])
    asset_id: int | None = Field(default=None, foreign_key="asset.id", index=True)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))

    release: Optional["Release"] = Relationship(back_populates="resources")
    asset: Optional["Asset"] = Relationship()
