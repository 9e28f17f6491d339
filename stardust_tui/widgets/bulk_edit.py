"""Bulk edit of one track column: pick the column, type the value; returns (column, value) or None.

The value is checked the way the store will judge it (``domain.validation`` and ``domain.limits``): a
language must be an ISO 639 code, a year or disc number a whole number (ASCII digits) in range.
"""

from __future__ import annotations

import re
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select

from stardust_tui.domain import limits
from stardust_tui.domain.validation import language_problem, number_problem, text_problem
from stardust_tui.errors import ValidationError

INT_COLUMNS = {"disc_number": limits.DISC_NUMBER, "p_line_year": limits.YEAR}


def parse_bulk_value(column: str, text: str) -> Any:
    """The stored value of ``text`` for ``column``; ValidationError saying what is wrong."""
    text = text.strip()
    if column == "explicit":
        if text.lower() not in ("yes", "no", "true", "false", "1", "0"):
            raise ValidationError("explicit: yes or no")
        return text.lower() in ("yes", "true", "1")
    if column in INT_COLUMNS:
        if not re.fullmatch(r"[0-9]{1,9}", text):
            raise ValidationError(f"{column}: {text!r} is not a whole number")
        problem = number_problem(int(text), INT_COLUMNS[column], integer=True)
        if problem:
            raise ValidationError(f"{column}: {problem}")
        return int(text)
    if not text:
        if column == "display_artist":
            raise ValidationError("display_artist: a track needs an artist")
        return None
    problem = language_problem(text) if column == "language" else text_problem(text, limits.TRACK.get(column, 500))
    if problem:
        raise ValidationError(f"{column}: {problem}")
    return text


class BulkEditModal(ModalScreen[tuple[str, Any] | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="bulk-cancel", tooltip="Close without changing tracks")]

    def __init__(self, columns: tuple[str, ...]) -> None:
        super().__init__(classes="modal")
        self.columns = columns

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-body"):
            yield Label("Set one column on every track of the release:", classes="modal-question")
            yield Select([(c, c) for c in self.columns], value=self.columns[0], allow_blank=False, id="bulk-column")
            yield Input(placeholder="value (Enter to apply)", id="bulk-value")
            yield Label("", id="bulk-error", markup=False)

    @on(Input.Submitted, "#bulk-value")
    def _submitted(self, event: Input.Submitted) -> None:
        column = str(self.query_one("#bulk-column", Select).value)
        try:
            value = parse_bulk_value(column, event.value)
        except ValidationError as exc:
            self.query_one("#bulk-error", Label).update(f"✗ {exc.message}")
            return
        self.dismiss((column, value))

    def action_cancel(self) -> None:
        self.dismiss(None)
