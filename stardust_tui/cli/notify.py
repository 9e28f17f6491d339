"""``stardust notify add|list|test|outbox|retry|events|remove|enable|disable``: notification channels (issue 10).

Secrets never come from the command line: an SMTP password is read from stdin (``--password-stdin``); a
webhook's signing secret is generated and printed once (or read from stdin with ``--secret-stdin``).
Which events go where is the ``[[notify.rules]]`` of config.toml. The work is done by
``services.notifications``.
"""

from __future__ import annotations

import click

from stardust_tui.cli import params as P
from stardust_tui.cli.context import StardustContext
from stardust_tui.cli.notify_io import added as _added
from stardust_tui.cli.notify_io import stdin_line as _stdin_line
from stardust_tui.cli.output import echo_json, exit_with
from stardust_tui.cli.plugin_notify import PluginKindGroup
from stardust_tui.domain import limits as L
from stardust_tui.domain.notify_vocab import DIGESTS, NOTIFY, SEND_STATES
from stardust_tui.errors import ExitCode, ValidationError

CHANNEL = P.Text(NOTIFY["name"], nonempty=True)
ADDRESS = P.Text(320, nonempty=True)
TIMEOUT = P.Number(L.Span(0.5, 300, "seconds"), integer=False)
PORT = P.Number(L.Span(1, 65535))


def register(cli: click.Group) -> None:
    cli.add_command(notify)


@click.group()
def notify() -> None:
    """Notifications: email and signed webhooks for deliveries, ACKs, circuits, imports, backups."""


@notify.group("add", cls=PluginKindGroup)  # issue 16: plugin channel kinds too (cli/plugin_notify.py)
def notify_add() -> None:
    """Add a notification channel (email, webhook, or a plugin's kind)."""


@notify_add.command("email")
@click.argument("name", type=CHANNEL)
@click.option("--host", type=P.Text(253, nonempty=True), required=True, help="SMTP server.")
@click.option("--port", type=PORT, help="Port (default 587 for starttls, 465 for tls).")
@click.option("--security", type=click.Choice(["starttls", "tls", "none"]), default="starttls", show_default=True,
              help="STARTTLS, implicit TLS, or none (only to a relay on this machine).")
@click.option("--username", type=P.Text(320, nonempty=True), help="Log in as this user (password from stdin).")
@click.option("--password-stdin", is_flag=True, help="Read the SMTP password from the first line of stdin.")
@click.option("--from", "sender", type=ADDRESS, required=True, help="Sender address.")
@click.option("--to", "recipients", type=ADDRESS, multiple=True, required=True, help="Recipient (repeatable).")
@click.option("--ca", "ca_file", type=P.InputFile(), help="CA certificate file to trust (a private CA).")
@click.option("--timeout", type=TIMEOUT, default=30.0, show_default=True, help="Seconds per SMTP operation.")
@click.option("--digest", type=click.Choice(DIGESTS), default="immediate", show_default=True,
              help="Send each event at once, or one message per hour or day.")
@click.option("--replace", is_flag=True, help="Change the channel of that name (its pending sends stay).")
@click.pass_obj
def add_email(obj: StardustContext, name: str, host: str, port: int | None, security: str, username: str | None,
              password_stdin: bool, sender: str, recipients: tuple[str, ...], ca_file: str | None, timeout: float,
              digest: str, replace: bool) -> None:
    """Add an email channel (SMTP)."""
    if password_stdin and not username:
        raise ValidationError("a password needs --username", where="--password-stdin")
    password = _stdin_line("--password-stdin") if password_stdin else None
    settings = {"host": host, "port": port, "security": security, "username": username, "sender": sender,
                "to": list(recipients), "ca_file": ca_file, "timeout_s": timeout}
    _added(obj, obj.services.notifications.add("email", name, settings, secret=password, digest=digest,
                                               replace=replace))


@notify_add.command("webhook")
@click.argument("name", type=CHANNEL)
@click.option("--url", type=P.Text(2000, nonempty=True), required=True, help="https:// URL events are POSTed to.")
@click.option("--secret-stdin", is_flag=True, help="Read the signing secret from stdin instead of generating one.")
@click.option("--ca", "ca_file", type=P.InputFile(), help="CA certificate file to trust (a private CA).")
@click.option("--timeout", type=TIMEOUT, default=10.0, show_default=True, help="Seconds to wait for an answer.")
@click.option("--digest", type=click.Choice(DIGESTS), default="immediate", show_default=True,
              help="POST each event at once, or one digest per hour or day.")
@click.option("--replace", is_flag=True, help="Change the channel of that name (the secret is kept).")
@click.pass_obj
def add_webhook(obj: StardustContext, name: str, url: str, secret_stdin: bool, ca_file: str | None,
                timeout: float, digest: str, replace: bool) -> None:
    """Add a webhook channel (signed with HMAC-SHA256: Stardust-Signature)."""
    secret = _stdin_line("--secret-stdin") if secret_stdin else None
    if secret is not None and len(secret) < 16:
        raise ValidationError("a signing secret needs at least 16 characters", where="--secret-stdin")
    settings = {"url": url, "ca_file": ca_file, "timeout_s": timeout}
    _added(obj, obj.services.notifications.add("webhook", name, settings, secret=secret, digest=digest,
                                               replace=replace))


@notify.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (no secrets).")
@click.pass_obj
def notify_list(obj: StardustContext, as_json: bool) -> None:
    """Channels with where they send, their digest and their health."""
    rows = obj.services.notifications.list()
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("no notification channels (add one with `stardust notify add email|webhook NAME ...`)")
        return
    click.echo(f"{'NAME':<20} {'KIND':<8} {'DIGEST':<10} {'STATE':<10} {'PENDING':>7} {'FAILED':>6}  WHERE")
    for ch in rows:
        click.echo(f"{ch.name:<20} {ch.kind:<8} {ch.digest:<10} {ch.state:<10} {ch.pending:>7} {ch.failed:>6}  "
                   f"{ch.summary}")
        if ch.failing and ch.last_error:
            click.echo(f"{'':<20} last error: {ch.last_error}")


@notify.command("test")
@click.argument("name", type=CHANNEL)
@click.pass_obj
def notify_test(obj: StardustContext, name: str) -> None:
    """Send a test notification to one channel now, printing each step."""
    from stardust_tui.notify.channel import SendFailed

    try:
        obj.services.notifications.test(name, lambda line: click.echo(f"  {line}"))
    except SendFailed as exc:
        click.echo(f"error: {exc}", err=True)
        exit_with(ExitCode.FAILED)
    click.echo(f"test notification sent to {name}")


@notify.command("outbox")
@click.option("--status", type=click.Choice(("new", *SEND_STATES)), help="Only these (pending includes sending).")
@click.option("--channel", type=CHANNEL, help="Only this channel's sends.")
@click.option("--limit", type=P.PAGE_SIZE, default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def notify_outbox(obj: StardustContext, status: str | None, channel: str | None, limit: int, as_json: bool) -> None:
    """Events in the outbox and their sends per channel, newest first."""
    rows = obj.services.notifications.outbox(status=status, channel=channel, limit=limit)
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("the outbox is empty" + (f" (status {status})" if status else ""))
        return
    click.echo(f"{'ID':>6} {'STATUS':<8} {'TRIES':>5} {'CHANNEL':<16} {'TYPE':<19} {'WHEN':<20} SUMMARY")
    for r in rows:
        when = (r.next_attempt_at if r.status == "pending" and r.next_attempt_at else r.occurred_at)
        click.echo(f"{r.send_id if r.send_id is not None else '-':>6} {r.status:<8} {r.attempts:>5} "
                   f"{r.channel or '-':<16} {r.type:<19} {when:%Y-%m-%d %H:%M:%S} {r.summary}")
        if r.last_error and r.status in ("pending", "failed"):
            click.echo(f"{'':>6} error: {r.last_error}")


@notify.command("retry")
@click.argument("send_id", type=P.ID, required=False)
@click.option("--channel", type=CHANNEL, help="Every failed or waiting send of this channel.")
@click.pass_obj
def notify_retry(obj: StardustContext, send_id: int | None, channel: str | None) -> None:
    """Queue a failed (or waiting) notification again now: one by its ID (notify outbox), or a channel's."""
    if (send_id is None) == (channel is None):
        raise ValidationError("give a send ID or --channel NAME (one of them)", where="notify retry")
    n = obj.services.notifications.retry(send_id=send_id, channel=channel)
    click.echo(f"queued {n} notification(s) again")


@notify.command("events")
@click.option("--limit", type=P.PAGE_SIZE, default=30, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (each event's payload included).")
@click.pass_obj
def notify_events(obj: StardustContext, limit: int, as_json: bool) -> None:
    """Recent events (what the TUI's notifications panel shows), newest first."""
    rows = obj.services.notifications.events(limit=limit)
    if as_json:
        import json

        echo_json([{**{k: v for k, v in r.__dict__.items() if k != "payload"}, "payload": json.loads(r.payload)}
                   for r in rows])
        return
    for r in rows:
        click.echo(f"{r.occurred_at:%Y-%m-%d %H:%M:%S} {r.severity:<7} {r.type:<19} {r.summary}")


@notify.command("remove")
@click.argument("name", type=CHANNEL)
@click.option("--yes", is_flag=True, help="Do not ask.")
@click.pass_obj
def notify_remove(obj: StardustContext, name: str, yes: bool) -> None:
    """Remove a channel (its pending sends are dropped; the events stay in the outbox)."""
    ch = obj.services.notifications.get(name)
    if not yes and not click.confirm(f"remove channel {name} ({ch.pending} pending sends)?", default=False):
        exit_with(ExitCode.FAILED)
    obj.services.notifications.remove(name)
    click.echo(f"removed channel {name}")


@notify.command("enable")
@click.argument("name", type=CHANNEL)
@click.pass_obj
def notify_enable(obj: StardustContext, name: str) -> None:
    """Send to this channel again."""
    obj.services.notifications.set_enabled(name, True)
    click.echo(f"channel {name} enabled")


@notify.command("disable")
@click.argument("name", type=CHANNEL)
@click.pass_obj
def notify_disable(obj: StardustContext, name: str) -> None:
    """Stop sending to this channel (new events skip it while it is disabled)."""
    obj.services.notifications.set_enabled(name, False)
    click.echo(f"channel {name} disabled")
