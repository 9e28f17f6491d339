"""``stardust schemas fetch|list|verify``: the official DDEX XSDs, installed in the data directory.

``fetch`` reads DDEX's public schema service by default (``--from`` a mirror URL, a folder or a zip), checks
every file, installs the set through a temporary folder and a rename, and records each file's SHA-256;
``verify`` re-hashes them; ``list`` says what is installed and which folder validation uses (a configured
``STARDUST_DDEX_SCHEMAS`` / ``--schemas`` / ``ddex_schemas`` wins). The work is done by ``services.schemas``.
"""

from __future__ import annotations

import click

from stardust_tui.cli import params as P
from stardust_tui.cli.context import StardustContext
from stardust_tui.cli.output import echo_json, exit_with
from stardust_tui.errors import ExitCode

VERSIONS = ("3.8.2", "4.2", "4.3", "all")


def register(cli: click.Group) -> None:
    cli.add_command(schemas)


@click.group()
def schemas() -> None:
    """The official DDEX ERN schemas (XSD) used to validate every message."""


@schemas.command("fetch")
@click.option("--from", "source", type=P.Text(4096, nonempty=True), default=None, metavar="URL|DIR|FILE.zip",
              help="Where to read the XSDs (default: DDEX's schema service, https://service.ddex.net/xml/).")
@click.option("--version", "versions", type=click.Choice(VERSIONS), multiple=True,
              help="ERN version(s) to fetch (default: all); the choreography schemas always come along.")
@click.option("--json", "as_json", is_flag=True, help="Print what was installed as JSON.")
@click.pass_obj
def fetch(obj: StardustContext, source: str | None, versions: tuple[str, ...], as_json: bool) -> None:
    """Download, check and install the official ERN XSDs (with their allowed-value sets)."""
    def seen(origin: str, size: int) -> None:
        if not as_json:
            click.echo(f"  {origin} ({size:,} bytes)", err=True)

    outcome = obj.services.schemas.fetch(source, versions or ("all",), on_file=seen)
    if as_json:
        echo_json(outcome)
        return
    for s in outcome.sets:
        click.echo(f"{s.label}: {s.files} file(s), {s.size:,} bytes")
    for label in outcome.missing:
        click.echo(f"warning: {label} not found at {outcome.source}; manifests and ACKs of that version are not "
                   "XSD-checked", err=True)
    for note in outcome.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"installed in {outcome.root} (SHA-256 of every file in manifest.json; `stardust schemas verify`)")
    if outcome.origin != "installed":
        click.echo(f"note: validation uses {outcome.in_use} ({outcome.origin}), which wins over the installed "
                   "schemas; unset it to use these", err=True)


@schemas.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def list_(obj: StardustContext, as_json: bool) -> None:
    """What is installed, where, and which schema folder validation uses."""
    from stardust_tui.schemas.resolve import NO_SCHEMAS_HINT

    listing = obj.services.schemas.list()
    if as_json:
        echo_json(listing)
        return
    if listing.in_use is None:
        click.echo(NO_SCHEMAS_HINT)
    else:
        click.echo(f"in use: {listing.in_use} ({listing.origin})")
        if listing.origin != "installed":
            have = ", ".join(listing.configured_versions) or "no ERN release-notification.xsd found"
            click.echo(f"  ERN versions there: {have}")
    if not listing.installed:
        click.echo(f"installed: nothing in {listing.installed_root}")
        return
    click.echo(f"installed in {listing.installed_root}:")
    for s in listing.installed:
        click.echo(f"  {s.label:<15} {s.folder.name:<14} {s.files:>2} file(s) {s.size:>11,} B  "
                   f"fetched {s.fetched_at} from {s.source}")


@schemas.command("verify")
@click.option("--json", "as_json", is_flag=True, help="Print every file's state as JSON.")
@click.pass_obj
def verify(obj: StardustContext, as_json: bool) -> None:
    """Re-hash every installed schema file against its recorded SHA-256; exit 1 if any changed or is missing."""
    checks = obj.services.schemas.verify()
    bad = [c for c in checks if c.state != "ok"]
    if as_json:
        echo_json({"ok": not bad, "files": checks})
    else:
        for c in bad:
            click.echo(f"{c.state}: {c.path} ({c.detail})")
        click.echo(f"{len(checks) - len(bad)} of {len(checks)} file(s) match their recorded SHA-256"
                   + ("" if not bad else "; run `stardust schemas fetch` to reinstall"))
    exit_with(ExitCode.FAILED if bad else ExitCode.OK)
