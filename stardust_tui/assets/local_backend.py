"""The local-folder backend of the asset store: ``<root>/<sha[:2]>/<sha[2:4]>/<sha256>``, read-only files.

New bytes are copied into ``<root>/.incoming/`` while MD5 and SHA-256 are computed in the same pass
(:func:`copy_and_hash`), fsynced, then renamed into place (0444), so a store file is always complete.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from stardust_tui.errors import NotFoundError, StardustError, ValidationError

CHUNK = 1024 * 1024
Progress = Callable[[int, int], None]


def copy_and_hash(src: Path, dest: BinaryIO | None, progress: Progress | None = None) -> tuple[str, str, int]:
    """Stream ``src`` into the open binary file ``dest`` (or only hash when None); returns (sha256, md5, size)."""
    try:
        total = src.stat().st_size
        with src.open("rb", buffering=0) as fh:
            return hash_stream(fh, dest, progress, total)
    except FileNotFoundError:
        raise NotFoundError("no such file", where=str(src)) from None
    except IsADirectoryError:
        raise ValidationError("is a directory, not a file", where=str(src)) from None
    except PermissionError:
        raise StardustError("permission denied: cannot read the file", where=str(src)) from None
    except OSError as exc:
        raise StardustError(f"cannot read the file ({exc.strerror or exc})", where=str(src)) from None


def hash_stream(fh: BinaryIO, dest: BinaryIO | None = None, progress: Progress | None = None,
                total: int = 0) -> tuple[str, str, int]:
    """(sha256, md5, size) of what ``fh`` yields, copying it to ``dest`` when given; 1 MiB in memory."""
    sha, md5 = hashlib.sha256(), hashlib.md5(usedforsecurity=False)
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    done = 0
    while n := fh.readinto(buf):  # type: ignore[attr-defined]
        chunk = view[:n]
        sha.update(chunk)
        md5.update(chunk)
        if dest is not None:
            dest.write(chunk)
        done += n
        if progress is not None:
            progress(done, total)
    return sha.hexdigest(), md5.hexdigest(), done


class LocalBackend:
    """Assets in a folder on this machine."""

    kind = "local"

    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def url(self) -> str:
        return str(self.root)

    def path(self, sha: str) -> Path:
        return self.root / sha[:2] / sha[2:4] / sha

    def stat(self, sha: str) -> int | None:
        try:
            return self.path(sha).stat().st_size
        except OSError:
            return None

    def incoming(self) -> tuple[BinaryIO, Path]:
        """A new temporary file in the store's ``.incoming/`` folder (same filesystem as the store)."""
        tmp_dir = self.root / ".incoming"
        try:
            tmp_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StardustError(f"cannot create the asset store ({exc.strerror})", where=str(tmp_dir)) from None
        fd, name = tempfile.mkstemp(dir=tmp_dir, prefix="add-")
        return os.fdopen(fd, "wb"), Path(name)

    def place(self, tmp: Path, sha: str) -> None:
        """Rename a complete temporary file into place, read-only."""
        final = self.path(sha)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(tmp, 0o444)  # stored files are never modified in place
        os.replace(tmp, final)

    def put(self, fh: BinaryIO, *, sha: str, md5: str, size: int, progress: Progress | None = None) -> bool:
        """Store bytes read from ``fh`` (checked against ``sha``/``md5``/``size``); False when already there."""
        if self.stat(sha) == size:
            return False
        out, tmp = self.incoming()
        try:
            with out:
                got = hash_stream(fh, out, progress, size)
                out.flush()
                os.fsync(out.fileno())
            if got != (sha, md5, size):
                raise StardustError(f"asset {sha[:12]}: the bytes read do not match its SHA-256/MD5/size; "
                                    "nothing was stored", where=str(self.path(sha)))
            self.place(tmp, sha)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        return True

    def keys(self) -> Iterator[tuple[str, int]]:
        """(sha256, size) of every stored file."""
        if not self.root.is_dir():
            return
        for p in sorted(self.root.glob("??/??/*")):
            if len(p.name) == 64 and p.is_file():
                yield p.name, p.stat().st_size

    def delete(self, sha: str) -> None:
        p = self.path(sha)
        with contextlib.suppress(FileNotFoundError):
            os.chmod(p, 0o644)
            p.unlink()
