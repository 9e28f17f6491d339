"""What the runner tells an executor through DeliveryContext: who acts (status changes are recorded as
``RunnerConfig.actor``, else $STARDUST_ACTOR, else "stardust-worker") and whether it was cancelled."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.engine import Engine

from stardust_tui.config import Settings
from stardust_tui.domain.delivery_models import Target
from stardust_tui.domain.models import Release
from stardust_tui.store.db import session_scope
from stardust_tui.worker import queue
from stardust_tui.worker.runner import Runner, RunnerConfig


@pytest.mark.parametrize(("configured", "env", "expected"), [
    ("worker@host-a", "someone", "worker@host-a"), (None, "ops-bot", "ops-bot"), (None, None, "stardust-worker")])
def test_actor_reaches_the_executor(settings: Settings, sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch,
                                    configured: str | None, env: str | None, expected: str) -> None:
    if env is None:
        monkeypatch.delenv("STARDUST_ACTOR", raising=False)
    else:
        monkeypatch.setenv("STARDUST_ACTOR", env)
    with session_scope(sqlite_engine) as s:
        target, release = Target(name="dsp", url="file:///tmp/dsp"), Release(title="R", display_artist="A")
        s.add_all([target, release])
        s.flush()
        queue.enqueue(s, release_id=release.id, target_id=target.id, content_hash="h", max_attempts=1)
    seen: list[tuple[str, bool]] = []

    async def execute(ctx, delivery, steps, events) -> None:  # noqa: ANN001
        seen.append((ctx.actor, ctx.cancelled()))

    config = RunnerConfig(once=True, poll_s=0.05, ack_poll_s=0, actor=configured)
    asyncio.run(Runner(settings, sqlite_engine, executor=execute, worker_id="w", config=config).run())
    assert seen == [(expected, False)]
