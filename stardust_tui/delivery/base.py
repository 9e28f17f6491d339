"""The transport contract: remote paths, and the one upload and download sequence all protocols share.

A :class:`Transport` is one connection to one delivery target (see :mod:`stardust_tui.delivery.urls`).
It is async to the caller; blocking libraries run in a thread through :meth:`Transport._blocking`
(one call at a time per transport, so a clean-up never overlaps a transfer that is still stopping).
Remote paths are relative to the target's base path (a leading ``/`` is ignored) and use ``/``.

**Upload** (:meth:`Transport.upload`), written once here the way rclone's ``operations.Copy`` is for
its backends; each transport supplies primitives only:

1. *prepare*: the local file must exist with the size the delivery expects; its MD5 is computed unless
   given (:class:`~stardust_tui.delivery.transfer.Source`).
2. *stage name*, by the transport's ``publish`` mode: ``"rename"`` writes a hidden temporary name next
   to the final one (:func:`temp_name`, tied to the content's MD5 so only the same bytes are ever
   resumed); ``"commit"`` stages on the final name, invisibly until committed (Azure blocks);
   ``"direct"`` writes the final name, which appears complete when the write ends (one S3 PUT or
   CompleteMultipartUpload; a REST receiver without a rename endpoint).
3. *resume*: when ``CAN_RESUME``, :meth:`Transport._staged` says how many leading bytes are already
   staged and match (a partial temp file's size, an S3 multipart upload's matching parts, Azure's
   staged blocks); a partial larger than the file is removed.
4. *write*: :meth:`Transport._write_stage` sends the rest, reading the source through a
   :class:`~stardust_tui.delivery.transfer.ProgressMeter` (progress, cancel, bandwidth cap).
5. *verify*: :meth:`Transport._inspect` reports the staged size and, where the server can say, whether
   its hash matches (local MD5, FTP ``XMD5``, S3 ETag, the REST receiver's MD5, Azure's per-block
   checked MD5). A mismatch removes what was staged (in ``direct`` mode the object just written) and
   raises :class:`TransportIntegrityError`, which the worker retries.
6. *publish*: ``rename`` → :meth:`Transport.rename` (server-side rename, S3 copy + delete, the REST
   rename endpoint); ``commit`` → :meth:`Transport._commit`; ``direct``: nothing left to do.

An interrupted upload (an error, a progress callback raising, a killed worker, a cancelled task) leaves
what it staged for the next attempt to resume. An upload the *user* cancelled is cleaned up with
:meth:`Transport.discard_upload`, which removes the temporary name or aborts an open multipart upload,
never a final name.

**Download** (:meth:`Transport.download`, for ACK files): the transport's :meth:`Transport._read_into`
writes ``.<name>.part`` beside the local file, which is fsynced and ``os.replace``-d onto the name; the
``.part`` is removed when the download fails or is cancelled.

Primitives: ``connect``/``close``, ``stat``, ``list``, ``mkdir``, ``remove``, ``rename``, ``_write_stage``
(write from an offset), ``_inspect`` (size, and the remote hash if any), ``_read_into`` (download); where
the defaults do not fit, ``_staged``, ``_commit`` and ``_abandon``. Flags the sequence reads:
``CAN_RESUME`` and ``PUBLISH`` (the ``publish`` property, where a target's URL options choose).

Progress callbacks are called as ``progress(bytes_done, bytes_total, rate_bytes_per_s)`` from the thread
doing the transfer (so they must be thread-safe); an exception raised in one aborts the upload and
propagates unchanged. Errors (:mod:`stardust_tui.delivery.errors`) and remote path helpers
(:mod:`stardust_tui.delivery.remote`) are re-exported here.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, ClassVar, Literal, Self, TypeVar, cast

from stardust_tui.delivery.errors import (
    HostKeyError,
    TlsVerifyError,
    TransportAuthError,
    TransportError,
    TransportIntegrityError,
    TransportPermanentError,
    TransportTransientError,
)
from stardust_tui.delivery.remote import (
    TEMP_SUFFIX,
    clean_path,
    final_name,
    join,
    login_relative,
    parent_of,
    temp_name,
)
from stardust_tui.delivery.transfer import ProgressCallback, ProgressMeter, Sink, Source
from stardust_tui.secrets import Secret

if TYPE_CHECKING:
    from stardust_tui.delivery.urls import TargetSpec

__all__ = [
    "HostKeyError", "Inspected", "Publish", "RemoteEntry", "SECRET_KEYS", "Staged", "TEMP_SUFFIX",
    "TlsVerifyError", "Transport", "TransportAuthError", "TransportError", "TransportIntegrityError",
    "TransportPermanentError", "TransportTransientError", "UploadResult", "Written", "clean_path", "final_name", "join",
    "login_relative", "parent_of", "temp_name",
]

T = TypeVar("T")
Publish = Literal["rename", "commit", "direct"]

# Keys a transport may look up in its secrets dict.
SECRET_KEYS = (
    "password",  # FTP/FTPS/SFTP password, REST basic-auth password
    "key_passphrase",  # SFTP private key passphrase
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "azure_connection_string",
    "azure_sas_token",
    "azure_account_key",
    "token",  # REST bearer token
    "api_key",  # REST API key, sent in the header named by the target's ?api_key_header= (X-API-Key)
    "ack_token",  # not sent anywhere: the DSP's bearer token for POST /acks/{target} of `stardust serve`
)


@dataclass(frozen=True)
class RemoteEntry:
    """One name in a remote folder listing; ``size`` is None for folders or when unknown."""

    name: str
    is_dir: bool = False
    size: int | None = None


@dataclass(frozen=True)
class UploadResult:
    """What an upload did: final path, bytes, whether a hash was checked remotely, and the resumed offset."""

    remote_path: str
    size: int
    md5: str
    verified_hash: bool
    resumed_from: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class Staged:
    """What an earlier attempt left at the stage: ``offset`` leading bytes that match, and the
    transport's own note for continuing (an S3 upload id and its parts)."""

    offset: int = 0
    state: Any = None


@dataclass(frozen=True)
class Written:
    """What a write did: where it started, whether the server checked a hash of the bytes as they
    arrived (S3 Content-MD5 / part checksums, Azure block MD5s), and the transport's own note."""

    resumed_from: int = 0
    server_checked: bool = False
    state: Any = None


@dataclass(frozen=True)
class Inspected:
    """The staged copy as the server reports it: size, and whether its hash matches the source
    (None: the server cannot say); ``hash_detail`` names the remote hash for error messages."""

    size: int | None
    hash_ok: bool | None = None
    hash_detail: str = ""


class Transport(ABC):
    """One connection to a delivery target. Use as ``async with transport: ...``."""

    SCHEMES: ClassVar[tuple[str, ...]] = ()
    CAN_RESUME: ClassVar[bool] = False  # _staged() finds what an interrupted upload left, to continue from
    PUBLISH: ClassVar[Publish] = "rename"  # how a verified upload gets its final name (see the module doc)

    def __init__(self, spec: TargetSpec, secrets: Mapping[str, Secret] | None = None) -> None:
        self.spec = spec
        self._secrets = dict(secrets or {})
        self._made_dirs: set[str] = set()
        self._io_lock = threading.Lock()

    @property
    def publish(self) -> Publish:
        """This target's publish mode (a class's default, or chosen by the target's URL options)."""
        return self.PUBLISH

    @property
    def max_rate(self) -> float | None:
        """The target's bandwidth cap in bytes/s (``?max_rate=`` in MB/s), or None."""
        value = self.spec.option("max_rate")
        return float(value) * 1e6 if value else None

    def secret(self, key: str) -> str | None:
        value = self._secrets.get(key)
        if value is None:
            return None
        return value.reveal() if isinstance(value, Secret) else str(value)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.spec.display}>"

    async def __aenter__(self) -> Self:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- primitives every transport supplies ------------------------------------------------------
    @abstractmethod
    async def connect(self) -> None: ...

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def list(self, path: str = "") -> list[RemoteEntry]: ...

    @abstractmethod
    async def stat(self, path: str) -> int | None:
        """Size in bytes of a remote file, or None when it does not exist (or is a folder)."""

    @abstractmethod
    async def mkdir(self, path: str) -> None:
        """Create a folder and its parents; no error if it exists."""

    @abstractmethod
    async def remove(self, path: str) -> None:
        """Delete a file (or an empty folder); no error if it is already gone."""

    @abstractmethod
    async def rename(self, src: str, dst: str) -> None:
        """Rename a file, replacing ``dst`` if it exists."""

    @abstractmethod
    async def _write_stage(self, stage: str, src: Source, staged: Staged, meter: ProgressMeter) -> Written:
        """Write ``src`` from ``staged.offset`` to ``stage``, counting bytes on ``meter``."""

    @abstractmethod
    async def _read_into(self, path: str, sink: BinaryIO) -> None:
        """Write the remote file's bytes into ``sink``; a missing file is a TransportPermanentError."""

    # -- primitives with defaults ------------------------------------------------------------------
    async def _staged(self, stage: str, src: Source) -> Staged:
        """What an interrupted upload left at ``stage`` (read only when ``CAN_RESUME``): its size."""
        have = await self.stat(stage)
        if have is None:
            return Staged()
        if have > src.size:  # not a prefix of this file: start again
            await self.remove(stage)
            return Staged()
        return Staged(have)

    async def _inspect(self, stage: str, src: Source, written: Written) -> Inspected:
        """The staged copy's size (and hash check, where the server offers one)."""
        return Inspected(await self.stat(stage))

    async def _commit(self, stage: str, src: Source, written: Written) -> None:
        """Make staged data appear under its final name (``publish == "commit"`` only)."""
        raise NotImplementedError(f"{type(self).__name__} has no commit step")

    async def _abandon(self, stage: str) -> None:
        """Remove what an unfinished upload staged (never a final name): the temporary file."""
        if self.publish == "rename":
            await self.remove(stage)

    def _on_cancel(self) -> None:
        """A transfer was cancelled mid-way (connection-based transports drop the connection)."""
        self._made_dirs.clear()

    # -- the sequence -----------------------------------------------------------------------------
    def _stage_name(self, final: str, md5: str) -> str:
        return temp_name(final, md5) if self.publish == "rename" else final

    async def upload(
        self,
        local_path: str | Path,
        remote_path: str,
        *,
        md5: str | None = None,
        size: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> UploadResult:
        """Send a file to ``remote_path``: stage, resume, write, verify, publish (see the module doc)."""
        src = await Source.prepare(local_path, md5, size)
        final = clean_path(remote_path)
        stage = self._stage_name(final, src.md5)
        t0 = time.monotonic()
        await self.ensure_parent(final)
        staged = await self._staged(stage, src) if self.CAN_RESUME else Staged()
        cancel = threading.Event()
        meter = ProgressMeter(progress, src.size, staged.offset, cancel, self.max_rate)
        try:
            written = await self._cancellable(self._write_stage(stage, src, staged, meter), cancel)
        except TransportError:
            meter.check()  # a progress callback's own exception comes out unchanged, not the library's wrapper
            raise
        meter.check()
        found = await self._inspect(stage, src, written)
        problem = None
        if found.size != src.size:
            problem = f"remote size {found.size} != local size {src.size}"
        elif found.hash_ok is False:
            problem = f"{found.hash_detail} != expected MD5 {src.md5}"
        if problem is not None:
            await self._remove_bad(stage)
            raise TransportIntegrityError(f"{problem}; the uploaded copy was removed", where=final)
        if self.publish == "rename":
            await self.rename(stage, final)
        elif self.publish == "commit":
            await self._commit(stage, src, written)
        return UploadResult(final, src.size, src.md5, bool(found.hash_ok) or written.server_checked,
                            written.resumed_from, time.monotonic() - t0)

    async def _remove_bad(self, stage: str) -> None:
        try:
            await self._abandon(stage)
            if self.publish == "direct":  # the object is already visible under its final name
                await self.remove(stage)
        except TransportError:
            pass  # the integrity error matters more; the next attempt replaces the copy anyway

    async def discard_upload(self, remote_path: str, md5: str) -> None:
        """Clean up after an upload the user cancelled: remove its temporary name (or abort the open
        multipart upload). A crash or a worker stopping does not call this: the next attempt resumes."""
        await self._abandon(self._stage_name(clean_path(remote_path), md5.lower()))

    async def download(self, remote_path: str, local_path: str | Path) -> int:
        """Fetch a remote file to ``local_path`` (temp name, fsync, rename); returns its size."""
        local = Path(local_path)
        tmp = local.with_name(f".{local.name}{TEMP_SUFFIX}")
        cancel = threading.Event()
        sink_meter = ProgressMeter(None, 0, 0, cancel, self.max_rate)
        fh = await asyncio.to_thread(open, tmp, "wb")
        try:
            try:
                sink = cast(BinaryIO, Sink(fh, sink_meter))  # the write side of a binary file: all readers use
                await self._cancellable(self._read_into(clean_path(remote_path), sink), cancel)
                await asyncio.to_thread(_flush_and_sync, fh)
            finally:
                fh.close()
            await asyncio.to_thread(os.replace, tmp, local)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return local.stat().st_size

    # -- helpers for transports --------------------------------------------------------------------
    async def _blocking(self, fn: Callable[[], T]) -> T:
        """Run blocking library work in a thread, one call at a time on this transport: a call made
        after a cancelled transfer (the clean-up) waits until that transfer's thread has stopped."""
        def locked() -> T:
            with self._io_lock:
                return fn()

        return await asyncio.to_thread(locked)

    async def _cancellable(self, work: Awaitable[T], cancel: threading.Event) -> T:
        """Await a transfer running in a thread; if we are cancelled, stop it at its next block.

        (A thread cannot be killed, and ``asyncio.run`` waits for executor threads on exit: without
        this a cancelled 2 GB upload would keep a stopping worker alive until it finished.)
        """
        try:
            return await work
        except asyncio.CancelledError:
            cancel.set()
            self._on_cancel()
            raise

    async def ensure_parent(self, remote_path: str) -> None:
        """mkdir the parent of ``remote_path`` once per connection."""
        parent = parent_of(remote_path)
        if parent and parent not in self._made_dirs:
            await self.mkdir(parent)
            self._made_dirs.add(parent)


def _flush_and_sync(fh: BinaryIO) -> None:
    fh.flush()
    os.fsync(fh.fileno())
