"""Webhooks: an HTTP POST of the event's JSON, signed with HMAC-SHA256, TLS verified, with timeouts.

Headers: ``Stardust-Signature: t=…,v1=…`` (:mod:`stardust_tui.notify.signing`), ``Stardust-Delivery-Id`` (the
same on every retry of this send: receivers dedupe on it), ``Stardust-Event-Id`` / ``Stardust-Event-Type``
(one event) or ``digest`` (several: a ``stardust.digest/1`` body). Redirects are not followed. 2xx is done;
408, 425, 429 and 5xx, timeouts, refused connections, TLS failures and 401/403/404 (the receiver's set-up)
are retried with backoff (``Retry-After`` respected); any other 4xx refuses this message for good. Only
``https://`` URLs, except plain ``http://`` to this machine (127.0.0.1, ::1, localhost). Messages and logs name
the host, never the URL's path or query (webhook URLs often carry a token).
"""

from __future__ import annotations

import asyncio
import email.utils
import ssl
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from stardust_tui import __version__
from stardust_tui.errors import ValidationError
from stardust_tui.notify.channel import Channel, Outgoing, SendFailed, Step
from stardust_tui.notify.signing import HEADER, sign

LOOPBACK = {"127.0.0.1", "::1", "localhost"}
RETRYABLE = {401, 403, 404, 408, 425, 429}
DEFAULT_TIMEOUT_S = 10.0


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isascii() and value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class WebhookChannel(Channel):
    kind = "webhook"
    has_secret = True

    @classmethod
    def check_settings(cls, settings: dict[str, Any]) -> dict[str, Any]:
        url = str(settings.get("url") or "").strip()
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValidationError(f"{url!r} is not an http(s) URL", where="--url")
        if parts.scheme == "http" and parts.hostname not in LOOPBACK:
            raise ValidationError("plain http:// is only allowed to this machine (127.0.0.1, ::1, localhost); "
                                  "use https://", where="--url")
        if parts.username or parts.password:
            raise ValidationError("no credentials in the URL: receivers check the signature instead", where="--url")
        timeout = float(settings.get("timeout_s") or DEFAULT_TIMEOUT_S)
        if not 0.5 <= timeout <= 120:
            raise ValidationError(f"timeout {timeout:g} s is out of range (0.5 to 120)", where="--timeout")
        ca = settings.get("ca_file")
        if ca:
            ca = str(Path(ca).expanduser().resolve())
            if not Path(ca).is_file():
                raise ValidationError("no such file", where=f"--ca {ca}")
        return {"url": url, "timeout_s": timeout, "ca_file": ca or None}

    @classmethod
    def describe(cls, settings: dict[str, Any]) -> str:
        parts = urlsplit(settings.get("url", ""))
        ca = ", private CA" if settings.get("ca_file") else ""
        timeout = settings.get("timeout_s", DEFAULT_TIMEOUT_S)
        return f"POST {parts.scheme}://{parts.netloc}/… (timeout {timeout:g} s{ca})"

    def __init__(self, name: str, settings: dict[str, Any], secret: Any) -> None:
        super().__init__(name, settings, secret)
        self._tls: ssl.SSLContext | None = None
        self._local = threading.local()  # one client (its keep-alive connections) per sending thread
        self._clients: list[Any] = []
        self._lock = threading.Lock()

    def _host(self) -> str:
        return urlsplit(self.settings["url"]).netloc

    def _client(self) -> Any:
        """This thread's client: the CA bundle is loaded once per channel (it costs 0.1-0.3 s), connections kept."""
        import httpx

        client = getattr(self._local, "client", None)
        if client is None:
            with self._lock:
                if self._tls is None:
                    ca = self.settings.get("ca_file")
                    self._tls = ssl.create_default_context(cafile=ca) if ca else ssl.create_default_context()
            client = httpx.Client(verify=self._tls, timeout=float(self.settings.get("timeout_s", DEFAULT_TIMEOUT_S)),
                                  follow_redirects=False, trust_env=False)
            self._local.client = client
            with self._lock:
                self._clients.append(client)
        return client

    def close(self) -> None:
        with self._lock:
            clients, self._clients = self._clients, []
        for client in clients:
            client.close()

    async def send(self, message: Outgoing, step: Step | None = None) -> str:
        return await asyncio.to_thread(self._post, message, step or (lambda _line: None))

    def _post(self, message: Outgoing, step: Step) -> str:
        import httpx

        if self.secret is None or not self.secret.reveal():
            raise SendFailed("the channel has no signing secret (add it again)", permanent=False)
        body = message.json_body()
        one = message.single
        headers = {"Content-Type": "application/json", "User-Agent": f"Stardust/{__version__}",
                   HEADER: sign(self.secret.reveal(), body), "Stardust-Delivery-Id": message.delivery_id,
                   "Stardust-Event-Type": one.type if one else "digest"}
        if one:
            headers["Stardust-Event-Id"] = one.event_id
        host = self._host()
        ca = self.settings.get("ca_file")
        tls = urlsplit(self.settings["url"]).scheme == "https"
        step(f"POST to {host}: {len(body)} bytes, signed ({HEADER}), delivery id {message.delivery_id}"
             + (", TLS certificate verified" + (" against the channel's CA file" if ca else "") if tls else ""))
        t0 = time.monotonic()
        try:
            response = self._client().post(self.settings["url"], content=body, headers=headers)
        except httpx.TimeoutException:
            raise SendFailed(f"{host}: no answer within {self.settings.get('timeout_s')} s") from None
        except httpx.HTTPError as exc:
            cause = exc.__cause__ or exc.__context__
            if isinstance(cause, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(exc):
                raise SendFailed(f"{host}: TLS certificate not trusted ({getattr(cause, 'verify_message', exc)})"
                                 ) from None
            raise SendFailed(f"{host}: {type(exc).__name__}: {exc}") from None
        ms = (time.monotonic() - t0) * 1000
        code = response.status_code
        if 200 <= code < 300:
            result = f"{host} answered HTTP {code} in {ms:.0f} ms"
            step(result)
            return result
        text = " ".join(response.text.split())[:200]
        answer = f"{host} answered HTTP {code}" + (f": {text}" if text else "")
        if 300 <= code < 400:
            raise SendFailed(answer + " (redirects are not followed: use the final URL)")
        if code in RETRYABLE or code >= 500:
            raise SendFailed(answer, retry_after=_retry_after(response.headers.get("Retry-After")))
        raise SendFailed(answer, permanent=True)
