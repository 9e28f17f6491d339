"""The asset store itself (issue 12): which store this home uses, its credentials, and moving it.

:meth:`AssetStoreService.migrate` copies every stored file of the catalog from the current store (or
``source``) to another — a local folder into a bucket, a bucket back into a folder, one bucket into
another — without changing the catalog: keys are the files' SHA-256, so asset rows stay as they are.
Each file is streamed (no full local copy), checked against its SHA-256/MD5/size on the way in, and
read back; files the destination already holds with the right size are skipped, so an interrupted
migration resumes where it stopped. A file missing from the source is reported, never skipped quietly.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from stardust_tui.errors import StardustError, ValidationError

if TYPE_CHECKING:
    from stardust_tui.services import Services


@dataclass
class MigrateReport:
    """What a migration did: files copied, already there, missing from the source, failed."""

    source: str
    destination: str
    total: int = 0
    copied: int = 0
    present: int = 0
    bytes_copied: int = 0
    server_side: int = 0
    missing: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.failed


@dataclass(frozen=True)
class StoreInfo:
    url: str
    kind: str
    credentials: list[str]


class AssetStoreService:
    def __init__(self, services: Services) -> None:
        self.services = services

    def _backend(self, url: str | None) -> Any:
        from stardust_tui.assets.store import open_backend

        return open_backend(self.services.settings.paths, url, self.services.store_engine)

    def info(self) -> StoreInfo:
        """Which store this home uses and the names (never values) of its stored credentials."""
        from stardust_tui.assets.store_config import load_credentials, parse_store_url
        from stardust_tui.delivery.urls import TargetSpec

        self.services.authorize("asset.read")
        backend = self._backend(self.services.settings.assets_url)
        spec = parse_store_url(self.services.settings.assets_url)
        names = sorted(load_credentials(self.services.settings.paths, self.services.store_engine, spec)) \
            if backend.kind == "s3" and isinstance(spec, TargetSpec) else []  # s3 is the backend of a bucket spec
        return StoreInfo(backend.url, backend.kind, names)

    def set_credentials(self, url: str | None, values: dict[str, str | None]) -> list[str]:
        """Store (encrypted) or clear S3 credentials of a bucket (default: the configured one)."""
        from stardust_tui.assets.store_config import parse_store_url, save_credentials
        from stardust_tui.delivery.urls import TargetSpec

        self.services.authorize("target.admin")
        spec = parse_store_url(url or self.services.settings.assets_url)
        if not isinstance(spec, TargetSpec):  # None (the home's folder) or a Path (another folder)
            raise ValidationError("credentials are for an s3:// asset store: set [assets] url or pass --url",
                                  where="asset credentials")
        return save_credentials(self.services.settings.paths, self.services.store_engine, spec, values)

    def check(self, url: str | None = None) -> str:
        """Reach a store (a bucket: HEAD bucket with the stored credentials); returns its URL."""
        backend = self._backend(url if url is not None else self.services.settings.assets_url)
        if backend.kind == "s3":
            backend.check()
        return backend.url

    def migrate(self, to: str, *, source: str | None = None, progress: Callable[[str, int, int], None] | None = None,
                cancel: threading.Event | None = None) -> MigrateReport:
        """Copy every asset of the catalog into the store at ``to`` (see the module docstring)."""
        from sqlmodel import Session, col, select

        from stardust_tui.domain.models import Asset

        self.services.authorize("target.admin")
        src = self._backend(source if source is not None else self.services.settings.assets_url)
        dst = self._backend(to)
        if src.url == dst.url and src.kind == dst.kind:
            raise ValidationError(f"the destination is the current store ({dst.url})", where="--to")
        if dst.kind == "s3":
            dst.check()
        report = MigrateReport(src.url, dst.url)
        with Session(self.services.store_engine) as s:
            rows = [(a.sha256, a.md5, a.size, a.original_name) for a in
                    s.exec(select(Asset).order_by(col(Asset.id))).all() if not a.sha256.startswith("ddexref-")]
        report.total = len(rows)
        for i, (sha, md5, size, name) in enumerate(rows, 1):
            if cancel is not None and cancel.is_set():
                break
            if progress is not None:
                progress(name or sha[:12], i, report.total)
            if dst.stat(sha) == size:
                report.present += 1
                continue
            if src.stat(sha) != size:
                report.missing.append(f"{sha[:12]} {name}: missing from {src.url}")
                continue
            try:
                if _server_copy(src, dst, sha, size):
                    report.server_side += 1
                else:
                    with _open(src, sha, size) as fh:
                        dst.put(fh, sha=sha, md5=md5, size=size)
            except (StardustError, OSError) as exc:
                report.failed.append(f"{sha[:12]} {name}: {exc}")
                continue
            report.copied += 1
            report.bytes_copied += size
        return report


def _open(backend: Any, sha: str, size: int) -> Any:
    if backend.kind == "local":
        return backend.path(sha).open("rb", buffering=0)
    return backend.object(sha, size).open("rb")


def _server_copy(src: Any, dst: Any, sha: str, size: int) -> bool:
    """Bucket to bucket on the same endpoint: a server-side copy, checked by size and ETag."""
    if src.kind != "s3" or dst.kind != "s3" or src.endpoint != dst.endpoint:
        return False
    head = src.head(sha)
    if head is None or not dst.copy_from(src, sha, size):
        return False
    dst.verify_stored(sha, size, {head.get("ETag", "").strip('"')})
    return True
