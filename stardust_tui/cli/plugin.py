"""``stardust plugin list [--json]``: the installed plugins, their versions, groups and status (issue 16).

Listing loads every plugin (that is how a broken one is found): each is ``ok``, ``disabled`` (``[plugins]
disabled`` in config.toml), ``off`` (``--no-plugins``), ``refused`` (written for another plugin API) or
``failed`` (raised on import, or an entry point of the wrong kind). Exit 1 when one failed or was refused,
like ``profile list`` for a profile that cannot be read. No store is opened.
"""

from __future__ import annotations

import click

from stardust_tui.cli.context import StardustContext
from stardust_tui.cli.output import echo_json, exit_with
from stardust_tui.errors import ExitCode


def register(cli: click.Group) -> None:
    cli.add_command(plugin)


@click.group()
def plugin() -> None:
    """Plugins: transports, profiles, rules, formats, notifiers, commands and screens from other packages."""


def _load_all() -> None:
    """Touch every group's checks too, so a plugin object of the wrong kind shows as failed."""
    from stardust_tui import plugin_points as points

    points.transports()
    points.profile_dirs()
    points.rules()
    points.importers()
    points.exporters()
    points.notifiers()
    points.screens()


@plugin.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def plugin_list(obj: StardustContext, as_json: bool) -> None:
    """List the installed plugins: name, version, what they provide, and whether they loaded."""
    from stardust_tui.cli import cli
    from stardust_tui.plugin import PLUGIN_API
    from stardust_tui.plugin_loader import host
    from stardust_tui.plugin_points import commands

    h = host()
    _load_all()
    commands(cli.commands)
    found = h.plugins()
    unknown = h.unknown_disabled()
    bad = [p for p in found if p.status in ("failed", "refused")]
    if as_json:
        echo_json({"api": PLUGIN_API, "off": h.off, "plugins": found, "disabled_not_installed": unknown})
        exit_with(ExitCode.FAILED if bad else ExitCode.OK)
        return
    if not found:
        click.echo("no plugins installed (see docs/plugins.md to write one)")
    else:
        width = max(len(p.name) for p in found) + 2
        click.echo(f"{'PLUGIN':<{width}}{'VERSION':<10}{'STATUS':<10}PROVIDES")
        for p in found:
            provides = "; ".join(f"{g.removeprefix('stardust.')}: {', '.join(names)}" for g, names in p.groups.items())
            click.echo(f"{p.name:<{width}}{p.version:<10}{p.status:<10}{provides}")
            if p.detail:
                click.echo(f"{'':<{width}}{'':<20}({p.detail})")
    for name in unknown:
        click.echo(f"warning: [plugins] disabled names {name!r}, which is not installed", err=True)
    state = "all off (--no-plugins)" if h.off else f"{len(found) - len(bad)} of {len(found)} loaded"
    click.echo(f"(plugin API {PLUGIN_API}; {state}; turn one off with [plugins] disabled = [\"NAME\"] in "
               f"{obj.settings.paths.config_file})")
    exit_with(ExitCode.FAILED if bad else ExitCode.OK)
