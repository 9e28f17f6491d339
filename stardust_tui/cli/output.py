"""How commands print: ``--json`` documents from service results, and exits with an :class:`ExitCode`.

Service results are dataclasses, SQLModel/pydantic rows, dicts and lists of them; :func:`jsonable` turns
them into plain JSON values the same way for every command (dates and times as ISO 8601, paths as text,
enums as their values), so ``--json`` output matches what the HTTP API will serve.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from enum import Enum
from pathlib import PurePath
from typing import Any, NoReturn

import click

from stardust_tui.errors import ExitCode


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON data (dict, list, str, int, float, bool, None)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, tuple) and hasattr(value, "_asdict"):  # a NamedTuple result
        return jsonable(value._asdict())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if hasattr(value, "model_dump"):  # SQLModel / pydantic
        return jsonable(value.model_dump())
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return str(value)


def echo_json(value: Any, *, indent: int | None = 2) -> None:
    """Print ``value`` as one JSON document."""
    click.echo(json.dumps(jsonable(value), indent=indent, ensure_ascii=False))


def exit_with(code: ExitCode) -> NoReturn:
    """End the command with ``code`` (after what it printed)."""
    raise click.exceptions.Exit(int(code))
