"""FTP and FTPS (explicit TLS, certificate verified) transports on :mod:`ftplib`.

Logging in, TLS session reuse and error mapping live in :mod:`stardust_tui.delivery.ftp_conn`.
Uploads go to ``.name.<md5>.part``, resume with ``APPE`` from
the server's ``SIZE`` of that file, are checked by size and renamed (``RNFR``/``RNTO``).
The URL path is absolute as the server shows it (``/`` = its root, the login folder on chrooted servers);
``/~/incoming`` means ``incoming`` relative to the login folder. On servers that offer ``XMD5``
(FEAT) the uploaded file's MD5 is also checked before the rename.
"""

from __future__ import annotations

import asyncio
import ftplib
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from stardust_tui.delivery.base import (
    ProgressCallback,
    ProgressMeter,
    RemoteEntry,
    Transport,
    TransportError,
    TransportIntegrityError,
    UploadResult,
    check_size,
    clean_path,
    join,
    login_relative,
    temp_name,
)
from stardust_tui.delivery.ftp_conn import ReuseSessionFTP_TLS, code, map_error, open_ftp, remote_md5

__all__ = ["FtpTransport", "FtpsTransport", "ReuseSessionFTP_TLS"]

T = TypeVar("T")
BLOCK = 256 * 1024


class FtpTransport(Transport):
    SCHEMES = ("ftp",)
    CAN_RESUME = True
    TLS = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ftp: ftplib.FTP | None = None
        self._xmd5 = False  # the server offers XMD5 (ProFTPD mod_digest, Serv-U, FileZilla...)
        self._lock = asyncio.Lock()

    # -- connection -------------------------------------------------------------------------------
    def _open(self) -> ftplib.FTP:
        ftp, self._xmd5 = open_ftp(self.spec, self.secret("password"), tls=self.TLS)
        return ftp

    def _remote_md5(self, ftp: ftplib.FTP, path: str) -> str | None:
        return remote_md5(ftp, path) if self._xmd5 else None

    def _map(self, exc: BaseException, where: str) -> TransportError:
        return map_error(exc, where)

    async def _call(self, fn: Callable[[ftplib.FTP], T], where: str = "") -> T:
        async with self._lock:
            def work() -> T:
                fresh = self._ftp is None
                if self._ftp is None:
                    self._ftp = self._open()
                try:
                    return fn(self._ftp)
                except (EOFError, ConnectionError, ftplib.error_temp) as exc:
                    # A reused connection the server dropped while idle (between files): one new try.
                    if fresh or (isinstance(exc, ftplib.error_temp) and code(exc) != "421"):
                        raise
                    self._drop()
                    self._ftp = self._open()
                    return fn(self._ftp)

            try:
                return await asyncio.to_thread(work)
            except ftplib.Error as exc:
                if not isinstance(exc, ftplib.error_perm) or code(exc).startswith("4"):
                    self._drop()
                raise self._map(exc, where or self.spec.display) from exc
            except (OSError, EOFError) as exc:
                self._drop()
                raise self._map(exc, where or self.spec.display) from exc
            except BaseException:
                self._drop()  # aborted mid-transfer: the control channel is out of step, reconnect next time
                raise

    def _on_cancel(self) -> None:
        self._drop()  # the transfer thread is cut off mid-command: never reuse this control channel

    def _drop(self) -> None:
        if self._ftp is not None:
            try:
                self._ftp.close()
            finally:
                self._ftp = None

    async def connect(self) -> None:
        await self._call(lambda ftp: None)

    async def close(self) -> None:
        async with self._lock:
            ftp, self._ftp = self._ftp, None
            if ftp is not None:
                def bye() -> None:
                    try:
                        ftp.quit()
                    except (ftplib.Error, OSError, EOFError):
                        ftp.close()

                await asyncio.to_thread(bye)

    # -- helpers run in the worker thread ---------------------------------------------------------
    def _abs(self, path: str) -> str:
        return join(login_relative(self.spec.path), path)

    @staticmethod
    def _size(ftp: ftplib.FTP, path: str) -> int | None:
        try:
            size = ftp.size(path)
        except ftplib.error_perm:
            return None
        return size

    # -- operations -------------------------------------------------------------------------------
    async def list(self, path: str = "") -> list[RemoteEntry]:
        target = self._abs(path)

        def _list(ftp: ftplib.FTP) -> list[RemoteEntry]:
            try:
                return _entries(ftp)
            finally:
                ftp.voidcmd("TYPE I")  # MLSD/NLST switch to ASCII, where SIZE is refused

        def _entries(ftp: ftplib.FTP) -> list[RemoteEntry]:
            try:
                facts = list(ftp.mlsd(target, facts=["type", "size"]))
            except ftplib.error_perm as exc:
                if code(exc) not in ("500", "501", "502", "504"):
                    return []
                out = []  # no MLSD (vsftpd): names, then SIZE tells files from folders
                names = ftp.nlst(target)
                ftp.voidcmd("TYPE I")
                for name in names:
                    base = name.rstrip("/").rsplit("/", 1)[-1]
                    size = self._size(ftp, f"{target.rstrip('/')}/{base}")
                    out.append(RemoteEntry(base, size is None, size))
                return sorted(out, key=lambda e: e.name)
            return sorted(
                (
                    RemoteEntry(name, f.get("type") == "dir", int(f["size"]) if "size" in f else None)
                    for name, f in facts
                    if f.get("type") not in ("cdir", "pdir") and name not in (".", "..")
                ),
                key=lambda e: e.name,
            )

        return await self._call(_list, target)

    async def stat(self, path: str) -> int | None:
        return await self._call(lambda ftp: self._size(ftp, self._abs(path)))

    async def mkdir(self, path: str) -> None:
        target = self._abs(path)

        def _mkdir(ftp: ftplib.FTP) -> None:
            current = "/" if target.startswith("/") else ""
            for part in target.strip("/").split("/"):
                current = f"{current.rstrip('/')}/{part}" if current else part
                try:
                    ftp.mkd(current)
                except ftplib.error_perm:
                    pass  # exists (or not allowed: the upload will then say so)

        await self._call(_mkdir, target)

    async def remove(self, path: str) -> None:
        target = self._abs(path)

        def _remove(ftp: ftplib.FTP) -> None:
            try:
                ftp.delete(target)
                return
            except ftplib.error_perm:
                pass
            try:
                ftp.rmd(target)
            except ftplib.error_perm:
                if self._size(ftp, target) is not None:
                    raise
        await self._call(_remove, target)

    async def rename(self, src: str, dst: str) -> None:
        await self._call(lambda ftp: self._rename(ftp, self._abs(src), self._abs(dst)), self._abs(src))

    def _rename(self, ftp: ftplib.FTP, src: str, dst: str) -> None:
        try:
            ftp.rename(src, dst)
        except ftplib.error_perm:
            if self._size(ftp, dst) is None:
                raise
            ftp.delete(dst)  # servers that will not rename over an existing file
            ftp.rename(src, dst)

    async def download(self, remote_path: str, local_path: str | Path) -> int:
        local = Path(local_path)
        tmp = local.with_name(f".{local.name}.part")
        src = self._abs(remote_path)

        def _get(ftp: ftplib.FTP) -> None:
            with open(tmp, "wb") as fh:
                ftp.retrbinary(f"RETR {src}", fh.write, blocksize=BLOCK)

        await self._call(_get, src)
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
        final, tmp = self._abs(remote_path), self._abs(temp_name(remote_path, md5))
        t0 = time.monotonic()
        cancel = threading.Event()

        def _put(ftp: ftplib.FTP) -> tuple[int, bool]:
            offset = self._size(ftp, tmp) or 0
            if offset > size:
                ftp.delete(tmp)
                offset = 0
            meter = ProgressMeter(progress, size, offset, cancel, self.max_rate)
            if offset < size or size == 0:
                with open(local, "rb") as fh:
                    fh.seek(offset)
                    cmd = f"APPE {tmp}" if offset else f"STOR {tmp}"
                    ftp.storbinary(cmd, fh, blocksize=BLOCK, callback=lambda b: meter.add(len(b)))
            remote = self._size(ftp, tmp)
            if remote != size:
                ftp.delete(tmp)  # cannot trust the partial any more: restart next time
            check_size(remote, size, final)
            got = self._remote_md5(ftp, tmp)
            if got is not None and got != md5:
                ftp.delete(tmp)
                raise TransportIntegrityError(f"server MD5 (XMD5) {got} != {md5}; partial file removed", where=final)
            self._rename(ftp, tmp, final)
            return offset, got is not None

        resumed, hashed = await self._cancellable(self._call(_put, final), cancel)
        return UploadResult(clean_path(remote_path), size, md5, hashed, resumed, time.monotonic() - t0)


class FtpsTransport(FtpTransport):
    SCHEMES = ("ftps",)
    TLS = True
