"""Set a release's status (draft, ready, delivered, taken-down) from the keyboard.

The readiness check runs first (in a thread worker): ``ready`` is disabled, with the blocking problems
listed, while any remain — the same rule ``stardust release set-status`` applies. ``delivered`` and
``taken-down`` are normally set by deliveries; the dialog says so. Dismissed with the new status or None.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Label, RadioSet, Static

from stardust_tui.domain.enums import ReleaseStatus
from stardust_tui.screens.tool_base import MarkedRadioButton, ToolModal
from stardust_tui.services.history import ReleaseHead

NOTES = {
    "draft": "being prepared",
    "ready": "complete: nothing blocks a delivery",
    "delivered": "set by deliveries; by hand for one made elsewhere",
    "taken-down": "set by takedowns; by hand for one made elsewhere",
}


def _label(status: str, blocked: bool = False) -> Text:
    note = "blocked: fix the problems below first" if blocked else NOTES.get(status, "")
    return Text(f"{status:<11} {note}")


class ReleaseStatusModal(ToolModal[str | None]):
    """Pick the release's status; ``ready`` only when the readiness check passes."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="status-cancel", tooltip="Close without changing the status"),
        Binding("s", "set", "Set status", id="status-set", tooltip="Save the chosen status"),
    ]

    def __init__(self, release_id: int) -> None:
        super().__init__(classes="modal")
        self.release_id = release_id
        self.head: ReleaseHead | None = None
        self.errors: list[str] = []
        self._saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="status-body"):
            yield Label("Loading…", id="status-title")
            with RadioSet(id="status-choices", compact=True):
                for status in ReleaseStatus:
                    yield MarkedRadioButton(_label(status.value), id=f"status-{status.value}", compact=True,
                                            disabled=True)
            yield Static("", id="status-check")
            with Horizontal(id="status-buttons"):
                yield Button("Set status (s)", id="status-go", variant="primary", compact=True, disabled=True)
                yield Button("Cancel (esc)", id="status-close", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="release-status", exit_on_error=False)
    def load(self) -> None:
        head, errors, warnings = self.app.services.dispatch.status_check(self.release_id)
        self.app.call_from_thread(self.show, head, errors, warnings)

    def show(self, head: ReleaseHead, errors: list[str], warnings: list[str]) -> None:
        self.head, self.errors = head, errors
        title = Text("Status of ")
        title.append(f"“{head.title}”", style="bold")
        title.append(f" by {head.display_artist} — now {head.status}")
        self.query_one("#status-title", Label).update(title)
        for status in ReleaseStatus:
            button = self.query_one(f"#status-{status.value}", MarkedRadioButton)
            button.disabled = status.value == "ready" and bool(errors)
            button.label = _label(status.value, button.disabled)
            button.value = status.value == head.status
        check = Text()
        if errors:
            check.append(f"✗ {len(errors)} blocking problem(s): “ready” is not possible until they are fixed\n",
                         style="bold")
            for line in errors:
                check.append(f"✗ {line}\n")
        else:
            check.append("✓ Nothing blocks: the release may be marked ready\n", style="bold")
        for line in warnings:
            check.append(f"! {line}\n")
        check.rstrip()
        self.query_one("#status-check", Static).update(check)
        self.query_one("#status-choices", RadioSet).focus()
        self._changed()

    def chosen(self) -> str | None:
        pressed = self.query_one("#status-choices", RadioSet).pressed_button
        return pressed.id.removeprefix("status-") if pressed is not None and pressed.id else None

    def _can_set(self) -> bool:
        return self.head is not None and not self._saving and self.chosen() not in (None, self.head.status)

    @on(RadioSet.Changed, "#status-choices")
    def _changed(self) -> None:
        self.query_one("#status-go", Button).disabled = not self._can_set()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "set":
            return self._can_set()
        return True

    @on(Button.Pressed, "#status-go")
    def _go(self) -> None:
        self.action_set()

    @on(Button.Pressed, "#status-close")
    def _close(self) -> None:
        self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_set(self) -> None:
        status = self.chosen()
        if not self._can_set() or status is None:
            return
        self._saving = True
        self._changed()
        self.save(status)

    @work(thread=True, exclusive=True, group="release-status-save", exit_on_error=False)
    def save(self, status: str) -> None:
        try:
            revision = self.app.services.dispatch.set_status(self.release_id, status)
        except Exception:
            self.app.call_from_thread(self._failed)
            raise
        self.app.call_from_thread(self._saved, status, revision)

    def _failed(self) -> None:
        self._saving = False
        self.load()  # the release may have changed: show why

    def _saved(self, status: str, revision: int) -> None:
        self.app.notify(f"Release {self.release_id} is {status} (revision {revision})", title="Status")
        self.dismiss(status)
