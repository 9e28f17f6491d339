"""Restore a backup: verify every checksum first, then restore into an empty (or new) home.

``restore_backup(source, paths)`` accepts a snapshot directory, its ``manifest.json``, or a backup root
(the newest complete snapshot is used). Nothing is written before the whole snapshot verified. A home
that already has a database or assets is refused unless ``force`` (the old database is then kept as
``stardust.db.before-restore-<time>``). Files are copied to temporary names and renamed into place; the
database goes last, so an interrupted restore leaves no database that points at missing assets.

Assets go into the store this home uses after the restore: the ``[assets] url`` of its configuration, or
of the snapshot's ``config.toml`` it restores (issue 12). A bucket gets each object uploaded with its
checksums and read back (content-addressed: an object already there with the right size is kept), and
every asset of the manifest is then checked present in the bucket; one that is not fails the restore.
The bucket's credentials are those stored in the home's PostgreSQL database, else in the snapshot's
SQLite database (decrypted with the snapshot's key), else the AWS environment's.

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


def _snapshot_store_url(snap: Path) -> str | None:
    """``[assets] url`` of the configuration this restore writes (the snapshot's config.toml)."""
    import tomllib

    try:
        data = tomllib.loads((snap / "config.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    assets = data.get("assets")
    value = assets.get("url") if isinstance(assets, dict) else None
    return value if isinstance(value, str) and value.strip() not in ("", "local") else None


class _SnapshotKey:
    """Paths-like: the snapshot's own secret key decrypts the credentials stored in its database."""

    def __init__(self, snap: Path) -> None:
        self.secret_key_file = snap / "secret.key"


def _bucket(paths: Paths, url: str, snap: Path, db_url: str | None) -> Any:
    """The bucket backend of ``url`` with the credentials to write to it; None for a local folder."""
    from stardust_tui.assets.s3_backend import S3Backend
    from stardust_tui.assets.store_config import load_credentials, parse_store_url

    spec = parse_store_url(url)
    if spec is None or isinstance(spec, Path):
        return None
    creds: dict[str, str] = {}
    if db_url and db_url.startswith("postgresql"):
        from stardust_tui.store.db import make_engine

        engine = make_engine(db_url)
        try:
            creds = load_credentials(paths, engine, spec)
        except Exception:  # noqa: BLE001 - a database not there yet: try the snapshot's
            creds = {}
        finally:
            engine.dispose()
    db_file = snap / "stardust.db"
    if not creds and db_file.is_file() and (snap / "secret.key").is_file():
        from sqlalchemy import create_engine

        engine = create_engine(f"sqlite:///file:{db_file}?mode=ro&uri=true")
        try:
            creds = load_credentials(_SnapshotKey(snap), engine, spec)
        finally:
            engine.dispose()
    return S3Backend(spec, creds)


def _restore_into_bucket(bucket: Any, snap: Path, manifest: dict[str, Any], progress: Progress | None) -> str:
    """Upload the backup's assets into the bucket (checked), then check every one is there."""
    from stardust_tui.assets.local_backend import hash_stream

    assets = manifest.get("assets", [])
    uploaded = 0
    for i, a in enumerate(assets, 1):
        sha, size, src = a["sha256"], a["size"], _asset_path(snap, a["sha256"])
        md5 = a.get("md5") or ""
        if not md5:  # a manifest written before bucket stores: the MD5 the upload is checked with
            with src.open("rb") as fh:
                md5 = hash_stream(fh)[1]
        with src.open("rb") as fh:
            uploaded += bool(bucket.put(fh, sha=sha, md5=md5, size=size))
        if progress:
            progress(i, len(assets))
    absent = [a["sha256"] for a in assets if bucket.stat(a["sha256"]) != a["size"]]
    if absent:
        raise StardustError(f"{len(absent)} asset(s) are not in the bucket after the restore, first "
                            f"{absent[0][:12]}; run the restore again", where=bucket.url)
    return (f"{len(assets)} assets in the asset store {bucket.url} ({uploaded} uploaded, "
            f"{len(assets) - uploaded} already there), each checked present")


def restore_backup(source: str | Path, paths: Paths, *, force: bool = False, db_url: str | None = None,
                   progress: Progress | None = None, store_url: str | None = None,
                   ) -> tuple[VerifyResult, list[str]]:
    """Verify, then restore into ``paths``; returns the verification and notes of what was done.
    ``store_url``: the home's ``[assets] url``, used when the snapshot has no configuration of its own (a
    snapshot's config.toml replaces the home's, so its ``[assets] url`` decides where the assets go)."""
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
    has_config = any(e["path"] == "config.toml" for e in manifest.get("files", []))
    url = _snapshot_store_url(snap) if has_config else store_url  # the configuration in force afterwards
    bucket = _bucket(paths, url, snap, db_url) if url else None
    if bucket is not None:
        notes.append(_restore_into_bucket(bucket, snap, manifest, progress))
    else:
        store = paths.assets_dir if not url else Path(url.removeprefix("file://"))
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
