"""RFC 9457 ``application/problem+json`` errors: what went wrong, where (field paths), never a traceback.

A :class:`~stardust_tui.errors.StardustError` keeps its one-line message and its ``where`` (the field,
option or file it is about) becomes ``field`` plus a JSON pointer in ``errors``. Request validation errors
(a missing field, a wrong type) list every field path. Anything unexpected is logged with its traceback
on the server under an id, and the client gets a 500 naming that id only.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterable
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from stardust_tui.errors import (
    AuthenticationError,
    ConfigError,
    ConflictError,
    NotFoundError,
    PermissionDenied,
    StaleRevisionError,
    StardustError,
    StoreError,
    ValidationError,
)

log = logging.getLogger("stardust.api")
MEDIA_TYPE = "application/problem+json"
BASE = "https://stardust.invalid/problems/"
"""Problem types are URIs naming the kind (RFC 9457 §3.1.1); they identify, they are not fetched."""

_STATUS: tuple[tuple[type[StardustError], int, str], ...] = (
    (StaleRevisionError, 412, "stale-revision"),
    (AuthenticationError, 401, "unauthenticated"),
    (PermissionDenied, 403, "forbidden"),
    (NotFoundError, 404, "not-found"),
    (ConflictError, 409, "conflict"),
    (ValidationError, 422, "invalid"),
    (StoreError, 503, "store-unavailable"),
    (ConfigError, 500, "configuration"),
)
_TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
           409: "Conflict", 412: "Precondition failed", 413: "Content too large", 415: "Unsupported media type",
           422: "Unprocessable content", 428: "Precondition required", 429: "Too many requests",
           500: "Internal server error", 503: "Service unavailable"}
_FIELD = re.compile(r"[A-Za-z_][\w.\-]*(\[\d+\])?([.][\w\-]+)*")
_CLI_FIELDS = {"territory": "territories", "model": "commercial_models", "use-type": "use_types",
               "instant-grat": "instant_gratification", "type": "release_type", "date": "release_date",
               "audio": "audio_id", "p-line": "p_line", "c-line": "c_line"}


class Problem(Exception):
    """Raised by routes for HTTP-level refusals (413, 415, 428, 429...) that are not service errors."""

    def __init__(self, status: int, detail: str, *, kind: str | None = None, field: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.kind, self.field, self.headers = status, detail, kind, field, headers


def api_field(where: str | None) -> str | None:
    """The API's name of what a service error is about: ``--instant-grat`` -> ``instant_gratification``."""
    if not where:
        return None
    if where.startswith("--"):
        name = where[2:]
        return _CLI_FIELDS.get(name, name.replace("-", "_"))
    return where


def problem(status: int, detail: str, *, kind: str | None = None, field: str | None = None,
            errors: Iterable[dict[str, Any]] | None = None, headers: dict[str, str] | None = None,
            instance: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {"type": BASE + (kind or str(status)), "title": _TITLES.get(status, "Error"),
                            "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    if field:
        body["field"] = field
    listed = list(errors or ([{"pointer": "/" + field.replace(".", "/"), "detail": detail}] if field else []))
    if listed:
        body["errors"] = listed
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def from_stardust(exc: StardustError, request: Request | None = None) -> JSONResponse:
    status, kind = next(((st, k) for cls, st, k in _STATUS if isinstance(exc, cls)), (422, "refused"))
    headers = {"WWW-Authenticate": 'Bearer realm="stardust"'} if status == 401 else None
    field = "If-Match" if isinstance(exc, StaleRevisionError) else api_field(exc.where)
    detail = exc.message
    if field is not None and not _FIELD.fullmatch(field):  # "release 3", a file name: context, not a field
        detail, field = f"{field}: {detail}", None
    return problem(status, detail, kind=kind, field=field, headers=headers,
                   instance=request.url.path if request else None)


def _loc(loc: Iterable[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:] if parts[0] == "body" else parts
    return ".".join(parts) or "body"


def _message(error: dict[str, Any]) -> str:
    """A validation error's sentence: the domain check's own words for a ValueError it raised."""
    raised = (error.get("ctx") or {}).get("error")
    if isinstance(raised, ValueError) and str(raised):
        return str(raised)
    return str(error.get("msg", "invalid"))


def install(app: Any) -> None:
    """Register the handlers on a FastAPI app."""

    @app.exception_handler(StardustError)
    async def stardust_error(request: Request, exc: StardustError) -> JSONResponse:
        return from_stardust(exc, request)

    @app.exception_handler(Problem)
    async def http_problem(request: Request, exc: Problem) -> JSONResponse:
        return problem(exc.status, exc.detail, kind=exc.kind, field=exc.field, headers=exc.headers,
                       instance=request.url.path)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        broken = next((e for e in exc.errors() if e.get("type") == "json_invalid"), None)
        if broken is not None:  # loc is ("body", <character offset>): no field to name
            loc = broken.get("loc", ())
            where = f" at character {loc[-1]}" if len(loc) > 1 and isinstance(loc[-1], int) else ""
            reason = (broken.get("ctx") or {}).get("error") or "JSON decode error"
            detail = f"the body is not valid JSON: {reason}{where}"
            return problem(422, detail, kind="invalid", errors=[{"pointer": "", "detail": detail}],
                           instance=request.url.path)
        errors = [{"pointer": "/" + _loc(e.get("loc", ())).replace(".", "/"), "field": _loc(e.get("loc", ())),
                   "detail": _message(e)} for e in exc.errors()]
        first = errors[0] if errors else {"field": "body", "detail": "invalid request"}
        detail = f"{first['field']}: {first['detail']}" + (f" (+{len(errors) - 1} more)" if len(errors) > 1 else "")
        return problem(422, detail, kind="invalid", field=first["field"], errors=errors, instance=request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "Error")
        return problem(exc.status_code, detail, headers=getattr(exc, "headers", None), instance=request.url.path)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        incident = uuid.uuid4().hex[:12]
        log.error("internal error %s on %s %s", incident, request.method, request.url.path, exc_info=exc)
        return problem(500, f"internal error (incident {incident}; the server log has the details)",
                       kind="internal", instance=request.url.path)
