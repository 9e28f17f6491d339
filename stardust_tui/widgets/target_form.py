"""Add/edit form for a delivery target, as a typed modal returning the values (or None).

Emptying the key file, known_hosts file or pinned host key field clears it (the screen passes the empty
value on). For an SFTP target, ctrl+f reads the server's host key and, once the user confirms the
fingerprint, puts it in the pinned host key field: nothing is written to a known_hosts file. Numbers are
checked here (a whole number in range, ASCII digits only) so a bad one is one line in the form.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from stardust_tui.domain import limits
from stardust_tui.domain.validation import number_problem
from stardust_tui.errors import StardustError
from stardust_tui.widgets.confirm import ConfirmModal
from stardust_tui.widgets.path_input import PathSuggester
from stardust_tui.widgets.release_form import FormInput, LabelledRow
from stardust_tui.widgets.styling import plain

if TYPE_CHECKING:
    from textual import getters

    from stardust_tui.app import StardustApp

FIELDS = (
    ("name", "Name", "dsp-sftp"),
    ("url", "URL", "sftp://user@host:22/inbox, ftp://…, s3://bucket/prefix, file:///path"),
    ("password", "Password", "stored encrypted; empty keeps the current one"),
    ("key_file", "SSH key file", "~/.ssh/id_ed25519 (empty: none)"),
    ("known_hosts", "known_hosts file", "~/.ssh/known_hosts (empty: none)"),
    ("host_key", "Pinned host key", "SHA256:… (ctrl+f reads it from the server)"),
    ("max_concurrency", "Max concurrency", "2"),
)


def parse_concurrency(text: str) -> int | None:
    """The typed max concurrency (None when empty); ValueError with the reason otherwise."""
    text = text.strip()
    if not text:
        return None
    if not re.fullmatch(r"[0-9]{1,9}", text):
        raise ValueError(f"max concurrency: {text!r} is not a whole number")
    value = int(text)
    problem = number_problem(value, limits.CONCURRENCY, integer=True)
    if problem:
        raise ValueError(f"max concurrency: {problem}")
    return value


def _one_line(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters with an ellipsis, so a choice never wraps inside the field."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


class TargetFormModal(ModalScreen[dict[str, Any] | None]):
    """Collects target settings; the targets screen saves them through ``services.targets``."""

    if TYPE_CHECKING:  # Textual's typing of ``app`` (getters.app), for the checker only
        app = getters.app(StardustApp)

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="target-form-cancel", tooltip="Close without saving"),
        Binding("ctrl+s", "submit", "Save", id="target-form-save", tooltip="Save the target"),
        Binding("ctrl+f", "fetch_host_key", "Read host key", id="target-form-host-key",
                tooltip="Read the SFTP server's host key and pin it after you check the fingerprint"),
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
                yield LabelledRow(label, FormInput(value, placeholder=placeholder, id=f"t-{name}", compact=True,
                                               password=name == "password", suggester=suggester))
            names = [n for n, _ in self.profiles]
            profile = self.current.get("profile") or ("generic-43" if "generic-43" in names else names[0])
            choices = [(plain(_one_line(f"{n} — {d}", 46)), n) for n, d in self.profiles]
            yield LabelledRow("Profile", Select(choices, value=profile, allow_blank=False, id="t-profile",
                                                compact=True))
            trust = ("This target accepts an unknown SSH host key and records it in its known_hosts file (set "
                     "with --trust-host-key). Pin the server's key (ctrl+f) to stop that."
                     if self.current.get("trust_unknown_host") else "")
            yield Static(trust, id="target-form-note", markup=False)
            yield Static("", id="target-form-error", markup=False)
            with Horizontal(classes="modal-buttons"):
                yield Button("Read host key (ctrl+f)", id="fetch-key")
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#t-name", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_submit()
        elif event.button.id == "fetch-key":
            self.action_fetch_host_key()
        else:
            self.dismiss(None)

    def _error(self, text: str) -> None:
        self.query_one("#target-form-error", Static).update(f"✗ {text}" if text else "")

    def action_submit(self) -> None:
        values: dict[str, Any] = {name: self.query_one(f"#t-{name}", Input).value.strip() for name, _, _ in FIELDS}
        try:
            values["max_concurrency"] = parse_concurrency(values["max_concurrency"])
        except ValueError as exc:
            self._error(str(exc))
            self.query_one("#t-max_concurrency", Input).focus()
            return
        values["profile"] = self.query_one("#t-profile", Select).value
        if not values["name"] or not values["url"]:
            self._error("a target needs a name and a URL")
            return
        self.dismiss(values)

    def action_fetch_host_key(self) -> None:
        url = self.query_one("#t-url", Input).value.strip()
        self._error("")
        self.query_one("#target-form-note", Static).update("Reading the server's host key…")
        self.fetch_host_key(url)

    @work(thread=True, exclusive=True, group="target-host-key", exit_on_error=False)
    def fetch_host_key(self, url: str) -> None:
        from stardust_tui.services.hostkey import fetch_host_key

        try:
            key = fetch_host_key(self.app.services, url)
        except StardustError as exc:
            self.app.call_from_thread(self._fetch_failed, str(exc))
            return
        self.app.call_from_thread(self._confirm_pin, key)

    def _fetch_failed(self, error: str) -> None:
        self.query_one("#target-form-note", Static).update("")
        self._error(f"cannot read the host key: {error}")

    def _confirm_pin(self, key: Any) -> None:
        self.query_one("#target-form-note", Static).update("")

        def answered(pin: bool | None) -> None:
            if pin:
                self.query_one("#t-host_key", Input).value = key.fingerprint
                self.query_one("#target-form-note", Static).update(
                    f"Pinned {key.key_type} {key.fingerprint}: only this key is accepted (saved with ctrl+s).")

        self.app.push_screen(ConfirmModal(
            f"{key.host}:{key.port} offers the host key {key.key_type} {key.fingerprint}. Check this fingerprint "
            "with the DSP, then pin it: only this key will be accepted. Nothing is written to known_hosts.",
            yes="Pin", no="Don't pin"), answered)

    def action_cancel(self) -> None:
        self.dismiss(None)
