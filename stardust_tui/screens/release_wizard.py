"""Release wizard (new and edit): basics, tracks, artwork, metadata, deals & territories, review.

Each field is checked as you type (``services.fields``); valid changes are saved half a second after
the last keystroke through ``DraftService.save`` (a revision per save), so a dropped session loses at
most the field being typed. A draft is resumed by opening it again from the catalog. Leaving while a
field is invalid (or before the release has a title) asks first.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Header, Input, Select, SelectionList, Static, TabbedContent, TabPane

from stardust_tui.commands import ScreenCommands
from stardust_tui.domain.enums import COMMERCIAL_MODELS, USE_TYPES, ParentalAdvisory, ReleaseType
from stardust_tui.errors import StardustError
from stardust_tui.screens.base import StardustScreen
from stardust_tui.services.drafts import form_values
from stardust_tui.services.fields import FIELDS, STEPS, check_field, field_text
from stardust_tui.widgets.confirm import ConfirmModal
from stardust_tui.widgets.path_input import PathSuggester
from stardust_tui.widgets.release_form import LabelledRow, ValidatedField
from stardust_tui.widgets.styling import plain

SAVE_DELAY_S = 0.5
STEP_TITLES = {"basics": "Basics", "tracks": "Tracks", "artwork": "Artwork", "metadata": "Metadata",
               "deals": "Deals", "review": "Review"}


class ReleaseWizardScreen(StardustScreen):
    """Create or edit one release, step by step, saving as you go."""

    COMMANDS = {ScreenCommands}
    BINDINGS = [
        Binding("escape", "leave", "Back", id="wizard-back", tooltip="Back to the catalog (asks if unsaved)"),
        Binding("pagedown,alt+n", "step(1)", "Next step", id="wizard-next", tooltip="Go to the next step"),
        Binding("pageup,alt+p", "step(-1)", "Prev step", id="wizard-prev", tooltip="Go to the previous step"),
        Binding("ctrl+s", "save", "Save", id="wizard-save", tooltip="Save now (changes also save by themselves)"),
        Binding("ctrl+t", "tracks", "Tracks", id="wizard-tracks", tooltip="Open the track editor"),
        Binding("ctrl+g", "ern", "ERN", id="wizard-ern", tooltip="Preview the ERN message of this release"),
    ]

    def __init__(self, release_id: int | None) -> None:
        super().__init__()
        self.release_id = release_id
        # A new release starts from the model defaults, so the selects' initial values are not "changes".
        self.saved: dict[str, Any] = {"release_type": "album", "parental_advisory": "not-explicit",
                                      "commercial_models": [], "use_types": []}
        self._loaded = release_id is None  # until an existing release is read, widget events are not edits
        self.pending: dict[str, Any] = {}
        self.invalid: set[str] = set()
        self._timer: Timer | None = None
        self.title = f"Release {release_id}" if release_id else "New release"

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="wizard-steps"):
            for step in STEPS:
                with TabPane(STEP_TITLES[step], id=f"step-{step}"):
                    with VerticalScroll(classes="step-body"):
                        yield from self._compose_step(step)
        yield Static("", id="wizard-status", classes="status-line", markup=False)
        yield Footer()

    def _compose_step(self, step: str) -> ComposeResult:
        for spec in FIELDS.values():
            if spec.step == step:
                yield ValidatedField(spec)
                if spec.name == "artists":
                    yield LabelledRow("Release type", Select(
                        [(t.value, t.value) for t in ReleaseType], value="album", allow_blank=False,
                        id="s-release_type", compact=True))
        if step == "tracks":
            yield DataTable(id="wizard-tracks", cursor_type="row")
            yield Static("ctrl+t opens the track editor (reorder, ISRCs, audio, credits).", classes="hint")
        elif step == "artwork":
            yield Input(placeholder="Path to the cover image (JPEG/PNG, ≥ 3000×3000), Enter to attach",
                        id="cover-path", suggester=PathSuggester((".jpg", ".jpeg", ".png")), compact=True)
            yield Static("No cover attached.", id="cover-facts", markup=False)
        elif step == "metadata":
            yield LabelledRow("Parental advisory", Select(
                [(p.value, p.value) for p in ParentalAdvisory], value="not-explicit", allow_blank=False,
                id="s-parental_advisory", compact=True))
        elif step == "deals":
            yield LabelledRow("Commercial models",
                              SelectionList[str](*[(m, m) for m in COMMERCIAL_MODELS], id="s-commercial_models"))
            yield LabelledRow("Use types", SelectionList[str](*[(u, u) for u in USE_TYPES], id="s-use_types"))
        elif step == "review":
            yield Static("Open this step to check the release.", id="review-report", markup=False)

    def on_mount(self) -> None:
        self.query_one("#f-title", Input).focus()
        if self.release_id is not None:
            self.load_release()
            self._show_status("Loading…")
        else:
            self._show_status()

    def on_screen_resume(self) -> None:
        """Back from the track editor or ERN preview: show what changed there (unless mid-edit here)."""
        if self._loaded and self.release_id is not None and not self.pending and not self.invalid:
            self.load_release()

    @work(thread=True, exclusive=True, group="wizard-load", exit_on_error=False)
    def load_release(self) -> None:
        release = self.app.services.drafts.load(self.release_id)
        self.app.call_from_thread(self._fill, form_values(release), release)

    def _fill(self, values: dict[str, Any], release: Any) -> None:
        self.saved = dict(values)
        self._loaded = True
        with self.prevent(Input.Changed, Select.Changed, SelectionList.SelectedChanged):
            for name in FIELDS:
                self.query_one(f"#f-{name}", Input).value = field_text(values.get(name))
            for name in ("release_type", "parental_advisory"):
                self.query_one(f"#s-{name}", Select).value = values[name]
            for name in ("commercial_models", "use_types"):
                selection = self.query_one(f"#s-{name}", SelectionList)
                selection.deselect_all()
                for value in values[name]:
                    selection.select(value)
        table = self.query_one("#wizard-tracks", DataTable)
        table.clear(columns=True)
        table.add_columns("Disc", "#", "ISRC", "Title", "Artist", "Audio")
        for t in release.tracks:
            table.add_row(t.disc_number, t.track_number, plain(t.isrc), plain(t.title), plain(t.display_artist),
                          plain(t.audio.original_name if t.audio else "—"))
        if release.cover is not None:
            c = release.cover
            cover = f"Cover: {c.original_name} {c.width}×{c.height} {c.color_mode}"
            self.query_one("#cover-facts", Static).update(cover)
        self._show_status()

    # -- typing, checking, saving -------------------------------------------------------------------
    @on(Input.Changed)
    def _field_changed(self, event: Input.Changed) -> None:
        if not (event.input.id or "").startswith("f-") or not self._loaded:
            return
        name = event.input.id[2:]
        check = check_field(name, event.value)
        self.query_one(f"#field-{name}", ValidatedField).show_check(check)
        if check.ok:
            self.invalid.discard(name)
            self._stage(name, check.value)
        else:
            self.invalid.add(name)
            self.pending.pop(name, None)
            self._show_status()

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        if self._loaded and (event.select.id or "").startswith("s-") and event.value is not Select.BLANK:
            self._stage(event.select.id[2:], event.value)

    @on(SelectionList.SelectedChanged)
    def _selection_changed(self, event: SelectionList.SelectedChanged) -> None:
        if self._loaded:
            self._stage(event.selection_list.id[2:], sorted(event.selection_list.selected))

    def _stage(self, name: str, value: Any) -> None:
        if self.saved.get(name) == value:
            self.pending.pop(name, None)
        else:
            self.pending[name] = value
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SAVE_DELAY_S, self.action_save)
        self._show_status()

    def action_save(self) -> None:
        if not self.pending:
            return
        if self.release_id is None and not self.pending.get("title"):
            self._show_status("Give the release a title to save the draft.")
            return
        self.save_changes(dict(self.pending))

    @work(thread=True, group="wizard-save", exit_on_error=False)
    def save_changes(self, changes: dict[str, Any]) -> None:
        try:
            release_id = self.app.services.drafts.save(self.release_id, changes)
        except StardustError as exc:
            self.app.call_from_thread(self._save_failed, changes, exc)
            return
        self.app.call_from_thread(self._saved, release_id, changes)

    def _saved(self, release_id: int, changes: dict[str, Any]) -> None:
        self.release_id = release_id
        self.title = f"Release {release_id}"
        self.saved.update(changes)
        for name, value in changes.items():
            if self.pending.get(name) == value:
                del self.pending[name]
        self._show_status(f"Saved {', '.join(sorted(changes))}.")
        if self.query_one(TabbedContent).active == "step-review":
            self.refresh_review()

    def _save_failed(self, changes: dict[str, Any], exc: StardustError) -> None:
        field = exc.where if exc.where in FIELDS else None
        if field is not None:
            self.query_one(f"#field-{field}", ValidatedField).show_error(exc.message)
            self.invalid.add(field)
            self.pending.pop(field, None)
        self._show_status(f"Not saved: {exc}")

    def _show_status(self, note: str = "") -> None:
        parts = [note] if note else []
        if self.invalid:
            parts.append(f"fix: {', '.join(sorted(self.invalid))}")
        if self.pending:
            parts.append(f"unsaved: {', '.join(sorted(self.pending))}")
        if not parts:
            parts.append("All changes saved." if self.release_id else "New draft: start with the title.")
        self.query_one("#wizard-status", Static).update(" · ".join(parts))

    # -- steps ----------------------------------------------------------------------------------------
    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "step-review":
            self.refresh_review()

    def action_step(self, delta: int) -> None:
        tabs = self.query_one(TabbedContent)
        index = STEPS.index((tabs.active or "step-basics").removeprefix("step-"))
        tabs.active = f"step-{STEPS[max(0, min(len(STEPS) - 1, index + delta))]}"

    @work(thread=True, exclusive=True, group="wizard-review", exit_on_error=False)
    def refresh_review(self) -> None:
        if self.release_id is None:
            text = "Nothing saved yet: give the release a title first."
        else:
            report = self.app.services.drafts.check(self.release_id)
            lines = ["Ready to deliver." if report.ok else f"{len(report.errors)} blocking error(s):"]
            lines += [f"  ✗ {f.field}: {f.message}" for f in report.errors]
            if report.warnings:
                lines.append(f"{len(report.warnings)} warning(s):")
                lines += [f"  ! {f.field}: {f.message}" for f in report.warnings]
            text = "\n".join(lines)
        self.app.call_from_thread(self.query_one("#review-report", Static).update, text)

    @on(Input.Submitted, "#cover-path")
    def _attach_cover(self, event: Input.Submitted) -> None:
        if self.release_id is None:
            self.notify("Save the release (give it a title) before attaching artwork", severity="warning")
            return
        self.attach_cover(event.value)

    @work(thread=True, exclusive=True, group="wizard-cover", exit_on_error=False)
    def attach_cover(self, path: str) -> None:
        facts, findings = self.app.services.drafts.attach_cover(self.release_id, path)
        lines = [f"{k}: {v}" for k, v in facts.items()]
        lines += [f"QC {getattr(f, 'code', '')}: {f.message}" for f in findings] or ["QC: passed"]
        self.app.call_from_thread(self.query_one("#cover-facts", Static).update, "\n".join(lines))

    # -- leaving --------------------------------------------------------------------------------------
    def action_leave(self) -> None:
        if not self.invalid and not (self.release_id is None and self.pending):
            self.action_save()
            self.dismiss()
            return
        fields = ", ".join(sorted(self.invalid | set(self.pending)))

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss()

        self.app.push_screen(ConfirmModal(f"Unsaved changes ({fields}) will be lost. Leave anyway?",
                                          yes="Discard", no="Stay", danger=True), answered)

    def action_tracks(self) -> None:
        if self.release_id is not None:
            self.app.open_tracks(self.release_id)

    def action_ern(self) -> None:
        if self.release_id is not None:
            self.app.open_ern(self.release_id)
