"""Form building blocks of the release wizard: a labelled input that shows its inline check result."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from stardust_tui.services.fields import FieldCheck, FieldSpec


class ValidatedField(Vertical):
    """Label + compact input on one line, with the field's error or hint on the line below."""

    def __init__(self, spec: FieldSpec, value: str = "") -> None:
        super().__init__(id=f"field-{spec.name}", classes="field")
        self.spec = spec
        self.initial = value

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label(self.spec.label + (" *" if self.spec.required else ""), classes="field-label")
            yield Input(self.initial, placeholder=self.spec.placeholder, id=f"f-{self.spec.name}", compact=True)
        yield Static("", classes="field-msg", markup=False)

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    def show_check(self, check: FieldCheck) -> None:
        """Show what is wrong with the typed value (and a hint), or clear the message when it is fine."""
        message = self.query_one(".field-msg", Static)
        text = "" if check.ok else f"✗ {check.message}" + (f" · {check.hint}" if check.hint else "")
        message.update(text)
        message.set_class(bool(text), "-shown")
        self.set_class(not check.ok, "-invalid")

    def show_error(self, text: str) -> None:
        message = self.query_one(".field-msg", Static)
        message.update(f"✗ {text}")
        message.set_class(True, "-shown")
        self.set_class(True, "-invalid")


class LabelledRow(Horizontal):
    """A label in the field column next to any widget (a Select, a SelectionList...)."""

    def __init__(self, label: str, widget: Widget) -> None:
        super().__init__(classes="field-row labelled")
        self.label_text = label
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield Label(self.label_text, classes="field-label")
        yield self.widget
