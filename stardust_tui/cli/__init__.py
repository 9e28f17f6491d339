"""The ``stardust`` command line: a click group whose default (no arguments) opens the TUI.

Each command family lives in its own module exposing ``register(group)``; modules are listed in
``COMMAND_MODULES``. User errors (:class:`StardustError`) print one line to stderr and exit non-zero.
"""

from __future__ import annotations

import importlib
import sys

import click

from stardust_tui import __version__
from stardust_tui.cli.context import StardustContext
from stardust_tui.errors import StardustError

COMMAND_MODULES = (
    "stardust_tui.cli.db",
    "stardust_tui.cli.release",
    "stardust_tui.cli.asset",
    "stardust_tui.cli.demo",
    "stardust_tui.cli.ern",
    "stardust_tui.cli.target",
    "stardust_tui.cli.profile",
    "stardust_tui.cli.deliver",
    "stardust_tui.cli.worker",
    "stardust_tui.cli.importexport",
    "stardust_tui.cli.backup",
    "stardust_tui.cli.tui",
)


class StardustGroup(click.Group):
    """Turns user errors into one line and an exit code instead of a traceback."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except StardustError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)


@click.group(cls=StardustGroup, invoke_without_command=True)
@click.option("--home", envvar="STARDUST_HOME", type=click.Path(file_okay=False), default=None,
              help="Keep all state (config, database, assets, logs, key) under DIR.")
@click.option("--db", "db_url", envvar="STARDUST_DB", default=None,
              help="Database: an SQLite path or a postgresql+psycopg:// URL.")
@click.version_option(__version__, prog_name="stardust")
@click.pass_context
def cli(ctx: click.Context, home: str | None, db_url: str | None) -> None:
    """Stardust: music catalog, DDEX ERN messages and deliveries to DSPs.

    Run without a command to open the workstation (TUI).
    """
    ctx.obj = StardustContext(home=home, db_url=db_url)
    ctx.call_on_close(ctx.obj.close)
    if ctx.invoked_subcommand is None:
        tui = cli.commands.get("tui")
        if tui is None:
            click.echo(ctx.get_help())
            return
        ctx.invoke(tui)


def _register_all() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # that part of the CLI is not installed in this build
                continue
            raise
        module.register(cli)


_register_all()


def main() -> None:
    """Console entry point."""
    try:
        cli.main(prog_name="stardust")
    except StardustError as exc:  # raised outside a command (e.g. while parsing options)
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
