"""FTP and FTPS (explicit TLS, certificate verified) transports on :mod:`ftplib`.

Logging in, TLS session reuse and error mapping live in :mod:`stardust_tui.delivery.ftp_conn`; the
connection's life in :mod:`stardust_tui.delivery.session`. Primitives for the upload sequence in
:mod:`stardust_tui.delivery.base`: the temporary file is written with ``STOR``, or continued with
``APPE`` from the server's ``SIZE`` of it (resume), checked by ``SIZE`` and, on servers that offer
``XMD5`` (FEAT), by the server's MD5, then renamed (``RNFR``/``RNTO``). The URL path is absolute as the
server shows it (``/`` = its root, the login folder on chrooted servers); ``/~/incoming`` means
``incoming`` relative to the login folder.
"""

from __future__ import annotations

import ftplib
from typing import Any, BinaryIO

from stardust_tui.delivery.base import (
    Inspected,
    RemoteEntry,
    Staged,
    TransportError,
    TransportPermanentError,
    Written,
    join,
    login_relative,
)
from stardust_tui.delivery.ftp_conn import ReuseSessionFTP_TLS, code, map_error, open_ftp, remote_md5
from stardust_tui.delivery.session import SessionTransport
from stardust_tui.delivery.transfer import ProgressMeter, Source

__all__ = ["FtpTransport", "FtpsTransport", "ReuseSessionFTP_TLS"]

BLOCK = 256 * 1024


class FtpTransport(SessionTransport):
    SCHEMES = ("ftp",)
    CAN_RESUME = True
    LIBRARY_ERRORS = (ftplib.Error, OSError, EOFError)
    TLS = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._xmd5 = False  # the server offers XMD5 (ProFTPD mod_digest, Serv-U, FileZilla...)

    # -- connection -------------------------------------------------------------------------------
    def _open(self) -> ftplib.FTP:
        ftp, self._xmd5 = open_ftp(self.spec, self.secret("password"), tls=self.TLS)
        return ftp

    def _shut(self, conn: ftplib.FTP, *, polite: bool) -> None:
        if polite:
            try:
                conn.quit()
                return
            except (ftplib.Error, OSError, EOFError):
                pass
        conn.close()

    def _died_idle(self, exc: BaseException, conn: ftplib.FTP) -> bool:
        return isinstance(exc, EOFError | ConnectionError) or \
            (isinstance(exc, ftplib.error_temp) and code(exc) == "421")

    def _keeps(self, exc: BaseException) -> bool:
        return isinstance(exc, ftplib.error_perm) and not code(exc).startswith("4")  # a refused command

    def _map(self, exc: BaseException, where: str) -> TransportError:
        return map_error(exc, where)

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
                out = []  # no MLSD (vsftpd), or it refused the path: names, then SIZE tells files from folders
                try:
                    names = ftp.nlst(target)
                except ftplib.error_perm:
                    return []  # no such folder
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

    async def _write_stage(self, stage: str, src: Source, staged: Staged, meter: ProgressMeter) -> Written:
        tmp = self._abs(stage)

        def _put(ftp: ftplib.FTP) -> None:
            if staged.offset < src.size or src.size == 0:
                cmd = f"APPE {tmp}" if staged.offset else f"STOR {tmp}"
                ftp.storbinary(cmd, src.reader(staged.offset, meter), blocksize=BLOCK)

        await self._call(_put, tmp)
        return Written(staged.offset)

    async def _inspect(self, stage: str, src: Source, written: Written) -> Inspected:
        tmp = self._abs(stage)

        def _look(ftp: ftplib.FTP) -> Inspected:
            size = self._size(ftp, tmp)
            got = remote_md5(ftp, tmp) if self._xmd5 and size == src.size else None
            return Inspected(size, None if got is None else got == src.md5, f"server MD5 (XMD5) {got}")

        return await self._call(_look, tmp)

    async def _read_into(self, path: str, sink: BinaryIO) -> None:
        source = self._abs(path)

        def _get(ftp: ftplib.FTP) -> None:
            if self._size(ftp, source) is None:
                raise TransportPermanentError("remote file not found", where=source)
            ftp.retrbinary(f"RETR {source}", sink.write, blocksize=BLOCK)

        await self._call(_get, source)


class FtpsTransport(FtpTransport):
    SCHEMES = ("ftps",)
    TLS = True
