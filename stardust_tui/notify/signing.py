"""Webhook signatures: ``Stardust-Signature: t=<unix time>,v1=<hex HMAC-SHA256>`` (the Stripe convention).

The signed string is ``f"{t}."`` followed by the raw request body, keyed with the channel's secret (the
whole ``whsec_…`` text, as UTF-8). A receiver recomputes it over the bytes it received, compares in constant
time and refuses a timestamp older than a few minutes (replays). :func:`verify` is that check, for
receivers written in Python; docs/notifications.md shows it in a few lines for any language.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

HEADER = "Stardust-Signature"
SECRET_PREFIX = "whsec_"
TOLERANCE_S = 300


class BadSignature(ValueError):
    """The signature header is missing, malformed, too old, or does not match the body."""


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    """The header value for ``body`` signed now (or at ``timestamp``)."""
    t = int(time.time()) if timestamp is None else timestamp
    return f"t={t},v1={signature(secret, t, body)}"


def verify(secret: str, header: str | None, body: bytes, *, tolerance_s: int = TOLERANCE_S,
           now: float | None = None) -> int:
    """Check a received header against ``body``; returns its timestamp or raises :class:`BadSignature`."""
    if not header:
        raise BadSignature(f"no {HEADER} header")
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    try:
        t = int(parts["t"][0])
    except (KeyError, ValueError):
        raise BadSignature("no timestamp (t=) in the signature header") from None
    if abs((time.time() if now is None else now) - t) > tolerance_s:
        raise BadSignature(f"timestamp {t} is more than {tolerance_s} s away from now")
    expected = signature(secret, t, body)
    if not any(hmac.compare_digest(expected, v) for v in parts.get("v1", [])):
        raise BadSignature("signature does not match the body")
    return t
