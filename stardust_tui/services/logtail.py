"""Read the JSON-lines delivery log incrementally (the TUI's live log follows it with watchfiles).

Handles a missing file, a partly written last line, and truncation or rotation (the file shrinks:
start again from the top). The first read returns only the last ``backlog`` events.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

LEVELS = ("debug", "info", "warning", "error")


class LogTail:
    def __init__(self, path: Path, *, backlog: int = 500) -> None:
        self.path = path
        self.backlog = backlog
        self._offset: int | None = None
        self._inode: int | None = None
        self._partial = b""

    def read_new(self) -> list[dict[str, Any]]:
        """Events appended since the last call (the last ``backlog`` ones on the first call)."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return []
        first = self._offset is None
        if first:
            self._offset = max(0, st.st_size - 256 * self.backlog)
        elif st.st_ino != self._inode or st.st_size < (self._offset or 0):
            self._offset, self._partial = 0, b""
        self._inode = st.st_ino
        with open(self.path, "rb") as fh:
            fh.seek(self._offset or 0)
            data = fh.read()
        self._offset = (self._offset or 0) + len(data)
        data = self._partial + data
        lines = data.split(b"\n")
        self._partial = lines.pop()
        if first and (self._offset or 0) > len(data) and lines:
            lines = lines[1:]  # the first chunk may start mid-line
        events = []
        for raw in lines:
            try:
                event = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
            if isinstance(event, dict):
                events.append(event)
        return events[-self.backlog:] if first else events


def format_event(event: dict[str, Any]) -> str:
    """One log line: time, level, delivery, step, message (and bytes when known)."""
    at = str(event.get("at", ""))[11:19]
    level = str(event.get("level", "info"))
    delivery = f"#{event['delivery_id']}" if event.get("delivery_id") is not None else "-"
    step = f" [{event['step']}]" if event.get("step") else ""
    size = f" ({event['bytes']:,} B)" if isinstance(event.get("bytes"), int) else ""
    return f"{at} {level.upper():<7} {delivery:>6}{step} {event.get('message', '')}{size}"


def level_at_least(event: dict[str, Any], minimum: str) -> bool:
    level = str(event.get("level", "info"))
    rank = LEVELS.index(level) if level in LEVELS else 1
    return rank >= LEVELS.index(minimum)


def finished_state(event: dict[str, Any]) -> str | None:
    """The final state an event of the runner announces ("succeeded"/"failed"), else None."""
    message = str(event.get("message", ""))
    if event.get("level") == "info" and message.startswith("succeeded"):
        return "succeeded"
    if event.get("level") == "error" and message.startswith("attempt ") and "will retry" not in message:
        return "failed"
    return None
