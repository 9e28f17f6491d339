"""The contract between the worker and a delivery executor.

The worker claims a :class:`~stardust_tui.domain.delivery_models.Delivery`, builds a
:class:`DeliveryContext` and calls the executor
(``stardust_tui.delivery.execute.execute_delivery``)::

    async def execute_delivery(ctx: DeliveryContext, delivery: Delivery,
                               steps: StepRecorder, events: EventSink) -> None

* Return normally when the delivery is complete: the worker marks it succeeded.
* Raise :class:`PermanentDeliveryError` (or ``TransportAuthError`` / a
  :class:`~stardust_tui.errors.ValidationError`) for errors that a retry cannot fix: the delivery fails
  at once. Any other exception is retried with backoff until the profile's attempt limit.
* Before doing a step, ask ``steps.is_done(name)``; after a step is complete (file renamed to its
  final name and verified), ``await steps.done(name, ...)``. A resumed delivery (after a crash or a
  retry) sees the steps already done and continues where it stopped. ``await steps.done`` raises
  :class:`LeaseLostError` if another worker took the job over: let it propagate.
* Report progress through ``events`` (never secrets). Its methods are synchronous, cheap and
  thread-safe, so transports may call them from ``asyncio.to_thread`` workers.
* Check ``ctx.stopping()`` between steps if you like: the worker is shutting down and would rather
  release the lease than start a long upload. Raise :class:`DeliveryInterrupted` to hand it back.
* When the executor's task is cancelled, ``ctx.cancelled()`` says why: True when the user cancelled
  the delivery (clean up what an unfinished upload left at the target: nothing will resume it); False
  when the worker is stopping or lost its lease (leave it: the next attempt resumes from it).

The ``delivery`` argument is a detached copy of the row; ``delivery.attempts`` counts this attempt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from stardust_tui.errors import StardustError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from stardust_tui.config import Settings
    from stardust_tui.domain.delivery_models import Delivery, Target


DEFAULT_ACTOR = "stardust-worker"


class PermanentDeliveryError(StardustError):
    """A delivery error a retry cannot fix (invalid message, refused credentials, missing file)."""


class LeaseLostError(StardustError):
    """This worker no longer owns the delivery (its lease expired and another worker took it)."""


class DeliveryInterrupted(StardustError):
    """The worker is shutting down; the delivery goes back to the queue without counting a failure."""


@dataclass(frozen=True)
class StepState:
    """A recorded step as the executor sees it."""

    name: str
    state: str  # pending | done | skipped
    remote_path: str | None = None
    size: int | None = None
    md5: str | None = None


@runtime_checkable
class StepRecorder(Protocol):
    """Durable record of completed steps of one delivery (DeliveryStep rows)."""

    def is_done(self, name: str) -> bool:
        """True when the step was completed (or skipped) by this or an earlier attempt."""

    def get(self, name: str) -> StepState | None:
        """The recorded step, if any."""

    def completed(self) -> list[StepState]:
        """Every completed step in the order it was done."""

    async def done(self, name: str, *, remote_path: str | None = None, size: int | None = None,
                   md5: str | None = None, skipped: bool = False) -> None:
        """Record that a step is complete (durably, before returning). Idempotent."""

    async def update_delivery(self, **fields: Any) -> None:
        """Store facts about the delivery: message_id, batch_id, remote_path, ern_version, bytes_total."""


@runtime_checkable
class EventSink(Protocol):
    """Structured delivery log (DeliveryEvent rows + JSON lines in ``settings.paths.delivery_log_file``)."""

    def info(self, message: str, *, step: str | None = None, bytes: int | None = None,
             duration_ms: float | None = None) -> None: ...

    def warning(self, message: str, *, step: str | None = None, bytes: int | None = None,
                duration_ms: float | None = None) -> None: ...

    def error(self, message: str, *, step: str | None = None, bytes: int | None = None,
              duration_ms: float | None = None) -> None: ...

    def progress(self, step: str, done: int, total: int | None = None) -> None:
        """Bytes done of a file upload; throttled, updates ``delivery.bytes_done``, not logged per call."""


@dataclass
class DeliveryContext:
    """What an executor may use besides the delivery row."""

    settings: Settings
    engine: Engine
    target: Target  # detached copy; decrypt credentials through delivery-choreography's helpers
    worker_id: str
    stopping: Callable[[], bool] = field(default=lambda: False)
    cancelled: Callable[[], bool] = field(default=lambda: False)  # the user cancelled this delivery
    actor: str = DEFAULT_ACTOR  # who status changes made by the delivery are recorded as


class Executor(Protocol):
    async def __call__(self, ctx: DeliveryContext, delivery: Delivery, steps: StepRecorder,
                       events: EventSink) -> None: ...
