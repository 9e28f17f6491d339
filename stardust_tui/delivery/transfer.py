"""The local side of a transfer: the file being sent (a local file or an object of the asset store), its
MD5, progress metering and the download sink.

:class:`Source` is the local file an upload sends (checked against the size the delivery expects,
its MD5 computed unless the asset store already knows it); transports read it from an offset through
:meth:`Source.blocks` / :meth:`Source.reader`, which count every block on a :class:`ProgressMeter`
(throttled progress reports, cancellation, a bandwidth cap). :class:`Sink` is the local file a
download writes, counted on a meter the same way.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from stardust_tui.delivery.errors import TransportPermanentError, TransportTransientError

ProgressCallback = Callable[[int, int, float], None]
CHUNK = 1024 * 1024


def file_md5(path: Path, start: int = 0, length: int | None = None) -> str:
    """MD5 of a file (or of ``length`` bytes from ``start``), read in 1 MiB blocks."""
    h = hashlib.md5(usedforsecurity=False)
    left = length
    with open(path, "rb") as fh:
        fh.seek(start)
        while left is None or left > 0:
            block = fh.read(CHUNK if left is None else min(CHUNK, left))
            if not block:
                break
            h.update(block)
            if left is not None:
                left -= len(block)
    return h.hexdigest()


class ProgressMeter:
    """Counts transferred bytes: throttled ``progress(done, total, rate)`` calls (≤ ~10/s, plus the end),
    cancellation, sticky aborts, and an optional bandwidth cap (``max_rate`` bytes/s). Thread-safe:
    multipart uploads report from several threads."""

    def __init__(
        self,
        callback: ProgressCallback | None,
        total: int,
        start: int = 0,
        cancel: threading.Event | None = None,
        max_rate: float | None = None,
    ) -> None:
        self.callback = callback
        self.cancel = cancel
        self.max_rate = max_rate
        self.total = total
        self.done = start
        self._start_bytes = start
        self._t0 = time.monotonic()
        self._last = 0.0
        self._last_bytes = start
        self._lock = threading.Lock()
        self.error: BaseException | None = None

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self._t0
        return (self.done - self._start_bytes) / elapsed if elapsed > 0 else 0.0

    def add(self, n: int) -> None:
        """Count ``n`` more bytes (negative when a library rewinds for a retry)."""
        with self._lock:
            if self.error is not None:  # sticky: a library that retries after our exception must not go on
                raise self.error
            if self.cancel is not None and self.cancel.is_set():
                self.error = TransportTransientError("transfer cancelled")
                raise self.error
            self.done += n
            now = time.monotonic()
            due = self.done >= self.total or now - self._last >= 0.1 or self.done - self._last_bytes >= 4 * CHUNK
            if self.callback is not None and due:
                self._last, self._last_bytes = now, self.done
                try:
                    self.callback(max(0, min(self.done, self.total)), self.total, self.rate)
                except BaseException as exc:
                    self.error = exc
                    raise
            ahead = (self.done - self._start_bytes) / self.max_rate - (now - self._t0) if self.max_rate else 0.0
        if ahead > 0:  # over the cap: wait (in slices, so a cancel still stops it soon)
            deadline = time.monotonic() + ahead
            while (left := deadline - time.monotonic()) > 0:
                if self.cancel is not None and self.cancel.wait(min(left, 0.1)):
                    break
                if self.cancel is None:
                    time.sleep(min(left, 0.1))

    def check(self) -> None:
        """Re-raise a callback's exception (or the cancellation) that a library swallowed."""
        if self.error is not None:
            raise self.error

    def set(self, done: int) -> None:
        self.add(done - self.done)


@dataclass(frozen=True)
class Source:
    """The file an upload sends: a local file (``path``), or an object of the asset store (``stored``, a
    :class:`~stardust_tui.assets.objects.StoredObject`: read by ranged reads, no local copy; issue 12)."""

    path: Path | None
    size: int
    md5: str
    stored: Any = None

    @property
    def local(self) -> Path:
        """The local file (a source that is an object of the asset store has none)."""
        if self.path is None:
            raise ValueError("this source is an object of the asset store, not a local file")
        return self.path

    def open(self, offset: int = 0) -> BinaryIO:
        """The bytes from ``offset`` as a seekable binary file (the caller closes it)."""
        if self.stored is not None:
            fh: BinaryIO = self.stored.open("rb")
        elif self.path is not None:
            fh = open(self.path, "rb")  # noqa: SIM115 - the caller closes it
        else:
            raise ValueError("a Source has a path or a stored object")
        fh.seek(offset)
        return fh

    @classmethod
    async def prepare(cls, local_path: Any, md5: str | None, size: int | None) -> Source:
        """Check the file exists with the expected size; compute its MD5 (in a thread) unless given."""
        if not isinstance(local_path, (str, Path)):  # an object of the asset store
            return await cls._prepare_stored(local_path, md5, size)
        local = Path(local_path)
        if not local.is_file():
            raise TransportPermanentError(f"local file not found: {local}")
        real = local.stat().st_size
        if size is not None and size != real:
            raise TransportPermanentError(f"{local}: size is {real} bytes, the delivery expected {size}")
        if md5 is None:
            md5 = await asyncio.to_thread(file_md5, local)
        return cls(local, real, md5.lower())

    @classmethod
    async def _prepare_stored(cls, stored: Any, md5: str | None, size: int | None) -> Source:
        if not await asyncio.to_thread(stored.exists):
            raise TransportPermanentError(f"stored file not found: {stored}")
        if size is not None and size != stored.size:
            raise TransportPermanentError(f"{stored}: size is {stored.size} bytes, the delivery expected {size}")
        if md5 is None:
            def digest() -> str:
                h = hashlib.md5(usedforsecurity=False)
                with stored.open("rb") as fh:
                    while block := fh.read(CHUNK):
                        h.update(block)
                return h.hexdigest()

            md5 = await asyncio.to_thread(digest)
        return cls(None, stored.size, md5.lower(), stored)

    def blocks(self, offset: int, meter: ProgressMeter, chunk: int = CHUNK) -> Iterator[bytes]:
        """The file from ``offset`` in blocks; each is counted once the consumer asks for the next."""
        meter.check()
        with self.open(offset) as fh:
            while block := fh.read(chunk):
                yield block
                meter.add(len(block))

    def reader(self, offset: int, meter: ProgressMeter) -> BlockReader:
        """A file-like ``read()`` over :meth:`blocks`, for libraries that pull from a file object."""
        return BlockReader(self.blocks(offset, meter))


class BlockReader:
    """``read()`` returns the next block (whatever size was asked for) and ``b""`` at the end."""

    def __init__(self, blocks: Iterator[bytes]) -> None:
        self._blocks = blocks

    def read(self, _size: int = -1) -> bytes:
        return next(self._blocks, b"")


class Sink:
    """The local ``.part`` file of a download, counted on a meter: a cancelled download stops at its next
    block, and the target's bandwidth cap applies to downloads too."""

    def __init__(self, fh: BinaryIO, meter: ProgressMeter) -> None:
        self._fh = fh
        self._meter = meter

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._meter.add(0)  # raises once the download is cancelled
        n = self._fh.write(data)
        self._meter.add(n)
        return n

    def seekable(self) -> bool:  # written strictly in order (S3/Azure SDKs then do not seek around)
        return False
