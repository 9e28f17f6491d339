"""NotificationService (issue 10): channels, the outbox, the TUI's notifications, the weekly report.

Called by ``stardust notify …``/``stardust report weekly``, the TUI's notifications panel and (later) the
HTTP API. Channel changes are audited (never with their secret); a webhook's signing secret is returned
once by :meth:`NotificationService.add` and never again. Reading events for the panel respects a
label-limited user's labels. :meth:`NotificationService.failing` is what ``stardust doctor`` reports.
"""

from __future__ import annotations

import asyncio
import builtins
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select

from stardust_tui.services.rows import stored_id
from stardust_tui.store.db import session_scope
from stardust_tui.store.sqltypes import col, table

if TYPE_CHECKING:
    from stardust_tui.domain.notify_models import NotifyChannel
    from stardust_tui.services import Services

DEFAULT_FAILING_AFTER = 3


@dataclass(frozen=True)
class ChannelRow:
    id: int
    name: str
    kind: str
    digest: str
    enabled: bool
    summary: str  # where it sends (no secret)
    has_secret: bool
    failing: bool
    consecutive_failures: int
    last_error: str | None
    last_success_at: datetime | None
    last_failure_at: datetime | None
    pending: int
    failed: int

    @property
    def state(self) -> str:
        if not self.enabled:
            return "disabled"
        return "failing" if self.failing else ("attention" if self.failed else "ok")


@dataclass(frozen=True)
class AddedChannel:
    channel: ChannelRow
    secret: str | None
    """A generated webhook signing secret, shown to the user once (None when none was generated)."""


@dataclass(frozen=True)
class OutboxRow:
    send_id: int | None  # None: the event is not routed yet
    event_id: str
    type: str
    summary: str
    occurred_at: datetime
    channel: str | None
    status: str  # new | pending | sending | sent | failed
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    delivery_id: str | None


@dataclass(frozen=True)
class EventRow:
    id: int
    event_id: str
    type: str
    severity: str
    occurred_at: datetime
    summary: str
    target: str | None
    release_id: int | None
    unread: bool
    payload: str


def _summary(payload: str) -> str:
    import json

    try:
        return str(json.loads(payload).get("summary", ""))
    except ValueError:
        return ""


class NotificationService:
    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def _paths(self) -> Any:
        return self.services.settings.paths

    @property
    def failing_after(self) -> int:
        return int(self.services.settings.notify.get("failing_after", DEFAULT_FAILING_AFTER))

    # -- channels ----------------------------------------------------------------------------------------------
    def _row(self, session: Any, ch: NotifyChannel) -> ChannelRow:
        from stardust_tui.domain.notify_models import NotifySend
        from stardust_tui.notify.registry import channel_class

        S = table(NotifySend)
        counts = dict(session.execute(select(S.c.status, func.count()).where(S.c.channel_id == ch.id)
                                      .group_by(S.c.status)).all())
        try:
            summary = channel_class(ch.kind).describe(ch.settings)
        except Exception:  # noqa: BLE001 - a plugin kind that is not installed any more
            summary = f"{ch.kind} (this kind is not installed)"
        return ChannelRow(id=stored_id(ch), name=ch.name, kind=ch.kind, digest=ch.digest, enabled=ch.enabled,
                          summary=summary, has_secret=bool(ch.secret),
                          failing=ch.consecutive_failures >= self.failing_after,
                          consecutive_failures=ch.consecutive_failures, last_error=ch.last_error,
                          last_success_at=ch.last_success_at, last_failure_at=ch.last_failure_at,
                          pending=counts.get("pending", 0) + counts.get("sending", 0), failed=counts.get("failed", 0))

    def list(self) -> list[ChannelRow]:
        from stardust_tui.notify.channels import list_channels

        self.services.authorize("notify.read")
        with session_scope(self.services.store_engine) as session:
            return [self._row(session, ch) for ch in list_channels(session)]

    def get(self, name: str) -> ChannelRow:
        from stardust_tui.notify.channels import get_channel

        self.services.authorize("notify.read")
        with session_scope(self.services.store_engine) as session:
            return self._row(session, get_channel(session, name))

    def add(self, kind: str, name: str, settings: dict[str, Any], *, secret: str | None = None,
            digest: str = "immediate", replace: bool = False) -> AddedChannel:
        """Store a channel. A webhook without ``secret`` gets a new signing secret, returned here only."""
        from stardust_tui.domain.notify_models import NotifyChannel
        from stardust_tui.notify.channels import add_channel, check_name
        from stardust_tui.notify.signing import new_secret
        from stardust_tui.store.revisions import write_audit

        self.services.authorize("notify.admin")
        generated = None
        if kind == "webhook" and secret is None:
            with session_scope(self.services.store_engine) as session:
                existing = session.execute(select(col(NotifyChannel.secret)).where(
                    col(NotifyChannel.name) == check_name(name))).scalar()
            if not existing:  # a new webhook, or one without a secret: make one (kept when --replace'd)
                generated = secret = new_secret()
        with session_scope(self.services.store_engine) as session:
            ch = add_channel(session, self._paths, name=name, kind=kind, settings=settings, secret=secret,
                             digest=digest, replace=replace)
            write_audit(session, actor=self.services.actor.name, action="add-notify-channel", entity="notify_channel",
                        entity_id=ch.id, after={"name": ch.name, "kind": ch.kind, "digest": ch.digest,
                                                "settings": ch.settings},
                        note=f"notification channel {ch.name!r}" + ("; secret set" if secret else ""))
            return AddedChannel(self._row(session, ch), generated)

    def remove(self, name: str) -> ChannelRow:
        from stardust_tui.notify.channels import get_channel, remove_channel
        from stardust_tui.store.revisions import write_audit

        self.services.authorize("notify.admin")
        with session_scope(self.services.store_engine) as session:
            row = self._row(session, get_channel(session, name))
            ch = remove_channel(session, name)
            write_audit(session, actor=self.services.actor.name, action="remove-notify-channel",
                        entity="notify_channel", entity_id=ch.id, before={"name": ch.name, "kind": ch.kind},
                        note=f"notification channel {ch.name!r} removed ({row.pending} pending sends dropped)")
            return row

    def set_enabled(self, name: str, enabled: bool) -> ChannelRow:
        from stardust_tui.domain.models import utcnow
        from stardust_tui.notify.channels import get_channel
        from stardust_tui.store.revisions import write_audit

        self.services.authorize("notify.admin")
        with session_scope(self.services.store_engine) as session:
            ch = get_channel(session, name)
            ch.enabled, ch.updated_at = enabled, utcnow()
            session.add(ch)
            write_audit(session, actor=self.services.actor.name, action="enable-notify-channel" if enabled
                        else "disable-notify-channel", entity="notify_channel", entity_id=ch.id,
                        note=f"notification channel {ch.name!r} {'enabled' if enabled else 'disabled'}")
            return self._row(session, ch)

    def test(self, name: str, step: Callable[[str], None]) -> str:
        """Send a ``notify.test`` event to one channel now (not through the outbox), reporting each step.

        Blocking (call it from a thread in the TUI). Raises ``SendFailed`` with the reason."""
        from stardust_tui.domain.models import utcnow
        from stardust_tui.notify.channel import OutEvent, Outgoing
        from stardust_tui.notify.channels import build, get_channel
        from stardust_tui.notify.events import build_payload, new_delivery_id, new_event_id
        from stardust_tui.notify.render import Renderer, user_template_dir
        from stardust_tui.notify.schedule import Schedule

        self.services.authorize("notify.send")
        with session_scope(self.services.store_engine) as session:
            row = get_channel(session, name)
            step(f"channel {row.name}: {self._row(session, row).summary}")
            channel = build(row, self._paths)
        schedule = Schedule.from_settings(self.services.settings.notify)
        event_id = new_event_id()
        payload = build_payload(event_id=event_id, type="notify.test", occurred_at=utcnow(),
                                summary=f"test notification to {row.name} from {self.services.actor.name}",
                                release=None, target=None, data={"actor": self.services.actor.name})
        message = Outgoing(new_delivery_id(), (OutEvent(event_id, "notify.test", payload),),
                           renderer=Renderer(user_template_dir(self._paths), schedule.tz))
        step(f"test event {event_id}")
        return asyncio.run(channel.send(message, step))

    # -- the outbox --------------------------------------------------------------------------------------------
    def outbox(self, *, status: str | None = None, channel: str | None = None,
               limit: int = 50) -> builtins.list[OutboxRow]:
        """Sends (and events not routed yet, status ``new``), newest first."""
        from stardust_tui.domain.notify_models import NotifyChannel, NotifyEvent, NotifySend

        self.services.authorize("notify.read")
        E, S, C = table(NotifyEvent), table(NotifySend), table(NotifyChannel)
        out: list[OutboxRow] = []
        with session_scope(self.services.store_engine) as session:
            if status in (None, "new", "pending") and channel is None:
                for e in session.execute(select(E).where(E.c.routed_at.is_(None)).order_by(E.c.id.desc())
                                         .limit(limit)).all():
                    out.append(OutboxRow(None, e.event_id, e.type, _summary(e.payload), e.occurred_at, None, "new", 0,
                                         None, None, None))
            stmt = (select(S, E.c.event_id, E.c.type, E.c.payload, E.c.occurred_at, C.c.name)
                    .select_from(S.join(E, E.c.id == S.c.event_pk).join(C, C.c.id == S.c.channel_id)))
            if status == "pending":
                stmt = stmt.where(S.c.status.in_(("pending", "sending")))
            elif status and status != "new":
                stmt = stmt.where(S.c.status == status)
            if channel:
                stmt = stmt.where(C.c.name == channel)
            if status != "new":
                for r in session.execute(stmt.order_by(S.c.id.desc()).limit(limit)).all():
                    out.append(OutboxRow(r.id, r.event_id, r.type, _summary(r.payload), r.occurred_at, r.name,
                                         r.status, r.attempts, r.next_attempt_at, r.last_error, r.delivery_id))
        return out[:limit]

    def retry(self, *, send_id: int | None = None, channel: str | None = None) -> int:
        """Queue one send, or every failed/waiting send of a channel, again now; returns how many."""
        from stardust_tui.domain.models import utcnow
        from stardust_tui.domain.notify_models import NotifySend
        from stardust_tui.errors import ConflictError, NotFoundError
        from stardust_tui.notify import claims
        from stardust_tui.notify.channels import get_channel

        self.services.authorize("notify.send")
        engine = self.services.store_engine
        channel_id = None
        with session_scope(engine) as session:
            if channel is not None:
                channel_id = get_channel(session, channel).id
            if send_id is not None:
                row = session.get(NotifySend, send_id)
                if row is None:
                    raise NotFoundError(f"no notification send {send_id} (stardust notify outbox)")
                if row.status not in ("failed", "pending"):
                    raise ConflictError(f"notification send {send_id} is {row.status}; only failed or waiting "
                                        "ones can be retried")
        return claims.retry(engine, send_id=send_id, channel_id=channel_id, now=utcnow())

    # -- the TUI's panel ---------------------------------------------------------------------------------------
    def _event_scope(self, E: Any) -> Any:
        from sqlalchemy import true

        labels = self.services.access.labels()
        if labels is None:
            return true()
        return or_(E.c.label.is_(None) & E.c.release_id.is_(None), func.lower(E.c.label).in_(
            [x.lower() for x in labels]))

    def events(self, *, limit: int = 200, before_id: int | None = None) -> builtins.list[EventRow]:
        """Recent events (every type, whatever the channels), newest first, with the user's unread marks."""
        from stardust_tui.domain.delivery_models import Target
        from stardust_tui.domain.notify_models import NotifyEvent

        self.services.authorize("notify.read")
        E, T = table(NotifyEvent), table(Target)
        with session_scope(self.services.store_engine) as session:
            seen = self._seen(session)
            stmt = (select(E, T.c.name.label("target")).select_from(E.outerjoin(T, T.c.id == E.c.target_id))
                    .where(self._event_scope(E), E.c.type != "notify.test"))
            if before_id is not None:
                stmt = stmt.where(E.c.id < before_id)
            rows = session.execute(stmt.order_by(E.c.id.desc()).limit(limit)).all()
            return [EventRow(r.id, r.event_id, r.type, r.severity, r.occurred_at, _summary(r.payload), r.target,
                             r.release_id, r.id > seen, r.payload) for r in rows]

    def _seen(self, session: Any) -> int:
        from stardust_tui.domain.notify_models import NotifyReader

        reader = session.get(NotifyReader, self.services.actor.name)
        return reader.seen_event_pk if reader else 0

    def unread(self) -> tuple[int, int]:
        """(unread events, of which errors) for the header badge."""
        from stardust_tui.domain.notify_models import NotifyEvent

        self.services.authorize("notify.read")
        E = table(NotifyEvent)
        with session_scope(self.services.store_engine) as session:
            seen = self._seen(session)
            rows = dict(session.execute(select(E.c.severity, func.count()).where(
                E.c.id > seen, self._event_scope(E), E.c.type != "notify.test").group_by(E.c.severity)).all())
        return sum(rows.values()), rows.get("error", 0)

    def mark_read(self, up_to: int | None = None) -> None:
        """Everything up to event ``up_to`` (default: the newest) is read by this user."""
        from stardust_tui.domain.models import utcnow
        from stardust_tui.domain.notify_models import NotifyEvent, NotifyReader

        self.services.authorize("notify.read")
        with session_scope(self.services.store_engine) as session:
            newest = up_to if up_to is not None else session.execute(select(func.max(NotifyEvent.id))).scalar() or 0
            reader = session.get(NotifyReader, self.services.actor.name) or NotifyReader(actor=self.services.actor.name)
            reader.seen_event_pk = max(reader.seen_event_pk or 0, int(newest))
            reader.updated_at = utcnow()
            session.add(reader)

    # -- health and the weekly report --------------------------------------------------------------------------
    def failing(self) -> builtins.list[str]:
        """One line per channel that needs attention (for ``stardust doctor`` and the TUI); empty when all is well."""
        lines = []
        for ch in self.list():
            if not ch.enabled:
                continue
            if ch.failing:
                lines.append(f"notification channel {ch.name} is failing ({ch.consecutive_failures} failures in a "
                             f"row, {ch.pending} pending): {ch.last_error or 'no error text'}")
            elif ch.failed:
                lines.append(f"notification channel {ch.name} has {ch.failed} refused notification(s): "
                             f"stardust notify outbox --status failed, then stardust notify retry")
        return lines

    def weekly(self, *, until: datetime | None = None) -> dict[str, Any]:
        """The weekly summary of the seven days up to ``until`` (now), as the daemon sends it."""
        from sqlmodel import Session

        from stardust_tui.domain.models import utcnow
        from stardust_tui.notify.schedule import Schedule
        from stardust_tui.notify.weekly import summary_line, weekly_summary

        self.services.authorize("notify.read")
        schedule = Schedule.from_settings(self.services.settings.notify)
        with Session(self.services.engine) as session:  # label-scoped for a label-limited user
            report = weekly_summary(session, until=until or utcnow(), tz=schedule.tz)
        report["summary"] = summary_line(report)
        return report
