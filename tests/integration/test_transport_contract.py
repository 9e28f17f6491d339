"""The transport contract (tests/integration/transport_contract.py) against each real server on 127.0.0.1.

One class per server: the local folder, pyftpdlib (FTP, and FTPS with XMD5), vsftpd (FTPS with
``require_ssl_reuse=YES``, no hash), OpenSSH sshd (SFTP), rclone serve s3 (checks Content-MD5) and moto
(S3), the REST receiver (Starlette on uvicorn) and Azurite (Azure Blob).
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import pytest
from servers import (
    AZURITE_KEY,
    S3_KEY,
    S3_SECRET,
    Azurite,
    PyFtpd,
    RestReceiver,
    S3Server,
    Sshd,
    Vsftpd,
    dir_md5,
    free_port,
)
from transport_contract import ServerView, TransportContract

from stardust_tui.secrets import Secret


def _disk_md5(root: Path):  # noqa: ANN202
    return lambda rel: dir_md5(root, rel)


class TestLocal(TransportContract):
    CHECKS_HASH = True  # the MD5 of the written file
    RESUMES = True

    @pytest.fixture
    def view(self, tmp_path: Path) -> ServerView:
        root = tmp_path / "out"
        root.mkdir()

        def md5(rel: str) -> str | None:
            p = root / rel
            return hashlib.md5(p.read_bytes(), usedforsecurity=False).hexdigest() if p.is_file() else None

        return ServerView(url=f"file://{root}", secrets={}, md5=md5, on_disk=lambda rel: root / rel)


def pyftpd_view(server: PyFtpd, scheme: str, ca: Path) -> ServerView:
    sub = uuid.uuid4().hex[:8]
    (server.root / sub).mkdir()
    query = f"?ca={ca}" if scheme == "ftps" else ""
    return ServerView(
        url=f"{scheme}://{server.user}@127.0.0.1:{server.port}/{sub}{query}",
        secrets={"password": Secret(server.password)},
        bad_secrets={"password": Secret("wrong-password")},
        md5=_disk_md5(server.root / sub),
        on_disk=lambda rel: server.root / sub / rel,
        unreachable_url=f"{scheme}://{server.user}@127.0.0.1:{free_port()}/{query}",
    )


class TestFtpPyftpdlib(TransportContract):
    CHECKS_HASH = True  # XMD5
    RESUMES = True

    @pytest.fixture
    def view(self, pyftpd: PyFtpd, tls_cert: tuple[Path, Path]) -> ServerView:
        return pyftpd_view(pyftpd, "ftp", tls_cert[0])


class TestFtpsPyftpdlib(TestFtpPyftpdlib):
    @pytest.fixture
    def view(self, pyftpd: PyFtpd, tls_cert: tuple[Path, Path]) -> ServerView:
        return pyftpd_view(pyftpd, "ftps", tls_cert[0])


def vsftpd_view(server: Vsftpd, ca: Path) -> ServerView:
    sub = server.root / uuid.uuid4().hex[:8]
    sub.mkdir()
    sub.chmod(0o777)
    return ServerView(
        url=f"ftps://anonymous@127.0.0.1:{server.port}{sub}?ca={ca}",
        secrets={"password": Secret("stardust@example.com")},
        bad_url=f"ftps://someone@127.0.0.1:{server.port}{sub}?ca={ca}",  # anonymous only: others refused
        bad_secrets={"password": Secret("wrong-password")},
        md5=_disk_md5(sub),
        on_disk=lambda rel: sub / rel,
        unreachable_url=f"ftps://anonymous@127.0.0.1:{free_port()}/?ca={ca}",
    )


class TestFtpsVsftpd(TransportContract):
    CHECKS_HASH = False  # no XMD5: size only
    RESUMES = True

    @pytest.fixture
    def view(self, vsftpd: Vsftpd, tls_cert: tuple[Path, Path]) -> ServerView:
        return vsftpd_view(vsftpd, tls_cert[0])


class TestSftpOpenssh(TransportContract):
    CHECKS_HASH = False  # OpenSSH offers no file hash over SFTP: size only
    RESUMES = True

    @pytest.fixture
    def view(self, sshd: Sshd, tmp_path: Path) -> ServerView:
        root = tmp_path / f"sftp-{uuid.uuid4().hex[:6]}"
        root.mkdir()
        base = f"sftp://{sshd.user}@127.0.0.1:{{port}}{root}?known_hosts={sshd.known_hosts}"
        return ServerView(
            url=base.format(port=sshd.port) + f"&key={sshd.key}",
            secrets={},
            bad_url=base.format(port=sshd.port) + f"&key={sshd.other_key}",
            bad_secrets={},
            md5=_disk_md5(root),
            on_disk=lambda rel: root / rel,
            unreachable_url=base.format(port=free_port()) + f"&key={sshd.key}",
        )


def s3_view(server: S3Server, *, checks_auth: bool) -> ServerView:
    prefix = f"in/{uuid.uuid4().hex[:8]}"
    keys = {"aws_access_key_id": Secret(S3_KEY), "aws_secret_access_key": Secret(S3_SECRET)}
    return ServerView(
        url=f"s3://{server.bucket}/{prefix}?endpoint={server.endpoint}&region=us-east-1",
        secrets=keys,
        bad_secrets={**keys, "aws_secret_access_key": Secret("wrong-secret")} if checks_auth else None,
        md5=lambda rel: server.md5(f"{prefix}/{rel}"),
        unreachable_url=f"s3://{server.bucket}/{prefix}?endpoint=http://127.0.0.1:{free_port()}&region=us-east-1",
    )


class TestS3Rclone(TransportContract):
    CHECKS_HASH = True  # Content-MD5 / part checksums checked on arrival, ETag compared after
    RESUMES = False  # a cut multipart upload is aborted by boto3 (a crash's leftovers: test_transport_s3)
    BUFFERED = 4 * 8 * 1024 * 1024  # the transfer manager reads up to 4 parts of 8 MiB into memory
    NOT_HERE = {
        "test_damage_at_the_server_is_caught": "rclone assembles a multipart object only when it completes: "
                                               "there is no staged file to damage (BadDigest: test_transport_s3)",
        "test_partial_longer_than_the_file_is_not_resumed": "S3 resumes multipart parts, not a partial object",
    }

    @pytest.fixture
    def view(self, rclone_s3: S3Server) -> ServerView:
        return s3_view(rclone_s3, checks_auth=True)


class TestS3Moto(TestS3Rclone):
    NOT_HERE = {
        "test_damage_at_the_server_is_caught": "moto keeps stored objects in memory, out of the test's reach",
        "test_partial_longer_than_the_file_is_not_resumed": "S3 resumes multipart parts, not a partial object",
        "test_upload_streams_from_disk": "moto keeps stored objects in this process's memory",
        "test_download_then_cleanup_when_it_fails": "moto gives a multipart object's composite CRC32 as its "
                                                     "whole-object checksum, which boto3 rightly rejects",
    }

    @pytest.fixture
    def view(self, moto_s3: S3Server) -> ServerView:
        return s3_view(moto_s3, checks_auth=False)  # moto does not check signatures


class TestRest(TransportContract):
    CHECKS_HASH = True  # the receiver answers with the MD5 it stored
    RESUMES = False  # a multipart POST cannot continue
    NOT_HERE = {
        "test_damage_at_the_server_is_caught": "what is checked is the receiver's answer (the MD5 of what it "
                                               "received); a change on its disk afterwards is beyond any client",
        "test_partial_longer_than_the_file_is_not_resumed": "a multipart POST is never resumed",
    }

    @pytest.fixture
    def view(self, rest_receiver: RestReceiver) -> ServerView:
        return ServerView(
            url=rest_receiver.url,
            secrets={"token": Secret(rest_receiver.token)},
            bad_secrets={"token": Secret("not-the-token")},
            md5=_disk_md5(rest_receiver.root),
            unreachable_url=f"http://127.0.0.1:{free_port()}/api/v1",
        )


def azure_view(azurite: Azurite) -> ServerView:
    prefix = f"in/{uuid.uuid4().hex[:8]}"
    return ServerView(
        url=f"azure://{azurite.container}/{prefix}?account_url={azurite.account_url}",
        secrets={"azure_account_key": Secret(AZURITE_KEY)},
        bad_secrets={"azure_account_key": Secret("d3Jvbmcta2V5LXdyb25nLWtleS13cm9uZy1rZXk=")},
        md5=lambda rel: azurite.md5(f"{prefix}/{rel}"),
        unreachable_url=f"azure://{azurite.container}/{prefix}?account_url="
                        f"{azurite.account_url.replace(str(azurite.port), str(free_port()))}",
    )


class TestAzure(TransportContract):
    CHECKS_HASH = True  # every block's MD5 checked by the service
    RESUMES = True  # staged blocks are kept

    @pytest.fixture
    def view(self, azurite: Azurite) -> ServerView:
        return azure_view(azurite)
