"""What is specific to FTP/FTPS: TLS trust, vsftpd's session reuse, reconnects, active mode, login-relative
paths (the shared contract runs on pyftpdlib and vsftpd in test_transport_contract.py)."""

from __future__ import annotations

import ftplib
import ssl
import uuid
from pathlib import Path

import pytest
from servers import PyFtpd, Vsftpd, dir_md5
from test_transport_contract import pyftpd_view, vsftpd_view
from transport_contract import ServerView, run, upload_and_verify, wrong_credentials

from stardust_tui.delivery.base import TlsVerifyError, TransportPermanentError
from stardust_tui.delivery.ftp import ReuseSessionFTP_TLS
from stardust_tui.delivery.registry import open_transport
from stardust_tui.secrets import Secret


@pytest.fixture(params=["ftp-pyftpdlib", "ftps-pyftpdlib", "ftps-vsftpd"])
def view(request: pytest.FixtureRequest, tls_cert: tuple[Path, Path]) -> ServerView:
    if request.param == "ftps-vsftpd":
        return vsftpd_view(request.getfixturevalue("vsftpd"), tls_cert[0])
    return pyftpd_view(request.getfixturevalue("pyftpd"), request.param.split("-")[0], tls_cert[0])


@pytest.mark.parametrize("scheme", ["ftp", "ftps"])
def test_wrong_password_is_an_auth_error(pyftpd: PyFtpd, tls_cert: tuple[Path, Path], scheme: str) -> None:
    exc = run(wrong_credentials(pyftpd_view(pyftpd, scheme, tls_cert[0])))
    assert "login refused" in str(exc) and "wrong-password" not in str(exc)


def test_untrusted_certificate_is_refused(pyftpd: PyFtpd) -> None:
    async def go() -> None:
        async with open_transport(f"ftps://dsp@127.0.0.1:{pyftpd.port}/", {"password": Secret("s3cret")}):
            pass

    with pytest.raises(TlsVerifyError, match="not trusted"):
        run(go())


def test_vsftpd_really_demands_session_reuse(vsftpd: Vsftpd, tls_cert: tuple[Path, Path], small_file: Path) -> None:
    """Stock FTP_TLS fails here, so the passing vsftpd contract tests prove our session reuse works."""
    sub = vsftpd.root / uuid.uuid4().hex[:8]
    sub.mkdir()
    sub.chmod(0o777)

    def put(cls: type[ftplib.FTP_TLS]) -> None:
        ftp = cls(context=ssl.create_default_context(cafile=str(tls_cert[0])), timeout=10)
        ftp.connect("127.0.0.1", vsftpd.port)
        ftp.auth()
        ftp.login("anonymous", "x")
        ftp.prot_p()
        try:
            with open(small_file, "rb") as fh:
                ftp.storbinary(f"STOR {sub}/{cls.__name__}.txt", fh)
        finally:
            ftp.close()

    with pytest.raises((ftplib.Error, OSError)):
        put(ftplib.FTP_TLS)
    put(ReuseSessionFTP_TLS)
    assert dir_md5(sub, "ReuseSessionFTP_TLS.txt") == dir_md5(small_file.parent, small_file.name)


def test_reconnects_once_when_an_idle_connection_was_dropped(view: ServerView, small_file: Path) -> None:
    async def go() -> None:
        async with view.transport() as t:
            await t.upload(small_file, "a.txt")
            t._conn.sendcmd("QUIT")  # type: ignore[attr-defined]  # the server hangs up, as after an idle timeout
            await t.upload(small_file, "b.txt")

    run(go())
    assert view.md5("b.txt") == view.md5("a.txt") is not None


def test_active_mode_and_missing_ca_file(pyftpd: PyFtpd, tls_cert: tuple[Path, Path], small_file: Path) -> None:
    view = pyftpd_view(pyftpd, "ftp", tls_cert[0])
    view.url += "?passive=false"
    run(upload_and_verify(view, small_file, "active/small.txt"))
    with pytest.raises(TransportPermanentError, match="CA file not found"):
        run(open_transport(f"ftps://dsp@127.0.0.1:{pyftpd.port}/?ca=/nonexistent.pem", view.secrets).connect())


def test_login_relative_path(pyftpd: PyFtpd, small_file: Path) -> None:
    sub = uuid.uuid4().hex[:8]
    view = ServerView(url=f"ftp://{pyftpd.user}@127.0.0.1:{pyftpd.port}/~/{sub}",
                      secrets={"password": Secret(pyftpd.password)}, md5=lambda rel: dir_md5(pyftpd.root / sub, rel))
    run(upload_and_verify(view, small_file, "in/small.txt"))
    assert (pyftpd.root / sub / "in" / "small.txt").is_file()

    async def listing() -> list[str]:
        async with view.transport() as t:
            return [e.name for e in await t.list("in")]

    assert run(listing()) == ["small.txt"]


