"""The track editor's changes that span discs and people: multi-disc moves, a track's disc, its artists by
role (main, featured, remixer) and its contributors with DDEX roles. Each call is one unit of work saved
through ``store.releases.save_release`` (a revision, the checks, the search index).

Positions are unique per (release, disc, number), so a track changing place is parked at a free number
and every renumbering is flushed one row at a time, in an order that never lands on a taken number.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from stardust_tui.domain import limits
from stardust_tui.domain.validation import number_problem
from stardust_tui.errors import NotFoundError, ValidationError
from stardust_tui.services.rows import stored_id
from stardust_tui.store.db import session_scope

if TYPE_CHECKING:
    from stardust_tui.services import Services

COLUMNS = {"title", "version", "display_artist", "isrc", "explicit", "preview_start_seconds"}
PEOPLE = {"artists": "MainArtist", "featured": "FeaturedArtist", "remixers": "Remixer"}
PARKED = 10_000  # above limits.TRACK_NUMBER: never a real position


def _change(services: Services, release_id: int, change: Callable[[Any, Any], Any]) -> Any:
    from stardust_tui.store.releases import load_release, save_release

    services.authorize("release.write")
    with session_scope(services.engine) as session:
        release = load_release(session, release_id)
        result = change(session, release)
        save_release(session, release, actor=services.actor.name)
        return result


def _track(release: Any, track_id: int) -> Any:
    for track in release.tracks:
        if track.id == track_id:
            return track
    raise NotFoundError(f"no track {track_id} on release {release.id}")


def _disc(release: Any, disc: int) -> list[Any]:
    return sorted((t for t in release.tracks if t.disc_number == disc), key=lambda t: t.track_number)


def _renumber(session: Any, tracks: list[Any]) -> None:
    """Number ``tracks`` 1..n in their order; each row is flushed before the next (unique positions)."""
    for track in tracks:  # first out of the way, then into place
        track.track_number += PARKED
        session.flush()
    for n, track in enumerate(tracks, 1):
        track.track_number = n
        session.flush()


def _place(session: Any, release: Any, track: Any, disc: int, index: int | None) -> None:
    """Move ``track`` to ``disc`` at ``index`` (0-based; None = last) and renumber both discs."""
    old_disc = track.disc_number
    track.track_number = PARKED * 2
    session.flush()
    track.disc_number = disc
    session.flush()
    others = [t for t in _disc(release, disc) if t is not track]
    others.insert(len(others) if index is None else index, track)
    _renumber(session, others)
    if old_disc != disc:
        _renumber(session, _disc(release, old_disc))


def move_track(services: Services, release_id: int, track_id: int, delta: int) -> bool:
    """Move a track one place up (-1) or down (+1); past the first/last track of a disc it goes to the end
    of the previous disc / the start of the next one. False when there is nowhere to go."""
    def change(session: Any, release: Any) -> bool:
        track = _track(release, track_id)
        disc = _disc(release, track.disc_number)
        i = disc.index(track) + delta
        if 0 <= i < len(disc):
            _place(session, release, track, track.disc_number, i)
            return True
        discs = sorted({t.disc_number for t in release.tracks})
        j = discs.index(track.disc_number) + (1 if delta > 0 else -1)
        if not 0 <= j < len(discs):
            return False
        _place(session, release, track, discs[j], 0 if delta > 0 else None)
        return True
    return _change(services, release_id, change)


def check_disc(value: Any) -> int:
    """A disc number the store accepts (ValidationError naming the range otherwise)."""
    problem = number_problem(value, limits.DISC_NUMBER, integer=True)
    if problem:
        raise ValidationError(f"disc: {problem}")
    return int(value)


def add_track(services: Services, release_id: int, *, disc: int | None = None, title: str = "New track") -> int:
    """Append a track to ``disc`` (the last disc when None); returns its id."""
    from stardust_tui.domain.models import Track

    def change(session: Any, release: Any) -> int:
        target = check_disc(disc) if disc is not None else max((t.disc_number for t in release.tracks), default=1)
        number = len(_disc(release, target)) + 1
        track = Track(release_id=release.id, disc_number=target, track_number=number, title=title,
                      display_artist=release.display_artist)
        release.tracks.append(track)
        session.flush()
        return stored_id(track)
    return _change(services, release_id, change)


def save_track(services: Services, release_id: int, track_id: int, fields: dict[str, Any]) -> None:
    """Save what the form changed: columns, ``disc_number`` (the track goes last on that disc), people by
    role (``artists``/``featured``/``remixers``: lists of names) and ``credits`` ((name, role, instrument))."""
    unknown = set(fields) - COLUMNS - set(PEOPLE) - {"credits", "disc_number"}
    if unknown:
        raise ValidationError(f"cannot edit {', '.join(sorted(unknown))}")

    def change(session: Any, release: Any) -> None:
        track = _track(release, track_id)
        for key in COLUMNS & set(fields):
            setattr(track, key, fields[key])
        if set(PEOPLE) & set(fields):
            _set_artists(session, track, fields)
        if "credits" in fields:
            _set_credits(session, release, track, fields["credits"])
        if "disc_number" in fields and fields["disc_number"] != track.disc_number:
            _place(session, release, track, check_disc(fields["disc_number"]), None)
    _change(services, release_id, change)


def _set_artists(session: Any, track: Any, fields: dict[str, Any]) -> None:
    from stardust_tui.domain.enums import PartyKind
    from stardust_tui.domain.models import TrackArtist
    from stardust_tui.store.parties import get_or_create_party

    current = {role: [a.party.name for a in sorted(track.artists, key=lambda a: a.sequence)
                      if a.role == role and a.party is not None] for role in PEOPLE.values()}
    others = [a for a in track.artists if a.role not in PEOPLE.values()]
    names = {role: list(fields.get(key, current[role])) for key, role in PEOPLE.items()}
    links = []
    for role, people in names.items():
        links += [(get_or_create_party(session, name, PartyKind.ARTIST), role) for name in people]
    keep = [(a.party, a.role) for a in others if a.party is not None]
    track.artists = [TrackArtist(party=party, role=role, sequence=n)
                     for n, (party, role) in enumerate(links + keep, 1)]


def _set_credits(session: Any, release: Any, track: Any, credits: list[tuple[str, str, str | None]]) -> None:
    from stardust_tui.domain.enums import PartyKind
    from stardust_tui.domain.models import Credit
    from stardust_tui.store.parties import get_or_create_party

    track.credits = [Credit(release_id=release.id, party=get_or_create_party(session, name, PartyKind.CONTRIBUTOR),
                            role=role, instrument=instrument, sequence=n)
                     for n, (name, role, instrument) in enumerate(credits, 1)]


def people_of(track: Any) -> dict[str, list[str]]:
    """The track's artists by form field (``artists``, ``featured``, ``remixers``), in order."""
    ordered = sorted(track.artists, key=lambda a: a.sequence)
    return {key: [a.party.name for a in ordered if a.role == role and a.party is not None]
            for key, role in PEOPLE.items()}
