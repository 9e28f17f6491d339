"""Label scoping and the editor's draft-only rule, applied to every ORM query of a scoped session (issue 15).

A user or API key limited to some labels sees and changes only those labels' releases: in every list,
search, export, report and lookup. Rather than trusting each query to remember a filter, the services
hand out an engine carrying the scope (:func:`scoped_engine`; ``Services.engine`` does this for a limited
actor) and a ``do_orm_execute`` hook adds the criteria to every ORM ``SELECT``/``UPDATE``/``DELETE`` of a
session on it (``with_loader_criteria``): releases of other labels, their tracks, deals, credits, revisions,
deliveries and their steps/events, ACKs, target states, their audit entries and the assets only they use
simply do not exist for that session (a lookup by id says "no release with id N").

Writes are checked before each flush: a scoped session may only save releases of its labels (a label set
to another one, or none, is refused), and a session marked ``draft_only`` (an editor) may change only
draft releases — marking ready, delivering and changing what is ready or delivered is a releaser's job.

What this does not cover: plain SQL text and Core statements (``text()``, ``table.update()``) are not
filtered; the few services that run Core writes check the row first (``services.access``).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from sqlalchemy import String, and_, cast, event, func, or_, select, true, union
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from stardust_tui.domain.delivery_models import (
    Acknowledgement,
    Delivery,
    DeliveryEvent,
    DeliveryStep,
    ReleaseTargetStatus,
)
from stardust_tui.domain.enums import PartyKind
from stardust_tui.domain.models import (
    Asset,
    AuditEntry,
    Credit,
    Deal,
    Party,
    Release,
    ReleaseArtist,
    ReleaseRevision,
    Track,
    TrackArtist,
)
from stardust_tui.domain.resource_models import ReleaseResource
from stardust_tui.errors import PermissionDenied
from stardust_tui.store.sqltypes import col, table

LABELS = "stardust_labels"
"""Execution option: the label names a session may see (a tuple), absent = every label."""
DRAFT_ONLY = "stardust_draft_only"
"""Execution option: who is limited to drafts (the refusal's "X is editor" text), absent = anyone may."""

_R, _T, _D, _P = (table(Release), table(Track), table(Delivery),
                  table(Party))
_RR = table(ReleaseResource)
_RELEASE_CHILDREN = (Track, Deal, Credit, ReleaseArtist, ReleaseRevision, ReleaseResource, ReleaseTargetStatus,
                     Delivery, Acknowledgement)
_CONTENT = (Track, Deal, Credit, ReleaseArtist, TrackArtist, ReleaseResource)
"""What belongs to a release's content (a change to one changes the release)."""


def scoped_engine(engine: Engine, *, labels: Iterable[str] | None = None, draft_only: str | None = None) -> Engine:
    """``engine`` whose ORM sessions see only ``labels`` (None: all) and, with ``draft_only``, change drafts only.

    The returned engine shares the pool of ``engine`` (SQLAlchemy's ``execution_options`` copy)."""
    options: dict[str, Any] = {}
    if labels is not None:
        options[LABELS] = tuple(sorted(set(labels)))
    if draft_only:
        options[DRAFT_ONLY] = draft_only
    return engine.execution_options(**options) if options else engine


def _options(session: Session) -> dict[str, Any]:
    bind = session.bind
    return bind.get_execution_options() if bind is not None else {}


def session_labels(session: Session) -> tuple[str, ...] | None:
    """The labels ``session`` is limited to, or None."""
    return _options(session).get(LABELS)


def release_clause(session: Session, column: Any) -> Any:
    """For Core queries: ``column`` (a release id column) limited to the session's labels, or ``true()``."""
    labels = session_labels(session)
    return true() if labels is None else column.in_(release_ids(labels))


def check_core_labels(conn: Connection, names: Iterable[str | None]) -> None:
    """For Core writers (the bulk importer): refuse releases of labels outside the connection's scope."""
    labels = conn.get_execution_options().get(LABELS)
    if labels is None:
        return
    allowed = {x.casefold() for x in labels}
    for name in names:
        if name is None or name.casefold() not in allowed:
            shown = f"label {name!r}" if name else "no label"
            raise PermissionDenied(f"a release with {shown}: you may change only releases of {', '.join(labels)}")


def label_ids(labels: tuple[str, ...]) -> Any:
    """A subquery: the ids of the label parties named ``labels`` (any case; the kind index keeps it to labels)."""
    return select(_P.c.id).where(_P.c.kind == PartyKind.LABEL, func.lower(_P.c.name).in_([x.lower() for x in labels]))


def release_ids(labels: tuple[str, ...]) -> Any:
    """A subquery: the ids of the releases of ``labels`` (Core, so no criteria apply inside it)."""
    return select(_R.c.id).where(_R.c.label_id.in_(label_ids(labels)))


@lru_cache(maxsize=64)
def _criteria(labels: tuple[str, ...]) -> tuple[Any, ...]:
    """The loader criteria of one label set, built once: the same option objects on every statement keep
    SQLAlchemy's compiled-statement cache hitting (a fresh set per statement would compile every query)."""
    return tuple(_build_criteria(labels))


def _build_criteria(labels: tuple[str, ...]) -> list[Any]:
    rids = release_ids(labels)
    dids = select(_D.c.id).where(_D.c.release_id.in_(rids))
    used_in_scope = union(
        select(_T.c.audio_asset_id).where(_T.c.release_id.in_(rids), _T.c.audio_asset_id.is_not(None)),
        select(_R.c.cover_asset_id).where(_R.c.id.in_(rids), _R.c.cover_asset_id.is_not(None)),
        select(_RR.c.asset_id).where(_RR.c.release_id.in_(rids), _RR.c.asset_id.is_not(None)))
    used = union(select(_T.c.audio_asset_id).where(_T.c.audio_asset_id.is_not(None)),
                 select(_R.c.cover_asset_id).where(_R.c.cover_asset_id.is_not(None)),
                 select(_RR.c.asset_id).where(_RR.c.asset_id.is_not(None)))
    out = [with_loader_criteria(Release, col(Release.label_id).in_(label_ids(labels)), include_aliases=True)]
    for cls in _RELEASE_CHILDREN:
        out.append(with_loader_criteria(cls, col(cls.release_id).in_(rids), include_aliases=True))
    out += [
        with_loader_criteria(TrackArtist,
                             col(TrackArtist.track_id).in_(select(_T.c.id).where(_T.c.release_id.in_(rids))),
                             include_aliases=True),
        with_loader_criteria(DeliveryStep, col(DeliveryStep.delivery_id).in_(dids), include_aliases=True),
        with_loader_criteria(DeliveryEvent, col(DeliveryEvent.delivery_id).in_(dids), include_aliases=True),
        with_loader_criteria(Asset, or_(col(Asset.id).in_(used_in_scope), col(Asset.id).not_in(used)),
                             include_aliases=True),
        with_loader_criteria(AuditEntry, or_(
            col(AuditEntry.entity).not_in(("release", "delivery")),
            and_(col(AuditEntry.entity) == "release", col(AuditEntry.entity_id).in_(select(cast(_R.c.id, String)).where(
                _R.c.label_id.in_(label_ids(labels))))),
            and_(col(AuditEntry.entity) == "delivery", col(AuditEntry.entity_id).in_(
                select(cast(_D.c.id, String)).where(_D.c.release_id.in_(rids))))), include_aliases=True),
    ]
    return out


@event.listens_for(Session, "do_orm_execute")
def _scope_statement(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    labels = _options(state.session).get(LABELS)
    if labels is None or state.is_column_load or state.is_relationship_load:
        return  # relationship and column loads start from rows this session could already see
    state.statement = state.statement.options(*_criteria(labels))


# -- writes ------------------------------------------------------------------------------------------------
def _label_name(session: Session, release: Release) -> str | None:
    if release.label is not None:
        return release.label.name
    if release.label_id is None:
        return None
    party = session.get(Party, release.label_id)
    return party.name if party else None


def _touched_releases(session: Session) -> set[int]:
    ids: set[int] = set()
    for obj in list(session.dirty) + list(session.deleted) + list(session.new):
        if isinstance(obj, Release) and obj.id is not None and obj not in session.new:
            if obj in session.deleted or session.is_modified(obj, include_collections=False):
                ids.add(obj.id)
        elif isinstance(obj, TrackArtist):
            track = obj.track or (session.get(Track, obj.track_id) if obj.track_id else None)
            if track is not None and track.release_id:
                ids.add(track.release_id)
        elif isinstance(obj, _CONTENT):
            rid = getattr(obj, "release_id", None) or getattr(getattr(obj, "release", None), "id", None)
            if rid:
                ids.add(rid)
    return ids


@event.listens_for(Session, "before_flush")
def _check_writes(session: Session, _ctx: Any, _instances: Any) -> None:
    options = _options(session)
    labels, editor = options.get(LABELS), options.get(DRAFT_ONLY)
    if labels is None and not editor:
        return
    with session.no_autoflush:
        if labels is not None:
            allowed = {x.casefold() for x in labels}
            for obj in list(session.new) + list(session.dirty):
                if isinstance(obj, Release):
                    name = _label_name(session, obj)
                    if name is None or name.casefold() not in allowed:
                        what = f"release {obj.id}" if obj.id else "a new release"
                        shown = f"label {name!r}" if name else "no label"
                        raise PermissionDenied(f"{what} would have {shown}: you may change only releases of "
                                               f"{', '.join(labels)}", where="--label")
        if editor:
            touched = _touched_releases(session)
            if touched:
                rows = session.execute(select(_R.c.id, _R.c.status).where(_R.c.id.in_(touched))).all()
                fixed = [(rid, status) for rid, status in rows if status != "draft"]
                if fixed:
                    rid, status = fixed[0]
                    raise PermissionDenied(f"release {rid} is {status}: changing a release that is not a draft "
                                           f"needs the releaser role ({editor})")
