"""``stardust target add|list|show|edit|remove|enable|disable|test``: delivery targets.

Secrets never appear on screen: ``show`` says which are set. Passwords come from stdin
(``--password-stdin``), never from the command line; ``--secret KEY=-`` reads that value from stdin too.
"""

from __future__ import annotations

import json
import sys

import click

from stardust_tui.cli.context import StardustContext
from stardust_tui.errors import ValidationError


def register(cli: click.Group) -> None:
    cli.add_command(target)


@click.group()
def target() -> None:
    """Delivery targets: where releases go (one URL each) and how (a delivery profile)."""


def _read_stdin_values(password_stdin: bool, secrets: tuple[str, ...]) -> tuple[str | None, dict[str, str]]:
    """The password and ``KEY=-`` secrets, one stdin line each, in that order."""
    from stardust_tui.delivery.targets import parse_secret_pairs

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


def _circuit(t: object) -> str:
    try:
        from stardust_tui.worker.circuit import CircuitPolicy, describe
    except ImportError:  # a build without the worker: the raw state
        return str(getattr(t, "circuit_state", "closed"))
    return describe(t, CircuitPolicy())  # type: ignore[arg-type]


@target.command("add")
@click.argument("name")
@click.option("--url", required=True, help="file:///dir, ftp(s)://user@host/dir, sftp://user@host/dir, s3://, ...")
@click.option("--profile", default="generic-43", show_default=True, help="Delivery profile (stardust profile list).")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@click.option("--key", "key_file", type=click.Path(dir_okay=False), help="SSH private key file (sftp).")
@click.option("--known-hosts", type=click.Path(dir_okay=False), help="known_hosts file to check the host key.")
@click.option("--host-key", help="Pinned host key fingerprint SHA256:... (ssh-keygen -lf).")
@click.option("--trust-host-key", is_flag=True, help="Accept an unknown SSH host key (not recommended).")
@click.option("--secret", "secrets", multiple=True, metavar="KEY=VALUE",
              help="Other credentials (token, aws_secret_access_key...); VALUE '-' reads it from stdin.")
@click.option("--max-concurrency", type=int, default=2, show_default=True, help="Parallel deliveries to it.")
@click.option("--disabled", is_flag=True, help="Add it disabled (no deliveries until enabled).")
@click.pass_obj
def target_add(obj: StardustContext, name: str, url: str, profile: str, password_stdin: bool,
               key_file: str | None, known_hosts: str | None, host_key: str | None, trust_host_key: bool,
               secrets: tuple[str, ...], max_concurrency: int, disabled: bool) -> None:
    """Add a delivery target."""
    from stardust_tui.delivery.targets import add_target
    from stardust_tui.store.db import session_scope

    password, values = _read_stdin_values(password_stdin, secrets)
    with session_scope(obj.engine) as session:
        t = add_target(session, obj.settings.paths, name=name, url=url, profile=profile, password=password,
                       key_file=key_file, known_hosts=known_hosts, host_key=host_key,
                       trust_unknown_host=trust_host_key, secrets=values, max_concurrency=max_concurrency,
                       enabled=not disabled)
        click.echo(f"added target {t.name} ({t.url}, profile {t.profile}{', disabled' if disabled else ''})")
    _warn_placeholders(obj, profile)


def _warn_placeholders(obj: StardustContext, profile_name: str) -> None:
    from stardust_tui.delivery.profiles import load_profile

    unset = load_profile(profile_name, obj.settings.paths.profiles_dir).placeholder_recipients()
    if unset:
        click.echo(f"warning: profile {profile_name} has placeholder recipient DPIDs "
                   f"({', '.join(r.dpid for r in unset)}); deliveries fail until you set them in "
                   f"{obj.settings.paths.profiles_dir}/{profile_name}.toml (extends = \"{profile_name}\")", err=True)


@target.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (no secrets).")
@click.pass_obj
def target_list(obj: StardustContext, as_json: bool) -> None:
    """List targets with their profile, state and circuit breaker."""
    from stardust_tui.delivery.targets import list_targets
    from stardust_tui.store.db import session_scope

    with session_scope(obj.engine) as session:
        targets = list_targets(session)
    if as_json:
        click.echo(json.dumps([{"name": t.name, "url": t.url, "profile": t.profile, "enabled": t.enabled,
                                "max_concurrency": t.max_concurrency, "circuit": t.circuit_state,
                                "consecutive_failures": t.consecutive_failures} for t in targets], indent=2))
        return
    if not targets:
        click.echo("no targets (add one with `stardust target add NAME --url URL`)")
        return
    click.echo(f"{'NAME':<20} {'ENABLED':<8} {'PROFILE':<16} {'CIRCUIT':<22} URL")
    for t in targets:
        click.echo(f"{t.name:<20} {'yes' if t.enabled else 'no':<8} {t.profile:<16} {_circuit(t):<22} {t.url}")


@target.command("show")
@click.argument("name")
@click.pass_obj
def target_show(obj: StardustContext, name: str) -> None:
    """Show a target (credentials are shown as set / not set, never their values)."""
    from sqlmodel import func, select

    from stardust_tui.delivery.targets import get_target, secret_names
    from stardust_tui.domain.delivery_models import ReleaseTargetStatus as RTS
    from stardust_tui.store.db import session_scope

    with session_scope(obj.engine) as session:
        t = get_target(session, name)
        counts = dict(session.exec(select(RTS.status, func.count()).where(RTS.target_id == t.id)
                                   .group_by(RTS.status)).all())
    names = secret_names(obj.settings.paths, t)
    rows = [("name", t.name), ("url", t.url), ("profile", t.profile), ("enabled", "yes" if t.enabled else "no"),
            ("max concurrency", str(t.max_concurrency)), ("circuit", _circuit(t))]
    if t.key_file:
        rows.append(("key file", t.key_file))
    if t.known_hosts_file:
        rows.append(("known hosts", t.known_hosts_file))
    if t.host_key:
        rows.append(("host key", t.host_key))
    if t.trust_unknown_host:
        rows.append(("host key trust", "unknown keys accepted"))
    rows.append(("password", "set" if "password" in names else "not set"))
    for key in names:
        if key != "password":
            rows.append((key, "set"))
    if t.last_ack_poll_at:
        rows.append(("last ACK poll", t.last_ack_poll_at.isoformat(timespec="seconds")))
    rows.append(("releases", ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "none yet"))
    for key, value in rows:
        click.echo(f"{key:<16} {value}")


@target.command("edit")
@click.argument("name")
@click.option("--url")
@click.option("--rename", help="New name.")
@click.option("--profile")
@click.option("--password-stdin", is_flag=True, help="Replace the password with the first line of stdin.")
@click.option("--clear-password", is_flag=True, help="Remove the stored password.")
@click.option("--key", "key_file", help="SSH private key file ('' removes it).")
@click.option("--known-hosts", help="known_hosts file ('' removes it).")
@click.option("--host-key", help="Pinned SHA256:... fingerprint ('' removes it).")
@click.option("--trust-host-key/--no-trust-host-key", default=None)
@click.option("--secret", "secrets", multiple=True, metavar="KEY=VALUE", help="Set (or with KEY= remove) a secret.")
@click.option("--max-concurrency", type=int)
@click.pass_obj
def target_edit(obj: StardustContext, name: str, url: str | None, rename: str | None, profile: str | None,
                password_stdin: bool, clear_password: bool, key_file: str | None, known_hosts: str | None,
                host_key: str | None, trust_host_key: bool | None, secrets: tuple[str, ...],
                max_concurrency: int | None) -> None:
    """Change settings of a target."""
    from stardust_tui.delivery.targets import edit_target, get_target
    from stardust_tui.store.db import session_scope

    password, values = _read_stdin_values(password_stdin, secrets)
    changes: dict[str, str | None] = dict(values)
    if clear_password:
        changes["password"] = None
    with session_scope(obj.engine) as session:
        t = edit_target(session, obj.settings.paths, get_target(session, name), url=url, rename=rename,
                        profile=profile, password=password, key_file=key_file, known_hosts=known_hosts,
                        host_key=host_key, trust_unknown_host=trust_host_key, secrets=changes,
                        max_concurrency=max_concurrency)
        click.echo(f"updated target {t.name}")
    if profile:
        _warn_placeholders(obj, profile)


def _set_enabled(obj: StardustContext, name: str, enabled: bool) -> None:
    from stardust_tui.delivery.targets import edit_target, get_target
    from stardust_tui.store.db import session_scope

    with session_scope(obj.engine) as session:
        t = edit_target(session, obj.settings.paths, get_target(session, name), enabled=enabled)
        click.echo(f"target {t.name} {'enabled' if enabled else 'disabled'}")


@target.command("enable")
@click.argument("name")
@click.pass_obj
def target_enable(obj: StardustContext, name: str) -> None:
    """Allow deliveries to a target."""
    _set_enabled(obj, name, True)


@target.command("disable")
@click.argument("name")
@click.pass_obj
def target_disable(obj: StardustContext, name: str) -> None:
    """Stop deliveries to a target (queued ones wait)."""
    _set_enabled(obj, name, False)


@target.command("remove")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def target_remove(obj: StardustContext, name: str, yes: bool) -> None:
    """Delete a target that has no deliveries (disable it otherwise)."""
    from stardust_tui.delivery.targets import get_target, remove_target
    from stardust_tui.store.db import session_scope

    if not yes:
        click.confirm(f"remove target {name}?", abort=True)
    with session_scope(obj.engine) as session:
        remove_target(session, get_target(session, name))
    click.echo(f"removed target {name}")


@target.command("test")
@click.argument("name")
@click.pass_obj
def target_test(obj: StardustContext, name: str) -> None:
    """Connect, list, write and remove a probe file; report each step (exit 1 if one fails)."""
    import asyncio

    from stardust_tui.delivery.probe import probe
    from stardust_tui.delivery.profiles import load_profile
    from stardust_tui.delivery.targets import get_target, open_target_transport
    from stardust_tui.store.db import session_scope

    with session_scope(obj.engine) as session:
        t = get_target(session, name)
    transport = open_target_transport(obj.settings.paths, t)
    click.echo(f"testing {t.name} ({t.url})")

    def on_step(step: str, ok: bool, detail: str) -> None:
        click.echo(f"  {'ok  ' if ok else 'FAIL'} {step:<8} {detail}")

    results = asyncio.run(probe(transport, on_step))
    if not results or not all(ok for _, ok, _ in results):
        raise click.exceptions.Exit(1)
    folder = load_profile(t.profile, obj.settings.paths.profiles_dir).ack_folder
    if folder:
        async def list_acks() -> int:
            async with open_target_transport(obj.settings.paths, t) as tr:
                return len(await tr.list(folder.strip("/")))

        try:
            on_step("acks", True, f"{folder}: {asyncio.run(list_acks())} entries")
        except Exception as exc:  # noqa: BLE001 - reported as a failed step, like the probe's
            on_step("acks", False, f"{folder}: {exc}")
            raise click.exceptions.Exit(1) from None
    click.echo("all steps passed")


@target.command("acks")
@click.argument("name")
@click.option("--no-poll", is_flag=True, help="Only show what is recorded; do not read the ACK folder now.")
@click.option("--limit", type=int, default=20, show_default=True, help="How many recent ACK files to show.")
@click.pass_obj
def target_acks(obj: StardustContext, name: str, no_poll: bool, limit: int) -> None:
    """Read new acknowledgements from a target's ACK folder now and show the latest ones."""
    import asyncio

    from sqlmodel import col, select

    from stardust_tui.delivery.acks import poll_target_acks
    from stardust_tui.delivery.profiles import load_profile
    from stardust_tui.delivery.targets import get_target, open_target_transport
    from stardust_tui.domain.delivery_models import Acknowledgement
    from stardust_tui.store.db import session_scope

    with session_scope(obj.engine) as session:
        t = get_target(session, name)
    prof = load_profile(t.profile, obj.settings.paths.profiles_dir)
    folder = prof.ack_folder
    if not no_poll:
        if not folder:
            raise ValidationError(f"profile {t.profile!r} has no ACK folder ([choreography] ack_folder)",
                                  where=t.name)

        async def poll() -> int:
            async with open_target_transport(obj.settings.paths, t) as transport:
                return len(await poll_target_acks(obj.engine, t, transport, folder, prof.ack_format))

        click.echo(f"read {asyncio.run(poll())} new ACK file(s) from {folder}")
    with session_scope(obj.engine) as session:
        rows = list(session.exec(select(Acknowledgement).where(Acknowledgement.target_id == t.id)
                                 .order_by(col(Acknowledgement.id).desc()).limit(limit)))
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
            click.echo(f"{'':<20} resend ({files}): stardust deliver {a.release_id} --target {t.name} --type update "
                       "--resend")
