"""Keep the store private to its owner, whatever the umask.

The catalog (personal data of artists and contributors, the audit trail, encrypted credentials) lives in
files nobody else on the machine should read. What Stardust creates is private: directories 0700 and
files 0600, set with ``chmod`` after creation so a permissive umask (022, 000) cannot loosen them. SQLite
gives the ``-wal``/``-shm`` journals the database file's own mode, so a private database keeps them private.

Directories that already exist are never changed (``--home .`` must not chmod the user's folder, and a
team may share a data folder on purpose); :func:`loose_permissions` reports them instead, for ``stardust
doctor``. A PostgreSQL install keeps no database file here, so only its secrets are checked.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stardust_tui.config import Settings

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def make_private_dir(path: str | os.PathLike[str]) -> Path:
    """Create ``path`` (and missing parents) if needed; when this call creates it, it is 0700.

    Parents created on the way get the default mode (they are not Stardust's, e.g. ``~/.local/share``).
    """
    target = Path(path)
    existed = target.is_dir()
    target.mkdir(parents=True, exist_ok=True)
    if not existed:
        os.chmod(target, PRIVATE_DIR)
    return target


def create_private_file(path: str | os.PathLike[str]) -> bool:
    """Create an empty 0600 file at ``path`` unless something is there; True when it was created."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE_FILE)
    except FileExistsError:
        return False
    try:
        os.fchmod(fd, PRIVATE_FILE)  # the umask may have removed the owner's own bits (e.g. 0o277)
    finally:
        os.close(fd)
    return True


def make_private(path: str | os.PathLike[str]) -> None:
    """``chmod 0600`` a file this process just wrote (a copy, a dump written by another program)."""
    os.chmod(path, PRIVATE_FILE)


def sqlite_file(database: str | None) -> Path | None:
    """The file an SQLite ``database`` string names, or None for memory databases and URIs."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def prepare_sqlite_file(database: str | None) -> None:
    """Before SQLite creates a database file, create it empty and 0600 (SQLite would use 0644 & ~umask).

    An empty file is a valid empty database; SQLite then creates ``-wal`` and ``-shm`` with its mode.
    Nothing happens when the file exists or its folder does not (SQLite reports that itself).
    """
    path = sqlite_file(database)
    if path is not None and not path.exists() and path.parent.is_dir():
        create_private_file(path)


@dataclass(frozen=True)
class Loose:
    """A path others can read or write: what it is, its mode, and the ``chmod`` that fixes it."""

    path: Path
    mode: int
    what: str

    @property
    def message(self) -> str:
        want = PRIVATE_DIR if stat.S_ISDIR(self.mode) else PRIVATE_FILE
        who = "others" if self.mode & 0o007 else "its group"
        return (f"{self.what} {self.path} is readable by {who} (mode {stat.filemode(self.mode)}); "
                f"run: chmod {want:o} {self.path}")


def _check(path: Path, what: str, out: list[Loose]) -> None:
    try:
        st = path.lstat()
    except OSError:
        return
    if stat.S_ISLNK(st.st_mode) or not (stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode)):
        return
    if st.st_mode & 0o077:
        out.append(Loose(path, st.st_mode, what))


def loose_permissions(settings: Settings) -> list[Loose]:
    """Every private path of this install that its group or others can read, write or enter.

    Checked: the data, config and logs directories, the SQLite database with its ``-wal``/``-shm``
    journals and upgrade copies (``*.bak-*``), the secret key, the config file, the crash log and the
    default backup folder. On PostgreSQL the database is the server's business: only secrets are checked.
    """
    from sqlalchemy.engine import make_url

    paths = settings.paths
    out: list[Loose] = []
    url = settings.db_url
    on_sqlite = url.startswith("sqlite")
    if on_sqlite:
        for d, what in ((paths.data_dir, "data directory"), (paths.config_dir, "config directory"),
                        (paths.state_dir, "logs directory"), (paths.backups_dir, "backup directory")):
            _check(d, what, out)
        db = sqlite_file(make_url(url).database)
        if db is not None:
            for suffix, what in (("", "database"), ("-wal", "database journal"), ("-shm", "database journal")):
                _check(db.with_name(db.name + suffix), what, out)
            if db.parent.is_dir():
                for copy in sorted(db.parent.glob(db.name + ".bak-*")):
                    _check(copy, "database copy", out)
    _check(paths.secret_key_file, "secret key", out)
    _check(paths.config_file, "config file (may hold a database password)", out)
    _check(paths.log_dir / "crash.log", "crash log", out)
    return list(dict.fromkeys(out))
