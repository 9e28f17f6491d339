"""FTP/FTPS connection layer: log in (explicit TLS, verified, data-channel session reuse), features, errors.

FTPS reuses the control connection's TLS session on every data connection: vsftpd's
``require_ssl_reuse=YES`` (the default on many servers) refuses data channels that do not, and stock
``ftplib.FTP_TLS`` then leaves 0-byte files.
"""

from __future__ import annotations

import ftplib
import re
import socket
import ssl
from pathlib import Path

from stardust_tui.delivery.base import (
    TlsVerifyError,
    TransportAuthError,
    TransportError,
    TransportPermanentError,
    TransportTransientError,
)
from stardust_tui.delivery.urls import TargetSpec

MD5_RE = re.compile(r"\b[0-9a-fA-F]{32}\b")


class ReuseSessionFTP_TLS(ftplib.FTP_TLS):
    """FTP_TLS whose data connections resume the control connection's TLS session."""

    def ntransfercmd(self, cmd: str, rest: int | str | None = None) -> tuple[socket.socket, int | None]:
        conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
        if self._prot_p:  # type: ignore[attr-defined]
            session = self.sock.session  # type: ignore[union-attr]
            conn = self.context.wrap_socket(conn, server_hostname=self.host, session=session)
        return conn, size


def code(exc: BaseException) -> str:
    """The 3-digit reply code of an ftplib error."""
    return str(exc)[:3]


def tls_context(spec: TargetSpec) -> ssl.SSLContext:
    """Verified TLS: the target's ``?ca=`` file, else the system store."""
    ca = spec.option("ca")
    if ca and not Path(ca).is_file():
        raise TransportPermanentError("CA file not found", where=ca)
    return ssl.create_default_context(cafile=ca)


def open_ftp(spec: TargetSpec, password: str | None, *, tls: bool) -> tuple[ftplib.FTP, bool]:
    """A logged-in connection in binary mode, and whether the server offers XMD5."""
    ftp: ftplib.FTP
    if tls:
        ftp = ReuseSessionFTP_TLS(context=tls_context(spec), timeout=spec.timeout)
    else:
        ftp = ftplib.FTP(timeout=spec.timeout)
    try:
        ftp.connect(spec.host, spec.port or 21)
        if isinstance(ftp, ftplib.FTP_TLS):
            ftp.auth()
        ftp.login(spec.user or "anonymous", password or "")
        if isinstance(ftp, ftplib.FTP_TLS):
            ftp.prot_p()
        ftp.set_pasv((spec.option("passive") or "true").lower() not in ("0", "false", "no", "off"))
        ftp.voidcmd("TYPE I")
        xmd5 = "XMD5" in features(ftp)
    except BaseException:
        ftp.close()
        raise
    return ftp, xmd5


def features(ftp: ftplib.FTP) -> set[str]:
    """The command names a server lists in FEAT (empty when it has no FEAT)."""
    try:
        lines = ftp.sendcmd("FEAT").splitlines()[1:-1]
    except ftplib.error_perm:
        return set()
    return {line.strip().split(" ")[0].upper() for line in lines if line.strip()}


def remote_md5(ftp: ftplib.FTP, path: str) -> str | None:
    """The server's MD5 of a file (XMD5: ProFTPD mod_digest, Serv-U, FileZilla...), or None."""
    try:
        found = MD5_RE.search(ftp.sendcmd(f"XMD5 {path}")[4:])
    except ftplib.error_perm:
        return None
    return found.group(0).lower() if found else None


def map_error(exc: BaseException, where: str) -> TransportError:
    """ftplib/socket/TLS errors → auth (530), permanent (other 5xx, TLS trust) or transient."""
    if isinstance(exc, TransportError):
        return exc
    if isinstance(exc, ssl.SSLCertVerificationError):
        return TlsVerifyError(f"TLS certificate not trusted: {exc.verify_message}", where=where)
    if isinstance(exc, ftplib.error_perm):
        reply = code(exc)
        if reply in ("530", "331", "332"):
            return TransportAuthError(f"login refused: {exc}", where=where)
        if reply in ("421", "425", "426", "450", "451", "452"):
            return TransportTransientError(str(exc), where=where)
        return TransportPermanentError(f"server refused: {exc}", where=where)
    return TransportTransientError(f"{type(exc).__name__}: {exc}", where=where)
