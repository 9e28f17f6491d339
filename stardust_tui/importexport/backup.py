"""Backups: a consistent database snapshot plus the asset store, incremental, with a checksummed manifest.

Layout of a backup root ``OUT`` (the same root can take many snapshots)::

    OUT/assets/ab/cd/<sha256>                   shared by all snapshots: an unchanged asset is copied once
    OUT/snapshots/<YYYYmmddTHHMMSSffffffZ>/
        stardust.db                             SQLite online-backup copy (consistent while others write)
        stardust.pgdump                         PostgreSQL: pg_dump -Fc, when pg_dump is installed
        config.toml  secret.key  profiles/...   the home's configuration (the key decrypts target passwords)
        manifest.json                           written LAST: SHA-256 and size of every file and asset

A snapshot directory without ``manifest.json`` is incomplete and ignored by restore and retention.
Assets listed are those the database snapshot references (``asset`` table); each is re-hashed while it is
copied, so a corrupted store file is reported instead of being backed up.

The asset store may be the home's folder or a bucket (``[assets] url = "s3://..."``, issue 12): bucket
objects are streamed into the backup root the same way (ranged reads, nothing else kept locally). The
manifest names the store (``asset_store``: kind and URL) and, per asset, its key in that store, SHA-256,
MD5 and size. An asset missing from the store is listed in ``missing_assets`` (with its key and name) and
reported by the command, never silently skipped; ``restore --verify`` reports it too.

PostgreSQL: the database is dumped with ``pg_dump --format=custom`` when ``pg_dump`` is on PATH;
otherwise the snapshot holds assets and configuration only, the manifest says ``"database": null`` and the
result tells you the exact ``pg_dump`` command to run yourself.

Everything a backup writes is private to its owner, whatever the umask (directories 0700, files 0600:
the snapshot holds the whole catalog and the secret key); see :mod:`stardust_tui.privacy`.

Scheduled backups (worker): :func:`run_scheduled_backup` with ``[backup]`` settings ``dir`` (default
``<home>/backups``), ``interval_hours`` (24) and ``keep`` (7 snapshots); older snapshots are pruned and
assets no remaining snapshot needs are deleted.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from stardust_tui import __version__
from stardust_tui.config import Settings
from stardust_tui.errors import StardustError, StoreError
from stardust_tui.privacy import PRIVATE_DIR, create_private_file, make_private, make_private_dir

FORMAT = "stardust-backup"
VERSION = 1
CHUNK = 1 << 20
CONFIG_FILES = ("config.toml", "secret.key")


@dataclass
class BackupResult:
    snapshot: Path
    database: str | None  # "sqlite" | "pg_dump" | None (not included)
    assets_total: int = 0
    assets_copied: int = 0
    bytes_copied: int = 0
    missing_assets: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    store_url: str = ""
    missing_details: list[str] = field(default_factory=list)
    """One line per missing asset: its SHA-256 prefix, name and where it should have been."""

    def summary(self) -> str:
        db = {"sqlite": "database (SQLite online backup)", "pg_dump": "database (pg_dump)"}.get(
            self.database or "", "NO database")
        return (f"backup {self.snapshot}: {db}, {self.assets_total} assets ({self.assets_copied} copied, "
                f"{self.assets_total - self.assets_copied - len(self.missing_assets)} already there, "
                f"{len(self.missing_assets)} missing), {self.bytes_copied / 1e6:.1f} MB written")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _entry(root: Path, path: Path) -> dict[str, Any]:
    return {"path": path.relative_to(root).as_posix(), "sha256": sha256_file(path), "size": path.stat().st_size}


def sqlite_snapshot(db_path: Path, dest: Path) -> None:
    """Copy a live SQLite database with the online backup API, checked, as one self-contained file."""
    if not db_path.is_file():
        raise StoreError("database file not found", where=str(db_path))
    tmp = dest.with_name(dest.name + ".tmp")
    create_private_file(tmp)  # sqlite3 would create it 0644 & ~umask
    src = sqlite3.connect(str(db_path), timeout=30)
    try:
        dst = sqlite3.connect(str(tmp))
        try:
            src.backup(dst)  # one step: a consistent snapshot even while other processes write (WAL)
            dst.execute("PRAGMA journal_mode=DELETE")
            check = dst.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise StoreError(f"snapshot failed its integrity check: {check}", where=str(db_path))
        finally:
            dst.close()
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"cannot back up the database: {exc}", where=str(db_path)) from None
    finally:
        src.close()
    os.replace(tmp, dest)


def libpq_url(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password (never on a command line) and the environment carrying it."""
    u = make_url(url).set(drivername="postgresql")
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    return u.set(password=None).render_as_string(hide_password=False), env


def pg_dump_command(url: str, dest: Path) -> list[str]:
    return ["pg_dump", "--format=custom", "--no-owner", f"--file={dest}", libpq_url(url)[0]]


def _copy_asset(src: Any, dest: Path, sha: str) -> int:
    """Copy and re-hash (``src``: a local path or a stored object streamed from a bucket); raises when the
    stored content is not what its name says."""
    make_private_dir(dest.parent)
    fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=".copy-")
    h = hashlib.sha256()
    n = 0
    try:
        with os.fdopen(fd, "wb") as out, src.open("rb") as f:
            while chunk := f.read(CHUNK):
                h.update(chunk)
                out.write(chunk)
                n += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        if h.hexdigest() != sha:
            raise StardustError(f"asset {sha[:12]} is corrupt in the store (content hash differs)", where=str(src))
        os.replace(tmp_name, dest)
    finally:
        Path(tmp_name).unlink(missing_ok=True)
    return n


_ASSET_ROWS = "SELECT sha256, size, md5, original_name FROM asset ORDER BY id"
AssetRow = tuple[str, int, str, str]


def _assets_in(db_file: Path) -> list[AssetRow]:
    con = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        return [(r[0], r[1], r[2] or "", r[3] or "") for r in con.execute(_ASSET_ROWS)]
    except sqlite3.Error:
        return []
    finally:
        con.close()


def _assets_pg(url: str) -> list[AssetRow]:
    from sqlalchemy import text

    from stardust_tui.store.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [(r[0], r[1], r[2] or "", r[3] or "") for r in conn.execute(text(_ASSET_ROWS))]
    finally:
        engine.dispose()


def _store_key(backend: Any, sha: str) -> str:
    """An asset's key in its store: the object key in a bucket, the path under a local store's folder."""
    return backend.key(sha) if backend.kind != "local" else f"{sha[:2]}/{sha[2:4]}/{sha}"


def create_backup(settings: Settings, out: str | Path, *, now: datetime | None = None,
                  engine: Any = None) -> BackupResult:
    """Take one snapshot into the backup root ``out`` (see the module docstring). ``engine`` is the home's
    database, through which a bucket store's stored credentials are read (else the AWS environment's)."""
    from stardust_tui.assets.store import open_backend

    backend = open_backend(settings.paths, settings.assets_url, engine)
    root = Path(out).expanduser()
    now = now or datetime.now(UTC)
    snap = root / "snapshots" / now.strftime("%Y%m%dT%H%M%S%fZ")
    make_private_dir(root)
    make_private_dir(root / "snapshots")
    snap.mkdir(exist_ok=False)
    os.chmod(snap, PRIVATE_DIR)
    url = settings.db_url
    result = BackupResult(snapshot=snap, database=None, store_url=backend.url)
    manifest: dict[str, Any] = {"format": FORMAT, "version": VERSION, "created_at": now.isoformat(),
                                "stardust_version": __version__, "database": None, "files": [], "assets": [],
                                "asset_store": {"kind": backend.kind, "url": backend.url}}
    if url.startswith("sqlite"):
        db_file = Path(make_url(url).database or "")
        sqlite_snapshot(db_file, snap / "stardust.db")
        manifest["database"] = {"kind": "sqlite", **_entry(snap, snap / "stardust.db")}
        result.database = "sqlite"
        assets = _assets_in(snap / "stardust.db")
    else:
        dump = snap / "stardust.pgdump"
        cmd = pg_dump_command(url, dump)
        if shutil.which("pg_dump"):
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=3600, env=libpq_url(url)[1])
            if proc.returncode != 0:
                raise StoreError(f"pg_dump failed: {proc.stderr.strip()[:300]}", where="backup")
            make_private(dump)
            manifest["database"] = {"kind": "pg_dump", **_entry(snap, dump)}
            result.database = "pg_dump"
        else:
            shown = " ".join(cmd)
            result.notes.append(f"pg_dump is not installed: the database is NOT in this backup; run: {shown}")
        assets = _assets_pg(url)
    for name in CONFIG_FILES:
        src = settings.paths.config_dir / name if name == "config.toml" else settings.paths.secret_key_file
        if src.is_file():
            shutil.copy2(src, snap / name)
            make_private(snap / name)
            manifest["files"].append(_entry(snap, snap / name))
    if settings.paths.profiles_dir.is_dir():
        for p in sorted(settings.paths.profiles_dir.glob("*.toml")):
            make_private_dir(snap / "profiles")
            shutil.copy2(p, snap / "profiles" / p.name)
            make_private(snap / "profiles" / p.name)
            manifest["files"].append(_entry(snap, snap / "profiles" / p.name))
    missing: list[dict[str, Any]] = []
    for sha, size, md5, name in assets:
        rel = Path("assets") / sha[:2] / sha[2:4] / sha
        dest = root / rel
        key = _store_key(backend, sha)
        result.assets_total += 1
        manifest["assets"].append({"sha256": sha, "size": size, "md5": md5, "key": key})
        if dest.is_file() and dest.stat().st_size == size:
            continue  # incremental: the same content is already in this backup root
        stored = backend.stat(sha)
        if stored != size:
            state = "missing" if stored is None else f"{stored} bytes instead of {size}"
            result.missing_assets.append(sha)
            result.missing_details.append(f"asset {sha[:12]} ({name or 'no name'}) is {state} in the asset "
                                          f"store at {backend.url_of(sha) if backend.kind != 'local' else key}")
            missing.append({"sha256": sha, "key": key, "name": name, "stored_size": stored})
            continue
        src = backend.path(sha) if backend.kind == "local" else backend.object(sha, size, name, md5)
        result.bytes_copied += _copy_asset(src, dest, sha)
        result.assets_copied += 1
    manifest["missing_assets"] = result.missing_assets
    manifest["missing_asset_details"] = missing
    tmp = snap / ".manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    make_private(tmp)
    os.replace(tmp, snap / "manifest.json")
    return result


def list_snapshots(root: str | Path) -> list[Path]:
    """Complete snapshots (with a manifest) under a backup root, oldest first."""
    base = Path(root) / "snapshots"
    if not base.is_dir():
        return []
    return sorted(p for p in base.iterdir() if (p / "manifest.json").is_file())


def prune(root: str | Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` snapshots, then assets no remaining snapshot lists."""
    root = Path(root)
    snaps = list_snapshots(root)
    removed = snaps[: max(0, len(snaps) - max(1, keep))]
    for s in removed:
        shutil.rmtree(s)
    needed: set[str] = set()
    for s in list_snapshots(root):
        data = json.loads((s / "manifest.json").read_text(encoding="utf-8"))
        needed |= {a["sha256"] for a in data.get("assets", [])}
    assets = root / "assets"
    if assets.is_dir():
        for f in assets.glob("*/*/*"):
            if f.is_file() and f.name not in needed:
                f.unlink()
    return removed


def run_scheduled_backup(settings: Settings, *, now: datetime | None = None,
                         engine: Any = None) -> BackupResult | None:
    """Called periodically by the worker: back up when the newest snapshot is older than ``interval_hours``,
    then keep the newest ``keep``. Returns the new backup, or None when none was due."""
    cfg = settings.backup or {}
    root = Path(cfg.get("dir") or settings.paths.backups_dir).expanduser()
    interval = timedelta(hours=float(cfg.get("interval_hours", 24)))
    keep = int(cfg.get("keep", 7))
    now = now or datetime.now(UTC)
    snaps = list_snapshots(root)
    if snaps:
        last = datetime.strptime(snaps[-1].name, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
        if now - last < interval:
            return None
    result = create_backup(settings, root, now=now, engine=engine)
    prune(root, keep)
    return result
