"""The ``stardust`` command line: a click group whose default (no arguments) opens the TUI.

Each command family lives in its own module exposing ``register(group)``; modules are listed in
``COMMAND_MODULES`` and imported when a command is looked up, except that ``stardust tui`` (and plain
``stardust``) imports only :mod:`stardust_tui.cli.tui`: the other 23 modules are not needed to open the
workstation, and importing them was a fifth of the CPU the TUI spent before its first frame (issue 17).
Nothing reaches the terminal as a traceback (see :mod:`stardust_tui.cli.failures`):
user errors (:class:`StardustError`) print one line and exit non-zero, usage errors one line and exit 2,
unexpected errors one line pointing at the crash log and exit 70.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from typing import Any

import click

from stardust_tui import __version__
from stardust_tui.cli import failures, params, plugin_hooks
from stardust_tui.errors import ExitCode, StardustError

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
    "stardust_tui.cli.serve",
    "stardust_tui.cli.apikey",
    "stardust_tui.cli.user",  # issue 15: users and roles
    "stardust_tui.cli.notify",  # issue 10: notification channels and the outbox
    "stardust_tui.cli.report",  # issue 10: the weekly summary
    "stardust_tui.cli.audit",  # issue 15: the audit log
    "stardust_tui.cli.privacy",  # issue 15: personal data export and erasure
    "stardust_tui.cli.retention",  # issue 15: the retention policy
    "stardust_tui.cli.plugin",  # issue 16: plugins
    "stardust_tui.cli.schemas",  # issue 13: the official DDEX XSDs
    "stardust_tui.cli.sandbox",  # issue 13: a sandbox DSP
    "stardust_tui.cli.doctor",  # issue 13: installation checks
)


# Commands that can run without the other command modules: name -> the module that registers it.
STANDALONE_COMMANDS = {"tui": "stardust_tui.cli.tui"}


class StardustGroup(click.Group):
    """Turns every failure into one line and an exit code instead of a traceback; plugin commands
    (``stardust.commands``, issue 16) are looked for only for a name that is not built in.

    The command modules register themselves on first use of :attr:`commands` (so ``--help``, completion
    and every other command see them all, in ``COMMAND_MODULES`` order); a command of
    ``STANDALONE_COMMANDS`` loads only its own module."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._loaded: set[str] = set()
        self._loading = False
        super().__init__(*args, **kwargs)

    @property  # type: ignore[override]  # click declares a plain attribute; a property reads the same
    def commands(self) -> dict[str, click.Command]:
        if not self._loading:
            self.load_commands(COMMAND_MODULES)
        return self._commands

    @commands.setter
    def commands(self, value: dict[str, click.Command]) -> None:
        self._commands = value

    def load_commands(self, modules: tuple[str, ...]) -> None:
        """Import and register these command modules (each once)."""
        for name in modules:
            if name in self._loaded:
                continue
            self._loaded.add(name)
            self._loading = True
            try:
                importlib.import_module(name).register(self)
            finally:
                self._loading = False

    def standalone_command(self, name: str) -> click.Command:
        """A command of ``STANDALONE_COMMANDS``, loading no other command module."""
        self.load_commands((STANDALONE_COMMANDS[name],))
        return self._commands[name]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        plugin_hooks.prepare(ctx, cmd_name)
        if cmd_name in STANDALONE_COMMANDS:
            return self.standalone_command(cmd_name)
        found = super().get_command(ctx, cmd_name)
        return found if found is not None else plugin_hooks.plugin_command(ctx, cmd_name, self.commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return plugin_hooks.list_with_plugins(self, ctx, super().list_commands(ctx))

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:  # a bad global option (before any command runs)
            click.echo(failures.usage_line(exc), err=True)
            raise click.exceptions.Exit(failures.USAGE_EXIT) from None

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except StardustError as exc:
            click.echo(failures.one_line(f"error: {exc}"), err=True)
            ctx.exit(exc.exit_code)
        except click.UsageError as exc:
            click.echo(failures.usage_line(exc), err=True)
            ctx.exit(failures.USAGE_EXIT)
        except click.ClickException as exc:
            click.echo(failures.one_line(f"error: {exc.format_message()}"), err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(ExitCode.INTERRUPTED)
        except (click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except BrokenPipeError:  # `stardust release list | head`: the reader left, nothing to report
            _quiet_stdout()
            ctx.exit(ExitCode.BROKEN_PIPE)
        except Exception as exc:
            failures.report_crash(exc, obj=ctx.obj, command=_command_path(ctx, exc))
            ctx.exit(failures.CRASH_EXIT)


def _command_path(ctx: click.Context, exc: BaseException) -> str:
    """``stardust release edit``: the deepest command that was running (its arguments are not logged)."""
    deepest = ctx
    for frame, _ in traceback.walk_tb(exc.__traceback__):
        for name in ("sub_ctx", "ctx"):
            found = frame.f_locals.get(name)
            if isinstance(found, click.Context) and len(found.command_path) > len(deepest.command_path):
                deepest = found
    return deepest.command_path


def _quiet_stdout() -> None:
    """After EPIPE, point stdout at /dev/null so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


@click.group(cls=StardustGroup, invoke_without_command=True)
@click.option("--home", envvar="STARDUST_HOME", type=click.Path(file_okay=False), default=None,
              help="Keep all state (config, database, assets, logs, key) under DIR.")
@click.option("--db", "db_url", envvar="STARDUST_DB", type=params.Text(4096, nonempty=True), default=None,
              help="Database: an SQLite path or a postgresql+psycopg:// URL.")
@plugin_hooks.no_plugins_option
@click.version_option(__version__, prog_name="stardust")
@click.pass_context
def cli(ctx: click.Context, home: str | None, db_url: str | None) -> None:
    """Stardust: music catalog, DDEX ERN messages and deliveries to DSPs.

    Run without a command to open the workstation (TUI).
    """
    plugin_hooks.prepare(ctx, ctx.invoked_subcommand)  # the StardustContext and the plugin policy (issue 16)
    if ctx.invoked_subcommand is None:
        ctx.invoke(cli.standalone_command("tui"))


def main() -> None:
    """Console entry point."""
    try:
        cli.main(prog_name="stardust")
    except StardustError as exc:  # raised outside a command (e.g. while parsing options)
        click.echo(failures.one_line(f"error: {exc}"), err=True)
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        _quiet_stdout()
        sys.exit(ExitCode.BROKEN_PIPE)
    except Exception as exc:  # outside any command: parsing, closing the store
        failures.report_crash(exc, command="stardust")
        sys.exit(failures.CRASH_EXIT)
