"""App-wide messages (past tense): things that happened that more than one part of the UI cares about."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class DeliveryFinished(Message):
    """A delivery reached a final state (succeeded or failed), seen in the delivery log."""

    delivery_id: int
    state: str
    detail: str = ""
