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


def _address(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, int] | None:
    from stardust_tui.api.worker_http import parse_address

    if value is None:
        return None
    try:
        return parse_address(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


async def _systemd(obj: StardustContext, runner: Any, running: asyncio.Future, notify: Any, watchdog: Any) -> None:
    """Under systemd (Type=notify): READY=1 once this worker's heartbeat is stored, then watchdog pings."""
    import os

    if not os.environ.get("NOTIFY_SOCKET"):
        return
    for _ in range(600):
        if running.done():
            return
        checks = await asyncio.to_thread(obj.services.health.checks, own_heartbeat=runner.worker_id)
        if next(c for c in checks if c.name == "worker").ok:
            break
        await asyncio.sleep(0.1)
    notify("READY=1", f"STATUS=delivering as {runner.worker_id}")
    await watchdog(lambda: not running.done())


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
@click.option("--http", "http_address", type=P.Text(300, nonempty=True), default=None, callback=_address,
              metavar="HOST:PORT", help="Serve /health, /ready and /metrics here (e.g. 127.0.0.1:9100).")
@click.pass_obj
def worker(obj: StardustContext, concurrency: int | None, once: bool, worker_id: str | None, lease_s: float,
           grace_s: float, max_running: int | None, ack_poll_s: float, quiet: bool,
           http_address: tuple[str, int] | None) -> None:
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

    probe = None
    if http_address is not None:  # issue 11: the daemon's own health, readiness and metrics
        from stardust_tui.api.worker_http import WorkerHttp

        probe = WorkerHttp(obj.services, runner.worker_id, *http_address).start()
        click.echo(f"worker {runner.worker_id}: /health /ready /metrics on http://{probe.host}:{probe.port}",
                   err=True)

    async def main() -> None:
        from stardust_tui.api.sdnotify import notify, watchdog_loop

        runner.install_signal_handlers()
        click.echo(f"worker {runner.worker_id}: concurrency {runner.config.concurrency}"
                   f"{', draining the due queue' if once else ''}", err=True)
        running = asyncio.ensure_future(runner.run())
        watchdog = asyncio.ensure_future(_systemd(obj, runner, running, notify, watchdog_loop))
        try:
            await running
        finally:
            notify("STOPPING=1")
            watchdog.cancel()

    try:
        asyncio.run(main())
    finally:
        if probe is not None:
            probe.stop()
    s = runner.stats
    click.echo(f"worker {runner.worker_id}: {s.claimed} claimed, {s.succeeded} succeeded, {s.failed} failed, "
               f"{s.retried} to retry, {s.released} handed back, {s.lost} lost", err=True)
    if once and s.failed:
        exit_with(ExitCode.FAILED)
