"""Two deliveries of one release to one target finishing at the same moment (an update next to a resend) both
record the release's status there: neither fails on the (release, target) unique constraint. A real SQLite
store with connections of their own and a real PostgreSQL store."""

from __future__ import annotations

import threading
from types import SimpleNamespace

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine

from stardust_tui.delivery.execute import mark_delivered
from stardust_tui.domain.delivery_models import Delivery, ReleaseTargetStatus, Target
from stardust_tui.domain.models import Release
from stardust_tui.store.db import session_scope
from stardust_tui.worker import queue


def test_two_deliveries_finishing_at_once_both_record_the_status(engine: Engine) -> None:
    with session_scope(engine) as s:
        release, target = Release(title="R", display_artist="A"), Target(name="t", url="file:///tmp/t")
        s.add_all([release, target])
        s.flush()
        deliveries = [queue.enqueue(s, release_id=release.id, target_id=target.id, content_hash="h",
                                    message_type=kind, resend=True) for kind in ("update", "update")]
        s.expunge_all()
    ctx = SimpleNamespace(engine=engine, actor="worker")
    errors: list[BaseException] = []
    for _ in range(8):
        with session_scope(engine) as s:
            s.execute(delete(ReleaseTargetStatus))
        start = threading.Barrier(2)

        def finish(d: Delivery, start: threading.Barrier) -> None:
            try:
                start.wait()
                mark_delivered(ctx, d, SimpleNamespace(message_id=f"M{d.id}", root=f"batch{d.id}"))  # type: ignore[arg-type]
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=finish, args=(d, start)) for d in deliveries]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    with session_scope(engine) as s:
        (row,) = s.execute(select(ReleaseTargetStatus)).scalars().all()
        assert row.status == "delivered" and row.delivery_id in {d.id for d in deliveries}
        assert row.message_id == f"M{row.delivery_id}" and row.detail == f"update message in batch{row.delivery_id}/"
