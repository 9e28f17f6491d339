"""``stardust audit [--entity KIND:VALUE] [--actor U] [--since DATE] [--action A] [--json]`` and ``audit verify``.

Prints who changed what, newest first, each entry with its field-level changes (``field: before -> after``);
a user limited to labels sees their releases' entries. ``verify`` walks the hash chain and exits 1 when an
entry was edited, deleted or slipped in.
"""

from __future__ import annotations

import json
from typing import Any

import click

from stardust_tui.cli import params as P
from stardust_tui.cli.context import StardustContext
from stardust_tui.cli.output import echo_json
from stardust_tui.domain import limits as L
from stardust_tui.errors import ExitCode

ENTITY = P.Text(200, nonempty=True)
ACTOR = P.Text(L.AUDIT["actor"], nonempty=True)
ACTION = P.Text(L.AUDIT["action"], nonempty=True)
CHANGES_SHOWN = 12
"""Changed fields printed per entry (a release's creation lists every field; --json has them all)."""


def register(cli: click.Group) -> None:
    cli.add_command(audit)


def _value(value: Any) -> str:
    if value is None:
        return "-"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


@click.group(invoke_without_command=True)
@click.option("--entity", type=ENTITY, default=None, metavar="KIND:VALUE",
              help="One thing's entries: release:ID|UPC, target:NAME, delivery:ID, user:NAME, party:ID.")
@click.option("--actor", type=ACTOR, default=None, help="Only what this user, API key or worker@host did.")
@click.option("--since", type=P.DAY, default=None, help="Only entries from this day on (UTC).")
@click.option("--action", type=ACTION, default=None, help="Only this action (edit, set-status, add-target...).")
@click.option("--limit", type=P.PAGE_SIZE, default=50, show_default=True, help="How many entries.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (every changed field).")
@click.pass_context
def audit(ctx: click.Context, entity: str | None, actor: str | None, since: Any, action: str | None, limit: int,
          as_json: bool) -> None:
    """Who changed what and when, newest first, with the changed fields."""
    if ctx.invoked_subcommand is not None:
        return
    from stardust_tui.services.audit import AuditFilters

    obj: StardustContext = ctx.obj
    page = obj.services.audit.list(AuditFilters(entity, actor, since, action), limit=limit)
    if as_json:
        echo_json([e.as_dict() for e in page.entries])
        return
    for e in page.entries:
        click.echo(f"{e.at:%Y-%m-%d %H:%M:%S} #{e.seq or '-'} {e.actor} {e.action} {e.subject}"
                   + (f" — {e.note}" if e.note else ""))
        for c in e.changes[:CHANGES_SHOWN]:
            click.echo(f"    {c.path}: {_value(c.before)} -> {_value(c.after)}")
        if len(e.changes) > CHANGES_SHOWN:
            click.echo(f"    … {len(e.changes) - CHANGES_SHOWN} more field(s) (--json shows all)")
    if not page.entries:
        click.echo("no audit entries match", err=True)
    elif page.more:
        click.echo(f"(newest {len(page.entries)} shown; --limit N for more)", err=True)


@audit.command("verify")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def audit_verify(obj: StardustContext, as_json: bool) -> None:
    """Check the hash chain: exit 1 when an entry was edited, deleted or added outside Stardust."""
    report = obj.services.audit.verify()
    if as_json:
        echo_json(report.as_dict())
    else:
        for problem in report.problems:
            click.echo(f"problem: {problem}")
        start = f" from #{report.pruned_seq + 1} (retention cut #{report.pruned_seq})" if report.pruned_seq else ""
        verdict = "intact" if report.ok else f"BROKEN ({len(report.problems)} problem(s))"
        click.echo(f"audit chain {verdict}: {report.checked} entries checked{start}, head #{report.head_seq} "
                   f"{report.head_hash[:16]}")
    if not report.ok:
        raise click.exceptions.Exit(ExitCode.FAILED)
