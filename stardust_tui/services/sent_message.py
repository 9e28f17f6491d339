"""The ERN message a delivery sent, rebuilt and proven identical, or fetched back from the target.

The executor builds a delivery's message from the release, its target's profile and the delivery's
batch id and message id (the same on every attempt), and records the message file's MD5 in the
``package`` step. :func:`rebuild_message` repeats that build — from the release as it is when its
content hash is still the one queued, else from the revision with that hash, restored inside a
transaction that is rolled back — and compares the MD5: ``verified`` means byte-identical to what was
sent. When the profile or sender changed since, it is not, and :func:`fetch_message` downloads the file
from the target instead. Both block (database, files, network): call them from a thread.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from stardust_tui.errors import NotFoundError, ValidationError

MAX_MESSAGE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class SentMessage:
    delivery_id: int
    remote_path: str | None
    data: bytes
    source: str  # "rebuilt" | "fetched"
    sent_md5: str | None  # recorded by the package step when it was sent

    @property
    def md5(self) -> str:
        return hashlib.md5(self.data, usedforsecurity=False).hexdigest()

    @property
    def verified(self) -> bool:
        return self.sent_md5 is not None and self.md5 == self.sent_md5

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")


def _package_step(session: Session, delivery: Any) -> Any:
    from stardust_tui.domain.delivery_models import DeliveryStep

    step = session.exec(select(DeliveryStep).where(DeliveryStep.delivery_id == delivery.id,
                                                   DeliveryStep.name == "package")).first()
    if step is None or not delivery.batch_id or not delivery.message_id:
        raise ValidationError(f"delivery {delivery.id} was never packaged: no message has been sent",
                              where=f"delivery {delivery.id}")
    return step


def rebuild_message(services: Any, delivery_id: int) -> SentMessage:
    """Build the delivery's message again (see the module docstring); nothing is written."""
    from stardust_tui.assets.store import AssetStore
    from stardust_tui.delivery.package import plan_package
    from stardust_tui.delivery.profile_model import MessageParty
    from stardust_tui.delivery.profiles import load_profile
    from stardust_tui.domain.delivery_models import Target
    from stardust_tui.domain.models import ReleaseRevision
    from stardust_tui.store.releases import content_hash, load_release
    from stardust_tui.store.revision_restore import restore_revision
    from stardust_tui.worker.queue import get_delivery

    settings = services.settings
    session = Session(services.engine, expire_on_commit=False)
    try:
        d = get_delivery(session, delivery_id)
        step = _package_step(session, d)
        target = session.get(Target, d.target_id)
        if target is None:
            raise NotFoundError(f"the target of delivery {delivery_id} was removed")
        release = load_release(session, d.release_id)
        if content_hash(release) != d.content_hash:
            rev = session.exec(select(ReleaseRevision).where(ReleaseRevision.release_id == d.release_id,
                                                             ReleaseRevision.content_hash == d.content_hash)
                               .order_by(col(ReleaseRevision.number).desc())).first()
            if rev is None:
                raise NotFoundError("the release content this delivery sent is not in the release's history",
                                    where=f"delivery {delivery_id}")
            restore_revision(session, release, rev.number, actor="preview")
            session.expire_all()
            release = load_release(session, d.release_id)
        profile = load_profile(target.profile, settings.paths.profiles_dir)
        sender = profile.sender or MessageParty(settings.sender_dpid, settings.sender_name)
        asset_path = AssetStore(settings, services.store_engine).path_for
        plan = plan_package(release, profile, d.message_type, sender=sender, asset_path=asset_path,
                            batch_id=d.batch_id, message_id=d.message_id, priority=d.priority, unique=d.id)
        return SentMessage(delivery_id, step.remote_path, plan.message.data or b"", "rebuilt", step.md5)
    finally:
        session.rollback()
        session.close()


def fetch_message(services: Any, delivery_id: int) -> SentMessage:
    """Download the delivery's message file from its target (it may have been moved or deleted there)."""
    import asyncio
    import tempfile
    from pathlib import Path

    from stardust_tui.delivery.targets import get_target, open_target_transport
    from stardust_tui.store.db import session_scope
    from stardust_tui.worker.queue import get_delivery

    with session_scope(services.engine) as session:
        d = get_delivery(session, delivery_id)
        step = _package_step(session, d)
        target = get_target(session, d.target_id)
    remote = step.remote_path
    if not remote:
        raise ValidationError("the package step recorded no remote path", where=f"delivery {delivery_id}")

    async def download(local: Path) -> None:
        async with open_target_transport(services.settings.paths, target) as transport:
            size = await transport.stat(remote)
            if size is None:
                raise NotFoundError(f"{remote} is no longer at {target.name}")
            if size > MAX_MESSAGE_BYTES:
                raise ValidationError(f"{size} bytes is too large to show", where=remote)
            await transport.download(remote, local)

    with tempfile.TemporaryDirectory(prefix="stardust-message-") as tmp:
        local = Path(tmp) / "message.xml"
        asyncio.run(download(local))
        return SentMessage(delivery_id, remote, local.read_bytes(), "fetched", step.md5)
