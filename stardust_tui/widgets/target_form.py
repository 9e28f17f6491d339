"""Add/edit form for a delivery target, as a typed modal returning the values (or None)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select

from stardust_tui.widgets.path_input import PathSuggester
from stardust_tui.widgets.release_form import LabelledRow
from stardust_tui.widgets.styling import plain

FIELDS = (
    ("name", "Name", "dsp-sftp"),
    ("url", "URL", "sftp://user@host:22/inbox, ftp://…, s3://bucket/prefix, file:///path"),
    ("password", "Password", "stored encrypted; empty keeps the current one"),
    ("key_file", "SSH key file", "~/.ssh/id_ed25519"),
    ("known_hosts", "known_hosts file", "~/.ssh/known_hosts"),
    ("host_key", "Pinned host key", "SHA256:…"),
    ("max_concurrency", "Max concurrency", "2"),
)


class TargetFormModal(ModalScreen[dict[str, Any] | None]):
    """Collects target settings; the screen saves them through ``TargetService.save``."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="target-form-cancel", tooltip="Close without saving"),
        Binding("ctrl+s", "submit", "Save", id="target-form-save", tooltip="Save the target"),
    ]

    def __init__(self, profiles: list[tuple[str, str]], current: dict[str, Any] | None = None) -> None:
        super().__init__(classes="modal")
        self.profiles = profiles
        self.current = current or {}

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="modal-body target-form"):
            yield Label("Edit target" if self.current else "Add a delivery target", classes="modal-question")
            for name, label, placeholder in FIELDS:
                value = "" if name == "password" else str(self.current.get(name) or "")
                suggester = PathSuggester() if name in ("key_file", "known_hosts") else None
                yield LabelledRow(label, Input(value, placeholder=placeholder, id=f"t-{name}", compact=True,
                                               password=name == "password", suggester=suggester))
            names = [n for n, _ in self.profiles]
            profile = self.current.get("profile") or ("generic-43" if "generic-43" in names else names[0])
            choices = [(plain(f"{n} — {d}"[:60]), n) for n, d in self.profiles]
            yield LabelledRow("Profile", Select(choices, value=profile, allow_blank=False, id="t-profile",
                                                compact=True))
            yield Checkbox("Trust an unknown SSH host key on first connect", id="t-trust_unknown_host",
                           value=bool(self.current.get("trust_unknown_host")), compact=True)
            with Horizontal(classes="modal-buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#t-name", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_submit()
        else:
            self.dismiss(None)

    def action_submit(self) -> None:
        values: dict[str, Any] = {name: self.query_one(f"#t-{name}", Input).value.strip() for name, _, _ in FIELDS}
        concurrency = values.pop("max_concurrency")
        if concurrency:
            if not concurrency.isdigit():
                self.notify("Max concurrency must be a whole number", severity="error")
                return
            values["max_concurrency"] = int(concurrency)
        values["profile"] = self.query_one("#t-profile", Select).value
        values["trust_unknown_host"] = self.query_one("#t-trust_unknown_host", Checkbox).value
        if not values["name"] or not values["url"]:
            self.notify("A target needs a name and a URL", severity="error")
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)
