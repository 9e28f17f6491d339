"""Form building blocks of the release wizard: a labelled input that shows its inline check result."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from stardust_tui.services.fields import FieldCheck, FieldSpec


class FormInput(Input):
    """An Input for forms whose typing never re-lays out the screen.

    Textual's Input sizes its virtual width to its text, and ``virtual_size`` asks for a layout of the
    whole screen on every change: in the wizard (six steps of fields) that was most of a keystroke's
    cost. A form input has a fixed size (one line, the width its row gives it); only its own horizontal
    scroll depends on the text, and that needs a repaint, not a layout.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)


class ValidatedField(Vertical):
    """Label + compact input on one line, with the field's error or hint on the line below."""

    def __init__(self, spec: FieldSpec, value: str = "") -> None:
        super().__init__(id=f"field-{spec.name}", classes="field")
        self.spec = spec
        self.initial = value
        self._shown = ""

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label(self.spec.label + (" *" if self.spec.required else ""), classes="field-label")
            yield FormInput(self.initial, placeholder=self.spec.placeholder, id=f"f-{self.spec.name}", compact=True)
        yield Static("", classes="field-msg", markup=False)

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    def show_check(self, check: FieldCheck) -> None:
        """Show what is wrong with the typed value (and a hint), or clear the message when it is fine."""
        text = "" if check.ok else f"✗ {check.message}" + (f" · {check.hint}" if check.hint else "")
        self._show(text, not check.ok)

    def show_error(self, text: str) -> None:
        self._show(f"✗ {text}", True)

    def _show(self, text: str, invalid: bool) -> None:
        """Change the message only when it changes: an update re-lays out the whole screen, and this runs on
        every keystroke (most of which leave the message as it was)."""
        if text == self._shown and invalid == self.has_class("-invalid"):
            return
        self._shown = text
        message = self.query_one(".field-msg", Static)
        message.update(text)
        message.set_class(bool(text), "-shown")
        self.set_class(invalid, "-invalid")


class LabelledRow(Horizontal):
    """A label in the field column next to any widget (a Select, a SelectionList...)."""

    def __init__(self, label: str, widget: Widget) -> None:
        super().__init__(classes="field-row labelled")
        self.label_text = label
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield Label(self.label_text, classes="field-label")
        yield self.widget
