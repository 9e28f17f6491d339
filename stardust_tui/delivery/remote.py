"""Remote paths of a delivery target: relative to the target's base path, ``/``-separated, never
escaping it (``..`` is refused), and the hidden temporary name an upload is staged under.
"""

from __future__ import annotations

from stardust_tui.delivery.errors import TransportPermanentError

TEMP_SUFFIX = ".part"


def temp_name(remote_path: str, md5: str | None = None) -> str:
    """``a/b/track.flac`` → ``a/b/.track.flac.<md5[:12]>.part`` (or ``.track.flac.part`` without an MD5).

    The leading dot hides it from receivers that skip dot files. The MD5 prefix means a partial file is
    only ever resumed by the same content: a partial left by another version of the file is never
    continued (its size would match and the corruption would go unseen where no remote hash exists).
    """
    head, _, name = clean_path(remote_path).rpartition("/")
    tmp = f".{name}.{md5[:12]}{TEMP_SUFFIX}" if md5 else f".{name}{TEMP_SUFFIX}"
    return f"{head}/{tmp}" if head else tmp


def final_name(stage: str, md5: str) -> str:
    """The file name a stage publishes: ``a/.x.wav.<md5[:12]>.part`` → ``x.wav`` (a final path: its name)."""
    name = stage.rpartition("/")[2]
    suffix = f".{md5[:12]}{TEMP_SUFFIX}"
    return name[1:-len(suffix)] if name.startswith(".") and name.endswith(suffix) else name


def clean_path(path: str) -> str:
    """Normalize a relative remote path; refuse ``..`` so nothing escapes the target's base path."""
    parts = [p for p in str(path).replace("\\", "/").split("/") if p not in ("", ".")]
    if ".." in parts:
        raise TransportPermanentError(f"remote path must not contain '..': {path!r}")
    return "/".join(parts)


def parent_of(path: str) -> str:
    return clean_path(path).rpartition("/")[0]


def join(base: str, path: str) -> str:
    """Join a base path (absolute like ``/srv/out`` or a prefix like ``in/``) and a relative path."""
    rel = clean_path(path)
    root = "/" if base.startswith("/") else ""
    b = base.rstrip("/")
    if not rel:
        return b or root
    return f"{b}/{rel}" if b else root + rel


def login_relative(base: str) -> str:
    """``/~/incoming`` → ``incoming`` (relative to the login folder, as FTP/SFTP resolve it); else unchanged."""
    if base == "/~" or base.startswith("/~/"):
        return base[3:]
    return base
