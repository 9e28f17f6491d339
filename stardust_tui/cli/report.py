"""``stardust report weekly [--json]``: the weekly summary the worker daemon sends (issue 10), printed now.

The text is the same template as the email's plain-text part (``weekly.txt.j2``, overridable in the config
dir's ``notify/templates/``); ``--json`` prints the same document a ``report.weekly`` event carries.
"""

from __future__ import annotations

import click

from stardust_tui.cli.context import StardustContext
from stardust_tui.cli.output import echo_json


def register(cli: click.Group) -> None:
    cli.add_command(report)


@click.group()
def report() -> None:
    """Reports: the weekly delivery summary."""


@report.command("weekly")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON (the report.weekly event's data).")
@click.pass_obj
def report_weekly(obj: StardustContext, as_json: bool) -> None:
    """The last seven days by target (delivered, failed, acknowledged, rejected, median time), the queue, the
    circuits, releases going live in the next seven days and the ten most recent errors."""
    data = obj.services.notifications.weekly()
    if as_json:
        echo_json(data)
        return
    from stardust_tui.notify.render import Renderer, user_template_dir
    from stardust_tui.notify.schedule import Schedule

    settings = obj.services.settings
    renderer = Renderer(user_template_dir(settings.paths), Schedule.from_settings(settings.notify).tz)
    click.echo(renderer.env.get_template("weekly.txt.j2").render(report=data).rstrip("\n"))
