"""S3 targets fed straight from an object-store asset store (issue 12): no local copy of the file.

When the asset store and the target are on the same endpoint, :func:`server_copy` has the server copy
the stored object onto the target's stage key (CopyObject, or a multipart copy above 5 GB): no byte
passes through the worker. Otherwise (another endpoint, or the target's credentials cannot read the
store's bucket) :func:`stream_upload` reads the object by ranged reads and sends it as a multipart
upload, one part (8 MiB) in memory at a time, each part with ``Content-MD5``; it continues an upload an
interrupted attempt left (the parts :mod:`~stardust_tui.delivery.s3_resume` kept) and returns the ETag
the completed object must have, which the upload sequence then checks.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import botocore.exceptions

from stardust_tui.delivery.s3_resume import Resumable
from stardust_tui.delivery.transfer import ProgressMeter, Source

MULTIPART = 8 * 1024 * 1024
COPY_LIMIT = 5 * 1024**3
REFUSED = {"AccessDenied", "403", "NoSuchBucket", "NoSuchKey", "404", "NotImplemented", "InvalidRequest"}


def same_endpoint(spec: Any, stored: Any) -> bool:
    """True when the target (a TargetSpec) and the stored object's bucket are on one S3 endpoint."""
    backend = getattr(stored, "backend", None)
    if backend is None or getattr(backend, "kind", "") != "s3":
        return False
    return (spec.option("endpoint") or "").rstrip("/") == (backend.endpoint or "").rstrip("/")


def server_copy(client: Any, stored: Any, bucket: str, key: str, meter: ProgressMeter) -> str | None:
    """Copy the stored object to ``bucket/key`` on the server; the ETag to accept, or None if refused."""
    source = {"Bucket": stored.backend.bucket, "Key": stored.key}
    try:
        head = client.head_object(**source)
        if stored.size <= COPY_LIMIT:
            result = client.copy_object(Bucket=bucket, Key=key, CopySource=source, MetadataDirective="COPY")
            copied = str(result.get("CopyObjectResult", {}).get("ETag", "")).strip('"')
        else:
            client.copy(source, bucket, key)
            copied = ""
    except botocore.exceptions.ClientError as exc:
        if str(exc.response.get("Error", {}).get("Code", "")) in REFUSED:
            return None  # the target's credentials cannot read the store: stream instead
        raise
    meter.add(stored.size)
    # The server copied bytes it had verified when they were stored (Content-MD5/part checksums, SHA-256
    # compared before completion); the stage is checked against the source's ETag (or the plain MD5).
    return str(head.get("ETag", "")).strip('"') or copied


def _ranges(size: int, chunk: int) -> list[tuple[int, int, int]]:
    return [(n + 1, off, min(chunk, size - off)) for n, off in enumerate(range(0, size, chunk))]


def stream_upload(client: Any, bucket: str, key: str, src: Source, chunk: int, resume: Resumable | None,
                  meter: ProgressMeter) -> str:
    """Send ``src`` (read as a stream) to ``bucket/key``; returns the ETag S3 will report for it."""
    meta = {"md5": src.md5}
    if src.size < MULTIPART:
        with src.open(0) as fh:
            data = fh.read(src.size)
        client.put_object(Bucket=bucket, Key=key, Body=data, ContentLength=len(data), Metadata=meta,
                          ContentMD5=base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode())
        meter.add(len(data))
        return src.md5
    keep = resume.keep if resume is not None else {}
    upload_id = resume.upload_id if resume is not None else \
        client.create_multipart_upload(Bucket=bucket, Key=key, Metadata=meta)["UploadId"]
    parts, digests = [], []
    with src.open(0) as fh:
        for n, offset, length in _ranges(src.size, chunk):
            etag = keep.get(n)
            if etag is not None:  # stored by an earlier attempt and matching this range
                digests.append(bytes.fromhex(str(etag).strip('"')))
                parts.append({"ETag": etag, "PartNumber": n})
                continue
            fh.seek(offset)
            data = fh.read(length)  # one part in memory, never the file
            digest = hashlib.md5(data, usedforsecurity=False).digest()
            etag = client.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=n, Body=data,
                                      ContentMD5=base64.b64encode(digest).decode())["ETag"]
            del data
            parts.append({"ETag": etag, "PartNumber": n})
            digests.append(digest)
            meter.add(length)
    client.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts})
    return f"{hashlib.md5(b''.join(digests), usedforsecurity=False).hexdigest()}-{len(digests)}"
