"""``/releases``: list (search, filters, cursor pages), get, create, update, status, delete, readiness,
history, diff, tracks and deals, each through :class:`~stardust_tui.services.releases.ReleaseService`.

A release's ``ETag`` is its revision; every change needs ``If-Match`` and answers the new ``ETag``.
"""

from __future__ import annotations

import base64
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from stardust_tui.api import fields as F
from stardust_tui.api.deps import IfMatch, Svc, expected_revision, not_modified, set_etag
from stardust_tui.api.problems import Problem
from stardust_tui.api.schemas import (
    PROBLEM_RESPONSES,
    WRITE_RESPONSES,
    ReleaseItem,
    ReleasePageModel,
    Revision,
    Saved,
)
from stardust_tui.domain import limits as L
from stardust_tui.jsonable import jsonable
from stardust_tui.services.releases import ReleaseFilters

router = APIRouter(prefix="/releases", tags=["releases"], responses=PROBLEM_RESPONSES)
ReleaseType = Annotated[str, *F.text_rules(L.RELEASE["release_type"])]
ReleaseStatus = Annotated[str, *F.text_rules(L.RELEASE["status"], required=True)]


class ReleaseCreate(BaseModel):
    """The fields of ``stardust release create`` (and the edit fields)."""

    title: F.Title
    artists: list[F.Name] = Field(min_length=1, max_length=100)
    label: F.OptName | None = None
    upc: F.Code | None = None
    release_type: ReleaseType | None = Field(default=None, description="album, ep, single, …")
    release_date: F.Day | None = None
    genre: F.Genre | None = None
    p_line: F.Line | None = Field(default=None, description='"2024 Star Records"')
    c_line: F.Line | None = None


class ReleasePatch(BaseModel):
    """The fields of ``stardust release edit``: absent or null = unchanged, "" clears an optional text."""

    title: F.Title | None = None
    version: Annotated[str, *F.text_rules(L.RELEASE["version"])] | None = None
    artists: list[F.Name] | None = Field(default=None, max_length=100)
    label: F.OptName | None = None
    upc: F.Code | None = None
    catalog_number: Annotated[str, *F.text_rules(L.RELEASE["catalog_number"])] | None = None
    release_type: ReleaseType | None = None
    release_date: F.Day | None = None
    original_release_date: F.Day | None = None
    genre: F.Genre | None = None
    subgenre: Annotated[str, *F.text_rules(L.RELEASE["subgenre"])] | None = None
    language: F.Language | None = None
    parental_advisory: Annotated[str, *F.text_rules(L.RELEASE["parental_advisory"])] | None = None
    p_line: F.Line | None = None
    c_line: F.Line | None = None


class StatusChange(BaseModel):
    status: ReleaseStatus = Field(description="draft | ready | delivered | taken-down")


class TrackCreate(BaseModel):
    """The fields of ``stardust release add-track``."""

    title: Annotated[str, *F.text_rules(L.TRACK["title"], required=True)]
    isrc: F.Code | None = None
    artist: F.OptName | None = None
    duration: F.Duration | None = None
    disc: F.DiscNumber = 1
    number: F.TrackNumber | None = None
    explicit: bool = False
    audio_id: F.Identifier | None = None


class CreditIn(BaseModel):
    name: F.Name
    role: F.Vocab = Field(description="A DDEX contributor role (Composer, Producer, …), any case")


class TrackPatch(BaseModel):
    """A track's fields as the TUI's track editor changes them: absent = unchanged; ``credits`` replaces all."""

    title: Annotated[str, *F.text_rules(L.TRACK["title"], required=True)] | None = None
    version: Annotated[str, *F.text_rules(L.TRACK["version"])] | None = None
    display_artist: Annotated[str, *F.text_rules(L.TRACK["display_artist"])] | None = None
    isrc: F.Code | None = None
    explicit: bool | None = None
    language: F.Language | None = None
    genre: Annotated[str, *F.text_rules(L.TRACK["genre"])] | None = None
    p_line: Annotated[str, *F.text_rules(L.TRACK["p_line"])] | None = None
    p_line_year: F.Year | None = None
    preview_start_seconds: F.PreviewStart | None = None
    credits: list[CreditIn] | None = Field(default=None, max_length=200)


class DealCreate(BaseModel):
    """The fields of ``stardust release add-deal``."""

    territories: list[F.TerritoryCode] = Field(default_factory=lambda: ["Worldwide"], min_length=1, max_length=300)
    excluded: list[F.TerritoryCode] = Field(default_factory=list, max_length=300)
    commercial_models: list[F.Vocab] = Field(min_length=1, max_length=20)
    use_types: list[F.Vocab] = Field(min_length=1, max_length=40)
    start: F.Day | None = None
    end: F.Day | None = None
    price_tier: Annotated[str, *F.text_rules(L.DEAL["price_tier"])] | None = None
    preorder: bool = False
    instant_gratification: list[F.Code] = Field(default_factory=list, max_length=1000)


def _canonical(values: list[str], allowed: frozenset[str] | set[str]) -> list[str]:
    """As the CLI's Vocabulary type: the DDEX spelling whatever the case (``subscriptionmodel``); anything
    else is passed on as typed for the store to refuse (or keep, for ``UserDefined:<value>``)."""
    from stardust_tui.domain.validation import canonical_choice

    return [canonical_choice(v.strip(), allowed) or v for v in values]


def _cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"r{last_id}".encode()).decode().rstrip("=")


def _before(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        value = int(text[1:]) if text.startswith("r") and text[1:].isascii() and text[1:].isdigit() else None
    except (ValueError, UnicodeDecodeError):
        value = None
    if value is None or not L.ID.lo <= value <= L.ID.hi + 1:
        raise Problem(422, "not a cursor this API gave out", kind="invalid", field="cursor")
    return value


def _release(svc: Svc, ref: str | int, response: Response, status: int = 200) -> JSONResponse:
    data = svc.releases.show(ref)
    headers = {"ETag": f'"{data["revision"]}"'}
    try:  # the document is plain JSON already (snapshot values, ISO dates): jsonable's walk was 9% of a GET
        return JSONResponse(data, status_code=status, headers=headers)
    except TypeError:  # a value json cannot write after all (a date a new field brought): convert it
        return JSONResponse(jsonable(data), status_code=status, headers=headers)


@router.get("", response_model=ReleasePageModel, summary="List and search releases (newest first)")
def list_releases(
    svc: Svc,
    search: Annotated[str | None, Query(max_length=L.SEARCH_QUERY, description="Full-text search")] = None,
    status: Annotated[str | None, Query(max_length=16)] = None,
    label: Annotated[str | None, Query(max_length=L.PARTY["name"])] = None,
    type: Annotated[str | None, Query(max_length=64, alias="type")] = None,  # noqa: A002
    genre: Annotated[str | None, Query(max_length=L.RELEASE["genre"])] = None,
    date_from: Annotated[date | None, Query(alias="from")] = None,
    date_to: Annotated[date | None, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=32)] = None,
    count: bool = False,
) -> Response:
    filters = ReleaseFilters(search=search or None, status=status or None, label=label or None,
                             release_type=type or None, date_from=date_from, date_to=date_to, genre=genre or None)
    page = svc.releases.list(filters, limit=limit, before_id=_before(cursor), count=count)
    rows = page.releases
    # Answered as JSON directly: the rows are ReleaseItem's fields already (plain values but the date), so
    # neither jsonable's walk nor the response model's validation (one more thread hop) is needed (issue 11)
    return JSONResponse({"items": [_item(r) for r in rows],
                         "next_cursor": _cursor(rows[-1].id) if len(rows) == limit else None,
                         "total": page.total if count else None})


_ITEM_FIELDS = tuple(ReleaseItem.model_fields)


def _item(row: Any) -> dict[str, Any]:
    """A listing row (``store.releases.ReleaseRow``) as ``ReleaseItem`` JSON."""
    item = dict(vars(row))  # ReleaseRow's fields are ReleaseItem's (a test compares them)
    if len(item) != len(_ITEM_FIELDS):
        item = {name: getattr(row, name) for name in _ITEM_FIELDS}
    if item["release_date"] is not None:
        item["release_date"] = item["release_date"].isoformat()
    return item


@router.post("", status_code=201, responses=WRITE_RESPONSES, summary="Create a draft release")
def create_release(body: ReleaseCreate, svc: Svc, response: Response) -> JSONResponse:
    values = body.model_dump(exclude_none=True)
    rid = svc.releases.create(**values)
    out = _release(svc, rid, response, 201)
    out.headers["Location"] = f"/releases/{rid}"
    return out


@router.get("/{ref}", summary="A release with its tracks, deals and assets (ETag = revision)",
            responses={304: {"description": "If-None-Match names the current revision"}})
def get_release(ref: F.Ref, svc: Svc, request: Request, response: Response) -> Response:
    if request.headers.get("if-none-match"):  # a cheap look at the revision before loading everything
        head = svc.releases.head(ref)
        if not_modified(request, head.revision):
            return Response(status_code=304, headers={"ETag": f'"{head.revision}"'})
    return _release(svc, ref, response)


@router.patch("/{ref}", responses=WRITE_RESPONSES, summary="Change fields (If-Match required)")
def patch_release(ref: F.Ref, body: ReleasePatch, svc: Svc, response: Response, if_match: IfMatch = None
                  ) -> JSONResponse:
    expected = expected_revision(if_match)
    values = body.model_dump(exclude_unset=True, exclude_none=True)
    label = values.pop("label", None)
    artists = values.pop("artists", None)
    saved = svc.releases.edit(ref, label=label, artists=artists, expected_revision=expected, **values)
    return _release(svc, saved.release_id, response)


@router.put("/{ref}/status", responses=WRITE_RESPONSES, response_model=Saved,
            summary="Set the status (ready is refused while blocking errors remain; If-Match required)")
def put_status(ref: F.Ref, body: StatusChange, svc: Svc, response: Response, if_match: IfMatch = None) -> Any:
    saved = svc.releases.set_status(ref, body.status, expected_revision=expected_revision(if_match))
    set_etag(response, saved.revision)
    return jsonable(saved)


@router.delete("/{ref}", status_code=204, responses=WRITE_RESPONSES,
               summary="Delete a never-delivered release (If-Match required)")
def delete_release(ref: F.Ref, svc: Svc, if_match: IfMatch = None) -> Response:
    svc.releases.delete(ref, expected_revision=expected_revision(if_match))
    return Response(status_code=204)


@router.get("/{ref}/readiness", summary="Readiness: blocking errors and warnings (as `stardust check --json`)")
def readiness(ref: F.Ref, svc: Svc,
              target: Annotated[str | None, Query(max_length=L.TARGET["name"])] = None,
              type: Annotated[str, Query(pattern="^(new|update|takedown|purge)$")] = "new",  # noqa: A002
              ) -> dict[str, Any]:
    return jsonable(svc.releases.check(ref, target=target, message_type=type).as_dict())


@router.get("/{ref}/history", response_model=list[Revision], summary="Revisions, oldest first")
def history(ref: F.Ref, svc: Svc) -> Any:
    return jsonable(svc.releases.history(ref))


@router.get("/{ref}/diff", summary="Field-level changes between two revisions (default: the last two)")
def diff(ref: F.Ref, svc: Svc, a: Annotated[int | None, Query(alias="from", ge=1, le=L.INT32_MAX)] = None,
         b: Annotated[int | None, Query(alias="to", ge=1, le=L.INT32_MAX)] = None) -> dict[str, Any]:
    return jsonable(svc.releases.diff(ref, a, b))


@router.get("/{ref}/tracks", summary="The tracks of a release, in disc/track order")
def tracks(ref: F.Ref, svc: Svc) -> list[dict[str, Any]]:
    return jsonable(svc.releases.show(ref)["tracks"])


@router.post("/{ref}/tracks", status_code=201, responses=WRITE_RESPONSES,
             summary="Append a track (next number on its disc unless given; If-Match required)")
def add_track(ref: F.Ref, body: TrackCreate, svc: Svc, response: Response, if_match: IfMatch = None) -> Any:
    added = svc.releases.add_track(ref, **body.model_dump(), expected_revision=expected_revision(if_match))
    set_etag(response, added.revision)
    return jsonable(added)


@router.post("/{ref}/deals", status_code=201, responses=WRITE_RESPONSES, summary="Add a deal (If-Match required)")
def add_deal(ref: F.Ref, body: DealCreate, svc: Svc, response: Response, if_match: IfMatch = None) -> Any:
    from stardust_tui.domain.validation import ALLOWED_COMMERCIAL_MODELS, ALLOWED_USE_TYPES

    values = body.model_dump()
    saved = svc.releases.add_deal(ref, territories=values["territories"], excluded=values["excluded"],
                                  models=_canonical(values["commercial_models"], ALLOWED_COMMERCIAL_MODELS),
                                  use_types=_canonical(values["use_types"], ALLOWED_USE_TYPES),
                                  start=values["start"], end=values["end"], price_tier=values["price_tier"],
                                  preorder=values["preorder"],
                                  instant_gratification=values["instant_gratification"],
                                  expected_revision=expected_revision(if_match))
    set_etag(response, saved.revision)
    return jsonable(saved)


def _track_target(svc: Svc, ref: str, track_id: int) -> int:
    """The release's id (a track of another release is refused by TrackService: 404, nothing saved)."""
    return svc.releases.head(ref).id


@router.patch("/{ref}/tracks/{track_id}", responses=WRITE_RESPONSES, response_model=Saved,
              summary="Change a track's fields or credits (If-Match: the release's ETag)")
def patch_track(ref: F.Ref, track_id: F.TrackId, body: TrackPatch, svc: Svc, response: Response,
                if_match: IfMatch = None) -> Any:
    from stardust_tui.domain.enums import CONTRIBUTOR_ROLES

    expected = expected_revision(if_match)
    values = body.model_dump(exclude_unset=True)
    if any(v is None for k, v in values.items() if k in ("title", "explicit", "credits")):
        raise Problem(422, "title, explicit and credits cannot be null (leave them out to keep them)", kind="invalid",
                      field=next(k for k in ("title", "explicit", "credits") if k in values and values[k] is None))
    if "credits" in values:
        known = {r.lower(): r for r in CONTRIBUTOR_ROLES}
        for i, c in enumerate(values["credits"]):
            if c["role"].strip().lower() not in known:
                raise Problem(422, f"unknown role {c['role']!r} (one of {', '.join(CONTRIBUTOR_ROLES)})",
                              kind="invalid", field=f"credits/{i}/role")
        values["credits"] = [(c["name"].strip(), known[c["role"].strip().lower()]) for c in values["credits"]]
    if not values:
        raise Problem(422, "nothing to change: send at least one field", kind="invalid")
    release_id = _track_target(svc, ref, track_id)
    revision = svc.tracks.update(release_id, track_id, values, expected_revision=expected)
    set_etag(response, revision)
    return {"release_id": release_id, "revision": revision, "status": svc.releases.head(release_id).status}


@router.delete("/{ref}/tracks/{track_id}", status_code=204, responses=WRITE_RESPONSES,
               summary="Remove a track; the rest of its disc is renumbered (If-Match: the release's ETag)")
def delete_track(ref: F.Ref, track_id: F.TrackId, svc: Svc, if_match: IfMatch = None) -> Response:
    expected = expected_revision(if_match)
    release_id = _track_target(svc, ref, track_id)
    revision = svc.tracks.delete(release_id, track_id, expected_revision=expected)
    return Response(status_code=204, headers={"ETag": f'"{revision}"'})
