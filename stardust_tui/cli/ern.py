"""``stardust ern build|validate|show|import``: build DDEX ERN messages, validate them offline, summarize
and import them.

Exit codes of ``validate``: 0 every file valid, 1 at least one invalid, 2 cannot run (unreadable file,
missing or broken schema folder). The work is done by ``services.ern`` (and ``services.imports`` for import).
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from stardust_tui.cli import params as P
from stardust_tui.cli.context import StardustContext
from stardust_tui.cli.output import echo_json, exit_with
from stardust_tui.domain import limits as L
from stardust_tui.errors import ExitCode, StardustError, ValidationError


def register(cli: click.Group) -> None:
    from stardust_tui.cli.importexport import import_ddex

    ern.add_command(import_ddex, "import")  # the same command as `stardust import ddex`
    cli.add_command(ern)


@click.group()
def ern() -> None:
    """DDEX ERN messages: build (3.8.2, 4.2, 4.3), validate offline, import."""


def _timestamp(value: str | None) -> datetime:
    from stardust_tui.domain.models import utcnow

    if not value:
        return utcnow().replace(microsecond=0)
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(f"--timestamp {value!r} is not an ISO date-time (e.g. 2025-03-14T09:00:00Z)") from None
    if when.tzinfo is None:
        raise ValidationError(f"--timestamp {value!r} needs a time zone (e.g. Z or +01:00)")
    return when


@ern.command("build")
@click.argument("ref", type=P.RELEASE_REF)
@click.option("--ern", "version", type=click.Choice(["3.8.2", "4.2", "4.3"]), default=None,
              help="ERN version [default: the profile's, else 4.3].")
@click.option("--type", "message_type", type=click.Choice(["new", "update", "takedown", "purge"]), default="new",
              show_default=True, help="Message type.")
@click.option("--takedown-strategy", type=click.Choice(["remove-deals", "end-validity", "purge"]), default=None,
              help="How a takedown is expressed [default: the profile's, else remove-deals].")
@click.option("--profile", "profile_name", type=P.NAME, default=None, metavar="NAME",
              help="Take ERN version, recipients, takedown strategy, file naming and release profile from a "
                   "delivery profile (options given here still win).")
@click.option("--test", is_flag=True, help="Mark the message as a TestMessage.")
@click.option("--recipient", "recipients", type=P.Text(L.PARTY["name"] + L.PARTY["dpid"] + 1, nonempty=True),
              multiple=True, metavar="DPID:NAME",
              help="Message recipient (repeatable). Default: the profile's, else the sender (a preview).")
@click.option("--message-id", type=P.Text(L.MESSAGE_ID, nonempty=True), default=None,
              help="Message id (default: derived from release and time).")
@click.option("--timestamp", type=P.Text(64, nonempty=True), default=None,
              help="Message creation time, ISO 8601 with zone (default: now).")
@click.option("--no-track-releases", is_flag=True, help="Only the main release (no TrackRelease per track).")
@click.option("-o", "--output", type=P.OutputFile(path_type=Path), default=None,
              help="Write to FILE (atomically) instead of standard output.")
@click.pass_obj
def build(obj: StardustContext, ref: str, version: str | None, message_type: str, takedown_strategy: str | None,
          profile_name: str | None, test: bool, recipients: tuple[str, ...], message_id: str | None,
          timestamp: str | None, no_track_releases: bool, output: Path | None) -> None:
    """Build the ERN message of release REF (id or UPC/EAN)."""
    message = obj.services.ern.build(
        ref, version, message_type, profile=profile_name, recipients=recipients, takedown_strategy=takedown_strategy,
        test=test, message_id=message_id, timestamp=_timestamp(timestamp), track_releases=not no_track_releases,
        validate=False)
    for note in message.notes:
        click.echo(f"note: {note}", err=True)
    data = message.data
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        obj.services.ern.save(message, output)
        click.echo(f"wrote {output} (ERN {message.version} {message_type}, {len(data)} bytes)", err=True)


@ern.command("validate")
@click.argument("files", nargs=-1, required=True, type=P.InputFile(stdin_ok=True, path_type=Path))
@click.option("--schemas", type=P.Directory(path_type=Path), default=None,
              help="DDEX XSD folder (default: STARDUST_DDEX_SCHEMAS, then config ddex_schemas, then the schemas "
                   "`stardust schemas fetch` installed).")
@click.option("--package", type=P.Directory(path_type=Path), default=None,
              help="Delivery folder: check every file the message names exists there with its MD5.")
@click.option("--update", is_flag=True,
              help="With --package: an update or takedown package, which may leave out files the recipient has "
                   "(found out by itself from 3.8.2's UpdateIndicator, the batch manifest or earlier packages).")
@click.option("--json", "as_json", is_flag=True, help="One JSON document with every report.")
@click.option("--no-rules", is_flag=True, help="XSD only: skip the business rules.")
@click.pass_obj
def validate(obj: StardustContext, files: tuple[Path, ...], schemas: Path | None, package: Path | None,
             update: bool, as_json: bool, no_rules: bool) -> None:
    """Validate ERN messages (FILE or - for standard input): XSD first, then business rules (rule ids, lines)."""
    from stardust_tui.schemas.resolve import NO_SCHEMAS_HINT

    service = obj.services.ern
    try:
        base = service.schema_dir(schemas)
        sources = [("<stdin>", sys.stdin.buffer.read()) if str(f) == "-" else f for f in files]
        if update and package is None:
            raise StardustError("--update needs --package DIR (it says which files the package may leave out)")
        reports = service.validate(sources, schemas=schemas, package=package, rules=not no_rules, update=update)
    except StardustError as exc:
        click.echo(f"error: {exc}", err=True)
        exit_with(ExitCode.USAGE)
    if base is None and no_rules:
        click.echo(f"error: --no-rules needs DDEX schemas; {NO_SCHEMAS_HINT}", err=True)
        exit_with(ExitCode.USAGE)
    if base is None:
        click.echo(f"note: {NO_SCHEMAS_HINT}; XSD validation skipped, business rules only", err=True)
    if as_json:
        echo_json({"valid": all(r.ok for r in reports), "files": [r.as_dict() for r in reports]})
    else:
        for r in reports:
            for issue in r.issues:
                where = f"{r.path}:{issue.line}" if issue.line else r.path
                click.echo(f"{where}: {issue.severity}: {issue.message} [{issue.rule}]")
            state = "valid" if r.ok else f"INVALID ({len(r.errors)} error(s))"
            xsd = "XSD checked" if r.schema_checked else "XSD skipped"
            click.echo(f"{r.path}: {state}; ERN {r.version or '?'} {r.root or ''}; {xsd}; "
                       f"{len(r.warnings)} warning(s)")
        if len(reports) > 1:
            bad = sum(1 for r in reports if not r.ok)
            click.echo(f"{len(reports)} file(s): {len(reports) - bad} valid, {bad} invalid")
    exit_with(ExitCode.OK if all(r.ok for r in reports) else ExitCode.FAILED)


@ern.command("show")
@click.argument("file", type=P.InputFile(stdin_ok=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="The summary as JSON.")
@click.pass_obj
def show(obj: StardustContext, file: Path, as_json: bool) -> None:
    """Summarize an ERN NewReleaseMessage: release, tracks, files and deals (nothing is imported)."""
    data = sys.stdin.buffer.read() if str(file) == "-" else _read_file(file)
    parsed = obj.services.ern.summarize(data, source=str(file))
    if as_json:
        echo_json(parsed)
        return
    click.echo(f"ERN {parsed.version} message {parsed.message_id or '?'}")
    click.echo(f"release   {parsed.title}{f' ({parsed.subtitle})' if parsed.subtitle else ''} - "
               f"{parsed.display_artist or '?'} [{parsed.release_type}]")
    click.echo(f"ids       UPC {parsed.upc or '-'}  catalog {parsed.catalog_number or '-'}  GRid {parsed.grid or '-'}")
    click.echo(f"label     {parsed.label or '-'}  genre {parsed.genre or '-'}  released {parsed.release_date or '-'}")
    for t in parsed.tracks:
        seconds = int(t.duration or 0)
        file_name = t.file.name if t.file else "(no file)"
        click.echo(f"  {t.disc}-{t.number:02d} {t.isrc or '-':12} {seconds // 60:3d}:{seconds % 60:02d} "
                   f"{t.title}  [{file_name}]")
    if parsed.cover:
        click.echo(f"cover     {parsed.cover.name}")
    for d in parsed.deals:
        where = ",".join(d.territories) + (f" minus {','.join(d.excluded)}" if d.excluded else "")
        until = f" until {d.end:%Y-%m-%d}" if d.end else ""
        click.echo(f"deal      {where}: {'/'.join(d.commercial_models) or '-'} {'/'.join(d.use_types) or '-'} "
                   f"from {d.start:%Y-%m-%d}{until}")
    for note in parsed.skipped:
        click.echo(f"note      {note}")


def _read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise StardustError(f"cannot read: {exc.strerror or exc}", where=str(path)) from None
