"""DDEX ERN and delivery profiles: build a release's message, validate an uploaded message (the report of
``stardust ern validate --json``), list and show profiles — through ``ErnService`` and ``ProfileService``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from stardust_tui.api import fields as F
from stardust_tui.api import uploads
from stardust_tui.api.deps import Svc
from stardust_tui.api.routes_assets import BINARY_BODY
from stardust_tui.api.schemas import PROBLEM_RESPONSES
from stardust_tui.domain import limits as L
from stardust_tui.jsonable import jsonable

router = APIRouter(tags=["ern"], responses=PROBLEM_RESPONSES)
MAX_MESSAGE_BYTES = 200 * 1024 * 1024
XML_BODY = {"requestBody": {"required": True, "content": {
    "application/xml": {"schema": {"type": "string"}},
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}
_ = BINARY_BODY


@router.get("/releases/{ref}/ern", summary="Build the release's ERN message (XML, or JSON with the report)",
            responses={200: {"content": {"application/xml": {}, "application/json": {}},
                             "description": "The message (format=xml) or the message and its report (json)"}})
def build(ref: F.Ref, svc: Svc,
          version: Annotated[str | None, Query(pattern=r"^(3\.8\.2|4\.2|4\.3)$")] = None,
          type: Annotated[str, Query(pattern="^(new|update|takedown|purge)$")] = "new",  # noqa: A002
          profile: Annotated[str | None, Query(max_length=L.TARGET["profile"])] = None,
          test: bool = False,
          format: Annotated[str, Query(pattern="^(xml|json)$")] = "xml",  # noqa: A002
          ) -> Response:
    msg = svc.ern.build(ref, version, type, profile=profile, test=test, validate=True)
    valid = None if msg.report is None else bool(msg.report.ok)
    if format == "json":
        from fastapi.responses import JSONResponse

        return JSONResponse({"release_id": msg.release_id, "version": msg.version, "message_type": msg.message_type,
                             "file_name": msg.file_name, "valid": valid, "notes": msg.notes,
                             "report": msg.report.as_dict() if msg.report is not None else None, "xml": msg.text})
    headers = {"Content-Disposition": f'attachment; filename="{msg.file_name}"'}
    if valid is not None:
        headers["X-Stardust-Valid"] = "true" if valid else "false"
    return Response(msg.data, media_type="application/xml", headers=headers)


@router.post("/ern/validate", openapi_extra=XML_BODY,
             summary="Validate an ERN message (XSD + business rules): the report of `ern validate --json`")
async def validate(request: Request, svc: Svc,
                   name: Annotated[str | None, Query(max_length=200)] = None, rules: bool = True) -> dict[str, Any]:
    svc.authorize("release.read")
    file_name = uploads.clean_name(name, "message.xml")
    with uploads.incoming_dir(request.app.state.api.settings.paths.assets_dir) as folder:
        got = await uploads.receive(request, folder, file_name, max_bytes=MAX_MESSAGE_BYTES, expected=None)
        data = got.path.read_bytes()
    reports = await run_in_threadpool(svc.ern.validate, [(file_name, data)], rules=rules)
    return {"valid": all(r.ok for r in reports), "files": [r.as_dict() for r in reports]}


@router.get("/profiles", tags=["profiles"], summary="Delivery profiles (shipped and the user's)")
def profiles(svc: Svc) -> dict[str, Any]:
    found, errors = svc.profiles.list()
    return {"profiles": jsonable(found), "errors": errors}


@router.get("/profiles/{name}", tags=["profiles"], summary="One delivery profile with every setting")
def profile(name: Annotated[str, Path(min_length=1, max_length=L.TARGET["profile"])], svc: Svc) -> Any:
    return jsonable(svc.profiles.get(name))
