"""Track editor: the tracklist with disc/track numbers; reorder with keys; edit the highlighted track
(ISRC checked live, contributors and roles, explicit flag, preview start); attach audio from a path
with a completer and see its facts and QC verdict; bulk-edit one column across all tracks.

Field edits are saved half a second after the last keystroke through ``TrackService``, one write at a
time and in order (:class:`~stardust_tui.screens.serial.SerialWriter`). A save never rewrites the form:
the rows are updated in place and the form is filled only when another track is highlighted, so what
is being typed is never replaced. A refused save keeps the typed values and names the field.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.coordinate import Coordinate
from textual.timer import Timer
from textual.widgets import Checkbox, DataTable, Footer, Header, Input, Static

from stardust_tui.commands import ScreenCommands
from stardust_tui.domain.identifiers import format_isrc
from stardust_tui.errors import StardustError, ValidationError
from stardust_tui.screens.base import StardustScreen
from stardust_tui.screens.row_keys import int_key
from stardust_tui.screens.serial import SerialWriter
from stardust_tui.screens.tool_base import MarkedCheckbox
from stardust_tui.services import track_edit
from stardust_tui.services.tracks import BULK_COLUMNS
from stardust_tui.widgets.bulk_edit import BulkEditModal
from stardust_tui.widgets.confirm import ConfirmModal
from stardust_tui.widgets.path_input import PathSuggester
from stardust_tui.widgets.release_form import FormInput, LabelledRow
from stardust_tui.widgets.roles import RolePickerModal, RoleSuggester
from stardust_tui.widgets.styling import plain
from stardust_tui.widgets.track_facts import audio_facts_text, audio_verdicts, verdict_cell
from stardust_tui.widgets.track_form import FORM, LABELS, PLACEHOLDERS, auto_display, form_values, parse_form_value

AUDIO_SUFFIXES = (".wav", ".flac", ".mp3", ".aif", ".aiff")
COLUMNS = (("Disc", 4), ("#", 3), ("ISRC", 15), ("Title", 26), ("Artist", 16), ("E", 1), ("Audio", 18), ("QC", 4))
SAVE_DELAY_S = 0.5


class TrackEditorScreen(StardustScreen):
    COMMANDS = {ScreenCommands}
    BINDINGS = [
        Binding("escape", "back", "Back", id="tracks-back", tooltip="Back (pending edits are saved first)"),
        # No chord an Input uses for editing (ctrl+a/d/e/k/u/w...) and none of tmux's or screen's prefixes.
        Binding("ctrl+n", "add", "Add track", id="tracks-add", tooltip="Append a track"),
        Binding("f8,ctrl+delete", "delete", "Remove", id="tracks-delete", tooltip="Delete the highlighted track"),
        Binding("shift+up,alt+up", "move(-1)", "Move up", id="tracks-move-up", tooltip="Move the track up",
                show=False),
        Binding("shift+down,alt+down", "move(1)", "Move down", id="tracks-move-down",
                tooltip="Move the track down", show=False),
        Binding("ctrl+l", "bulk", "Bulk edit", id="tracks-bulk", tooltip="Set one column on every track"),
        Binding("ctrl+o", "audio", "Audio", id="tracks-audio", tooltip="Attach an audio file to the track"),
        Binding("f2", "pick_role", "Pick a role", id="tracks-role", show=False,
                tooltip="Add a contributor with a role from the DDEX list"),
    ]

    def __init__(self, release_id: int) -> None:
        super().__init__()
        self.release_id = release_id
        self.tracks: dict[int, Any] = {}
        self.verdicts: dict[int, list[Any]] = {}
        self.track_id: int | None = None
        """The track the form shows (and edits)."""
        self.pending: dict[str, Any] = {}
        """Valid values typed into the form and not sent yet."""
        self._auto_display = ""
        self._message_text = ""
        self.refused: dict[int, dict[str, Any]] = {}
        """Per track, values the store refused: still in the form, sent again with the next edit."""
        self.attach_notes: dict[int, str] = {}
        """Per track, why the last audio file was not attached (shown above its facts)."""
        self.writer = SerialWriter(self)
        self._timer: Timer | None = None
        self.title = f"Tracks · release {release_id}"

    def compose(self) -> ComposeResult:
        yield Header()
        table: DataTable = DataTable(id="tracklist", cursor_type="row")
        for label, width in COLUMNS:
            table.add_column(label, key=label, width=width)
        yield table
        yield Static("Enter edits · shift+↑/↓ moves the track (across discs) · ctrl+p: all actions",
                     id="tracks-hint", classes="status-line", markup=False)
        # Disabled until a track is in it: keys typed while the list loads must not land in an empty form
        # that a track's values then fill (or be saved onto whichever track the cursor reached).
        with VerticalScroll(id="track-form", disabled=True):
            for name, label in FORM:
                suggester = RoleSuggester() if name == "credits" else None
                yield LabelledRow(label, FormInput(id=f"t-{name}", placeholder=PLACEHOLDERS.get(name, ""),
                                               suggester=suggester, compact=True))
            yield Static("", id="track-msg", classes="field-msg", markup=False)
            yield MarkedCheckbox("Explicit lyrics", id="t-explicit", compact=True)
            yield LabelledRow("Audio file", FormInput(placeholder="path to WAV/FLAC, Enter to attach", id="t-audio",
                                                  suggester=PathSuggester(AUDIO_SUFFIXES), compact=True))
            yield Static("", id="audio-facts", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def theme_changed(self) -> None:
        """The QC verdict colours come from the theme: draw the rows again (the form is left alone)."""
        self.load()

    # -- reading ------------------------------------------------------------------------------------
    def read(self) -> tuple[Any, dict[int, list[Any]]]:
        """The release with its tracks and the QC findings of each track's audio (call from a thread)."""
        release = self.app.services.tracks.load(self.release_id)
        return release, audio_verdicts(release.tracks)

    @work(thread=True, exclusive=True, group="tracks-load", exit_on_error=False)
    def load(self) -> None:
        release, verdicts = self.read()
        self.app.call_from_thread(self.show, release, verdicts)

    def show(self, release: Any, verdicts: dict[int, list[Any]]) -> None:
        """Show fresh rows: in place when the order is unchanged; the form is left alone unless its track
        is gone (only highlighting another track fills it)."""
        table = self.query_one("#tracklist", DataTable)
        ordered = sorted(release.tracks, key=lambda t: (t.disc_number, t.track_number))
        self.tracks = {t.id: t for t in ordered}
        self.verdicts = verdicts
        keys = [str(t.id) for t in ordered]
        if [row.key.value for row in table.ordered_rows] == keys:
            for t in ordered:
                for (label, _), value in zip(COLUMNS, self._cells(t), strict=True):
                    table.update_cell(str(t.id), label, value)
        else:
            table.clear()
            for t in ordered:
                table.add_row(*self._cells(t), key=str(t.id))
            keep = self.track_id if self.track_id in self.tracks else (ordered[0].id if ordered else None)
            if keep is not None:
                table.move_cursor(row=table.get_row_index(str(keep)))
        if self.track_id not in self.tracks:
            self.track_id = None
            self.pending.clear()
            if ordered:
                self._fill(int_key(table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key))
        else:
            self._show_facts()

    def _cells(self, t: Any) -> tuple[Any, ...]:
        return (t.disc_number, t.track_number, format_isrc(t.isrc) if t.isrc else "", plain(t.title),
                plain(t.display_artist), "E" if t.explicit else "", plain(t.audio.original_name if t.audio else "—"),
                verdict_cell(self.app, self.verdicts.get(t.id), t.audio is not None))

    @on(DataTable.RowSelected, "#tracklist")
    def _selected(self) -> None:
        """Enter on a track: edit it (the title field takes the keys)."""
        if self.track_id is None:  # the list is still loading: nothing to edit yet
            return
        self.set_focus(self.query_one("#t-title", Input))

    @on(DataTable.RowHighlighted, "#tracklist")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        table = event.data_table
        if event.row_key.value is None or table.row_count == 0:
            return
        current = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        if event.row_key.value != current:  # a stale highlight from rebuilding the rows
            return
        if int(current) != self.track_id:
            self._fill(int(current))

    def _fill(self, track_id: int) -> None:
        """Show another track in the form (what was typed for the previous one is sent first)."""
        self._flush()
        self.track_id = track_id
        t = self.tracks.get(track_id)
        if t is None:
            return
        people = track_edit.people_of(t)
        values = form_values(t, people)
        # No artists of its own: the display artist is the release's, replaced once artists are typed.
        self._auto_display = auto_display(people["artists"], people["featured"]) or t.display_artist
        refused = self.refused.get(track_id, {})
        with self.prevent(Input.Changed, Checkbox.Changed):
            for name, value in values.items():
                self.query_one(f"#t-{name}", Input).value = refused.get(name, value)
            self.query_one("#t-explicit", Checkbox).value = t.explicit
            self.query_one("#t-audio", Input).value = ""  # a path typed for one track is not another's
        self.query_one("#track-form").disabled = False
        self._message(self._refused_note(track_id))
        self._show_facts()

    def _show_facts(self, note: str = "") -> None:
        t = self.tracks.get(self.track_id) if self.track_id is not None else None
        text = audio_facts_text(t.audio if t else None, self.verdicts.get(self.track_id or -1))
        note = note or self.attach_notes.get(self.track_id or -1, "")
        self.query_one("#audio-facts", Static).update(f"{note}\n{text}" if note else text)

    def _message(self, text: str) -> None:
        if text == self._message_text:  # an update re-lays out the screen: not on every keystroke
            return
        self._message_text = text
        msg = self.query_one("#track-msg", Static)
        msg.update(text)
        msg.set_class(bool(text), "-shown")

    def _refused_note(self, track_id: int) -> str:
        refused = self.refused.get(track_id)
        if not refused:
            return ""
        return "✗ not saved: " + ", ".join(LABELS.get(n, n) for n in refused) + " (edit to try again)"

    # -- typing and saving --------------------------------------------------------------------------
    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("t-")
        if name not in LABELS or self.track_id is None:
            return
        try:
            value = parse_form_value(name, event.value)
        except ValidationError as exc:
            self._message(f"✗ {LABELS[name]}: {exc.message}")
            self.pending.pop(name, None)
            return
        self._message(self._refused_note(self.track_id))
        self._stage(name, value)
        if name in ("artists", "featured"):
            self._follow_display_artist()

    def _follow_display_artist(self) -> None:
        """The display artist follows the main and featured artists unless the user wrote their own."""
        try:
            main = parse_form_value("artists", self.query_one("#t-artists", Input).value)
            featured = parse_form_value("featured", self.query_one("#t-featured", Input).value)
        except ValidationError:
            return
        display = self.query_one("#t-display_artist", Input)
        new = auto_display(main, featured)
        if new and display.value.strip() in ("", self._auto_display):
            with self.prevent(Input.Changed):
                display.value = new
            self._stage("display_artist", new)
        self._auto_display = new

    @on(Checkbox.Changed, "#t-explicit")
    def _explicit(self, event: Checkbox.Changed) -> None:
        if self.track_id is not None:
            self._stage("explicit", event.value)

    def _stage(self, name: str, value: Any) -> None:
        self.pending[name] = value
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SAVE_DELAY_S, self._flush)

    def _flush(self) -> None:
        """Send what was typed for the form's track (after any write already running)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if not self.pending or self.track_id is None:
            return
        track_id, fields = self.track_id, {**self.refused.pop(self.track_id, {}), **self.pending}
        self.pending.clear()
        self.writer.submit(lambda: self._save(track_id, fields))

    def _save(self, track_id: int, fields: dict[str, Any]) -> Any:
        """(writer thread) Save fields of one track; then re-read the tracklist."""
        try:
            track_edit.save_track(self.app.services, self.release_id, track_id, fields)
        except StardustError as exc:
            self.app.call_from_thread(self._save_refused, track_id, fields, exc)
        return self.read()

    def _save_refused(self, track_id: int, fields: dict[str, Any], exc: StardustError) -> None:
        self.refused[track_id] = {**fields, **self.refused.get(track_id, {})}
        names = ", ".join(LABELS.get(n, n) for n in fields)
        text = f"✗ {names} not saved: {exc}"
        if track_id == self.track_id:
            self._message(text)
        else:
            self.notify(text, title="Track not saved", severity="error", timeout=10)

    def written(self, result: Any) -> None:
        """(main thread) A write finished: show the fresh tracklist (re-read it after a failed write)."""
        if result is None:
            self._show_facts()
            self.load()
        else:
            self.show(*result)

    # -- actions -----------------------------------------------------------------------------------
    def _job(self, change: Any) -> None:
        """Run a change of the tracklist after the pending edits, then show the result."""
        self._flush()
        self.writer.submit(lambda: (change(self.app.services.tracks), self.read())[1])

    def action_add(self) -> None:
        """A new track at the end of the highlighted track's disc."""
        current = self.tracks.get(self.track_id) if self.track_id is not None else None
        disc = current.disc_number if current is not None else None
        self._job(lambda tracks: track_edit.add_track(self.app.services, self.release_id, disc=disc))

    def action_move(self, delta: int) -> None:
        """One place up/down; past a disc's first/last track, onto the previous/next disc."""
        if self.track_id is None:
            return
        track_id = self.track_id

        def move(tracks: Any) -> None:
            if not track_edit.move_track(self.app.services, self.release_id, track_id, delta):
                self.app.call_from_thread(self.app.bell)
        self._job(move)

    def action_pick_role(self) -> None:
        """Pick a DDEX role; it is added to the contributors as ``Role: `` ready for the name."""
        def picked(role: str | None) -> None:
            if not role:
                return
            box = self.query_one("#t-credits", Input)
            text = box.value.rstrip()
            if text and not text.endswith(";"):
                text += ";"
            box.value = f"{text} {role}: " if text else f"{role}: "
            self.set_focus(box)
            box.cursor_position = len(box.value)

        self.app.push_screen(RolePickerModal(), picked)

    def action_delete(self) -> None:
        if self.track_id is None:
            return
        track_id, title = self.track_id, self.tracks[self.track_id].title

        def answered(ok: bool | None) -> None:
            if ok:
                self._job(lambda tracks: tracks.delete(self.release_id, track_id))

        self.app.push_screen(ConfirmModal(f"Delete track “{title}”?", yes="Delete", danger=True), answered)

    def action_bulk(self) -> None:
        def chosen(result: tuple[str, Any] | None) -> None:
            if result is None:
                return
            column, value = result

            def change(tracks: Any) -> None:
                count = tracks.bulk(self.release_id, column, value)
                self.app.call_from_thread(self.notify, f"Set {column} on {count} tracks")
                self.app.call_from_thread(self._forget_form)
            self._job(change)

        self.app.push_screen(BulkEditModal(BULK_COLUMNS), chosen)

    def _forget_form(self) -> None:
        """The form's values changed under it (bulk edit): refill it from the store after the write."""
        self.track_id = None

    def action_audio(self) -> None:
        self.query_one("#t-audio", Input).focus()

    @on(Input.Submitted, "#t-audio")
    def _audio_submitted(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        if self.track_id is None or not path:
            return
        track_id = self.track_id
        self.attach_notes.pop(track_id, None)
        self._show_facts("Storing and checking the audio…")
        self._flush()
        self.writer.submit(lambda: self._attach_audio(track_id, path))

    def _attach_audio(self, track_id: int, path: str) -> Any:
        """(writer thread) Check, store and attach the file; a wrong-kind or QC-failing file never replaces
        a good one. The outcome is shown either way."""
        from stardust_tui.services.attachments import attach_audio

        try:
            result = attach_audio(self.app.services, self.release_id, track_id, path)
        except StardustError as exc:
            self.app.call_from_thread(self._attach_failed, track_id, str(exc))
        else:
            if result.attached:
                self.app.call_from_thread(lambda: self.attach_notes.pop(track_id, None))
            else:
                self.app.call_from_thread(self._attach_failed, track_id,
                                          f"{result.reason} · {result.kept} stays attached")
        return self.read()

    def _attach_failed(self, track_id: int, error: str) -> None:
        self.attach_notes[track_id] = f"✗ not attached: {error}"
        if track_id == self.track_id:
            self._show_facts()
        else:
            self.notify(error, title="Audio not attached", severity="error", timeout=10)

    def action_back(self) -> None:
        self._flush()
        self.dismiss()
