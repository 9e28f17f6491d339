"""``stardust retention [--dry-run] [--json]``: apply the ``[retention]`` policy of config.toml now.

The worker daemon applies the same policy on its own every ``retention.interval_hours``; this command is
for running it by hand (admin) or seeing what it would remove (``--dry-run``, any role).
"""

from __future__ import annotations

import click

from stardust_tui.cli.context import StardustContext
from stardust_tui.cli.output import echo_json


def register(cli: click.Group) -> None:
    cli.add_command(retention)


@click.command()
@click.option("--dry-run", is_flag=True, help="Only count what the policy would remove.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (file names included).")
@click.option("--files", "show_files", is_flag=True, help="List the files that go (logs, import reports).")
@click.pass_obj
def retention(obj: StardustContext, dry_run: bool, as_json: bool, show_files: bool) -> None:
    """Remove what [retention] in config.toml lets go (old events, audit entries, revisions, logs...)."""
    report = obj.services.retention.run(dry_run=dry_run)
    if as_json:
        echo_json(report.as_dict())
        return
    if not report.sweeps:
        click.echo("no [retention] policy in config.toml: nothing is removed (see the README's configuration)",
                   err=True)
        return
    verb = "would remove" if dry_run else "removed"
    for s in report.sweeps:
        click.echo(f"{s.key:<22} {verb} {s.count:>8} {s.what}: {s.rule}")
        for name in s.files if show_files else ():
            click.echo(f"    {name}")
    click.echo(f"{'total':<22} {verb} {report.total:>8}")
