"""Commands: `stardust acme-hello`, and one named like a built-in (refused by Stardust)."""

from __future__ import annotations

import click


@click.command("acme-hello")
@click.option("--name", default="world", help="Who to greet.")
@click.pass_obj
def hello(obj, name: str) -> None:  # noqa: ANN001
    """Say hello from the acme plugin (and where Stardust keeps its data)."""
    click.echo(f"hello {name} from acme; data in {obj.settings.paths.data_dir}")


@click.command("check")
def check_again() -> None:
    """Would replace `stardust check`: Stardust must refuse it."""
    raise AssertionError("a plugin replaced a built-in command")
