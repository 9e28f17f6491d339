"""The content-addressed asset store: one copy per distinct content, on a local folder or in a bucket.

:class:`AssetStore` is the one interface the catalog, imports, QC and deliveries use; the bytes live in
a backend chosen by ``[assets] url`` (see :mod:`.store_config`): the home's ``assets/`` folder by
default (:mod:`.local_backend`, unchanged layout ``<sha[:2]>/<sha[2:4]>/<sha256>``), or any
S3-compatible bucket (:mod:`.s3_backend`, same keys under the URL's prefix).

:meth:`AssetStore.add` hashes the file (MD5 and SHA-256 in one streaming pass), reads its technical facts,
stores it (local: copied into a temporary file in that same pass, then renamed; bucket: uploaded with
checksums, verified, nothing local kept) and records an :class:`~stardust_tui.domain.models.Asset` row.
Adding the same bytes again returns the existing row without storing anything. Nothing half-written is
left behind on any error. :meth:`AssetStore.locate` gives a stored file as a local path or a
:class:`~stardust_tui.assets.objects.StoredObject` that streams from the bucket.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from stardust_tui.assets.facts import read_facts
from stardust_tui.assets.local_backend import CHUNK, LocalBackend, copy_and_hash, hash_stream
from stardust_tui.assets.objects import StoredObject
from stardust_tui.domain.limits import ID
from stardust_tui.domain.models import Asset
from stardust_tui.errors import ConflictError, NotFoundError, StardustError, ValidationError

__all__ = ["CHUNK", "AssetStore", "copy_and_hash", "hash_file", "open_backend"]
Progress = Callable[[int, int], None]
_FACT_COLUMNS = ("kind", "container", "codec", "sample_rate", "bit_depth", "channels", "duration_seconds",
                 "wav_format_tag", "width", "height", "color_mode", "frame_rate", "bit_rate")


def hash_file(path: str | Path, progress: Progress | None = None) -> tuple[str, str, int]:
    """(sha256, md5, size) of a file, streamed."""
    return copy_and_hash(Path(path), None, progress)


def open_backend(paths: Any, url: str | None, engine: Any = None) -> Any:
    """The backend of ``url`` (None: the home's folder); a bucket's stored credentials are read through
    ``engine`` when the first request is made (or through the session given to :meth:`AssetStore.add`)."""
    from stardust_tui.assets.store_config import load_credentials, parse_store_url

    where = parse_store_url(url)
    if where is None:
        return LocalBackend(paths.assets_dir)
    if isinstance(where, Path):
        return LocalBackend(where)
    from stardust_tui.assets.s3_backend import S3Backend

    return S3Backend(where, (lambda: load_credentials(paths, engine, where)) if engine is not None else None)


class AssetStore:
    """Files of the catalog, stored once by SHA-256.

    ``AssetStore(settings, engine)`` uses the configured store (credentials read through ``engine``);
    ``AssetStore(paths)`` is the home's local folder (tests, tools that have no settings)."""

    def __init__(self, source: Any, engine: Any = None, *, backend: Any = None) -> None:
        if backend is not None:
            self.backend = backend
        elif hasattr(source, "paths"):  # Settings
            self.backend = open_backend(source.paths, getattr(source, "assets_url", None), engine)
        else:  # Paths: the store its config file names
            from stardust_tui.assets.store_config import configured_url

            self.backend = open_backend(source, configured_url(source), engine)
        self._engine = engine
        self._paths = source.paths if hasattr(source, "paths") else source

    def _bind(self, session: Session) -> None:
        """Read a bucket's credentials through this session's database when no engine was given."""
        if self._engine is None and not self.is_local:
            from stardust_tui.assets.store_config import load_credentials

            bind, paths, spec = session.get_bind(), self._paths, self.backend.spec
            self.backend.set_credentials(lambda: load_credentials(paths, bind, spec))

    @property
    def is_local(self) -> bool:
        return isinstance(self.backend, LocalBackend)

    @property
    def root(self) -> Path:
        """The folder of a local store."""
        if not self.is_local:
            raise StardustError(f"the asset store is {self.backend.url}, not a local folder")
        return self.backend.root

    @property
    def url(self) -> str:
        return self.backend.url

    def locate(self, asset: Asset) -> Path | StoredObject:
        """Where an asset's bytes are: a local path, or an object read over the network."""
        if self.is_local:
            return self.backend.path(asset.sha256)
        return self.backend.object(asset.sha256, asset.size, asset.original_name or "", asset.md5)

    def path_for(self, asset: Asset | str) -> Any:
        """:meth:`locate` (a SHA-256 gives the local path; callers that only read use either)."""
        if isinstance(asset, str):
            return self.backend.path(asset) if self.is_local else self.backend.object(asset, 0)
        return self.locate(asset)

    def present(self, asset: Asset) -> bool:
        return self.backend.stat(asset.sha256) == asset.size

    # -- adding -------------------------------------------------------------------------------------
    def add(self, session: Session, path: str | Path, progress: Progress | None = None) -> Asset:
        """Store the file at ``path`` (if new) and return its Asset row (flushed, with an id)."""
        src = Path(path).expanduser()
        if not src.exists():
            raise NotFoundError("no such file", where=str(src))
        if not src.is_file():
            raise ValidationError("not a regular file", where=str(src))
        if src.stat().st_size == 0:
            raise ValidationError("the file is empty: nothing to store", where=str(src))
        if self.is_local:
            return self._add_local(session, src, progress)
        self._bind(session)
        return self._add_remote(session, src, progress)

    def _add_local(self, session: Session, src: Path, progress: Progress | None) -> Asset:
        known = self._known_same_bytes(session, src, progress)
        if known is not None:
            return known
        out, tmp = self.backend.incoming()
        try:
            with out:
                sha, md5, size = copy_and_hash(src, out, progress)
                out.flush()
                import os

                os.fsync(out.fileno())
            existing = self.find(session, sha)
            if existing is not None:
                if not self.present(existing):  # repair a store file lost on disk
                    self.backend.place(tmp, sha)
                return existing
            facts = _facts(tmp, src)
            self.backend.place(tmp, sha)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        return self._record(session, sha=sha, md5=md5, size=size, name=src.name, facts=facts)

    def _add_remote(self, session: Session, src: Path, progress: Progress | None) -> Asset:
        """Hash the user's file, read its facts from it, upload it checked: no local copy is made."""
        size = src.stat().st_size
        half = None if progress is None else (lambda done, total: progress(done // 2, size))
        sha, md5, size = copy_and_hash(src, None, half)
        existing = self.find(session, sha)
        if existing is not None and self.present(existing):
            if progress is not None:
                progress(size, size)
            return existing
        facts = _facts(src, src) if existing is None else {}
        rest = None if progress is None else (lambda done, total: progress(size // 2 + done // 2, size))
        with src.open("rb") as fh:
            self.backend.put(fh, sha=sha, md5=md5, size=size, progress=rest)
        if existing is not None:  # the row was there, its object lost: now repaired
            return existing
        return self._record(session, sha=sha, md5=md5, size=size, name=src.name, facts=facts)

    def put_stream(self, fh: BinaryIO, asset: Asset, progress: Progress | None = None) -> bool:
        """Store an asset's bytes read from ``fh`` (migrate, restore), checked against its row."""
        return bool(self.backend.put(fh, sha=asset.sha256, md5=asset.md5, size=asset.size, progress=progress))

    def _known_same_bytes(self, session: Session, src: Path, progress: Progress | None) -> Asset | None:
        """When an asset of the same size exists, hash without copying: re-adding writes nothing."""
        size = src.stat().st_size
        if session.exec(select(Asset.id).where(Asset.size == size).limit(1)).first() is None:
            return None  # certainly new content: copy and hash in one pass
        sha, _md5, _size = hash_file(src, progress)
        existing = self.find(session, sha)
        if existing is not None and self.present(existing):
            return existing
        return None

    # -- reading ------------------------------------------------------------------------------------
    def find(self, session: Session, sha256: str) -> Asset | None:
        self._bind(session)
        return session.exec(select(Asset).where(Asset.sha256 == sha256)).first()

    def get(self, session: Session, ref: int | str) -> Asset:
        """An asset by id, full SHA-256, or a unique SHA-256 prefix of at least 6 characters."""
        text = str(ref).strip().lower()
        if text.isascii() and text.isdigit() and len(text) < 12:  # not "²" (isdigit, but no int)
            asset = session.get(Asset, int(text)) if ID.lo <= int(text) <= ID.hi else None
        elif len(text) == 64:
            asset = self.find(session, text)
        elif len(text) >= 6 and all(c in "0123456789abcdef" for c in text):
            rows = session.exec(select(Asset).where(Asset.sha256.startswith(text)).limit(2)).all()
            if len(rows) > 1:
                raise ValidationError(f"SHA-256 prefix {text!r} matches more than one asset", where="asset")
            asset = rows[0] if rows else None
        else:
            raise ValidationError(f"{ref!r} is neither an asset id nor a SHA-256 (prefix)", where="asset")
        if asset is None:
            raise NotFoundError(f"no asset {ref!r}", where="asset")
        return asset

    def open(self, asset: Asset) -> BinaryIO:
        """The stored bytes, streamed (a local file or ranged reads from the bucket)."""
        where = self.locate(asset)
        return where.open("rb") if isinstance(where, Path) else where.open("rb")

    def verify(self, asset: Asset) -> bool:
        """Re-hash the stored file: True when it is present and unchanged."""
        if self.backend.stat(asset.sha256) != asset.size:
            return False
        try:
            with self.open(asset) as fh:
                return hash_stream(fh)[0] == asset.sha256
        except (OSError, StardustError):
            return False

    def facts(self, asset: Asset) -> dict[str, Any]:
        """Re-read the stored file's facts (includes extras not kept as columns)."""
        if not self.present(asset):
            raise NotFoundError(f"asset {asset.sha256[:12]} is missing from the store",
                                where=str(self.locate(asset)))
        return read_facts(self.locate(asset), name=asset.original_name or None)

    def _record(self, session: Session, *, sha: str, md5: str, size: int, name: str, facts: dict) -> Asset:
        values: dict[str, Any] = {k: facts.get(k) for k in _FACT_COLUMNS}
        values["kind"] = values["kind"] or "other"
        asset = Asset(sha256=sha, md5=md5, size=size, original_name=name[:1000], **values)
        session.add(asset)
        try:
            session.flush()
        except IntegrityError:  # another process stored the same bytes between our check and insert
            raise ConflictError(f"asset {sha[:12]} was added by another process at the same time; run again",
                                where=name) from None
        return asset


def _facts(readable: Path, src: Path) -> dict[str, Any]:
    """Facts of the bytes at ``readable`` (the user's file or our temporary copy of it), errors naming ``src``."""
    try:
        facts = read_facts(readable, name=src.name)
    except StardustError as exc:  # name the user's file, not our temporary copy
        raise type(exc)(exc.message, where=str(src)) from None
    if facts.get("kind") == "other" and not facts.get("container"):
        suffix = src.suffix.lower().lstrip(".")
        if suffix:
            facts["container"] = suffix.upper()[:32]
    return facts
