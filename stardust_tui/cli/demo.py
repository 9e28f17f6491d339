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
    from stardust_tui.demo import build_demo

    obj: StardustContext = ctx.obj
    t0 = time.monotonic()
    summary = build_demo(obj.engine, obj.settings.paths, actor=obj.actor)
    elapsed = time.monotonic() - t0
    tui = None if no_tui else ctx.find_root().command.commands.get("tui")  # type: ignore[attr-defined]
    if summary.created:
        click.echo(f"created   {', '.join(summary.created)} ({elapsed:.1f}s)")
    if summary.kept:
        click.echo(f"kept      {', '.join(summary.kept)} (already in the catalog)")
    c = summary.counts
    click.echo(f"catalog   {c['releases']} releases, {c['tracks']} tracks, {c['parties']} parties, "
               f"{c['deals']} deals, {c['credits']} credits, {c['assets']} assets")
    click.echo(f"home      {obj.settings.paths.data_dir}")
    if tui is not None:
        ctx.invoke(tui)
    elif not no_tui:
        click.echo("hint      the TUI is not installed in this build; try `stardust release list`")
    else:
        click.echo("next      stardust release list · stardust check <id> · stardust   (opens the TUI)")
