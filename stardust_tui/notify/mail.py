"""Email over SMTP (stdlib ``smtplib``/``email``): STARTTLS or implicit TLS, certificates verified.

``security``: ``starttls`` (default, port 587: the server must offer STARTTLS, else nothing is sent),
``tls`` (implicit TLS, port 465) or ``none`` (plain SMTP, only to a relay on this machine, and never with a
password). Certificates are checked against the system's CAs or the channel's ``ca_file``, host name
included. Optional login with the password stored encrypted. The message has a plain-text and an HTML part
(:mod:`stardust_tui.notify.render`), ``Message-ID`` derived from the delivery id (a retried send has the
same one) and ``X-Stardust-Delivery-Id`` / ``X-Stardust-Event-Id`` headers. SMTP 5xx answers to the
message (sender or recipients refused, message too big) refuse it for good; everything else (4xx, a
refused login, connection and TLS errors) is retried with backoff while the channel shows as failing.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Any

from stardust_tui.errors import ValidationError
from stardust_tui.notify.channel import Channel, Outgoing, SendFailed, Step
from stardust_tui.notify.webhook import LOOPBACK

SECURITY = ("starttls", "tls", "none")
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
DEFAULT_TIMEOUT_S = 30.0
# Headers folded at RFC 5322's hard limit (998), not 78: the stdlib's folding at 78 can move a whole Subject to a
# continuation line, which reaches the reader with a space before it.
MAIL_POLICY = policy.SMTP.clone(max_line_length=998)


def _address(value: str, where: str) -> str:
    try:
        addr = Address(addr_spec=value.strip())
    except (ValueError, IndexError) as exc:
        raise ValidationError(f"{value!r} is not an email address ({exc})", where=where) from None
    if not addr.domain:
        raise ValidationError(f"{value!r} is not an email address", where=where)
    return addr.addr_spec


class EmailChannel(Channel):
    kind = "email"
    has_secret = True  # the SMTP password, when the channel logs in

    @classmethod
    def check_settings(cls, settings: dict[str, Any]) -> dict[str, Any]:
        host = str(settings.get("host") or "").strip()
        if not host or any(c.isspace() for c in host):
            raise ValidationError("an SMTP host name is needed", where="--host")
        security = settings.get("security") or "starttls"
        if security not in SECURITY:
            raise ValidationError(f"{security!r} is not one of {', '.join(SECURITY)}", where="--security")
        if security == "none" and host not in LOOPBACK:
            raise ValidationError("plain SMTP (no TLS) is only allowed to a relay on this machine", where="--security")
        port = int(settings.get("port") or DEFAULT_PORTS[security])
        if not 1 <= port <= 65535:
            raise ValidationError(f"{port} is not a port number", where="--port")
        recipients = [_address(a, "--to") for a in settings.get("to") or []]
        if not recipients:
            raise ValidationError("at least one recipient is needed", where="--to")
        username = settings.get("username") or None
        if username and security == "none":
            raise ValidationError("a password is never sent without TLS", where="--username")
        ca = settings.get("ca_file")
        if ca:
            ca = str(Path(ca).expanduser().resolve())
            if not Path(ca).is_file():
                raise ValidationError("no such file", where=f"--ca {ca}")
        timeout = float(settings.get("timeout_s") or DEFAULT_TIMEOUT_S)
        if not 1 <= timeout <= 300:
            raise ValidationError(f"timeout {timeout:g} s is out of range (1 to 300)", where="--timeout")
        return {"host": host, "port": port, "security": security, "username": username,
                "sender": _address(str(settings.get("sender") or ""), "--from"), "to": recipients,
                "ca_file": ca or None, "timeout_s": timeout}

    @classmethod
    def describe(cls, settings: dict[str, Any]) -> str:
        login = f", login {settings['username']}" if settings.get("username") else ""
        return (f"smtp {settings['host']}:{settings['port']} ({settings['security']}{login}) "
                f"from {settings['sender']} to {', '.join(settings['to'])}")

    async def send(self, message: Outgoing, step: Step | None = None) -> str:
        return await asyncio.to_thread(self._send, message, step or (lambda _line: None))

    def _send(self, message: Outgoing, step: Step) -> str:
        subject, text, html = message.rendered()
        step(f"message rendered: {subject!r}, plain text {len(text)} and HTML {len(html)} characters")
        return self._deliver(self._message(message, subject, text, html), step)

    def _message(self, message: Outgoing, subject: str, text: str, html: str) -> EmailMessage:
        s = self.settings
        mail = EmailMessage(policy=MAIL_POLICY)
        mail["Subject"] = subject
        mail["From"] = s["sender"]
        mail["To"] = ", ".join(s["to"])
        mail["Date"] = formatdate(localtime=False, usegmt=True)
        mail["Message-ID"] = f"<{message.delivery_id}@{s['sender'].rpartition('@')[2]}>"
        mail["X-Stardust-Delivery-Id"] = message.delivery_id
        if message.single is not None:
            mail["X-Stardust-Event-Id"] = message.single.event_id
        mail.set_content(text)
        mail.add_alternative(html, subtype="html")
        return mail

    def _context(self) -> ssl.SSLContext:
        """Built once per channel (loading the CA bundle costs 0.1-0.3 s); SSL contexts are thread-safe."""
        context = getattr(self, "_tls", None)
        if context is None:
            ca = self.settings.get("ca_file")
            context = self._tls = ssl.create_default_context(cafile=ca) if ca else ssl.create_default_context()
        return context

    def _deliver(self, mail: EmailMessage, step: Step) -> str:
        s = self.settings
        where = f"{s['host']}:{s['port']}"
        try:
            if s["security"] == "tls":
                step(f"connect to {where} with TLS")
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(s["host"], s["port"], timeout=s["timeout_s"],
                                                      context=self._context())
                step("TLS certificate verified" + (" against the channel's CA file" if s.get("ca_file") else ""))
            else:
                step(f"connect to {where}")
                smtp = smtplib.SMTP(s["host"], s["port"], timeout=s["timeout_s"])
            with smtp:
                smtp.ehlo()
                if s["security"] == "starttls":
                    if not smtp.has_extn("starttls"):
                        raise SendFailed(f"{where} does not offer STARTTLS: nothing sent (use --security tls?)")
                    smtp.starttls(context=self._context())
                    smtp.ehlo()
                    step("STARTTLS: TLS certificate verified"
                         + (" against the channel's CA file" if s.get("ca_file") else ""))
                if s.get("username"):
                    mechanism = _login(smtp, s["username"], self.secret.reveal() if self.secret else "")
                    step(f"logged in as {s['username']} ({mechanism})")
                refused = smtp.send_message(mail)
                done = f"{where} accepted the message for {len(s['to']) - len(refused)} recipient(s)"
                if refused:
                    done += f"; refused: {', '.join(sorted(refused))}"
                step(done)
                return done
        except SendFailed:
            raise
        except smtplib.SMTPAuthenticationError as exc:
            raise SendFailed(f"{where} refused the login as {s.get('username')}: {exc.smtp_code} "
                             f"{_said(exc.smtp_error)}") from None
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _msg in exc.recipients.values()]
            raise SendFailed(f"{where} refused every recipient: {', '.join(sorted(exc.recipients))}",
                             permanent=all(c >= 500 for c in codes)) from None
        except smtplib.SMTPResponseException as exc:
            raise SendFailed(f"{where} answered {exc.smtp_code} {_said(exc.smtp_error)}",
                             permanent=exc.smtp_code >= 500 and not isinstance(exc, smtplib.SMTPHeloError)) from None
        except ssl.SSLCertVerificationError as exc:
            raise SendFailed(f"{where}: TLS certificate not trusted ({exc.verify_message})") from None
        except (smtplib.SMTPException, OSError) as exc:  # timeouts are OSErrors
            raise SendFailed(f"{where}: {type(exc).__name__}: {exc}") from None


def _login(smtp: smtplib.SMTP, user: str, password: str) -> str:
    """One login with the best method the server offers (smtplib's ``login`` would try each in turn, and a
    wrong password would count several times against the account)."""
    offered = (smtp.esmtp_features.get("auth") or "").upper().split()
    smtp.user, smtp.password = user, password
    for mechanism, answer in (("PLAIN", smtp.auth_plain), ("LOGIN", smtp.auth_login),
                              ("CRAM-MD5", smtp.auth_cram_md5)):
        if mechanism in offered:
            smtp.auth(mechanism, answer)
            return mechanism
    raise SendFailed(f"the server offers no login method Stardust speaks (it offers {' '.join(offered) or 'none'})")


def _said(text: bytes | str) -> str:
    value = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return " ".join(value.split())[:300]
