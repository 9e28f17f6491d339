"""S3 transport against moto's server and rclone serve s3 (which checks Content-MD5 and checksums)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from servers import S3_KEY, S3_SECRET, S3Server
from transport_checks import (
    ServerView,
    cancelled_upload_stops_promptly,
    file_operations,
    interrupted_then_resumed,
    md5_of,
    run,
    upload_and_verify,
    wrong_credentials,
)

from stardust_tui.delivery.base import TransportIntegrityError, TransportPermanentError, temp_name
from stardust_tui.delivery.registry import open_transport
from stardust_tui.secrets import Secret

KEYS = {"aws_access_key_id": Secret(S3_KEY), "aws_secret_access_key": Secret(S3_SECRET)}


def _view(server: S3Server) -> ServerView:
    prefix = f"in/{uuid.uuid4().hex[:8]}"
    return ServerView(
        url=f"s3://{server.bucket}/{prefix}?endpoint={server.endpoint}&region=us-east-1",
        secrets=KEYS,
        bad_secrets={"aws_access_key_id": Secret(S3_KEY), "aws_secret_access_key": Secret("wrong-secret")},
        md5=lambda rel: server.md5(f"{prefix}/{rel}"),
    )


@pytest.fixture(params=["moto", "rclone"])
def server(request: pytest.FixtureRequest) -> S3Server:
    return request.getfixturevalue(f"{request.param}_s3")


def test_small_and_big_uploads_verified(server: S3Server, small_file: Path, big_file: Path) -> None:
    view = _view(server)
    run(upload_and_verify(view, small_file, "batch/r1/small.txt"))
    run(upload_and_verify(view, big_file, "batch/r1/resources/big.bin"))  # 20 MiB: multipart (3 parts)


def test_interrupted_upload_restarts_the_file(rclone_s3: S3Server, big_file: Path) -> None:
    assert run(interrupted_then_resumed(_view(rclone_s3), big_file, "r/big.bin")) == 0


def test_file_operations(server: S3Server, small_file: Path) -> None:
    run(file_operations(_view(server), small_file))


def test_wrong_secret_is_an_auth_error(rclone_s3: S3Server) -> None:
    """(moto does not check signatures; rclone does.)"""
    exc = run(wrong_credentials(_view(rclone_s3)))
    assert "wrong-secret" not in str(exc)


def test_missing_bucket_is_permanent(server: S3Server) -> None:
    with pytest.raises(TransportPermanentError):
        run(open_transport(f"s3://no-such-bucket-x?endpoint={server.endpoint}", KEYS).connect())


def test_corruption_is_caught_by_a_checking_server(rclone_s3: S3Server, small_file: Path, big_file: Path) -> None:
    """A file whose bytes differ from the MD5 the delivery recorded never reaches its final key."""
    view = _view(rclone_s3)

    async def go() -> None:
        async with view.transport() as t:
            with pytest.raises(TransportIntegrityError, match="BadDigest|ETag"):
                await t.upload(small_file, "bad-small.txt", md5=md5_of(big_file))  # server rejects Content-MD5
            with pytest.raises(TransportIntegrityError, match="ETag"):
                await t.upload(big_file, "bad-big.bin", md5=md5_of(small_file))  # stored ETag != expected MD5
            for name, claimed in (("bad-small.txt", md5_of(big_file)), ("bad-big.bin", md5_of(small_file))):
                assert await t.stat(name) is None and await t.stat(temp_name(name, claimed)) is None

    run(go())
    assert view.md5("bad-big.bin") is None


def test_direct_publish_mode(rclone_s3: S3Server, small_file: Path, big_file: Path) -> None:
    """publish=direct: no temp key, same verification; a bad ETag removes the object again."""
    view = _view(rclone_s3)
    view.url += "&publish=direct"
    run(upload_and_verify(view, big_file, "d/big.bin"))

    async def go() -> None:
        async with view.transport() as t:
            assert {e.name for e in await t.list("d")} == {"big.bin"}  # never a temp key
            with pytest.raises(TransportIntegrityError, match="ETag"):
                await t.upload(big_file, "d/bad.bin", md5=md5_of(small_file))
            assert await t.stat("d/bad.bin") is None

    run(go())


def test_cancelled_upload_stops_promptly(rclone_s3: S3Server, big_file: Path, small_file: Path) -> None:
    assert cancelled_upload_stops_promptly(_view(rclone_s3), big_file, small_file, "cancel/big.bin") < 3.0
