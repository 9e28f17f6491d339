"""Stored files that are not on this machine's disk: a seekable reader over ranged reads of an object.

An asset in an object store is a :class:`StoredObject`: its size, where it is (for messages), whether
it exists, and :meth:`StoredObject.open`, which returns a :class:`RangeReader` — a read-only, seekable
binary file whose bytes come from ranged GETs. Sequential reads fetch growing blocks (64 KiB up to
8 MiB), a seek starts small again, so parsers that jump around (mutagen, libsndfile, Pillow, the MP4
box reader) and a delivery streaming a 2 GB file both work with a bounded buffer and no local copy.

:func:`readable` gives a library either the local path (fast, as before) or such a stream.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, Protocol, runtime_checkable

MIN_BLOCK = 64 * 1024
MAX_BLOCK = 8 * 1024 * 1024
Fetch = Callable[[int, int], bytes]  # (offset, length) -> exactly those bytes


@runtime_checkable
class StoredObject(Protocol):
    """A file of the asset store that is read over the network (an S3 object)."""

    size: int
    name: str  # the user's file name, for messages and suffix checks

    def open(self, mode: str = "rb", offset: int = 0) -> BinaryIO: ...

    def exists(self) -> bool: ...


def is_stored_object(value: Any) -> bool:
    """True for a :class:`StoredObject` (not a path)."""
    return not isinstance(value, (str, Path)) and isinstance(value, StoredObject)


class RangeReader(io.RawIOBase):
    """A seekable read-only file over ``fetch(offset, length)``; holds at most one block in memory."""

    def __init__(self, fetch: Fetch, size: int, name: str = "", offset: int = 0) -> None:
        super().__init__()
        self._fetch = fetch
        self.size = size
        self.name = name
        self._pos = offset
        self._buf = b""
        self._buf_start = 0
        self._next = MIN_BLOCK

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        pos = base + offset
        if pos < 0:
            raise OSError(22, "negative seek position")
        self._pos = pos
        return pos

    def readinto(self, b: Any) -> int:
        """Fill ``b`` as far as the object goes (never a short read before the end: C readers such as
        libsndfile take a short read for the end of the file)."""
        view = memoryview(b).cast("B")
        done = 0
        while done < len(view):
            n = self._read_some(view[done:])
            if n == 0:
                break
            done += n
        return done

    def _read_some(self, b: memoryview) -> int:
        if self.closed:
            raise ValueError("I/O operation on closed file")
        want = len(b)
        if want == 0 or self._pos >= self.size:
            return 0
        end = self._buf_start + len(self._buf)
        if not (self._buf_start <= self._pos < end):
            sequential = self._pos == end and self._buf
            self._next = min(self._next * 2, MAX_BLOCK) if sequential else MIN_BLOCK
            length = min(max(self._next, want if want <= MAX_BLOCK else MAX_BLOCK), self.size - self._pos)
            self._buf = b""  # drop the old block first: one block in memory
            self._buf = self._fetch(self._pos, length)
            self._buf_start = self._pos
            if not self._buf:
                return 0
        start = self._pos - self._buf_start
        n = min(want, len(self._buf) - start)
        b[:n] = self._buf[start:start + n]
        self._pos += n
        return n

    def close(self) -> None:
        self._buf = b""
        super().close()


def blocks(fh: BinaryIO, chunk: int = 1024 * 1024) -> Iterator[bytes]:
    """A file's bytes from its current position, in blocks."""
    while block := fh.read(chunk):
        yield block


@contextlib.contextmanager
def readable(source: Path | str | StoredObject) -> Iterator[Any]:
    """What a decoding library opens: a local path as it is, or an open stream of a stored object."""
    if isinstance(source, (str, Path)):
        yield source
        return
    with source.open("rb") as fh:
        yield fh


def display(source: Path | str | StoredObject) -> str:
    """Where a source is, for messages."""
    return str(source)
