"""The sandbox's view of its inbox, read through the project's own transports (folder, SFTP, S3, Azure...).

:func:`walk` lists one top-level folder (batch or release-by-release folder) recursively; :func:`is_complete`
says whether a DSP would start ingesting it now: a batch when its ``BatchComplete_*.xml`` is there (the
manifest is written last), a release-by-release folder when its XML is there (the XML is written last), a
batch without a manifest when its listing did not change since the previous poll. :func:`download` copies
the files to a local folder for the checks. Uploads still in progress (the transports' ``.part`` names) are
kept apart: a DSP that sees them at ingestion time reports the files as missing.
"""

from __future__ import annotations

import asyncio
from pathlib import Path, PurePosixPath
from typing import Any

from stardust_tui.delivery.profile_model import Profile
from stardust_tui.delivery.remote import TEMP_SUFFIX

MAX_DEPTH = 4
MAX_FILES = 10_000


async def walk(transport: Any, folder: str) -> tuple[dict[str, int], list[str]]:
    """Every file under ``folder`` (path from the inbox root -> size) and the temporary upload names."""
    files: dict[str, int] = {}
    partial: list[str] = []
    pending = [(folder, 1)]
    while pending:
        path, depth = pending.pop()
        for entry in await transport.list(path):
            rel = f"{path}/{entry.name}"
            if entry.is_dir:
                if depth < MAX_DEPTH:
                    pending.append((rel, depth + 1))
            elif entry.name.endswith(TEMP_SUFFIX):
                partial.append(rel)
            else:
                files[rel] = entry.size or 0
            if len(files) > MAX_FILES:
                raise ValueError(f"{folder}: more than {MAX_FILES} files")
    return files, sorted(partial)


def has_manifest(files: dict[str, int]) -> bool:
    return any(p.count("/") == 1 and PurePosixPath(p).name.startswith("BatchComplete_") for p in files)


def has_message(files: dict[str, int], profile: Profile) -> bool:
    depth = 2 if profile.choreography == "batch" else 1
    return any(p.endswith(".xml") and p.count("/") == depth and not PurePosixPath(p).name.startswith("BatchComplete_")
               for p in files)


def is_complete(files: dict[str, int], profile: Profile, previous: tuple | None, settle: bool) -> bool:
    """Whether a DSP would ingest a folder with ``files`` now (see the module docstring)."""
    if profile.choreography == "batch" and profile.manifest != "none":
        return has_manifest(files)
    if not has_message(files, profile):
        return False
    if profile.choreography != "batch":
        return True
    return not settle or previous == signature(files)


def signature(files: dict[str, int]) -> tuple:
    return tuple(sorted(files.items()))


async def download(transport: Any, files: dict[str, int], dest: Path) -> None:
    """Copy ``files`` (inbox paths) under ``dest`` keeping their relative paths."""
    for rel in sorted(files):
        local = dest / rel
        await asyncio.to_thread(local.parent.mkdir, parents=True, exist_ok=True)
        await transport.download(rel, local)
