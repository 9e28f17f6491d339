"""Resume an S3 multipart upload that an interrupted attempt left behind.

A worker killed mid-upload leaves an in-progress multipart upload of the stage key.
:func:`find_resumable` lists its stored parts and keeps each part whose size and MD5 (its ETag) match
the same range of the local file (older uploads of the key are aborted). :func:`finish_multipart`
sends only the missing or different parts (each with ``Content-MD5``, which the server checks) and
completes the upload; a store that refuses (rclone cannot replace a stored part) gets the upload
aborted, and the caller starts afresh. :func:`abort_uploads` removes every open upload of a key.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import botocore.exceptions

from stardust_tui.delivery.transfer import ProgressMeter


@dataclass(frozen=True)
class Resumable:
    """An open multipart upload with the parts worth keeping (part number → ETag)."""

    upload_id: str
    keep: dict[int, str]
    offset: int  # bytes in the kept parts


def _uploads(client: Any, bucket: str, key: str) -> list[dict[str, Any]]:
    try:
        found = client.list_multipart_uploads(Bucket=bucket, Prefix=key).get("Uploads", [])
    except botocore.exceptions.ClientError:  # some stores answer NoSuchUpload when there are none
        return []
    return sorted((u for u in found if u["Key"] == key), key=lambda u: str(u.get("Initiated", "")))


def _abort(client: Any, bucket: str, key: str, upload_id: str) -> None:
    try:
        client.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
    except botocore.exceptions.ClientError:
        pass


def abort_uploads(client: Any, bucket: str, key: str) -> None:
    """Abort every open multipart upload of ``key`` (its stored parts are deleted)."""
    for up in _uploads(client, bucket, key):
        _abort(client, bucket, key, up["UploadId"])


def _parts(client: Any, bucket: str, key: str, upload_id: str) -> dict[int, dict[str, Any]]:
    parts: dict[int, dict[str, Any]] = {}
    for page in client.get_paginator("list_parts").paginate(Bucket=bucket, Key=key, UploadId=upload_id):
        for part in page.get("Parts", []):
            parts[int(part["PartNumber"])] = part
    return parts


def _md5(fh: Any, offset: int, length: int) -> str:
    fh.seek(offset)
    h = hashlib.md5(usedforsecurity=False)
    left = length
    while left > 0 and (block := fh.read(min(left, 1 << 20))):
        h.update(block)
        left -= len(block)
    return h.hexdigest()


def _ranges(size: int, chunk: int) -> dict[int, tuple[int, int]]:
    count = -(-size // chunk)
    return {n: ((n - 1) * chunk, min(chunk, size - (n - 1) * chunk)) for n in range(1, count + 1)}


def find_resumable(client: Any, bucket: str, key: str, local: Path | Callable[[], Any], size: int,
                   chunk: int) -> Resumable | None:
    """The newest open upload of ``key`` with its parts that match ``local``; None when nothing matches."""
    uploads = _uploads(client, bucket, key)
    if not uploads:
        return None
    *older, newest = uploads
    for up in older:
        _abort(client, bucket, key, up["UploadId"])
    upload_id = newest["UploadId"]
    try:
        stored = _parts(client, bucket, key, upload_id)
    except botocore.exceptions.ClientError:
        stored = {}
    ranges = _ranges(size, chunk)
    keep: dict[int, str] = {}
    with (open(local, "rb") if isinstance(local, Path) else local()) as fh:  # a file, or a stream opener
        for n, part in stored.items():
            if n in ranges and int(part["Size"]) == ranges[n][1] and \
                    str(part["ETag"]).strip('"') == _md5(fh, *ranges[n]):
                keep[n] = part["ETag"]
    if not keep:
        _abort(client, bucket, key, upload_id)
        return None
    return Resumable(upload_id, keep, sum(ranges[n][1] for n in keep))


def finish_multipart(client: Any, bucket: str, key: str, local: Path, size: int, chunk: int, found: Resumable,
                     meter: ProgressMeter) -> bool:
    """Send the parts ``found`` lacks and complete the upload; False (upload aborted) if the store refuses."""
    done = []
    try:
        with open(local, "rb") as fh:
            for n, (offset, length) in _ranges(size, chunk).items():
                etag = found.keep.get(n)
                if etag is None:
                    fh.seek(offset)
                    data = fh.read(length)  # one part (≤ the part size) in memory, never the file
                    digest = hashlib.md5(data, usedforsecurity=False).digest()
                    etag = client.upload_part(Bucket=bucket, Key=key, UploadId=found.upload_id, PartNumber=n,
                                              Body=data, ContentMD5=base64.b64encode(digest).decode())["ETag"]
                    meter.add(length)
                done.append({"ETag": etag, "PartNumber": n})
        client.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=found.upload_id,
                                         MultipartUpload={"Parts": done})
    except botocore.exceptions.ClientError:
        _abort(client, bucket, key, found.upload_id)
        return False
    return True
