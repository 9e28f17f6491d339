"""``stardust deliver`` (queue a delivery) and ``stardust deliveries …`` (list, show, log, retry, cancel,
metrics, targets, workers, prune): parsing and printing around ``services.deliveries``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from stardust_tui.cli import params as P
from stardust_tui.cli.context import StardustContext
from stardust_tui.cli.output import echo_json, exit_with
from stardust_tui.domain import limits as L
from stardust_tui.domain.enums import DELIVERY_STATES, MESSAGE_TYPES
from stardust_tui.errors import ExitCode, ValidationError


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
@click.option("--skip-xsd", is_flag=True, help="Allow a live message to go out without XSD validation when no "
                                               "DDEX schemas are installed (the delivery's log records it).")
@click.pass_obj
def deliver(obj: StardustContext, refs: tuple[str, ...], target_name: str, message_type: str, at_text: str | None,
            priority: int, wait: bool, resend: bool, skip_xsd: bool) -> None:
    """Queue deliveries of releases (ids or UPCs) to a target.

    Every release is checked first; nothing is queued unless all are ready. Queueing the same release
    content to the same target with the same type twice gives one delivery (--resend sends it again)."""
    at = parse_at(at_text)
    queued = obj.services.deliveries.queue(refs, target_name, message_type=message_type, at=at, priority=priority,
                                           resend=resend, skip_xsd=skip_xsd)
    for q in queued:
        if q.fresh:
            when = f" at {at.isoformat()}" if at else ""
            click.echo(f"delivery #{q.delivery_id}: {message_type} of {q.title!r} to {target_name} queued{when}")
        else:
            click.echo(f"delivery #{q.delivery_id}: this {message_type} of {q.title!r} to {target_name} already "
                       f"exists ({q.state}; --resend to send it again)")
    if wait:
        ids = [q.delivery_id for q in queued]

        def echo(e: Any) -> None:
            click.echo((f"#{e.delivery_id} " if len(ids) > 1 else "") + _event_line(e.at, e.level, e.step, e.message))

        states = obj.services.deliveries.wait(ids, echo)
        bad = {d: st for d, st in states.items() if st != "succeeded"}
        if len(states) > 1:
            click.echo(f"{len(states) - len(bad)} of {len(states)} deliveries succeeded"
                       + (": " + ", ".join(f"#{d} {st}" for d, st in bad.items()) if bad else ""))
        if bad:
            exit_with(ExitCode.FAILED)


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
    obj: StardustContext = ctx.obj
    rows = obj.services.deliveries.find(state=state, target=target_name, release=release_ref, limit=limit)
    if as_json:
        echo_json([r.as_dict() for r in rows])
        return
    if not rows:
        click.echo("no deliveries")
        return
    click.echo(f"{'ID':>6} {'STATE':<11} {'TYPE':<9} {'RELEASE':>7} {'TARGET':<16} {'TRY':>5} "
               f"{'UPDATED':<19} LAST ERROR")
    for r in rows:
        d = r.delivery
        updated = d.updated_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        click.echo(f"{d.id:>6} {r.display_state:<11} {d.message_type:<9} {d.release_id:>7} "
                   f"{(r.target or '?')[:16]:<16} {d.attempts:>2}/{d.max_attempts:<2} {updated:<19} "
                   f"{(d.last_error or '')[:60]}")


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


@deliveries.command("show")
@click.argument("delivery_id", type=P.ID)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def deliveries_show(obj: StardustContext, delivery_id: int, as_json: bool) -> None:
    """A delivery's state, recorded steps and latest events."""
    detail = obj.services.delivery_history.detail(delivery_id)
    head = {"id": detail.id, "release_id": detail.release.id}
    if as_json:
        echo_json({**head, **detail.fields, "release": detail.release, "steps": detail.steps,
                   "events": detail.events, "acks": detail.acks})
        return
    for key, value in (head | detail.fields).items():
        click.echo(f"{key:<16} {_text(value)}")
    click.echo(f"steps ({len(detail.steps)}):")
    for st in detail.steps:
        size = f"{st.size} B" if st.size is not None else ""
        click.echo(f"  {st.state:<8} {st.name:<50} {size:>12}  {st.remote_path or ''}")
    if detail.events:
        click.echo("events:")
        for e in detail.events[-15:]:
            click.echo("  " + _event_line(e.at, e.level, e.step, e.message))


@deliveries.command("log")
@click.argument("delivery_id", type=P.ID)
@click.option("--follow", "-f", is_flag=True, help="Keep printing new events until the delivery ends.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per event and line (JSON Lines).")
@click.pass_obj
def deliveries_log(obj: StardustContext, delivery_id: int, follow: bool, as_json: bool) -> None:
    """Print a delivery's events (from the database; --follow also tails the live log file)."""
    for e in obj.services.deliveries.follow(delivery_id, live=follow):
        if as_json:
            echo_json(e, indent=None)
        else:
            click.echo(_event_line(e.at, e.level, e.step, e.message))


@deliveries.command("retry")
@click.argument("delivery_id", type=P.ID)
@click.pass_obj
def deliveries_retry(obj: StardustContext, delivery_id: int) -> None:
    """Queue a failed or cancelled delivery again (completed steps are not redone)."""
    obj.services.deliveries.retry(delivery_id)
    click.echo(f"delivery #{delivery_id} queued again")


@deliveries.command("cancel")
@click.argument("delivery_id", type=P.ID)
@click.pass_obj
def deliveries_cancel(obj: StardustContext, delivery_id: int) -> None:
    """Cancel a queued, waiting or running delivery."""
    was = obj.services.deliveries.cancel(delivery_id)
    extra = " (its worker stops at the next step)" if was == "running" else ""
    click.echo(f"delivery #{delivery_id} cancelled{extra}")


@deliveries.command("metrics")
@click.option("--days", type=P.Number(L.WINDOW_DAYS, integer=False), default=7.0, show_default=True,
              help="Window of finished deliveries.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def deliveries_metrics(obj: StardustContext, days: float, as_json: bool) -> None:
    """Per-target success rate, median duration, throughput and queue depth."""
    rows = obj.services.deliveries.metrics(days=days)
    if as_json:
        echo_json([m.as_dict() for m in rows])
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
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def deliveries_targets(obj: StardustContext, reset_name: str | None, as_json: bool) -> None:
    """Circuit breaker state of every target (closed, open, half-open)."""
    targets = obj.services.targets
    if reset_name:
        targets.reset_circuit(reset_name)
        click.echo(f"circuit of {reset_name} closed", err=as_json)
    rows = targets.list()
    if as_json:
        echo_json([{"name": t.name, "enabled": t.enabled, "max_concurrency": t.max_concurrency,
                    "circuit": t.circuit_state, "circuit_detail": t.circuit,
                    "consecutive_failures": t.consecutive_failures} for t in rows])
        return
    click.echo(f"{'TARGET':<20} {'ENABLED':<8} {'LIMIT':>5} CIRCUIT")
    for t in rows:
        click.echo(f"{t.name[:20]:<20} {'yes' if t.enabled else 'no':<8} {t.max_concurrency:>5} {t.circuit}")


@deliveries.command("prune")
@click.option("--events-older-than", "days", type=P.Number(L.PRUNE_DAYS, integer=False), default=90.0,
              show_default=True,
              metavar="DAYS", help="Delete stored log events older than this (finished deliveries only).")
@click.pass_obj
def deliveries_prune(obj: StardustContext, days: float) -> None:
    """Delete old delivery log events from the database (deliveries and their steps are kept)."""
    click.echo(f"deleted {obj.services.deliveries.prune_events(older_than_days=days)} event(s) older than "
               f"{days:g} days")


@deliveries.command("workers")
@click.option("--all", "show_all", is_flag=True, help="Also workers not seen for a while (stopped or unreachable).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def deliveries_workers(obj: StardustContext, show_all: bool, as_json: bool) -> None:
    """Workers alive now (daemons and TUI sessions), from their heartbeats."""
    workers = [w for w in obj.services.workers.list() if w.alive or show_all]
    if as_json:
        echo_json(workers)
        return
    if not workers:
        click.echo("no live workers (start one with `stardust worker`)")
    for w in workers:
        seen = w.seen_at.astimezone().strftime("%H:%M:%S")
        state = "" if w.alive else "  (stale)"
        click.echo(f"{w.worker_id:<50} {w.kind:<11} pid {w.pid:<8} x{w.concurrency:<3} seen {seen}"
                   f"  running {w.running}{state}")
