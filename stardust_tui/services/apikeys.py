"""API keys of the HTTP API: create (the token is shown once), list, revoke, usage, and authenticate.

The one implementation behind ``stardust apikey …`` and the API's authentication. A token is
``sd_`` + 256 random bits (URL-safe base64); only its SHA-256 is stored (``domain/api_models.py``), so a
leaked database does not leak usable keys. :meth:`ApiKeyService.authenticate` turns a presented token into
the :class:`~stardust_tui.services.actor.Actor` the request's services act as (its scope is the actor's one
role, enforced by :meth:`Services.authorize`). Usage is counted per key per UTC day by
:meth:`ApiKeyService.record_usage`, which the API calls in batches.
"""

from __future__ import annotations

import builtins
import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from stardust_tui.errors import AuthenticationError, ConflictError, NotFoundError, ValidationError
from stardust_tui.services.actor import LEVELS, Actor
from stardust_tui.store.db import read_tx, session_scope

if TYPE_CHECKING:
    from stardust_tui.services import Services

TOKEN_PREFIX = "sd_"
_revocations = [0]
"""Revocations made by this process (``revocation_count``): a cache of verified keys (the API's) drops what
it holds when this changes, so a key revoked here stops working at once."""
IDEMPOTENCY_TTL = timedelta(hours=24)
_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@")


@dataclass(frozen=True)
class ApiKeyRow:
    """A key as listings show it (never the token or its hash)."""

    id: int
    name: str
    prefix: str
    scope: str
    labels: list[str] | None
    created_by: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None

    @property
    def state(self) -> str:
        """``active``, ``revoked`` or ``expired`` (now)."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and _aware(self.expires_at) <= datetime.now(UTC):
            return "expired"
        return "active"


@dataclass(frozen=True)
class CreatedKey:
    """A new key and its token: the only time the token exists outside the client."""

    key: ApiKeyRow
    token: str


@dataclass(frozen=True)
class UsageRow:
    key: str
    day: date
    requests: int
    refused: int
    limited: int


@dataclass(frozen=True)
class KeyIdentity:
    """Who a valid token belongs to: what the API needs per request."""

    id: int
    name: str
    scope: str
    labels: tuple[str, ...] | None
    expires_at: datetime | None = None
    """When it stops working (aware UTC), for a cache of verified keys to check on every use."""

    def actor(self) -> Actor:
        return Actor.api_key(self.name, scope=self.scope, labels=self.labels)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _row(k) -> ApiKeyRow:  # noqa: ANN001 - an ApiKey table row
    return ApiKeyRow(int(k.id), k.name, k.prefix, k.scope, list(k.labels) if k.labels is not None else None,
                     k.created_by, k.created_at, k.expires_at, k.revoked_at, k.last_used_at)


@lru_cache(maxsize=1)
def _by_hash() -> Any:
    """The columns ``authenticate`` needs of the key with a token hash (built once: the statement cache hits)."""
    from sqlalchemy import bindparam, select

    from stardust_tui.domain.api_models import ApiKey
    from stardust_tui.store.sqltypes import table

    t = table(ApiKey)
    return select(t.c.id, t.c.name, t.c.token_hash, t.c.scope, t.c.labels, t.c.expires_at, t.c.revoked_at
                  ).where(t.c.token_hash == bindparam("digest"))


def revocation_count() -> int:
    """How many revocations this process has made (caches of verified keys compare it)."""
    return _revocations[0]


def expiry_moment(expires: date | datetime | None) -> datetime | None:
    """A key given ``--expires 2027-01-31`` stops working at the start of that day (UTC)."""
    if expires is None:
        return None
    if isinstance(expires, datetime):
        return _aware(expires)
    return datetime.combine(expires, time(0, 0), tzinfo=UTC)


class ApiKeyService:
    def __init__(self, services: Services) -> None:
        self.services = services

    # -- administration ------------------------------------------------------------------------------------
    def create(self, name: str, *, scope: str, labels: Sequence[str] = (),
               expires: date | datetime | None = None) -> CreatedKey:
        """A new key named ``name`` with ``scope`` (read|write|deliver|admin), optionally only for ``labels``."""
        from sqlmodel import select

        from stardust_tui.domain.api_models import API_KEY, ApiKey
        from stardust_tui.domain.validation import check_text

        self.services.authorize("apikey.admin")
        name = check_text(name.strip(), API_KEY["name"], field="name", required=True)
        if not set(name) <= _NAME_CHARS:
            raise ValidationError("key names use letters, digits, '.', '_', '-' and '@'", where=name)
        if scope not in LEVELS:
            raise ValidationError(f"unknown scope {scope!r} (expected one of {', '.join(LEVELS)})", where="--scope")
        clean = [" ".join(label.split()) for label in labels]
        for label in clean:
            check_text(label, API_KEY["label"], field="--label", required=True)
        moment = expiry_moment(expires)
        if moment is not None and moment <= datetime.now(UTC):
            raise ValidationError(f"{moment:%Y-%m-%d %H:%M} UTC is in the past", where="--expires")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with session_scope(self.services.engine) as s:
            if s.exec(select(ApiKey.id).where(ApiKey.name == name)).first() is not None:
                raise ConflictError(f"an API key named {name!r} exists (revoke it or choose another name)")
            key = ApiKey(name=name, prefix=token[:10], token_hash=token_hash(token), scope=scope,
                         labels=list(dict.fromkeys(clean)) or None, created_by=self.services.actor.name,
                         expires_at=moment)
            s.add(key)
            s.flush()
            self._audit(s, "create-apikey", key, f"created API key {name!r} (scope {scope})")
            return CreatedKey(_row(key), token)

    def list(self) -> list[ApiKeyRow]:
        """Every key, revoked and expired ones included, by name."""
        from sqlmodel import select

        from stardust_tui.domain.api_models import ApiKey

        self.services.authorize("apikey.admin")
        with session_scope(self.services.engine) as s:
            return [_row(k) for k in s.exec(select(ApiKey).order_by(ApiKey.name))]

    def revoke(self, name: str) -> ApiKeyRow:
        """Stop a key from working (kept for the usage history): at once for a server in this process, within
        ``api.state.KEY_RECHECK_S`` (1 s) for one elsewhere, which keeps verified keys that long."""
        from stardust_tui.domain.models import utcnow

        self.services.authorize("apikey.admin")
        with session_scope(self.services.engine) as s:
            key = self._get(s, name)
            if key.revoked_at is None:
                key.revoked_at = utcnow()
                s.add(key)
                self._audit(s, "revoke-apikey", key, f"revoked API key {name!r}")
        _revocations[0] += 1  # after the commit: a cache re-reading now sees the revocation
        return _row(key)

    def usage(self, name: str | None = None, *, days: int = 30) -> builtins.list[UsageRow]:
        """Requests per key per UTC day over the last ``days`` days (newest first)."""
        from sqlmodel import col, select

        from stardust_tui.domain.api_models import ApiKey, ApiUsage

        self.services.authorize("apikey.admin")
        since = datetime.now(UTC).date() - timedelta(days=max(0, days - 1))
        stmt = (select(ApiKey.name, ApiUsage).join(ApiKey, col(ApiKey.id) == ApiUsage.key_id)
                .where(ApiUsage.day >= since).order_by(col(ApiUsage.day).desc(), ApiKey.name))
        with session_scope(self.services.engine) as s:
            if name is not None:
                stmt = stmt.where(ApiKey.id == self._get(s, name).id)
            return [UsageRow(n, u.day, u.requests, u.refused, u.limited) for n, u in s.exec(stmt)]

    # -- the API's side ------------------------------------------------------------------------------------
    def authenticate(self, token: str | None) -> KeyIdentity:
        """The key a presented token belongs to; AuthenticationError for none, unknown, revoked or expired.

        Read from the store on every call (a revocation or expiry counts from the next request, whichever
        process made it), with one Core statement: the ORM session this took before cost ~1 ms of CPU per
        API request (issue 11)."""
        if not token:
            raise AuthenticationError("an API key is required (Authorization: Bearer sd_…)")
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            raise AuthenticationError("not a Stardust API key")
        digest = token_hash(token)
        with read_tx(self.services.engine) as conn:
            key = conn.execute(_by_hash(), {"digest": digest}).first()
        if key is None or not hmac.compare_digest(key.token_hash, digest):
            raise AuthenticationError("unknown API key")
        if key.revoked_at is not None:
            raise AuthenticationError(f"API key {key.name!r} was revoked")
        if key.expires_at is not None and _aware(key.expires_at) <= datetime.now(UTC):
            raise AuthenticationError(f"API key {key.name!r} expired on {_aware(key.expires_at):%Y-%m-%d %H:%M} UTC")
        return KeyIdentity(int(key.id), key.name, key.scope, tuple(key.labels) if key.labels is not None else None,
                           _aware(key.expires_at) if key.expires_at is not None else None)

    def record_usage(self, counts: Mapping[tuple[int, date], tuple[int, int, int]],
                     last_used: Mapping[int, datetime] | None = None) -> None:
        """Add ``(requests, refused, limited)`` per (key id, UTC day) to the daily counters, in one transaction."""
        from sqlmodel import select

        from stardust_tui.domain.api_models import ApiKey, ApiUsage

        if not counts and not last_used:
            return
        with session_scope(self.services.engine) as s:
            for (key_id, day), (requests, refused, limited) in sorted(counts.items()):
                row = s.exec(select(ApiUsage).where(ApiUsage.key_id == key_id, ApiUsage.day == day)).first()
                if row is None:
                    if s.get(ApiKey, key_id) is None:  # deleted meanwhile
                        continue
                    row = ApiUsage(key_id=key_id, day=day)
                row.requests += requests
                row.refused += refused
                row.limited += limited
                s.add(row)
            for key_id, moment in (last_used or {}).items():
                key = s.get(ApiKey, key_id)
                if key is not None:
                    key.last_used_at = moment
                    s.add(key)

    # -- idempotent requests (POST with Idempotency-Key) ------------------------------------------------------
    def replay(self, key_id: int, idempotency_key: str, fingerprint: str) -> tuple[int, Any] | None:
        """What an earlier request with this key answered (status, body) in the last 24 h, else None.

        A reused key with another request (method, path or body) is a ValidationError: the client has a bug."""
        from sqlmodel import select

        from stardust_tui.domain.api_models import IdempotentRequest
        from stardust_tui.domain.models import utcnow

        since = utcnow() - IDEMPOTENCY_TTL
        with session_scope(self.services.engine) as s:
            row = s.exec(select(IdempotentRequest).where(IdempotentRequest.key_id == key_id,
                                                         IdempotentRequest.idempotency_key == idempotency_key)).first()
            if row is None or _aware(row.created_at) < since:
                return None
            if row.fingerprint != fingerprint:
                raise ValidationError("this Idempotency-Key was used for a different request (method, path or "
                                      "body); use a new key for a new request", where="Idempotency-Key")
            return row.status_code, row.response.get("body")

    def remember(self, key_id: int, idempotency_key: str, fingerprint: str, status: int, body: Any) -> tuple[int, Any]:
        """Keep a response for retries; when a concurrent request with the same key won, return its answer."""
        from sqlalchemy import delete
        from sqlalchemy.exc import IntegrityError
        from sqlmodel import col

        from stardust_tui.domain.api_models import IdempotentRequest
        from stardust_tui.domain.models import utcnow

        try:
            with session_scope(self.services.engine) as s:
                old = utcnow() - IDEMPOTENCY_TTL
                s.execute(delete(IdempotentRequest).where(col(IdempotentRequest.created_at) < old,
                                                          col(IdempotentRequest.key_id) == key_id))
                s.add(IdempotentRequest(key_id=key_id, idempotency_key=idempotency_key, fingerprint=fingerprint,
                                        status_code=status, response={"body": body}))
        except IntegrityError:
            earlier = self.replay(key_id, idempotency_key, fingerprint)
            if earlier is not None:
                return earlier
            raise
        return status, body

    # -- helpers -------------------------------------------------------------------------------------------
    def _get(self, s, name: str):  # noqa: ANN001, ANN202 - a session; an ApiKey row
        from sqlmodel import select

        from stardust_tui.domain.api_models import ApiKey

        key = s.exec(select(ApiKey).where(ApiKey.name == name)).first()
        if key is None:
            raise NotFoundError(f"no API key named {name!r} (see `stardust apikey list`)")
        return key

    def _audit(self, s, action: str, key, note: str) -> None:  # noqa: ANN001
        """Creation shows the key's name, scope and labels; a revocation shows only what changed."""
        from stardust_tui.jsonable import jsonable
        from stardust_tui.store.revisions import write_audit

        if action == "revoke-apikey":
            before = {"name": key.name, "revoked_at": None}
            after = {"name": key.name, "revoked_at": jsonable(key.revoked_at)}
        else:
            before, after = None, {"name": key.name, "scope": key.scope, "labels": key.labels,
                                   "expires_at": jsonable(key.expires_at)}
        write_audit(s, actor=self.services.actor.name, action=action, entity="api_key", entity_id=key.id,
                    before=before, after=after, note=note)
