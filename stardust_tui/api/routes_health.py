"""``/health`` (the process answers), ``/ready`` (named checks, 503 unless all pass) and ``/metrics``.

No API key: probes and scrapers call these (serve the API on loopback or behind a proxy that limits who
reaches them). The checks and numbers come from :class:`~stardust_tui.services.health.HealthService`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from stardust_tui.api.metrics import CONTENT_TYPE
from stardust_tui.api.schemas import ReadyModel
from stardust_tui.jsonable import jsonable

router = APIRouter(tags=["health"])


@router.get("/health", summary="The process is alive")
def health() -> dict[str, Any]:
    return {"status": "ok"}


@router.get("/ready", response_model=ReadyModel, summary="Ready to serve: every named check passes",
            responses={503: {"model": ReadyModel, "description": "A check failed (named in the body)"}})
def ready(request: Request) -> JSONResponse:
    checks = request.app.state.api.system.health.checks()
    ok = all(c.ok for c in checks)
    return JSONResponse({"ready": ok, "checks": jsonable(checks)}, status_code=200 if ok else 503)


@router.get("/metrics", summary="Prometheus metrics (text format)",
            responses={200: {"content": {CONTENT_TYPE: {}}, "description": "Prometheus text exposition"}})
def metrics(request: Request) -> Response:
    return Response(request.app.state.metrics.render(), media_type=CONTENT_TYPE)
