"""``stardust import``, ``stardust import audio DIR``, ``stardust export`` and ``stardust watch``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from stardust_tui.cli.context import StardustContext
from stardust_tui.errors import ValidationError


def register(cli: click.Group) -> None:
    cli.add_command(import_cmd)
    cli.add_command(export_cmd)
    cli.add_command(watch_cmd)


class _Bar:
    """A click progress bar fed by (done, total) callbacks; silent when stderr is not a terminal."""

    def __init__(self, label: str, unit_bytes: bool = False) -> None:
        self.label = label
        self.bar = None
        self.done = 0
        self.unit_bytes = unit_bytes

    def __call__(self, done: int, total: int | None) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total or 0, label=self.label, file=sys.stderr,
                                         show_pos=not self.unit_bytes, show_percent=True)
            self.bar.__enter__()
        self.bar.update(max(0, done - self.done))
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _with_bar(label: str, fn: Callable[[_Bar], object], unit_bytes: bool = False) -> object:
    bar = _Bar(label, unit_bytes)
    try:
        return fn(bar)
    finally:
        bar.close()


def _fields_help() -> str:
    from stardust_tui.importexport.fields import FIELDS

    return "\n".join(f"{f.name:24} {f.level:8} {f.help}" for f in FIELDS)


@click.command("import", context_settings={"ignore_unknown_options": False})
@click.argument("args", nargs=-1, required=False)
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "ddex"]),
              help="Source format (default: from the file).")
@click.option("--map", "map_file", type=click.Path(dir_okay=False, exists=True), help="Column mapping TOML file.")
@click.option("--tracks", "tracks_file", type=click.Path(dir_okay=False, exists=True),
              help="CSV: a separate track file (linked to the release file by UPC).")
@click.option("--encoding", help="Text encoding of a CSV file (default UTF-8, with or without BOM).")
@click.option("--month-first", is_flag=True, default=None, help="Read 01/02/2024 as January 2 (default: day first).")
@click.option("--dry-run", is_flag=True, help="Validate everything, change nothing.")
@click.option("--update", is_flag=True, help="Update existing releases (matched by UPC) instead of reporting them.")
@click.option("--partial", is_flag=True,
              help="Skip bad releases and import the others, committing every 500 releases (default: all or nothing).")
@click.option("--replace", is_flag=True, help="audio: replace audio/covers already attached.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--report", "report_file", type=click.Path(dir_okay=False),
              help="Also write the JSON report to this file.")
@click.option("--history", is_flag=True, help="List the most recent import runs (the ledger) and exit.")
@click.option("--print-map", is_flag=True, help="Print the guessed mapping of FILE as TOML and exit.")
@click.option("--fields", "list_fields", is_flag=True, help="List the fields a column can map to and exit.")
@click.pass_obj
def import_cmd(obj: StardustContext, args: tuple[str, ...], fmt: str | None, map_file: str | None,
               tracks_file: str | None, encoding: str | None, month_first: bool | None, dry_run: bool, update: bool,
               partial: bool, replace: bool, as_json: bool, report_file: str | None, history: bool, print_map: bool,
               list_fields: bool) -> None:
    """Import a catalog: `stardust import FILE` (CSV, JSON or DDEX ERN), or audio: `stardust import audio DIR`.

    CSV columns are matched to fields by their header (see --fields, --print-map) or a --map file.
    Existing releases are matched by UPC; the run is atomic unless --partial. Exit status 1 when the
    import reported errors (with --partial: when a release was skipped).
    """
    if list_fields:
        click.echo(_fields_help())
        return
    if history:
        from stardust_tui.importexport.ledger import recent_runs

        for run in recent_runs(obj.engine, 30):
            counts = " ".join(f"{k}={v}" for k, v in run.counts.items() if v)
            click.echo(f"{run.id:5} {run.finished_at:%Y-%m-%d %H:%M} {run.origin:9} {run.status:7} {run.kind:7} "
                       f"{run.file_name} {counts}")
        return
    if len(args) == 2 and args[0] == "audio":
        _import_audio(obj, Path(args[1]), dry_run, replace, as_json)
        return
    if len(args) != 1:
        raise ValidationError("expected FILE, or: audio DIR", where="stardust import")
    path = Path(args[0])
    if not path.is_file():
        raise ValidationError("no such file", where=str(path))
    from stardust_tui.importexport.importer import ImportOptions, run_import
    from stardust_tui.importexport.mapping import guess_mapping, load_mapping

    mapping = load_mapping(map_file) if map_file else None
    if print_map:
        from stardust_tui.importexport.csv_import import preview

        click.echo(guess_mapping(preview(path, mapping, rows=0, encoding=encoding).headers).to_toml(), nl=False)
        return
    options = ImportOptions(format=fmt, mapping=mapping, tracks_file=Path(tracks_file) if tracks_file else None,
                            encoding=encoding, month_first=month_first, dry_run=dry_run, update=update,
                            partial=partial, actor=obj.actor, schema_dir=obj.settings.ddex_schemas,
                            paths=obj.settings.paths)
    engine = obj.engine
    from stardust_tui.domain.models import utcnow
    from stardust_tui.importexport.ledger import file_sha256, record_run

    started = utcnow()
    report = _with_bar(f"importing {path.name}",
                       lambda bar: run_import(engine, path, options, progress=bar), unit_bytes=True)
    if not dry_run:
        status = "failed" if report.rolled_back else ("partial" if report.error_count else "ok")
        record_run(engine, path, sha256=file_sha256(path), kind="catalog", status=status, fmt=report.format,
                   counts=_counts(report), started_at=started, actor=obj.actor)
    if report_file:
        Path(report_file).write_text(report.to_json() + "\n", encoding="utf-8")
    _print(report, as_json)


def _counts(report) -> dict[str, int]:  # type: ignore[no-untyped-def]
    keys = ("rows", "releases_seen", "tracks_seen", "created", "updated", "unchanged", "skipped", "duplicates",
            "error_count", "warning_count")
    return {k: getattr(report, k) for k in keys}


def _print(report, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    if as_json:
        click.echo(report.to_json())
    else:
        click.echo(report.render())
    if report.error_count:  # also with --partial: something was skipped
        raise click.exceptions.Exit(1)


def _import_audio(obj: StardustContext, directory: Path, dry_run: bool, replace: bool, as_json: bool) -> None:
    from stardust_tui.importexport.audio_import import import_audio_dir

    engine = obj.engine
    report = _with_bar("importing audio", lambda bar: import_audio_dir(
        engine, obj.settings.paths, directory, dry_run=dry_run, replace=replace, actor=obj.actor, progress=bar))
    if not as_json:
        for note in report.notes[:50]:
            click.echo(note)
    _print(report, as_json)


@click.command("export")
@click.argument("out", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), help="Default: from OUT's extension, else json.")
@click.option("--release", "releases", multiple=True,
              help="Release id or UPC (repeatable); default: the whole catalog.")
@click.pass_obj
def export_cmd(obj: StardustContext, out: str, fmt: str | None, releases: tuple[str, ...]) -> None:
    """Export the catalog (or some releases) to OUT, streamed; re-importable with `stardust import`."""
    from stardust_tui.importexport.export import export_catalog

    fmt = fmt or ("csv" if out.lower().endswith(".csv") else "json")
    refs = [int(r) if r.isdigit() and len(r) <= 10 else r for r in releases] or None
    engine = obj.engine
    n = _with_bar(f"exporting {Path(out).name}", lambda bar: export_catalog(engine, out, fmt=fmt, release_refs=refs,
                                                                             progress=bar))
    click.echo(f"exported {n} releases to {out} ({fmt})")


@click.command("watch")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--once", is_flag=True, help="Process what is there now, then exit.")
@click.option("--stable", "stable_seconds", type=float, default=2.0, show_default=True,
              help="Seconds a file's size must stay unchanged before it is imported.")
@click.option("--update", is_flag=True, help="Update existing releases found in dropped catalog files.")
@click.pass_obj
def watch_cmd(obj: StardustContext, directory: str, once: bool, stable_seconds: float, update: bool) -> None:
    """Hot folder: import catalog files and audio dropped into DIRECTORY (moved to done/ or failed/)."""
    from stardust_tui.importexport.hotfolder import HotFolder

    folder = HotFolder(obj.engine, obj.settings.paths, Path(directory), stable_seconds=stable_seconds,
                       update=update, actor=obj.actor, schema_dir=obj.settings.ddex_schemas)

    def say(result) -> None:  # type: ignore[no-untyped-def]
        click.echo(result.line())

    if once:
        for result in folder.process_once(wait_stable=True):
            say(result)
        return
    click.echo(f"watching {directory} (Ctrl+C to stop)", err=True)
    folder.watch(on_result=say)
