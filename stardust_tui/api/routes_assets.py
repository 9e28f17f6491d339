"""``/assets``: streamed upload (size limit, SHA-256 check; optionally attached to a track or as a cover),
facts and QC of one asset, listing, and download — through :class:`~stardust_tui.services.assets.AssetService`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, JSONResponse
from starlette.concurrency import run_in_threadpool

from stardust_tui.api import fields as F
from stardust_tui.api import uploads
from stardust_tui.api.deps import Svc
from stardust_tui.api.schemas import PROBLEM_RESPONSES, ProblemModel
from stardust_tui.domain import limits as L
from stardust_tui.jsonable import jsonable

router = APIRouter(prefix="/assets", tags=["assets"], responses=PROBLEM_RESPONSES)
BINARY_BODY = {"requestBody": {"required": True, "content": {"application/octet-stream": {
    "schema": {"type": "string", "format": "binary"}}}}}


def _detail(d: Any) -> dict[str, Any]:
    return {"asset": jsonable(d.asset), "used_by": d.used_by, "passed": d.passed, "file_problem": d.file_problem,
            "findings": [jsonable(f.as_dict() if hasattr(f, "as_dict") else f) for f in d.findings]}


@router.post("", status_code=201, openapi_extra=BINARY_BODY,
             responses={200: {"description": "These bytes were stored before (already_stored: true)"},
                        413: {"model": ProblemModel, "content": {"application/problem+json": {}},
                              "description": "Larger than the upload limit"}},
             summary="Upload a file (the body); store it once by content; optionally attach it")
async def upload(
    request: Request,
    svc: Svc,
    filename: Annotated[str | None, Query(max_length=L.ASSET["original_name"])] = None,
    sha256: Annotated[str | None, Query(max_length=64, description="The body's SHA-256 (hex), checked")] = None,
    release: Annotated[str | None, Query(max_length=64, description="Attach audio to this release's track")] = None,
    track: Annotated[int | None, Query(ge=L.TRACK_NUMBER.lo, le=L.TRACK_NUMBER.hi)] = None,
    disc: Annotated[int, Query(ge=L.DISC_NUMBER.lo, le=L.DISC_NUMBER.hi)] = 1,
    cover: Annotated[str | None, Query(max_length=64, description="Make the image this release's cover")] = None,
) -> JSONResponse:
    svc.authorize("asset.write")  # before reading a possibly large body
    state = request.app.state.api
    expected = uploads.claimed_sha256(request, sha256)
    name = uploads.clean_name(filename, "upload.bin")
    with uploads.incoming_dir(state.settings.paths.assets_dir) as folder:
        got = await uploads.receive(request, folder, name, max_bytes=state.max_upload, expected=expected)
        added = await run_in_threadpool(svc.assets.add, [got.path], release=release, track=track, disc=disc,
                                        cover=cover)
    a = added[0]
    body = {"asset": jsonable(a.asset), "already_stored": a.already_stored, "attached": a.attached,
            "findings": [jsonable(f.as_dict() if hasattr(f, "as_dict") else f) for f in a.findings]}
    return JSONResponse(body, status_code=200 if a.already_stored else 201,
                        headers={"Location": f"/assets/{a.asset.id}"})


@router.get("", summary="Stored assets, newest first")
def list_assets(svc: Svc, kind: Annotated[str | None, Query(pattern="^(audio|image|video|text|other)$")] = None,
                limit: Annotated[int, Query(ge=1, le=500)] = 50,
                offset: Annotated[int, Query(ge=0, le=L.INT32_MAX)] = 0) -> dict[str, Any]:
    page = svc.assets.list(kind=kind, limit=limit, offset=offset)
    return {"total": page.total, "items": jsonable(page.assets)}


@router.get("/{ref}", summary="One asset (id or SHA-256): facts, where it is used, QC verdict")
def show_asset(ref: F.AssetRef, svc: Svc) -> dict[str, Any]:
    return _detail(svc.assets.show(ref))


@router.get("/{ref}/content", summary="Download the stored file",
            responses={200: {"content": {"application/octet-stream": {}}, "description": "The file's bytes"}})
def download(ref: F.AssetRef, svc: Svc) -> FileResponse:
    asset, path = svc.assets.locate(ref)
    return FileResponse(path, media_type="application/octet-stream", filename=asset.original_name,
                        headers={"ETag": f'"{asset.sha256}"', "Repr-Digest": f"sha-256=:{_b64(asset.sha256)}:"})


def _b64(hex_digest: str) -> str:
    import base64

    return base64.b64encode(bytes.fromhex(hex_digest)).decode()
