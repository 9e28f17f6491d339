"""``stardust notify add KIND NAME --set KEY=VALUE``: a notification channel of a plugin's kind (issue 16).

``notify add`` has its own commands for the built-in kinds (email, webhook). A kind a ``stardust.notifiers``
plugin provides gets a command made here, looked for only when the kind is not built in: its settings come
as ``--set KEY=VALUE`` pairs and are checked by the kind's ``check_settings``; ``--secret-stdin`` exists
for kinds that keep a secret (read from stdin, stored encrypted).
"""

from __future__ import annotations

import click

from stardust_tui.cli import params as P
from stardust_tui.domain.notify_vocab import DIGESTS, NOTIFY


class PluginKindGroup(click.Group):
    """``notify add``: built-in kinds, then the plugins' kinds."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is not None:
            return found
        from stardust_tui.plugin_points import notifiers

        cls = notifiers().get(cmd_name)
        return add_command(cmd_name, cls) if cls is not None else None

    def list_commands(self, ctx: click.Context) -> list[str]:
        from stardust_tui.plugin_points import notifiers

        return sorted({*super().list_commands(ctx), *notifiers()})


def _pairs(items: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="'--set'")
        out[key.strip()] = value.strip()
    return out


def add_command(kind: str, cls: type) -> click.Command:
    """The ``notify add KIND`` command of a plugin's channel kind."""

    @click.command(kind, help=f"Add a {kind} channel (a plugin's kind): settings as --set KEY=VALUE.")
    @click.argument("name", type=P.Text(NOTIFY["name"], nonempty=True))
    @click.option("--set", "settings", type=P.Text(2000, nonempty=True), multiple=True, metavar="KEY=VALUE",
                  help="A setting of the channel (repeatable).")
    @click.option("--secret-stdin", is_flag=True, help="Read the channel's secret from stdin (kinds that keep one).")
    @click.option("--digest", type=click.Choice(DIGESTS), default="immediate", show_default=True,
                  help="Send each event, or an hourly/daily digest.")
    @click.option("--replace", is_flag=True, help="Change the channel of that name.")
    @click.pass_obj
    def add(obj, name: str, settings: tuple[str, ...], secret_stdin: bool, digest: str,  # noqa: ANN001
            replace: bool) -> None:
        from stardust_tui.cli.notify_io import added as _added
        from stardust_tui.cli.notify_io import stdin_line as _stdin_line
        from stardust_tui.errors import ValidationError

        if secret_stdin and not getattr(cls, "has_secret", False):
            raise ValidationError(f"{kind} channels keep no secret", where="--secret-stdin")
        secret = _stdin_line("--secret-stdin") if secret_stdin else None
        _added(obj, obj.services.notifications.add(kind, name, _pairs(settings), secret=secret, digest=digest,
                                                   replace=replace))

    return add
