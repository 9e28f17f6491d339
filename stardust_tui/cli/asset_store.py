"""``stardust asset store|credentials|migrate`` (also ``stardust assets migrate``): the store itself (issue 12).

Printing around :mod:`stardust_tui.services.asset_store`.
"""

from __future__ import annotations

import sys

import click

from stardust_tui.cli import params as P
from stardust_tui.cli.context import StardustContext
from stardust_tui.cli.output import echo_json, exit_with
from stardust_tui.errors import ExitCode, ValidationError


def _service(obj: StardustContext):  # noqa: ANN202 - AssetStoreService
    from stardust_tui.services.asset_store import AssetStoreService

    return AssetStoreService(obj.services)


def register(asset: click.Group, cli: click.Group) -> None:
    """Add the store commands to ``asset`` and a ``stardust assets`` group holding ``migrate``."""
    for cmd in (store_cmd, credentials_cmd, migrate_cmd):
        asset.add_command(cmd)
    assets = click.Group("assets", help="The asset store as a whole (same as `stardust asset store|migrate`).")
    assets.add_command(migrate_cmd)
    assets.add_command(store_cmd)
    cli.add_command(assets)


@click.command("store")
@click.option("--check", is_flag=True, help="Also reach the store (a bucket: with the stored credentials).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def store_cmd(obj: StardustContext, check: bool, as_json: bool) -> None:
    """Which asset store this home uses ([assets] url) and which credentials are stored for it."""
    svc = _service(obj)
    info = svc.info()
    if check:
        svc.check()
    if as_json:
        echo_json({"url": info.url, "kind": info.kind, "credentials": info.credentials, "reachable": check or None})
        return
    click.echo(f"store        {info.url} ({'S3 bucket' if info.kind == 's3' else 'local folder'})")
    if info.kind == "s3":
        click.echo(f"credentials  {', '.join(info.credentials) or 'none stored (AWS environment/instance ones apply)'}")
    if check:
        click.echo("reachable    yes")


@click.command("credentials")
@click.option("--url", type=P.Text(2000), default=None, help="The s3:// store (default: [assets] url).")
@click.option("--access-key-id", type=P.Text(200), default=None, help="The S3 access key id.")
@click.option("--secret-stdin", is_flag=True, help="Read the secret access key from standard input.")
@click.option("--session-token-stdin", is_flag=True, help="Read a session token from standard input.")
@click.option("--clear", is_flag=True, help="Remove the stored credentials of this store.")
@click.pass_obj
def credentials_cmd(obj: StardustContext, url: str | None, access_key_id: str | None, secret_stdin: bool,
                    session_token_stdin: bool, clear: bool) -> None:
    """Store the object store's S3 credentials in the database, encrypted with the secret key (every host
    sharing the database and key uses them); never in the config file."""
    values: dict[str, str | None] = {}
    if clear:
        values = dict.fromkeys(("aws_access_key_id", "aws_secret_access_key", "aws_session_token"))
    else:
        if access_key_id:
            values["aws_access_key_id"] = access_key_id
        if secret_stdin or session_token_stdin:
            text = sys.stdin.read().strip()
            if not text:
                raise ValidationError("nothing on standard input", where="--secret-stdin")
            values["aws_secret_access_key" if secret_stdin else "aws_session_token"] = text
        if not values:
            raise ValidationError("give --access-key-id and/or --secret-stdin (or --clear)", where="asset credentials")
    names = _service(obj).set_credentials(url, values)
    click.echo(f"stored credentials: {', '.join(names) or 'none'}")


@click.command("migrate")
@click.option("--to", "to", required=True, type=P.Text(2000),
              help="Destination: s3://bucket/prefix?endpoint=..., file:///dir, or local (the home's folder).")
@click.option("--from", "source", type=P.Text(2000), default=None, help="Source store (default: [assets] url).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def migrate_cmd(obj: StardustContext, to: str, source: str | None, as_json: bool) -> None:
    """Copy every stored file into another store, verified and resumable; the catalog is unchanged. Then set
    [assets] url on every host; exit 1 if a file is missing from the source or failed."""

    def progress(name: str, i: int, total: int) -> None:
        if not as_json and sys.stderr.isatty():
            click.echo(f"\r{i}/{total} {name[:60]:<60}", nl=False, err=True)

    report = _service(obj).migrate(to, source=source, progress=progress)
    if not as_json and sys.stderr.isatty():
        click.echo("", err=True)
    if as_json:
        echo_json(report.__dict__ | {"ok": report.ok})
    else:
        for line in report.missing:
            click.echo(f"MISSING  {line}")
        for line in report.failed:
            click.echo(f"FAILED   {line}")
        click.echo(f"{report.total} asset(s): {report.copied} copied ({report.bytes_copied} bytes"
                   f"{f', {report.server_side} server-side' if report.server_side else ''}), {report.present} already "
                   f"there, {len(report.missing)} missing, {len(report.failed)} failed")
        if report.ok:
            click.echo(f'now set on every host, in config.toml:  [assets] url = "{to}"')
    if not report.ok:
        exit_with(ExitCode.FAILED)
