"""The delivery executor the worker runs for one claimed :class:`Delivery` (see worker/protocols.py).

Steps, each recorded so a resumed delivery continues where it stopped:

1. ``package``: load the release and the target's profile, build the message (same batch id, message
   id and timestamp on every attempt, so a resume rebuilds byte-identical XML), validate it against the
   ERN XSD, store the message id / batch id / remote folder on the delivery;
2. ``upload <path>`` for every resource, then the XML, then the manifest (the transport writes a
   temporary name, verifies size and hash, then renames); files an update may leave out are recorded
   as ``skipped``;
3. ``verify``: every final name exists at the target with the right size;

A delivery the user cancels while a file is going up has that file's partial upload removed from the
target (:meth:`~stardust_tui.delivery.base.Transport.discard_upload`); a worker that stops or dies
leaves it, and the next attempt resumes from it.

then ReleaseTargetStatus becomes ``delivered`` (or ``taken-down``) and the release status follows.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from stardust_tui.delivery.base import Transport, TransportError, TransportIntegrityError
from stardust_tui.delivery.package import PackageFile, PackagePlan, delivered_hashes
from stardust_tui.delivery.preflight import preflight, refusal, sender_for
from stardust_tui.delivery.profile_model import MessageParty, Profile
from stardust_tui.delivery.profiles import load_profile
from stardust_tui.domain.delivery_models import Delivery, ReleaseTargetStatus
from stardust_tui.domain.models import utcnow
from stardust_tui.store.db import session_scope
from stardust_tui.store.sqltypes import table
from stardust_tui.worker.protocols import DeliveryContext, DeliveryInterrupted, EventSink, StepRecorder

DISCARD_TIMEOUT_S = 30.0  # cleaning up after a user cancel must not hold the worker slot for long
LARGE_FILE = 250_000_000  # DDEX choreography advice: keep files at or below 250 MB where possible


def _sender(ctx: DeliveryContext, profile: Profile) -> MessageParty:
    return sender_for(profile, ctx.settings.sender_dpid, ctx.settings.sender_name)


def _resources_requested(session: Any, delivery: Delivery) -> bool:
    """True when the recipient's last ACK asked for the files again (ResendXmlAndResources)."""
    status = session.exec(select(ReleaseTargetStatus).where(
        ReleaseTargetStatus.release_id == delivery.release_id,
        ReleaseTargetStatus.target_id == delivery.target_id)).first()
    return status is not None and status.proposed_action == "ResendXmlAndResources"


def build_plan(ctx: DeliveryContext, delivery: Delivery, profile: Profile) -> tuple[PackagePlan, list[str]]:
    """Check the release against the profile and plan its package (sync: run it in a thread).

    Returns the plan and the warnings the delivery's log must carry: a lead-time warning, and that the
    message goes out without XSD validation (issue 13: no schemas, allowed by ``--skip-xsd`` or the profile)."""
    from stardust_tui.assets.store import AssetStore
    from stardust_tui.delivery.preflight import XSD_SKIPPED
    from stardust_tui.schemas.resolve import schema_folder
    from stardust_tui.store.releases import load_release

    store = AssetStore(ctx.settings, ctx.engine)  # the configured store: a folder or a bucket (issue 12)
    with session_scope(ctx.engine) as session:
        release = load_release(session, delivery.release_id)
        already: set[str] = set()
        if delivery.message_type == "update" and not _resources_requested(session, delivery):
            md5s = [t.audio.md5 for t in release.tracks if t.audio is not None]
            md5s += [release.cover.md5] if release.cover is not None else []
            already = delivered_hashes(session, delivery.target_id, delivery.release_id, md5s)
        # One readiness (delivery/preflight.py): the same checks as `stardust check --target`, the files'
        # signal QC, then the package built and its message validated by the ERN engine.
        checked = preflight(session, release, profile, delivery.message_type, sender=_sender(ctx, profile),
                            asset_path=store.path_for, schema_dir=schema_folder(ctx.settings),
                            today=utcnow().date(), skip_xsd=bool(getattr(delivery, "skip_xsd", False)),
                            plan_args=dict(batch_id=delivery.batch_id, message_id=delivery.message_id,
                                           already_delivered=already, priority=delivery.priority,
                                           unique=delivery.id))
    if checked.plan is None:
        raise refusal(checked.report, profile, str(release.id))
    notes = [f.message for f in checked.report.warnings if f.code in ("lead-time", XSD_SKIPPED)]
    return checked.plan, notes


async def _upload(transport: Transport, f: PackageFile, scratch: Path, events: EventSink) -> int:
    """Send one file; returns the byte offset it resumed from (what an earlier attempt left staged)."""
    def progress(done: int, total: int, _rate: float) -> None:
        events.progress(f.step, done, total)

    if f.data is None:
        result = await transport.upload(f.local_path, f.remote_path, md5=f.md5, size=f.size, progress=progress)
        return int(getattr(result, "resumed_from", 0) or 0)
    tmp = scratch / Path(f.remote_path).name
    await asyncio.to_thread(tmp.write_bytes, f.data)
    try:
        result = await transport.upload(tmp, f.remote_path, md5=f.md5, size=f.size, progress=progress)
    finally:
        tmp.unlink(missing_ok=True)
    return int(getattr(result, "resumed_from", 0) or 0)


async def _discard(transport: Transport, f: PackageFile, events: EventSink) -> None:
    """Remove what a cancelled upload left at the target (its temporary file, an open multipart upload)."""
    try:
        await asyncio.wait_for(transport.discard_upload(f.remote_path, f.md5), DISCARD_TIMEOUT_S)
    except (TransportError, OSError, TimeoutError) as exc:
        events.warning(f"cancelled: the partial upload of {f.remote_path} could not be removed: {exc}", step=f.step)
    else:
        events.info(f"cancelled: removed the partial upload of {f.remote_path}", step=f.step)


def _already(steps: StepRecorder, f: PackageFile) -> bool:
    state = steps.get(f.step)
    return state is not None and state.state in ("done", "skipped") and state.md5 == f.md5


async def execute_delivery(ctx: DeliveryContext, delivery: Delivery, steps: StepRecorder,
                           events: EventSink) -> None:
    """Deliver one release to one target (resumable; see the module docstring)."""
    from stardust_tui.delivery.targets import open_target_transport

    target = ctx.target
    profile = load_profile(target.profile, ctx.settings.paths.profiles_dir)
    t0 = time.monotonic()
    plan, notes = await asyncio.to_thread(build_plan, ctx, delivery, profile)
    if not steps.is_done("package"):
        for note in notes:
            events.warning(note, step="package")
        for f in plan.resources:
            if f.size > LARGE_FILE:
                events.warning(f"{f.remote_path} is {f.size / 1e6:.0f} MB; recipients prefer files of at most "
                               f"{LARGE_FILE // 1_000_000} MB", step="package")
        await steps.update_delivery(message_id=plan.message_id, batch_id=plan.batch_id, remote_path=plan.root,
                                    ern_version=profile.ern_version, bytes_total=plan.bytes_total)
        await steps.done("package", remote_path=plan.message.remote_path, size=plan.message.size,
                         md5=plan.message.md5)
        events.info(f"packaged ERN {profile.ern_version} {delivery.message_type} message {plan.message_id}: "
                    f"{len(plan.resources)} file(s) to send, {len(plan.skipped)} already at the target, "
                    f"{profile.choreography} layout in {plan.root}/", step="package",
                    duration_ms=(time.monotonic() - t0) * 1000)
    for f in plan.skipped:
        if not steps.is_done(f.step):
            await steps.done(f.step, remote_path=f.remote_path, size=f.size, md5=f.md5, skipped=True)
            events.info(f"skipped {f.remote_path}: the target already has this file (MD5 {f.md5})", step=f.step)

    ctx.settings.paths.packages_dir.mkdir(parents=True, exist_ok=True)
    async with open_target_transport(ctx.settings.paths, target) as transport:
        with tempfile.TemporaryDirectory(prefix=f"delivery-{delivery.id}-", dir=ctx.settings.paths.packages_dir) as tmp:
            for f in plan.files:
                if _already(steps, f):
                    continue
                if ctx.stopping():
                    raise DeliveryInterrupted("worker is stopping; the delivery goes back to the queue")
                started = time.monotonic()
                try:
                    resumed = await _upload(transport, f, Path(tmp), events)
                except asyncio.CancelledError:
                    if ctx.cancelled():  # the user cancelled: nothing will resume this upload
                        await _discard(transport, f, events)
                    raise
                await steps.done(f.step, remote_path=f.remote_path, size=f.size, md5=f.md5)
                note = f" (resumed at byte {resumed:,} of {f.size:,})" if resumed else ""
                events.info(f"uploaded {f.kind} {f.remote_path}{note}", step=f.step, bytes=f.size,
                            duration_ms=(time.monotonic() - started) * 1000)
        if not steps.is_done("verify"):
            for f in plan.files:
                remote = await transport.stat(f.remote_path)
                if remote != f.size:
                    raise TransportIntegrityError(f"remote size {remote} != {f.size}", where=f.remote_path)
            await steps.done("verify", remote_path=plan.root)
            events.info(f"verified {len(plan.files)} file(s) at the target", step="verify")
    await asyncio.to_thread(mark_delivered, ctx, delivery, plan)
    events.info(f"delivered {delivery.message_type} message {plan.message_id} to {target.name}",
                step="done", bytes=plan.bytes_total, duration_ms=(time.monotonic() - t0) * 1000)


def mark_delivered(ctx: DeliveryContext, delivery: Delivery, plan: PackagePlan) -> None:
    """Set ReleaseTargetStatus and the release's status after a complete delivery."""
    from stardust_tui.domain.models import Release
    from stardust_tui.store.releases import set_status
    from stardust_tui.worker.queue import dialect_insert

    taken_down = delivery.message_type in ("takedown", "purge")
    values = dict(status="taken-down" if taken_down else "delivered", delivery_id=delivery.id,
                  message_id=plan.message_id, detail=f"{delivery.message_type} message in {plan.root}/",
                  proposed_action=None, updated_at=utcnow())
    with session_scope(ctx.engine) as session:
        # One upsert: two deliveries of the release to this target finishing at once (a resend next to an
        # update) would both find no row and both insert one, and the second failed on the unique constraint.
        ins = dialect_insert(session)(table(ReleaseTargetStatus)).values(
            release_id=delivery.release_id, target_id=delivery.target_id, **values)
        session.execute(ins.on_conflict_do_update(index_elements=["release_id", "target_id"], set_=values))
        release = session.get(Release, delivery.release_id)
        if release is None:  # deleted while it was being delivered
            return
        if not taken_down and release.status in ("draft", "ready"):
            set_status(session, release, "delivered", actor=ctx.actor)
        elif taken_down and release.status != "taken-down":
            live = session.exec(select(ReleaseTargetStatus).where(
                ReleaseTargetStatus.release_id == delivery.release_id,
                col(ReleaseTargetStatus.status).in_(("delivered", "ack-ok", "ack-pending", "ack-error")))).first()
            if live is None:
                set_status(session, release, "taken-down", actor=ctx.actor)
