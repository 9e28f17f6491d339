"""``stardust ern build|validate|show|import``: build DDEX ERN messages, validate them offline, summarize
and import them.

Exit codes of ``validate``: 0 every file valid, 1 at least one invalid, 2 cannot run (unreadable file,
missing or broken schema folder).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import click

from stardust_tui.cli.context import StardustContext
from stardust_tui.errors import StardustError, ValidationError


def register(cli: click.Group) -> None:
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


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place."""
    path = path.expanduser()
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise StardustError(f"cannot write: {exc.strerror or exc}", where=str(path)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@ern.command("build")
@click.argument("ref")
@click.option("--ern", "version", type=click.Choice(["3.8.2", "4.2", "4.3"]), default=None,
              help="ERN version [default: the profile's, else 4.3].")
@click.option("--type", "message_type", type=click.Choice(["new", "update", "takedown", "purge"]), default="new",
              show_default=True, help="Message type.")
@click.option("--takedown-strategy", type=click.Choice(["remove-deals", "end-validity", "purge"]), default=None,
              help="How a takedown is expressed [default: the profile's, else remove-deals].")
@click.option("--profile", "profile_name", default=None, metavar="NAME",
              help="Take ERN version, recipients, takedown strategy, file naming and release profile from a "
                   "delivery profile (options given here still win).")
@click.option("--test", is_flag=True, help="Mark the message as a TestMessage.")
@click.option("--recipient", "recipients", multiple=True, metavar="DPID:NAME",
              help="Message recipient (repeatable). Default: the profile's, else the sender (a preview).")
@click.option("--message-id", default=None, help="Message id (default: derived from release and time).")
@click.option("--timestamp", default=None, help="Message creation time, ISO 8601 with zone (default: now).")
@click.option("--no-track-releases", is_flag=True, help="Only the main release (no TrackRelease per track).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to FILE (atomically) instead of standard output.")
@click.pass_obj
def build(obj: StardustContext, ref: str, version: str | None, message_type: str, takedown_strategy: str | None,
          profile_name: str | None, test: bool, recipients: tuple[str, ...], message_id: str | None,
          timestamp: str | None, no_track_releases: bool, output: Path | None) -> None:
    """Build the ERN message of release REF (id or UPC/EAN)."""
    from stardust_tui.ern.common import Party, parse_recipient
    from stardust_tui.ern.naming import NamingPatterns
    from stardust_tui.ern.registry import build_message
    from stardust_tui.store.db import session_scope
    from stardust_tui.store.releases import get_release, load_release

    when = _timestamp(timestamp)
    settings = obj.settings
    sender = Party(settings.sender_dpid, settings.sender_name)
    parties = [parse_recipient(r) for r in recipients]
    patterns = None
    track_releases = not no_track_releases
    if profile_name:
        from stardust_tui.delivery.profiles import load_profile

        profile = load_profile(profile_name, settings.paths.profiles_dir)
        version = version or profile.ern_version
        takedown_strategy = takedown_strategy or profile.takedown
        test = test or profile.test_message
        patterns = NamingPatterns.from_mapping(profile.naming)
        track_releases = track_releases and profile.release_profile != "single"
        if profile.sender is not None:
            sender = Party(profile.sender.dpid, profile.sender.name)
        if not parties:
            parties = [Party(r.dpid, r.name) for r in profile.recipients]
            for r in profile.placeholder_recipients():
                click.echo(f"note: recipient {r.name} has a placeholder DPID ({r.dpid}); fine for a preview, "
                           "set it in a user profile before delivering", err=True)
    if not parties:
        parties = [sender]
        click.echo("note: no --recipient given; the message is addressed to the sender (preview)", err=True)
    version = version or "4.3"
    with session_scope(obj.engine) as session:
        release = load_release(session, get_release(session, ref).id)  # type: ignore[arg-type]
    mid = message_id or f"{release.upc or release.id}-{when.strftime('%Y%m%d%H%M%S')}"
    data = build_message(release, version, message_type, message_id=mid, timestamp=when, sender=sender,
                         recipients=parties, takedown_strategy=takedown_strategy or "remove-deals", test=test,
                         track_releases=track_releases, patterns=patterns)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_atomic(output, data)
        click.echo(f"wrote {output} (ERN {version} {message_type}, {len(data)} bytes)", err=True)


@ern.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--schemas", type=click.Path(path_type=Path), default=None,
              help="DDEX XSD folder (default: STARDUST_DDEX_SCHEMAS, then config ddex_schemas).")
@click.option("--package", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Delivery folder: check every file the message names exists there with its MD5.")
@click.option("--json", "as_json", is_flag=True, help="One JSON document with every report.")
@click.option("--no-rules", is_flag=True, help="XSD only: skip the business rules.")
@click.pass_obj
def validate(obj: StardustContext, files: tuple[Path, ...], schemas: Path | None, package: Path | None,
             as_json: bool, no_rules: bool) -> None:
    """Validate ERN messages (FILE or - for standard input): XSD first, then business rules (rule ids, lines)."""
    from stardust_tui.ern.schemas import schema_dir
    from stardust_tui.ern.validate import validate_bytes, validate_file

    ctx = click.get_current_context()
    try:
        base = schema_dir(schemas, obj.settings.ddex_schemas)
        if package is not None and not package.is_dir():
            raise StardustError(f"package folder does not exist: {package}")
        options = dict(schema_dir=base, package=package, business_rules=not no_rules)
        reports = [validate_bytes(sys.stdin.buffer.read(), path="<stdin>", **options)  # type: ignore[arg-type]
                   if str(f) == "-" else validate_file(f, **options) for f in files]  # type: ignore[arg-type]
    except StardustError as exc:
        click.echo(f"error: {exc}", err=True)
        ctx.exit(2)
    if base is None and no_rules:
        click.echo("error: --no-rules needs DDEX schemas (--schemas, STARDUST_DDEX_SCHEMAS or config ddex_schemas)",
                   err=True)
        ctx.exit(2)
    if base is None:
        click.echo("note: no DDEX schemas configured (--schemas, STARDUST_DDEX_SCHEMAS or config ddex_schemas); "
                   "XSD validation skipped, business rules only", err=True)
    if as_json:
        click.echo(json.dumps({"valid": all(r.ok for r in reports), "files": [r.as_dict() for r in reports]},
                              indent=2))
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
    ctx.exit(0 if all(r.ok for r in reports) else 1)


@ern.command("show")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="The summary as JSON.")
def show(file: Path, as_json: bool) -> None:
    """Summarize an ERN NewReleaseMessage: release, tracks, files and deals (nothing is imported)."""
    from dataclasses import asdict

    from stardust_tui.ern.parse_message import parse_release
    from stardust_tui.ern.safe_xml import parse_bytes

    data = sys.stdin.buffer.read() if str(file) == "-" else _read_file(file)
    parsed = parse_release(parse_bytes(data, source=str(file)).getroot())
    if as_json:
        click.echo(json.dumps(asdict(parsed), indent=2, default=str))
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


@ern.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--schemas", type=click.Path(path_type=Path), default=None,
              help="DDEX XSD folder; messages are refused when they fail the XSD.")
@click.option("--package", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder holding the delivered files: found files are added to the asset store.")
@click.option("--update", is_flag=True,
              help="Apply messages to releases already in the catalog (same UPC) instead of leaving them unchanged.")
@click.option("--dry-run", is_flag=True, help="Report what would be imported; change nothing (no files stored).")
@click.pass_obj
def import_(obj: StardustContext, files: tuple[Path, ...], schemas: Path | None, package: Path | None,
            update: bool, dry_run: bool) -> None:
    """Import NewReleaseMessages (3.8.2, 4.2, 4.3) into the catalog, one transaction per file."""
    from stardust_tui.assets.store import AssetStore
    from stardust_tui.ern.ingest import import_message
    from stardust_tui.ern.schemas import schema_dir
    from stardust_tui.store.db import session_scope

    base = schema_dir(schemas, obj.settings.ddex_schemas)
    if base is None:
        click.echo("note: no DDEX schemas configured; messages are imported without XSD validation", err=True)
    store = AssetStore(obj.settings.paths)
    failed = 0
    for path in files:
        try:
            if dry_run:
                result = _dry_run(obj, path, base, update)
            else:
                with session_scope(obj.engine) as session:
                    result = import_message(session, path, actor=obj.actor, schema_dir=base, package=package,
                                            asset_store=store, update=update)
        except StardustError as exc:
            failed += 1
            click.echo(f"error: {exc}", err=True)
            continue
        click.echo(f"{path}: {'(dry run, nothing saved) ' if dry_run else ''}{result.summary()}")
        for note in result.skipped:
            click.echo(f"  skipped: {note}")
    if failed:
        click.get_current_context().exit(1)


def _dry_run(obj: StardustContext, path: Path, base: Path | None, update: bool):  # type: ignore[no-untyped-def]
    """Import into a transaction that is always rolled back."""
    from sqlmodel import Session

    from stardust_tui.ern.ingest import import_message

    session = Session(obj.engine, expire_on_commit=False)
    try:
        return import_message(session, path, actor=obj.actor, schema_dir=base, update=update)
    finally:
        session.rollback()
        session.close()


import_.name = "import"
