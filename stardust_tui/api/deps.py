"""Request dependencies: the API key (``Authorization: Bearer sd_…`` or ``X-API-Key``), its rate limit,
the services acting as it, and ``ETag``/``If-Match`` revision handling.

Authentication (keys verified in the last second are trusted without a database read: ``api/state.py``),
the bucket and the scope check each refuse with a problem+json (401, 429 with
``Retry-After``, 403 from :meth:`Services.authorize`). The key's id is left in the request state so the
usage counter attributes the response to it.
"""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import Depends, Header, Request, Response

from stardust_tui.api.problems import Problem
from stardust_tui.api.state import ApiState
from stardust_tui.services import Services


def api_state(request: Request) -> ApiState:
    return request.app.state.api


def _token(request: Request) -> str | None:
    auth = request.headers.get("authorization")
    if auth:
        scheme, _, value = auth.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
        raise Problem(401, "use 'Authorization: Bearer sd_…'", kind="unauthenticated",
                      headers={"WWW-Authenticate": 'Bearer realm="stardust"'})
    return request.headers.get("x-api-key")


async def key_services(request: Request) -> Services:
    """Services acting as the request's API key (after authentication and its rate limit).

    A key verified in the last second comes from ``state.keys`` without a thread or a database read
    (``api/state.py``: the bounds on revocation); otherwise it is looked up in a worker thread."""
    from starlette.concurrency import run_in_threadpool

    from stardust_tui.services.apikeys import revocation_count, token_hash

    state = api_state(request)
    token = _token(request)
    digest = token_hash(token) if token else ""
    identity = state.keys.get(digest) if token else None
    if identity is None:
        revocations = revocation_count()
        identity = await run_in_threadpool(state.system.apikeys.authenticate, token)
        state.keys.put(digest, identity, revocations)
    request.state.key_id = identity.id
    wait = state.buckets.take(identity.id)
    if wait > 0:
        raise Problem(429, f"rate limit of API key {identity.name!r} reached ({state.buckets.rate:g} requests/s, "
                      f"burst {state.buckets.burst}); retry in {wait:.2f} s", kind="rate-limited",
                      headers={"Retry-After": str(max(1, math.ceil(wait)))})
    return state.services_for(identity.actor())


Svc = Annotated[Services, Depends(key_services)]
IfMatch = Annotated[str | None, Header(description='The release\'s ETag ("<revision>") the change is based on. '
                                       "Required: a stale one gets 412 and nothing is saved.")]


def etag(revision: int) -> str:
    return f'"{revision}"'


def set_etag(response: Response, revision: int) -> None:
    response.headers["ETag"] = etag(revision)


def expected_revision(if_match: str | None) -> int:
    """The revision an ``If-Match`` names (428 when it is missing: blind overwrites are refused)."""
    if if_match is None:
        raise Problem(428, "send If-Match with the release's ETag (GET it first); changes based on an unknown "
                      "revision are refused", kind="precondition-required", field="If-Match")
    value = if_match.strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    if not (value.isascii() and value.isdigit() and len(value) <= 10):
        raise Problem(412, f"If-Match {if_match!r} is not an ETag of a release revision", kind="stale-revision",
                      field="If-Match")
    return int(value)


def not_modified(request: Request, revision: int) -> bool:
    """Whether ``If-None-Match`` already names this revision (answer 304)."""
    header = request.headers.get("if-none-match")
    if not header:
        return False
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return etag(revision) in tags or "*" in tags


def clamp_wait(seconds: float) -> int:
    return max(1, math.ceil(seconds))
