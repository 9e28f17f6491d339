"""``stardust demo``: fill the home with a demo catalog (idempotent), then open the TUI or print a summary."""

from __future__ import annotations

import time

import click

from stardust_tui.cli.context import StardustContext


def register(cli: click.Group) -> None:
    cli.add_command(demo)


@click.command()
@click.option("--no-tui", is_flag=True, help="Only create the catalog and print a summary.")
@click.pass_context
def demo(ctx: click.Context, no_tui: bool) -> None:
    """Create a demo catalog (labels, artists, an album, an EP, two singles with real audio and covers).

    Running it again changes nothing.
    """
    obj: StardustContext = ctx.obj
    t0 = time.monotonic()
    summary = obj.services.setup.demo()
    elapsed = time.monotonic() - t0
    if summary.created:
        click.echo(f"created   {', '.join(summary.created)} ({elapsed:.1f}s)")
    if summary.kept:
        click.echo(f"kept      {', '.join(summary.kept)} (already in the catalog)")
    c = summary.counts
    click.echo(f"catalog   {c['releases']} releases, {c['tracks']} tracks, {c['parties']} parties, "
               f"{c['deals']} deals, {c['credits']} credits, {c['assets']} assets")
    click.echo(f"home      {obj.settings.paths.data_dir}")
    if no_tui:
        click.echo("next      stardust release list · stardust check <id> · stardust   (opens the TUI)")
    else:
        from stardust_tui.cli.tui import tui

        ctx.invoke(tui)
