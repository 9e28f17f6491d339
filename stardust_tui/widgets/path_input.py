"""A path completer for inputs that take a file: suggests the rest of the next matching name (the
directory is read in a thread, never on the event loop)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from textual.suggester import Suggester


class PathSuggester(Suggester):
    """Completes file-system paths as you type (directories get a trailing slash)."""

    def __init__(self, suffixes: tuple[str, ...] = ()) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.suffixes = tuple(s.lower() for s in suffixes)

    async def get_suggestion(self, value: str) -> str | None:
        """Listing a directory is disk I/O (a slow or network mount): it runs in a thread, off the event loop."""
        if not value:
            return None
        return await asyncio.to_thread(self._suggest, value)

    def _suggest(self, value: str) -> str | None:
        expanded = os.path.expanduser(value)
        directory, _, prefix = expanded.rpartition("/")
        base = Path(directory or ("/" if expanded.startswith("/") else "."))
        try:
            names = sorted(os.listdir(base))
        except OSError:
            return None
        for name in names:
            if not name.startswith(prefix) or name.startswith(".") and not prefix.startswith("."):
                continue
            full = base / name
            if full.is_dir():
                return value + name[len(prefix):] + "/"
            if not self.suffixes or name.lower().endswith(self.suffixes):
                return value + name[len(prefix):]
        return None
