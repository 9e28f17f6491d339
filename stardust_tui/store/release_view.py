"""A release with everything it shows, read with a few plain Core queries (no ORM objects): for reading only.

``load_release`` (the ORM, every relationship eager-loaded) runs ten statements whose loader options cost
more to prepare than the queries themselves; serving ``GET /releases/{id}`` with it spent ~6 ms of CPU per
request at a million releases (issue 11). :func:`load_release_view` reads the same data with at most seven
Core statements (release with label, cover and which kinds of children it has; tracks with audio; release
and track artists, credits, deals, resources with assets, each only when there are some) and returns
light objects shaped like the ORM ones, so
``store.revisions.snapshot_release`` builds the very same document from them (a test compares the two).

Label scoping holds: the release itself is looked up among ``store.scope.release_ids`` of the connection's
labels, as the ORM criteria would (its children are read through it, as the ORM's relationship loads are).
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, bindparam, exists, select, true

from stardust_tui.domain.models import Asset, Credit, Deal, Party, Release, ReleaseArtist, Track, TrackArtist
from stardust_tui.domain.resource_models import ReleaseResource
from stardust_tui.errors import NotFoundError
from stardust_tui.store.scope import LABELS, release_ids
from stardust_tui.store.sqltypes import table

_R, _T, _P, _A = table(Release), table(Track), table(Party), table(Asset)
_RA, _TA, _C, _D, _RR = (table(ReleaseArtist), table(TrackArtist), table(Credit), table(Deal),
                         table(ReleaseResource))
_ASSET_COLS = [c.label(f"asset__{c.name}") for c in _A.c]
_LABEL = _P.alias("label_party")


def _asset(row: Any) -> SimpleNamespace | None:
    """The asset columns of ``row`` (labelled ``asset__…``), or None when the outer join found none."""
    m = row._mapping
    if m["asset__id"] is None:
        return None
    return SimpleNamespace(**{c.name: m[f"asset__{c.name}"] for c in _A.c})


def _own(row: Any, cols: Any) -> dict[str, Any]:
    m = row._mapping
    return {c.name: m[c.name] for c in cols}


def _party(row: Any) -> SimpleNamespace | None:
    m = row._mapping
    if m["party__id"] is None:
        return None
    return SimpleNamespace(id=m["party__id"], name=m["party__name"], isni=m["party__isni"])


_PARTY_COLS = (_P.c.id.label("party__id"), _P.c.name.label("party__name"), _P.c.isni.label("party__isni"))

_RID: Any = bindparam("rid")
_TRACKS_Q = (select(_T, *_ASSET_COLS).outerjoin(_A, _A.c.id == _T.c.audio_asset_id).where(_T.c.release_id == _RID)
             .order_by(_T.c.disc_number, _T.c.track_number, _T.c.id))
_RELEASE_ARTISTS_Q = (select(_RA, *_PARTY_COLS).outerjoin(_P, _P.c.id == _RA.c.party_id)
                      .where(_RA.c.release_id == _RID).order_by(_RA.c.sequence, _RA.c.id))
_TRACK_ARTISTS_Q = (select(_TA, *_PARTY_COLS).join(_T, _T.c.id == _TA.c.track_id)
                    .outerjoin(_P, _P.c.id == _TA.c.party_id).where(_T.c.release_id == _RID)
                    .order_by(_TA.c.track_id, _TA.c.sequence, _TA.c.id))
_CREDITS_Q = (select(_C, *_PARTY_COLS).outerjoin(_P, _P.c.id == _C.c.party_id).where(_C.c.release_id == _RID)
              .order_by(_C.c.sequence, _C.c.id))
_DEALS_Q = select(_D).where(_D.c.release_id == _RID).order_by(_D.c.id)
_RESOURCES_Q = (select(_RR, *_ASSET_COLS).outerjoin(_A, _A.c.id == _RR.c.asset_id).where(_RR.c.release_id == _RID)
                .order_by(_RR.c.position, _RR.c.id))


@lru_cache(maxsize=64)
def _release_q(labels: tuple[str, ...] | None) -> Any:
    """The release with its label and cover, limited to ``labels`` (None: all); built once per label set so
    SQLAlchemy's statement cache keeps hitting."""
    scope = true() if labels is None else _R.c.id.in_(release_ids(labels))
    has = [exists().where(_RA.c.release_id == _R.c.id).label("has__artists"),
           exists().where(_TA.c.track_id == _T.c.id, _T.c.release_id == _R.c.id).label("has__track_artists"),
           exists().where(_C.c.release_id == _R.c.id).label("has__credits"),
           exists().where(_D.c.release_id == _R.c.id).label("has__deals"),
           exists().where(_RR.c.release_id == _R.c.id).label("has__resources")]
    return (select(_R, _LABEL.c.id.label("label__id"), _LABEL.c.name.label("label__name"), *_ASSET_COLS, *has)
            .outerjoin(_LABEL, _LABEL.c.id == _R.c.label_id).outerjoin(_A, _A.c.id == _R.c.cover_asset_id)
            .where(_R.c.id == _RID, scope))


def load_release_view(conn: Connection, release_id: int) -> SimpleNamespace:
    """The release ``release_id`` as light objects with the ORM's attribute names (tracks, artists, credits,
    deals, resources, label, cover, each track's audio, artists and credits); NotFoundError when ``conn``
    (an engine's connection, scoped or not: ``Services.engine``) may not see it or there is none."""
    rid = {"rid": release_id}
    row = conn.execute(_release_q(conn.get_execution_options().get(LABELS)), rid).first()
    if row is None:
        raise NotFoundError(f"no release with id {release_id}")
    m = row._mapping
    release = SimpleNamespace(**_own(row, _R.c))
    release.label = (SimpleNamespace(id=m["label__id"], name=m["label__name"]) if m["label__id"] is not None
                     else None)
    release.cover = _asset(row)
    tracks = []
    for t in conn.execute(_TRACKS_Q, rid):
        track = SimpleNamespace(**_own(t, _T.c), artists=[], credits=[])
        track.audio = _asset(t)
        tracks.append(track)
    by_id = {t.id: t for t in tracks}
    release.tracks = tracks
    release.artists = [SimpleNamespace(**_own(a, _RA.c), party=_party(a))
                       for a in (conn.execute(_RELEASE_ARTISTS_Q, rid) if m["has__artists"] else ())]
    if tracks and m["has__track_artists"]:
        track_artists: dict[int, list[SimpleNamespace]] = defaultdict(list)
        for a in conn.execute(_TRACK_ARTISTS_Q, rid):
            track_artists[a.track_id].append(SimpleNamespace(**_own(a, _TA.c), party=_party(a)))
        for tid, links in track_artists.items():
            by_id[tid].artists = links
    release.credits = []
    for c in conn.execute(_CREDITS_Q, rid) if m["has__credits"] else ():
        credit = SimpleNamespace(**_own(c, _C.c), party=_party(c))
        if credit.track_id is None:
            release.credits.append(credit)
        elif credit.track_id in by_id:
            by_id[credit.track_id].credits.append(credit)
    release.deals = [SimpleNamespace(**_own(d, _D.c)) for d in conn.execute(_DEALS_Q, rid)] if m["has__deals"] else []
    release.resources = []
    for r in conn.execute(_RESOURCES_Q, rid) if m["has__resources"] else ():
        release.resources.append(SimpleNamespace(**_own(r, _RR.c), asset=_asset(r)))
    return release
