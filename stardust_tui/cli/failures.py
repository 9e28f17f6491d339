"""How the CLI fails: one line on stderr and an exit code, never a traceback on the terminal.

- A usage error (unknown option, bad value, missing argument) prints ``error: …`` naming the option and
  exits 2 (:func:`usage_line`).
- A user error (:class:`StardustError`) prints ``error: …`` and exits with its code (the command group).
- Anything unexpected is a bug: :func:`report_crash` appends the traceback to ``crash.log`` in the logs
  directory (0600: it may quote catalog data), prints one line pointing at it, and the CLI exits 70
  (EX_SOFTWARE). The command's arguments are not logged (they may hold secrets), only its name.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from stardust_tui import __version__
from stardust_tui.errors import ExitCode

USAGE_EXIT = ExitCode.USAGE
CRASH_EXIT = ExitCode.INTERNAL
MAX_LINE = 400
CRASH_LOG = "crash.log"


def one_line(text: str) -> str:
    """Collapse whitespace and cut very long messages (a 100k-character value is not echoed back)."""
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_LINE else text[: MAX_LINE - 1] + "…"


def usage_line(exc: click.UsageError) -> str:
    """``error: --offset: 99999999999999999999 is out of range (0 to 2147483647)`` for a usage error."""
    if isinstance(exc, click.BadParameter) and exc.param is not None and not isinstance(exc, click.MissingParameter):
        names = exc.param_hint if isinstance(exc.param_hint, str) else None
        if names is None:
            names = (" / ".join(exc.param.opts) if exc.param.param_type_name == "option"
                     else exc.param.human_readable_name)
        message = f"{names}: {exc.message}"
    else:
        message = exc.format_message()
        message = message[:1].lower() + message[1:]
    command = exc.ctx.command_path if exc.ctx is not None else "stardust"
    return one_line(f"error: {message.rstrip('.')} (see {command} --help)")


def _log_dir(obj: Any) -> Path:
    paths = getattr(getattr(obj, "settings", None), "paths", None) if obj is not None else None
    if paths is None:
        from stardust_tui.paths import Paths

        paths = Paths.resolve()
    return Path(paths.log_dir)


def _append_private(path: Path, text: str) -> None:
    """Append to ``path``, creating it (and a missing logs directory) private to this user."""
    if not path.parent.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        os.write(fd, text.encode("utf-8", "backslashreplace"))
    finally:
        os.close(fd)


def report_crash(exc: BaseException, *, obj: Any = None, command: str | None = None) -> Path | None:
    """Log ``exc`` with its traceback; print the one line; returns the log file (None if unwritable)."""
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    where = command or "stardust"
    entry = (f"--- {stamp} stardust {__version__} pid {os.getpid()} python {sys.version.split()[0]}\n"
             f"command: {where}\n" + "".join(traceback.format_exception(exc)) + "\n")
    log: Path | None = None
    for candidate in _candidates(obj):
        try:
            _append_private(candidate, entry)
        except OSError:
            continue
        log = candidate
        break
    kind = type(exc).__name__
    detail = one_line(str(exc))[:160]
    pointer = f"the traceback is in {log}" if log else "the traceback could not be written to any log file"
    click.echo(f"error: internal error in {where} ({kind}{': ' + detail if detail else ''}); {pointer} "
               "— please report it", err=True)
    return log


def _candidates(obj: Any) -> list[Path]:
    out = []
    try:
        out.append(_log_dir(obj) / CRASH_LOG)
    except Exception:  # settings themselves may be what failed
        pass
    out.append(Path(tempfile.gettempdir()) / f"stardust-{os.getuid()}-{CRASH_LOG}")
    return out
