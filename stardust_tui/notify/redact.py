"""Keep secrets out of what notifications carry: error texts go through :func:`redact` before they are stored.

Transport and server errors sometimes quote a URL with its password, a signed query string or an
``Authorization`` header. Events are sent to mailboxes and third-party webhooks, so every free text taken
from an error is cleaned here (and cut to a sane length) before it enters a payload or a log line.
"""

from __future__ import annotations

import re

MAX_TEXT = 1000
MASK = "***"

_USERINFO = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^\s:/@]+):(?P<pw>[^\s@/]+)@", re.I)
_QUERY = re.compile(r"(?P<key>(?:password|passwd|pwd|token|secret|api[_-]?key|access[_-]?key|sig|signature|"
                    r"x-amz-signature|x-amz-credential|x-amz-security-token|auth)=)[^&\s\"']+",
                    re.I)
_HEADER = re.compile(r"(?P<key>\b(?:authorization|proxy-authorization|x-api-key|api-key|cookie)\s*[:=]\s*)"
                     r"(?P<scheme>(?:bearer|basic|token)\s+)?[^\s,;\"']+", re.I)
_BEARER = re.compile(r"(?P<key>\b(?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]{8,}", re.I)
_WHSEC = re.compile(r"whsec_[A-Za-z0-9_-]+")


def redact(text: str | None, *, secrets: tuple[str, ...] = (), limit: int = MAX_TEXT) -> str | None:
    """``text`` without passwords in URLs, secret query parameters, auth headers or the given ``secrets``."""
    if text is None:
        return None
    out = _USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:{MASK}@", text)
    out = _QUERY.sub(lambda m: m["key"] + MASK, out)
    out = _HEADER.sub(lambda m: m["key"] + (m["scheme"] or "") + MASK, out)
    out = _BEARER.sub(lambda m: m["key"] + MASK, out)
    out = _WHSEC.sub("whsec_" + MASK, out)
    for secret in secrets:
        if secret and len(secret) >= 4:
            out = out.replace(secret, MASK)
    out = " ".join(out.split())  # one line
    return out if len(out) <= limit else out[: limit - 1] + "…"
