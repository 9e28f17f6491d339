"""Sending a release for the TUI's deliver dialog, and setting its status.

:meth:`DispatchService.options` says, for one release, which enabled targets there are, where the release
stands at each (never sent, delivered, acknowledged, taken down) and which message types the target's
profile (types it refuses, its takedown strategy) and that state allow, each with the reason when not.
:meth:`~DispatchService.check` runs the delivery's own pre-flight for one target and type (the one
readiness of ``services.readiness``: what the executor would refuse, the package built and validated)
plus duplicates and the state at the target, and :meth:`~DispatchService.queue` queues through
``services.deliveries.queue`` as ``stardust deliver`` does (idempotent unless ``resend``), now or no
earlier than a time :func:`parse_not_before` read (``deliver --at``). No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from stardust_tui.errors import ValidationError
from stardust_tui.services.history import release_head
from stardust_tui.services.releases import ReleaseHead
from stardust_tui.services.rows import stored_id
from stardust_tui.store.db import session_scope

if TYPE_CHECKING:
    from stardust_tui.services import Services

LIVE = ("delivered", "ack-ok", "ack-pending", "ack-error")  # the release is (or may be) on sale there
TAKEDOWN_WORDS = {"remove-deals": "removing its deals", "end-validity": "ending its deals' validity",
                  "purge": "a PurgeReleaseMessage"}
MESSAGE_TYPES = ("new", "update", "takedown", "purge")


def parse_not_before(text: str, now: datetime) -> datetime | None:
    """When a delivery may start, as typed: empty is now; ``2026-12-24 09:00`` or ``2026-12-24`` (midnight) is
    this machine's local time; an ISO time with ``Z`` or an offset is taken as is. A time more than a minute
    in the past is refused (ValidationError naming the field), since it would send at once by surprise."""
    text = " ".join(text.split())
    if not text:
        return None
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(f"not a date and time: {text!r} (e.g. 2026-12-24 09:00, or empty for now)",
                              where="not before") from None
    at = at if at.utcoffset() is not None else at.astimezone()
    if at < now - timedelta(minutes=1):
        raise ValidationError(f"{text} is in the past; leave it empty to deliver now", where="not before")
    return at


@dataclass(frozen=True)
class TypeChoice:
    """One message type for one target: allowed or not, and why (shown next to it)."""

    message_type: str
    allowed: bool
    note: str = ""


@dataclass(frozen=True)
class TargetChoice:
    id: int
    name: str
    profile: str
    at_target: str | None  # ReleaseTargetStatus.status, None when never sent there
    types: tuple[TypeChoice, ...]
    circuit: str = "closed"
    profile_error: str | None = None

    @property
    def default_type(self) -> str:
        wanted = "update" if self.at_target in LIVE else "new"
        allowed = [t.message_type for t in self.types if t.allowed]
        return wanted if wanted in allowed else (allowed[0] if allowed else wanted)

    def choice(self, message_type: str) -> TypeChoice:
        return next(t for t in self.types if t.message_type == message_type)


@dataclass(frozen=True)
class DeliverOptions:
    release: ReleaseHead
    targets: list[TargetChoice]


@dataclass
class Readiness:
    """The check for one release × target × type: ``errors`` block the delivery, ``warnings`` do not."""

    release: ReleaseHead
    target: str
    message_type: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    existing: tuple[int, str] | None = None  # an identical delivery already queued or sent: (id, state)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Queued:
    delivery_id: int
    fresh: bool  # False: the identical delivery existed (idempotency) and was not queued again
    state: str


def type_choices(profile: Any, at_target: str | None, target: str) -> tuple[TypeChoice, ...]:
    """What the profile (message types the DSP refuses, its takedown strategy) and the release's state at
    the target allow, each with the reason shown next to it."""
    live = at_target in LIVE
    strategy = getattr(profile, "takedown", "remove-deals")
    refuses = getattr(profile, "refuses", lambda _type: False)

    def choice(message_type: str, allowed: bool, note: str) -> TypeChoice:
        if refuses(message_type):
            how = f"; it takes releases down by {TAKEDOWN_WORDS.get(strategy, strategy)}" \
                if message_type == "purge" else ""
            return TypeChoice(message_type, False, f"{profile.name} refuses {message_type} messages{how}")
        return TypeChoice(message_type, allowed, note)

    return (
        choice("new", True, f"already delivered to {target}: an update is what it expects" if live else ""),
        choice("update", at_target is not None,
               "" if at_target is not None else f"never delivered to {target}: send it as new first"),
        choice("takedown", live, f"by {TAKEDOWN_WORDS.get(strategy, strategy)}" if live
               else f"not live at {target} ({at_target or 'never delivered'})"),
        choice("purge", at_target is not None, "removes it there for good" if at_target is not None
               else f"never delivered to {target}: nothing to purge"),
    )


class DispatchService:
    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def paths(self):
        return self.services.settings.paths

    def options(self, release_id: int) -> DeliverOptions:
        from sqlmodel import select

        from stardust_tui.delivery.targets import list_targets
        from stardust_tui.domain.delivery_models import ReleaseTargetStatus
        from stardust_tui.errors import StardustError

        self.services.authorize("delivery.read")
        with session_scope(self.services.engine) as session:
            head = release_head(session, release_id)
            states = {s.target_id: s.status for s in session.exec(
                select(ReleaseTargetStatus).where(ReleaseTargetStatus.release_id == release_id))}
            targets = [t for t in list_targets(session) if t.enabled]
        out = []
        for t in targets:
            target_id = stored_id(t)
            at = states.get(target_id)
            try:
                profile = self.services.profiles.get(t.profile)
            except StardustError as exc:
                none = tuple(TypeChoice(m, False, "profile cannot be read") for m in MESSAGE_TYPES)
                out.append(TargetChoice(target_id, t.name, t.profile, at, none, t.circuit_state, str(exc)))
                continue
            out.append(TargetChoice(target_id, t.name, t.profile, at, type_choices(profile, at, t.name),
                                    t.circuit_state))
        return DeliverOptions(head, out)

    def check(self, release_id: int, target_id: int, message_type: str) -> Readiness:
        """Everything that would stop (errors) or should give pause (warnings) before queueing: the delivery's
        own pre-flight (``services.readiness.target_preflight``: what the executor will refuse, the package
        built and validated), duplicates, what the release's state at the target allows, an identical
        delivery already made, the target's switch and circuit breaker."""
        from sqlmodel import select

        from stardust_tui.delivery.targets import get_target
        from stardust_tui.domain.delivery_models import Delivery, ReleaseTargetStatus
        from stardust_tui.services.readiness import target_preflight
        from stardust_tui.store.duplicates import find_duplicates
        from stardust_tui.store.releases import content_hash, load_release
        from stardust_tui.worker.queue import idempotency_key

        self.services.authorize("delivery.read")
        if message_type not in MESSAGE_TYPES:
            raise ValidationError(f"unknown message type {message_type!r} (one of {', '.join(MESSAGE_TYPES)})")
        with session_scope(self.services.engine) as session:
            head = release_head(session, release_id)
            target = get_target(session, target_id)
            profile = self.services.profiles.get(target.profile)
            release = load_release(session, release_id)
            report = target_preflight(self.services, session, release, profile, message_type).report
            if message_type in ("new", "update"):
                report.extend(find_duplicates(session, release))
            status = session.exec(select(ReleaseTargetStatus).where(
                ReleaseTargetStatus.release_id == release_id, ReleaseTargetStatus.target_id == target_id)).first()
            key = idempotency_key(content_hash(release), target_id, message_type)
            same = session.exec(select(Delivery).where(Delivery.idempotency_key == key)).first()
            existing = (stored_id(same), same.state) if same is not None else None
            name, circuit, enabled = target.name, target.circuit_state, target.enabled
        out = Readiness(head, name, message_type, existing=existing)
        chosen = next(c for c in type_choices(profile, status.status if status else None, name)
                      if c.message_type == message_type)
        if not enabled:
            out.errors.append(f"target {name} is disabled")
        if not chosen.allowed and not profile.refuses(message_type):  # the pre-flight says a refusal itself
            out.errors.append(f"{message_type}: {chosen.note}")
        out.errors += [_line(f) for f in report.errors]
        out.warnings += [_line(f) for f in report.warnings]
        if chosen.allowed and chosen.note and message_type == "new":
            out.warnings.append(chosen.note)
        if circuit != "closed":
            out.warnings.append(f"target {name}: circuit breaker {circuit} after repeated failures; the delivery "
                                "waits until it closes")
        return out

    def queue(self, release_id: int, target_id: int, message_type: str, *, priority: int = 0,
              at: datetime | None = None, resend: bool = False) -> Queued:
        """Check again (the release may have changed meanwhile), then queue through ``services.deliveries``
        (idempotent unless ``resend``); refuses while blocking errors remain."""
        readiness = self.check(release_id, target_id, message_type)
        if not readiness.ok:
            more = f" (+{len(readiness.errors) - 1} more)" if len(readiness.errors) > 1 else ""
            raise ValidationError(f"not ready: {readiness.errors[0]}{more}", where=f"release {release_id}")
        done = self.services.deliveries.queue([release_id], target_id, message_type=message_type, at=at,
                                              priority=priority, resend=resend)[0]
        return Queued(done.delivery_id, done.fresh, done.state)

    def set_status(self, release_id: int, status: str) -> int:
        """Set the release's status (``ready`` refused while blocking errors remain); returns the revision."""
        return self.services.releases.set_status(release_id, status).revision

    def status_check(self, release_id: int) -> tuple[ReleaseHead, list[str], list[str]]:
        """(release, blocking errors, warnings): the readiness ``set_status(…, "ready")`` is judged by."""
        head = self.services.releases.head(release_id)
        report = self.services.releases.check(release_id).report
        return (head, [f"{f.field}: {f.message}" for f in report.errors],
                [f"{f.field}: {f.message}" for f in report.warnings])


def _line(finding: Any) -> str:
    """A finding as the deliver dialog shows it, with a rule's fix-it suggestion (issue 16)."""
    return f"{finding.field}: {finding.message}" + (f" — fix: {finding.fix}" if finding.fix else "")
