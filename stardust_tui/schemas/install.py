"""The installed schema folder (``<data dir>/ddex-schemas``): write it whole, record hashes, verify, list.

:func:`install` builds the complete new folder beside the old one (the sets being fetched, plus copies of
installed sets that are kept), compiles every main schema there, writes ``manifest.json`` (each file's
origin, size, SHA-256 as stored and as fetched), then swaps the folders with two renames under a lock.
A failure at any point leaves the installed folder as it was; a crash between the two renames is repaired
on the next run (the old folder is put back). :func:`verify` re-hashes every file against the manifest.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lxml import etree

from stardust_tui.errors import ConfigError
from stardust_tui.paths import Paths
from stardust_tui.schemas.catalog import set_by_key
from stardust_tui.schemas.checks import SchemaFetchError, xsd_parser
from stardust_tui.schemas.fetch import FetchedSet, sha256

MANIFEST = "manifest.json"
FORMAT = 1


def installed_root(paths: Paths) -> Path:
    return paths.ddex_schemas_dir


def read_manifest(root: Path) -> dict[str, Any] | None:
    """The manifest of an installed folder, None when nothing is installed there."""
    path = root / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"unreadable schema manifest ({exc}); run `stardust schemas fetch` again",
                          where=str(path)) from None
    if not isinstance(data, dict) or not isinstance(data.get("sets"), dict):
        raise ConfigError("not a schema manifest; run `stardust schemas fetch` again", where=str(path))
    return data


@contextmanager
def _locked(parent: Path) -> Iterator[None]:
    with open(parent / ".ddex-schemas.lock", "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def repair(root: Path) -> None:
    """Put back an installed folder a crash left renamed aside between the two renames of a swap."""
    if root.exists():
        for stale in root.parent.glob(".ddex-schemas-old-*"):
            shutil.rmtree(stale, ignore_errors=True)
        return
    olds = sorted(root.parent.glob(".ddex-schemas-old-*"), key=lambda p: p.stat().st_mtime)
    if olds:
        os.rename(olds[-1], root)


def compile_check(folder: Path, fetched: FetchedSet) -> None:
    """Compile the set's main schema offline from ``folder`` (a set that does not compile is not installed)."""
    main = folder / fetched.schema.main
    try:
        etree.XMLSchema(etree.parse(str(main), xsd_parser()))
    except (etree.XMLSchemaParseError, etree.XMLSyntaxError, OSError) as exc:
        raise SchemaFetchError(f"{fetched.schema.label} does not compile: {str(exc).splitlines()[0][:300]}",
                               where=fetched.source) from None


def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def install(paths: Paths, sets: list[FetchedSet], *, now: datetime | None = None) -> Path:
    """Install ``sets`` (replacing installed sets of the same version, keeping the others); the folder."""
    from stardust_tui.privacy import make_private_dir

    root = installed_root(paths)
    make_private_dir(root.parent)
    stamp = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    with _locked(root.parent):
        repair(root)
        old = read_manifest(root) if root.is_dir() else None
        tmp = Path(tempfile.mkdtemp(prefix=".ddex-schemas-new-", dir=root.parent))
        try:
            entries: dict[str, Any] = {}
            replaced = {f.schema.key for f in sets}
            for key, entry in ((old or {}).get("sets") or {}).items():
                if key not in replaced and (root / entry.get("folder", "")).is_dir():
                    shutil.copytree(root / entry["folder"], tmp / entry["folder"])
                    entries[key] = entry
            for fetched in sets:
                folder = tmp / fetched.schema.folder
                folder.mkdir(parents=True)
                for f in fetched.files:
                    _write(folder / f.name, f.data)
                compile_check(folder, fetched)
                entries[fetched.schema.key] = {
                    "label": fetched.schema.label, "namespace": fetched.schema.namespace,
                    "folder": fetched.schema.folder, "main": fetched.schema.main, "source": fetched.source,
                    "fetched_at": stamp,
                    "files": {f.name: {"origin": f.origin, "size": len(f.data), "sha256": f.sha256,
                                       **({"sha256_as_fetched": f.fetched_sha256}
                                          if f.fetched_sha256 != f.sha256 else {})}
                              for f in fetched.files}}
            manifest = {"format": FORMAT, "updated_at": stamp, "sets": dict(sorted(entries.items()))}
            _write(tmp / MANIFEST, json.dumps(manifest, indent=2).encode("utf-8") + b"\n")
            os.chmod(tmp, 0o700)
            if root.exists():
                aside = Path(tempfile.mkdtemp(prefix=".ddex-schemas-old-", dir=root.parent))
                os.rmdir(aside)
                os.rename(root, aside)
                os.rename(tmp, root)
                shutil.rmtree(aside, ignore_errors=True)
            else:
                os.rename(tmp, root)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return root


@dataclass(frozen=True)
class InstalledSet:
    """One installed schema set, as ``stardust schemas list`` shows it."""

    key: str
    label: str
    folder: Path
    files: int
    size: int
    source: str
    fetched_at: str


def installed_sets(root: Path) -> list[InstalledSet]:
    manifest = read_manifest(root)
    out = []
    for key, entry in ((manifest or {}).get("sets") or {}).items():
        files = entry.get("files") or {}
        known = set_by_key(key)
        out.append(InstalledSet(key, entry.get("label") or (known.label if known else key), root / entry["folder"],
                                len(files), sum(int(f.get("size", 0)) for f in files.values()),
                                entry.get("source", "?"), entry.get("fetched_at", "?")))
    return out


@dataclass(frozen=True)
class FileCheck:
    """One installed file checked against the manifest: ok | changed | missing."""

    path: str
    state: str
    detail: str = ""


def verify(root: Path) -> list[FileCheck]:
    """Every file the manifest lists, re-hashed (a ConfigError when nothing is installed)."""
    manifest = read_manifest(root)
    if manifest is None:
        raise ConfigError("no DDEX schemas installed: run `stardust schemas fetch`", where=str(root))
    out = []
    for entry in manifest["sets"].values():
        for name, facts in (entry.get("files") or {}).items():
            rel = f"{entry['folder']}/{name}"
            path = root / rel
            try:
                data = path.read_bytes()
            except OSError as exc:
                out.append(FileCheck(rel, "missing", exc.strerror or str(exc)))
                continue
            digest = sha256(data)
            if digest != facts.get("sha256"):
                recorded = str(facts.get("sha256"))[:12]
                out.append(FileCheck(rel, "changed", f"SHA-256 {digest[:12]}…, recorded {recorded}…"))
            else:
                out.append(FileCheck(rel, "ok", f"{len(data):,} bytes"))
    return out
