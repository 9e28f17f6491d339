"""Restore a backup: verify every checksum first, then restore into an empty (or new) home.

``restore_backup(source, paths)`` accepts a snapshot directory, its ``manifest.json``, or a backup root
(the newest complete snapshot is used). Nothing is written before the whole snapshot verified. A home
that already has a database or assets is refused unless ``force`` (the old database is then kept as
``stardust.db.before-restore-<time>``). Files are copied to temporary names and renamed into place; the
database goes last, so an interrupted restore leaves no database that points at missing assets.

A PostgreSQL backup (``stardust.pgdump``) is verified and its assets and configuration restored; the
database itself is restored with ``pg_restore`` into the database the home's configuration names, only
when ``pg_restore`` is installed, otherwise the command to run is returned in the notes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stardust_tui.errors import StardustError, ValidationError
from stardust_tui.importexport.backup import FORMAT, VERSION, list_snapshots, sha256_file
from stardust_tui.paths import Paths

Progress = Callable[[int, int | None], None]


@dataclass
class VerifyResult:
    snapshot: Path
    manifest: dict[str, Any]
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        state = "OK" if self.ok else f"{len(self.problems)} problem(s)"
        return f"{self.snapshot}: {self.checked} files and assets checked: {state}"


def locate(source: str | Path) -> Path:
    """The snapshot directory named by a snapshot dir, a manifest file, or a backup root (newest)."""
    p = Path(source).expanduser()
    if p.is_file() and p.name == "manifest.json":
        return p.parent
    if (p / "manifest.json").is_file():
        return p
    snaps = list_snapshots(p)
    if snaps:
        return snaps[-1]
    raise ValidationError("not a Stardust backup (no manifest.json, no complete snapshot)", where=str(p))


def _asset_path(snapshot: Path, sha: str) -> Path:
    return snapshot.parent.parent / "assets" / sha[:2] / sha[2:4] / sha


def verify_backup(source: str | Path, progress: Progress | None = None) -> VerifyResult:
    snap = locate(source)
    try:
        manifest = json.loads((snap / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationError(f"unreadable manifest: {exc}", where=str(snap / "manifest.json")) from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise ValidationError(f"not a {FORMAT} version {VERSION} manifest", where=str(snap / "manifest.json"))
    result = VerifyResult(snap, manifest)
    entries = ([manifest["database"]] if manifest.get("database") else []) + list(manifest.get("files", []))
    total = len(entries) + len(manifest.get("assets", []))
    for e in entries:
        _check(result, snap / e["path"], e["sha256"], e["size"], e["path"])
        if progress:
            progress(result.checked, total)
    missing = set(manifest.get("missing_assets", []))
    for a in manifest.get("assets", []):
        if a["sha256"] in missing:
            result.problems.append(f"asset {a['sha256'][:12]} was missing from the store when the backup was taken")
            continue
        _check(result, _asset_path(snap, a["sha256"]), a["sha256"], a["size"], f"asset {a['sha256'][:12]}")
        if progress and result.checked % 50 == 0:
            progress(result.checked, total)
    return result


def _check(result: VerifyResult, path: Path, sha: str, size: int, label: str) -> None:
    result.checked += 1
    if not path.is_file():
        result.problems.append(f"{label}: missing")
    elif path.stat().st_size != size:
        result.problems.append(f"{label}: size {path.stat().st_size}, expected {size}")
    elif sha256_file(path) != sha:
        result.problems.append(f"{label}: checksum mismatch (corrupted)")


def home_is_empty(paths: Paths) -> bool:
    db = paths.database_file
    if db.exists() and db.stat().st_size > 0:
        return False
    assets = paths.assets_dir
    return not (assets.is_dir() and any(p.is_file() for p in assets.glob("*/*/*")))


def _place(src: Path, dest: Path, mode: int | None = None) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.")
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, dest)
    finally:
        Path(tmp).unlink(missing_ok=True)


def restore_backup(source: str | Path, paths: Paths, *, force: bool = False, db_url: str | None = None,
                   progress: Progress | None = None) -> tuple[VerifyResult, list[str]]:
    """Verify, then restore into ``paths``; returns the verification and notes of what was done."""
    verified = verify_backup(source, progress)
    if not verified.ok:
        raise StardustError(f"backup failed verification, nothing restored: {verified.problems[0]}"
                            + (f" (+{len(verified.problems) - 1} more)" if len(verified.problems) > 1 else ""),
                            where=str(verified.snapshot))
    if not home_is_empty(paths) and not force:
        raise StardustError("home is not empty (database or assets exist); restore into a new home with --home "
                            "or pass --force", where=str(paths.data_dir))
    snap, manifest = verified.snapshot, verified.manifest
    notes: list[str] = []
    paths.ensure()
    store = paths.assets_dir
    for a in manifest.get("assets", []):
        sha = a["sha256"]
        dest = store / sha[:2] / sha[2:4] / sha
        if not (dest.is_file() and dest.stat().st_size == a["size"]):
            _place(_asset_path(snap, sha), dest, 0o444)
    for e in manifest.get("files", []):
        rel = e["path"]
        if rel == "secret.key":
            dest, mode = paths.secret_key_file, 0o600
        elif rel == "config.toml":
            dest, mode = paths.config_dir / "config.toml", None
        else:
            dest, mode = paths.config_dir / rel, None
        _place(snap / rel, dest, mode)
    notes.append(f"{len(manifest.get('assets', []))} assets and {len(manifest.get('files', []))} files restored")
    db = manifest.get("database")
    if db and db["kind"] == "sqlite":
        target = paths.database_file
        if target.exists() and force:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            os.replace(target, target.with_name(f"{target.name}.before-restore-{stamp}"))
            for suffix in ("-wal", "-shm"):
                target.with_name(target.name + suffix).unlink(missing_ok=True)
        _place(snap / db["path"], target)
        notes.append(f"database restored to {target}")
    elif db and db["kind"] == "pg_dump":
        notes.append(_pg_restore(snap / db["path"], db_url))
    else:
        notes.append("this backup holds no database (PostgreSQL without pg_dump): restore it from your own dump")
    return verified, notes


def _pg_restore(dump: Path, db_url: str | None) -> str:
    if not db_url or not db_url.startswith("postgresql"):
        return f"database dump {dump} not restored: configure a PostgreSQL database_url, then run pg_restore"
    from stardust_tui.importexport.backup import libpq_url

    target, env = libpq_url(db_url)
    cmd = ["pg_restore", "--no-owner", "--clean", "--if-exists", f"--dbname={target}", str(dump)]
    shown = " ".join(cmd)
    if not shutil.which("pg_restore"):
        return f"pg_restore is not installed: run {shown}"
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=3600, env=env)
    if proc.returncode != 0:
        raise StardustError(f"pg_restore failed: {proc.stderr.strip()[:300]}", where=str(dump))
    return f"database restored with {shown}"
