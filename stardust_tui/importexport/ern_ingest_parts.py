"""Pieces of ERN ingest shared by creating and updating releases: the result record, party counting,
files named in a message (stored, or recorded with the message's facts), and length checks that note
what is not stored rather than truncating it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from sqlmodel import Session, select

from stardust_tui.domain.identifiers import is_valid_isni, normalize_isrc
from stardust_tui.domain.models import Asset
from stardust_tui.ern.view_model import FileView
from stardust_tui.errors import StardustError, ValidationError
from stardust_tui.store.parties import get_or_create_party

_MD5 = re.compile(r"^[0-9a-f]{32}$")
ASSET_KINDS = {"SoundRecording": "audio", "Image": "image", "Video": "video", "Text": "text", "MIDI": "midi"}


@dataclass
class ImportResult:
    """What one message did to the catalog."""

    source: str
    version: str
    status: str  # "created", "matched" (left unchanged) or "updated"
    release_id: int
    title: str
    upc: str | None
    tracks: int = 0
    deals: int = 0
    resources: int = 0
    parties_created: int = 0
    parties_matched: int = 0
    files_stored: int = 0
    files_missing: int = 0
    grid: str | None = None
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        ident = f" (UPC {self.upc})" if self.upc else f" (GRid {self.grid})" if self.grid else ""
        what = f"{self.status} release {self.release_id} {self.title!r}{ident} from ERN {self.version}"
        if self.status in ("created", "updated"):
            extra = f", {self.resources} other resource(s)" if self.resources else ""
            what += (f": {self.tracks} track(s){extra}, {self.deals} deal(s), parties {self.parties_created} "
                     f"created / {self.parties_matched} matched, files {self.files_stored} stored / "
                     f"{self.files_missing} not in the store")
        return what


class PartyCounter:
    """Gets or creates parties by name (and ISNI), counting which were new."""

    def __init__(self, session: Session, started: Any) -> None:
        self.session, self.started = session, started
        self.created: set[int] = set()
        self.matched: set[int] = set()
        self.skipped: list[str] = []

    def get(self, name: str, kind: str, isni: str | None = None) -> Any:
        ids: dict[str, str] = {}
        if isni:
            compact = isni.replace(" ", "").upper()
            if is_valid_isni(compact):
                ids["isni"] = compact
            else:
                self.skipped.append(f"ISNI {isni!r} of {name!r} has a bad check character; not stored")
        party = get_or_create_party(self.session, name, kind, **ids)
        created_at = party.created_at
        if created_at.tzinfo is None:
            created_at = created_at.replace(tzinfo=self.started.tzinfo)
        assert party.id is not None  # get_or_create_party flushes a new party, so it has its id
        (self.created if created_at >= self.started else self.matched).add(party.id)
        return party


def read_source(source: str | Path | bytes) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, "<message>"
    path = Path(source)
    try:
        return path.read_bytes(), str(path)
    except OSError as exc:
        raise StardustError(f"cannot read: {exc.strerror or exc}", where=str(path)) from None


def asset_for(session: Session, file: FileView | None, kind: str, package: Path | None, asset_store: Any,
              result: ImportResult) -> Asset | None:
    """The asset of a file a message names: stored from the package folder when it is there, else a row with
    the message's facts (its SHA-256 is a reference, not content) that the real file can replace later."""
    if file is None:
        return None
    if package is not None and asset_store is not None:
        for candidate in (package / file.name, package / PurePosixPath(file.name).name):
            if candidate.is_file():
                result.files_stored += 1
                return asset_store.add(session, candidate)
    key = hashlib.sha256(f"{file.name}|{file.md5}|{file.size}".encode()).hexdigest()
    sha = f"ddexref-{key}"[:64]
    existing = session.exec(select(Asset).where(Asset.sha256 == sha)).first()
    result.files_missing += 1
    if existing is not None:
        return existing
    md5 = (file.md5 or "").lower()
    if md5 and not _MD5.match(md5):
        result.skipped.append(f"MD5 {file.md5!r} of {file.name!r} is not an MD5 hash; not stored")
        md5 = ""
    codec = file.video_codec if kind == "video" else file.codec
    asset = Asset(sha256=sha, md5=md5, size=file.size or 0, kind=kind,
                  original_name=PurePosixPath(file.name).name[:1000],
                  container=file.container or None,  # the message's facts only, nothing guessed from the name
                  codec=(codec or None) and codec[:32], sample_rate=file.sample_rate, bit_depth=file.bit_depth,
                  channels=file.channels, duration_seconds=file.duration_seconds, width=file.width,
                  height=file.height, frame_rate=file.frame_rate, bit_rate=file.bit_rate)
    session.add(asset)
    return asset


def fit(value: str | None, limit: int, what: str, skipped: list[str]) -> str | None:
    """``value`` when it fits the catalog column, else None with a note (never silently truncated)."""
    if value is not None and len(value) > limit:
        skipped.append(f"{what} {value[:40]!r} is longer than {limit} characters; not stored")
        return None
    return value


def valid_isrc(value: str | None, title: str | None, skipped: list[str]) -> str | None:
    """The normalized ISRC, or None (noted; the message's text stays in the resource's identifiers)."""
    if not value:
        return None
    try:
        return normalize_isrc(value)
    except ValidationError:
        skipped.append(f"ISRC {value!r} of {title!r} is not a valid ISRC; kept as the message's identifier")
        return None
