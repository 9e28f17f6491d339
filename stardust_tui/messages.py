"""App-wide messages (past tense): things that happened that more than one screen cares about."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


@dataclass
class ReleaseSaved(Message):
    """A release (or one of its children) was saved; screens showing it should refresh."""

    release_id: int


@dataclass
class ReleaseDeleted(Message):
    """A release was deleted from the catalog."""

    release_id: int


@dataclass
class DeliveryEventReceived(Message):
    """One structured delivery event (a JSON-lines log record or an in-process runner event)."""

    event: dict[str, Any]

    def can_replace(self, message: Message) -> bool:  # events are all kept: each is a log line
        return False


@dataclass
class DeliveryFinished(Message):
    """A delivery reached a final state (succeeded, failed, cancelled)."""

    delivery_id: int
    state: str
    detail: str = ""
