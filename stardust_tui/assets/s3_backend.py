"""The object-store backend of the asset store: any S3-compatible bucket (AWS S3, MinIO, Ceph, Wasabi…).

Objects are content-addressed like the local store: ``<prefix><sha[:2]>/<sha[2:4]>/<sha256>``, with the
SHA-256 and MD5 in the object's metadata. An upload is checked end to end: each PUT or multipart part
carries ``Content-MD5`` (the server refuses damaged bytes), the SHA-256 of the bytes actually sent is
compared with the one the caller hashed before anything becomes visible (a file changed while being
stored aborts the multipart upload or is never PUT), and the stored object's size and ETag are read back
afterwards. Memory stays at one part (8 MiB) whatever the file size. Reads are ranged GETs
(:class:`~stardust_tui.assets.objects.RangeReader`), so facts, QC and deliveries stream from the bucket.
"""

from __future__ import annotations

import base64
import hashlib
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO

from stardust_tui.assets.objects import RangeReader
from stardust_tui.delivery.urls import TargetSpec
from stardust_tui.errors import NotFoundError, StardustError

PART = 8 * 1024 * 1024
Progress = Callable[[int, int], None]


def _code(exc: BaseException) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", "")) or type(exc).__name__


_CLIENTS: dict[tuple[Any, ...], Any] = {}
_CLIENTS_LOCK = threading.Lock()


def _shared_client(backend: S3Backend, creds: Mapping[str, str]) -> Any:
    """One boto3 client per endpoint, options and credentials in this process (boto3 clients are
    thread-safe; making one costs ~0.1 s, which every delivery and QC read of a bucket asset paid)."""
    spec = backend.spec
    key = (os.getpid(), backend.endpoint, backend.region, spec.option("addressing"), spec.option("ca"), spec.timeout,
           hashlib.sha256(repr(sorted(creds.items())).encode()).hexdigest())
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(key)
        if client is None:
            client = _CLIENTS[key] = backend._new_client(creds)
        return client


@dataclass
class S3Object:
    """One stored asset in the bucket (see :class:`~stardust_tui.assets.objects.StoredObject`)."""

    backend: S3Backend
    sha256: str
    size: int
    name: str = ""
    md5: str = ""

    @property
    def key(self) -> str:
        return self.backend.key(self.sha256)

    @property
    def suffix(self) -> str:
        return "." + self.name.rsplit(".", 1)[1].lower() if "." in self.name else ""

    def open(self, mode: str = "rb", offset: int = 0) -> BinaryIO:
        if mode != "rb":
            raise ValueError("stored assets are read-only")
        return RangeReader(lambda o, n: self.backend.fetch(self.sha256, o, n), self.size, str(self), offset)  # type: ignore[return-value]

    def exists(self) -> bool:
        return self.backend.stat(self.sha256) == self.size

    def stat(self) -> os.stat_result:
        """Like ``Path.stat()`` for the readers that ask a file's size (only ``st_size`` is meaningful)."""
        return os.stat_result((0o100444, 0, 0, 1, 0, 0, self.size, 0, 0, 0))

    def is_file(self) -> bool:
        return self.exists()

    def __str__(self) -> str:
        return self.backend.url_of(self.sha256)


class S3Backend:
    """Assets in a bucket, addressed by SHA-256 (thread-safe: boto3 clients are)."""

    kind = "s3"

    def __init__(self, spec: TargetSpec, credentials: Mapping[str, str] | Callable[[], Mapping[str, str]] | None = None,
                 ) -> None:
        self.spec = spec
        self.bucket = str(spec.bucket)
        self.prefix = spec.path
        self._credentials = credentials  # a mapping, or a loader called when the first request is made
        self._client: Any = None

    def set_credentials(self, credentials: Mapping[str, str] | Callable[[], Mapping[str, str]]) -> None:
        """Credentials to use (or a loader) if no request was made yet."""
        if self._client is None:
            self._credentials = credentials

    # -- where ---------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    @property
    def endpoint(self) -> str | None:
        return self.spec.option("endpoint")

    @property
    def region(self) -> str | None:
        return self.spec.option("region")

    def key(self, sha: str) -> str:
        return f"{self.prefix}{sha[:2]}/{sha[2:4]}/{sha}"

    def url_of(self, sha: str) -> str:
        return f"s3://{self.bucket}/{self.key(sha)}"

    @property
    def client(self) -> Any:
        if self._client is None:
            creds = self._credentials() if callable(self._credentials) else dict(self._credentials or {})
            self._credentials = None  # not kept around once the client holds them
            self._client = _shared_client(self, creds)
        return self._client

    def _new_client(self, creds: Mapping[str, str]) -> Any:
        import boto3
        from botocore.config import Config

        spec = self.spec
        session = boto3.session.Session(
            aws_access_key_id=creds.get("aws_access_key_id"),
            aws_secret_access_key=creds.get("aws_secret_access_key"),
            aws_session_token=creds.get("aws_session_token"),
            region_name=self.region or None)
        config = Config(s3={"addressing_style": spec.option("addressing") or ("path" if self.endpoint else "auto")},
                        retries={"max_attempts": 4, "mode": "standard"}, connect_timeout=spec.timeout,
                        read_timeout=spec.timeout * 2, max_pool_connections=16,
                        request_checksum_calculation="when_required",
                        response_checksum_validation="when_required")
        return session.client("s3", endpoint_url=self.endpoint, config=config, verify=spec.option("ca") or True)

    def _error(self, exc: BaseException, what: str) -> StardustError:
        code = _code(exc)
        if code in ("NoCredentialsError", "PartialCredentialsError"):  # none stored for this endpoint+bucket
            return StardustError(f"asset store {self.url}: no credentials for {what} (they are stored per "
                                 "endpoint and bucket: stardust asset credentials)", where="assets.url")
        if code in ("NoSuchBucket", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403"):
            hint = " (set the credentials: stardust asset credentials)" if code != "NoSuchBucket" else ""
            return StardustError(f"asset store {self.url}: {code} {what}{hint}", where="assets.url")
        return StardustError(f"asset store {self.url}: {what} failed ({code}: {str(exc).splitlines()[0][:200]})",
                             where="assets.url")

    def _call(self, what: str, fn: Callable[[], Any]) -> Any:
        import botocore.exceptions

        try:
            return fn()
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
            raise self._error(exc, what) from None

    # -- reading --------------------------------------------------------------------------------------
    def head(self, sha: str) -> dict[str, Any] | None:
        import botocore.exceptions

        try:
            return self.client.head_object(Bucket=self.bucket, Key=self.key(sha))
        except botocore.exceptions.ClientError as exc:
            if _code(exc) in ("404", "NoSuchKey", "NotFound"):
                return None
            raise self._error(exc, f"reading {self.key(sha)}") from None
        except botocore.exceptions.BotoCoreError as exc:
            raise self._error(exc, f"reading {self.key(sha)}") from None

    def stat(self, sha: str) -> int | None:
        head = self.head(sha)
        return None if head is None else int(head["ContentLength"])

    def check(self) -> None:
        """Reach the bucket (one line naming what is wrong: credentials, bucket, network)."""
        self._call("reaching the bucket", lambda: self.client.head_bucket(Bucket=self.bucket))

    def fetch(self, sha: str, offset: int, length: int) -> bytes:
        """``length`` bytes of an object from ``offset`` (one ranged GET)."""
        import botocore.exceptions

        key = self.key(sha)
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=key,
                                          Range=f"bytes={offset}-{offset + length - 1}")["Body"]
            data = body.read()
        except botocore.exceptions.ClientError as exc:
            if _code(exc) in ("404", "NoSuchKey", "NotFound"):
                raise NotFoundError(f"asset {sha[:12]} is missing from the bucket", where=self.url_of(sha)) from None
            raise OSError(f"{self.url_of(sha)}: {_code(exc)}") from None
        except botocore.exceptions.BotoCoreError as exc:
            raise OSError(f"{self.url_of(sha)}: {exc}") from None
        if len(data) != length:
            raise OSError(f"{self.url_of(sha)}: short read ({len(data)} of {length} bytes at {offset})")
        return data

    def object(self, sha: str, size: int, name: str = "", md5: str = "") -> S3Object:
        return S3Object(self, sha, size, name, md5)

    def keys(self) -> Iterator[tuple[str, int]]:
        """(sha256, size) of every stored object under the prefix."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
        for page in self._call("listing the bucket", lambda: list(pages)):
            for obj in page.get("Contents", []):
                name = obj["Key"].rsplit("/", 1)[-1]
                if len(name) == 64 and all(c in "0123456789abcdef" for c in name):
                    yield name, int(obj["Size"])

    # -- writing --------------------------------------------------------------------------------------
    def put(self, fh: BinaryIO, *, sha: str, md5: str, size: int, progress: Progress | None = None) -> bool:
        """Store ``size`` bytes read from ``fh`` under ``sha``'s key, checked; False when already there."""
        head = self.head(sha)
        if head is not None and int(head["ContentLength"]) == size:
            return False
        meta = {"sha256": sha, "md5": md5}
        if size < PART:
            data = fh.read(size + 1)
            self._same(data, sha, md5, size)
            self._call(f"storing {self.key(sha)}", lambda: self.client.put_object(
                Bucket=self.bucket, Key=self.key(sha), Body=data, ContentLength=size, Metadata=meta,
                ContentMD5=base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode()))
            if progress is not None:
                progress(size, size)
            expected = {md5}
        else:
            expected = {md5, self._multipart(fh, sha=sha, md5=md5, size=size, meta=meta, progress=progress)}
        self.verify_stored(sha, size, expected)
        return True

    @staticmethod
    def _same(data: bytes, sha: str, md5: str, size: int) -> None:
        if len(data) != size or hashlib.sha256(data).hexdigest() != sha \
                or hashlib.md5(data, usedforsecurity=False).hexdigest() != md5:
            raise StardustError("the file changed while it was being stored; nothing was stored, run again")

    def _multipart(self, fh: BinaryIO, *, sha: str, md5: str, size: int, meta: dict[str, str],
                   progress: Progress | None) -> str:
        key = self.key(sha)
        upload_id = self._call(f"storing {key}", lambda: self.client.create_multipart_upload(
            Bucket=self.bucket, Key=key, Metadata=meta)["UploadId"])
        whole_sha, whole_md5, done = hashlib.sha256(), hashlib.md5(usedforsecurity=False), 0
        digests: list[bytes] = []
        parts: list[dict[str, Any]] = []
        try:
            while done < size and (data := fh.read(min(PART, size - done))):
                digest = hashlib.md5(data, usedforsecurity=False).digest()
                whole_sha.update(data)
                whole_md5.update(data)
                n = len(parts) + 1

                def upload(d: bytes = data, g: bytes = digest, n: int = n) -> Any:
                    return self.client.upload_part(Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=n,
                                                   Body=d, ContentMD5=base64.b64encode(g).decode())["ETag"]
                etag = self._call(f"storing {key} part {n}", upload)
                parts.append({"ETag": etag, "PartNumber": n})
                digests.append(digest)
                done += len(data)
                if progress is not None:
                    progress(done, size)
            if fh.read(1) or done != size or whole_sha.hexdigest() != sha or whole_md5.hexdigest() != md5:
                raise StardustError("the file changed while it was being stored; nothing was stored, run again")
            self._call(f"storing {key}", lambda: self.client.complete_multipart_upload(
                Bucket=self.bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}))
        except BaseException:
            import contextlib

            with contextlib.suppress(Exception):
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
            raise
        return f"{hashlib.md5(b''.join(digests), usedforsecurity=False).hexdigest()}-{len(digests)}"

    def verify_stored(self, sha: str, size: int, etags: set[str]) -> None:
        """Read the stored object back: its size, and its ETag against the MD5s we sent."""
        head = self.head(sha)
        problem = None
        if head is None:
            problem = "is not there after the upload"
        elif int(head["ContentLength"]) != size:
            problem = f"is {head['ContentLength']} bytes, not {size}"
        elif head.get("ServerSideEncryption") != "aws:kms" and head.get("ETag", "").strip('"') not in etags:
            problem = f"has ETag {head.get('ETag')} (expected {' or '.join(sorted(etags))})"
        if problem is not None:
            self.delete(sha)
            raise StardustError(f"stored object {self.key(sha)} {problem}; it was removed, run again",
                                where=self.url)

    def copy_from(self, other: S3Backend, sha: str, size: int) -> bool:
        """Server-side copy of ``sha`` from another bucket on the same endpoint; False if refused."""
        import botocore.exceptions

        try:
            self.client.copy({"Bucket": other.bucket, "Key": other.key(sha)}, self.bucket, self.key(sha))
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError):
            return False
        return self.stat(sha) == size

    def delete(self, sha: str) -> None:
        self._call(f"deleting {self.key(sha)}", lambda: self.client.delete_object(Bucket=self.bucket,
                                                                                  Key=self.key(sha)))
