"""The deliver dialog: pick a target and a message type, see the readiness check for exactly that, confirm.

It names the release, the target (with its profile and where the release stands there) and the message
type; the types the target's profile and that state do not allow are disabled with the reason. The
readiness check (``DispatchService.check``: catalog rules, duplicates, the profile's media/deal/recipient
rules, lead time) runs first and again on every change, in a thread worker; ``d`` (or the Deliver
button) appears only when nothing blocks. "Not before" schedules it (empty: now; local time unless a
zone is given; the summary repeats when). A takedown or purge asks once more. Dismissed with the
``Queued`` result, or None.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Footer, Input, Label, OptionList, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option

from stardust_tui.errors import ValidationError
from stardust_tui.screens.tool_base import MarkedCheckbox, MarkedRadioButton, ToolModal
from stardust_tui.services.dispatch import (
    MESSAGE_TYPES,
    DeliverOptions,
    Queued,
    Readiness,
    TargetChoice,
    parse_not_before,
)
from stardust_tui.widgets.confirm import ConfirmModal
from stardust_tui.widgets.styling import plain

TYPE_NAMES = {"new": "new release", "update": "update", "takedown": "takedown", "purge": "purge"}
AT_TARGET = {None: "never sent", "delivered": "delivered", "ack-ok": "acknowledged OK", "ack-pending": "ACK pending",
             "ack-error": "ACK error", "taken-down": "taken down"}


class DeliverDialog(ToolModal[Queued | None]):
    """Send one release to one target, after its readiness check."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="deliver-cancel", tooltip="Close without sending anything"),
        Binding("d", "deliver", "Deliver", id="deliver-send",
                tooltip="Queue this delivery (a takedown or purge asks once more)"),
        Binding("r", "recheck", "Check again", id="deliver-recheck", tooltip="Run the readiness check again"),
    ]

    def __init__(self, release_id: int, *, target_id: int | None = None, message_type: str | None = None) -> None:
        super().__init__(classes="modal")
        self.release_id = release_id
        self.wanted_target = target_id
        self.wanted_type = message_type
        self.options: DeliverOptions | None = None
        self.readiness: Readiness | None = None
        self._generation = 0
        self._sending = False

    def compose(self) -> ComposeResult:
        with Vertical(id="deliver-body"):
            yield Label("Loading…", id="deliver-title")
            with Horizontal(id="deliver-columns"):
                with Vertical():
                    yield Static("Target", classes="tool-section")
                    yield OptionList(id="deliver-targets", compact=True)
                with Vertical():
                    yield Static("Message", classes="tool-section")
                    with RadioSet(id="deliver-types", compact=True):
                        for message_type in MESSAGE_TYPES:
                            yield MarkedRadioButton(TYPE_NAMES[message_type], id=f"type-{message_type}",
                                                    compact=True)
            yield Static("", id="deliver-type-notes")
            yield Static("Readiness", classes="tool-section")
            yield Static("", id="deliver-check")
            with Horizontal(id="deliver-options"):
                yield MarkedCheckbox("High priority", id="deliver-priority", compact=True)
                yield MarkedCheckbox("Send again even if identical", id="deliver-resend", disabled=True, compact=True)
            with Horizontal(id="deliver-when"):
                yield Label("Not before ", id="deliver-at-label")
                yield Input(id="deliver-at", compact=True,
                            placeholder="empty: now · 2026-12-24 09:00 (local time) or with Z/+01:00")
            yield Static("", id="deliver-summary")
            with Horizontal(id="deliver-buttons"):
                yield Button("Deliver (d)", id="deliver-go", variant="primary", disabled=True, compact=True)
                yield Button("Cancel (esc)", id="deliver-close", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.load_options()

    # -- loading -----------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="deliver-options", exit_on_error=False)
    def load_options(self) -> None:
        options = self.app.services.dispatch.options(self.release_id)
        self.app.call_from_thread(self.show_options, options)

    def show_options(self, options: DeliverOptions) -> None:
        self.options = options
        head = options.release
        title = Text("Deliver ")
        title.append(f"“{head.title}”", style="bold")
        title.append(f" by {head.display_artist}" if head.display_artist else "")
        title.append(f" · UPC {head.upc}" if head.upc else " · no UPC")
        title.append(f" · {head.status}")
        self.query_one("#deliver-title", Label).update(title)
        targets = self.query_one("#deliver-targets", OptionList)
        targets.clear_options()
        if not options.targets:
            self.query_one("#deliver-check", Static).update(plain(
                "No enabled delivery target: add or enable one on the Targets screen (2)."))
            return
        for t in options.targets:
            targets.add_option(Option(self._target_text(t), id=str(t.id)))
        index = next((i for i, t in enumerate(options.targets) if t.id == self.wanted_target), 0)
        targets.highlighted = index
        self._apply_target(options.targets[index], self.wanted_type)
        targets.focus()

    @staticmethod
    def _target_text(t: TargetChoice) -> Text:
        text = Text(t.name, style="bold")
        text.append(f"  {t.profile}  ", style="dim")
        text.append(AT_TARGET.get(t.at_target, t.at_target or ""))
        if t.circuit != "closed":
            text.append(f"  circuit {t.circuit}", style="dim")
        return text

    def selected_target(self) -> TargetChoice | None:
        if self.options is None or not self.options.targets:
            return None
        index = self.query_one("#deliver-targets", OptionList).highlighted
        return self.options.targets[index] if index is not None else None

    def selected_type(self) -> str | None:
        pressed = self.query_one("#deliver-types", RadioSet).pressed_button
        return pressed.id.removeprefix("type-") if pressed is not None and pressed.id else None

    def _apply_target(self, target: TargetChoice, wanted_type: str | None = None) -> None:
        """Enable the types this target allows and pick one (the wanted one if allowed, else the default)."""
        current = wanted_type or self.selected_type()
        allowed = [c.message_type for c in target.types if c.allowed]
        choose = current if current in allowed else target.default_type
        notes = Text()
        for choice in target.types:
            button = self.query_one(f"#type-{choice.message_type}", RadioButton)
            button.disabled = not choice.allowed
            button.value = choice.message_type == choose and choice.allowed
            if choice.note:
                notes.append(f"{TYPE_NAMES[choice.message_type]}: ", style="bold")
                notes.append(choice.note + "\n")
        if target.profile_error:
            notes.append(f"profile: {target.profile_error}\n")
        notes.rstrip()
        self.query_one("#deliver-type-notes", Static).update(notes)
        self.call_after_refresh(self.recheck)  # once the radio set has taken the new pressed button

    # -- the readiness check -----------------------------------------------------------------------
    def recheck(self) -> None:
        target, message_type = self.selected_target(), self.selected_type()
        self.readiness = None
        self._show_summary()
        if target is None or message_type is None:
            self.query_one("#deliver-check", Static).update(plain("Pick a message type this target allows."))
            return
        self._generation += 1
        self.query_one("#deliver-check", Static).update(plain("Checking…"))
        self.run_check(target.id, message_type, self._generation)

    @work(thread=True, exclusive=True, group="deliver-check", exit_on_error=False)
    def run_check(self, target_id: int, message_type: str, generation: int) -> None:
        readiness = self.app.services.dispatch.check(self.release_id, target_id, message_type)
        self.app.call_from_thread(self.show_check, readiness, generation)

    def show_check(self, readiness: Readiness, generation: int) -> None:
        if generation != self._generation:  # the user changed target or type meanwhile
            return
        self.readiness = readiness
        text = Text()
        if readiness.ok:
            text.append("✓ Ready", style="bold")
            text.append(f" for a {TYPE_NAMES[readiness.message_type]} to {readiness.target}\n")
        else:
            text.append(f"✗ Not ready: {len(readiness.errors)} blocking problem(s)\n", style="bold")
        for line in readiness.errors:
            text.append(f"✗ {line}\n")
        for line in readiness.warnings:
            text.append(f"! {line}\n")
        if readiness.existing is not None:
            did, state = readiness.existing
            text.append(f"• This exact message is already delivery {did} ({state}); tick “Send again” to send it "
                        "once more\n")
        text.rstrip()
        self.query_one("#deliver-check", Static).update(text)
        resend = self.query_one("#deliver-resend", Checkbox)
        resend.disabled = readiness.existing is None
        if resend.disabled:
            resend.value = False
        self._show_summary()

    def not_before(self) -> datetime | None:
        """The typed start time (None: now); ValidationError when it cannot be one."""
        return parse_not_before(self.query_one("#deliver-at", Input).value, datetime.now(UTC))

    def _when_problem(self) -> str:
        try:
            self.not_before()
        except ValidationError as exc:
            return exc.message
        return ""

    def _show_summary(self) -> None:
        r, target = self.readiness, self.selected_target()
        when_problem = self._when_problem()
        ready = r is not None and r.ok and not self._sending and not when_problem
        self.query_one("#deliver-go", Button).disabled = not ready
        summary = self.query_one("#deliver-summary", Static)
        if r is None or target is None or self.options is None:
            summary.update("")
        elif not r.ok:
            summary.update(plain("Fix the blocking problems above (or pick another target or type) to deliver."))
        elif when_problem:
            summary.update(plain(f"✗ Not before: {when_problem}"))
        else:
            text = Text(f"Send a {TYPE_NAMES[r.message_type]} message for ")
            text.append(f"“{self.options.release.title}”", style="bold")
            text.append(f" to {target.name} ({target.profile})")
            if self.query_one("#deliver-priority", Checkbox).value:
                text.append(", high priority")
            if self.query_one("#deliver-resend", Checkbox).value:
                text.append(", again")
            at = self.not_before()
            if at is not None:
                text.append(f", not before {at.astimezone():%Y-%m-%d %H:%M %Z}", style="bold")
            text.append(". Press d or Deliver.")
            summary.update(text)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "deliver":
            return (self.readiness is not None and self.readiness.ok and not self._sending
                    and not self._when_problem())
        if action == "recheck":
            return self.options is not None and bool(self.options.targets)
        return True

    # -- events ------------------------------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#deliver-targets")
    def _target_changed(self) -> None:
        target = self.selected_target()
        if target is not None:
            self._apply_target(target)

    @on(RadioSet.Changed, "#deliver-types")
    def _type_changed(self) -> None:
        self.recheck()

    @on(Checkbox.Changed)
    @on(Input.Changed, "#deliver-at")
    def _option_changed(self) -> None:
        self._show_summary()

    @on(Input.Submitted, "#deliver-at")
    def _at_submitted(self) -> None:
        self.action_deliver()

    @on(Button.Pressed, "#deliver-go")
    def _go_pressed(self) -> None:
        self.action_deliver()

    @on(Button.Pressed, "#deliver-close")
    def _close_pressed(self) -> None:
        self.dismiss(None)

    # -- actions -----------------------------------------------------------------------------------
    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_recheck(self) -> None:
        self.recheck()

    def action_deliver(self) -> None:
        r, target = self.readiness, self.selected_target()
        if r is None or not r.ok or target is None or self._sending or self.options is None or self._when_problem():
            return
        message_type, title = r.message_type, self.options.release.title
        if message_type not in ("takedown", "purge"):
            self._send(target, message_type)
            return
        how = next((c.note for c in target.types if c.message_type == message_type), "")
        question = (f"Take “{title}” down at {target.name} ({how})? The release leaves that service."
                    if message_type == "takedown" else
                    f"Purge “{title}” at {target.name}? A PurgeReleaseMessage removes it there for good.")

        def confirmed(ok: bool | None) -> None:
            if ok:
                self._send(target, message_type)

        self.app.push_screen(ConfirmModal(question, yes="Take down" if message_type == "takedown" else "Purge",
                                          danger=True), confirmed)

    def _send(self, target: TargetChoice, message_type: str) -> None:
        self._sending = True
        self._show_summary()
        priority = 10 if self.query_one("#deliver-priority", Checkbox).value else 0
        resend = self.query_one("#deliver-resend", Checkbox).value
        self.send(target.id, target.name, message_type, priority, resend, self.not_before())

    @work(thread=True, exclusive=True, group="deliver-send", exit_on_error=False)
    def send(self, target_id: int, target_name: str, message_type: str, priority: int, resend: bool,
             at: datetime | None = None) -> None:
        try:
            queued = self.app.services.dispatch.queue(
                self.release_id, target_id, message_type, priority=priority, at=at, resend=resend)
        except Exception:
            self.app.call_from_thread(self._not_sent)  # e.g. the release changed meanwhile: show why
            raise
        self.app.call_from_thread(self._done, queued, target_name, message_type, at)

    def _not_sent(self) -> None:
        self._sending = False
        self.recheck()

    def _done(self, queued: Queued, target_name: str, message_type: str, at: datetime | None = None) -> None:
        what = f"{TYPE_NAMES[message_type]} to {target_name}"
        if queued.fresh:
            when = f" for {at.astimezone():%Y-%m-%d %H:%M %Z}" if at is not None else ""
            self.app.notify(f"Delivery {queued.delivery_id} queued{when}: {what}", title="Deliver")
        else:
            self.app.notify(f"Already delivery {queued.delivery_id} ({queued.state}): {what}", title="Deliver",
                            severity="warning")
        self.dismiss(queued)
