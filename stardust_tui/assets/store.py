"""The content-addressed asset store: ``assets/<sha[:2]>/<sha[2:4]>/<sha256>``, one copy per distinct content.

:meth:`AssetStore.add` copies a file in 1 MiB chunks while computing MD5 and SHA-256 in the same pass
(memory use does not grow with the file), reads its technical facts from the temporary copy, then
renames it into place and records an :class:`~stardust_tui.domain.models.Asset` row. Adding the same bytes
again returns the existing row without writing anything (a stored asset of the same size triggers a
hash-only pass first). Nothing half-written is left behind on any error.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from stardust_tui.assets.facts import read_facts
from stardust_tui.domain.limits import ID
from stardust_tui.domain.models import Asset
from stardust_tui.errors import ConflictError, NotFoundError, StardustError, ValidationError
from stardust_tui.paths import Paths

CHUNK = 1024 * 1024
Progress = Callable[[int, int], None]
_FACT_COLUMNS = ("kind", "container", "codec", "sample_rate", "bit_depth", "channels", "duration_seconds",
                 "wav_format_tag", "width", "height", "color_mode", "frame_rate", "bit_rate")


def copy_and_hash(src: Path, dest: BinaryIO | None, progress: Progress | None = None) -> tuple[str, str, int]:
    """Stream ``src`` into the open binary file ``dest`` (or only hash when None); returns (sha256, md5, size)."""
    sha, md5 = hashlib.sha256(), hashlib.md5(usedforsecurity=False)
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    done = 0
    try:
        total = src.stat().st_size
        with src.open("rb", buffering=0) as fh:
            while n := fh.readinto(buf):
                chunk = view[:n]
                sha.update(chunk)
                md5.update(chunk)
                if dest is not None:
                    dest.write(chunk)
                done += n
                if progress is not None:
                    progress(done, total)
    except FileNotFoundError:
        raise NotFoundError("no such file", where=str(src)) from None
    except IsADirectoryError:
        raise ValidationError("is a directory, not a file", where=str(src)) from None
    except PermissionError:
        raise StardustError("permission denied: cannot read the file", where=str(src)) from None
    except OSError as exc:
        raise StardustError(f"cannot read the file ({exc.strerror or exc})", where=str(src)) from None
    return sha.hexdigest(), md5.hexdigest(), done


def hash_file(path: str | Path, progress: Progress | None = None) -> tuple[str, str, int]:
    """(sha256, md5, size) of a file, streamed."""
    return copy_and_hash(Path(path), None, progress)


class AssetStore:
    """Files of the catalog, stored once by SHA-256 under ``paths.assets_dir``."""

    def __init__(self, paths: Paths) -> None:
        self.root = paths.assets_dir

    def path_for(self, asset: Asset | str) -> Path:
        sha = asset if isinstance(asset, str) else asset.sha256
        return self.root / sha[:2] / sha[2:4] / sha

    def add(self, session: Session, path: str | Path, progress: Progress | None = None) -> Asset:
        """Store the file at ``path`` (if new) and return its Asset row (flushed, with an id)."""
        src = Path(path).expanduser()
        if not src.exists():
            raise NotFoundError("no such file", where=str(src))
        if not src.is_file():
            raise ValidationError("not a regular file", where=str(src))
        if src.stat().st_size == 0:
            raise ValidationError("the file is empty: nothing to store", where=str(src))
        known = self._known_same_bytes(session, src, progress)
        if known is not None:
            return known
        tmp_dir = self.root / ".incoming"
        try:
            tmp_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StardustError(f"cannot create the asset store ({exc.strerror})", where=str(tmp_dir)) from None
        fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix="add-")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                sha, md5, size = copy_and_hash(src, out, progress)
                out.flush()
                os.fsync(out.fileno())
            existing = self.find(session, sha)
            if existing is not None:
                if not self.path_for(existing).exists():  # repair a store file lost on disk
                    self._move_into_place(tmp, sha)
                return existing
            try:
                facts = read_facts(tmp, name=src.name)
            except StardustError as exc:  # name the user's file, not our temporary copy
                raise type(exc)(exc.message, where=str(src)) from None
            if facts.get("kind") == "other" and not facts.get("container"):
                facts.update(_facts_from_name(src))
            self._move_into_place(tmp, sha)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        return self._record(session, sha=sha, md5=md5, size=size, name=src.name, facts=facts)

    def _known_same_bytes(self, session: Session, src: Path, progress: Progress | None) -> Asset | None:
        """When an asset of the same size exists, hash without copying: re-adding writes nothing."""
        size = src.stat().st_size
        if session.exec(select(Asset.id).where(Asset.size == size).limit(1)).first() is None:
            return None  # certainly new content: copy and hash in one pass
        sha, _md5, _size = hash_file(src, progress)
        existing = self.find(session, sha)
        if existing is not None and self.path_for(existing).is_file():
            return existing
        return None

    def find(self, session: Session, sha256: str) -> Asset | None:
        return session.exec(select(Asset).where(Asset.sha256 == sha256)).first()

    def get(self, session: Session, ref: int | str) -> Asset:
        """An asset by id, full SHA-256, or a unique SHA-256 prefix of at least 6 characters."""
        text = str(ref).strip().lower()
        if text.isascii() and text.isdigit() and len(text) < 12:  # not "²" (isdigit, but no int)
            asset = session.get(Asset, int(text)) if ID.lo <= int(text) <= ID.hi else None
        elif len(text) == 64:
            asset = self.find(session, text)
        elif len(text) >= 6 and all(c in "0123456789abcdef" for c in text):
            rows = session.exec(select(Asset).where(Asset.sha256.startswith(text)).limit(2)).all()  # type: ignore[attr-defined]
            if len(rows) > 1:
                raise ValidationError(f"SHA-256 prefix {text!r} matches more than one asset", where="asset")
            asset = rows[0] if rows else None
        else:
            raise ValidationError(f"{ref!r} is neither an asset id nor a SHA-256 (prefix)", where="asset")
        if asset is None:
            raise NotFoundError(f"no asset {ref!r}", where="asset")
        return asset

    def verify(self, asset: Asset) -> bool:
        """Re-hash the stored file: True when it is present and unchanged."""
        p = self.path_for(asset)
        return p.is_file() and hash_file(p)[0] == asset.sha256

    def facts(self, asset: Asset) -> dict[str, Any]:
        """Re-read the stored file's facts (includes extras not kept as columns)."""
        p = self.path_for(asset)
        if not p.is_file():
            raise NotFoundError(f"asset {asset.sha256[:12]} is missing from the store", where=str(p))
        return read_facts(p)

    def _move_into_place(self, tmp: Path, sha: str) -> None:
        final = self.path_for(sha)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(tmp, 0o444)  # stored files are never modified in place
        os.replace(tmp, final)

    def _record(self, session: Session, *, sha: str, md5: str, size: int, name: str, facts: dict) -> Asset:
        values = {k: facts.get(k) for k in _FACT_COLUMNS}
        values["kind"] = values["kind"] or "other"
        asset = Asset(sha256=sha, md5=md5, size=size, original_name=name[:1000], **values)
        session.add(asset)
        try:
            session.flush()
        except IntegrityError:  # another process stored the same bytes between our check and insert
            raise ConflictError(f"asset {sha[:12]} was added by another process at the same time; run again",
                                where=name) from None
        return asset


def _facts_from_name(src: Path) -> dict[str, Any]:
    suffix = src.suffix.lower().lstrip(".")
    return {"container": suffix.upper()[:32]} if suffix else {}
