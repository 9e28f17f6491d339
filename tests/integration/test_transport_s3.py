"""What is specific to S3: the server rejecting a bad Content-MD5, direct publishing, multipart uploads a
crash or a cancel left behind (the shared contract runs on rclone and moto in test_transport_contract.py)."""

from __future__ import annotations

import uuid
from pathlib import Path

import botocore.exceptions
import pytest
from servers import S3_KEY, S3_SECRET, S3Server
from transport_contract import ServerView, md5_of, run, upload_and_verify

from stardust_tui.delivery.base import TransportIntegrityError, TransportPermanentError, temp_name
from stardust_tui.delivery.registry import open_transport
from stardust_tui.secrets import Secret

KEYS = {"aws_access_key_id": Secret(S3_KEY), "aws_secret_access_key": Secret(S3_SECRET)}


def _view(server: S3Server) -> ServerView:
    prefix = f"in/{uuid.uuid4().hex[:8]}"
    return ServerView(
        url=f"s3://{server.bucket}/{prefix}?endpoint={server.endpoint}&region=us-east-1",
        secrets=KEYS,
        md5=lambda rel: server.md5(f"{prefix}/{rel}"),
    )


@pytest.fixture(params=["moto", "rclone"])
def server(request: pytest.FixtureRequest) -> S3Server:
    return request.getfixturevalue(f"{request.param}_s3")


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


def test_resumes_a_multipart_upload_a_crash_left_behind(server: S3Server, big_file: Path) -> None:
    """What a killed worker leaves: an open multipart upload of the temp key with some parts stored. The
    next upload keeps the parts that match, sends the rest, and the result is exact. A wrong stored part is
    replaced (or, on stores that cannot replace parts, the upload starts afresh)."""
    view = _view(server)
    prefix = view.url.split("/", 3)[3].split("?")[0]
    client = server.client()
    mib8 = 8 * 1024 * 1024

    def leave_parts(name: str, second: bytes | None) -> str:
        key = f"{prefix}/{temp_name(name, md5_of(big_file))}"
        up = client.create_multipart_upload(Bucket=server.bucket, Key=key, Metadata={"md5": md5_of(big_file)})
        with open(big_file, "rb") as fh:
            client.upload_part(Bucket=server.bucket, Key=key, UploadId=up["UploadId"], PartNumber=1,
                               Body=fh.read(mib8))
        if second is not None:
            client.upload_part(Bucket=server.bucket, Key=key, UploadId=up["UploadId"], PartNumber=2, Body=second)
        return key

    async def upload(name: str) -> int:
        async with view.transport() as t:
            return (await t.upload(big_file, name)).resumed_from

    key = leave_parts("crash/big.bin", None)
    assert run(upload("crash/big.bin")) == mib8
    assert view.md5("crash/big.bin") == md5_of(big_file)
    key2 = leave_parts("crash/big2.bin", b"x" * mib8)
    assert run(upload("crash/big2.bin")) in (mib8, 0)
    assert view.md5("crash/big2.bin") == md5_of(big_file)
    assert not _open_uploads(server, key) and not _open_uploads(server, key2)  # nothing left open


def _open_uploads(server: S3Server, key: str) -> list[dict]:
    try:
        return server.client().list_multipart_uploads(Bucket=server.bucket, Prefix=key).get("Uploads", [])
    except botocore.exceptions.ClientError as exc:  # rclone answers NoSuchUpload when there is none
        assert "NoSuchUpload" in str(exc)
        return []


def test_discard_aborts_the_multipart_upload_a_cancel_left(server: S3Server, big_file: Path) -> None:
    """A user cancel: the open multipart upload (its stored parts) is aborted, not left to cost money."""
    view = _view(server)
    prefix = view.url.split("/", 3)[3].split("?")[0]
    md5 = md5_of(big_file)
    key = f"{prefix}/{temp_name('c/big.bin', md5)}"
    client = server.client()
    up = client.create_multipart_upload(Bucket=server.bucket, Key=key)
    with open(big_file, "rb") as fh:
        client.upload_part(Bucket=server.bucket, Key=key, UploadId=up["UploadId"], PartNumber=1,
                           Body=fh.read(8 * 1024 * 1024))
    assert _open_uploads(server, key)

    async def go() -> None:
        async with view.transport() as t:
            await t.discard_upload("c/big.bin", md5)

    run(go())
    assert not _open_uploads(server, key)
