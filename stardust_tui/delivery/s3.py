"""S3 transport (boto3): multipart through the transfer manager, checksums, custom endpoints.

S3 has no rename, so the temporary name is a temporary *key*: the file goes to ``prefix/.name.part``
(one PUT with ``Content-MD5`` below 8 MiB, which the server checks; above that a multipart upload whose
parts carry CRC32 checksums the server checks), then the temp object is verified (size, and ETag
against the MD5 or the multipart ETag we compute locally), server-side copied to the final key
(CopyObject is atomic: the final key appears complete or not at all) and deleted. Receivers that
react to object-created events never see an unverified file. A multipart upload a crashed attempt left
behind is resumed: matching stored parts are kept (see :mod:`stardust_tui.delivery.s3_resume`).

``?publish=direct`` uploads straight to the final key instead (for inboxes that deny DeleteObject, or
to skip the copy): the object still appears only complete (PUT and CompleteMultipartUpload are
atomic, with the server checking Content-MD5 / part CRCs first), but the ETag check happens after it
is visible; a mismatch deletes it and fails the upload.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import boto3
import botocore.exceptions
from boto3.exceptions import S3UploadFailedError
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from s3transfer.utils import ChunksizeAdjuster

from stardust_tui.delivery.base import (
    ProgressCallback,
    ProgressMeter,
    RemoteEntry,
    Transport,
    TransportAuthError,
    TransportError,
    TransportIntegrityError,
    TransportPermanentError,
    TransportTransientError,
    UploadResult,
    check_size,
    clean_path,
    temp_name,
)
from stardust_tui.delivery.s3_resume import resume_multipart

T = TypeVar("T")
MULTIPART = 8 * 1024 * 1024
COPY_LIMIT = 5 * 1024**3
AUTH_CODES = {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken",
              "AuthorizationHeaderMalformed", "403"}
INTEGRITY_CODES = {"BadDigest", "InvalidDigest", "XAmzContentChecksumMismatch", "InvalidChecksum"}
PERMANENT_CODES = {"NoSuchBucket", "InvalidBucketName", "AllAccessDisabled", "InvalidArgument", "404"}


def multipart_etag(path: Path, size: int, chunk: int) -> str:
    """The ETag S3 gives a multipart upload: MD5 of the parts' MD5s, then ``-<parts>``."""
    digests = []
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digests.append(hashlib.md5(block, usedforsecurity=False).digest())
    return f"{hashlib.md5(b''.join(digests), usedforsecurity=False).hexdigest()}-{len(digests)}"


def _code(exc: BaseException) -> str:
    if isinstance(exc, botocore.exceptions.ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    text = str(exc)
    if "(" in text and ")" in text:  # S3UploadFailedError: "An error occurred (Code) when calling..."
        return text.split("(", 1)[1].split(")", 1)[0]
    return ""


class S3Transport(Transport):
    SCHEMES = ("s3",)
    HAS_REMOTE_HASH = True
    ATOMIC_RENAME = False  # CopyObject + DeleteObject

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._client_lock = threading.Lock()
        self._client: Any = None
        self.transfer_config = TransferConfig(
            multipart_threshold=MULTIPART, multipart_chunksize=MULTIPART, max_concurrency=4, use_threads=True
        )

    # -- connection -------------------------------------------------------------------------------
    def _make_client(self) -> Any:
        spec = self.spec
        session = boto3.session.Session(
            aws_access_key_id=self.secret("aws_access_key_id"),
            aws_secret_access_key=self.secret("aws_secret_access_key"),
            aws_session_token=self.secret("aws_session_token"),
            region_name=spec.option("region") or None,
        )
        endpoint = spec.option("endpoint")
        addressing = spec.option("addressing") or ("path" if endpoint else "auto")
        config = Config(
            s3={"addressing_style": addressing},
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=spec.timeout,
            read_timeout=spec.timeout * 2,
        )
        return session.client("s3", endpoint_url=endpoint, config=config, verify=spec.option("ca") or True)

    def _map(self, exc: BaseException, where: str) -> TransportError:
        if isinstance(exc, TransportError):
            return exc
        code = _code(exc)
        if isinstance(exc, botocore.exceptions.NoCredentialsError) or code in AUTH_CODES:
            return TransportAuthError(f"S3 refused the credentials ({code or exc})", where=where)
        if code in INTEGRITY_CODES:
            return TransportIntegrityError(f"S3 rejected the data checksum ({code})", where=where)
        if code in PERMANENT_CODES:
            return TransportPermanentError(f"S3 error {code}: {exc}", where=where)
        if isinstance(exc, botocore.exceptions.SSLError):
            return TransportPermanentError(f"TLS verification failed: {exc}", where=where)
        return TransportTransientError(f"{type(exc).__name__}: {exc}", where=where)

    async def _call(self, fn: Callable[[Any], T], where: str = "") -> T:
        def work() -> T:
            with self._client_lock:  # concurrent first calls must not build two clients
                if self._client is None:
                    self._client = self._make_client()
            return fn(self._client)

        try:
            return await asyncio.to_thread(work)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError, S3UploadFailedError) as exc:
            raise self._map(exc, where or self.spec.display) from exc

    async def connect(self) -> None:
        await self._call(lambda c: c.head_bucket(Bucket=self.spec.bucket))

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()

    # -- helpers ----------------------------------------------------------------------------------
    def _key(self, path: str) -> str:
        return self.spec.path + clean_path(path)

    def _head(self, client: Any, key: str) -> dict[str, Any] | None:
        try:
            return client.head_object(Bucket=self.spec.bucket, Key=key)
        except botocore.exceptions.ClientError as exc:
            if _code(exc) in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def _copy(self, client: Any, src: str, dst: str, size: int) -> None:
        source = {"Bucket": self.spec.bucket, "Key": src}
        if size <= COPY_LIMIT:
            client.copy_object(Bucket=self.spec.bucket, Key=dst, CopySource=source)
        else:
            client.copy(source, self.spec.bucket, dst, Config=self.transfer_config)

    # -- operations ---------------------------------------------------------------------------------
    async def list(self, path: str = "") -> list[RemoteEntry]:
        prefix = self._key(path)
        prefix = prefix + "/" if prefix and not prefix.endswith("/") else prefix

        def _list(client: Any) -> list[RemoteEntry]:
            out: list[RemoteEntry] = []
            pages = client.get_paginator("list_objects_v2").paginate(
                Bucket=self.spec.bucket, Prefix=prefix, Delimiter="/"
            )
            for page in pages:
                for p in page.get("CommonPrefixes", []):
                    out.append(RemoteEntry(p["Prefix"][len(prefix):].rstrip("/"), True, None))
                for o in page.get("Contents", []):
                    name = o["Key"][len(prefix):]
                    if name:
                        out.append(RemoteEntry(name, False, o["Size"]))
            return sorted(out, key=lambda e: e.name)

        return await self._call(_list, prefix)

    async def stat(self, path: str) -> int | None:
        head = await self._call(lambda c: self._head(c, self._key(path)), self._key(path))
        return None if head is None else int(head["ContentLength"])

    async def mkdir(self, path: str) -> None:
        return None  # S3 has no folders: keys with a '/' make them appear

    async def remove(self, path: str) -> None:
        key = self._key(path)
        await self._call(lambda c: c.delete_object(Bucket=self.spec.bucket, Key=key), key)

    async def rename(self, src: str, dst: str) -> None:
        a, b = self._key(src), self._key(dst)

        def _rename(client: Any) -> None:
            head = self._head(client, a)
            if head is None:
                raise TransportPermanentError("no such object", where=a)
            self._copy(client, a, b, int(head["ContentLength"]))
            client.delete_object(Bucket=self.spec.bucket, Key=a)

        await self._call(_rename, a)

    async def download(self, remote_path: str, local_path: str | Path) -> int:
        local = Path(local_path)
        tmp = local.with_name(f".{local.name}.part")
        key = self._key(remote_path)
        await self._call(lambda c: c.download_file(self.spec.bucket, key, str(tmp), Config=self.transfer_config), key)
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
        final = self._key(remote_path)
        direct = self.spec.option("publish", "copy") == "direct"
        tmp = final if direct else self._key(temp_name(remote_path, md5))
        bucket = self.spec.bucket
        t0 = time.monotonic()
        chunk = ChunksizeAdjuster().adjust_chunksize(MULTIPART, size)
        multipart = size >= MULTIPART
        cancel = threading.Event()

        def _put(client: Any) -> int:
            def meter_from(start: int) -> ProgressMeter:
                return ProgressMeter(progress, size, start, cancel, self.max_rate)

            if multipart:
                reused = resume_multipart(client, bucket, tmp, local, size, chunk, meter_from)
                if reused is not None:
                    return reused
                meter = meter_from(0)
                client.upload_file(str(local), bucket, tmp, Config=self.transfer_config, Callback=meter.add,
                                   ExtraArgs={"Metadata": {"md5": md5}})
                meter.check()
            else:
                meter = meter_from(0)
                with open(local, "rb") as fh:
                    client.put_object(Bucket=bucket, Key=tmp, Body=fh, ContentLength=size, Metadata={"md5": md5},
                                      ContentMD5=base64.b64encode(bytes.fromhex(md5)).decode())
                meter.add(size)
            return 0

        etag_multi = ""
        expected_multi = asyncio.create_task(asyncio.to_thread(multipart_etag, local, size, chunk)) \
            if multipart else None
        try:
            resumed = await self._cancellable(self._call(_put, final), cancel)
        finally:
            if expected_multi is not None:
                etag_multi = await expected_multi

        def _verify_and_publish(client: Any) -> None:
            head = self._head(client, tmp)
            remote = None if head is None else int(head["ContentLength"])
            etag = "" if head is None else head.get("ETag", "").strip('"')
            ok_hash = etag == md5 or (multipart and etag == etag_multi)
            if head is not None and head.get("ServerSideEncryption") == "aws:kms":
                ok_hash = True  # KMS ETags are not MD5s: rely on the Content-MD5 / part CRCs the server checked
            if remote != size or not ok_hash:
                client.delete_object(Bucket=bucket, Key=tmp)
            check_size(remote, size, final)
            if not ok_hash:
                raise TransportIntegrityError(f"stored ETag {etag} matches neither MD5 {md5} nor the parts",
                                              where=final)
            if direct:
                return
            self._copy(client, tmp, final, size)
            head = self._head(client, final)
            check_size(None if head is None else int(head["ContentLength"]), size, final)
            client.delete_object(Bucket=bucket, Key=tmp)

        await self._call(_verify_and_publish, final)
        return UploadResult(clean_path(remote_path), size, md5, True, resumed, time.monotonic() - t0)
