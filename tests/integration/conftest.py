"""Session-scoped real servers on 127.0.0.1 for the transport tests, and the files they move."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from servers import (
    AsyncSftp,
    Azurite,
    PyFtpd,
    RestReceiver,
    S3Server,
    ServerUnavailable,
    Sshd,
    Vsftpd,
    make_cert,
    start_asyncssh_sftp,
    start_azurite,
    start_moto,
    start_pyftpd,
    start_rclone_s3,
    start_rest,
    start_sshd,
    start_vsftpd,
)

from tests.conftest import need_server

BIG = 20 * 1024 * 1024
T = TypeVar("T")


@pytest.fixture(scope="session")
def payload_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("payload")
    (d / "small.txt").write_bytes(b"stardust delivery test\n" * 40)
    for name in ("big.bin", "big2.bin"):  # 20 MiB each, same size, other bytes; written in pieces
        with open(d / name, "wb") as fh:
            for _ in range(BIG // (1024 * 1024)):
                fh.write(os.urandom(1024 * 1024))
    return d


@pytest.fixture
def small_file(payload_dir: Path) -> Path:
    return payload_dir / "small.txt"


@pytest.fixture
def big_file(payload_dir: Path) -> Path:
    return payload_dir / "big.bin"


@pytest.fixture
def big_file2(payload_dir: Path) -> Path:
    return payload_dir / "big2.bin"


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Path]:
    d = tmp_path / "scratch"
    d.mkdir()
    yield d


def _start(reason: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Start a server, or need_server() (skip here, fail under CI=true) when it cannot start."""
    try:
        return fn(*args, **kwargs)
    except (ServerUnavailable, OSError, subprocess.SubprocessError, ImportError) as exc:
        need_server(f"{reason}: {exc}")
        raise  # need_server() never returns


@pytest.fixture(scope="session")
def tls_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_cert(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="session")
def pyftpd(tmp_path_factory: pytest.TempPathFactory, tls_cert: tuple[Path, Path]) -> Iterator[PyFtpd]:
    server = _start("pyftpdlib", start_pyftpd, tmp_path_factory.mktemp("ftproot"), *tls_cert)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def vsftpd(tls_cert: tuple[Path, Path]) -> Iterator[Vsftpd]:
    work = Path(tempfile.mkdtemp(prefix="stardust-vsftpd-"))  # reachable by the server (not under 0700 dirs)
    root = work / "root"
    root.mkdir()
    os.chmod(work, 0o755)
    server = _start("vsftpd", start_vsftpd, work, root, *tls_cert)
    yield server
    server.stop()
    shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="session")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sshd]:
    server = _start("OpenSSH sshd", start_sshd, tmp_path_factory.mktemp("sshd"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def moto_s3() -> Iterator[S3Server]:
    server = _start("moto S3 server", start_moto)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def rclone_s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    server = _start("rclone serve s3", start_rclone_s3, tmp_path_factory.mktemp("rclone-s3"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def rest_receiver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RestReceiver]:
    server = _start("REST receiver (uvicorn)", start_rest, tmp_path_factory.mktemp("rest"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def azurite() -> Iterator[Azurite]:
    server = _start("Azurite", start_azurite)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def asyncssh_sftp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AsyncSftp]:
    server = _start("asyncssh SFTP server", start_asyncssh_sftp, tmp_path_factory.mktemp("asyncssh"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def rest_receiver_tls(tmp_path_factory: pytest.TempPathFactory, tls_cert: tuple[Path, Path]) -> Iterator[RestReceiver]:
    server = _start("REST receiver (uvicorn, TLS)", start_rest, tmp_path_factory.mktemp("rest-tls"), tls=tls_cert)
    yield server
    server.stop()
