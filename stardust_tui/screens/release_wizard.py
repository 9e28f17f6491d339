"""Release wizard (new and edit): basics, tracks, artwork, metadata, deals, review.

The deals step lists the release's deals (several per release: territories and exclusions, commercial
models, use types, dates, price tier); each one is added, edited or removed in a form and saved at once
through ``services.deals``.

Each field is checked as you type (``services.fields``); valid changes are saved half a second after
the last keystroke through ``DraftService.save`` (a revision per save), so a dropped session loses at
most the field being typed. Saves run one at a time (:class:`SerialWriter`): a new release is created
once, whatever the store's speed. A save the store refuses (e.g. another release's UPC) is retried field
by field, so the other fields are saved and the blocking one is named; its typed value stays in the
form, and leaving asks. A draft is resumed by opening it again from the catalog.

Step keys (PgDn/PgUp, alt+n/alt+p) are priority bindings: they work from every widget (an input would
otherwise type the ``n`` of alt+n, a table would scroll) and move focus to the step's first field.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Header, Input, Select, Static, TabbedContent, TabPane

from stardust_tui.commands import ScreenCommands
from stardust_tui.domain.enums import ParentalAdvisory
from stardust_tui.domain.release_types import release_type_choices
from stardust_tui.errors import StardustError
from stardust_tui.screens.serial import SerialWriter
from stardust_tui.screens.wizard_steps import WizardStepsScreen
from stardust_tui.services.deals import rows_of
from stardust_tui.services.drafts import form_values
from stardust_tui.services.fields import FIELDS, STEPS, check_field, field_text
from stardust_tui.widgets.confirm import ConfirmModal
from stardust_tui.widgets.deal_list import DealList
from stardust_tui.widgets.path_input import PathSuggester
from stardust_tui.widgets.release_form import LabelledRow, ValidatedField
from stardust_tui.widgets.styling import plain

SAVE_DELAY_S = 0.5
STEP_TITLES = {"basics": "Basics", "tracks": "Tracks", "artwork": "Artwork", "metadata": "Metadata",
               "deals": "Deals", "review": "Review"}
NEEDS_SAVED_RELEASE = {"tracks", "ern"}
WIZARD_FIELDS = {name: spec for name, spec in FIELDS.items() if spec.step != "deals"}  # deals: their own list


class ReleaseWizardScreen(WizardStepsScreen):
    """Create or edit one release, step by step, saving as you go."""

    COMMANDS = {ScreenCommands}
    BINDINGS = [
        Binding("escape", "leave", "Back", id="wizard-back", tooltip="Back to the catalog (asks if unsaved)"),
        Binding("pagedown,alt+n", "step(1)", "Next", id="wizard-next", tooltip="Go to the next step",
                priority=True),
        Binding("pageup,alt+p", "step(-1)", "Prev", id="wizard-prev", tooltip="Go to the previous step",
                priority=True),
        Binding("ctrl+s", "save", "Save", id="wizard-save", tooltip="Save now (changes also save by themselves)",
                show=False),
        Binding("ctrl+t", "tracks", "Tracks", id="wizard-tracks", tooltip="Open the track editor"),
        Binding("ctrl+g", "ern", "ERN", id="wizard-ern", tooltip="Preview the ERN message of this release"),
    ]

    def __init__(self, release_id: int | None) -> None:
        super().__init__()
        self.release_id = release_id
        # A new release starts from the model defaults, so the selects' initial values are not "changes".
        self.saved: dict[str, Any] = {"release_type": "Album", "parental_advisory": "not-explicit"}
        self._loaded = release_id is None  # until an existing release is read, widget events are not edits
        self.pending: dict[str, Any] = {}
        """Valid changes not sent yet."""
        self.sending: dict[str, Any] = {}
        """Changes handed to the writer and not confirmed yet."""
        self.invalid: dict[str, str] = {}
        """Fields whose text does not pass the field check (nothing is sent for them)."""
        self.refused: dict[str, tuple[Any, str]] = {}
        """Fields the store refused: (typed value, why). Sent again when the field is edited."""
        self.choices: dict[str, list[str]] = {"release_type": release_type_choices(),
                                              "parental_advisory": [p.value for p in ParentalAdvisory]}
        self.writer = SerialWriter(self)
        self._leaving = False
        self._status_text = ""
        self._timer: Timer | None = None
        self.title = f"Release {release_id}" if release_id else "New release"

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="wizard-steps", disabled=not self._loaded):
            for step in STEPS:
                with TabPane(STEP_TITLES[step], id=f"step-{step}"):
                    with VerticalScroll(classes="step-body"):
                        yield from self._compose_step(step)
        yield Static("", id="wizard-status", classes="status-line", markup=False)
        yield Footer()

    def _compose_step(self, step: str) -> ComposeResult:
        for spec in WIZARD_FIELDS.values():
            if spec.step == step:
                yield ValidatedField(spec)
                if spec.name == "artists":
                    yield LabelledRow("Release type", Select(
                        [(t, t) for t in self.choices["release_type"]], value="Album", allow_blank=False,
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
                [(p, p) for p in self.choices["parental_advisory"]], value="not-explicit", allow_blank=False,
                id="s-parental_advisory", compact=True))
        elif step == "deals":
            yield DealList(id="wizard-deals")
            yield Static("a adds a deal · Enter edits the highlighted one · x removes it (each is saved at once; "
                         "the Review step reports overlapping deals).", classes="hint", markup=False)
        elif step == "review":
            yield Static("Open this step to check the release.", id="review-report", markup=False)

    def on_mount(self) -> None:
        if self.release_id is not None:
            self.load_release()
            self._show_status("Loading…")
        else:
            self.set_focus(self.query_one("#f-title", Input))
            self._show_status()

    def on_screen_resume(self) -> None:
        """Back from the track editor or ERN preview: show what changed there (unless mid-edit here)."""
        if self._loaded and self.release_id is not None and not self._unsaved():
            self.load_release()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Tracks and ERN need a saved release: hidden from the footer until there is one."""
        if action in NEEDS_SAVED_RELEASE:
            return self.release_id is not None
        return True

    @work(thread=True, exclusive=True, group="wizard-load", exit_on_error=False)
    def load_release(self) -> None:
        release = self.app.services.drafts.load(self.saved_id())
        self.app.call_from_thread(self._fill, form_values(release), release)

    def _fill(self, values: dict[str, Any], release: Any) -> None:
        self.saved = dict(values)
        first = not self._loaded
        self._loaded = True
        with self.prevent(Input.Changed, Select.Changed):
            for name in WIZARD_FIELDS:
                self.query_one(f"#f-{name}", Input).value = field_text(values.get(name))
            for name in ("release_type", "parental_advisory"):
                select = self.query_one(f"#s-{name}", Select)
                choices = self.choices[name]
                if values[name] and values[name] not in choices:  # a user-defined value is kept
                    choices.append(values[name])
                    select.set_options([(c, c) for c in choices])
                select.value = values[name]
        table = self.query_one("#wizard-tracks", DataTable)
        table.clear(columns=True)
        table.add_columns("Disc", "#", "ISRC", "Title", "Artist", "Audio")
        for t in release.tracks:
            table.add_row(t.disc_number, t.track_number, plain(t.isrc), plain(t.title), plain(t.display_artist),
                          plain(t.audio.original_name if t.audio else "—"))
        self._show_cover(release.cover)
        self.query_one("#wizard-deals", DealList).show(rows_of(release))
        if first:
            self.query_one(TabbedContent).disabled = False
            self.set_focus(self.query_one("#f-title", Input))
        self._show_status()

    # -- typing, checking, saving -------------------------------------------------------------------
    @on(Input.Changed)
    def _field_changed(self, event: Input.Changed) -> None:
        input_id = event.input.id or ""
        if not input_id.startswith("f-") or not self._loaded:
            return
        name = input_id[2:]
        check = check_field(name, event.value)
        self.query_one(f"#field-{name}", ValidatedField).show_check(check)
        self.refused.pop(name, None)  # edited again: it is sent again
        if check.ok:
            self.invalid.pop(name, None)
            self._stage(name, check.value)
        else:
            self.invalid[name] = check.message
            self.pending.pop(name, None)
            self._show_status()

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        select_id = event.select.id or ""
        if self._loaded and select_id.startswith("s-") and event.value is not Select.BLANK:
            self._stage(select_id[2:], event.value)

    def _stage(self, name: str, value: Any) -> None:
        if self.saved.get(name) == value and name not in self.sending:
            self.pending.pop(name, None)
        else:
            self.pending[name] = value
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SAVE_DELAY_S, self.action_save)
        self._show_status()

    def _unsaved(self) -> set[str]:
        return set(self.pending) | set(self.sending) | set(self.invalid) | set(self.refused)

    def action_save(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if not self.pending:
            return
        if self.release_id is None and not (self.pending.get("title") or self.sending.get("title")
                                            or self.saved.get("title")):
            self._show_status("Give the release a title to save the draft.")
            return
        changes = dict(self.pending)
        self.pending.clear()
        self.sending.update(changes)
        self.writer.submit(lambda: self._write(changes))
        self._show_status()

    def _write(self, changes: dict[str, Any]) -> tuple[int | None, dict[str, Any], dict[str, Any], dict[str, str]]:
        """(writer thread) Save the changes; if the store refuses, save field by field to find the blocker.

        Returns (release id, changes, saved fields, refused fields with the reason)."""
        drafts = self.app.services.drafts
        release_id = self.release_id  # read here: an earlier write may have just created the release
        try:
            return drafts.save(release_id, changes), changes, changes, {}
        except StardustError as exc:
            if len(changes) == 1:
                return release_id, changes, {}, {next(iter(changes)): exc.message}
        saved: dict[str, Any] = {}
        refused: dict[str, str] = {}
        for name in sorted(changes, key=lambda n: n != "title"):  # a new release needs its title first
            if release_id is None and name != "title" and "title" in refused:
                refused[name] = "not saved: the release could not be created"
                continue
            try:
                release_id = drafts.save(release_id, {name: changes[name]})
                saved[name] = changes[name]
            except StardustError as exc:
                refused[name] = exc.message
        return release_id, changes, saved, refused

    def written(self, result: Any) -> None:
        """(main thread) A write finished: record what was saved and what was refused."""
        if isinstance(result, tuple) and result and result[0] == "cover":
            note, cover = result[1]
            self._show_cover(cover, note)
            return
        if isinstance(result, tuple) and result and result[0] == "deals":
            _, deals, error, refused_deal = result
            self.query_one("#wizard-deals", DealList).show(deals)
            if error and refused_deal is not None:
                self.deal_refused(refused_deal, error)
            elif error:
                self.notify(error, title="Deal not saved", severity="error", timeout=10)
            if self.query_one(TabbedContent).active == "step-review":
                self.refresh_review()
            return
        if result is None:  # the write failed unexpectedly (reported by the app): keep the edits
            self.pending = {**self.sending, **self.pending}
            self.sending.clear()
            self._leaving = False
            self._show_status("Not saved (see the error).")
            return
        release_id, changes, saved, refused = result
        for name in changes:
            self.sending.pop(name, None)
        if release_id is not None and release_id != self.release_id:
            self.release_id = release_id
            self.title = f"Release {release_id}"
            self.refresh_bindings()
        self.saved.update(saved)
        for name, why in refused.items():
            self.refused[name] = (changes[name], why)
            if name in FIELDS:
                self.query_one(f"#field-{name}", ValidatedField).show_error(f"not saved: {why}")
        note = f"Saved {', '.join(sorted(saved))}." if saved else ""
        if refused:
            note = (note + " " if note else "") + f"Not saved: {', '.join(sorted(refused))}."
        self._show_status(note)
        if self.query_one(TabbedContent).active == "step-review" and saved:
            self.refresh_review()
        if self._leaving:
            self._finish_leaving()

    def _show_status(self, note: str = "") -> None:
        parts = [note] if note else []
        if self.invalid:
            parts.append(f"fix: {', '.join(sorted(self.invalid))}")
        if self.refused:
            parts.append(f"refused: {', '.join(sorted(self.refused))}")
        if self.sending:
            parts.append("saving…")
        elif self.pending:
            parts.append(f"unsaved: {', '.join(sorted(self.pending))}")
        if not parts:
            parts.append("All changes saved." if self.release_id else "New draft: start with the title.")
        text = " · ".join(parts)
        if text != self._status_text:  # updating a Static re-lays out the screen: not on every keystroke
            self._status_text = text
            self.query_one("#wizard-status", Static).update(text)

    # -- steps ----------------------------------------------------------------------------------------
    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "step-review":
            self.refresh_review()

    def action_step(self, delta: int) -> None:
        tabs = self.query_one(TabbedContent)
        if tabs.disabled:
            return
        index = STEPS.index((tabs.active or "step-basics").removeprefix("step-"))
        step = STEPS[max(0, min(len(STEPS) - 1, index + delta))]
        tabs.active = f"step-{step}"
        self.call_after_refresh(self._focus_step, step)

    def _focus_step(self, step: str) -> None:
        """Focus the first field of a step (after a step change nothing had focus) - unless another step key
        moved on meanwhile: focusing a field of a hidden step makes TabbedContent show that step again."""
        if self.query_one(TabbedContent).active != f"step-{step}":
            return
        pane = self.query_one(f"#step-{step}", TabPane)
        first: Widget | None = next((w for w in pane.query("*") if w.can_focus and not w.disabled
                                     and not w.has_class("step-body")), None)
        if first is not None:
            self.set_focus(first)

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

    # -- leaving --------------------------------------------------------------------------------------
    def action_leave(self) -> None:
        """Leave once everything is saved; ask first when something cannot be (invalid or refused)."""
        if self.invalid or self.refused:
            self._ask_leave()
            return
        if self.release_id is None and self.pending and not self.pending.get("title"):
            self._ask_leave()
            return
        self._leaving = True
        self.action_save()
        self._finish_leaving()

    def _finish_leaving(self) -> None:
        if self.pending or not self.writer.idle:
            self._show_status("Saving before leaving…")
            return  # written() comes back here
        self._leaving = False
        if self.invalid or self.refused:
            self._ask_leave()
        else:
            self.dismiss()

    def _ask_leave(self) -> None:
        reasons = [f"{n} ({why})" for n, (_, why) in sorted(self.refused.items())]
        reasons += [f"{n} ({why})" for n, why in sorted(self.invalid.items())]
        reasons += sorted(set(self.pending) - set(self.refused) - set(self.invalid))

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss()

        self.app.push_screen(ConfirmModal(f"Not saved: {'; '.join(reasons)}. Leave and lose these changes?",
                                          yes="Discard", no="Stay", danger=True), answered)

    def action_tracks(self) -> None:
        if self.release_id is not None:
            self.app.open_tracks(self.release_id)

    def action_ern(self) -> None:
        if self.release_id is not None:
            self.app.open_ern(self.release_id)
