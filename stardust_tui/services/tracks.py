"""Tracklist editing for the TUI: add, delete, reorder, edit fields, credits, bulk edit, attach audio.

Every change is saved through ``store.releases.save_release`` (which normalizes ISRCs and refuses
clashes). Audio goes into the content-addressed ``AssetStore``; its facts and QC verdict come from
``stardust_tui.assets``.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stardust_tui.errors import NotFoundError, ValidationError
from stardust_tui.store.db import session_scope

if TYPE_CHECKING:
    from stardust_tui.services import Services

EDITABLE = {"title", "version", "display_artist", "isrc", "explicit", "preview_start_seconds", "disc_number",
            "language", "genre", "p_line", "p_line_year"}
BULK_COLUMNS = ("display_artist", "explicit", "language", "genre", "p_line", "p_line_year", "disc_number")


def parse_credits(text: str) -> list[tuple[str, str]]:
    """``"Ann Lee: Composer; Bo Ray: Producer"`` → ``[("Ann Lee", "Composer"), ("Bo Ray", "Producer")]``."""
    from stardust_tui.domain.enums import CONTRIBUTOR_ROLES

    credits = []
    for chunk in (c.strip() for c in text.split(";")):
        if not chunk:
            continue
        name, sep, role = chunk.rpartition(":")
        if not sep or not name.strip() or not role.strip():
            raise ValidationError(f"{chunk!r}: write contributors as 'Name: Role; Name: Role'")
        role = role.strip()
        known = {r.lower(): r for r in CONTRIBUTOR_ROLES}
        if role.lower() not in known:
            raise ValidationError(f"unknown role {role!r} (one of {', '.join(CONTRIBUTOR_ROLES)})")
        credits.append((name.strip(), known[role.lower()]))
    return credits


def credits_text(track: Any) -> str:
    return "; ".join(f"{c.party.name}: {c.role}" for c in track.credits if c.party is not None)


class TrackService:
    def __init__(self, services: Services) -> None:
        self.services = services
        self._lock = threading.Lock()
        self._seen: dict[int, int] = {}
        """The revision each release had when the editor loaded or last saved it (a save is refused when
        someone else, e.g. an API client, saved the release since: StaleRevisionError, nothing saved)."""

    def load(self, release_id: int):
        from stardust_tui.store.releases import load_release

        self.services.authorize("release.read")
        with session_scope(self.services.engine) as session:
            release = load_release(session, release_id)
        self._seen[release_id] = release.revision
        return release

    def _change(self, release_id: int, change, expected: int | None = None) -> Any:  # noqa: ANN001 - callable
        """Apply ``change(session, release)`` and save; based on revision ``expected`` (the API's If-Match)
        or else the one this editor last loaded or saved."""
        from stardust_tui.store.releases import check_revision, load_release, save_release

        self.services.authorize("release.write")
        with self._lock, session_scope(self.services.engine) as session:
            check_revision(session, release_id, expected if expected is not None else self._seen.get(release_id))
            release = load_release(session, release_id)
            result = change(session, release)
            save_release(session, release, actor=self.services.actor.name)
            self._seen[release_id] = release.revision
            return result

    @staticmethod
    def _track(release: Any, track_id: int) -> Any:
        for track in release.tracks:
            if track.id == track_id:
                return track
        raise NotFoundError(f"no track {track_id} on release {release.id}")

    def add(self, release_id: int, title: str = "New track") -> None:
        from stardust_tui.store.releases import add_track

        self._change(release_id, lambda s, r: add_track(s, r, title=title, display_artist=r.display_artist))

    def delete(self, release_id: int, track_id: int, *, expected_revision: int | None = None) -> int:
        """Remove a track (the rest of its disc renumbered); returns the release's new revision."""
        def change(session: Any, release: Any) -> None:
            track = self._track(release, track_id)
            release.tracks.remove(track)
            session.flush()  # the row goes first, so renumbering cannot collide with it
            for n, other in enumerate((t for t in release.tracks if t.disc_number == track.disc_number), 1):
                other.track_number = n
        self._change(release_id, change, expected_revision)
        return self._seen[release_id]

    def move(self, release_id: int, track_id: int, delta: int) -> None:
        """Swap a track with its neighbour on the same disc (delta -1 up, +1 down)."""
        def change(session: Any, release: Any) -> None:
            track = self._track(release, track_id)
            disc = sorted((t for t in release.tracks if t.disc_number == track.disc_number),
                          key=lambda t: t.track_number)
            i = disc.index(track)
            j = i + delta
            if 0 <= j < len(disc):
                a, b = disc[i], disc[j]
                a_number, b_number = a.track_number, b.track_number
                a.track_number = -1  # park it: (release, disc, number) is unique
                session.flush()
                b.track_number = a_number
                session.flush()
                a.track_number = b_number
        self._change(release_id, change)

    def update(self, release_id: int, track_id: int, fields: dict[str, Any], *,
               expected_revision: int | None = None) -> int:
        """Set a track's fields (``EDITABLE``, ``credits``); returns the release's new revision."""
        unknown = set(fields) - EDITABLE - {"credits"}
        if unknown:
            raise ValidationError(f"cannot edit {', '.join(sorted(unknown))}")

        def change(session: Any, release: Any) -> None:
            from stardust_tui.domain.enums import PartyKind
            from stardust_tui.domain.models import Credit
            from stardust_tui.store.parties import get_or_create_party

            track = self._track(release, track_id)
            for key, value in fields.items():
                if key != "credits":
                    setattr(track, key, value)
            if "credits" in fields:
                track.credits = [Credit(release_id=release.id, party=get_or_create_party(
                    session, name, PartyKind.CONTRIBUTOR), role=role, sequence=n)
                    for n, (name, role) in enumerate(fields["credits"], 1)]
        self._change(release_id, change, expected_revision)
        return self._seen[release_id]

    def bulk(self, release_id: int, column: str, value: Any) -> int:
        """Set one column on every track; returns how many tracks changed."""
        if column not in BULK_COLUMNS:
            raise ValidationError(f"{column!r} cannot be bulk-edited (one of {', '.join(BULK_COLUMNS)})")

        def change(session: Any, release: Any) -> int:
            for track in release.tracks:
                setattr(track, column, value)
            return len(release.tracks)
        return self._change(release_id, change)

    def attach_audio(self, release_id: int, track_id: int, path: str) -> tuple[dict[str, Any], list[Any]]:
        """Store the audio file, link it to the track, and return its facts and QC findings."""
        from stardust_tui.assets.store import AssetStore
        from stardust_tui.domain.qc import check_audio

        source = Path(path).expanduser()
        if not source.is_file():
            raise NotFoundError("no such audio file", where=str(source))
        store = AssetStore(self.services.settings.paths)

        def change(session: Any, release: Any) -> tuple[dict[str, Any], list[Any]]:
            asset = store.add(session, source)
            track = self._track(release, track_id)
            track.audio_asset_id = asset.id
            if asset.duration_seconds:
                track.duration_seconds = asset.duration_seconds
            facts = store.facts(asset)
            return facts, list(check_audio(asset, facts=facts))
        return self._change(release_id, change)
