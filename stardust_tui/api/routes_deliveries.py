"""``/deliveries``: queue (with ``Idempotency-Key``), list, show, retry, cancel, and the event log as a live
Server-Sent-Events stream — through :class:`~stardust_tui.services.deliveries.DeliveryService`.

Queueing runs the delivery's own pre-flight (``stardust check --target``) for every release and queues
all or nothing, exactly as ``stardust deliver``. A retried POST with the same ``Idempotency-Key`` (same
key, same body, within 24 h) gets the first answer again (``Idempotent-Replayed: true``).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from stardust_tui.api import fields as F
from stardust_tui.api.deps import Svc
from stardust_tui.api.problems import Problem
from stardust_tui.api.schemas import PROBLEM_RESPONSES, QueuedModel
from stardust_tui.domain import limits as L
from stardust_tui.domain.api_models import IDEMPOTENCY_KEY
from stardust_tui.errors import NotFoundError
from stardust_tui.jsonable import jsonable

KEEPALIVE_S = 15.0
"""Seconds between ``: keep-alive`` comments on a quiet event stream."""
router = APIRouter(prefix="/deliveries", tags=["deliveries"], responses=PROBLEM_RESPONSES)
DeliveryId = Annotated[int, F.PathParam(ge=L.ID.lo, le=L.ID.hi)]


class DeliveryRequest(BaseModel):
    """The arguments of ``stardust deliver``."""

    releases: list[Annotated[str, *F.text_rules(64, required=True)]] = Field(min_length=1, max_length=1000,
                                                      description="Release ids, UPCs or GRids")
    target: F.TargetName
    type: str = Field(default="new", pattern="^(new|update|takedown|purge)$")
    at: datetime | None = Field(default=None, description="Do not start before (ISO 8601)")
    priority: F.Priority = 0
    resend: bool = False


def _fingerprint(request: Request, body: DeliveryRequest) -> str:
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{request.method} {request.url.path} {canonical}".encode()).hexdigest()


@router.post("", status_code=201, response_model=list[QueuedModel],
             summary="Check and queue releases to a target (all or nothing; idempotent)")
def queue(body: DeliveryRequest, svc: Svc, request: Request,
          idempotency_key: Annotated[str | None, Header(max_length=IDEMPOTENCY_KEY, min_length=1)] = None
          ) -> JSONResponse:
    key_id = request.state.key_id
    fingerprint = _fingerprint(request, body)
    if idempotency_key is not None:
        earlier = svc.apikeys.replay(key_id, idempotency_key, fingerprint)
        if earlier is not None:
            return JSONResponse(earlier[1], status_code=earlier[0], headers={"Idempotent-Replayed": "true"})
    queued = svc.deliveries.queue(body.releases, body.target, message_type=body.type, at=body.at,
                                  priority=body.priority, resend=body.resend)
    status, data = (201 if any(q.fresh for q in queued) else 200), jsonable(queued)
    if idempotency_key is not None:
        status, data = svc.apikeys.remember(key_id, idempotency_key, fingerprint, status, data)
    return JSONResponse(data, status_code=status)


@router.get("", summary="Deliveries newest first, narrowed by state, target and release")
def find(svc: Svc, state: Annotated[str | None, Query(max_length=16)] = None,
         target: Annotated[str | None, Query(max_length=L.TARGET["name"])] = None,
         release: Annotated[str | None, Query(max_length=64)] = None,
         limit: Annotated[int, Query(ge=1, le=1000)] = 50) -> list[dict[str, Any]]:
    return [{**jsonable(r.as_dict()), "display_state": r.display_state}
            for r in svc.deliveries.find(state=state or None, target=target or None, release=release or None,
                                         limit=limit)]


@router.get("/{delivery_id}", summary="A delivery: state, steps, latest events, ACKs")
def show(delivery_id: DeliveryId, svc: Svc) -> dict[str, Any]:
    return jsonable(svc.delivery_history.detail(delivery_id))


@router.post("/{delivery_id}/retry", summary="Queue a failed or cancelled delivery again (done steps are kept)")
def retry(delivery_id: DeliveryId, svc: Svc) -> dict[str, Any]:
    svc.deliveries.retry(delivery_id)
    return {"delivery_id": delivery_id, "state": svc.deliveries.state_of(delivery_id)}


@router.post("/{delivery_id}/cancel", summary="Cancel a queued, waiting or running delivery")
def cancel(delivery_id: DeliveryId, svc: Svc) -> dict[str, Any]:
    before = svc.deliveries.cancel(delivery_id)
    return {"delivery_id": delivery_id, "previous_state": before, "state": svc.deliveries.state_of(delivery_id)}


@router.get("/{delivery_id}/events", summary="The event log as Server-Sent Events, live until the delivery ends",
            responses={200: {"content": {"text/event-stream": {}}, "description": "event: delivery (JSON data) "
                             "per log event, then event: end with the final state"}})
def events(delivery_id: DeliveryId, svc: Svc, live: bool = True,
           last_event_id: Annotated[str | None, Header(max_length=20)] = None) -> StreamingResponse:
    if svc.deliveries.state_of(delivery_id) is None:
        raise NotFoundError(f"no delivery with id {delivery_id}")
    skip = 0
    if last_event_id:
        if not (last_event_id.isascii() and last_event_id.isdigit()):
            raise Problem(422, "Last-Event-ID is the id of an event this stream sent", field="Last-Event-ID")
        skip = int(last_event_id)
    gone = threading.Event()
    lines = svc.deliveries.follow(delivery_id, live=live, stop=gone.is_set)

    async def stream() -> AsyncIterator[str]:
        # The log is read with blocking I/O in a worker thread, one event at a time; when the client goes
        # away Starlette cancels this generator and `gone` stops the reader thread within a second.
        n, pending = 0, None
        try:
            yield ": stardust delivery events\n\n"
            while True:
                if pending is None:
                    pending = asyncio.ensure_future(run_in_threadpool(next, lines, None))
                done, _ = await asyncio.wait({pending}, timeout=KEEPALIVE_S)
                if not done:  # a comment line: proxies keep the stream open, and a gone client is noticed
                    yield ": keep-alive\n\n"
                    continue
                event, pending = pending.result(), None
                if event is None:
                    break
                n += 1
                if n <= skip:
                    continue
                data = json.dumps(jsonable(event), ensure_ascii=False)
                yield f"id: {n}\nevent: delivery\ndata: {data}\n\n"
            final = await run_in_threadpool(svc.deliveries.state_of, delivery_id)
            yield f"event: end\ndata: {json.dumps({'delivery_id': delivery_id, 'state': final})}\n\n"
        finally:
            gone.set()
            if pending is not None:
                pending.cancel()

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
