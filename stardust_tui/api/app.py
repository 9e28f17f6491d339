"""The FastAPI application: ``create_app(settings)`` wires state, error handlers, middleware and routes.

The middleware (plain ASGI, so streamed responses and SSE pass through untouched) times every request,
counts it by route template and status for ``/metrics``, and adds it to its API key's daily usage.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI

from stardust_tui import __version__
from stardust_tui.api import problems
from stardust_tui.api.metrics import Metrics
from stardust_tui.api.state import DEFAULT_BURST, DEFAULT_MAX_UPLOAD_MB, DEFAULT_RATE, ApiState, TokenBuckets

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from stardust_tui.config import Settings

DESCRIPTION = """Stardust's catalog, ERN messages and deliveries for other systems.

Authenticate with an API key (`stardust apikey create NAME --scope read|write|deliver|admin`) sent as
`Authorization: Bearer sd_…`. Errors are RFC 9457 `application/problem+json`. A release's `ETag` is its
revision: send it back as `If-Match` with every change (a stale one gets 412, nothing is saved)."""


class ObserveMiddleware:
    """Per request: duration and status by route template (metrics) and the API key's usage count."""

    def __init__(self, app: Any, state: ApiState, metrics: Metrics) -> None:
        self.app, self.state, self.metrics = app, state, metrics

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [500]

        async def sending(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.observe(template, scope.get("method", ""), status[0], time.perf_counter() - started)
            key_id = scope.get("state", {}).get("key_id")
            if key_id is not None:
                self.state.usage.count(key_id, status[0])


def create_app(settings: Settings, engine: Engine | None = None, *, rate: float | None = None,
               burst: int | None = None, max_upload_mb: float | None = None) -> FastAPI:
    """The API over ``settings``' store (``engine``: an open one, else the configured store is opened)."""
    from stardust_tui.api import (
        routes_assets,
        routes_deliveries,
        routes_ern,
        routes_health,
        routes_imports,
        routes_releases,
        routes_targets,
    )
    from stardust_tui.services import Services
    from stardust_tui.services.actor import Actor

    actor = Actor("stardust-api", kind="worker")
    system = (Services.opening_store(settings, actor=actor) if engine is None
              else Services(settings=settings, engine_source=engine, actor=actor))
    engine = system.store_engine  # the configured store is opened (created or upgraded) now, not per request
    cfg = settings.api
    state = ApiState(settings=settings, engine=engine, system=system,
                     buckets=TokenBuckets(rate or cfg.get("rate", DEFAULT_RATE),
                                          burst or cfg.get("burst", DEFAULT_BURST)),
                     max_upload=int((max_upload_mb or cfg.get("max_upload_mb", DEFAULT_MAX_UPLOAD_MB)) * 1e6))
    metrics = Metrics(system, api=True)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        state.start_flusher()
        try:
            yield
        finally:
            state.stop_flusher()

    app = FastAPI(title="Stardust API", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    app.state.api = state
    app.state.metrics = metrics
    problems.install(app)
    for module in (routes_health, routes_releases, routes_assets, routes_ern, routes_targets, routes_deliveries,
                   routes_imports):
        app.include_router(module.router)
    app.add_middleware(ObserveMiddleware, state=state, metrics=metrics)
    return app
