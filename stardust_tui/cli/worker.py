"""``stardust worker``: run delivery workers as a daemon (or ``--once`` to drain the due queue).

SIGTERM or SIGINT stops claiming and lets running deliveries finish their current work for a grace
period, then hands their leases back; a second signal hands them back at once.
"""

from __future__ import annotations

import asyncio
from typing import Any

import click

from stardust_tui.cli import params as P
from stardust_tui.cli.context import StardustContext
from stardust_tui.cli.output import exit_with
from stardust_tui.domain import limits as L
from stardust_tui.errors import ExitCode


def register(cli: click.Group) -> None:
    cli.add_command(worker)


@click.command()
@click.option("--concurrency", "-c", type=P.Number(L.CONCURRENCY), default=None,
              help="Deliveries at once in this process [default: worker.concurrency in config, 4].")
@click.option("--once", is_flag=True, help="Drain the deliveries due now, then exit (1 if any failed for good).")
@click.option("--worker-id", type=P.Text(L.WORKER_ID, nonempty=True),
              help="Name of this worker in leases and heartbeats [default: host:pid:daemon:…].")
@click.option("--lease", "lease_s", type=P.Number(L.LEASE_SECONDS, integer=False), default=30.0, show_default=True,
              help="Lease seconds; a dead worker's deliveries are taken over after this long.")
@click.option("--grace", "grace_s", type=P.Number(L.GRACE_SECONDS, integer=False), default=20.0, show_default=True,
              help="On SIGTERM, seconds to let running deliveries finish before handing them back.")
@click.option("--max-running", type=P.Number(L.MAX_RUNNING), default=None,
              help="Overall limit of running deliveries across all workers.")
@click.option("--ack-poll", "ack_poll_s", type=P.Number(L.ACK_POLL_SECONDS, integer=False), default=300.0,
              show_default=True,
              help="Seconds between ACK folder polls (0: off).")
@click.option("--quiet", "-q", is_flag=True, help="Do not print delivery events on stderr.")
@click.pass_obj
def worker(obj: StardustContext, concurrency: int | None, once: bool, worker_id: str | None, lease_s: float,
           grace_s: float, max_running: int | None, ack_poll_s: float, quiet: bool) -> None:
    """Run delivery workers (a daemon; keep it under systemd, tmux or nohup).

    Events go to the delivery log (`stardust deliveries log ID --follow`, or tail -f the JSON lines
    file) and, unless --quiet, to stderr.
    """
    from stardust_tui.services.actor import Actor

    def echo(event: Any) -> None:
        if event.level != "debug":
            where = f"#{event.delivery_id}" if event.delivery_id else "-"
            click.echo(f"{event.at.astimezone():%H:%M:%S} {event.level:<7} {where:<7} {event.message}", err=True)

    obj.act_as(Actor.worker())  # the daemon acts as worker@host, whoever started it
    runner = obj.services.deliveries.make_runner(
        None if quiet else echo, kind="daemon", worker_id=worker_id, concurrency=concurrency, once=once,
        lease_s=lease_s, grace_s=grace_s, global_limit=max_running, ack_poll_s=ack_poll_s)

    async def main() -> None:
        runner.install_signal_handlers()
        click.echo(f"worker {runner.worker_id}: concurrency {runner.config.concurrency}"
                   f"{', draining the due queue' if once else ''}", err=True)
        await runner.run()

    asyncio.run(main())
    s = runner.stats
    click.echo(f"worker {runner.worker_id}: {s.claimed} claimed, {s.succeeded} succeeded, {s.failed} failed, "
               f"{s.retried} to retry, {s.released} handed back, {s.lost} lost", err=True)
    if once and s.failed:
        exit_with(ExitCode.FAILED)
