"""``stardust init`` and ``stardust db upgrade|current``: create the home and manage the schema."""

from __future__ import annotations

import click

from stardust_tui.cli.context import StardustContext
from stardust_tui.cli.output import echo_json


def register(cli: click.Group) -> None:
    cli.add_command(init)
    cli.add_command(db)


@click.command()
@click.pass_obj
def init(obj: StardustContext) -> None:
    """Create the home, the database and the secret key (0600). Safe to run twice."""
    home = obj.services.setup.init()
    click.echo(f"home      {home.data_dir}")
    click.echo(f"config    {home.config_file}")
    click.echo(f"database  {home.database} (schema {home.schema})")
    click.echo(f"key       {home.key_file} ({'created' if home.key_created else 'kept'})")


@click.group()
def db() -> None:
    """Database schema management."""


@db.command("upgrade")
@click.pass_obj
def db_upgrade(obj: StardustContext) -> None:
    """Upgrade the database to the current schema (an SQLite file is backed up first)."""
    old, new = obj.services.setup.upgrade()
    if old == new:
        click.echo(f"already at {new}")
    else:
        click.echo(f"upgraded {old or '(empty)'} -> {new}")


@db.command("current")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def db_current(obj: StardustContext, as_json: bool) -> None:
    """Print the database's schema revision and the newest this code knows."""
    state = obj.services.setup.schema()
    if as_json:
        echo_json(state)
        return
    click.echo(f"database {state.current or '(empty)'}; code head {state.head}")
