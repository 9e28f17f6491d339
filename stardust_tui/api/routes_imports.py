"""``/imports`` (upload a CSV/TSV/xlsx/JSON/ERN file: a dry-run report or an import run, as ``stardust import
catalog``) and ``/acks/{target}`` (DSPs post acknowledgements, authenticated by the target's ACK token).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from stardust_tui.api import fields as F
from stardust_tui.api import uploads
from stardust_tui.api.deps import Svc
from stardust_tui.api.routes_ern import XML_BODY
from stardust_tui.api.schemas import PROBLEM_RESPONSES, ProblemModel
from stardust_tui.domain import limits as L

router = APIRouter(tags=["imports"], responses=PROBLEM_RESPONSES)
FILE_BODY = {"requestBody": {"required": True, "content": {
    "text/csv": {"schema": {"type": "string"}}, "application/json": {"schema": {}},
    "application/xml": {"schema": {"type": "string"}},
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}
_EXT = {"csv": ".csv", "xlsx": ".xlsx", "json": ".json", "ddex": ".xml"}
MAX_ACK_BYTES = 10 * 1024 * 1024


@router.post("/imports", openapi_extra=FILE_BODY,
             responses={413: {"model": ProblemModel, "content": {"application/problem+json": {}},
                              "description": "Larger than the upload limit"}},
             summary="Import a catalog file (the body): a dry-run report, or the import (all or nothing)")
async def import_catalog(
    request: Request, svc: Svc,
    format: Annotated[str | None, Query(pattern="^(csv|xlsx|json|ddex)$")] = None,  # noqa: A002
    filename: Annotated[str | None, Query(max_length=200)] = None,
    dry_run: bool = True, update: bool = False, partial: bool = False,
    sha256: Annotated[str | None, Query(max_length=64)] = None,
) -> JSONResponse:
    from stardust_tui.importexport.options import ImportOptions

    svc.authorize("release.write")
    state = request.app.state.api
    default = "catalog" + _EXT.get(format or "", ".csv")
    name = uploads.clean_name(filename, default)
    with uploads.incoming_dir(state.settings.paths.assets_dir) as folder:
        got = await uploads.receive(request, folder, name, max_bytes=state.max_upload,
                                    expected=uploads.claimed_sha256(request, sha256))
        options = ImportOptions(format=format, dry_run=dry_run, update=update, partial=partial)
        report = await run_in_threadpool(svc.imports.catalog, got.path, options)
    body = json.loads(report.to_json())
    failed = bool(getattr(report, "rolled_back", False)) or (bool(report.error_count) and not partial)
    return JSONResponse(body, status_code=422 if failed and not dry_run else 200)


@router.post("/acks/{target}", tags=["acks"], openapi_extra=XML_BODY, status_code=201,
             summary="A DSP posts an acknowledgement (Authorization: Bearer <the target's ack_token>)")
async def receive_ack(request: Request, target: F.TargetRef,
                      name: Annotated[str | None, Query(max_length=L.TARGET["name"] * 2)] = None) -> JSONResponse:
    from stardust_tui.jsonable import jsonable
    from stardust_tui.services.ack_inbox import AckInbox

    state = request.app.state.api
    auth = request.headers.get("authorization", "")
    scheme, _, credentials = auth.partition(" ")
    token = credentials.strip() if scheme.lower() == "bearer" else None
    inbox = AckInbox(state.system)
    await run_in_threadpool(inbox.authenticate, target, token)  # before reading what a stranger sends
    with uploads.incoming_dir(state.settings.paths.assets_dir) as folder:
        got = await uploads.receive(request, folder, "ack.xml", max_bytes=MAX_ACK_BYTES, expected=None)
        data = got.path.read_bytes()
    file_name = uploads.clean_name(name, "") or None
    received = await run_in_threadpool(inbox.receive, target, token, data, file_name)
    body: dict[str, Any] = jsonable(received)
    return JSONResponse(body, status_code=201 if received.recorded else 200)
