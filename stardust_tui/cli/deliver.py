"""``stardust deliver`` (queue a delivery) and ``stardust deliveries …`` (list, show, log, retry, cancel,
metrics, targets, workers).
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import datetime

import click

from stardust_tui.cli import params as P
from stardust_tui.cli.context import StardustContext
from stardust_tui.domain import limits as L
from stardust_tui.domain.enums import DELIVERY_STATES, MESSAGE_TYPES
from stardust_tui.errors import StardustError, ValidationError

TERMINAL = ("succeeded", "failed", "cancelled")


def register(cli: click.Group) -> None:
    cli.add_command(deliver)
    cli.add_command(deliveries)


def parse_at(value: str | None) -> datetime | None:
    """ISO 8601 date-time; without a zone it is the machine's local time."""
    if not value:
        return None
    try:
        at = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(f"not an ISO date-time: {value!r} (e.g. 2026-05-01T09:00 or 2026-05-01T07:00Z)",
                              where="--at") from None
    return at if at.utcoffset() is not None else at.astimezone()


@click.command()
@click.argument("refs", nargs=-1, required=True, type=P.RELEASE_REF, metavar="ID|UPC...")
@click.option("--target", "target_name", type=P.NAME, required=True, help="Target name (stardust target list).")
@click.option("--type", "message_type", type=click.Choice(MESSAGE_TYPES), default="new", show_default=True)
@click.option("--at", "at_text", type=P.Text(64, nonempty=True), metavar="DATETIME",
              help="Deliver no earlier than this (ISO 8601).")
@click.option("--priority", type=P.Number(L.PRIORITY), default=0, show_default=True, help="Higher runs first.")
@click.option("--wait", is_flag=True, help="Wait until they finished (runs them here if no worker daemon is "
                                           "alive); exit non-zero unless all succeeded.")
@click.option("--resend", is_flag=True, help="Queue it again even if this exact content was already sent.")
@click.pass_obj
def deliver(obj: StardustContext, refs: tuple[str, ...], target_name: str, message_type: str, at_text: str | None,
            priority: int, wait: bool, resend: bool) -> None:
    """Queue deliveries of releases (ids or UPCs) to a target.

    Every release is checked first; nothing is queued unless all are ready. Queueing the same release
    content to the same target with the same type twice gives one delivery (--resend sends it again)."""
    from stardust_tui.delivery.profiles import load_profile
    from stardust_tui.delivery.targets import get_target
    from stardust_tui.domain.models import utcnow
    from stardust_tui.store.db import session_scope
    from stardust_tui.store.releases import content_hash, get_release, load_release
    from stardust_tui.worker.queue import enqueue

    at = parse_at(at_text)
    queued: list[tuple[int, bool, str, str]] = []
    with session_scope(obj.engine) as session:
        target = get_target(session, target_name)
        if not target.enabled:
            raise ValidationError(f"target {target.name!r} is disabled (stardust target edit --enable)")
        profile = load_profile(target.profile, obj.settings.paths.profiles_dir)
        checked = []
        for ref in dict.fromkeys(refs):
            loaded = load_release(session, get_release(session, ref).id)  # type: ignore[arg-type]
            _preflight(loaded, profile, message_type, ref)
            checked.append((loaded, content_hash(loaded)))
        for release, digest in checked:
            before = utcnow()
            delivery = enqueue(session, release_id=release.id, target_id=target.id,  # type: ignore[arg-type]
                               message_type=message_type, priority=priority, at=at, content_hash=digest,
                               max_attempts=profile.max_attempts, resend=resend)
            queued.append((delivery.id, delivery.created_at >= before, delivery.state, release.title))  # type: ignore[arg-type]
    for did, fresh, state, title in queued:
        if fresh:
            when = f" at {at.isoformat()}" if at else ""
            click.echo(f"delivery #{did}: {message_type} of {title!r} to {target_name} queued{when}")
        else:
            click.echo(f"delivery #{did}: this {message_type} of {title!r} to {target_name} already exists "
                       f"({state}; --resend to send it again)")
    if wait:
        states = wait_for(obj, [did for did, *_ in queued])
        bad = {d: st for d, st in states.items() if st != "succeeded"}
        if len(states) > 1:
            click.echo(f"{len(states) - len(bad)} of {len(states)} deliveries succeeded"
                       + (": " + ", ".join(f"#{d} {st}" for d, st in bad.items()) if bad else ""))
        if bad:
            raise click.exceptions.Exit(1)


def _preflight(release: object, profile: object, message_type: str, ref: str) -> None:
    """Refuse to queue what the executor would refuse: catalog readiness and the profile's media rules."""
    from stardust_tui.delivery.preflight import asset_problems
    from stardust_tui.domain.rules import check_release

    problems = []
    if message_type in ("new", "update"):
        problems = [f"{f.field}: {f.message}" for f in check_release(release).errors]  # type: ignore[arg-type]
    problems += asset_problems(release, profile, message_type)  # type: ignore[arg-type]
    if problems:
        more = f" (+{len(problems) - 3} more; see `stardust release check {ref}`)" if len(problems) > 3 else ""
        raise ValidationError(f"not ready for {getattr(profile, 'name', 'the profile')}: "
                              f"{'; '.join(problems[:3])}{more}", where=f"release {ref}")


def wait_for(obj: StardustContext, delivery_ids: list[int], *, echo: bool = True) -> dict[int, str]:
    """Follow deliveries until they end; run them in this process when no worker daemon is alive."""
    from stardust_tui.store.db import session_scope
    from stardust_tui.worker.events import read_events
    from stardust_tui.worker.heartbeat import is_daemon_alive
    from stardust_tui.worker.queue import get_delivery
    from stardust_tui.worker.runner import Runner, RunnerConfig

    engine = obj.engine
    last = dict.fromkeys(delivery_ids, 0)

    def poll() -> dict[int, str]:
        states = {}
        with session_scope(engine) as session:
            for did in delivery_ids:
                states[did] = get_delivery(session, did).state  # first: the final events commit with it
                for e in read_events(session, did, after_id=last[did]):
                    last[did] = e.id  # type: ignore[assignment]
                    if echo:
                        prefix = f"#{did} " if len(delivery_ids) > 1 else ""
                        click.echo(prefix + _event_line(e.at, e.level, e.step, e.message))
        return states

    def finished(states: dict[int, str]) -> bool:
        return all(st in TERMINAL for st in states.values())

    with session_scope(engine) as session:
        daemon = is_daemon_alive(session)
    if daemon:
        while not finished(states := poll()):
            time.sleep(0.5)
        return states

    async def run_here() -> dict[int, str]:
        runner = Runner(obj.settings, engine, config=RunnerConfig(
            kind="in-process", concurrency=obj.settings.worker_concurrency, poll_s=0.5, ack_poll_s=0))
        task = asyncio.create_task(runner.run())
        try:
            while not finished(states := await asyncio.to_thread(poll)):
                if task.done():
                    task.result()  # the runner stopped: raise what stopped it
                    raise StardustError("the in-process worker stopped before the deliveries finished")
                await asyncio.sleep(0.3)
        finally:
            runner.request_stop()
            await task
        return states

    return asyncio.run(run_here())


def _event_line(at: datetime, level: str, step: str | None, message: str) -> str:
    stamp = at.astimezone().strftime("%H:%M:%S")
    return f"{stamp} {level:<7} {(step or '-')[:40]:<40} {message}"


@click.group(invoke_without_command=True)
@click.option("--status", "state", type=click.Choice(DELIVERY_STATES), help="Only deliveries in this state.")
@click.option("--target", "target_name", type=P.NAME, help="Only deliveries to this target.")
@click.option("--release", "release_ref", type=P.RELEASE_REF, metavar="ID|UPC", help="Only deliveries of this release.")
@click.option("--limit", type=P.Number(L.DELIVERY_PAGE), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def deliveries(ctx: click.Context, state: str | None, target_name: str | None, release_ref: str | None, limit: int,
               as_json: bool) -> None:
    """List deliveries (newest first), or manage one with a subcommand."""
    if ctx.invoked_subcommand is not None:
        return
    from stardust_tui.delivery.targets import get_target, list_targets
    from stardust_tui.store.db import session_scope
    from stardust_tui.store.releases import get_release
    from stardust_tui.worker.queue import list_deliveries

    obj: StardustContext = ctx.obj
    with session_scope(obj.engine) as session:
        target_id = get_target(session, target_name).id if target_name else None
        release_id = get_release(session, release_ref).id if release_ref else None
        names = {t.id: t.name for t in list_targets(session)}
        rows = list_deliveries(session, state=state, target_id=target_id, release_id=release_id, limit=limit)
    if as_json:
        click.echo(json.dumps([_as_dict(d, names) for d in rows], indent=2))
        return
    if not rows:
        click.echo("no deliveries")
        return
    click.echo(f"{'ID':>6} {'STATE':<11} {'TYPE':<9} {'RELEASE':>7} {'TARGET':<16} {'TRY':>5} "
               f"{'UPDATED':<19} LAST ERROR")
    for d in rows:
        updated = d.updated_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        click.echo(f"{d.id:>6} {_state(d):<11} {d.message_type:<9} {d.release_id:>7} "
                   f"{names.get(d.target_id, '?')[:16]:<16} {d.attempts:>2}/{d.max_attempts:<2} {updated:<19} "
                   f"{(d.last_error or '')[:60]}")


def _state(d) -> str:
    """``running 45%`` while bytes move, ``scheduled`` for a future --at, else the state."""
    from stardust_tui.domain.models import utcnow

    if d.state == "running" and d.bytes_total:
        return f"running {min(100, 100 * d.bytes_done // d.bytes_total)}%"
    if d.state == "queued" and d.scheduled_at > utcnow():
        return "scheduled"
    return d.state


def _as_dict(d, names: dict) -> dict:
    data = d.model_dump(exclude={"lease_owner"} if d.state != "running" else set())
    data["target"] = names.get(d.target_id)
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in data.items()}


@deliveries.command("show")
@click.argument("delivery_id", type=P.ID)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def deliveries_show(obj: StardustContext, delivery_id: int, as_json: bool) -> None:
    """A delivery's state, recorded steps and latest events."""
    from sqlalchemy import select

    from stardust_tui.delivery.targets import list_targets
    from stardust_tui.domain.delivery_models import DeliveryStep
    from stardust_tui.store.db import session_scope
    from stardust_tui.worker.events import read_events
    from stardust_tui.worker.queue import get_delivery

    with session_scope(obj.engine) as session:
        d = get_delivery(session, delivery_id)
        names = {t.id: t.name for t in list_targets(session)}
        steps = list(session.execute(select(DeliveryStep).where(DeliveryStep.delivery_id == delivery_id)
                                     .order_by(DeliveryStep.seq, DeliveryStep.id)).scalars())
        events = read_events(session, delivery_id)[-15:]
    data = _as_dict(d, names)
    if as_json:
        data["steps"] = [{"name": s.name, "state": s.state, "remote_path": s.remote_path, "size": s.size,
                          "md5": s.md5, "attempt": s.attempt} for s in steps]
        click.echo(json.dumps(data, indent=2))
        return
    for key in ("id", "state", "message_type", "release_id", "target", "priority", "attempts", "max_attempts",
                "scheduled_at", "next_attempt_at", "started_at", "finished_at", "message_id", "batch_id",
                "remote_path", "bytes_done", "bytes_total", "lease_owner", "lease_expires_at", "last_error"):
        if data.get(key) not in (None, ""):
            click.echo(f"{key:<16} {data[key]}")
    click.echo(f"steps ({len(steps)}):")
    for s in steps:
        size = f"{s.size} B" if s.size is not None else ""
        click.echo(f"  {s.state:<8} {s.name:<50} {size:>12}  {s.remote_path or ''}")
    if events:
        click.echo("events:")
        for e in events:
            click.echo("  " + _event_line(e.at, e.level, e.step, e.message))


@deliveries.command("log")
@click.argument("delivery_id", type=P.ID)
@click.option("--follow", "-f", is_flag=True, help="Keep printing new events until the delivery ends.")
@click.pass_obj
def deliveries_log(obj: StardustContext, delivery_id: int, follow: bool) -> None:
    """Print a delivery's events (from the database; --follow also tails the live log file)."""
    from stardust_tui.store.db import session_scope
    from stardust_tui.worker.events import follow_file, read_events
    from stardust_tui.worker.queue import get_delivery

    with session_scope(obj.engine) as session:
        state = get_delivery(session, delivery_id).state
        for e in read_events(session, delivery_id, limit=100_000):
            click.echo(_event_line(e.at, e.level, e.step, e.message))
    if not follow or state in TERMINAL:
        return
    checked = [time.monotonic()]

    def ended() -> bool:
        if time.monotonic() - checked[0] < 1.0:
            return False
        checked[0] = time.monotonic()
        with session_scope(obj.engine) as session:
            return get_delivery(session, delivery_id).state in TERMINAL

    for data in follow_file(obj.settings.paths.delivery_log_file, delivery_id=delivery_id, stop=ended):
        at = datetime.fromisoformat(data["at"])
        click.echo(_event_line(at, data.get("level", "info"), data.get("step"), data.get("message", "")))


@deliveries.command("retry")
@click.argument("delivery_id", type=P.ID)
@click.pass_obj
def deliveries_retry(obj: StardustContext, delivery_id: int) -> None:
    """Queue a failed or cancelled delivery again (completed steps are not redone)."""
    from stardust_tui.worker.queue import retry

    retry(obj.engine, delivery_id)
    click.echo(f"delivery #{delivery_id} queued again")


@deliveries.command("cancel")
@click.argument("delivery_id", type=P.ID)
@click.pass_obj
def deliveries_cancel(obj: StardustContext, delivery_id: int) -> None:
    """Cancel a queued, waiting or running delivery."""
    from stardust_tui.worker.queue import cancel

    was = cancel(obj.engine, delivery_id)
    extra = " (its worker stops at the next step)" if was == "running" else ""
    click.echo(f"delivery #{delivery_id} cancelled{extra}")


@deliveries.command("metrics")
@click.option("--days", type=P.Number(L.WINDOW_DAYS, integer=False), default=7.0, show_default=True,
              help="Window of finished deliveries.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def deliveries_metrics(obj: StardustContext, days: float, as_json: bool) -> None:
    """Per-target success rate, median duration, throughput and queue depth."""
    from stardust_tui.store.db import session_scope
    from stardust_tui.worker.metrics import target_metrics

    with session_scope(obj.engine) as session:
        rows = target_metrics(session, days=days)
    if as_json:
        click.echo(json.dumps([m.as_dict() for m in rows], indent=2))
        return
    click.echo(f"{'TARGET':<20} {'OK':>6} {'FAILED':>6} {'RATE':>6} {'MEDIAN':>8} {'PER H':>8} {'MB/S':>7} "
               f"{'QUEUED':>6} {'RUN':>4} CIRCUIT")
    for m in rows:
        rate = f"{m.success_rate:.0%}" if m.success_rate is not None else "-"
        med = f"{m.median_seconds:.1f}s" if m.median_seconds is not None else "-"
        mbs = f"{m.bytes_per_second / 1e6:.1f}" if m.bytes_per_second else "-"
        click.echo(f"{m.target[:20]:<20} {m.succeeded:>6} {m.failed:>6} {rate:>6} {med:>8} {m.per_hour:>8.1f} "
                   f"{mbs:>7} {m.queued:>6} {m.running:>4} {m.circuit}")


@deliveries.command("targets")
@click.option("--reset", "reset_name", type=P.NAME, metavar="NAME", help="Close this target's circuit breaker now.")
@click.pass_obj
def deliveries_targets(obj: StardustContext, reset_name: str | None) -> None:
    """Circuit breaker state of every target (closed, open, half-open)."""
    from stardust_tui.delivery.targets import get_target, list_targets
    from stardust_tui.store.db import session_scope
    from stardust_tui.worker import circuit
    from stardust_tui.worker.queue import write_tx

    if reset_name:
        with session_scope(obj.engine) as session:
            target_id = get_target(session, reset_name).id
        with write_tx(obj.engine) as conn:
            circuit.reset(conn, target_id)  # type: ignore[arg-type]
        click.echo(f"circuit of {reset_name} closed")
    with session_scope(obj.engine) as session:
        targets = list_targets(session)
    policy = circuit.CircuitPolicy()
    click.echo(f"{'TARGET':<20} {'ENABLED':<8} {'LIMIT':>5} CIRCUIT")
    for t in targets:
        click.echo(f"{t.name[:20]:<20} {'yes' if t.enabled else 'no':<8} {t.max_concurrency:>5} "
                   f"{circuit.describe(t, policy)}")


@deliveries.command("prune")
@click.option("--events-older-than", "days", type=P.Number(L.PRUNE_DAYS, integer=False), default=90.0,
              show_default=True,
              metavar="DAYS", help="Delete stored log events older than this (finished deliveries only).")
@click.pass_obj
def deliveries_prune(obj: StardustContext, days: float) -> None:
    """Delete old delivery log events from the database (deliveries and their steps are kept)."""
    from stardust_tui.worker.events import prune

    click.echo(f"deleted {prune(obj.engine, older_than_days=days)} event(s) older than {days:g} days")


@deliveries.command("workers")
@click.pass_obj
def deliveries_workers(obj: StardustContext) -> None:
    """Workers alive now (daemons and TUI sessions), from their heartbeats."""
    from stardust_tui.store.db import session_scope
    from stardust_tui.worker.heartbeat import live_workers

    with session_scope(obj.engine) as session:
        workers = live_workers(session)
    if not workers:
        click.echo("no live workers (start one with `stardust worker`)")
    for w in workers:
        seen = w.seen_at.astimezone().strftime("%H:%M:%S")
        click.echo(f"{w.worker_id:<50} {w.kind:<11} pid {w.pid:<8} x{w.concurrency:<3} seen {seen}")
