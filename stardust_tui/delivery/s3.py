"""S3 transport (boto3): multipart through the transfer manager, checksums, custom endpoints.

Primitives for the upload sequence in :mod:`stardust_tui.delivery.base`. S3 has no rename, so the
temporary name is a temporary *key* (``prefix/.name.<md5>.part``): one PUT with ``Content-MD5`` below
8 MiB, which the server checks; above that a multipart upload whose parts carry checksums the server
checks. Verification reads the key's size and ETag (the MD5, or the multipart ETag we compute
locally while the parts travel); publishing is :meth:`S3Transport.rename`, a server-side CopyObject
(atomic: the final key appears complete or not at all) and a delete of the temporary key, so
receivers that react to object-created events never see an unverified file. A multipart upload an
interrupted attempt left behind is resumed: matching stored parts are kept (see
:mod:`stardust_tui.delivery.s3_resume`); a cancelled one is aborted. A file of an object-store asset
store is copied server-side on the same endpoint, else streamed (:mod:`stardust_tui.delivery.s3_stream`).

``?publish=direct`` uploads straight to the final key instead (for inboxes that deny DeleteObject, or
to skip the copy): the object still appears only complete (PUT and CompleteMultipartUpload are
atomic, with the server checking Content-MD5 / part checksums first), but the ETag check happens
after it is visible; a mismatch deletes it and fails the upload.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import boto3
import botocore.exceptions
from boto3.exceptions import S3UploadFailedError
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from s3transfer.utils import ChunksizeAdjuster

from stardust_tui.delivery.base import (
    Inspected,
    Publish,
    RemoteEntry,
    Staged,
    Transport,
    TransportAuthError,
    TransportError,
    TransportIntegrityError,
    TransportPermanentError,
    TransportTransientError,
    Written,
    clean_path,
)
from stardust_tui.delivery.s3_resume import Resumable, abort_uploads, find_resumable, finish_multipart
from stardust_tui.delivery.s3_stream import same_endpoint, server_copy, stream_upload
from stardust_tui.delivery.transfer import ProgressMeter, Source

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
    CAN_RESUME = True  # an open multipart upload of the stage key: its matching parts are kept

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.spec.bucket:  # parse_target_url refuses an s3:// URL without one
            raise TransportPermanentError("an s3:// target needs a bucket: s3://bucket/prefix")
        self.bucket: str = self.spec.bucket
        self._client: Any = None
        self.transfer_config = TransferConfig(
            multipart_threshold=MULTIPART, multipart_chunksize=MULTIPART, max_concurrency=4, use_threads=True
        )

    @property
    def publish(self) -> Publish:
        return "direct" if self.spec.option("publish", "copy") == "direct" else "rename"

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
            if self._client is None:  # (calls run one at a time: see Transport._blocking)
                self._client = self._make_client()
            return fn(self._client)

        try:
            return await self._blocking(work)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError, S3UploadFailedError) as exc:
            raise self._map(exc, where or self.spec.display) from exc

    async def connect(self) -> None:
        await self._call(lambda c: c.head_bucket(Bucket=self.bucket))

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()

    # -- helpers ----------------------------------------------------------------------------------
    def _key(self, path: str) -> str:
        return self.spec.path + clean_path(path)

    def _head(self, client: Any, key: str) -> dict[str, Any] | None:
        try:
            head: dict[str, Any] = client.head_object(Bucket=self.bucket, Key=key)
            return head
        except botocore.exceptions.ClientError as exc:
            if _code(exc) in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def _copy(self, client: Any, src: str, dst: str, size: int) -> None:
        source = {"Bucket": self.bucket, "Key": src}
        if size <= COPY_LIMIT:
            client.copy_object(Bucket=self.bucket, Key=dst, CopySource=source)
        else:
            client.copy(source, self.bucket, dst, Config=self.transfer_config)

    # -- operations ---------------------------------------------------------------------------------
    async def list(self, path: str = "") -> list[RemoteEntry]:
        prefix = self._key(path)
        prefix = prefix + "/" if prefix and not prefix.endswith("/") else prefix

        def _list(client: Any) -> list[RemoteEntry]:
            out: list[RemoteEntry] = []
            pages = client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=prefix, Delimiter="/"
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
        await self._call(lambda c: c.delete_object(Bucket=self.bucket, Key=key), key)

    async def rename(self, src: str, dst: str) -> None:
        a, b = self._key(src), self._key(dst)

        def _rename(client: Any) -> None:
            head = self._head(client, a)
            if head is None:
                raise TransportPermanentError("no such object", where=a)
            self._copy(client, a, b, int(head["ContentLength"]))
            client.delete_object(Bucket=self.bucket, Key=a)

        await self._call(_rename, a)

    async def _abandon(self, stage: str) -> None:
        key = self._key(stage)

        def _clean(client: Any) -> None:
            abort_uploads(client, self.bucket, key)
            if self.publish == "rename":
                client.delete_object(Bucket=self.bucket, Key=key)

        await self._call(_clean, key)

    # -- the upload sequence's primitives ------------------------------------------------------------
    @staticmethod
    def _chunk(size: int) -> int:
        chunk: int = ChunksizeAdjuster().adjust_chunksize(MULTIPART, size)
        return chunk

    async def _staged(self, stage: str, src: Source) -> Staged:
        if src.size < MULTIPART or (src.stored is not None and same_endpoint(self.spec, src.stored)):
            return Staged()  # a single PUT (or a server-side copy) leaves nothing to resume
        key = self._key(stage)
        # the asset store's object is read as a stream
        local: Path | Callable[[], Any] = src.local if src.stored is None else src.open
        found = await self._call(
            lambda c: find_resumable(c, self.bucket, key, local, src.size, self._chunk(src.size)), key)
        return Staged() if found is None else Staged(found.offset, found)

    async def _write_stage(self, stage: str, src: Source, staged: Staged, meter: ProgressMeter) -> Written:
        if src.stored is not None:  # issue 12: from the object-store asset store, no local file
            return await self._write_from_store(stage, src, staged, meter)
        key, bucket, size, path = self._key(stage), self.bucket, src.size, src.local
        chunk = self._chunk(size)
        multipart = size >= MULTIPART
        # the ETag S3 will give a multipart upload, computed here while the parts travel
        expected = asyncio.create_task(asyncio.to_thread(multipart_etag, path, size, chunk)) \
            if multipart else None

        def _put(client: Any) -> int:
            if isinstance(staged.state, Resumable):
                if finish_multipart(client, bucket, key, path, size, chunk, staged.state, meter):
                    return staged.offset
                meter.set(0)  # the store refused to continue it: start afresh
            if multipart:
                client.upload_file(str(path), bucket, key, Config=self.transfer_config, Callback=meter.add,
                                   ExtraArgs={"Metadata": {"md5": src.md5}})
            else:
                with open(path, "rb") as fh:
                    client.put_object(Bucket=bucket, Key=key, Body=fh, ContentLength=size,
                                      Metadata={"md5": src.md5},
                                      ContentMD5=base64.b64encode(bytes.fromhex(src.md5)).decode())
                meter.add(size)
            return 0

        try:
            resumed = await self._call(_put, key)
        except BaseException:
            if expected is not None:
                expected.cancel()
            raise
        return Written(resumed, server_checked=True, state=await expected if expected is not None else None)

    async def _write_from_store(self, stage: str, src: Source, staged: Staged, meter: ProgressMeter) -> Written:
        """Server-side copy when the store is on this endpoint, else a streamed multipart upload."""
        key, bucket = self._key(stage), self.bucket

        def _put(client: Any) -> Written:
            if same_endpoint(self.spec, src.stored):
                etag = server_copy(client, src.stored, bucket, key, meter)
                if etag is not None:
                    return Written(0, server_checked=True, state=etag)
            resume = staged.state if isinstance(staged.state, Resumable) else None
            etag = stream_upload(client, bucket, key, src, self._chunk(src.size), resume, meter)
            return Written(staged.offset if resume else 0, server_checked=True, state=etag)

        return await self._call(_put, key)

    async def _inspect(self, stage: str, src: Source, written: Written) -> Inspected:
        key = self._key(stage)
        head = await self._call(lambda c: self._head(c, key), key)
        if head is None:
            return Inspected(None)
        size = int(head["ContentLength"])
        if head.get("ServerSideEncryption") == "aws:kms":
            return Inspected(size)  # KMS ETags are not MD5s: the Content-MD5 / part checksums were checked
        etag = head.get("ETag", "").strip('"')
        return Inspected(size, etag in (src.md5, written.state), f"stored ETag {etag}")

    async def _read_into(self, path: str, sink: BinaryIO) -> None:
        key = self._key(path)

        def _get(client: Any) -> None:
            try:
                body = client.get_object(Bucket=self.bucket, Key=key)["Body"]
            except botocore.exceptions.ClientError as exc:
                if _code(exc) in ("404", "NoSuchKey", "NotFound"):
                    raise TransportPermanentError("remote file not found", where=key) from None
                raise
            for block in body.iter_chunks(1 << 20):
                sink.write(block)

        await self._call(_get, key)
