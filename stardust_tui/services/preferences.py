"""Preferences the workstation remembers by writing them into the user's ``config.toml``.

Only the top-level ``theme`` key is written today: the line is replaced where it is, or added at the top
of the file (a top-level key must come before the first ``[table]``), so the user's comments, order
and other keys stay exactly as they were. The result is parsed before it replaces the file (atomically),
and the file keeps its permissions.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

from stardust_tui.errors import ConfigError

if TYPE_CHECKING:
    from stardust_tui.config import Settings

_TABLE = re.compile(r"^\s*\[")
_KEY = re.compile(r"^\s*theme\s*=")


def with_top_level_key(text: str, key_line: str, key: re.Pattern[str] = _KEY) -> str:
    """``text`` with the top-level line matching ``key`` replaced by ``key_line`` (or added first)."""
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if _TABLE.match(line):
            break
        if key.match(line):
            lines[i] = key_line + "\n"
            return "".join(lines)
    return key_line + "\n" + text


def remember_theme(settings: Settings, name: str) -> Path:
    """Write ``theme = "name"`` into the config file (created if missing); returns its path."""
    from stardust_tui.atomic import write_text_atomic

    path = settings.paths.config_file
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    updated = with_top_level_key(text, f"theme = {json.dumps(name)}")
    try:
        if tomllib.loads(updated).get("theme") != name:
            raise ConfigError("the theme line could not be written", where=str(path))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not changed: the file is not valid TOML ({exc})", where=str(path)) from None
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o600
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, updated)
    path.chmod(mode)
    settings.theme = name
    return path
