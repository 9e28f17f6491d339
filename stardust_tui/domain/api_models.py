"""SQLModel tables of the HTTP API (issue 11): API keys, their daily usage, and idempotent requests.

An API key is shown once (``sd_<id>_<secret>``) and kept only as a SHA-256 of the whole token: the
secret part is 256 random bits, so a plain hash (no slow KDF) is enough and keeps each request's lookup
cheap. ``scope`` is one of the four access levels of :mod:`stardust_tui.services.actor`; ``labels``
(None: every label) narrows what the key may see. Usage is counted per key per UTC day. An
``idempotent_request`` remembers what a ``POST`` with an ``Idempotency-Key`` header answered, so a client
retrying after a timeout gets the same deliveries instead of new ones.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from stardust_tui.domain.models import utcnow

API_KEY: dict[str, int] = {"name": 100, "prefix": 32, "hash": 64, "scope": 16, "label": 500}
IDEMPOTENCY_KEY = 200
"""The longest ``Idempotency-Key`` header value kept (the IETF draft suggests a UUID)."""


class ApiKey(SQLModel, table=True):
    """A key a client of the HTTP API authenticates with (the secret itself is never stored)."""

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True, max_length=API_KEY["name"])
    prefix: str = Field(max_length=API_KEY["prefix"])  # "sd_12_ab3f", shown in listings to tell keys apart
    token_hash: str = Field(unique=True, index=True, max_length=API_KEY["hash"])  # SHA-256 hex of the token
    scope: str = Field(max_length=API_KEY["scope"])  # read | write | deliver | admin
    labels: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None


class ApiUsage(SQLModel, table=True):
    """Requests one key made on one UTC day, and how many of them were refused (4xx/429)."""

    __tablename__ = "api_usage"
    __table_args__ = (UniqueConstraint("key_id", "day", name="uq_api_usage_key_day"),)

    id: int | None = Field(default=None, primary_key=True)
    key_id: int = Field(foreign_key="api_key.id", index=True, ondelete="CASCADE")
    day: date
    requests: int = 0
    refused: int = 0
    limited: int = 0


class IdempotentRequest(SQLModel, table=True):
    """The answer to one ``Idempotency-Key`` of one key (kept 24 h), replayed for a retried request."""

    __tablename__ = "idempotent_request"
    __table_args__ = (UniqueConstraint("key_id", "idempotency_key", name="uq_idempotent_request"),)

    id: int | None = Field(default=None, primary_key=True)
    key_id: int = Field(foreign_key="api_key.id", index=True, ondelete="CASCADE")
    idempotency_key: str = Field(max_length=IDEMPOTENCY_KEY)
    fingerprint: str = Field(max_length=64)  # SHA-256 of method, path and body: a reused key with another body
    status_code: int = 200
    response: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, index=True)
