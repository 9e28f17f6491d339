"""``stardust target add|list|show|edit|remove|enable|disable|test``: delivery targets.

Secrets never appear on screen: ``show`` says which are set. Passwords come from stdin
(``--password-stdin``), never from the command line; ``--secret KEY=-`` reads that value from stdin too.
The work is done by ``services.targets``.
"""

from __future__ import annotations

import asyncio
import sys

import click

from stardust_tui.cli import params as P
from stardust_tui.cli.context import StardustContext
from stardust_tui.cli.output import echo_json, exit_with
from stardust_tui.domain import limits as L
from stardust_tui.errors import ExitCode, ValidationError


def register(cli: click.Group) -> None:
    cli.add_command(target)


@click.group()
def target() -> None:
    """Delivery targets: where releases go (one URL each) and how (a delivery profile)."""


def _read_stdin_values(password_stdin: bool, secrets: tuple[str, ...]) -> tuple[str | None, dict[str, str]]:
    """The password and ``KEY=-`` secrets, one stdin line each, in that order."""
    from stardust_tui.services.targets import parse_secret_pairs

    values = parse_secret_pairs(secrets)
    wanted = (["password"] if password_stdin else []) + [k for k, v in values.items() if v == "-"]
    lines = sys.stdin.read().splitlines() if wanted else []
    if len(lines) < len(wanted):
        raise ValidationError(f"expected {len(wanted)} line(s) on stdin ({', '.join(wanted)})", where="stdin")
    read = dict(zip(wanted, lines, strict=False))
    for key in values:
        if values[key] == "-":
            values[key] = read[key]
    password = read.get("password") if password_stdin else None
    if password_stdin and not password:
        raise ValidationError("empty password on stdin", where="--password-stdin")
    return password, values


@target.command("add")
@click.argument("name", type=P.NAME)
@click.option("--url", type=P.Text(L.TARGET["url"], nonempty=True), required=True,
              help="file:///dir, ftp(s)://user@host/dir, sftp://user@host/dir, s3://, ...")
@click.option("--profile", type=P.NAME, default="generic-43", show_default=True,
              help="Delivery profile (stardust profile list).")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@click.option("--key", "key_file", type=P.InputFile(), help="SSH private key file (sftp).")
@click.option("--known-hosts", type=P.InputFile(), help="known_hosts file to check the host key.")
@click.option("--host-key", type=P.Text(L.TARGET["host_key"], nonempty=True),
              help="Pinned host key fingerprint SHA256:... (ssh-keygen -lf).")
@click.option("--trust-host-key", is_flag=True, help="Accept an unknown SSH host key (not recommended).")
@click.option("--secret", "secrets", type=P.Text(L.SECRET_VALUE), multiple=True, metavar="KEY=VALUE",
              help="Other credentials (token, aws_secret_access_key...); VALUE '-' reads it from stdin.")
@click.option("--max-concurrency", type=P.Number(L.CONCURRENCY), default=2, show_default=True,
              help="Parallel deliveries to it.")
@click.option("--disabled", is_flag=True, help="Add it disabled (no deliveries until enabled).")
@click.pass_obj
def target_add(obj: StardustContext, name: str, url: str, profile: str, password_stdin: bool,
               key_file: str | None, known_hosts: str | None, host_key: str | None, trust_host_key: bool,
               secrets: tuple[str, ...], max_concurrency: int, disabled: bool) -> None:
    """Add a delivery target."""
    password, values = _read_stdin_values(password_stdin, secrets)
    t = obj.services.targets.add(name=name, url=url, profile=profile, password=password, key_file=key_file,
                                 known_hosts=known_hosts, host_key=host_key, trust_unknown_host=trust_host_key,
                                 secrets=values, max_concurrency=max_concurrency, enabled=not disabled)
    click.echo(f"added target {t.name} ({t.url}, profile {t.profile}{', disabled' if disabled else ''})")
    _warn_placeholders(obj, profile)


def _warn_placeholders(obj: StardustContext, profile_name: str) -> None:
    warning = obj.services.profiles.placeholder_warning(profile_name)
    if warning:
        click.echo(f"warning: {warning}", err=True)


@target.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (no secrets).")
@click.pass_obj
def target_list(obj: StardustContext, as_json: bool) -> None:
    """List targets with their profile, state and circuit breaker."""
    targets = obj.services.targets.list()
    if as_json:
        echo_json([{"name": t.name, "url": t.url, "profile": t.profile, "enabled": t.enabled,
                    "max_concurrency": t.max_concurrency, "circuit": t.circuit_state,
                    "consecutive_failures": t.consecutive_failures} for t in targets])
        return
    if not targets:
        click.echo("no targets (add one with `stardust target add NAME --url URL`)")
        return
    click.echo(f"{'NAME':<20} {'ENABLED':<8} {'PROFILE':<16} {'CIRCUIT':<22} URL")
    for t in targets:
        click.echo(f"{t.name:<20} {'yes' if t.enabled else 'no':<8} {t.profile:<16} {t.circuit:<22} {t.url}")


@target.command("show")
@click.argument("name", type=P.NAME)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (which secrets are set, never their values).")
@click.pass_obj
def target_show(obj: StardustContext, name: str, as_json: bool) -> None:
    """Show a target (credentials are shown as set / not set, never their values)."""
    detail = obj.services.targets.show(name)
    t, names = detail.target, detail.secrets_set
    if as_json:
        echo_json(detail)
        return
    rows = [("name", t.name), ("url", t.url), ("profile", t.profile), ("enabled", "yes" if t.enabled else "no"),
            ("max concurrency", str(t.max_concurrency)), ("circuit", t.circuit)]
    if t.key_file:
        rows.append(("key file", t.key_file))
    if t.known_hosts:
        rows.append(("known hosts", t.known_hosts))
    if t.host_key:
        rows.append(("host key", t.host_key))
    if t.trust_unknown_host:
        rows.append(("host key trust", "unknown keys accepted"))
    rows.append(("password", "set" if "password" in names else "not set"))
    for key in names:
        if key != "password":
            rows.append((key, "set"))
    if detail.last_ack_poll_at:
        rows.append(("last ACK poll", detail.last_ack_poll_at.isoformat(timespec="seconds")))
    counts = detail.releases_by_status
    rows.append(("releases", ", ".join(f"{n} {status}" for status, n in counts.items()) or "none yet"))
    for key, value in rows:
        click.echo(f"{key:<16} {value}")


@target.command("edit")
@click.argument("name", type=P.NAME)
@click.option("--url", type=P.Text(L.TARGET["url"], nonempty=True))
@click.option("--rename", type=P.NAME, help="New name.")
@click.option("--profile", type=P.NAME)
@click.option("--password-stdin", is_flag=True, help="Replace the password with the first line of stdin.")
@click.option("--clear-password", is_flag=True, help="Remove the stored password.")
@click.option("--key", "key_file", type=P.Text(L.TARGET["key_file"]),
              help="SSH private key file ('' removes it).")
@click.option("--known-hosts", type=P.Text(L.TARGET["known_hosts_file"]),
              help="known_hosts file ('' removes it).")
@click.option("--host-key", type=P.Text(L.TARGET["host_key"]),
              help="Pinned SHA256:... fingerprint ('' removes it).")
@click.option("--trust-host-key/--no-trust-host-key", default=None)
@click.option("--secret", "secrets", type=P.Text(L.SECRET_VALUE), multiple=True, metavar="KEY=VALUE",
              help="Set (or with KEY= remove) a secret.")
@click.option("--max-concurrency", type=P.Number(L.CONCURRENCY))
@click.pass_obj
def target_edit(obj: StardustContext, name: str, url: str | None, rename: str | None, profile: str | None,
                password_stdin: bool, clear_password: bool, key_file: str | None, known_hosts: str | None,
                host_key: str | None, trust_host_key: bool | None, secrets: tuple[str, ...],
                max_concurrency: int | None) -> None:
    """Change settings of a target."""
    password, values = _read_stdin_values(password_stdin, secrets)
    changes: dict[str, str | None] = dict(values)
    if clear_password:
        changes["password"] = None
    t = obj.services.targets.edit(name, url=url, rename=rename, profile=profile, password=password,
                                  key_file=key_file, known_hosts=known_hosts, host_key=host_key,
                                  trust_unknown_host=trust_host_key, secrets=changes, max_concurrency=max_concurrency)
    click.echo(f"updated target {t.name}")
    if profile:
        _warn_placeholders(obj, profile)


def _set_enabled(obj: StardustContext, name: str, enabled: bool) -> None:
    t = obj.services.targets.set_enabled(name, enabled)
    click.echo(f"target {t.name} {'enabled' if enabled else 'disabled'}")


@target.command("enable")
@click.argument("name", type=P.NAME)
@click.pass_obj
def target_enable(obj: StardustContext, name: str) -> None:
    """Allow deliveries to a target."""
    _set_enabled(obj, name, True)


@target.command("disable")
@click.argument("name", type=P.NAME)
@click.pass_obj
def target_disable(obj: StardustContext, name: str) -> None:
    """Stop deliveries to a target (queued ones wait)."""
    _set_enabled(obj, name, False)


@target.command("remove")
@click.argument("name", type=P.NAME)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def target_remove(obj: StardustContext, name: str, yes: bool) -> None:
    """Delete a target that has no deliveries (disable it otherwise)."""
    if not yes:
        click.confirm(f"remove target {name}?", abort=True)
    obj.services.targets.remove(name)
    click.echo(f"removed target {name}")


@target.command("test")
@click.argument("name", type=P.NAME)
@click.option("--json", "as_json", is_flag=True, help="Print the steps as one JSON document at the end.")
@click.pass_obj
def target_test(obj: StardustContext, name: str, as_json: bool) -> None:
    """Connect, list, write and remove a probe file; report each step (exit 1 if one fails)."""
    targets = obj.services.targets
    t = targets.get(name)
    steps: list[dict[str, object]] = []

    def on_step(step: str, ok: bool, detail: str) -> None:
        steps.append({"step": step, "ok": ok, "detail": detail})
        if not as_json:
            click.echo(f"  {'ok  ' if ok else 'FAIL'} {step:<8} {detail}")

    if not as_json:
        click.echo(f"testing {t.name} ({t.url})")
    passed = asyncio.run(targets.test(t.id, on_step))
    if as_json:
        echo_json({"target": t.name, "url": t.url, "passed": passed, "steps": steps})
    elif passed:
        click.echo("all steps passed")
    if not passed:
        exit_with(ExitCode.FAILED)


@target.command("acks")
@click.argument("name", type=P.NAME)
@click.option("--no-poll", is_flag=True, help="Only show what is recorded; do not read the ACK folder now.")
@click.option("--limit", type=P.PAGE_SIZE, default=20, show_default=True,
              help="How many recent ACK files to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the recorded ACKs as JSON.")
@click.pass_obj
def target_acks(obj: StardustContext, name: str, no_poll: bool, limit: int, as_json: bool) -> None:
    """Read new acknowledgements from a target's ACK folder now and show the latest ones."""
    targets = obj.services.targets
    if not no_poll:
        folder, new = asyncio.run(targets.poll_acks(name))
        click.echo(f"read {new} new ACK file(s) from {folder}", err=as_json)
    rows = targets.acks(name, limit=limit)
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("no acknowledgements recorded")
        return
    click.echo(f"{'RECEIVED':<20} {'STATUS':<28} {'RELEASE':>7} {'ACTION':<22} FILE")
    for a in rows:
        click.echo(f"{a.received_at.strftime('%Y-%m-%d %H:%M:%S'):<20} {(a.file_status or '-'):<28} "
                   f"{a.release_id or '-':>7} {(a.proposed_action or '-'):<22} {a.file_name}")
        if a.error_text:
            click.echo(f"{'':<20} {a.error_text}")
        if a.release_id and a.proposed_action in ("ResendXmlOnly", "ResendXmlAndResources"):
            files = "with all files" if a.proposed_action == "ResendXmlAndResources" else "XML only"
            click.echo(f"{'':<20} resend ({files}): stardust deliver {a.release_id} --target {name} --type update "
                       "--resend")
