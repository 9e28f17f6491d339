"""``stardust doctor``, the Health screen and (later) the API: every installation check, run in parallel.

:meth:`DoctorService.run` builds the task list (one task per check, one probe per enabled target), runs it with
:func:`stardust_tui.doctor.runner.run_tasks` (each task in its own thread, each with a timeout) and returns a
:class:`DoctorReport`. Blocking (network, disk, database): call it from a thread, never from an event loop.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from stardust_tui.doctor.model import SECTIONS, Check, exit_code, worst

if TYPE_CHECKING:
    from stardust_tui.doctor.runner import Task
    from stardust_tui.services import Services

PROBE_TIMEOUT_S = 60.0


@dataclass
class DoctorReport:
    """All checks, in section order, with the worst state and how long the run took."""

    checks: list[Check] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def worst(self) -> str:
        return worst(self.checks)

    def exit_code(self, *, strict: bool = False) -> int:
        return exit_code(self.checks, strict=strict)

    def counts(self) -> dict[str, int]:
        out = {"pass": 0, "warn": 0, "fail": 0, "skip": 0}
        for c in self.checks:
            out[c.state] += 1
        return out


class DoctorService:
    def __init__(self, services: Services) -> None:
        self.services = services

    def tasks(self, sections: Sequence[str] | None = None, *, probe: bool = True, timeout: float = 30.0) -> list[Task]:
        """The checks to run for ``sections`` (default all); ``probe=False`` leaves the targets alone."""
        from stardust_tui.doctor import ddex, delivery, speed, system, worker
        from stardust_tui.doctor.model import skipped
        from stardust_tui.doctor.runner import Task
        from stardust_tui.errors import PermissionDenied

        s = self.services
        wanted = set(sections or SECTIONS)
        tasks: list[Task] = []

        def add(section: str, name: str, fn: Callable[..., list[Check]], limit: float = timeout) -> None:
            if section in wanted:
                tasks.append(Task(section, name, partial(fn, s), limit))

        add("system", "database", system.database)
        add("system", "disk", system.disk)
        add("system", "secret-key", system.secret_key)
        add("system", "config", system.config)
        add("system", "clock", system.clock)
        add("ddex", "schemas", ddex.schemas)
        add("ddex", "ready-releases", ddex.ready_releases, max(timeout, 120.0))
        add("delivery", "circuits", delivery.circuits)
        if "delivery" in wanted:
            try:
                s.authorize("target.test")
                allowed = True
            except PermissionDenied as exc:
                allowed, why = False, str(exc)
            names = [t.name for t in s.targets.list() if t.enabled] if probe else []
            for name in names:
                if allowed:
                    tasks.append(Task("delivery", f"probe {name}", partial(delivery.probe, s, name),
                                      max(timeout, PROBE_TIMEOUT_S)))
                else:
                    tasks.append(Task("delivery", f"probe {name}",
                                      partial(lambda n, w: [skipped("delivery", f"probe {n}", w)], name, why)))
        add("worker", "worker", worker.worker)
        add("notifications", "channels", system.notifications)
        add("permissions", "files", system.permissions)
        add("speed", "ern", speed.ern, max(timeout, 60.0))
        add("speed", "search", speed.search, max(timeout, 60.0))
        return tasks

    def run(self, sections: Sequence[str] | None = None, *, probe: bool = True, timeout: float = 30.0,
            on_check: Callable[[Check], None] | None = None) -> DoctorReport:
        """Run every check (in parallel, each with its timeout) and return the report; blocking."""
        from stardust_tui.doctor.runner import run_tasks

        self.services.authorize("delivery.read")
        t0 = time.monotonic()
        tasks = self.tasks(sections, probe=probe, timeout=timeout)
        # the speed checks run last and alone: measured beside the others they would time the GIL, not Stardust
        checks = run_tasks([t for t in tasks if t.section != "speed"], on_check=on_check)
        checks += run_tasks([t for t in tasks if t.section == "speed"], on_check=on_check, max_parallel=1)
        return DoctorReport(checks, round(time.monotonic() - t0, 2))
