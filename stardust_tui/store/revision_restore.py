"""Restore an earlier revision of a release as a new revision (undo), proven against that revision.

:func:`restore_revision` writes the fields, label, cover, artists, credits, tracks (with their audio,
artists and credits) and deals of revision N's snapshot back onto the release, saves it through
:func:`~stardust_tui.store.releases.save_release` (so a new revision, an audit entry and the search
index follow as for any save) and then compares the new snapshot with revision N's. Anything the
snapshot holds that could not be written back (an asset no longer stored, a field this version does
not know) raises :class:`~stardust_tui.errors.ConflictError` naming it, and the caller's transaction
rolls back: a restore is complete or nothing is written.

The status is not content (it is left out of content hashes): it stays as it is, except that a
``ready`` release whose restored content has blocking errors goes back to ``draft``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, get_args

from sqlmodel import Session, SQLModel, select

from stardust_tui.domain.enums import PartyKind
from stardust_tui.domain.models import (
    Asset,
    Credit,
    Deal,
    Party,
    Release,
    ReleaseArtist,
    ReleaseRevision,
    Track,
    TrackArtist,
)
from stardust_tui.errors import ConflictError, NotFoundError
from stardust_tui.store.parties import get_or_create_party
from stardust_tui.store.revisions import diff_snapshots, get_revision

# Keys of a snapshot that are not plain columns (written by the helpers below) or not content.
_RELEASE_SPECIAL = {"label", "cover_sha256", "artists", "credits", "tracks", "deals", "status"}
_TRACK_SPECIAL = {"audio_sha256", "artists", "credits"}


def _coerce(model: type[SQLModel], key: str, value: Any) -> Any:
    """A snapshot value (ISO strings for dates) as the column's Python type."""
    if value is None or not isinstance(value, str):
        return value
    annotation = model.model_fields[key].annotation
    kinds = set(get_args(annotation)) | {annotation}
    if datetime in kinds:
        return datetime.fromisoformat(value)
    if date in kinds:
        return date.fromisoformat(value)
    return value


def _set_columns(obj: Any, data: dict[str, Any], skip: set[str], where: str) -> None:
    model = type(obj)
    for key, value in data.items():
        if key in skip:
            continue
        if key not in model.model_fields or key in ("id", "release_id", "revision", "created_at", "updated_at"):
            raise ConflictError(f"cannot restore {key!r}: this version of Stardust does not store it", where=where)
        setattr(obj, key, _coerce(model, key, value))


class _Parties:
    """Finds the party a snapshot names: one already linked to the release first, else by name and kind."""

    def __init__(self, session: Session, release: Release) -> None:
        self.session = session
        self.known: dict[tuple[str, str | None], Party] = {}
        links: list[ReleaseArtist | Credit | TrackArtist] = [*release.artists, *release.credits]
        for t in release.tracks:
            links += [*t.artists, *t.credits]
        for link in links:
            if link.party is not None:
                self.known.setdefault((link.party.name, link.party.isni), link.party)

    def get(self, data: dict[str, Any], kind: str) -> Party:
        key = (data.get("name") or "", data.get("isni"))
        party = self.known.get(key)
        if party is None:
            party = get_or_create_party(self.session, key[0], kind, isni=key[1])
            self.known[key] = party
        return party


def _asset(session: Session, sha256: str | None, where: str) -> Asset | None:
    if not sha256:
        return None
    asset = session.exec(select(Asset).where(Asset.sha256 == sha256)).first()
    if asset is None:
        raise ConflictError(f"the file {sha256[:12]}… it used is no longer in the asset store", where=where)
    return asset


def _pair_tracks(current: list[Track], wanted: list[dict[str, Any]]) -> list[Track | None]:
    """For each snapshot track, an existing track to reuse (same ISRC, else same position, else any left)."""
    free = list(current)
    out: list[Track | None] = []
    for data in wanted:
        match = next((t for t in free if data.get("isrc") and t.isrc == data.get("isrc")), None)
        if match is None:
            match = next((t for t in free if (t.disc_number, t.track_number)
                          == (data.get("disc_number"), data.get("track_number"))), None)
        if match is not None:
            free.remove(match)
        out.append(match)
    return [t if t is not None else (free.pop(0) if free else None) for t in out]


def _restore_tracks(session: Session, release: Release, wanted: list[dict[str, Any]], parties: _Parties) -> None:
    current = sorted(release.tracks, key=lambda t: (t.disc_number, t.track_number))
    reused = _pair_tracks(current, wanted)
    for t in current:  # drop tracks the snapshot does not have
        if t not in reused:
            release.tracks.remove(t)
    for n, t in enumerate(x for x in reused if x is not None):
        t.track_number = -1 - n  # park positions: (release, disc, number) is unique
    session.flush()
    for data, track in zip(wanted, reused, strict=True):
        where = f"track {data.get('disc_number')}-{data.get('track_number')}"
        if track is None:
            track = Track(title=data.get("title") or "")
            release.tracks.append(track)
        _set_columns(track, data, _TRACK_SPECIAL, where)
        audio = _asset(session, data.get("audio_sha256"), where)
        track.audio, track.audio_asset_id = audio, audio.id if audio else None
        track.artists = [TrackArtist(party=parties.get(a, PartyKind.ARTIST), role=a.get("role") or "MainArtist",
                                     sequence=i) for i, a in enumerate(data.get("artists") or [], 1)]
        track.credits = [Credit(release_id=release.id, party=parties.get(c, PartyKind.CONTRIBUTOR), role=c.get("role"),
                                instrument=c.get("instrument"), sequence=i)
                         for i, c in enumerate(data.get("credits") or [], 1)]


def _project(new: Any, old: Any) -> Any:
    """``new`` cut down to the keys ``old`` has (an older snapshot may lack keys added since)."""
    if isinstance(new, dict) and isinstance(old, dict):
        return {k: _project(new.get(k), v) for k, v in old.items()}
    if isinstance(new, list) and isinstance(old, list) and len(new) == len(old):
        return [_project(n, o) for n, o in zip(new, old, strict=True)]
    return new


def restore_revision(session: Session, release: Release, number: int, *, actor: str) -> ReleaseRevision:
    """Write revision ``number`` back as the release's next revision (see the module docstring)."""
    from stardust_tui.domain.rules import check_release
    from stardust_tui.store.releases import load_release, save_release

    assert release.id is not None
    old = get_revision(session, release.id, number)
    snap: dict[str, Any] = old.snapshot
    release = load_release(session, release.id)
    parties = _Parties(session, release)
    with session.no_autoflush:
        _set_columns(release, snap, _RELEASE_SPECIAL, f"release {release.id}")
        label = snap.get("label")
        release.label = get_or_create_party(session, label, PartyKind.LABEL) if label else None
        cover = _asset(session, snap.get("cover_sha256"), "cover")
        release.cover, release.cover_asset_id = cover, cover.id if cover else None
        release.artists = [ReleaseArtist(party=parties.get(a, PartyKind.ARTIST), role=a.get("role") or "MainArtist",
                                         sequence=i) for i, a in enumerate(snap.get("artists") or [], 1)]
        release.credits = [Credit(party=parties.get(c, PartyKind.CONTRIBUTOR), role=c.get("role"),
                                  instrument=c.get("instrument"), sequence=i)
                           for i, c in enumerate(snap.get("credits") or [], 1)]
        release.deals = []
        for i, d in enumerate(snap.get("deals") or [], 1):
            deal = Deal(start=_coerce(Deal, "start", d.get("start")))
            _set_columns(deal, d, set(), f"deal {i}")
            release.deals.append(deal)
    _restore_tracks(session, release, list(snap.get("tracks") or []), parties)
    if release.status == "ready" and not check_release(release).ok:
        release.status = "draft"
    rev = save_release(session, release, actor=actor, action=f"restore-{number}")
    content = {k: v for k, v in snap.items() if k != "status"}
    written = _project({k: v for k, v in rev.snapshot.items() if k != "status"}, content)
    lost = diff_snapshots(content, written)
    if lost:
        paths = ", ".join(c.path for c in lost[:5]) + (f" (+{len(lost) - 5} more)" if len(lost) > 5 else "")
        raise ConflictError(f"revision {number} could not be restored exactly ({paths} differ); nothing was changed",
                            where=f"release {release.id}")
    return rev


def restorable(session: Session, release_id: int, number: int) -> ReleaseRevision:
    """Revision ``number`` of the release (NotFoundError when the release or revision does not exist)."""
    if session.get(Release, release_id) is None:
        raise NotFoundError(f"no release with id {release_id}")
    return get_revision(session, release_id, number)
