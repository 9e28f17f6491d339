"""``stardust tui`` (also ``stardust`` with no arguments): open the workstation."""

from __future__ import annotations

import click

from stardust_tui.cli import params as P
from stardust_tui.cli.context import StardustContext


@click.command("tui")
@click.option("--theme", type=P.NAME, default=None,
              help="Colour theme (stardust-dark, stardust-light or a user theme).")
@click.option("--no-workers", is_flag=True, default=False,
              help="Do not start in-process delivery workers (leave deliveries to `stardust worker`).")
@click.pass_obj
def tui(obj: StardustContext, theme: str | None, no_workers: bool) -> None:
    """Open the workstation: catalog, release wizard, ERN preview, targets and live deliveries."""
    from stardust_tui.services.actor import Actor
    from stardust_tui.services.catalog_cache import LiveFirstPage

    settings = obj.settings
    # The catalog's first page, read with the standard library in a thread from now on (an SQLite store at its
    # schema's head): rows for the first frame, while Textual is imported and the store opens (issue 17 speed).
    first_page = LiveFirstPage(settings, Actor.from_environment()).start()
    from stardust_tui.app import make_app

    if theme:
        settings.theme = theme
    # The store is opened by the app's first database worker, after the first frame is on screen (through
    # this command's services, so it is closed with them); the app acts as the same user as the CLI.
    app = make_app(settings, lambda: obj.services.store_engine, start_workers=not no_workers,
                   live_first_page=first_page)
    app.run()
    if app.services.open_error is not None:  # printed as one `error: ...` line by the CLI group
        raise app.services.open_error


def register(cli: click.Group) -> None:
    cli.add_command(tui)
