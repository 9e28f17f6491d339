"""The store is private whatever the umask: data directory 0700; database, WAL/SHM, backups, exports and
upgrade copies 0600 (umask 022 and 000, real processes); loose permissions are reported, not silently fixed."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from stardust_tui.config import load_settings
from stardust_tui.privacy import create_private_file, loose_permissions, make_private_dir, prepare_sqlite_file


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _run(umask: int, *args: str, home: Path) -> None:
    env = {**os.environ, "STARDUST_HOME": str(home)}
    proc = subprocess.run([sys.executable, "-m", "stardust_tui", *args], capture_output=True, text=True, env=env,
                          timeout=180, preexec_fn=lambda: os.umask(umask))
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_everything_stardust_creates_is_private(tmp_path: Path, umask: int) -> None:
    home = tmp_path / "new" / "home"
    _run(umask, "init", home=home)
    _run(umask, "release", "create", "--title", "Night Drive", "--artist", "Luna Park", home=home)
    db = home / "stardust.db"
    con = sqlite3.connect(db)  # keep the WAL and SHM files open while we look at them
    try:
        con.execute("SELECT count(*) FROM release").fetchone()
        for d in (home, home / "assets", home / "logs"):
            assert mode(d) == 0o700, d
        for f in (db, home / "stardust.db-wal", home / "stardust.db-shm", home / "secret.key"):
            assert mode(f) == 0o600, f
    finally:
        con.close()
    _run(umask, "backup", str(tmp_path / "bk"), home=home)
    _run(umask, "export", str(tmp_path / "out.json"), home=home)
    assert mode(tmp_path / "out.json") == 0o600
    backup = tmp_path / "bk"
    for path in [backup, *backup.rglob("*")]:
        assert mode(path) == (0o700 if path.is_dir() else 0o600), path
    assert mode(tmp_path / "new") == 0o777 & ~umask  # a parent Stardust did not own keeps the default


def test_an_upgrade_copy_is_private(tmp_path: Path) -> None:
    from stardust_tui.store.db import make_engine
    from stardust_tui.store.migrate import backup_sqlite

    old = os.umask(0)
    try:
        db = tmp_path / "stardust.db"
        engine = make_engine(str(db))
        with engine.connect() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x)")
        copy = backup_sqlite(engine, "0004")
        engine.dispose()
    finally:
        os.umask(old)
    assert copy is not None and mode(copy) == 0o600 and mode(db) == 0o600


def test_existing_directories_are_left_alone(tmp_path: Path) -> None:
    shared = tmp_path / "team"
    shared.mkdir(mode=0o775)
    os.chmod(shared, 0o775)
    make_private_dir(shared)
    assert mode(shared) == 0o775  # --home . or a team folder is never chmod-ed behind the user's back
    assert mode(make_private_dir(shared / "mine")) == 0o700


def test_private_file_helpers(tmp_path: Path) -> None:
    old = os.umask(0o277)  # even a umask that removes the owner's own write bit
    try:
        assert create_private_file(tmp_path / "a") is True
        assert create_private_file(tmp_path / "a") is False
        prepare_sqlite_file(str(tmp_path / "b.db"))
        prepare_sqlite_file(":memory:")
        prepare_sqlite_file(str(tmp_path / "missing-dir" / "c.db"))
    finally:
        os.umask(old)
    assert mode(tmp_path / "a") == 0o600 and mode(tmp_path / "b.db") == 0o600
    assert not (tmp_path / "missing-dir").exists()


def test_loose_permissions_are_reported_for_the_doctor(isolated_home: Path) -> None:
    settings = load_settings()
    settings.paths.ensure()
    from stardust_tui.secrets import ensure_secret_key
    from stardust_tui.store.open import open_store

    open_store(settings).dispose()
    ensure_secret_key(settings.paths)
    assert loose_permissions(settings) == []
    os.chmod(isolated_home, 0o755)
    os.chmod(isolated_home / "stardust.db", 0o644)
    os.chmod(isolated_home / "secret.key", 0o640)
    found = {(item.path.name, item.what) for item in loose_permissions(settings)}
    assert found == {("home", "data directory"), ("home", "config directory"), ("stardust.db", "database"),
                     ("secret.key", "secret key")}
    messages = [item.message for item in loose_permissions(settings)]
    assert f"database {isolated_home / 'stardust.db'} is readable by others (mode -rw-r--r--); run: chmod 600 " \
           f"{isolated_home / 'stardust.db'}" in messages


def test_a_postgresql_install_checks_only_its_secrets(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A team install on PostgreSQL keeps no database file here; a shared data folder is its own choice."""
    isolated_home.mkdir(parents=True)
    os.chmod(isolated_home, 0o775)
    (isolated_home / "stardust.db").write_bytes(b"")  # a stray file is not the database of this install
    os.chmod(isolated_home / "stardust.db", 0o644)
    monkeypatch.setenv("STARDUST_DB", "postgresql+psycopg://team@db.example/stardust")
    settings = load_settings()
    assert loose_permissions(settings) == []
    (isolated_home / "secret.key").write_text("k")
    os.chmod(isolated_home / "secret.key", 0o644)
    assert [item.what for item in loose_permissions(settings)] == ["secret key"]
