"""Small typed modals: a yes/no confirmation and a single-choice picker, returned through dismiss()."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, OptionList
from textual.widgets.option_list import Option

from stardust_tui.widgets.styling import plain


class ConfirmModal(ModalScreen[bool]):
    """Ask a yes/no question; dismisses with True only when the user confirms."""

    BINDINGS = [
        Binding("y", "confirm", "Yes", id="confirm-yes", tooltip="Confirm"),
        Binding("n,escape", "cancel", "No", id="confirm-no", tooltip="Cancel and go back"),
    ]

    def __init__(self, question: str, *, yes: str = "Yes", no: str = "No", danger: bool = False) -> None:
        super().__init__(classes="modal")
        self.question = question
        self.yes_label = yes
        self.no_label = no
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-body"):
            yield Label(self.question, classes="modal-question", markup=False)
            with Horizontal(classes="modal-buttons"):
                yield Button(f"{self.yes_label} (y)", id="yes", variant="error" if self.danger else "primary")
                yield Button(f"{self.no_label} (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class ChoiceModal(ModalScreen[str | None]):
    """Pick one of several values (e.g. a delivery target); None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="choice-cancel", tooltip="Close without choosing")]

    def __init__(self, title: str, choices: list[tuple[str, str]]) -> None:
        super().__init__(classes="modal")
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-body"):
            yield Label(self.title_text, classes="modal-question", markup=False)
            yield OptionList(*[Option(plain(label), id=value) for value, label in self.choices], id="choices")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
