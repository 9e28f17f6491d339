"""``stardust init`` and ``stardust db upgrade|current``: create the home and manage the schema."""

from __future__ import annotations

import click

from stardust_tui.cli.context import StardustContext


def register(cli: click.Group) -> None:
    cli.add_command(init)
    cli.add_command(db)


@click.command()
@click.pass_obj
def init(obj: StardustContext) -> None:
    """Create the home, the database and the secret key (0600). Safe to run twice."""
    from stardust_tui.secrets import ensure_secret_key
    from stardust_tui.store.migrate import head_revision

    paths = obj.settings.paths.ensure()
    key_path, created = ensure_secret_key(paths)
    _ = obj.engine  # creates or upgrades the database
    click.echo(f"home      {paths.data_dir}")
    click.echo(f"config    {paths.config_file}")
    click.echo(f"database  {obj.settings.db_url.split('@')[-1]} (schema {head_revision()})")
    click.echo(f"key       {key_path} ({'created' if created else 'kept'})")


@click.group()
def db() -> None:
    """Database schema management."""


@db.command("upgrade")
@click.pass_obj
def db_upgrade(obj: StardustContext) -> None:
    """Upgrade the database to the current schema (an SQLite file is backed up first)."""
    from stardust_tui.store.db import make_engine
    from stardust_tui.store.migrate import upgrade

    obj.settings.paths.ensure()
    engine = make_engine(obj.settings.db_url)
    try:
        old, new = upgrade(engine)
    finally:
        engine.dispose()
    if old == new:
        click.echo(f"already at {new}")
    else:
        click.echo(f"upgraded {old or '(empty)'} -> {new}")


@db.command("current")
@click.pass_obj
def db_current(obj: StardustContext) -> None:
    """Print the database's schema revision and the newest this code knows."""
    from stardust_tui.store.db import make_engine
    from stardust_tui.store.migrate import current_revision, head_revision

    engine = make_engine(obj.settings.db_url)
    try:
        click.echo(f"database {current_revision(engine) or '(empty)'}; code head {head_revision()}")
    finally:
        engine.dispose()
