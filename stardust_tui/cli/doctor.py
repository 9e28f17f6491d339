"""``stardust doctor``: check this installation, one line per check (pass / warn / fail, what, how to fix).

The checks run in parallel, each with a timeout (``--timeout``); lines are printed in a fixed order once all
are done. Exit status: 0 when nothing failed, 1 when a check failed (``--strict``: a warning too).
The work is done by ``services.doctor``.
"""

from __future__ import annotations

import click

from stardust_tui.cli import params as P
from stardust_tui.cli.context import StardustContext
from stardust_tui.cli.output import echo_json, exit_with
from stardust_tui.doctor.model import SECTIONS
from stardust_tui.domain import limits as L
from stardust_tui.errors import ExitCode


def register(cli: click.Group) -> None:
    cli.add_command(doctor)


@click.command()
@click.option("--section", "sections", type=click.Choice(SECTIONS), multiple=True,
              help="Only these sections (default: all).")
@click.option("--no-probe", is_flag=True, help="Do not connect to the delivery targets.")
@click.option("--timeout", type=P.Number(L.Span(1.0, 600.0), integer=False), default=30.0, show_default=True,
              help="Seconds each check may take (target probes and builds get at least 60).")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def doctor(obj: StardustContext, sections: tuple[str, ...], no_probe: bool, timeout: float, strict: bool,
           as_json: bool) -> None:
    """Check the database, disk, key, config, clock, schemas, ready releases, targets, workers and speed."""
    report = obj.services.doctor.run(sections or None, probe=not no_probe, timeout=timeout)
    if as_json:
        echo_json({"worst": report.worst, "counts": report.counts(), "seconds": report.seconds,
                   "checks": report.checks})
    else:
        for check in report.checks:
            click.echo(check.line)
        counts = report.counts()
        click.echo(f"{counts['pass']} passed, {counts['warn']} warning(s), {counts['fail']} failed, "
                   f"{counts['skip']} skipped in {report.seconds:.1f} s")
    exit_with(ExitCode(report.exit_code(strict=strict)))
