"""Release services: find, load, create, save (revision + audit + search index), delete, list.

Every change to a release or its children goes through :func:`save_release`: it normalizes
identifiers, refuses duplicate UPCs and ISRC clashes, bumps ``release.revision``, stores a JSON
snapshot (:mod:`stardust_tui.store.revisions`), writes the audit entry and refreshes the search index.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import ARRAY, Connection, Integer, any_, bindparam, func, or_, true, union_all, update
from sqlalchemy import cast as sa_cast
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select as sa_select
from sqlalchemy import text as sql_text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, col, select

from stardust_tui.domain.delivery_models import Delivery
from stardust_tui.domain.enums import ArtistRole, PartyKind, ReleaseStatus
from stardust_tui.domain.identifiers import is_valid_isrc, is_valid_upc, normalize_isrc, normalize_upc
from stardust_tui.domain.limits import ID
from stardust_tui.domain.models import Credit, Deal, Party, Release, ReleaseArtist, ReleaseRevision, Track, utcnow
from stardust_tui.domain.release_types import release_type_and_compilation
from stardust_tui.domain.resource_models import ReleaseResource
from stardust_tui.domain.roles import canonical_roles
from stardust_tui.domain.validation import ALLOWED_ARTIST_ROLES, ALLOWED_CONTRIBUTOR_ROLES
from stardust_tui.errors import ConflictError, NotFoundError, StaleRevisionError, ValidationError
from stardust_tui.store import duplicates
from stardust_tui.store import scope as scope_mod
from stardust_tui.store import search as search_mod
from stardust_tui.store.duplicates import upc_candidates
from stardust_tui.store.entry_checks import validate_for_save
from stardust_tui.store.parties import get_or_create_party
from stardust_tui.store.revisions import content_hash, record_revision, snapshot_release, write_audit
from stardust_tui.store.sqltypes import rel, table

__all__ = [
    "ReleaseRow", "get_release", "load_release", "create_release", "save_release", "snapshot_release",
    "content_hash", "delete_release", "duplicate_release", "list_releases", "count_releases", "set_status",
    "add_track", "iter_release_ids", "upc_candidates", "check_revision",
]

_CHILDREN = ("tracks", "artists", "credits", "deals", "label", "cover", "resources")


@dataclass(frozen=True)
class ReleaseRow:
    """One line of a catalog listing."""

    id: int
    title: str
    display_artist: str
    upc: str | None
    release_type: str
    status: str
    release_date: date | None
    label_name: str | None
    last_delivery_state: str | None


def plain_release_id(ref: int | str) -> int | None:
    """The id ``ref`` names when it is one (an int, or up to 10 ASCII digits: not "²" or "٣"), else None
    (then it is a UPC/EAN or a GRid)."""
    if isinstance(ref, int):
        return ref
    text = ref.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 10 else None


def get_release(session: Session, ref: int | str) -> Release:
    """A release by id, by UPC/EAN in any accepted form (spaces, hyphens, UPC-A or EAN-13), or by GRid."""
    text = ref.strip() if isinstance(ref, str) else ""
    rid = plain_release_id(ref)
    if rid is not None:
        release = session.get(Release, rid) if ID.lo <= rid <= ID.hi else None  # PG integer ids
        if release is None:
            raise NotFoundError(f"no release with id {rid}")
        return release
    grid = "".join(text.split()).replace("-", "").upper()
    if len(grid) == 18 and grid.isascii() and grid.isalnum():  # a GRid (A1-2425G-ABC1234002-M)
        release = session.exec(select(Release).where(col(Release.grid) == grid)).first()
        if release is None:
            raise NotFoundError(f"no release with GRid {grid}")
        return release
    upc = normalize_upc(str(ref), field="release")
    release = session.exec(select(Release).where(col(Release.upc).in_(upc_candidates(upc)))).first()
    if release is None:
        raise NotFoundError(f"no release with UPC {upc}")
    return release


def load_release(session: Session, release_id: int) -> Release:
    """The release with every child eager-loaded, usable after the session closes."""
    stmt = (
        select(Release).where(col(Release.id) == release_id)
        .options(
            joinedload(rel(Release.label)), joinedload(rel(Release.cover)),
            selectinload(rel(Release.artists)).joinedload(rel(ReleaseArtist.party)),
            selectinload(rel(Release.credits)).joinedload(rel(Credit.party)),
            selectinload(rel(Release.deals)),
            selectinload(rel(Release.tracks)).joinedload(rel(Track.audio)),
            selectinload(rel(Release.tracks)).selectinload(rel(Track.artists)),
            selectinload(rel(Release.tracks)).selectinload(rel(Track.credits)).joinedload(rel(Credit.party)),
            selectinload(rel(Release.resources)).joinedload(rel(ReleaseResource.asset)),
        )
    )
    release = session.exec(stmt).unique().first()
    if release is None:
        raise NotFoundError(f"no release with id {release_id}")
    return release


def _apply(session: Session, release: Release, fields: dict[str, Any]) -> None:
    label = fields.pop("label", None)
    artists = fields.pop("artists", None)
    tracks = fields.pop("tracks", None) or []
    deals = fields.pop("deals", None) or []
    for key, value in fields.items():
        if key not in Release.model_fields or key in ("id", "revision", "created_at"):
            raise ValidationError(f"unknown release field {key!r}")
        setattr(release, key, value)
    if release.upc:
        release.upc = normalize_upc(release.upc)
    for i, t in enumerate(tracks, start=1):
        track = t if isinstance(t, Track) else Track(**{"track_number": i, **t})
        if track.isrc:
            track.isrc = normalize_isrc(track.isrc, field=f"track {track.disc_number}-{track.track_number} isrc")
        release.tracks.append(track)
    if isinstance(label, Party):
        release.label = label
    elif label:
        release.label = get_or_create_party(session, label, PartyKind.LABEL)
    if artists:
        names = [artists] if isinstance(artists, str) else list(artists)
        release.artists = [
            ReleaseArtist(party=get_or_create_party(session, n), role=ArtistRole.MAIN, sequence=i)
            for i, n in enumerate(names, start=1)
        ]
        if not release.display_artist:
            release.display_artist = " & ".join(names)
    for d in deals:
        release.deals.append(d if isinstance(d, Deal) else Deal(**{"start": utcnow(), **d}))


def create_release(session: Session, *, actor: str, **fields: Any) -> Release:
    """Create a release from column values; also accepts ``label`` (name), ``artists`` (names),
    ``tracks`` and ``deals`` (dicts or objects). Saved as revision 1."""
    release = Release(title=fields.pop("title", ""))
    with session.no_autoflush:  # parties may be created (and flushed) while the release is still transient
        _apply(session, release, dict(fields))
    session.add(release)
    save_release(session, release, actor=actor, action="create")
    return release


def _normalize(session: Session, release: Release) -> None:
    if release.upc is not None:
        release.upc = normalize_upc(release.upc) if release.upc.strip() else None
    if release.grid is not None:  # a GRid-only release is first-class (issue 18)
        release.grid = "".join(release.grid.split()).replace("-", "").upper() or None
    if release.release_type:  # the DDEX name; "album", "dj mix", "compilation" (Album + flag) are accepted
        kind, compilation = release_type_and_compilation(release.release_type)
        release.release_type, release.is_compilation = kind, release.is_compilation or compilation
    if not release.display_artist and release.artists:
        release.display_artist = " & ".join(a.party.name for a in release.artists if a.party)
    # typed roles as DDEX spells them ("Mastering Engineer" -> MasteringEngineer, "Guitar" -> Musician + Guitar);
    # only collections loaded in this session can hold a new value, so nothing else is fetched for it
    tracks = _loaded(release, "tracks")
    canonical_roles([*_loaded(release, "credits"), *(c for t in tracks for c in _loaded(t, "credits"))],
                    [*_loaded(release, "artists"), *(a for t in tracks for a in _loaded(t, "artists"))],
                    ALLOWED_CONTRIBUTOR_ROLES, ALLOWED_ARTIST_ROLES)
    pending = [o for o in session.new if isinstance(o, Track) and o.release_id == release.id and release.id]
    positions: set[tuple[int, int]] = set()
    for t in list(release.tracks) + pending:
        pos = (t.disc_number, t.track_number)
        if pos in positions:
            raise ConflictError(f"two tracks at position {pos[0]}-{pos[1]}", where=f"release {release.id or 'new'}")
        positions.add(pos)
        if t.isrc is not None:
            where = f"track {t.disc_number}-{t.track_number} isrc"
            t.isrc = normalize_isrc(t.isrc, field=where) if t.isrc.strip() else None
        if not t.display_artist:
            t.display_artist = release.display_artist
    release.title = " ".join((release.title or "").split())
    release.norm_key = duplicates.norm_key(release.title, release.display_artist)


def _loaded(obj: Any, name: str) -> list[Any]:
    """A relationship's items if it is loaded (or pending) on ``obj``, else [] (no query)."""
    state = sa_inspect(obj)
    return list(getattr(obj, name)) if name not in state.unloaded else []


def _check_grid(session: Session, release: Release) -> None:
    if not release.grid:
        return
    other = session.exec(select(col(Release.id))
                         .where(col(Release.grid) == release.grid, col(Release.id) != release.id)).first()
    if other is not None:
        raise ConflictError(f"GRid {release.grid} is already used by release {other}", where="grid")


def check_revision(session: Session, release_id: int, expected: int | None) -> None:
    """Optimistic concurrency: refuse a change based on revision ``expected`` when the stored one differs.

    A no-op ``UPDATE … WHERE revision = expected`` both checks and takes the row's write lock (SQLite: the
    database's) until the transaction ends, so no other save can slip in between this check and the
    caller's save: nothing is overwritten unseen."""
    if expected is None:
        return
    result = session.execute(update(Release).where(col(Release.id) == release_id, col(Release.revision) == expected)
                             .values(revision=col(Release.revision)).execution_options(synchronize_session=False))
    if result.rowcount == 1:  # type: ignore[attr-defined]
        return
    with session.no_autoflush:
        current = session.exec(select(col(Release.revision)).where(col(Release.id) == release_id)).first()
    if current is None:
        raise NotFoundError(f"no release with id {release_id}")
    raise StaleRevisionError(f"release {release_id} is at revision {current}, not {expected}: it was changed "
                             "meanwhile; reload it and apply the change again (nothing was saved)",
                             where=f"release {release_id}")


def save_release(session: Session, release: Release, *, actor: str, action: str = "update",
                 expected_revision: int | None = None) -> ReleaseRevision:
    """Normalize, check duplicates, store a revision + audit entry, refresh the search index.

    With ``expected_revision`` (the revision the change was based on: an API ``If-Match``, the revision a
    TUI form loaded) a release changed meanwhile is refused (:class:`StaleRevisionError`)."""
    if release.id is not None:
        check_revision(session, release.id, expected_revision)
    if release.id is not None and session.get_bind().dialect.name != "sqlite":
        # Serialize concurrent saves of one release (revision numbers); SQLite already has one writer.
        with session.no_autoflush:
            session.exec(select(col(Release.id)).where(col(Release.id) == release.id).with_for_update())
    with session.no_autoflush:
        _normalize(session, release)
        validate_for_save(release)  # lengths, ranges, DDEX vocabularies of new and changed values
        duplicates.check_upc(session, release.upc, release.id)
        _check_grid(session, release)
    release.updated_at = utcnow()
    session.add(release)
    try:
        session.flush()
    except IntegrityError as exc:  # a constraint the checks above do not cover (e.g. a missing asset id)
        session.rollback()
        detail = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
        raise ConflictError(f"cannot save: {detail}", where=f"release {release.id or 'new'}") from None
    session.expire(release, list(_CHILDREN))
    duplicates.check_isrcs(session, release)
    rev = record_revision(session, release, actor=actor, action=action)
    search_mod.index_release(session, release)
    session.flush()
    return rev


def set_status(session: Session, release: Release, status: str, *, actor: str) -> ReleaseRevision:
    """Change the status; "ready" is refused while readiness rules report blocking errors."""
    from stardust_tui.domain.rules import check_release
    from stardust_tui.store.analyses import stored_analyses

    valid = [s.value for s in ReleaseStatus]
    if status not in valid:
        raise ValidationError(f"unknown status {status!r} (expected one of {', '.join(valid)})", where="status")
    if status == ReleaseStatus.READY:  # with the files' stored measurements (lossy origin, duration...)
        assets = [t.audio_asset_id for t in release.tracks] + [release.cover_asset_id]
        report = check_release(release, analyses=stored_analyses(session, assets))
        report.extend([f for f in duplicates.find_duplicates(session, release) if f.severity == "error"])
        if not report.ok:
            first = "; ".join(f"{f.field}: {f.message}" for f in report.errors[:3])
            more = f" (+{len(report.errors) - 3} more)" if len(report.errors) > 3 else ""
            raise ValidationError(f"cannot mark ready, {len(report.errors)} blocking error(s): {first}{more}",
                                  where=f"release {release.id}")
    was_ready = release.status == ReleaseStatus.READY
    release.status = status
    rev = save_release(session, release, actor=actor, action="set-status")
    if status == ReleaseStatus.READY and not was_ready:  # notify (issue 10): release.ready in this transaction
        from stardust_tui.notify.emit import release_ready

        release_ready(session, release, actor=actor, revision=rev.number)
    return rev


def add_track(session: Session, release: Release, **fields: Any) -> Track:
    """Append a track (next number on its disc unless given). Call ``save_release`` afterwards."""
    disc = int(fields.setdefault("disc_number", 1))
    if "track_number" not in fields:
        fields["track_number"] = 1 + max((t.track_number for t in release.tracks if t.disc_number == disc),
                                         default=0)
    if fields.get("isrc"):
        fields["isrc"] = normalize_isrc(fields["isrc"])
    track = Track(**fields)
    release.tracks.append(track)
    return track


def delete_release(session: Session, release: Release, *, actor: str) -> None:
    """Delete a release that was never queued for delivery (its snapshot stays in the audit log)."""
    n = session.exec(select(func.count()).select_from(Delivery).where(col(Delivery.release_id) == release.id)).one()
    if n:
        raise ConflictError(f"release {release.id} has {n} delivery job(s); take it down instead of deleting it")
    write_audit(session, actor=actor, action="delete", entity="release", entity_id=release.id,
                before=snapshot_release(release), after=None, note=f"deleted {release.title!r}")
    if release.id is not None:  # a release that was never flushed has no index row
        search_mod.unindex_release(session, release.id)
    session.delete(release)
    session.flush()


def duplicate_release(session: Session, release: Release, *, actor: str) -> Release:
    """A draft copy (no UPC, same tracks/recordings, artists, credits and deals) for a new edition."""
    skip = {"id", "upc", "status", "revision", "created_at", "updated_at", "catalog_number"}
    copy = Release(**{k: getattr(release, k) for k in Release.model_fields if k not in skip})
    copy.artists = [ReleaseArtist(party_id=a.party_id, role=a.role, sequence=a.sequence) for a in release.artists]
    copy.deals = [Deal(**{k: getattr(d, k) for k in Deal.model_fields if k not in ("id", "release_id")})
                  for d in release.deals]
    pairs = []
    for t in release.tracks:
        nt = Track(**{k: getattr(t, k) for k in Track.model_fields if k not in ("id", "release_id")})
        nt.artists = [type(a)(party_id=a.party_id, role=a.role, sequence=a.sequence) for a in t.artists]
        copy.tracks.append(nt)
        pairs.append((t, nt))
    copy.credits = [Credit(party_id=c.party_id, role=c.role, instrument=c.instrument, sequence=c.sequence)
                    for c in release.credits]
    session.add(copy)
    session.flush()
    for t, nt in pairs:
        nt.credits = [Credit(release_id=copy.id, party_id=c.party_id, role=c.role, instrument=c.instrument,
                             sequence=c.sequence) for c in t.credits]
    save_release(session, copy, actor=actor, action="duplicate")
    write_audit(session, actor=actor, action="duplicate", entity="release", entity_id=release.id,
                after={"copy_id": copy.id}, note=f"duplicated as release {copy.id}")
    return copy


def _identifier_filter(query: str | None) -> Any:
    """The ids (a subquery) for a query that is exactly one complete UPC/EAN, ISRC or catalog number, else None.

    A catalog number is looked up as typed or in upper case when the query is one word with a digit
    (``STAR-001``); when no release has it, the full-text search still finds partial matches."""
    terms = search_mod.query_terms(query) if query else []
    if len(terms) != 1:
        return None
    term = terms[0].upper()
    if term.isascii() and term.isdigit() and is_valid_upc(term):
        return select(col(Release.id)).where(col(Release.upc).in_(upc_candidates(normalize_upc(term))))
    if is_valid_isrc(term):
        return select(col(Track.release_id)).where(col(Track.isrc) == normalize_isrc(term))
    if len(term.replace("-", "")) == 18 and term.replace("-", "").isalnum():  # a GRid
        return select(col(Release.id)).where(col(Release.grid) == term.replace("-", ""))
    typed = (query or "").strip()
    if typed and " " not in typed and any(c.isdigit() for c in typed):
        return select(col(Release.id)).where(col(Release.catalog_number).in_(sorted({typed, typed.upper()})))
    return None


def _dialect(db: Session | Connection) -> str:
    return db.dialect.name if isinstance(db, Connection) else db.get_bind().dialect.name


@dataclass(frozen=True)
class _Plan:
    """What a listing's filters come to, before any SQL is built: the shape of the statement (which
    clauses it has) and the values bound into them, so a page statement can be built once per shape."""

    dialect: str
    scope: tuple[str, ...] | None  # the connection's label scope (Core connections only)
    compilation: bool
    ids: tuple[int, ...] | None  # a whole code's releases
    clauses: Any  # search_clauses' (table, on, where), or None
    fts_q: str | None  # SQLite: the MATCH expression bound in ``clauses``
    status: str | None
    release_type: str | None
    label: str | None  # lower-cased, spaces collapsed
    date_from: date | None
    date_to: date | None
    genre: str | None  # lower-cased
    words: str = ""  # the searched text (PostgreSQL estimates its share of the catalog)

    def shape(self) -> tuple[Any, ...] | None:
        """The statement's structure (None when values are inlined in it: PostgreSQL's search)."""
        if self.clauses is not None and self.fts_q is None:
            return None
        return (self.dialect, self.scope, self.compilation, self.ids is not None, self.fts_q is not None,
                *(v is not None for v in (self.status, self.release_type, self.label, self.date_from, self.date_to,
                                          self.genre)))

    def filters_rows(self) -> bool:
        """Whether anything besides the search words narrows the rows (a release column, a scope, codes)."""
        return (self.scope is not None or self.compilation or self.ids is not None
                or any(v is not None for v in (self.status, self.release_type, self.label, self.date_from,
                                               self.date_to, self.genre)))

    def values(self) -> dict[str, Any]:
        found = {"f_ids": list(self.ids) if self.ids is not None else None, "fts_q": self.fts_q,
                 "f_status": self.status, "f_type": self.release_type, "f_label": self.label,
                 "f_from": self.date_from, "f_to": self.date_to, "f_genre": self.genre}
        return {k: v for k, v in found.items() if v is not None}


def _plan(db: Session | Connection, *, search_q: str | None, status: str | None, label: str | None,
          release_type: str | None, date_from: date | None, date_to: date | None, for_page: bool = True,
          genre: str | None = None) -> _Plan:
    dialect = _dialect(db)
    scope = db.get_execution_options().get(scope_mod.LABELS) if isinstance(db, Connection) else None
    compilation = False
    if release_type:  # any accepted spelling ("album", "dj mix"); "compilation" is an Album with the flag
        release_type, compilation = release_type_and_compilation(release_type)
    ids = None
    exact = _identifier_filter(search_q)
    if exact is not None:
        # A whole UPC/EAN or ISRC is an index lookup (whatever GTIN form is stored); when nothing has it,
        # it may still be the start of a longer code being typed, so the prefix search runs as usual.
        found = tuple(i for i in db.execute(exact).scalars().all() if i is not None)
        if found:
            ids, search_q = found, None
    # Without search words, SQLite still lets the index intersect selective filters through their facet
    # tokens: for a page (newest first, LIMIT) a label or a date range; for a count two or more filters
    # (one alone counts faster on its b-tree index). PostgreSQL combines its b-tree indexes by itself.
    ranged = bool(date_from and date_to)
    genre = " ".join(genre.split()) if genre else None
    n_filters = sum(map(bool, (label, status, release_type, ranged, genre)))
    facets_only = dialect == "sqlite" and (bool(label or ranged or genre) if for_page else n_filters >= 2)
    clauses = search_mod.search_clauses(dialect, search_q or "", facets_only=facets_only, bind=for_page, label=label,
                                        status=status, release_type=release_type, date_from=date_from,
                                        date_to=date_to, genre=genre) if (search_q or facets_only) else None
    fts_q = None
    if clauses is not None and dialect == "sqlite":
        fts_q = clauses[2]._bindparams["fts_q"].value  # the MATCH text bound by search_clauses
    return _Plan(dialect, scope, compilation, ids, clauses, fts_q, status or None, release_type or None,
                 " ".join(label.split()).lower() if label else None, date_from or None, date_to or None,
                 genre.lower() if genre else None, search_q or "")


def _build(stmt: Any, plan: _Plan, *, labels_once: bool = False) -> Any:
    """``stmt`` with the plan's clauses; every value is a named bind (``_Plan.values``). ``labels_once``
    (PostgreSQL): the label's party ids as one array computed once per statement, for a statement that
    runs per row (a lateral lookup would otherwise scan the parties again for every row)."""
    if plan.scope is not None:  # a Core connection: its label scope, as the ORM criteria add it to a session
        stmt = stmt.where(col(Release.label_id).in_(scope_mod.label_ids(plan.scope)))
    if plan.compilation:
        stmt = stmt.where(col(Release.is_compilation).is_(True))
    if plan.ids is not None:
        stmt = stmt.where(col(Release.id).in_(bindparam("f_ids", list(plan.ids), expanding=True)))
    if plan.clauses is not None:
        tbl, on, where = plan.clauses
        stmt = stmt.join(tbl, on).where(where)
    if plan.status is not None:
        stmt = stmt.where(col(Release.status) == bindparam("f_status", plan.status))
    if plan.release_type is not None:
        stmt = stmt.where(col(Release.release_type) == bindparam("f_type", plan.release_type))
    if plan.label is not None:
        label_ids = select(col(Party.id)).where(func.lower(col(Party.name)) == bindparam("f_label", plan.label),
                                               col(Party.kind) == PartyKind.LABEL)
        if labels_once:
            ids_array: Any = label_ids.with_only_columns(func.array_agg(col(Party.id))).scalar_subquery()
            stmt = stmt.where(col(Release.label_id) == any_(sa_cast(ids_array, ARRAY(Integer))))
        else:
            stmt = stmt.where(col(Release.label_id).in_(label_ids))
    if plan.date_from is not None:
        stmt = stmt.where(col(Release.release_date) >= bindparam("f_from", plan.date_from))
    if plan.date_to is not None:
        stmt = stmt.where(col(Release.release_date) <= bindparam("f_to", plan.date_to))
    if plan.genre is not None:  # the genre or the subgenre, whatever the case
        wanted: Any = bindparam("f_genre", plan.genre)
        stmt = stmt.where(or_(func.lower(col(Release.genre)) == wanted, func.lower(col(Release.subgenre)) == wanted))
    return stmt


def _filtered(stmt: Any, db: Session | Connection, *, search_q: str | None, status: str | None, label: str | None,
              release_type: str | None, date_from: date | None, date_to: date | None,
              for_page: bool = True, genre: str | None = None) -> tuple[Any, bool]:
    """Apply the filters; returns (statement, whether the search index is joined).

    On a Core connection the label scope of its engine (``store/scope.py``) is added here, as the ORM
    criteria of a scoped session add it to the session's statements."""
    plan = _plan(db, search_q=search_q, status=status, label=label, release_type=release_type,
                 date_from=date_from, date_to=date_to, for_page=for_page, genre=genre)
    return _build(stmt, plan), plan.clauses is not None


_PAGE_STATEMENTS: dict[tuple[Any, ...], Any] = {}
"""SQLite page statements by shape (``_Plan.shape`` + paging): built and keyed once, run with new values.
Building one and computing its cache key took 0.15-0.4 ms of a ~1 ms search (issue 11)."""


def list_releases(session: Session | Connection, *, search: str | None = None, status: str | None = None,
                  label: str | None = None, release_type: str | None = None, date_from: date | None = None,
                  date_to: date | None = None, limit: int = 50, offset: int = 0,
                  before_id: int | None = None, genre: str | None = None) -> list[ReleaseRow]:
    """One page of the catalog, newest first. ``before_id`` gives keyset paging (pass the last row's id).

    ``session`` may be a Core connection (``store.db.read_tx``: no ORM session, for the HTTP API)."""
    sqlite = _dialect(session) == "sqlite"
    plan = _plan(session, search_q=search, status=status, label=label, release_type=release_type,
                 date_from=date_from, date_to=date_to, genre=genre)
    values = {**plan.values(), "f_limit": max(0, limit), "f_offset": max(0, offset)}
    if before_id is not None:
        values["f_before"] = before_id
    searching = plan.clauses is not None
    if searching and not sqlite:
        return _pg_search_page(session, plan, before_id, values)
    shape = plan.shape()
    key = (*shape, before_id is not None) if sqlite and shape is not None and isinstance(session, Connection) else None
    stmt = _PAGE_STATEMENTS.get(key) if key is not None else None
    if stmt is None:
        stmt = _build(_page_columns(sqlite), plan)
        # Newest first. While searching, order by the index's own id (same value) so SQLite's FTS5 hands rows
        # over in that order and the LIMIT stops early instead of sorting every match.
        order_col = search_mod.order_column(plan.dialect) if searching else None
        if before_id is not None:
            stmt = stmt.where(col(Release.id) < bindparam("f_before", before_id))
        order = order_col.desc() if order_col is not None else col(Release.id).desc()
        stmt = stmt.order_by(order).limit(bindparam("f_limit", values["f_limit"])).offset(
            bindparam("f_offset", values["f_offset"]))
        if key is not None:
            if len(_PAGE_STATEMENTS) > 512:  # label scopes are part of the key: keep it bounded
                _PAGE_STATEMENTS.clear()
            _PAGE_STATEMENTS[key] = stmt
    if sqlite:
        return [ReleaseRow(*row) for row in session.execute(stmt, values).all()]
    return [ReleaseRow(*row) for row in session.execute(_with_last_state(stmt)).all()]


def _with_last_state(stmt: Any) -> Any:
    """PostgreSQL: ``stmt``'s page with the last delivery's state of its rows only (inside the page query, a
    plan that sorts the matches would look it up for every match before the LIMIT)."""
    page = stmt.subquery("page")
    return sa_select(page, _last_state(page)).order_by(page.c.id.desc())


_PG_SEARCH_SETTINGS = sql_text(
    "SELECT was.workers, was.plans, set_config('max_parallel_workers_per_gather', '0', true), "
    "set_config('plan_cache_mode', 'force_custom_plan', true), "
    f"(SELECT max(release_id) FROM {search_mod.PG_TABLE}) "
    "FROM (SELECT current_setting('max_parallel_workers_per_gather') AS workers, "
    "current_setting('plan_cache_mode') AS plans OFFSET 0) AS was")
_PG_RESTORE_SETTINGS = sql_text("SELECT set_config('max_parallel_workers_per_gather', :workers, true), "
                                "set_config('plan_cache_mode', :plans, true)")


def _pg_search_page(session: Session | Connection, plan: _Plan, before_id: int | None,
                    values: dict[str, Any]) -> list[ReleaseRow]:
    """A searching page on PostgreSQL, in the form that reads the fewest rows at a million releases.

    ``release_search`` holds ~5 releases per 8 kB page (the words and their prefixes), the release table
    ~45: every match fetched from the index table or row walked there is a page read (~4 µs from the OS
    cache), a GIN scan costs ~0.15 µs per posting it reads, and the planner knows neither.

    - Words alone: the page's ids come from ``release_search`` alone (newest first, LIMIT inside), then only
      those rows are joined to the releases (joined before the LIMIT, the planner sorted every match's
      release row, or merged the matches with a walk down the release table: 10-20 ms). When the words
      are neither common (the newest rows would soon give a page) nor rare (their matches are few), the
      newest ids are searched first: a range of ``release_search``'s key sized from the statistics to hold
      about two pages of matches, ANDed with the index by the planner, then the older ids if that was not
      enough; the commonest words are then tested on the fetched rows instead of read from the index
      (``search._checked_pieces``).
    - Words and a status, type, date range, compilation or scope: either the newest releases passing those
      filters are walked, each one's words tested on its index row, or the words and the filters' facet
      tokens are read from the index, whichever the statistics make cheaper (``search.pg_walk_is_cheaper``:
      "tor" + draft + single walks ~10k narrow rows; a rare word in a date range reads ~300 matches).
    - Words and a label or a genre: those facet tokens are rare, so the index gives the matches, newest first,
      and the releases are looked up in that order, each with the exact filters, until the page is full.

    Same rows as a join of the releases with the index, ordered by id (tests/unit/test_store_search.py).
    Each form's statement is built once (``_PG_PAGE_STATEMENTS``, by structure) and run with new values: the
    tsquery texts are bind parameters (psycopg may prepare the statement), and ``plan_cache_mode =
    force_custom_plan`` has PostgreSQL plan every execution for its actual words, as it did when they were
    inlined. A page needs no parallel workers: starting them costs more (5-40 ms on a busy
    host) than they save, and the newest-first ranges rely on a plain Append running its parts in order.
    Both settings hold for this statement only (SET LOCAL, then back to the values before; a failed
    statement aborts the transaction, whose end drops them anyway).
    """
    workers, plans, _, _, top = session.execute(_PG_SEARCH_SETTINGS).one()
    if before_id is not None and top is not None:
        top = min(top, before_id - 1)
    stats = search_mod.pg_term_stats(session) if top else None
    rest = replace(plan, clauses=None)  # the filters on the release rows, applied exactly
    want = values["f_limit"] + values["f_offset"]
    terms = search_mod.query_terms(plan.words)
    facets = search_mod.filter_facets(label=plan.label, status=plan.status, release_type=plan.release_type,
                                      date_from=plan.date_from, date_to=plan.date_to, genre=plan.genre)
    walk = rest.filters_rows() and plan.label is None and plan.genre is None and (
        stats is None or search_mod.pg_walk_is_cheaper(stats, plan.words, facets, want=want, rows=top))
    lo = None
    if walk or stats is None:
        conditions = search_mod.pg_conditions(terms, facets)
    else:
        # The newest ids first when the matches are neither few nor dense (``_newest_range``); then the
        # commonest words are tested on the rows that range fetches instead of read from the index; unranged,
        # only when a rare piece (a label's years) fetches few rows.
        lo = _newest_range(search_mod.pg_match_share(stats, plan.words, facets), want, top) if top else None
        conditions = search_mod.pg_conditions(terms, facets, stats=stats, rows=None if lo is not None else top)
    params = {**values, **{search_mod.pg_param(name, check): expr for name, check, expr in conditions}}
    if lo is not None:
        params["f_newest"] = params["f_older"] = lo
    # Built once per structure and run with new values, as SQLite's pages (building one took ~1 ms)
    key = (walk, lo is not None, before_id is not None, plan.scope, plan.compilation,
           *(v is not None for v in (plan.status, plan.release_type, plan.label, plan.date_from, plan.date_to,
                                     plan.genre)), tuple((name, check) for name, check, _ in conditions))
    stmt = _PG_PAGE_STATEMENTS.get(key)
    if stmt is None:
        stmt = _pg_page_statement(rest, search_mod.pg_match(conditions, bind=True), walk=walk,
                                  ranged=lo is not None, keyset=before_id is not None)
        if len(_PG_PAGE_STATEMENTS) > 512:  # label scopes are part of the key: keep it bounded
            _PG_PAGE_STATEMENTS.clear()
        _PG_PAGE_STATEMENTS[key] = stmt
    found_rows = [ReleaseRow(*row) for row in session.execute(stmt, params).all()]
    session.execute(_PG_RESTORE_SETTINGS, {"workers": workers, "plans": plans})
    return found_rows


_PG_PAGE_STATEMENTS: dict[tuple[Any, ...], Any] = {}


def _pg_page_statement(rest: _Plan, match: Any, *, walk: bool, ranged: bool, keyset: bool) -> Any:
    """The page statement of one of ``_pg_search_page``'s forms; every value is a named bind."""
    rs = search_mod.pg_search
    limit: Any = bindparam("f_limit", 0)
    offset: Any = bindparam("f_offset", 0)
    before: Any = bindparam("f_before", 0) if keyset else None
    stmt: Any
    if walk:
        found = (sa_select(match).select_from(rs).where(rs.c.release_id == col(Release.id))
                 .correlate(Release).scalar_subquery())
        stmt = _build(_page_columns(False), rest).where(found)
        if before is not None:
            stmt = stmt.where(col(Release.id) < before)
        return _with_last_state(stmt.order_by(col(Release.id).desc()).limit(limit).offset(offset))

    def newest(part: int) -> Any:
        ids = sa_select(rs.c.release_id.label("id")).where(match)
        if before is not None:
            ids = ids.where(rs.c.release_id < before)
        if ranged:
            ids = ids.where(rs.c.release_id > bindparam("f_newest", 0) if part == 0
                            else rs.c.release_id <= bindparam("f_older", 0))
        ids = ids.order_by(rs.c.release_id.desc())
        if not rest.filters_rows():
            return ids
        # OFFSET 0 keeps the ids a sorted subquery; LIMIT 1 keeps the release lookup a per-id one
        m = ids.offset(0).subquery("m")
        row = _build(_page_columns(False), rest, labels_once=True).where(col(Release.id) == m.c.id) \
            .limit(1).lateral("r")
        return sa_select(*row.c).select_from(m).join(row, true()).order_by(m.c.id.desc())

    # Both parts in order, no ORDER BY over them (that would be a MergeAppend, running both before the LIMIT)
    newest_ids: Any = newest(0) if not ranged else \
        sa_select(union_all(newest(0).subquery().select(), newest(1).subquery().select()).subquery("u"))
    if rest.filters_rows():
        return _with_last_state(newest_ids.limit(limit).offset(offset))
    m = newest_ids.limit(limit).offset(offset).subquery("m")  # the page's ids, then their releases
    return _with_last_state(_page_columns(False).join(m, m.c.id == col(Release.id)))


PG_WALK_ROWS = 5000
"""Words whose newest matches are found within this many index rows are walked, not ranged."""
PG_FEW_MATCHES = 1000
"""Words with fewer matches than this are read from the index whole (a few ms), not ranged."""


def _newest_range(share: float, want: int, top: int) -> int | None:
    """The lowest id (exclusive) of the newest ids expected to hold two pages of matches (``share``: the
    estimated share of ids that match), or None when the matches are dense or few enough for one plain
    statement."""
    if share <= 0 or want / share < PG_WALK_ROWS or share * top < PG_FEW_MATCHES:
        return None
    span = int(2 * want / share)
    return top - span if span < top else None


@lru_cache(maxsize=2)
def _page_columns(sqlite: bool) -> Any:
    """A page's columns and the label join, built once (a search page is ~1 ms; building this took 0.2 ms)."""
    stmt: Any = sa_select(col(Release.id), col(Release.title), col(Release.display_artist), col(Release.upc),
                     col(Release.release_type), col(Release.status), col(Release.release_date),
                     col(Party.name).label("label_name"))  # sqlmodel's select is typed for 4 columns
    if sqlite:  # FTS5 hands rows over newest first and the LIMIT stops it: nothing is looked up needlessly
        stmt = stmt.add_columns(_last_state(table(Release)))
    return stmt.outerjoin(Party, col(Party.id) == col(Release.label_id))


def _last_state(rows: Any) -> Any:
    """The state of the newest delivery of the release in ``rows`` (a table or subquery with an ``id``)."""
    return (select(col(Delivery.state)).where(col(Delivery.release_id) == rows.c.id)
            .order_by(col(Delivery.id).desc()).limit(1).correlate(rows).scalar_subquery())


def count_releases(session: Session | Connection, *, search: str | None = None, status: str | None = None,
                   label: str | None = None, release_type: str | None = None, date_from: date | None = None,
                   date_to: date | None = None, genre: str | None = None) -> int:
    stmt = select(func.count(col(Release.id))).select_from(Release)
    stmt, _ = _filtered(stmt, session, search_q=search, status=status, label=label, release_type=release_type,
                        date_from=date_from, date_to=date_to, for_page=False, genre=genre)
    return int(session.execute(stmt).scalar_one())


def iter_release_ids(session: Session, batch: int = 1000) -> Iterator[int]:
    """Every release id in ascending order, fetched in batches (keyset)."""
    last = 0
    while True:
        ids = [i for i in session.exec(select(col(Release.id)).where(col(Release.id) > last)
                                       .order_by(col(Release.id)).limit(batch)).all() if i is not None]
        if not ids:
            return
        yield from ids
        last = ids[-1]
