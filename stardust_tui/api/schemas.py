"""Response models shared by the routes: what the OpenAPI document promises (and schemathesis checks)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ProblemModel(BaseModel):
    """RFC 9457 problem details."""

    model_config = ConfigDict(extra="allow")
    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    field: str | None = None
    errors: list[dict[str, Any]] | None = None


class ReleaseItem(BaseModel):
    id: int
    title: str
    display_artist: str
    upc: str | None
    release_type: str
    status: str
    release_date: date | None
    label_name: str | None
    last_delivery_state: str | None


class ReleasePageModel(BaseModel):
    items: list[ReleaseItem]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page.")
    total: int | None = Field(description="Releases matching the filters (only with ?count=true).")


class Revision(BaseModel):
    number: int
    at: datetime
    actor: str
    action: str
    summary: str
    content_hash: str


class Saved(BaseModel):
    release_id: int
    revision: int
    status: str = ""


class QueuedModel(BaseModel):
    delivery_id: int
    release_id: int
    title: str
    fresh: bool = Field(description="False when the identical delivery existed and was not queued again.")
    state: str


class TargetModel(BaseModel):
    id: int
    name: str
    url: str
    profile: str
    enabled: bool
    circuit_state: str
    consecutive_failures: int
    key_file: str | None = None
    known_hosts: str | None = None
    host_key: str | None = None
    trust_unknown_host: bool = False
    max_concurrency: int = 2
    circuit: str = ""
    secrets_set: list[str] | None = Field(default=None, description="Which secrets are set (never their values).")
    last_ack_poll_at: datetime | None = None
    releases_by_status: dict[str, int] | None = None


class Check(BaseModel):
    name: str
    ok: bool
    detail: str


class ReadyModel(BaseModel):
    ready: bool
    checks: list[Check]


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ProblemModel, "content": {"application/problem+json": {}}, "description": text}
    for code, text in ((400, "The body is not JSON"),
                       (401, "No, an unknown, a revoked or an expired API key"),
                       (403, "The key's scope does not allow this"),
                       (404, "Not found"),
                       (409, "Conflicts with what is stored"),
                       (422, "Invalid input (field paths in errors)"),
                       (429, "Rate limit reached (Retry-After)"),
                       (503, "The database cannot be used"))
}
WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **PROBLEM_RESPONSES,
    **{code: {"model": ProblemModel, "content": {"application/problem+json": {}}, "description": text}
       for code, text in ((412, "If-Match names an older revision: nothing was saved"),
                          (428, "If-Match is missing"))},
}
