"""Health of a running Stardust process: readiness checks and the numbers ``/metrics`` exports.

Behind the HTTP API's ``/ready`` and ``/metrics`` and ``stardust worker --http`` (issue 11). Each check
names itself and says what it found in one line: the database is reachable and at the schema head, the
DDEX schemas are present, a worker daemon's heartbeat is fresh, the asset store is writable. The metric
numbers are read from the store at scrape time (deliveries by state and target, queue depth, recent
durations, circuit states, ACK outcomes), so every process reports the same truth.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from stardust_tui.store.db import session_scope

if TYPE_CHECKING:
    from stardust_tui.services import Services

_ERN_FOLDERS = ("ern-382", "ern-42", "ern-43")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class MetricsSnapshot:
    """What ``/metrics`` reports about deliveries, targets and ACKs (read in one short transaction)."""

    deliveries: dict[tuple[str, str], int] = field(default_factory=dict)
    """(target, state) -> deliveries."""
    durations: dict[str, list[float]] = field(default_factory=dict)
    """target -> seconds of the deliveries that succeeded in the last 24 hours."""
    circuits: dict[str, str] = field(default_factory=dict)
    """target -> closed | half-open | open."""
    acks: dict[tuple[str, str], int] = field(default_factory=dict)
    """(target, outcome) -> releases whose latest ACK says so (ack-ok, ack-error, ack-pending)."""
    queue_depth: int = 0
    live_workers: int = 0


class HealthService:
    def __init__(self, services: Services) -> None:
        self.services = services

    def checks(self, *, own_heartbeat: str | None = None) -> list[Check]:
        """Every readiness check; ``own_heartbeat`` (a worker id) judges that worker instead of any daemon."""
        self.services.authorize("delivery.read")
        return [self._database(), self._schemas(), self._worker(own_heartbeat), self._assets()]

    def _database(self) -> Check:
        from stardust_tui.store.migrate import at_head, current_revision, head_revision

        try:
            if at_head(self.services.engine):
                return Check("database", True, f"reachable, schema at head {head_revision()}")
            return Check("database", False, f"schema at {current_revision(self.services.engine)}, "
                                            f"head is {head_revision()} (run `stardust db upgrade`)")
        except Exception as exc:  # noqa: BLE001 - any failure to reach the store is the check's answer
            return Check("database", False, str(exc).splitlines()[0][:300])

    def _schemas(self) -> Check:
        from stardust_tui.schemas.resolve import schema_folder

        try:
            base = schema_folder(self.services.settings)
        except Exception as exc:  # noqa: BLE001
            return Check("ddex_schemas", False, str(exc))
        if base is None:
            return Check("ddex_schemas", False, "no DDEX schemas: run `stardust schemas fetch`")
        missing = [f for f in _ERN_FOLDERS if not (base / f / "release-notification.xsd").is_file()]
        if missing:
            return Check("ddex_schemas", False, f"{base}: missing {', '.join(missing)}")
        return Check("ddex_schemas", True, f"{base}: {', '.join(_ERN_FOLDERS)}")

    def _worker(self, own: str | None) -> Check:
        from stardust_tui.worker.heartbeat import STALE_AFTER_S, live_workers

        try:
            with session_scope(self.services.engine) as s:
                workers = live_workers(s)
        except Exception as exc:  # noqa: BLE001
            return Check("worker", False, str(exc).splitlines()[0][:300])
        if own is not None:
            mine = [w for w in workers if w.worker_id == own]
            return Check("worker", bool(mine), f"{own}: heartbeat fresh" if mine else
                         f"{own}: no heartbeat in the last {STALE_AFTER_S:g} s")
        daemons = [w for w in workers if w.kind == "daemon"]
        if not daemons:
            return Check("worker", False, f"no `stardust worker` heartbeat in the last {STALE_AFTER_S:g} s")
        return Check("worker", True, f"{len(daemons)} daemon(s): {', '.join(w.worker_id for w in daemons[:3])}")

    def _assets(self) -> Check:
        """A folder store: a file can be created in it. A bucket store (``[assets] url = "s3://…"``): the
        bucket answers with the stored credentials (HEAD bucket; a probe writes no object)."""
        from stardust_tui.errors import StardustError

        url = self.services.settings.assets_url
        if url and str(url).startswith("s3://"):
            from stardust_tui.services.asset_store import AssetStoreService

            try:
                where = AssetStoreService(self.services).check()
            except (StardustError, OSError) as exc:
                return Check("asset_store", False, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            return Check("asset_store", True, f"{where}: bucket reachable")
        root = self.services.settings.paths.assets_dir
        try:
            root.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=root, prefix=".ready-")
            os.close(fd)
            os.unlink(name)
        except OSError as exc:
            return Check("asset_store", False, f"{root}: {exc.strerror or exc}")
        return Check("asset_store", True, f"{root}: writable")

    def snapshot(self) -> MetricsSnapshot:
        """Delivery, target and ACK numbers for ``/metrics``."""
        from sqlalchemy import func, select

        from stardust_tui.domain.delivery_models import Delivery, ReleaseTargetStatus, Target
        from stardust_tui.domain.models import utcnow
        from stardust_tui.store.sqltypes import col
        from stardust_tui.worker.heartbeat import live_workers

        self.services.authorize("delivery.read")
        since = utcnow() - timedelta(hours=24)
        with session_scope(self.services.engine) as s:
            names = dict(s.execute(select(col(Target.id), col(Target.name))).all())
            circuits = {name: state for name, state in s.execute(select(col(Target.name), col(Target.circuit_state)))}
            deliveries = {(names.get(t, str(t)), st): n for t, st, n in s.execute(
                select(col(Delivery.target_id), col(Delivery.state), func.count())
                .group_by(col(Delivery.target_id), col(Delivery.state)))}
            durations: dict[str, list[float]] = {}
            for t, started, finished in s.execute(
                    select(col(Delivery.target_id), col(Delivery.started_at), col(Delivery.finished_at))
                    .where(col(Delivery.state) == "succeeded", col(Delivery.finished_at) >= since).limit(20_000)):
                if started and finished:
                    durations.setdefault(names.get(t, str(t)), []).append(max(0.0, (finished - started)
                                                                               .total_seconds()))
            acks = {(names.get(t, str(t)), st): n for t, st, n in s.execute(
                select(col(ReleaseTargetStatus.target_id), col(ReleaseTargetStatus.status), func.count())
                .where(col(ReleaseTargetStatus.status).like("ack-%"))
                .group_by(col(ReleaseTargetStatus.target_id), col(ReleaseTargetStatus.status)))}
            queued = sum(n for (_, st), n in deliveries.items() if st in ("queued", "retry-wait"))
            workers = len(live_workers(s))
        return MetricsSnapshot(deliveries, durations, circuits, acks, queued, workers)
