"""Ids kept as DataTable row keys.

The screens add their rows with ``key=str(id)`` (a release, target or delivery id, an issue's index), so a row's
key always has a value; Textual types it ``str | None`` because a key may also be made without one.
"""

from __future__ import annotations

from textual.widgets.data_table import RowKey


def int_key(key: RowKey) -> int:
    """The int a row was added under (``add_row(..., key=str(n))``)."""
    assert key.value is not None, "a row added without a key"
    return int(key.value)
