"""Streamed uploads: the request body goes to a private temporary file chunk by chunk, with a size limit
(413 as soon as it is passed, or at once from ``Content-Length``) and a SHA-256 computed on the way,
checked against the client's ``Content-Digest: sha-256=:…:`` (RFC 9530) or ``?sha256=`` (422 on a
mismatch). Nothing reaches the asset store or the importer until the whole file arrived intact; the
temporary folder is removed afterwards whatever happened.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request

from stardust_tui.api.problems import Problem

_SAFE = re.compile(r"[^\w.\- ()+,]", re.UNICODE)


@dataclass(frozen=True)
class Upload:
    path: Path
    size: int
    sha256: str


def clean_name(name: str | None, default: str) -> str:
    """A file name from the client reduced to a safe base name (no folders, no control characters)."""
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = _SAFE.sub("_", base)[:200].lstrip(".")
    return base or default


def claimed_sha256(request: Request, query_value: str | None) -> str | None:
    """The SHA-256 the client says the body has (hex), from ``?sha256=`` or ``Content-Digest``."""
    if query_value:
        value = query_value.strip().lower()
        if not re.fullmatch(r"[0-9a-f]{64}", value):
            raise Problem(422, "sha256 must be 64 hexadecimal characters", kind="invalid", field="sha256")
        return value
    header = request.headers.get("content-digest")
    if not header:
        return None
    match = re.search(r"sha-256=:([A-Za-z0-9+/=]+):", header)
    if not match:
        raise Problem(422, "Content-Digest has no sha-256=:<base64>: entry", kind="invalid", field="Content-Digest")
    try:
        return base64.b64decode(match.group(1), validate=True).hex()
    except binascii.Error:
        raise Problem(422, "Content-Digest sha-256 is not base64", kind="invalid", field="Content-Digest") from None


@contextmanager
def incoming_dir(root: Path) -> Iterator[Path]:
    """A private folder for one upload, removed on exit."""
    folder = root / ".incoming" / f"api-{uuid.uuid4().hex}"
    folder.mkdir(parents=True, mode=0o700)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def receive(request: Request, folder: Path, name: str, *, max_bytes: int, expected: str | None) -> Upload:
    """Write the body to ``folder/name``; 411/413/422 problems as described above."""
    length = request.headers.get("content-length")
    if length is not None and length.isascii() and length.isdigit() and int(length) > max_bytes:
        raise Problem(413, f"the upload is {int(length)} bytes; the limit is {max_bytes} bytes", kind="too-large")
    path = folder / name
    digest = hashlib.sha256()
    size = 0
    with open(path, "wb") as out:
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_bytes:
                raise Problem(413, f"the upload passed the limit of {max_bytes} bytes", kind="too-large")
            digest.update(chunk)
            out.write(chunk)
    if size == 0:
        raise Problem(422, "the upload is empty: nothing to store", kind="invalid", field="body")
    actual = digest.hexdigest()
    if expected is not None and actual != expected:
        raise Problem(422, f"the upload's SHA-256 is {actual}, not {expected} as claimed: it was corrupted on the "
                      "way (nothing was stored)", kind="digest-mismatch", field="sha256")
    return Upload(path, size, actual)
