"""Resume an S3 multipart upload that a crashed attempt left behind.

A worker killed mid-upload leaves an in-progress multipart upload of the temporary key. The next
attempt lists its stored parts, keeps each part whose size and MD5 (its ETag) match the same range
of the local file, sends only the missing or different parts (each with ``Content-MD5``, which the
server checks) and completes the upload. With nothing reusable it aborts the leftovers and the
caller starts afresh through the transfer manager.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import botocore.exceptions

from stardust_tui.delivery.base import ProgressMeter


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


def resume_multipart(client: Any, bucket: str, key: str, local: Path, size: int, chunk: int,
                     make_meter: Callable[[int], ProgressMeter]) -> int | None:
    """Finish a left-over multipart upload of ``key``; returns the bytes reused, or None (start afresh)."""
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
    count = -(-size // chunk)
    ranges = {n: ((n - 1) * chunk, min(chunk, size - (n - 1) * chunk)) for n in range(1, count + 1)}
    keep: dict[int, str] = {}
    with open(local, "rb") as fh:
        for n, part in stored.items():
            if n in ranges and int(part["Size"]) == ranges[n][1] and \
                    str(part["ETag"]).strip('"') == _md5(fh, *ranges[n]):
                keep[n] = part["ETag"]
        if not keep:
            _abort(client, bucket, key, upload_id)
            return None
        reused = sum(ranges[n][1] for n in keep)
        meter = make_meter(reused)
        done = []
        try:
            for n, (offset, length) in ranges.items():
                etag = keep.get(n)
                if etag is None:
                    fh.seek(offset)
                    data = fh.read(length)  # one part (≤ the part size) in memory, never the file
                    digest = hashlib.md5(data, usedforsecurity=False).digest()
                    etag = client.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=n, Body=data,
                                              ContentMD5=base64.b64encode(digest).decode())["ETag"]
                    meter.add(length)
                done.append({"ETag": etag, "PartNumber": n})
            client.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id,
                                             MultipartUpload={"Parts": done})
        except botocore.exceptions.ClientError:
            # e.g. a store that cannot replace a stored part (rclone): give up on this upload, start afresh
            _abort(client, bucket, key, upload_id)
            return None
    return reused
