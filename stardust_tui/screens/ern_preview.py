"""ERN preview: the selected release's message in the chosen version and type, syntax-highlighted,
built and validated in a thread worker; choosing a validation result jumps to its line; save the
message to a file or copy it (OSC 52, works over SSH)."""

from __future__ import annotations

from rich.syntax import Syntax
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, ScrollableContainer, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Header, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from stardust_tui.commands import ScreenCommands
from stardust_tui.errors import StardustError
from stardust_tui.screens.base import StardustScreen
from stardust_tui.services.ern import MESSAGE_TYPES, VERSIONS, BuiltMessage
from stardust_tui.widgets.clipboard import clipboard_note
from stardust_tui.widgets.path_input import PathSuggester
from stardust_tui.widgets.styling import plain


class SavePathModal(ModalScreen[str | None]):
    """Ask where to write the message (a file, or a folder to put it in)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="save-cancel", tooltip="Close without saving")]

    def __init__(self, default: str) -> None:
        super().__init__(classes="modal")
        self.default = default

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="modal-body"):
            yield Label("Save the message to (Enter to save):", classes="modal-question", markup=False)
            yield Input(self.default, id="save-path", suggester=PathSuggester((".xml",)))

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#save-path", Input))

    @on(Input.Submitted, "#save-path")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ErnPreviewScreen(StardustScreen):
    """Build, read, validate, save and copy one release's ERN message."""

    COMMANDS = {ScreenCommands}
    BINDINGS = [
        Binding("escape", "back", "Back", id="ern-back", tooltip="Back to the previous screen"),
        Binding("ctrl+r", "build", "Rebuild", id="ern-rebuild", tooltip="Build and validate the message again",
                show=False),
        Binding("ctrl+s", "save", "Save", id="ern-save", tooltip="Write the message to a file"),
        Binding("y", "copy", "Copy", id="ern-copy", tooltip="Copy the message to the clipboard (OSC 52)"),
        Binding("v", "focus_issues", "Issues", id="ern-issues", tooltip="Move to the validation results"),
    ]

    def __init__(self, release_id: int) -> None:
        super().__init__()
        self.release_id = release_id
        self.message: BuiltMessage | None = None
        self.title = f"ERN · release {release_id}"

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="ern-controls"):
            yield Select([(f"ERN {v}", v) for v in VERSIONS], value="4.3", allow_blank=False, id="ern-version",
                         compact=True)
            yield Select([(t, t) for t in MESSAGE_TYPES], value="new", allow_blank=False, id="ern-type",
                         compact=True)
            yield Static("", id="ern-summary", markup=False)
        with Horizontal(id="ern-body"):
            with ScrollableContainer(id="ern-xml-scroll"):
                yield Static("Building…", id="ern-xml")
            yield OptionList(id="ern-issues")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#ern-issues", OptionList).border_title = "Validation"
        self.action_build()

    def theme_changed(self) -> None:
        """The XML highlighting follows the theme (dark or light)."""
        if self.message is not None:
            self._render_xml(None)

    @on(Select.Changed)
    def _choice_changed(self) -> None:
        self.action_build()

    def action_build(self) -> None:
        version = str(self.query_one("#ern-version", Select).value)
        message_type = str(self.query_one("#ern-type", Select).value)
        self.query_one("#ern-summary", Static).update(f"building ERN {version} {message_type}…")
        self.build(version, message_type)

    @work(thread=True, exclusive=True, group="ern-build", exit_on_error=False)
    def build(self, version: str, message_type: str) -> None:
        try:
            message = self.app.services.ern.build(self.release_id, version, message_type)
        except StardustError as exc:  # e.g. no sender DPID configured, or a release the builder refuses
            self.app.call_from_thread(self.show_error, f"cannot build ERN {version} {message_type}: {exc}")
            return
        self.app.call_from_thread(self.show, message)

    def show_error(self, text: str) -> None:
        self.message = None
        self.query_one("#ern-xml", Static).update(plain(text))
        self.query_one("#ern-summary", Static).update("not built")
        issues = self.query_one("#ern-issues", OptionList)
        issues.clear_options()
        issues.add_option(Option(plain(f"✗ {text}"), disabled=True))

    def show(self, message: BuiltMessage, highlight: int | None = None) -> None:
        self.message = message
        self._render_xml(highlight)
        report = message.report
        issues = self.query_one("#ern-issues", OptionList)
        issues.clear_options()
        for index, issue in enumerate(report.issues):
            where = f"L{issue.line}" if issue.line else "—"
            mark = "✗" if issue.severity == "error" else "!"
            issues.add_option(Option(plain(f"{mark} {where} {issue.message} [{issue.rule}]"), id=str(index)))
        if not report.issues:
            issues.add_option(Option("✓ valid", disabled=True))
        state = "valid" if report.ok else f"INVALID: {len(report.errors)} error(s)"
        xsd = "XSD checked" if report.schema_checked else "XSD skipped: no schemas (stardust schemas fetch)"
        lines = message.text.count("\n")
        self.query_one("#ern-summary", Static).update(f"{state} · {xsd} · {lines} lines · {len(message.data):,} B")

    def _render_xml(self, highlight: int | None) -> None:
        assert self.message is not None
        theme = "monokai" if self.app.current_theme.dark else "default"
        syntax = Syntax(self.message.text, "xml", line_numbers=True, theme=theme, word_wrap=False,
                        highlight_lines={highlight} if highlight else None)
        self.query_one("#ern-xml", Static).update(syntax)

    @on(OptionList.OptionSelected, "#ern-issues")
    def _issue_chosen(self, event: OptionList.OptionSelected) -> None:
        if self.message is None or event.option.id is None:
            return
        line = self.message.report.issues[int(event.option.id)].line
        if line:
            self.jump_to_line(line)

    def jump_to_line(self, line: int) -> None:
        """Highlight ``line`` (1-based) and scroll it into view."""
        self._render_xml(line)
        scroll = self.query_one("#ern-xml-scroll", ScrollableContainer)
        self.call_after_refresh(scroll.scroll_to, y=max(0, line - 3), animate=False)

    def action_focus_issues(self) -> None:
        self.query_one("#ern-issues", OptionList).focus()

    def action_copy(self) -> None:
        if self.message is not None:
            self.app.copy_to_clipboard(self.message.text)
            self.report_copy(f"{self.message.file_name} ({len(self.message.data):,} bytes)")

    @work(thread=True, exclusive=True, group="ern-copy", exit_on_error=False)
    def report_copy(self, what: str) -> None:
        """Say whether the copy can have reached the clipboard (inside tmux it often cannot)."""
        copied, note = clipboard_note(what)
        self.app.call_from_thread(self.notify, note, severity="information" if copied else "warning",
                                  timeout=10)

    def action_save(self) -> None:
        if self.message is None:
            return
        message = self.message

        def chosen(path: str | None) -> None:
            if path:
                self.save(message, path)

        self.app.push_screen(SavePathModal(f"./{message.file_name}"), chosen)

    @work(thread=True, group="ern-save", exit_on_error=False)
    def save(self, message: BuiltMessage, path: str) -> None:
        written = self.app.services.ern.save(message, path)
        self.app.call_from_thread(self.notify, f"Saved {written}")

    def action_back(self) -> None:
        self.dismiss()
