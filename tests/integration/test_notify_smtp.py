"""Email notifications against a real SMTP server on loopback (aiosmtpd): STARTTLS with a test CA, implicit TLS,
a refused login, an untrusted certificate, a server without STARTTLS, and the outbox path end to end."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from stardust_tui.config import Settings
from stardust_tui.domain.notify_models import NotifyChannel, NotifySend
from stardust_tui.notify.channel import SendFailed
from stardust_tui.notify.outbox import record
from stardust_tui.notify.sender import NotifySender, SenderConfig
from stardust_tui.services import Services
from stardust_tui.services.actor import Actor
from stardust_tui.store.db import session_scope
from stardust_tui.store.releases import create_release
from stardust_tui.worker.queue import write_tx
from tests.integration.notify_servers import CertAuthority, SmtpServer, make_test_ca, start_smtp

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> CertAuthority:
    return make_test_ca(tmp_path_factory.mktemp("ca"))


@pytest.fixture
def starttls(ca: CertAuthority) -> Iterator[SmtpServer]:
    server = start_smtp(mode="starttls", ca=ca, users={"alerts": PASSWORD})
    yield server
    server.stop()


@pytest.fixture
def services(settings: Settings, sqlite_engine: Engine) -> Services:
    return Services(settings=settings, engine_source=sqlite_engine, actor=Actor("ops", roles=("admin",)))


def _add(services: Services, name: str, port: int, *, security: str = "starttls", ca: Path | None = None,
         username: str | None = "alerts", password: str | None = PASSWORD) -> None:
    services.notifications.add("email", name, {"host": "localhost" if security != "none" else "127.0.0.1",
                                               "port": port, "security": security, "username": username,
                                               "sender": "stardust@label.example", "to": ["ops@label.example"],
                                               "ca_file": str(ca) if ca else None, "timeout_s": 10},
                               secret=password)


def test_starttls_with_the_test_ca_login_text_and_html(services: Services, starttls: SmtpServer,
                                                        ca: CertAuthority, sqlite_engine: Engine) -> None:
    _add(services, "ops-mail", starttls.port, ca=ca.ca_cert)
    steps: list[str] = []
    services.notifications.test("ops-mail", steps.append)
    assert any("STARTTLS: TLS certificate verified against the channel's CA file" in s for s in steps)
    assert "logged in as alerts (PLAIN)" in steps
    assert len(starttls.received) == 1
    got = starttls.received[0]
    assert got.tls and got.login == "alerts" and got.rcpt_tos == ["ops@label.example"]
    msg = got.message
    assert msg["Subject"].startswith("[Stardust] test notification to ops-mail")
    assert msg["X-Stardust-Event-Id"].startswith("evt_") and msg["Message-ID"].startswith("<dlv_")
    assert msg.get_body(("plain",)).get_content().startswith("20")  # the event's local time first
    assert "<html>" in msg.get_body(("html",)).get_content()
    with session_scope(sqlite_engine) as s:  # the password is stored encrypted, never as typed
        stored = s.execute(select(NotifyChannel.secret).where(NotifyChannel.name == "ops-mail")).scalar()
    assert stored and PASSWORD not in stored and stored.startswith("gAAAA")


def test_a_refused_login_sends_nothing_and_keeps_the_event_pending(services: Services, starttls: SmtpServer,
                                                                  ca: CertAuthority, sqlite_engine: Engine,
                                                                  settings: Settings) -> None:
    _add(services, "ops-mail", starttls.port, ca=ca.ca_cert, password="wrong password")
    with pytest.raises(SendFailed, match=r"refused the login as alerts: 535"):
        services.notifications.test("ops-mail", lambda _line: None)
    assert starttls.received == [] and starttls.logins[-1] == ("alerts", "wrong password", False)
    with write_tx(sqlite_engine) as conn:
        record(conn, "backup.failed", summary="backup failed: disk full", data={"error": "disk full"})
    sender = NotifySender(settings, sqlite_engine, owner="t", config=SenderConfig(retry_base_s=0.01, retry_max_s=0.02))
    for _ in range(3):
        asyncio.run(sender.pass_once())
        asyncio.run(asyncio.sleep(0.05))
    assert starttls.received == []
    with session_scope(sqlite_engine) as s:
        send = s.execute(select(NotifySend)).scalar_one()
        assert send.status == "pending" and send.attempts >= 3 and "refused the login" in send.last_error
        assert "wrong password" not in send.last_error
    row = services.notifications.get("ops-mail")
    assert row.failing and row.state == "failing" and row.pending == 1
    assert services.notifications.failing()[0].startswith("notification channel ops-mail is failing")
    # the password is fixed: the same event goes out at once, with the same delivery id
    services.notifications.add("email", "ops-mail", {"host": "localhost", "port": starttls.port,
                                                     "username": "alerts", "sender": "stardust@label.example",
                                                     "to": ["ops@label.example"], "ca_file": str(ca.ca_cert)},
                               secret=PASSWORD, replace=True)
    assert services.notifications.retry(channel="ops-mail") == 1
    asyncio.run(sender.pass_once())
    assert len(starttls.received) == 1
    assert starttls.received[0].message["Subject"] == "[Stardust] backup failed: disk full"
    assert not services.notifications.get("ops-mail").failing


def test_a_certificate_the_channel_does_not_trust_is_refused(services: Services, starttls: SmtpServer) -> None:
    _add(services, "ops-mail", starttls.port, ca=None)  # the system's CAs do not know the test CA
    with pytest.raises(SendFailed, match="TLS certificate not trusted"):
        services.notifications.test("ops-mail", lambda _line: None)
    assert starttls.received == [] and starttls.logins == []  # the password never left


def test_implicit_tls(services: Services, ca: CertAuthority) -> None:
    server = start_smtp(mode="tls", ca=ca)
    try:
        _add(services, "tls-mail", server.port, security="tls", ca=ca.ca_cert, username=None, password=None)
        steps: list[str] = []
        services.notifications.test("tls-mail", steps.append)
        assert "TLS certificate verified against the channel's CA file" in steps
        assert len(server.received) == 1 and server.received[0].tls
    finally:
        server.stop()


def test_no_starttls_offered_means_nothing_is_sent(services: Services) -> None:
    server = start_smtp(mode="plain")
    try:
        _add(services, "ops-mail", server.port, username=None, password=None)
        with pytest.raises(SendFailed, match="does not offer STARTTLS: nothing sent"):
            services.notifications.test("ops-mail", lambda _line: None)
        assert server.received == []
    finally:
        server.stop()


def test_plain_smtp_only_to_this_machine(services: Services) -> None:
    from stardust_tui.errors import ValidationError

    with pytest.raises(ValidationError, match="only allowed to a relay on this machine"):
        services.notifications.add("email", "relay", {"host": "mail.example.com", "security": "none",
                                                      "sender": "a@b.example", "to": ["c@d.example"]})
    server = start_smtp(mode="plain")
    try:
        _add(services, "relay", server.port, security="none", username=None, password=None)
        services.notifications.test("relay", lambda _line: None)
        assert len(server.received) == 1 and not server.received[0].tls
    finally:
        server.stop()


def test_an_event_from_a_state_change_arrives_with_the_release_escaped_in_html(
        services: Services, starttls: SmtpServer, ca: CertAuthority, sqlite_engine: Engine,
        settings: Settings) -> None:
    _add(services, "ops-mail", starttls.port, ca=ca.ca_cert)
    with session_scope(sqlite_engine) as s:
        rel = create_release(s, actor="t", title="Fish & <Chips>", artists=["Ann"], upc="036000291452",
                             label="Star Records")
        record(s, "ack.rejected", summary="{target} rejected {release}", release_id=rel.id,
               data={"error_text": "<script>alert(1)</script>", "proposed_action": "Redeliver"})
    asyncio.run(NotifySender(settings, sqlite_engine, owner="t").pass_once())
    msg = starttls.received[0].message
    assert msg["Subject"] == "[Stardust] a target rejected 'Fish & <Chips>' (UPC 036000291452)"
    html = msg.get_body(("html",)).get_content()
    assert "Fish &amp; &lt;Chips&gt;" in html and "&lt;script&gt;" in html and "<script>" not in html
    text = msg.get_body(("plain",)).get_content()
    assert "The DSP says: <script>alert(1)</script>" in text and "Star Records" in text


@pytest.mark.parametrize("summary", [
    "'Glass Harbour' (UPC 086000000035) delivered to folder in 1.6 s",  # stdlib folding put a space before it
    "'Sigur Rós — Ágætis byrjun, Þú ert jörðin' (UPC 086000000035) delivered to a long target name in 12 s"])
def test_the_subject_arrives_exactly_as_rendered(services: Services, starttls: SmtpServer, ca: CertAuthority,
                                                 settings: Settings, sqlite_engine: Engine, summary: str) -> None:
    _add(services, "ops-mail", starttls.port, ca=ca.ca_cert)
    with write_tx(sqlite_engine) as conn:
        record(conn, "release.ready", summary=summary)
    assert asyncio.run(NotifySender(settings, sqlite_engine, owner="t", config=SenderConfig()).pass_once()) == 1
    assert starttls.received[0].message["Subject"] == f"[Stardust] {summary}"
