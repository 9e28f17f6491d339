"""What every ``stardust notify add`` command shares: a secret read from stdin, the "added" message.

Used by the built-in kinds' commands (:mod:`stardust_tui.cli.notify`) and the plugin kinds' ones
(:mod:`stardust_tui.cli.plugin_notify`), so neither imports the other.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from stardust_tui.errors import ValidationError

if TYPE_CHECKING:
    from stardust_tui.cli.context import StardustContext
    from stardust_tui.services.notifications import AddedChannel


def stdin_line(option: str) -> str:
    """The first line of stdin (a secret: never from the command line); nothing there is a usage error."""
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise ValidationError("nothing on stdin", where=option)
    return line


def added(obj: StardustContext, result: AddedChannel) -> None:
    """Say which channel was added, and its generated signing secret once, if it has one."""
    ch = result.channel
    click.echo(f"added {ch.kind} channel {ch.name}: {ch.summary} (digest {ch.digest})")
    if result.secret:
        click.echo(f"signing secret (shown once, store it in the receiver now): {result.secret}")
