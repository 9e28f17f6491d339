"""Pieces of ERN ingest shared by creating and updating releases: the result record, party counting,
assets named in a message, and identifier/length checks that note what is not stored.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from sqlmodel import Session, select

from stardust_tui.domain.identifiers import is_valid_isni, normalize_isrc, normalize_upc
from stardust_tui.domain.models import Asset
from stardust_tui.ern.parse_common import FileRecord, ParsedRelease
from stardust_tui.errors import StardustError, ValidationError
from stardust_tui.store.parties import get_or_create_party

_MD5 = re.compile(r"^[0-9a-f]{32}$")
_CONTAINERS = {"wav": "WAV", "flac": "FLAC", "mp3": "MP3", "jpg": "JPEG", "jpeg": "JPEG", "png": "PNG",
               "tif": "TIFF", "tiff": "TIFF", "aif": "AIFF", "aiff": "AIFF"}


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
    parties_created: int = 0
    parties_matched: int = 0
    files_stored: int = 0
    files_missing: int = 0
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        what = (f"{self.status} release {self.release_id} {self.title!r}"
                f"{f' (UPC {self.upc})' if self.upc else ''} from ERN {self.version}")
        if self.status in ("created", "updated"):
            what += (f": {self.tracks} track(s), {self.deals} deal(s), parties {self.parties_created} created / "
                     f"{self.parties_matched} matched, files {self.files_stored} stored / "
                     f"{self.files_missing} not in the store")
        return what


class PartyCounter:
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
        (self.created if created_at >= self.started else self.matched).add(party.id)
        return party


def _read(source: str | Path | bytes) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, "<message>"
    path = Path(source)
    try:
        return path.read_bytes(), str(path)
    except OSError as exc:
        raise StardustError(f"cannot read: {exc.strerror or exc}", where=str(path)) from None


def asset_for(session: Session, record: FileRecord | None, kind: str, duration: float | None, package: Path | None,
           asset_store: Any, result: ImportResult) -> Asset | None:
    if record is None:
        return None
    if package is not None and asset_store is not None:
        for candidate in (package / record.name, package / PurePosixPath(record.name).name):
            if candidate.is_file():
                result.files_stored += 1
                return asset_store.add(session, candidate)
    ext = PurePosixPath(record.name).suffix.lower().lstrip(".")
    key = hashlib.sha256(f"{record.name}|{record.md5}|{record.size}".encode()).hexdigest()
    sha = f"ddexref-{key}"[:64]
    existing = session.exec(select(Asset).where(Asset.sha256 == sha)).first()
    result.files_missing += 1
    if existing is not None:
        return existing
    md5 = (record.md5 or "").lower()
    if md5 and not _MD5.match(md5):
        result.skipped.append(f"MD5 {record.md5!r} of {record.name!r} is not an MD5 hash; not stored")
        md5 = ""
    asset = Asset(sha256=sha, md5=md5, size=record.size or 0, kind=kind,
                  original_name=PurePosixPath(record.name).name[:1000], container=_CONTAINERS.get(ext),
                  codec=(record.codec or None) and record.codec[:32],
                  sample_rate=record.sample_rate, bit_depth=record.bit_depth,
                  channels=record.channels, duration_seconds=duration, width=record.width, height=record.height)
    session.add(asset)
    return asset


def fit(value: str | None, limit: int, what: str, skipped: list[str]) -> str | None:
    """``value`` when it fits the catalog column, else None with a note (never silently truncated)."""
    if value is not None and len(value) > limit:
        skipped.append(f"{what} {value[:40]!r} is longer than {limit} characters; not stored")
        return None
    return value


def _identifiers(parsed: ParsedRelease, skipped: list[str]) -> tuple[str | None, str | None]:
    upc, catalog = None, parsed.catalog_number
    if parsed.upc:
        try:
            upc = normalize_upc(parsed.upc)
        except ValidationError:
            skipped.append(f"ICPN {parsed.upc!r} has a bad check digit; kept as catalog number")
            catalog = catalog or parsed.upc
    if parsed.grid:
        skipped.append(f"GRid {parsed.grid} is not stored (the catalog identifies releases by UPC)")
    return upc, catalog


def track_isrc(rec: Any, skipped: list[str]) -> str | None:
    """The normalized ISRC of a parsed track, or None (noted) when the message's ISRC is invalid."""
    if not rec.isrc:
        return None
    try:
        return normalize_isrc(rec.isrc)
    except ValidationError:
        skipped.append(f"ISRC {rec.isrc!r} of {rec.title!r} is invalid; not stored")
        return None


