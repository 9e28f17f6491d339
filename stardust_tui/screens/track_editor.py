"""Track editor: the tracklist with disc/track numbers; reorder with keys; edit the highlighted track
(ISRC checked live, contributors and roles, explicit flag, preview start); attach audio from a path
with a completer and see its facts and QC verdict; bulk-edit one column across all tracks.

Field edits are saved half a second after the last keystroke through ``TrackService``.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widgets import Checkbox, DataTable, Footer, Header, Input, Static

from stardust_tui.commands import ScreenCommands
from stardust_tui.domain.identifiers import format_isrc, normalize_isrc
from stardust_tui.errors import StardustError, ValidationError
from stardust_tui.screens.base import StardustScreen
from stardust_tui.services.tracks import BULK_COLUMNS, credits_text, parse_credits
from stardust_tui.widgets.bulk_edit import BulkEditModal
from stardust_tui.widgets.confirm import ConfirmModal
from stardust_tui.widgets.path_input import PathSuggester
from stardust_tui.widgets.release_form import LabelledRow

FORM = (("title", "Title"), ("version", "Version"), ("display_artist", "Artists"), ("isrc", "ISRC"),
        ("preview_start_seconds", "Preview start (s)"), ("credits", "Contributors"))
AUDIO_SUFFIXES = (".wav", ".flac", ".mp3", ".aif", ".aiff")


def parse_form_value(name: str, text: str) -> Any:
    """Turn one form input into the stored value; raises ValidationError with a short message."""
    text = text.strip()
    if name == "title" and not text:
        raise ValidationError("a track needs a title")
    if name == "isrc":
        return normalize_isrc(text) if text else None
    if name == "preview_start_seconds":
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            raise ValidationError("seconds, e.g. 30 or 42.5") from None
    if name == "credits":
        return parse_credits(text)
    return text or (None if name == "version" else "")


class TrackEditorScreen(StardustScreen):
    COMMANDS = {ScreenCommands}
    BINDINGS = [
        Binding("escape", "back", "Back", id="tracks-back", tooltip="Back (pending edits are saved first)"),
        # No chord an Input uses for editing (ctrl+a/d/e/k/u/w...) and none of tmux's or screen's prefixes.
        Binding("ctrl+n", "add", "Add track", id="tracks-add", tooltip="Append a track"),
        Binding("ctrl+r", "delete", "Remove track", id="tracks-delete", tooltip="Delete the highlighted track"),
        Binding("shift+up,alt+up", "move(-1)", "Move up", id="tracks-move-up", tooltip="Move the track up"),
        Binding("shift+down,alt+down", "move(1)", "Move down", id="tracks-move-down",
                tooltip="Move the track down"),
        Binding("ctrl+l", "bulk", "Bulk edit", id="tracks-bulk", tooltip="Set one column on every track"),
        Binding("ctrl+o", "audio", "Attach audio", id="tracks-audio", tooltip="Attach an audio file to the track"),
    ]

    def __init__(self, release_id: int) -> None:
        super().__init__()
        self.release_id = release_id
        self.tracks: dict[int, Any] = {}
        self.track_id: int | None = None
        self.pending: dict[str, Any] = {}
        self._timer: Timer | None = None
        self.title = f"Tracks · release {release_id}"

    def compose(self) -> ComposeResult:
        yield Header()
        table: DataTable = DataTable(id="tracklist", cursor_type="row")
        for label, width in (("Disc", 4), ("#", 3), ("ISRC", 15), ("Title", 26), ("Artist", 16), ("E", 1),
                             ("Audio", 20)):
            table.add_column(label, key=label, width=width)
        yield table
        with VerticalScroll(id="track-form"):
            for name, label in FORM:
                yield LabelledRow(label, Input(id=f"t-{name}", compact=True))
            yield Static("", id="track-msg", classes="field-msg", markup=False)
            yield Checkbox("Explicit lyrics", id="t-explicit", compact=True)
            yield LabelledRow("Audio file", Input(placeholder="path to WAV/FLAC, Enter to attach", id="t-audio",
                                                  suggester=PathSuggester(AUDIO_SUFFIXES), compact=True))
            yield Static("", id="audio-facts", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="tracks-load", exit_on_error=False)
    def load(self) -> None:
        release = self.app.services.tracks.load(self.release_id)
        self.app.call_from_thread(self.show, release)

    def show(self, release: Any) -> None:
        table = self.query_one("#tracklist", DataTable)
        self.tracks = {t.id: t for t in release.tracks}
        keep = self.track_id
        table.clear()
        for t in sorted(release.tracks, key=lambda t: (t.disc_number, t.track_number)):
            table.add_row(t.disc_number, t.track_number, format_isrc(t.isrc) if t.isrc else "", Text(t.title),
                          Text(t.display_artist), "E" if t.explicit else "",
                          Text(t.audio.original_name if t.audio else "—"), key=str(t.id))
        if keep is not None and str(keep) in table.rows:
            table.move_cursor(row=table.get_row_index(str(keep)))
        elif table.row_count:
            self.track_id = None
            self._fill(int(table.coordinate_to_cell_key((0, 0)).row_key.value))

    @on(DataTable.RowHighlighted, "#tracklist")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self._fill(int(event.row_key.value))

    def _fill(self, track_id: int) -> None:
        if track_id == self.track_id:  # same track reloaded: keep what the user sees (and the QC verdict)
            return
        self._flush()
        self.track_id = track_id
        t = self.tracks.get(track_id)
        if t is None:
            return
        values = {"title": t.title, "version": t.version or "", "display_artist": t.display_artist,
                  "isrc": format_isrc(t.isrc) if t.isrc else "", "credits": credits_text(t),
                  "preview_start_seconds": "" if t.preview_start_seconds is None else f"{t.preview_start_seconds:g}"}
        with self.prevent(Input.Changed, Checkbox.Changed):
            for name, value in values.items():
                self.query_one(f"#t-{name}", Input).value = value
            self.query_one("#t-explicit", Checkbox).value = t.explicit
        self._message("")
        audio = t.audio
        facts = (f"{audio.original_name}: {audio.container} {audio.sample_rate} Hz {audio.bit_depth}-bit "
                 f"{audio.channels} ch {audio.duration_seconds or 0:.1f} s") if audio else "No audio attached."
        self.query_one("#audio-facts", Static).update(facts)

    def _message(self, text: str) -> None:
        msg = self.query_one("#track-msg", Static)
        msg.update(text)
        msg.set_class(bool(text), "-shown")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("t-")
        if name not in dict(FORM) or self.track_id is None:
            return
        try:
            value = parse_form_value(name, event.value)
        except ValidationError as exc:
            self._message(f"✗ {dict(FORM)[name]}: {exc.message}")
            self.pending.pop(name, None)
            return
        self._message("")
        self._stage(name, value)

    @on(Checkbox.Changed, "#t-explicit")
    def _explicit(self, event: Checkbox.Changed) -> None:
        self._stage("explicit", event.value)

    def _stage(self, name: str, value: Any) -> None:
        self.pending[name] = value
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(0.5, self._flush)

    def _flush(self) -> None:
        if self.pending and self.track_id is not None:
            self.save(self.track_id, dict(self.pending))
            self.pending.clear()

    @work(thread=True, group="tracks-save", exit_on_error=False)
    def save(self, track_id: int, fields: dict[str, Any]) -> None:
        try:
            self.app.services.tracks.update(self.release_id, track_id, fields)
        except StardustError as exc:
            self.app.call_from_thread(self._message, f"✗ not saved: {exc}")
            return
        self.load()

    # -- actions -----------------------------------------------------------------------------------
    def action_add(self) -> None:
        self.run_job("add")

    def action_move(self, delta: int) -> None:
        if self.track_id is not None:
            self._flush()
            self.run_job("move", delta)

    def action_delete(self) -> None:
        if self.track_id is None:
            return
        title = self.tracks[self.track_id].title

        def answered(ok: bool | None) -> None:
            if ok:
                self.run_job("delete")

        self.app.push_screen(ConfirmModal(f"Delete track “{title}”?", yes="Delete", danger=True), answered)

    @work(thread=True, group="tracks-save", exit_on_error=False)
    def run_job(self, job: str, delta: int = 0) -> None:
        service = self.app.services.tracks
        if job == "add":
            service.add(self.release_id)
        elif job == "move" and self.track_id is not None:
            service.move(self.release_id, self.track_id, delta)
        elif job == "delete" and self.track_id is not None:
            service.delete(self.release_id, self.track_id)
            self.track_id = None
        self.load()

    def action_bulk(self) -> None:
        def chosen(result: tuple[str, Any] | None) -> None:
            if result is not None:
                self.bulk(*result)

        self.app.push_screen(BulkEditModal(BULK_COLUMNS), chosen)

    @work(thread=True, group="tracks-save", exit_on_error=False)
    def bulk(self, column: str, value: Any) -> None:
        count = self.app.services.tracks.bulk(self.release_id, column, value)
        self.app.call_from_thread(self.notify, f"Set {column} on {count} tracks")
        self.track_id = None  # refill the form from the changed track
        self.load()

    def action_audio(self) -> None:
        self.query_one("#t-audio", Input).focus()

    @on(Input.Submitted, "#t-audio")
    def _audio_submitted(self, event: Input.Submitted) -> None:
        if self.track_id is not None and event.value.strip():
            self.query_one("#audio-facts", Static).update("Storing and checking the audio…")
            self.attach(self.track_id, event.value.strip())

    @work(thread=True, exclusive=True, group="tracks-audio", exit_on_error=False)
    def attach(self, track_id: int, path: str) -> None:
        facts, findings = self.app.services.tracks.attach_audio(self.release_id, track_id, path)
        keys = ("container", "codec", "sample_rate", "bit_depth", "channels", "duration_seconds")
        lines = [" · ".join(f"{k}: {facts[k]}" for k in keys if facts.get(k) is not None)]
        errors = [f for f in findings if getattr(f, "severity", "error") == "error"]
        lines.append(f"QC: {'FAIL' if errors else 'pass'}" + "".join(f"\n  {f.code}: {f.message}" for f in findings))
        self.app.call_from_thread(self.query_one("#audio-facts", Static).update, "\n".join(lines))
        self.load()

    def action_back(self) -> None:
        self._flush()
        self.dismiss()
