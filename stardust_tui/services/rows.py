"""The key of a stored row, typed for the checker.

SQLModel tables declare ``id: int | None``: None until the row is inserted. A row read from the store, or
added and flushed, has its key; :func:`stored_id` says so in one place instead of ``int(row.id)`` with a
``type: ignore`` at every use.
"""

from __future__ import annotations

from typing import Protocol


class Keyed(Protocol):
    """A table row: its ``id`` is None until it is inserted."""

    @property
    def id(self) -> int | None: ...


def stored_id(row: Keyed) -> int:
    """``row.id`` of a row read from the store or flushed; ValueError for one that was never inserted."""
    key = row.id
    if key is None:
        raise ValueError(f"this {type(row).__name__} was never stored: it has no id yet")
    return key
