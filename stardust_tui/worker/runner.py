"""The asyncio delivery runner: claims jobs, runs the delivery executor for each, renews leases.

Plain asyncio (no Textual): ``stardust worker`` runs it with ``asyncio.run``, the TUI as a Textual
worker. Database calls run in threads (``asyncio.to_thread``) so uploads never wait on the store.
Retry with backoff, the circuit breaker and cancellation live here, not in transports or screens.

A delivery's outcome ("succeeded in …", "attempt N failed …") and its event are written in one
transaction fenced by the claim; the outcome event never goes through the shared event buffer, which
a lease renewal (possibly still running in its thread after the job ended) may flush at any time.

Shutdown (:meth:`Runner.request_stop`): no new claims; running deliveries get ``grace_s`` seconds to
finish (executors may check ``ctx.stopping()`` between steps), then they are cancelled and their
leases released so another worker resumes them at once, without counting a failed attempt.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from stardust_tui.config import Settings
from stardust_tui.domain.delivery_models import Delivery, Target
from stardust_tui.domain.models import utcnow
from stardust_tui.errors import StardustError
from stardust_tui.notify import daemon as notify_daemon
from stardust_tui.store.db import write_tx
from stardust_tui.store.sqltypes import col
from stardust_tui.worker import heartbeat, housekeeping, queue
from stardust_tui.worker import retry as retry_mod
from stardust_tui.worker.circuit import CircuitPolicy
from stardust_tui.worker.events import DeliveryEvents, Event, JsonLineLog
from stardust_tui.worker.protocols import (
    DEFAULT_ACTOR,
    DeliveryContext,
    DeliveryInterrupted,
    Executor,
    LeaseLostError,
)
from stardust_tui.worker.retry import RetryPolicy
from stardust_tui.worker.steps import DbStepRecorder, flush_events


@dataclass
class RunnerConfig:
    concurrency: int = 4
    lease_s: float = 30.0
    poll_s: float = 1.0
    once: bool = False
    global_limit: int | None = None
    retry_base_s: float | None = None  # None: the target profile's backoff_seconds
    circuit: CircuitPolicy = field(default_factory=CircuitPolicy)
    heartbeat_s: float = 5.0
    grace_s: float = 10.0
    kind: str = "daemon"  # daemon | in-process
    ack_poll_s: float = 300.0  # 0 turns ACK polling off
    actor: str | None = None  # who status changes are recorded as (None: $STARDUST_ACTOR or "stardust-worker")


@dataclass
class RunStats:
    claimed: int = 0
    succeeded: int = 0
    failed: int = 0
    retried: int = 0
    released: int = 0
    lost: int = 0


def default_executor() -> Executor:
    """The delivery executor (package, resources, XML, manifest, verify), imported when first needed."""
    from stardust_tui.delivery.execute import execute_delivery

    return execute_delivery


class Runner:
    """Runs deliveries from the queue with up to ``config.concurrency`` at once in this process."""

    def __init__(self, settings: Settings, engine: Engine, *, executor: Executor | None = None,
                 worker_id: str | None = None, config: RunnerConfig | None = None,
                 listener: Callable[[Event], None] | None = None) -> None:
        self.settings = settings
        self.engine = engine
        self.config = config or RunnerConfig()
        self.executor = executor
        self.worker_id = worker_id or heartbeat.new_worker_id(self.config.kind)
        self.listener = listener
        self.stats = RunStats()
        self.log = JsonLineLog(settings.paths.delivery_log_file)
        self._stop = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._running: dict[asyncio.Task[None], int] = {}  # job -> its delivery id
        self._lost: set[int] = set()
        self._user_cancelled: set[int] = set()  # lost because the user cancelled them (not taken over)
        self._targets: dict[int, Target] = {}
        self._last_finish = 0.0  # monotonic time a job of ours last ended (``once`` looks again after it)

    # -- control ---------------------------------------------------------------------------------
    def request_stop(self, *, hard: bool = False) -> None:
        """Stop claiming; with ``hard`` cancel running deliveries now (their leases are released)."""
        self._stop.set()
        self._hard_stop = hard or getattr(self, "_hard_stop", False)  # notify (issue 10): no final flush
        if hard:
            for task in list(self._tasks):
                task.cancel()

    def install_signal_handlers(self) -> None:
        """SIGTERM/SIGINT: stop claiming and let running deliveries finish (a second one: hand back now).

        Call from inside the running event loop (main thread only).
        """
        loop = asyncio.get_running_loop()
        count = [0]

        def on_signal() -> None:
            count[0] += 1
            self.request_stop(hard=count[0] > 1)

        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, on_signal)

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    async def run(self) -> RunStats:
        executor = self.executor or default_executor()
        cfg = self.config
        await asyncio.to_thread(heartbeat.beat, self.engine, self.worker_id, kind=cfg.kind,
                                concurrency=cfg.concurrency)
        background = [asyncio.create_task(self._heartbeat_loop())]
        if not cfg.once:  # notify (issue 10): the notification sender runs wherever deliveries run
            background.append(asyncio.create_task(notify_daemon.run_for_worker(
                self.settings, self.engine, worker_id=self.worker_id, kind=cfg.kind, log=self.log,
                listener=self.listener)))
        if cfg.ack_poll_s > 0 and not cfg.once:
            background.append(asyncio.create_task(self._ack_loop()))
        hot_folders = None
        if cfg.kind == "daemon" and not cfg.once:
            if housekeeping.backups_enabled(self.settings):
                background.append(asyncio.create_task(
                    housekeeping.backup_loop(self.settings, log=self.log, listener=self.listener,
                                             engine=self.engine)))
            if housekeeping.retention_enabled(self.settings):  # issue 15
                background.append(asyncio.create_task(housekeeping.retention_loop(
                    self.settings, self.engine, actor=cfg.actor, log=self.log, listener=self.listener)))
            hot_folders = housekeeping.start_hot_folders(self.settings, self.engine, log=self.log,
                                                         listener=self.listener, actor=cfg.actor)
        try:
            while not self._stop.is_set():
                claimed = 0
                looked_at = time.monotonic()
                while len(self._tasks) < cfg.concurrency and not self._stop.is_set():
                    try:
                        c = await asyncio.to_thread(queue.claim, self.engine, self.worker_id, lease_s=cfg.lease_s,
                                                    global_limit=cfg.global_limit, cooldown_s=cfg.circuit.cooldown_s)
                    except StardustError as exc:  # a busy or unreachable store: try again after a pause
                        DeliveryEvents(delivery_id=None, target_id=None, log=self.log, worker_id=self.worker_id,
                                       listener=self.listener).warning(f"cannot claim deliveries: {exc}")
                        await asyncio.sleep(max(cfg.poll_s, 1.0))
                        break
                    if c is None:
                        break
                    if c.delivery_id in self._running.values():
                        # Ours already: the server lost our claim (a crash before it reached the disk, see
                        # worker/claim_pg.py) and we claimed the row back as it was, so both claims carry
                        # the same fence. The job already running holds it; never run a delivery twice.
                        continue
                    claimed += 1
                    self.stats.claimed += 1
                    task = asyncio.create_task(self._run_job(c, executor))
                    self._tasks.add(task)
                    self._running[task] = c.delivery_id
                    task.add_done_callback(self._job_ended)
                if cfg.once and not claimed and not self._tasks and looked_at > self._last_finish:
                    break
                await self._wait(cfg.poll_s if not claimed or len(self._tasks) >= cfg.concurrency else 0)
        finally:
            await self._drain()
            if not getattr(self, "_hard_stop", False):  # notify (issue 10): send what this run caused, bounded
                await notify_daemon.flush_for_worker(self.settings, self.engine, worker_id=self.worker_id,
                                                     log=self.log, listener=self.listener,
                                                     timeout_s=30.0 if cfg.once else 10.0)
            if hot_folders is not None:
                hot_folders[1].set()
            for task in background:
                task.cancel()
            await asyncio.gather(*background, return_exceptions=True)
            with contextlib.suppress(Exception):
                await asyncio.to_thread(heartbeat.stop, self.engine, self.worker_id)
        return self.stats

    def _job_ended(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._running.pop(task, None)
        self._last_finish = time.monotonic()

    async def _wait(self, timeout: float) -> None:
        stop = asyncio.create_task(self._stop.wait())
        try:
            await asyncio.wait({stop, *self._tasks}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()

    async def _drain(self) -> None:
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=self.config.grace_s)
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    # -- one delivery ----------------------------------------------------------------------------
    def _load(self, delivery_id: int) -> tuple[Delivery, Target]:
        with Session(self.engine, expire_on_commit=False) as session:
            delivery = session.get(Delivery, delivery_id)
            target = session.get(Target, delivery.target_id) if delivery else None
            if delivery is None or target is None:
                raise LeaseLostError(f"delivery {delivery_id} disappeared")
            session.expunge_all()
        return delivery, target

    async def _run_job(self, c: queue.Claim, executor: Executor) -> None:
        sink = DeliveryEvents(delivery_id=c.delivery_id, target_id=c.target_id, log=self.log,
                              worker_id=self.worker_id, listener=self.listener)
        self._lost.discard(c.delivery_id)
        self._user_cancelled.discard(c.delivery_id)
        try:
            delivery, target = await asyncio.to_thread(self._load, c.delivery_id)
            steps = await asyncio.to_thread(DbStepRecorder, self.engine, c, sink)
            self._targets[target.id] = target  # type: ignore[index]
        except LeaseLostError:
            return
        except StardustError as exc:  # the store is unusable: the lease expires and the job is retaken
            sink.error(f"cannot start: {exc}")
            return
        if c.attempt > delivery.max_attempts:  # taken over after its workers kept dying
            await self._finish_failed(c, delivery, sink, RuntimeError(
                f"gave up after {delivery.max_attempts} attempts (workers lost)"), permanent=True)
            return
        done = len(steps.completed())
        sink.info(f"attempt {c.attempt}/{delivery.max_attempts} started by {self.worker_id}"
                  + (f", resuming after {done} completed steps" if done else ""))
        try:  # durable and still ours before anything leaves this host (see DbStepRecorder.confirm)
            await asyncio.to_thread(steps.confirm)
        except LeaseLostError as exc:
            self.stats.lost += 1
            sink.warning(f"stopped: {exc}")
            return
        except StardustError as exc:  # the store is unusable: the lease expires and the job is retaken
            sink.error(f"cannot start: {exc}")
            return
        ctx = DeliveryContext(settings=self.settings, engine=self.engine, target=target,
                              worker_id=self.worker_id, stopping=lambda: self._stop.is_set(),
                              cancelled=lambda: c.delivery_id in self._user_cancelled,
                              actor=self.config.actor or os.environ.get("STARDUST_ACTOR", DEFAULT_ACTOR))
        me = asyncio.current_task()
        renewer = asyncio.create_task(self._renew_loop(c, sink, steps, me))
        t0 = time.monotonic()
        try:
            await executor(ctx, delivery, steps, sink)
        except LeaseLostError as exc:
            self.stats.lost += 1
            sink.warning(f"stopped: {exc}")
            return
        except DeliveryInterrupted:
            await self._release(c, sink)
            return
        except asyncio.CancelledError:
            if c.delivery_id in self._lost:
                self.stats.lost += 1
                sink.warning("stopped: the lease was taken over or the delivery was cancelled")
                return
            await asyncio.shield(self._release(c, sink))
            raise
        except Exception as exc:  # noqa: BLE001 - every executor failure is recorded on the delivery
            await self._finish_failed(c, delivery, sink, exc, permanent=retry_mod.is_permanent(exc))
            return
        finally:
            renewer.cancel()
        elapsed = time.monotonic() - t0
        # Not buffered (persist=False): a lease renewal still running in its thread after the cancel above
        # flushes the buffer, and would store "succeeded" before (or without) the success itself.
        done_event = sink.emit("info", f"succeeded in {elapsed:.1f}s", duration_ms=elapsed * 1000,
                               bytes=delivery.bytes_total or None, persist=False, deferred=True)
        try:
            await asyncio.to_thread(self._write_success, c, delivery, sink, done_event)
            self.stats.succeeded += 1
            sink.publish(done_event)
        except LeaseLostError:
            self.stats.lost += 1
        except StardustError as exc:  # the store is unusable: the lease expires and the job is retaken
            sink.error(f"could not record the success ({exc}); the delivery will be resumed")

    def _write_success(self, c: queue.Claim, delivery: Delivery, sink: DeliveryEvents, done_event: Event) -> None:
        """Record the success and its event in one transaction (fenced: nothing is stored if the lease is lost)."""
        with write_tx(self.engine) as conn:
            queue.succeed(conn, c, release_id=delivery.release_id, message_type=delivery.message_type)
            flush_events(conn, sink, also=(done_event,))

    async def _finish_failed(self, c: queue.Claim, delivery: Delivery, sink: DeliveryEvents,
                             exc: BaseException, *, permanent: bool) -> None:
        error = retry_mod.describe(exc)
        policy = await asyncio.to_thread(self._policy, delivery)

        def write() -> str:
            with write_tx(self.engine) as conn:
                state = queue.fail(conn, c, error=error, permanent=permanent, policy=policy,
                                   max_attempts=delivery.max_attempts,
                                   blame_target=retry_mod.counts_against_target(exc),
                                   circuit_policy=self.config.circuit)
                what = "failed permanently" if permanent else ("failed" if state == "failed" else "will retry")
                said.append(sink.emit("error", f"attempt {c.attempt} {what}: {error}", persist=False,
                                      deferred=True))
                flush_events(conn, sink, also=tuple(said))  # stored only with the outcome (see the success)
                return state

        said: list[Event] = []
        try:
            state = await asyncio.to_thread(write)
            for event in said:
                sink.publish(event)
        except LeaseLostError:
            self.stats.lost += 1
            return
        except StardustError as store_exc:
            sink.error(f"could not record the failure ({store_exc}): {error}")
            return
        if state == "failed":
            self.stats.failed += 1
        else:
            self.stats.retried += 1

    def _policy(self, delivery: Delivery) -> RetryPolicy:
        base = self.config.retry_base_s
        if base is None:
            base = RetryPolicy.base_s
            target = self._targets.get(delivery.target_id)
            if target is not None:
                try:
                    from stardust_tui.delivery.profiles import load_profile

                    base = load_profile(target.profile, self.settings.paths.profiles_dir).backoff_seconds
                except StardustError:
                    pass
        return RetryPolicy(max_attempts=delivery.max_attempts, base_s=base)

    async def _release(self, c: queue.Claim, sink: DeliveryEvents) -> None:
        sink.warning("worker stopping: delivery handed back to the queue")
        with contextlib.suppress(Exception):
            if await asyncio.to_thread(queue.release, self.engine, c):
                self.stats.released += 1

    async def _renew_loop(self, c: queue.Claim, sink: DeliveryEvents, steps: DbStepRecorder,
                          job: asyncio.Task[None] | None) -> None:
        every = max(0.2, self.config.lease_s / 3)
        while True:
            await asyncio.sleep(every)
            done_bytes = sum(s.size or 0 for s in steps.completed()) + sink.bytes_in_flight
            try:
                await asyncio.to_thread(self._renew, c, sink, done_bytes)
            except LeaseLostError:
                self._lost.add(c.delivery_id)
                with contextlib.suppress(Exception):
                    if await asyncio.to_thread(self._state, c.delivery_id) == "cancelled":
                        self._user_cancelled.add(c.delivery_id)  # the executor cleans up its partial upload
                if job is not None:
                    job.cancel()
                return
            except StardustError as exc:  # a busy database: try again at the next tick
                sink.warning(f"lease renewal delayed: {exc}")

    def _state(self, delivery_id: int) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(select(col(Delivery.state)).where(col(Delivery.id) == delivery_id)).scalar()

    def _renew(self, c: queue.Claim, sink: DeliveryEvents, done_bytes: int) -> None:
        with write_tx(self.engine) as conn:
            queue.touch(conn, c, lease_expires_at=utcnow() + timedelta(seconds=self.config.lease_s),
                        bytes_done=done_bytes)
            flush_events(conn, sink)

    # -- background ------------------------------------------------------------------------------
    async def _heartbeat_loop(self) -> None:
        while True:
            await asyncio.sleep(self.config.heartbeat_s)
            with contextlib.suppress(StardustError):
                await asyncio.to_thread(heartbeat.beat, self.engine, self.worker_id, kind=self.config.kind,
                                        concurrency=self.config.concurrency)

    async def _ack_loop(self) -> None:
        from stardust_tui.worker.acks import poll_all

        while True:
            await poll_all(self.settings, self.engine, log=self.log, listener=self.listener)
            await asyncio.sleep(self.config.ack_poll_s)

