"""``stardust worker``: run delivery workers as a daemon (or ``--once`` to drain the due queue).

SIGTERM or SIGINT stops claiming and lets running deliveries finish their current work for a grace
period, then hands their leases back; a second signal hands them back at once.
"""

from __future__ import annotations

import asyncio

import click

from stardust_tui.cli.context import StardustContext


def register(cli: click.Group) -> None:
    cli.add_command(worker)


@click.command()
@click.option("--concurrency", "-c", type=click.IntRange(1, 256), default=None,
              help="Deliveries at once in this process [default: worker.concurrency in config, 4].")
@click.option("--once", is_flag=True, help="Drain the deliveries due now, then exit.")
@click.option("--worker-id", help="Name of this worker in leases and heartbeats [default: host:pid:daemon:…].")
@click.option("--lease", "lease_s", type=click.FloatRange(1, 3600), default=30.0, show_default=True,
              help="Lease seconds; a dead worker's deliveries are taken over after this long.")
@click.option("--grace", "grace_s", type=click.FloatRange(0, 3600), default=20.0, show_default=True,
              help="On SIGTERM, seconds to let running deliveries finish before handing them back.")
@click.option("--max-running", type=click.IntRange(1, 10_000), default=None,
              help="Overall limit of running deliveries across all workers.")
@click.option("--ack-poll", "ack_poll_s", type=click.FloatRange(0, 86_400), default=300.0, show_default=True,
              help="Seconds between ACK folder polls (0: off).")
@click.pass_obj
def worker(obj: StardustContext, concurrency: int | None, once: bool, worker_id: str | None, lease_s: float,
           grace_s: float, max_running: int | None, ack_poll_s: float) -> None:
    """Run delivery workers (a daemon; keep it under systemd, tmux or nohup)."""
    from stardust_tui.worker.runner import Runner, RunnerConfig

    config = RunnerConfig(concurrency=concurrency or obj.settings.worker_concurrency, once=once, lease_s=lease_s,
                          grace_s=grace_s, global_limit=max_running, ack_poll_s=ack_poll_s, kind="daemon")
    runner = Runner(obj.settings, obj.engine, worker_id=worker_id, config=config)

    async def main() -> None:
        runner.install_signal_handlers()
        click.echo(f"worker {runner.worker_id}: concurrency {config.concurrency}"
                   f"{', draining the due queue' if once else ''}", err=True)
        await runner.run()

    asyncio.run(main())
    s = runner.stats
    click.echo(f"worker {runner.worker_id}: {s.claimed} claimed, {s.succeeded} succeeded, {s.failed} failed, "
               f"{s.retried} to retry, {s.released} handed back, {s.lost} lost", err=True)
