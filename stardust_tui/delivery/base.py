"""The transport interface every delivery protocol implements, its errors and shared helpers.

A :class:`Transport` is one connection to one delivery target (see :mod:`stardust_tui.delivery.urls`).
It is async to the caller; blocking libraries run in ``asyncio.to_thread``. Remote paths are always
relative to the target's base path (a leading ``/`` is ignored) and use ``/`` separators.

``upload`` never leaves a half-written file under its final name: it writes a temporary name (see
:func:`temp_name`) or an invisible staging area, verifies remote size (and hash where the protocol
offers one), then makes the final name appear. Errors are split so the worker can decide:
:class:`TransportAuthError` and other :class:`TransportPermanentError` fail fast,
:class:`TransportTransientError` (network, timeouts, server busy, a hash mismatch) is retried.

Progress callbacks are called as ``progress(bytes_done, bytes_total, rate_bytes_per_s)`` from the
thread doing the transfer (so they must be thread-safe); an exception raised in one aborts the upload
and propagates unchanged (the temporary file stays, so a later upload can resume).
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Self, TypeVar

from stardust_tui.errors import StardustError
from stardust_tui.secrets import Secret

if TYPE_CHECKING:
    from stardust_tui.delivery.urls import TargetSpec

ProgressCallback = Callable[[int, int, float], None]
T = TypeVar("T")
CHUNK = 1024 * 1024
TEMP_SUFFIX = ".part"

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
)


class TransportError(StardustError):
    """A delivery transport failed; the subclass says whether retrying can help."""

    retryable: ClassVar[bool] = False
    permanent: ClassVar[bool] = False  # the worker fails fast when True (see worker/retry.py)


class TransportTransientError(TransportError):
    """Network trouble, timeouts, a busy server, a dropped connection: retry later."""

    retryable = True


class TransportIntegrityError(TransportTransientError):
    """The remote copy does not match the local file (size or hash): the file is sent again."""


class TransportPermanentError(TransportError):
    """Retrying cannot help (bad configuration, permission denied, missing library...)."""

    permanent = True


class TransportAuthError(TransportPermanentError):
    """The server refused our credentials."""


class HostKeyError(TransportPermanentError):
    """An SSH host key is unknown or does not match the pinned/known key."""


class TlsVerifyError(TransportPermanentError):
    """A TLS certificate could not be verified."""


@dataclass(frozen=True)
class RemoteEntry:
    """One name in a remote folder listing; ``size`` is None for folders or when unknown."""

    name: str
    is_dir: bool = False
    size: int | None = None


@dataclass(frozen=True)
class UploadResult:
    """What an upload did: final path, bytes, the hash checked remotely (if any) and resumed offset."""

    remote_path: str
    size: int
    md5: str
    verified_hash: bool
    resumed_from: int = 0
    seconds: float = 0.0


def temp_name(remote_path: str, md5: str | None = None) -> str:
    """``a/b/track.flac`` → ``a/b/.track.flac.<md5[:12]>.part`` (or ``.track.flac.part`` without an MD5).

    The leading dot hides it from receivers that skip dot files. The MD5 prefix means a partial file is
    only ever resumed by the same content: a partial left by another version of the file is never
    continued (its size would match and the corruption would go unseen where no remote hash exists).
    """
    head, _, name = clean_path(remote_path).rpartition("/")
    tmp = f".{name}.{md5[:12]}{TEMP_SUFFIX}" if md5 else f".{name}{TEMP_SUFFIX}"
    return f"{head}/{tmp}" if head else tmp


def clean_path(path: str) -> str:
    """Normalize a relative remote path; refuse ``..`` so nothing escapes the target's base path."""
    parts = [p for p in str(path).replace("\\", "/").split("/") if p not in ("", ".")]
    if ".." in parts:
        raise TransportPermanentError(f"remote path must not contain '..': {path!r}")
    return "/".join(parts)


def parent_of(path: str) -> str:
    return clean_path(path).rpartition("/")[0]


def join(base: str, path: str) -> str:
    """Join a base path (absolute like ``/srv/out`` or a prefix like ``in/``) and a relative path."""
    rel = clean_path(path)
    root = "/" if base.startswith("/") else ""
    b = base.rstrip("/")
    if not rel:
        return b or root
    return f"{b}/{rel}" if b else root + rel


def login_relative(base: str) -> str:
    """``/~/incoming`` → ``incoming`` (relative to the login folder, as FTP/SFTP resolve it); else unchanged."""
    if base == "/~" or base.startswith("/~/"):
        return base[3:]
    return base


def file_md5(path: Path, start: int = 0) -> str:
    h = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as fh:
        fh.seek(start)
        while block := fh.read(CHUNK):
            h.update(block)
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
                self.error = TransportTransientError("upload cancelled")
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
        """Re-raise a callback's exception that a library swallowed."""
        if self.error is not None:
            raise self.error

    def set(self, done: int) -> None:
        self.add(done - self.done)


class Transport(ABC):
    """One connection to a delivery target. Use as ``async with transport: ...``."""

    SCHEMES: ClassVar[tuple[str, ...]] = ()
    CAN_RESUME: ClassVar[bool] = False  # an interrupted upload continues from the remote size
    HAS_REMOTE_HASH: ClassVar[bool] = False  # the server checks or reports a content hash
    ATOMIC_RENAME: ClassVar[bool] = True  # final names appear by a server-side rename

    def __init__(self, spec: TargetSpec, secrets: Mapping[str, Secret] | None = None) -> None:
        self.spec = spec
        self._secrets = dict(secrets or {})
        self._made_dirs: set[str] = set()

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

    @abstractmethod
    async def connect(self) -> None: ...

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def list(self, path: str = "") -> list[RemoteEntry]: ...

    @abstractmethod
    async def stat(self, path: str) -> int | None:
        """Size in bytes of a remote file, or None when it does not exist."""

    @abstractmethod
    async def upload(
        self,
        local_path: str | Path,
        remote_path: str,
        *,
        md5: str | None = None,
        size: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> UploadResult: ...

    @abstractmethod
    async def download(self, remote_path: str, local_path: str | Path) -> int:
        """Fetch a remote file (written to a temp name, then renamed); returns its size."""

    @abstractmethod
    async def mkdir(self, path: str) -> None:
        """Create a folder and its parents; no error if it exists."""

    @abstractmethod
    async def remove(self, path: str) -> None:
        """Delete a file (or an empty folder); no error if it is already gone."""

    @abstractmethod
    async def rename(self, src: str, dst: str) -> None:
        """Rename a file, replacing ``dst`` if it exists."""

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

    def _on_cancel(self) -> None:
        """Called when a transfer was cancelled mid-way (connection-based transports reconnect next time)."""
        self._made_dirs.clear()

    async def ensure_parent(self, remote_path: str) -> None:
        """mkdir the parent of ``remote_path`` once per connection."""
        parent = parent_of(remote_path)
        if parent and parent not in self._made_dirs:
            await self.mkdir(parent)
            self._made_dirs.add(parent)

    async def _prepare(self, local_path: str | Path, md5: str | None, size: int | None) -> tuple[Path, str, int]:
        local = Path(local_path)
        if not local.is_file():
            raise TransportPermanentError(f"local file not found: {local}")
        real = local.stat().st_size
        if size is not None and size != real:
            raise TransportPermanentError(f"{local}: size is {real} bytes, the delivery expected {size}")
        if md5 is None:
            md5 = await asyncio.to_thread(file_md5, local)
        return local, md5.lower(), real


def check_size(remote: int | None, expected: int, where: str) -> None:
    if remote != expected:
        raise TransportIntegrityError(f"remote size {remote} != local size {expected}", where=where)
