"""``stardust privacy export PARTY [-o FILE]`` and ``stardust privacy erase PARTY [--dry-run] [--queue] [--yes]``.

Export writes everything held about a person as JSON (stdout, or FILE created 0600). Erase pseudonymises
them in drafts and in what was never delivered, and for releases on sale says which takedowns and updates
DSPs need (``--queue`` queues them); delivered history is never rewritten. Both need the admin role and are
audited.
"""

from __future__ import annotations

import json
import sys

import click

from stardust_tui.cli import params as P
from stardust_tui.cli.context import StardustContext
from stardust_tui.cli.output import echo_json, jsonable
from stardust_tui.errors import ValidationError

PARTY = P.Text(500, nonempty=True)


def register(cli: click.Group) -> None:
    cli.add_command(privacy)


@click.group()
def privacy() -> None:
    """Personal data of artists and contributors (GDPR): export and erasure."""


@privacy.command("export")
@click.argument("party", type=PARTY)
@click.option("-o", "--output", "out", type=P.OutputFile(), default=None, help="Write the JSON here (0600).")
@click.pass_obj
def privacy_export(obj: StardustContext, party: str, out: str | None) -> None:
    """Everything held about PARTY (a name, party id or ISNI) as JSON."""
    from stardust_tui.atomic import write_text_atomic

    doc = obj.services.personal_data.export(party)
    if out is None:
        echo_json(doc)
        return
    write_text_atomic(out, json.dumps(jsonable(doc), ensure_ascii=False, indent=2) + "\n")
    click.echo(f"wrote {out}: {len(doc['parties'])} part(y/ies), {len(doc['releases'])} release(s), "
               f"{len(doc['deliveries'])} deliver(y/ies), {len(doc['audit_entries'])} audit entr(y/ies)", err=True)


@privacy.command("erase")
@click.argument("party", type=PARTY)
@click.option("--dry-run", is_flag=True, help="Only say what would change and what DSPs would need.")
@click.option("--queue", is_flag=True, help="Queue the takedowns and updates releases on sale need.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
@click.pass_obj
def privacy_erase(obj: StardustContext, party: str, dry_run: bool, queue: bool, yes: bool, as_json: bool) -> None:
    """Pseudonymise PARTY where no delivered history changes; list (or --queue) what DSPs need."""
    service = obj.services.personal_data
    if not dry_run and not yes:
        if not sys.stdin.isatty():
            raise ValidationError("refusing to erase without --yes when not on a terminal (try --dry-run first)")
        preview = service.erase(party, dry_run=True)
        click.echo(_summary(preview))
        click.confirm(f"erase party {preview.party_ids[0]} as {preview.pseudonym!r}?", abort=True)
    plan = service.erase(party, dry_run=dry_run, queue=queue)
    if as_json:
        echo_json({"dry_run": plan.dry_run, "party_ids": plan.party_ids, "pseudonym": plan.pseudonym,
                   "party_renamed": plan.party_renamed, "counts": plan.counts(), "releases": plan.releases})
        return
    click.echo(_summary(plan))


def _summary(plan) -> str:  # noqa: ANN001 - an ErasePlan
    lines = []
    verb = "would" if plan.dry_run else "did"
    for r in plan.releases:
        where = f" on sale at {', '.join(r.live_at)}" if r.live_at else ""
        what = {"pseudonymise": "pseudonymise", "takedown": "needs a TAKEDOWN", "update": "needs an UPDATE"}[r.action]
        queued = f"; queued deliveries {', '.join(map(str, r.queued))}" if r.queued else ""
        lines.append(f"release {r.release_id} {r.title!r} ({r.status}{where}): {what}; revisions rewritten "
                     f"{r.revisions_rewritten}, kept {r.revisions_kept} (delivered){queued}")
        lines.extend(f"    problem: {p}" for p in r.problems)
    c = plan.counts()
    lines.append(f"party {', '.join(map(str, plan.party_ids))}: {verb} pseudonymise as {plan.pseudonym!r} in "
                 f"{c['pseudonymised']} release(s); {c['takedowns']} takedown(s) and {c['updates']} update(s) needed"
                 f" at DSPs, {c['queued']} queued; {c['audit_entries_kept']} audit entr(y/ies) kept (append-only)")
    if not plan.dry_run and not plan.party_renamed:
        lines.append("the party keeps its name while releases on sale show it: run erase again after the "
                     "takedowns/updates are delivered")
    return "\n".join(lines)
