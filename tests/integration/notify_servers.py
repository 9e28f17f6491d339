"""Real servers on loopback for the notification tests: a test CA, an SMTP server (aiosmtpd) with STARTTLS,
implicit TLS and logins, and a webhook receiver (Starlette on uvicorn) that checks signatures itself.

The receiver verifies ``Stardust-Signature`` with its own few lines of HMAC (not the project's
``notify.signing``), so the tests prove the convention, not our code against itself.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from tests.integration.servers_util import free_port


# -- a test CA and a server certificate signed by it ---------------------------------------------------------
@dataclass(frozen=True)
class CertAuthority:
    ca_cert: Path
    server_cert: Path
    server_key: Path

    def server_context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(self.server_cert, self.server_key)
        return ctx


def make_test_ca(directory: Path, *, name: str = "Stardust Test CA") -> CertAuthority:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    directory.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
          .not_valid_after(now + dt.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = CertAuthority(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    paths.ca_cert.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths.server_cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths.server_key.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                   serialization.NoEncryption()))
    return paths


# -- SMTP ------------------------------------------------------------------------------------------------------
@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    tls: bool
    login: str | None

    @property
    def message(self) -> Any:
        return message_from_bytes(self.data, policy=policy.default)


class _Handler:
    def __init__(self, box: list[Received]) -> None:
        self.box = box

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        login = session.auth_data if session.authenticated else None
        self.box.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or
                                 envelope.content, server.transport.get_extra_info("ssl_object") is not None, login))
        return "250 OK queued"


@dataclass
class SmtpServer:
    port: int
    received: list[Received]
    logins: list[tuple[str, str, bool]]  # (user, password, accepted)
    _controller: Any = field(repr=False)

    def stop(self) -> None:
        self._controller.stop()


def start_smtp(*, mode: str, ca: CertAuthority | None = None, users: dict[str, str] | None = None) -> SmtpServer:
    """``mode``: "plain" (no TLS), "starttls" (STARTTLS required before MAIL), "tls" (implicit TLS).

    ``users``: logins accepted (others are refused with 535); with users, AUTH is required."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    received: list[Received] = []
    logins: list[tuple[str, str, bool]] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user, password = auth_data.login.decode(), auth_data.password.decode()
        ok = users is not None and users.get(user) == password
        logins.append((user, password, ok))
        return AuthResult(success=ok, handled=False, auth_data=user if ok else None)

    port = free_port()
    kwargs: dict[str, Any] = {"hostname": "127.0.0.1", "port": port, "server_hostname": "localhost"}
    if mode == "starttls":
        assert ca is not None
        kwargs.update(tls_context=ca.server_context(), require_starttls=True)
    elif mode == "tls":
        assert ca is not None
        kwargs.update(ssl_context=ca.server_context())
    if users is not None:
        kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=mode != "plain")
    controller = Controller(_Handler(received), **kwargs)
    controller.start()
    return SmtpServer(port, received, logins, controller)


# -- webhook receiver ------------------------------------------------------------------------------------------
@dataclass
class Delivery:
    delivery_id: str
    event_id: str | None
    event_type: str
    body: bytes
    at: float

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class WebhookReceiver:
    port: int
    secret: str
    tls: bool
    deliveries: list[Delivery] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    fail_next: int = 0  # answer 503 to this many valid requests first
    answer: tuple[int, str] | None = None  # answer this (status, text) to valid requests while set
    delay_s: float = 0.0
    arrivals: int = 0  # valid requests received so far (counted before the delay and the answer)
    _server: Any = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = "https://localhost" if self.tls else "http://127.0.0.1"
        return f"{host}:{self.port}/hooks/stardust"

    def stop(self) -> None:
        # force_exit: the senders keep their keep-alive connections open, and uvicorn's graceful shutdown
        # would wait for them (the join timed out after 10 s in every test's teardown)
        self._server.should_exit = self._server.force_exit = True
        if self._thread is not None:
            self._thread.join(10)

    def event_ids(self) -> list[str]:
        ids: list[str] = []
        for d in self.deliveries:
            doc = d.json
            ids += [e["id"] for e in doc["events"]] if "events" in doc else [doc["id"]]
        return ids


def check_signature(secret: str, header: str | None, body: bytes, tolerance: int = 300) -> str | None:
    """The receiver's own check of ``t=…,v1=…`` (HMAC-SHA256 over "t." + body); None when valid."""
    if not header:
        return "no signature header"
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        t = int(fields["t"])
    except (KeyError, ValueError):
        return "no timestamp"
    if abs(time.time() - t) > tolerance:
        return "too old"
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return None if hmac.compare_digest(mac, fields.get("v1", "")) else "signature mismatch"


def start_webhook_receiver(secret: str, *, ca: CertAuthority | None = None) -> WebhookReceiver:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    hook = WebhookReceiver(port=0, secret=secret, tls=ca is not None)

    async def receive(request: Request) -> JSONResponse:
        body = await request.body()
        problem = check_signature(hook.secret, request.headers.get("stardust-signature"), body)
        if problem:
            hook.refused.append(problem)
            return JSONResponse({"error": problem}, status_code=401)
        hook.arrivals += 1
        if hook.delay_s:
            await asyncio.sleep(hook.delay_s)
        if hook.answer is not None:
            hook.refused.append(f"answered {hook.answer[0]}")
            return JSONResponse({"error": hook.answer[1]}, status_code=hook.answer[0])
        if hook.fail_next > 0:
            hook.fail_next -= 1
            return JSONResponse({"error": "busy"}, status_code=503, headers={"Retry-After": "0"})
        hook.deliveries.append(Delivery(request.headers["stardust-delivery-id"],
                                        request.headers.get("stardust-event-id"),
                                        request.headers.get("stardust-event-type", ""), body, time.time()))
        return JSONResponse({"ok": True})

    app = Starlette(routes=[Route("/hooks/stardust", receive, methods=["POST"])])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    hook.port = sock.getsockname()[1]
    kwargs: dict[str, Any] = {}
    if ca is not None:
        kwargs.update(ssl_certfile=str(ca.server_cert), ssl_keyfile=str(ca.server_key))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", **kwargs))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.02)
    else:
        raise RuntimeError("webhook receiver did not start")
    hook._server, hook._thread = server, thread
    return hook
