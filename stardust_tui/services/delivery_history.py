"""A release's deliveries and ACK status per target, and everything recorded about one delivery.

:meth:`DeliveryHistoryService.for_release` gives one row per target (never sent, delivered, ack-ok,
ack-error with the DSP's text and proposed action, taken down) and the release's deliveries, newest
first. :meth:`~DeliveryHistoryService.detail` gives one delivery's fields, recorded steps (files, sizes,
MD5s), every stored event and the ACK files that answered its message; ``services.targets.poll_acks``
reads a target's ACK folder now. The message itself: :mod:`stardust_tui.services.sent_message`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from stardust_tui.services.history import release_head
from stardust_tui.services.releases import ReleaseHead
from stardust_tui.services.rows import stored_id
from stardust_tui.store.db import session_scope

if TYPE_CHECKING:
    from stardust_tui.services import Services

DETAIL_FIELDS = ("state", "message_type", "target", "priority", "attempts", "max_attempts", "created_at",
                 "scheduled_at", "next_attempt_at", "started_at", "finished_at", "ern_version", "message_id",
                 "batch_id", "remote_path", "bytes_done", "bytes_total", "lease_owner", "lease_expires_at",
                 "content_hash", "last_error")


@dataclass(frozen=True)
class AckRow:
    received_at: datetime
    file_name: str
    file_status: str | None
    error_text: str | None
    proposed_action: str | None
    message_id: str | None


@dataclass(frozen=True)
class AtTarget:
    """The release at one target: ``status`` is None when it was never sent there."""

    target_id: int
    target: str
    profile: str
    enabled: bool
    status: str | None
    detail: str | None  # the DSP's text (from the latest ACK) or what was delivered
    proposed_action: str | None
    delivery_id: int | None
    message_id: str | None
    updated_at: datetime | None
    last_ack: AckRow | None
    ack_folder: str | None = None  # where the target's profile says ACKs arrive (None: it sends none)

    @property
    def resend_hint(self) -> str | None:
        """What the DSP's last ACK asks for, as an action the user can take."""
        if self.proposed_action == "ResendXmlOnly":
            return "the DSP asks for the XML again: send an update"
        if self.proposed_action == "ResendXmlAndResources":
            return "the DSP asks for the XML and all files again: send an update"
        return None


@dataclass(frozen=True)
class DeliverySummary:
    id: int
    target: str
    message_type: str
    state: str
    attempts: int
    max_attempts: int
    created_at: datetime
    finished_at: datetime | None
    message_id: str | None
    last_error: str | None


@dataclass(frozen=True)
class ReleaseDeliveries:
    release: ReleaseHead
    targets: list[AtTarget]
    deliveries: list[DeliverySummary]


@dataclass(frozen=True)
class StepRow:
    seq: int
    name: str
    state: str
    remote_path: str | None
    size: int | None
    md5: str | None
    attempt: int
    completed_at: datetime | None


@dataclass(frozen=True)
class EventRow:
    at: datetime
    level: str
    step: str | None
    message: str
    bytes: int | None
    duration_ms: float | None


@dataclass(frozen=True)
class DeliveryDetail:
    id: int
    release: ReleaseHead
    fields: dict[str, Any]  # DETAIL_FIELDS that have a value, in that order
    steps: list[StepRow]
    events: list[EventRow]
    acks: list[AckRow]


def _ack(a: Any) -> AckRow:
    return AckRow(a.received_at, a.file_name, a.file_status, a.error_text, a.proposed_action, a.message_id)


class DeliveryHistoryService:
    EVENT_LIMIT = 5000

    def __init__(self, services: Services) -> None:
        self.services = services

    def for_release(self, release_id: int, *, limit: int = 500) -> ReleaseDeliveries:
        from sqlmodel import col, select

        from stardust_tui.delivery.targets import list_targets
        from stardust_tui.domain.delivery_models import Acknowledgement, Delivery, ReleaseTargetStatus

        self.services.authorize("delivery.read")
        with session_scope(self.services.engine) as session:
            head = release_head(session, release_id)
            targets = list_targets(session)
            names = {t.id: t.name for t in targets}
            status = {s.target_id: s for s in session.exec(
                select(ReleaseTargetStatus).where(ReleaseTargetStatus.release_id == release_id))}
            acks: dict[int, Any] = {}
            for a in session.exec(select(Acknowledgement).where(Acknowledgement.release_id == release_id)
                                  .order_by(col(Acknowledgement.id))):
                acks[a.target_id] = a  # the newest per target wins
            rows = session.exec(select(Delivery).where(Delivery.release_id == release_id)
                                .order_by(col(Delivery.id).desc()).limit(limit)).all()
        at = []
        for t in targets:
            target_id = stored_id(t)
            s, ack = status.get(target_id), acks.get(target_id)
            at.append(AtTarget(target_id, t.name, t.profile, t.enabled, s.status if s else None,
                               s.detail if s else None, s.proposed_action if s else None,
                               s.delivery_id if s else None, s.message_id if s else None,
                               s.updated_at if s else None, _ack(ack) if ack else None, self._ack_folder(t.profile)))
        at.sort(key=lambda r: (r.status is None, r.target.lower()))
        deliveries = [DeliverySummary(stored_id(d), names.get(d.target_id, "?"), d.message_type, d.state,
                                      d.attempts, d.max_attempts, d.created_at, d.finished_at, d.message_id,
                                      d.last_error) for d in rows]
        return ReleaseDeliveries(head, at, deliveries)

    def _ack_folder(self, profile: str) -> str | None:
        from stardust_tui.delivery.profiles import load_profile
        from stardust_tui.errors import StardustError

        try:
            return load_profile(profile, self.services.settings.paths.profiles_dir).ack_folder
        except StardustError:
            return None

    def detail(self, delivery_id: int) -> DeliveryDetail:
        from sqlmodel import col, select

        from stardust_tui.domain.delivery_models import Acknowledgement, DeliveryStep, Target
        from stardust_tui.worker.events import read_events
        from stardust_tui.worker.queue import get_delivery

        self.services.authorize("delivery.read")
        with session_scope(self.services.engine) as session:
            d = get_delivery(session, delivery_id)
            head = release_head(session, d.release_id)
            target = session.get(Target, d.target_id)
            steps = session.exec(select(DeliveryStep).where(DeliveryStep.delivery_id == delivery_id)
                                 .order_by(col(DeliveryStep.seq), col(DeliveryStep.id))).all()
            events = read_events(session, delivery_id, limit=self.EVENT_LIMIT)
            acks = session.exec(select(Acknowledgement).where(
                Acknowledgement.target_id == d.target_id, Acknowledgement.message_id == d.message_id)
                .order_by(col(Acknowledgement.id))).all() if d.message_id else []
            data = d.model_dump()
        data["target"] = target.name if target else f"#{d.target_id} (removed)"
        fields = {k: data[k] for k in DETAIL_FIELDS if data.get(k) not in (None, "")}
        if data.get("skip_xsd"):  # issue 13: queued with deliver --skip-xsd (its live message may go unvalidated)
            fields["skip_xsd"] = True
        return DeliveryDetail(
            delivery_id, head, fields,
            [StepRow(s.seq, s.name, s.state, s.remote_path, s.size, s.md5, s.attempt, s.completed_at) for s in steps],
            [EventRow(e.at, e.level, e.step, e.message, e.bytes, e.duration_ms) for e in events],
            [_ack(a) for a in acks])

    def message(self, delivery_id: int) -> Any:
        """The message the delivery sent, rebuilt and checked against its recorded MD5 (``SentMessage``)."""
        from stardust_tui.services.sent_message import rebuild_message

        self.services.authorize("delivery.read")
        return rebuild_message(self.services, delivery_id)

    def fetch_message(self, delivery_id: int) -> Any:
        """The message file downloaded back from the target (blocking network: call from a thread)."""
        from stardust_tui.services.sent_message import fetch_message

        self.services.authorize("target.test")
        return fetch_message(self.services, delivery_id)
