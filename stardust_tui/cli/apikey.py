"""``stardust apikey create|list|revoke|usage``: keys for clients of the HTTP API (``stardust serve``).

``create`` prints the token once (``sd_…``); only its SHA-256 is stored. A key's scope is an access level
(read < write < deliver < admin; each includes the ones before it), enforced by the services like every
other permission check.
"""

from __future__ import annotations

import click

from stardust_tui.cli import params as P
from stardust_tui.cli.context import StardustContext
from stardust_tui.cli.output import echo_json
from stardust_tui.domain import limits as L
from stardust_tui.services.actor import LEVELS

KEY_NAME = P.Text(100, nonempty=True)
LABEL = P.Text(500, nonempty=True)
DAYS = P.Number(L.Span(1, 3660, "days"))


def register(cli: click.Group) -> None:
    cli.add_command(apikey)


@click.group()
def apikey() -> None:
    """API keys of the HTTP API (stardust serve)."""


@apikey.command("create")
@click.argument("name", type=KEY_NAME)
@click.option("--scope", type=P.Vocabulary(LEVELS, "scope", "SCOPE"), required=True,
              help="read | write | deliver | admin (each includes the ones before it).")
@click.option("--label", "labels", type=LABEL, multiple=True,
              help="Only releases of this label (repeat for several) [default: every label].")
@click.option("--expires", type=P.DAY, default=None, help="The key stops working on this day (00:00 UTC).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the token included).")
@click.pass_obj
def apikey_create(obj: StardustContext, name: str, scope: str, labels: tuple[str, ...], expires, as_json: bool
                  ) -> None:  # noqa: ANN001 - a datetime from P.DAY
    """Create a key; its token is printed once and cannot be shown again."""
    created = obj.services.apikeys.create(name, scope=scope, labels=labels,
                                          expires=expires.date() if expires else None)
    if as_json:
        echo_json({"key": created.key, "token": created.token})
        return
    click.echo(created.token)
    k = created.key
    until = f", expires {k.expires_at:%Y-%m-%d %H:%M} UTC" if k.expires_at else ""
    only = f", labels {', '.join(k.labels)}" if k.labels else ""
    click.echo(f"API key {k.name!r} (scope {k.scope}{only}{until}); the token above is shown only now: "
               "store it in the client's secret store", err=True)


@apikey.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def apikey_list(obj: StardustContext, as_json: bool) -> None:
    """List keys (never their tokens): scope, labels, state, expiry and last use."""
    keys = obj.services.apikeys.list()
    if as_json:
        echo_json([{**{f: getattr(k, f) for f in k.__dataclass_fields__}, "state": k.state} for k in keys])
        return
    click.echo(f"{'NAME':<24} {'PREFIX':<11} {'SCOPE':<8} {'STATE':<8} {'EXPIRES':<11} {'LAST USED':<17} LABELS")
    for k in keys:
        expires = f"{k.expires_at:%Y-%m-%d}" if k.expires_at else "-"
        used = f"{k.last_used_at:%Y-%m-%d %H:%M}" if k.last_used_at else "never"
        click.echo(f"{k.name:<24} {k.prefix:<11} {k.scope:<8} {k.state:<8} {expires:<11} {used:<17} "
                   f"{', '.join(k.labels) if k.labels else 'all'}")


@apikey.command("revoke")
@click.argument("name", type=KEY_NAME)
@click.pass_obj
def apikey_revoke(obj: StardustContext, name: str) -> None:
    """Revoke a key: its next request is refused (401). The usage history is kept."""
    k = obj.services.apikeys.revoke(name)
    click.echo(f"API key {k.name!r} revoked at {k.revoked_at:%Y-%m-%d %H:%M:%S} UTC")


@apikey.command("usage")
@click.argument("name", type=KEY_NAME, required=False)
@click.option("--days", type=DAYS, default=30, show_default=True, help="How many days back.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def apikey_usage(obj: StardustContext, name: str | None, days: int, as_json: bool) -> None:
    """Requests per key per day (UTC): total, refused (4xx) and rate-limited (429)."""
    rows = obj.services.apikeys.usage(name, days=days)
    if as_json:
        echo_json(rows)
        return
    click.echo(f"{'DAY':<11} {'KEY':<24} {'REQUESTS':>9} {'REFUSED':>8} {'LIMITED':>8}")
    for r in rows:
        click.echo(f"{r.day:%Y-%m-%d} {r.key:<24} {r.requests:>9} {r.refused:>8} {r.limited:>8}")
    if not rows:
        click.echo("(no requests in that period)", err=True)
