"""How commands print: ``--json`` documents from service results, and exits with an :class:`ExitCode`.

Service results are dataclasses, SQLModel/pydantic rows, dicts and lists of them; :func:`jsonable` turns
them into plain JSON values the same way for every command (dates and times as ISO 8601, paths as text,
enums as their values), so ``--json`` output matches what the HTTP API will serve.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

import click

from stardust_tui.errors import ExitCode
from stardust_tui.jsonable import jsonable

__all__ = ["echo_json", "exit_with", "jsonable"]


def echo_json(value: Any, *, indent: int | None = 2) -> None:
    """Print ``value`` as one JSON document."""
    click.echo(json.dumps(jsonable(value), indent=indent, ensure_ascii=False))


def exit_with(code: ExitCode) -> NoReturn:
    """End the command with ``code`` (after what it printed)."""
    raise click.exceptions.Exit(int(code))
