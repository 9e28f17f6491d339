"""``stardust import catalog|audio|ddex|history|fields``, ``stardust export`` and ``stardust watch``.

The earlier spellings keep working: ``stardust import FILE`` (= ``import catalog FILE``), ``import --fields``,
``import --history`` and options before the subcommand (``import --dry-run audio DIR``). The work is done
by ``services.imports``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from stardust_tui.cli import params as P
from stardust_tui.cli.context import StardustContext
from stardust_tui.cli.output import echo_json, exit_with
from stardust_tui.domain import limits as L
from stardust_tui.errors import ExitCode


def register(cli: click.Group) -> None:
    cli.add_command(import_group)
    cli.add_command(export_cmd)
    cli.add_command(watch_cmd)


class _Bar:
    """A click progress bar fed by (done, total) callbacks; silent when stderr is not a terminal."""

    def __init__(self, label: str, unit_bytes: bool = False) -> None:
        self.label = label
        self.bar: Any = None
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


def _with_bar(label: str, fn: Callable[[_Bar], Any], unit_bytes: bool = False) -> Any:
    bar = _Bar(label, unit_bytes)
    try:
        return fn(bar)
    finally:
        bar.close()


class ImportGroup(click.Group):
    """``import`` subcommands, also reached by the earlier spellings (``import FILE``, ``--fields``, …)."""

    LEGACY_FLAGS = {"--fields": "fields", "--history": "history"}

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args:
            raise click.UsageError(f"expected FILE, or a command: {', '.join(self.commands)}", ctx)
        return super().parse_args(ctx, self.route(args))

    def route(self, args: list[str]) -> list[str]:
        """The arguments with the subcommand first: the one named anywhere, a legacy flag's, else ``catalog``."""
        if not args or args[0] in self.commands or args[0] in ("--help", "-h"):
            return list(args)
        for flag, name in self.LEGACY_FLAGS.items():
            if flag in args:
                return [name] + [a for a in args if a != flag]
        position = self._first_positional(args)
        if position is not None and args[position] in self.commands:
            return [args[position]] + args[:position] + args[position + 1:]
        return ["catalog", *args]

    def _first_positional(self, args: list[str]) -> int | None:
        takes_value = {opt for cmd in self.commands.values() for p in cmd.params
                       if isinstance(p, click.Option) and not p.is_flag and not p.count for opt in p.opts}
        i = 0
        while i < len(args):
            arg = args[i]
            if arg == "--":
                return i + 1 if i + 1 < len(args) else None
            if not arg.startswith("-") or arg == "-":
                return i
            i += 2 if arg in takes_value else 1
        return None


@click.group("import", cls=ImportGroup)
def import_group() -> None:
    """Import a catalog file, audio, or ERN messages; see the ledger of past runs.

    `stardust import FILE` is `stardust import catalog FILE`.
    """


@import_group.command("catalog")
@click.argument("file", type=P.InputFile(path_type=Path))
@click.option("--format", "fmt", type=P.FormatChoice(["csv", "xlsx", "json", "ddex"], "import"),
              help="Source format (default: from the file), or a plugin's format (stardust plugin list).")
@click.option("--sheet", type=P.Text(100, nonempty=True),
              help="Excel: the sheet to read, by name or number (default: the first with a header row).")
@click.option("--map", "map_file", type=P.InputFile(), help="Column mapping TOML file.")
@click.option("--tracks", "tracks_file", type=P.InputFile(),
              help="CSV: a separate track file (linked to the release file by UPC).")
@click.option("--encoding", type=P.Encoding(), help="Text encoding of a CSV file (default UTF-8, with or without BOM).")
@click.option("--month-first", is_flag=True, default=None,
              help="Read 01/02/2024 as January 2 (default: decided from the file's dates, and reported).")
@click.option("--dry-run", is_flag=True, help="Validate everything, change nothing.")
@click.option("--update", is_flag=True, help="Update existing releases (matched by UPC) instead of reporting them.")
@click.option("--partial", is_flag=True,
              help="Skip bad releases and import the others, committing every 500 releases (default: all or nothing).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--report", "report_file", type=P.OutputFile(),
              help="Also write the JSON report to this file.")
@click.option("--print-map", is_flag=True, help="Print the planned mapping of FILE as TOML and exit.")
@click.pass_obj
def import_catalog(obj: StardustContext, file: Path, fmt: str | None, sheet: str | None, map_file: str | None,
                   tracks_file: str | None, encoding: str | None, month_first: bool | None, dry_run: bool,
                   update: bool, partial: bool, as_json: bool, report_file: str | None, print_map: bool) -> None:
    """Import a catalog file (CSV/TSV, Excel .xlsx, JSON or DDEX ERN).

    CSV columns are matched to fields by their header (see `import fields`, --print-map) or a --map file.
    Existing releases are matched by UPC; the run is atomic unless --partial. Exit status 1 when the
    import reported errors (with --partial: when a release was skipped).
    """
    imports = obj.services.imports
    if print_map:
        click.echo(imports.guessed_mapping(file, map_file=map_file, encoding=encoding, sheet=sheet,
                                           month_first=month_first), nl=False)
        return
    from stardust_tui.importexport.mapping import load_mapping
    from stardust_tui.importexport.options import ImportOptions

    options = ImportOptions(format=fmt, mapping=load_mapping(map_file) if map_file else None,
                            tracks_file=Path(tracks_file) if tracks_file else None, encoding=encoding,
                            sheet=sheet, month_first=month_first, dry_run=dry_run, update=update, partial=partial)
    report = _with_bar(f"importing {file.name}", lambda bar: imports.catalog(file, options, progress=bar),
                       unit_bytes=True)
    if report_file:
        from stardust_tui.atomic import write_text_atomic

        write_text_atomic(report_file, report.to_json() + "\n")
    _print(report, as_json)


def _print(report: Any, as_json: bool) -> None:
    click.echo(report.to_json() if as_json else report.render())
    if report.error_count:  # also with --partial: something was skipped
        exit_with(ExitCode.FAILED)


@import_group.command("audio")
@click.argument("directory", type=P.Directory(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would be attached, change nothing.")
@click.option("--replace", is_flag=True, help="Replace audio/covers already attached.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def import_audio(obj: StardustContext, directory: Path, dry_run: bool, replace: bool, as_json: bool) -> None:
    """Match audio and covers in DIRECTORY to tracks (ISRC in the name, <UPC>_<disc>_<track>, or ISRC tag).

    Matched files are stored and attached; the report lists what matched nothing.
    """
    imports = obj.services.imports
    report = _with_bar("importing audio", lambda bar: imports.audio(directory, dry_run=dry_run, replace=replace,
                                                                     progress=bar))
    if not as_json:
        for note in report.notes[:50]:
            click.echo(note)
    _print(report, as_json)


@import_group.command("ddex")
@click.argument("files", nargs=-1, required=True, type=P.InputFile(path_type=Path))
@click.option("--schemas", type=P.Directory(path_type=Path), default=None,
              help="DDEX XSD folder; messages are refused when they fail the XSD.")
@click.option("--package", type=P.Directory(path_type=Path), default=None,
              help="Folder holding the delivered files: found files are added to the asset store.")
@click.option("--update", is_flag=True,
              help="Apply messages to releases already in the catalog (same UPC) instead of leaving them unchanged.")
@click.option("--dry-run", is_flag=True, help="Report what would be imported; change nothing (no files stored).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document with every file's outcome.")
@click.pass_obj
def import_ddex(obj: StardustContext, files: tuple[Path, ...], schemas: Path | None, package: Path | None,
                update: bool, dry_run: bool, as_json: bool) -> None:
    """Import ERN NewReleaseMessages (3.8.2, 4.2, 4.3) into the catalog, one transaction per file."""
    if obj.services.ern.schema_dir(schemas) is None:
        click.echo("note: no DDEX schemas configured; messages are imported without XSD validation", err=True)
    results = obj.services.imports.ddex(list(files), schemas=schemas, package=package, update=update,
                                        dry_run=dry_run)
    if as_json:
        echo_json([{"file": r.path, "ok": r.ok, "error": r.error, "dry_run": r.dry_run,
                    "result": r.result} for r in results])
    else:
        for r in results:
            if not r.ok:
                click.echo(f"error: {r.error}", err=True)
                continue
            click.echo(f"{r.path}: {'(dry run, nothing saved) ' if dry_run else ''}{r.result.summary()}")
            for note in r.result.skipped:
                click.echo(f"  skipped: {note}")
    if not all(r.ok for r in results):
        exit_with(ExitCode.FAILED)


@import_group.command("history")
@click.option("--limit", type=P.PAGE_SIZE, default=30, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def import_history(obj: StardustContext, limit: int, as_json: bool) -> None:
    """The most recent import runs (the ledger), newest first."""
    runs = obj.services.imports.history(limit)
    if as_json:
        echo_json(runs)
        return
    for run in runs:
        counts = " ".join(f"{k}={v}" for k, v in run.counts.items() if v)
        click.echo(f"{run.id:5} {run.finished_at:%Y-%m-%d %H:%M} {run.origin:9} {run.status:7} {run.kind:7} "
                   f"{run.file_name} {counts}")


@import_group.command("fields")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def import_fields(obj: StardustContext, as_json: bool) -> None:
    """The fields a catalog column can map to."""
    fields = obj.services.imports.fields()
    if as_json:
        echo_json([{"name": f.name, "level": f.level, "help": f.help} for f in fields])
        return
    click.echo("\n".join(f"{f.name:24} {f.level:8} {f.help}" for f in fields))


@click.command("export")
@click.argument("out", type=P.ExportOutput())
@click.option("--format", "fmt", type=P.FormatChoice(["json", "csv"], "export"),
              help="json, csv, or a plugin's format (stardust plugin list). Default: from OUT's extension, else json.")
@click.option("--release", "releases", type=P.RELEASE_REF, multiple=True,
              help="Release id or UPC (repeatable); default: the whole catalog.")
@click.option("--profile", type=P.NAME, default=None,
              help="Plugin formats: map genres as this delivery profile does ([genres]).")
@click.option("--set", "settings", type=P.Text(2000, nonempty=True), multiple=True, metavar="KEY=VALUE",
              help="Plugin formats: an option of the format (repeatable; stardust plugin list names them).")
@click.pass_obj
def export_cmd(obj: StardustContext, out: str, fmt: str | None, releases: tuple[str, ...], profile: str | None,
               settings: tuple[str, ...]) -> None:
    """Export the catalog (or some releases) to OUT, streamed; re-importable with `stardust import`.

    A plugin's format may write a folder: OUT is then an existing folder or a new one named with
    the format's suffix (`stardust export 0123456789012.itmsp --format itmsp --release 0123456789012`)."""
    fmt = fmt or _export_format(Path(out))
    if fmt in ("json", "csv"):
        if profile or settings:
            raise click.UsageError(f"--profile and --set go with a plugin's format, not {fmt}")
        if Path(out).is_dir():
            raise click.BadParameter(f"{out!r} is a directory; {fmt} is written to a file", param_hint="'OUT'")
        imports = obj.services.imports
        n = _with_bar(f"exporting {Path(out).name}", lambda bar: imports.export(out, fmt=fmt, refs=releases,
                                                                                 progress=bar))
        click.echo(f"exported {n} releases to {out} ({fmt})")
        return
    from stardust_tui.services.plugin_export import export_with_plugin

    options = dict(_key_value(item) for item in settings)
    result = _with_bar(f"exporting {Path(out).name}", lambda bar: export_with_plugin(
        obj.services, out, fmt, refs=releases, options=options, profile=profile, progress=bar))
    for note in result.notes:
        click.echo(f"note: {note}")
    click.echo(f"exported {result.count} releases to {out} ({fmt}): {', '.join(map(str, result.written)) or '-'}")


def _export_format(out: Path) -> str:
    """json/csv by extension, else a plugin format whose suffix OUT has, else json."""
    if out.suffix.lower() == ".csv":
        return "csv"
    if out.suffix.lower() in ("", ".json", ".jsonl"):
        return "json"
    from stardust_tui.plugin_points import export_format_for

    return export_format_for(out) or "json"


def _key_value(item: str) -> tuple[str, str]:
    key, sep, value = item.partition("=")
    if not sep or not key.strip():
        raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="'--set'")
    return key.strip(), value.strip()


@click.command("watch")
@click.argument("directory", type=P.Directory())
@click.option("--once", is_flag=True, help="Process what is there now, then exit.")
@click.option("--stable", "stable_seconds", type=P.Number(L.STABLE_SECONDS, integer=False), default=2.0,
              show_default=True,
              help="Seconds a file's size must stay unchanged before it is imported.")
@click.option("--update", is_flag=True, help="Update existing releases found in dropped catalog files.")
@click.pass_obj
def watch_cmd(obj: StardustContext, directory: str, once: bool, stable_seconds: float, update: bool) -> None:
    """Hot folder: import catalog files and audio dropped into DIRECTORY (moved to done/ or failed/)."""
    folder = obj.services.imports.hot_folder(directory, stable_seconds=stable_seconds, update=update)

    def say(result: Any) -> None:
        click.echo(result.line())

    if once:
        for result in folder.process_once(wait_stable=True):
            say(result)
        return
    click.echo(f"watching {directory} (Ctrl+C to stop)", err=True)
    folder.watch(on_result=say)
