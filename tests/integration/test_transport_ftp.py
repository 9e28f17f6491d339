"""FTP and FTPS transports against pyftpdlib (FTP + FTPS) and vsftpd (FTPS with require_ssl_reuse)."""

from __future__ import annotations

import ftplib
import ssl
import uuid
from pathlib import Path

import pytest
from servers import PyFtpd, Vsftpd, dir_md5
from transport_checks import (
    ServerView,
    cancelled_upload_stops_promptly,
    file_operations,
    interrupted_then_resumed,
    other_content_never_resumed,
    run,
    upload_and_verify,
    upload_peak_memory,
    wrong_credentials,
)

from stardust_tui.delivery.base import (
    TlsVerifyError,
    TransportIntegrityError,
    TransportPermanentError,
    TransportTransientError,
    temp_name,
)
from stardust_tui.delivery.ftp import ReuseSessionFTP_TLS
from stardust_tui.delivery.registry import open_transport
from stardust_tui.secrets import Secret


def _pyftpd_view(server: PyFtpd, scheme: str, ca: Path) -> ServerView:
    sub = uuid.uuid4().hex[:8]
    (server.root / sub).mkdir()
    query = f"?ca={ca}" if scheme == "ftps" else ""
    return ServerView(
        url=f"{scheme}://{server.user}@127.0.0.1:{server.port}/{sub}{query}",
        secrets={"password": Secret(server.password)},
        bad_secrets={"password": Secret("wrong")},
        md5=lambda rel: dir_md5(server.root / sub, rel),
    )


def _vsftpd_view(server: Vsftpd, ca: Path) -> ServerView:
    sub = server.root / uuid.uuid4().hex[:8]
    sub.mkdir()
    sub.chmod(0o777)
    return ServerView(
        url=f"ftps://anonymous@127.0.0.1:{server.port}{sub}?ca={ca}",
        secrets={"password": Secret("stardust@example.com")},
        md5=lambda rel: dir_md5(sub, rel),
    )


@pytest.fixture(params=["ftp-pyftpdlib", "ftps-pyftpdlib", "ftps-vsftpd"])
def view(request: pytest.FixtureRequest, tls_cert: tuple[Path, Path]) -> ServerView:
    if request.param == "ftps-vsftpd":
        return _vsftpd_view(request.getfixturevalue("vsftpd"), tls_cert[0])
    return _pyftpd_view(request.getfixturevalue("pyftpd"), request.param.split("-")[0], tls_cert[0])


def test_small_and_big_uploads_verified(view: ServerView, small_file: Path, big_file: Path) -> None:
    run(upload_and_verify(view, small_file, "batch/r1/small.txt"))
    run(upload_and_verify(view, big_file, "batch/r1/resources/big.bin"))


def test_resume_after_interrupted_upload(view: ServerView, big_file: Path) -> None:
    assert run(interrupted_then_resumed(view, big_file, "r/big.bin")) > 0


def test_other_content_never_resumed(
    pyftpd: PyFtpd, tls_cert: tuple[Path, Path], big_file: Path, big_file2: Path
) -> None:
    """(Transport logic, not server behaviour: one server variant is enough.)"""
    run(other_content_never_resumed(_pyftpd_view(pyftpd, "ftp", tls_cert[0]), big_file, big_file2, "r/x.bin"))


def test_file_operations(view: ServerView, small_file: Path) -> None:
    run(file_operations(view, small_file))


@pytest.mark.parametrize("scheme", ["ftp", "ftps"])
def test_wrong_password_is_an_auth_error(pyftpd: PyFtpd, tls_cert: tuple[Path, Path], scheme: str) -> None:
    exc = run(wrong_credentials(_pyftpd_view(pyftpd, scheme, tls_cert[0])))
    assert "login refused" in str(exc) and "wrong" not in str(exc)


def test_untrusted_certificate_is_refused(pyftpd: PyFtpd) -> None:
    async def go() -> None:
        async with open_transport(f"ftps://dsp@127.0.0.1:{pyftpd.port}/", {"password": Secret("s3cret")}):
            pass

    with pytest.raises(TlsVerifyError, match="not trusted"):
        run(go())


def test_connection_refused_is_transient() -> None:
    from servers import free_port

    async def go() -> None:
        async with open_transport(f"ftp://u@127.0.0.1:{free_port()}/"):
            pass

    with pytest.raises(TransportTransientError):
        run(go())


def test_vsftpd_really_demands_session_reuse(vsftpd: Vsftpd, tls_cert: tuple[Path, Path], small_file: Path) -> None:
    """Stock FTP_TLS fails here, so the passing vsftpd tests above prove our session reuse works."""
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
            t._ftp.sendcmd("QUIT")  # type: ignore[attr-defined]  # the server hangs up, as after an idle timeout
            await t.upload(small_file, "b.txt")

    run(go())
    assert view.md5("b.txt") == view.md5("a.txt") is not None


def test_streams_without_holding_the_file_in_memory(
    pyftpd: PyFtpd, tls_cert: tuple[Path, Path], big_file: Path
) -> None:
    peak = upload_peak_memory(_pyftpd_view(pyftpd, "ftps", tls_cert[0]), big_file, "mem/big.bin")
    assert peak < big_file.stat().st_size // 2, f"peak heap growth {peak} bytes for a 20 MiB file"


def test_active_mode_and_missing_ca_file(pyftpd: PyFtpd, tls_cert: tuple[Path, Path], small_file: Path) -> None:
    view = _pyftpd_view(pyftpd, "ftp", tls_cert[0])
    view.url += "?passive=false"
    run(upload_and_verify(view, small_file, "active/small.txt"))
    with pytest.raises(TransportPermanentError, match="CA file not found"):
        run(open_transport(f"ftps://dsp@127.0.0.1:{pyftpd.port}/?ca=/nonexistent.pem", view.secrets).connect())


def test_cancelled_upload_stops_promptly(pyftpd: PyFtpd, tls_cert: tuple[Path, Path], big_file: Path,
                                         small_file: Path) -> None:
    view = _pyftpd_view(pyftpd, "ftps", tls_cert[0])
    assert cancelled_upload_stops_promptly(view, big_file, small_file, "cancel/big.bin") < 3.0


def test_login_relative_path(pyftpd: PyFtpd, small_file: Path) -> None:
    sub = uuid.uuid4().hex[:8]
    view = ServerView(url=f"ftp://{pyftpd.user}@127.0.0.1:{pyftpd.port}/~/{sub}",
                      secrets={"password": Secret(pyftpd.password)}, md5=lambda rel: dir_md5(pyftpd.root / sub, rel))
    run(upload_and_verify(view, small_file, "in/small.txt"))
    run(file_operations(view, small_file))


def test_xmd5_verifies_on_servers_that_offer_it(pyftpd: PyFtpd, tls_cert: tuple[Path, Path], small_file: Path,
                                                 vsftpd: Vsftpd) -> None:
    view = _pyftpd_view(pyftpd, "ftp", tls_cert[0])

    async def go() -> None:
        async with view.transport() as t:
            assert (await t.upload(small_file, "h/ok.txt")).verified_hash
            with pytest.raises(TransportIntegrityError, match="XMD5"):
                await t.upload(small_file, "h/bad.txt", md5="0" * 32)
            assert await t.stat("h/bad.txt") is None and await t.stat(temp_name("h/bad.txt", "0" * 32)) is None
        async with _vsftpd_view(vsftpd, tls_cert[0]).transport() as t:  # no XMD5: size only
            assert not (await t.upload(small_file, "plain.txt")).verified_hash

    run(go())
