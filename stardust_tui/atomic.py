"""Write a file so that readers see the old content or the new one, never half of it.

The data goes to a temporary file beside the target (same directory, so the rename stays on one file
system), is flushed and fsynced, then renamed over the target. On any failure the temporary file is
removed and the target is untouched. Used by the services (ERN files, import reports) and anything else
in the core that writes a user's file; nothing here imports from ``cli/``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from stardust_tui.errors import StardustError


def write_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary name and a rename; returns the final path.

    A folder that does not exist or cannot be written is a :class:`StardustError` naming the path.
    """
    target = Path(path).expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise StardustError(f"cannot write: {exc.strerror or exc}", where=str(target)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise StardustError(f"cannot write: {exc.strerror or exc}", where=str(target)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """:func:`write_atomic` for UTF-8 text."""
    return write_atomic(path, text.encode("utf-8"))
