"""The ``stardust`` group's side of plugins (issue 16): the global ``--no-plugins``, the per-invocation
plugin policy, and plugin commands (``stardust.commands``) looked up only when a name is not built in.

Click resolves the subcommand *before* the group's callback runs, so :func:`prepare` is called from the
group's ``get_command``/``list_commands`` as well as from its callback; it runs once per invocation: it makes
the :class:`~stardust_tui.cli.context.StardustContext` and sets the process's plugin policy
(:func:`stardust_tui.plugin_loader.configure`): ``--no-plugins``, ``[plugins] disabled`` read from the
settings only if a plugin is actually looked for, and warnings (a plugin that failed to load) as one
``warning: ...`` line each on stderr — except in the TUI, which shows them itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import click

from stardust_tui.cli.context import StardustContext

_PREPARED = "stardust.prepared"
_NO_PLUGINS = "stardust.no_plugins"


def _no_plugins(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:  # eager: set before --help lists commands
        ctx.meta[_NO_PLUGINS] = True
    return value


no_plugins_option = click.option(
    "--no-plugins", is_flag=True, is_eager=True, expose_value=False, callback=_no_plugins,
    help="Load no plugin for this command (see `stardust plugin list`).")


def _warn(line: str) -> None:
    click.echo(f"warning: {line}", err=True)


def prepare(ctx: click.Context, command: str | None) -> StardustContext:
    """The invocation's context object, with the plugin policy set (once per invocation)."""
    from stardust_tui import plugin_loader

    root = ctx.find_root()
    obj = root.obj
    if root.meta.get(_PREPARED):
        return obj
    if not isinstance(obj, StardustContext):
        obj = root.obj = StardustContext(home=root.params.get("home"), db_url=root.params.get("db_url"))
        root.call_on_close(obj.close)
    root.meta[_PREPARED] = True
    tui = command in (None, "tui")
    plugin_loader.configure(off=True if root.meta.get(_NO_PLUGINS) else None,
                            disabled=lambda: obj.settings.plugins_disabled, report=None if tui else _warn)
    return obj


def plugin_command(ctx: click.Context, name: str, builtin: Iterable[str]) -> click.Command | None:
    """A plugin's command of that name (plugins are looked for only now: the name is not built in)."""
    from stardust_tui.plugin_points import commands

    return commands(builtin).get(name)


def plugin_command_names(builtin: Iterable[str]) -> list[str]:
    from stardust_tui.plugin_points import commands

    return sorted(commands(builtin))


def list_with_plugins(group: Any, ctx: click.Context, names: list[str]) -> list[str]:
    """Built-in command names plus the plugins' (``stardust --help``)."""
    prepare(ctx, "--help")
    return sorted({*names, *plugin_command_names(group.commands)})
