"""`stardust notify …` and `stardust report weekly` as a user runs them: secrets shown once and never again,
bad input one line with nothing written, the outbox and retry."""

from __future__ import annotations

import json

from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.engine import Engine

from stardust_tui.cli import cli
from stardust_tui.domain.notify_models import NotifyChannel
from stardust_tui.notify.outbox import record
from stardust_tui.store.db import session_scope
from stardust_tui.worker.queue import write_tx


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.output


def test_webhook_secret_is_shown_once_and_stored_encrypted(sqlite_engine: Engine) -> None:
    code, out = run("notify", "add", "webhook", "ops-hook", "--url", "http://127.0.0.1:8080/hooks?token=abc")
    assert code == 0, out
    secret = out.split("store it in the receiver now): ")[1].strip()
    assert secret.startswith("whsec_") and len(secret) > 40
    for args in (("notify", "list"), ("notify", "list", "--json"), ("notify", "outbox", "--json")):
        code, listed = run(*args)
        assert code == 0 and secret not in listed and "token=abc" not in listed
    assert "POST http://127.0.0.1:8080/… (timeout 10 s)" in run("notify", "list")[1]
    with session_scope(sqlite_engine) as s:
        stored = s.execute(select(NotifyChannel.secret)).scalar_one()
    assert secret not in stored
    code, out = run("notify", "add", "webhook", "ops-hook", "--url", "http://127.0.0.1:8081/x", "--replace")
    assert code == 0 and "signing secret" not in out  # the secret is kept on --replace


def test_email_password_comes_from_stdin_and_is_never_shown(sqlite_engine: Engine) -> None:
    code, out = run("notify", "add", "email", "ops-mail", "--host", "smtp.example.com", "--from",
                    "stardust@label.example", "--to", "ops@label.example", "--to", "cto@label.example",
                    "--username", "alerts", "--password-stdin", "--digest", "daily", input="s3cret-pass\n")
    assert code == 0, out
    assert "smtp smtp.example.com:587 (starttls, login alerts) from stardust@label.example to " \
           "ops@label.example, cto@label.example (digest daily)" in out
    listed = run("notify", "list", "--json")[1]
    assert "s3cret-pass" not in listed and json.loads(listed)[0]["has_secret"] is True


def test_bad_input_is_one_line_and_writes_nothing(sqlite_engine: Engine) -> None:
    cases = [
        (("notify", "add", "email", "m", "--host", "smtp.example.com", "--from", "not-an-address", "--to",
          "a@b.example"), "error: --from: 'not-an-address' is not an email address"),
        (("notify", "add", "webhook", "h", "--url", "http://hooks.example.com/x"),
         "error: --url: plain http:// is only allowed to this machine"),
        (("notify", "add", "webhook", "bad name", "--url", "https://hooks.example.com/x"),
         "error: NAME: 'bad name' is not a channel name"),
        (("notify", "add", "email", "m", "--host", "mail.example.com", "--security", "none", "--from", "a@b.example",
          "--to", "c@d.example"), "error: --security: plain SMTP (no TLS) is only allowed to a relay on this machine"),
        (("notify", "add", "email", "m", "--host", "smtp.example.com", "--from", "a@b.example", "--to",
          "c@d.example", "--password-stdin"), "error: --password-stdin: a password needs --username"),
        (("notify", "retry"), "error: notify retry: give a send ID or --channel NAME (one of them)"),
        (("notify", "retry", "999"), "error: no notification send 999"),
        (("notify", "test", "nope"), "error: no notification channel 'nope'"),
    ]
    for args, message in cases:
        code, out = run(*args)
        assert code != 0 and out.strip().splitlines()[-1].startswith(message), (args, out)
        assert "Traceback" not in out
    assert run("notify", "list")[1].startswith("no notification channels")
    run("notify", "add", "webhook", "h", "--url", "https://hooks.example.com/x")
    code, out = run("notify", "add", "webhook", "h", "--url", "https://hooks.example.com/y")
    assert code == 1 and "a channel named 'h' exists (remove it first, or pass --replace)" in out


def test_outbox_retry_events_and_removal(sqlite_engine: Engine) -> None:
    run("notify", "add", "webhook", "h", "--url", "http://127.0.0.1:9/x")
    with write_tx(sqlite_engine) as conn:
        record(conn, "backup.failed", summary="backup failed: disk full", data={"error": "disk full"})
    code, out = run("notify", "outbox")
    assert code == 0 and "new" in out and "backup.failed" in out and "backup failed: disk full" in out
    assert run("notify", "outbox", "--status", "failed")[1].startswith("the outbox is empty (status failed)")
    events = json.loads(run("notify", "events", "--json")[1])
    assert events[0]["type"] == "backup.failed" and events[0]["payload"]["schema"] == "stardust.event/1"
    assert run("notify", "disable", "h") == (0, "channel h disabled\n")
    assert "disabled" in run("notify", "list")[1]
    code, out = run("notify", "remove", "h", "--yes")
    assert code == 0 and run("notify", "list")[1].startswith("no notification channels")


def test_report_weekly(sqlite_engine: Engine) -> None:
    code, out = run("report", "weekly", "--json")
    assert code == 0, out
    doc = json.loads(out)
    assert set(doc) >= {"period", "targets", "totals", "queue", "circuits", "going_live", "errors", "summary"}
    assert doc["totals"] == {"delivered": 0, "failed": 0, "acknowledged": 0, "rejected": 0}
    code, out = run("report", "weekly")
    assert code == 0 and out.startswith("Weekly summary, ") and "Most recent errors: none" in out
