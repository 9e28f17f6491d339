"""Local-folder transport (``file:///srv/out``): a mounted share, a spool folder, or tests.

Uploads copy into ``.name.part`` (resuming from its size), fsync, verify size and MD5 of what was
written, then ``os.replace`` onto the final name.
"""

from __future__ import annotations

import asyncio
import errno
import os
import shutil
import threading
import time
from pathlib import Path

from stardust_tui.delivery.base import (
    CHUNK,
    ProgressCallback,
    ProgressMeter,
    RemoteEntry,
    Transport,
    TransportIntegrityError,
    TransportPermanentError,
    TransportTransientError,
    UploadResult,
    check_size,
    clean_path,
    file_md5,
    temp_name,
)


def _os_error(exc: OSError, where: str) -> Exception:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return TransportPermanentError(f"permission denied ({exc.strerror})", where=where)
    return TransportTransientError(exc.strerror or str(exc), where=where)


class LocalTransport(Transport):
    SCHEMES = ("file",)
    CAN_RESUME = True
    HAS_REMOTE_HASH = True

    @property
    def root(self) -> Path:
        return Path(self.spec.path)

    def _p(self, path: str) -> Path:
        rel = clean_path(path)
        return self.root / rel if rel else self.root

    async def connect(self) -> None:
        if not self.root.is_dir():
            raise TransportPermanentError("target folder does not exist", where=str(self.root))
        if not os.access(self.root, os.W_OK):
            raise TransportPermanentError("target folder is not writable", where=str(self.root))

    async def close(self) -> None:
        return None

    async def list(self, path: str = "") -> list[RemoteEntry]:
        def _list() -> list[RemoteEntry]:
            out = []
            with os.scandir(self._p(path)) as it:
                for e in it:
                    is_dir = e.is_dir()
                    out.append(RemoteEntry(e.name, is_dir, None if is_dir else e.stat().st_size))
            return sorted(out, key=lambda e: e.name)

        try:
            return await asyncio.to_thread(_list)
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise _os_error(exc, str(self._p(path))) from exc

    async def stat(self, path: str) -> int | None:
        p = self._p(path)
        try:
            st = p.stat()
        except FileNotFoundError:
            return None
        return None if p.is_dir() else st.st_size

    async def mkdir(self, path: str) -> None:
        try:
            self._p(path).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _os_error(exc, str(self._p(path))) from exc

    async def remove(self, path: str) -> None:
        p = self._p(path)
        try:
            p.rmdir() if p.is_dir() else p.unlink(missing_ok=True)
        except OSError as exc:
            raise _os_error(exc, str(p)) from exc

    async def rename(self, src: str, dst: str) -> None:
        try:
            os.replace(self._p(src), self._p(dst))
        except OSError as exc:
            raise _os_error(exc, str(self._p(src))) from exc

    async def download(self, remote_path: str, local_path: str | Path) -> int:
        local = Path(local_path)
        tmp = local.with_name(f".{local.name}.part")
        try:
            await asyncio.to_thread(shutil.copyfile, self._p(remote_path), tmp)
        except FileNotFoundError:
            raise TransportPermanentError("remote file not found", where=str(self._p(remote_path))) from None
        os.replace(tmp, local)
        return local.stat().st_size

    async def upload(
        self,
        local_path: str | Path,
        remote_path: str,
        *,
        md5: str | None = None,
        size: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> UploadResult:
        local, md5, size = await self._prepare(local_path, md5, size)
        await self.ensure_parent(remote_path)
        final, tmp = self._p(remote_path), self._p(temp_name(remote_path, md5))
        t0 = time.monotonic()
        cancel = threading.Event()

        def _copy() -> int:
            offset = tmp.stat().st_size if tmp.exists() else 0
            if offset > size:
                offset = 0
            meter = ProgressMeter(progress, size, offset, cancel, self.max_rate)
            with open(local, "rb") as src, open(tmp, "r+b" if offset else "wb") as dst:
                src.seek(offset)
                dst.seek(offset)
                dst.truncate()
                while block := src.read(CHUNK):
                    dst.write(block)
                    meter.add(len(block))
                dst.flush()
                os.fsync(dst.fileno())
            check_size(tmp.stat().st_size, size, str(tmp))
            got = file_md5(tmp)
            if got != md5:
                tmp.unlink()
                raise TransportIntegrityError(f"MD5 {got} != expected {md5}; partial file removed", where=str(final))
            os.replace(tmp, final)
            return offset

        try:
            resumed = await self._cancellable(asyncio.to_thread(_copy), cancel)
        except OSError as exc:
            raise _os_error(exc, str(final)) from exc
        return UploadResult(clean_path(remote_path), size, md5, True, resumed, time.monotonic() - t0)
