"""Releases: list and search, show, create, edit, tracks, deals, history, status, duplicate, delete, readiness.

The one implementation behind ``stardust release …``, ``stardust check``, the TUI's catalog actions and the
coming HTTP API. Every change goes through ``store.releases.save_release`` (one revision, one audit entry
naming the actor, search index refreshed). A release is named by its id or UPC/EAN (``ref``).
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from stardust_tui.errors import ConflictError, NotFoundError, ValidationError
from stardust_tui.services.rows import stored_id
from stardust_tui.store.db import session_scope

if TYPE_CHECKING:
    from stardust_tui.domain.rights import RightsKind
    from stardust_tui.domain.rules import CheckReport
    from stardust_tui.services import Services
    from stardust_tui.store.releases import ReleaseRow
    from stardust_tui.store.revisions import Change, HistoryEntry

Ref = int | str
"""A release id, or its UPC/EAN in any accepted spelling."""
_RIGHTS_LINES: tuple[tuple[str, RightsKind], ...] = (("p_line", "P"), ("c_line", "C"))
"""The rights lines and their kind: ℗ the sound recording, © the composition."""

_CLEARABLE = ("upc", "catalog_number", "version", "subgenre", "language", "p_line", "c_line")


@dataclass(frozen=True)
class ReleaseFilters:
    """What a listing is narrowed to; all optional."""

    search: str | None = None
    status: str | None = None
    label: str | None = None
    release_type: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    genre: str | None = None  # the genre or the subgenre, whatever the case

    def as_kwargs(self) -> dict[str, Any]:
        return {"search": self.search, "status": self.status, "label": self.label,
                "release_type": self.release_type, "date_from": self.date_from, "date_to": self.date_to,
                "genre": self.genre}

    def any(self) -> bool:
        return any(v is not None and v != "" for v in self.as_kwargs().values())


@dataclass(frozen=True)
class ReleasePage:
    """One page of a listing plus the total matching the same filters."""

    total: int
    offset: int
    releases: list[ReleaseRow] = field(default_factory=list)


@dataclass(frozen=True)
class ReleaseHead:
    """What names a release in a message or a prompt."""

    id: int
    title: str
    display_artist: str
    upc: str | None
    status: str
    revision: int


@dataclass(frozen=True)
class Saved:
    """A release after a change: its id and the revision the change was saved as."""

    release_id: int
    revision: int
    status: str = ""
    deals: int = 0


@dataclass(frozen=True)
class AddedTrack:
    release_id: int
    track_id: int
    disc_number: int
    track_number: int
    revision: int


@dataclass(frozen=True)
class RevisionDiff:
    """Field-level changes from revision ``from_revision`` to ``to_revision``."""

    from_revision: int
    to_revision: int
    changes: list[Change]


@dataclass(frozen=True)
class Readiness:
    """A release's readiness: blocking errors, warnings and infos (``report.ok`` when nothing blocks)."""

    release_id: int
    report: CheckReport

    def as_dict(self) -> dict[str, Any]:
        return {"release": self.release_id, **self.report.as_dict()}


def _split_line(line: str, kind: RightsKind) -> dict[str, Any]:
    """A typed P/C line as the catalog stores it: the year in its column, the owner as the text."""
    from stardust_tui.domain.rights import parse_rights_line

    if not line:
        return {"line": line, "year": None}
    year, owner = parse_rights_line(line, kind)
    return {"line": owner or line, "year": year}


class ReleaseService:
    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def _actor(self) -> str:
        return self.services.actor.name

    # -- reading ---------------------------------------------------------------------------------------------
    def list(self, filters: ReleaseFilters | None = None, *, limit: int = 50, offset: int = 0,
             before_id: int | None = None, count: bool = True) -> ReleasePage:
        """Releases matching ``filters``, newest first, with the total count (-1 when ``count`` is False).

        ``before_id`` pages by key (the rows after the last one seen: a cursor that does not drift while
        releases are added, and does not slow down deep into a million rows as an offset does)."""
        from stardust_tui.store.db import read_tx
        from stardust_tui.store.releases import count_releases, list_releases

        self.services.authorize("release.read")
        kwargs = (filters or ReleaseFilters()).as_kwargs()
        with read_tx(self.services.engine) as conn:  # Core: no ORM session (label scope added by the store)
            rows = list_releases(conn, limit=limit, offset=offset, before_id=before_id, **kwargs)
            total = count_releases(conn, **kwargs) if count else -1
        return ReleasePage(total=total, offset=offset, releases=list(rows))

    def head(self, ref: Ref) -> ReleaseHead:
        from stardust_tui.store.releases import get_release

        self.services.authorize("release.read")
        with session_scope(self.services.engine) as s:
            r = get_release(s, ref)
            return ReleaseHead(stored_id(r), r.title, r.display_artist, r.upc, r.status, r.revision)

    def load(self, ref: Ref) -> Any:
        """The release with its tracks, artists, credits, deals and assets loaded (detached)."""
        from stardust_tui.store.releases import get_release, load_release

        self.services.authorize("release.read")
        with session_scope(self.services.engine) as s:
            return load_release(s, stored_id(get_release(s, ref)))

    def show(self, ref: Ref) -> dict[str, Any]:
        """Everything about a release as plain data: its snapshot plus id, revision, content hash and assets
        (``services/release_document.py``: read with a few Core statements in one read transaction)."""
        from stardust_tui.services.release_document import release_document

        return release_document(self.services, ref)

    def history(self, ref: Ref) -> builtins.list[HistoryEntry]:
        """The revisions of a release, oldest first (every save is one)."""
        from stardust_tui.store.releases import get_release
        from stardust_tui.store.revisions import history

        self.services.authorize("release.read")
        with session_scope(self.services.engine) as s:
            return history(s, stored_id(get_release(s, ref)))

    def diff(self, ref: Ref, a: int | None = None, b: int | None = None) -> RevisionDiff:
        """Changes between revisions ``a`` and ``b`` (default: the last two)."""
        from stardust_tui.store.releases import get_release
        from stardust_tui.store.revisions import diff_revisions

        self.services.authorize("release.read")
        with session_scope(self.services.engine) as s:
            first, second, changes = diff_revisions(s, stored_id(get_release(s, ref)), a, b)
        return RevisionDiff(first, second, changes)

    def check(self, ref: Ref, *, target: int | str | None = None, message_type: str = "new") -> Readiness:
        """Readiness: the catalog rules plus duplicate UPC/ISRC/title findings against the rest of the catalog.

        With ``target``: exactly the checks a delivery to that target runs (its profile's rules, the files'
        signal QC, DPIDs, the built message validated) — ``services/readiness.py``."""
        from stardust_tui.services.readiness import check_catalog, check_for_target

        if target is not None:
            release_id, _, report = check_for_target(self.services, ref, target, message_type)
        else:
            release_id, report = check_catalog(self.services, ref)
        return Readiness(release_id, report)

    # -- changing --------------------------------------------------------------------------------------------
    def create(self, *, title: str, artists: builtins.list[str], p_line: str | None = None, c_line: str | None = None,
               **fields: Any) -> int:
        """Create a draft release (``label`` by name, ``artists`` by name, columns by name); returns its id."""
        from stardust_tui.store.releases import create_release

        self.services.authorize("release.write")
        values: dict[str, Any] = {"title": title, "artists": list(artists), **fields}
        given = {"p_line": p_line, "c_line": c_line}
        for name, kind in _RIGHTS_LINES:
            line = given[name]
            if line:  # "2024 Star Records", "℗ 2024 Star Records": year and owner stored apart, written once
                parts = _split_line(line, kind)
                values[name] = parts["line"]
                if parts["year"] is not None:
                    values[f"{name}_year"] = parts["year"]
        with session_scope(self.services.engine) as s:
            rel = create_release(s, actor=self._actor, **values)
            return stored_id(rel)

    def edit(self, ref: Ref, *, label: str | None = None, artists: builtins.list[str] | None = None,
             expected_revision: int | None = None, **changes: Any) -> Saved:
        """Change the given fields (None = leave as is; "" clears an optional text field); one revision.

        With ``expected_revision`` a release changed since that revision is refused (StaleRevisionError)."""
        from stardust_tui.domain.enums import ArtistRole, PartyKind
        from stardust_tui.domain.identifiers import is_language
        from stardust_tui.domain.models import ReleaseArtist
        from stardust_tui.store.parties import get_or_create_party
        from stardust_tui.store.releases import check_revision, get_release, save_release

        self.services.authorize("release.write")
        changes = {k: v for k, v in changes.items() if v is not None}
        if changes.get("language") and not is_language(changes["language"]):
            raise ValidationError(f"{changes['language']!r} is not an ISO 639 language code", where="--language")
        for key, kind in _RIGHTS_LINES:
            if key in changes:
                parts = _split_line(changes[key], kind)
                changes[key], changes[f"{key}_year"] = parts["line"], parts["year"]
        if not changes and label is None and not artists:
            raise ValidationError("nothing to change: give at least one option (see --help)")
        with session_scope(self.services.engine) as s:
            rel = get_release(s, ref)
            check_revision(s, stored_id(rel), expected_revision)
            for key, value in changes.items():
                setattr(rel, key, None if value == "" and key in _CLEARABLE else value)
            if artists:
                rel.artists = [ReleaseArtist(party=get_or_create_party(s, name), role=ArtistRole.MAIN, sequence=i)
                               for i, name in enumerate(artists, start=1)]
                rel.display_artist = " & ".join(artists)
            if label is not None:
                rel.label = get_or_create_party(s, label, PartyKind.LABEL) if label.strip() else None
            rev = save_release(s, rel, actor=self._actor, action="edit")
            return Saved(stored_id(rel), rev.number, rel.status)

    def add_track(self, ref: Ref, *, title: str, isrc: str | None = None, artist: str | None = None,
                  duration: float | None = None, disc: int = 1, number: int | None = None, explicit: bool = False,
                  audio_id: int | None = None, expected_revision: int | None = None) -> AddedTrack:
        """Append a track (next number on its disc unless ``number`` is given)."""
        from stardust_tui.domain.models import Asset
        from stardust_tui.store.releases import add_track, check_revision, get_release, save_release

        self.services.authorize("release.write")
        with session_scope(self.services.engine) as s:
            rel = get_release(s, ref)
            check_revision(s, stored_id(rel), expected_revision)
            if audio_id is not None and s.get(Asset, audio_id) is None:
                raise NotFoundError(f"no asset with id {audio_id}", where="--audio")
            fields: dict[str, Any] = dict(title=title, isrc=isrc, display_artist=artist or "",
                                          duration_seconds=duration, disc_number=disc, explicit=explicit,
                                          audio_asset_id=audio_id)
            if number is not None:
                if any(t.disc_number == disc and t.track_number == number for t in rel.tracks):
                    raise ConflictError(f"release {rel.id} already has track {disc}-{number}")
                fields["track_number"] = number
            track = add_track(s, rel, **fields)
            rev = save_release(s, rel, actor=self._actor, action="add-track")
            return AddedTrack(stored_id(rel), stored_id(track), track.disc_number, track.track_number,
                              rev.number)

    def add_deal(self, ref: Ref, *, territories: builtins.list[str], excluded: builtins.list[str] | None = None,
                 models: builtins.list[str], use_types: builtins.list[str], start: date | None = None,
                 end: date | None = None, price_tier: str | None = None, preorder: bool = False,
                 instant_gratification: builtins.list[str] | None = None,
                 expected_revision: int | None = None) -> Saved:
        """Add a deal: where (ISO 3166-1 or Worldwide, minus ``excluded``), which models and use types, when.

        A ``preorder`` deal sells the release before its release date: it needs ``start`` (when pre-orders
        open) and ends on the release date unless ``end`` says otherwise; ``instant_gratification`` names the
        tracks (ISRCs) downloadable as soon as it is bought."""
        from stardust_tui.domain.identifiers import is_territory, normalize_isrc
        from stardust_tui.domain.models import Deal
        from stardust_tui.store.releases import check_revision, get_release, save_release

        self.services.authorize("release.write")
        excluded = list(excluded or [])
        for code in list(territories) + excluded:
            if not is_territory(code):
                raise ValidationError(f"{code!r} is not an ISO 3166-1 territory code (or Worldwide)",
                                      where="--territory")
        if end is not None and start is not None and end <= start:
            raise ValidationError("the deal must end after it starts", where="--end")
        instant = [normalize_isrc(x, field="--instant-grat") for x in instant_gratification or []]
        if instant and not preorder:
            raise ValidationError("instant-gratification tracks belong on a pre-order deal (add --preorder)",
                                  where="--instant-grat")
        if preorder and start is None:
            raise ValidationError("a pre-order needs --start: the day pre-orders open", where="--start")
        with session_scope(self.services.engine) as s:
            rel = get_release(s, ref)
            check_revision(s, stored_id(rel), expected_revision)
            begin = start or rel.release_date
            if begin is None:
                raise ValidationError("give --start or set the release date first", where="--start")
            finish = end or (rel.release_date if preorder else None)
            if preorder and finish is None:
                raise ValidationError("a pre-order ends when the release comes out: give --end or set the "
                                      "release date first", where="--end")
            isrcs = {t.isrc for t in rel.tracks if t.isrc}
            unknown = [x for x in instant if x not in isrcs]
            if unknown:
                raise ValidationError(f"{', '.join(unknown)} is not the ISRC of a track of release {rel.id}",
                                      where="--instant-grat")
            rel.deals.append(Deal(territories=list(territories), excluded_territories=excluded,
                                  commercial_models=list(models), use_types=list(use_types),
                                  start=_midnight(begin), end=_midnight(finish) if finish else None,
                                  price_tier=price_tier, is_preorder=preorder, instant_gratification=instant))
            rev = save_release(s, rel, actor=self._actor, action="add-deal")
            return Saved(stored_id(rel), rev.number, rel.status, deals=len(rel.deals))

    def set_status(self, ref: Ref, status: str, *, expected_revision: int | None = None) -> Saved:
        """Set draft/ready/delivered/taken-down; "ready" is refused while blocking errors remain."""
        from stardust_tui.store.releases import check_revision, get_release, set_status

        self.services.authorize("release.status")
        with session_scope(self.services.engine) as s:
            rel = get_release(s, ref)
            check_revision(s, stored_id(rel), expected_revision)
            rev = set_status(s, rel, status, actor=self._actor)
            return Saved(stored_id(rel), rev.number, rel.status)

    def duplicate(self, ref: Ref) -> int:
        """Copy a release as a new draft without UPC; returns the copy's id."""
        from stardust_tui.store.releases import duplicate_release, get_release

        self.services.authorize("release.write")
        with session_scope(self.services.engine) as s:
            copy = duplicate_release(s, get_release(s, ref), actor=self._actor)
            s.flush()
            return stored_id(copy)

    def delete(self, ref: Ref, *, expected_revision: int | None = None) -> ReleaseHead:
        """Delete a release that was never queued for delivery; returns what it was."""
        from stardust_tui.store.releases import check_revision, delete_release, get_release

        self.services.authorize("release.delete")
        with session_scope(self.services.engine) as s:
            rel = get_release(s, ref)
            check_revision(s, stored_id(rel), expected_revision)
            head = ReleaseHead(stored_id(rel), rel.title, rel.display_artist, rel.upc, rel.status,
                               rel.revision)
            delete_release(s, rel, actor=self._actor)
        return head

    def reindex(self) -> int:
        """Rebuild the full-text search index; returns how many releases were indexed."""
        from stardust_tui.store.reindex import rebuild_index

        self.services.authorize("store.admin")
        with session_scope(self.services.engine) as s:
            return rebuild_index(s)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
