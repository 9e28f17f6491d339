"""Run doctor checks in parallel, each with a timeout.

Every check function runs in its own daemon thread (a thread cannot be killed: a check that hangs past its
timeout is reported as failed and left to finish on its own, and a daemon thread never keeps the process
alive). Results come back in the order the checks were given; ``on_check`` sees each as soon as it is known.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from stardust_tui.doctor.model import Check, failed

CheckFn = Callable[[], list[Check]]


@dataclass(frozen=True)
class Task:
    """A check to run: its section and name (for the timeout line), the function, its timeout in seconds."""

    section: str
    name: str
    fn: CheckFn
    timeout: float = 30.0


def run_tasks(tasks: list[Task], *, on_check: Callable[[Check], None] | None = None,
              max_parallel: int = 8) -> list[Check]:
    """Every task's checks, in task order; a task that raises or times out gives one failed check."""
    slots = threading.Semaphore(max_parallel)
    results: list[list[Check] | None] = [None] * len(tasks)
    done = [threading.Event() for _ in tasks]
    started: list[float] = [0.0] * len(tasks)

    def work(i: int, task: Task) -> None:
        with slots:
            started[i] = time.monotonic()
            try:
                out = task.fn()
            except Exception as exc:  # noqa: BLE001 - a broken check is a failed check, never a crash
                out = [failed(task.section, task.name, f"could not run: {str(exc).splitlines()[0][:240]}")]
            elapsed = time.monotonic() - started[i]
            results[i] = [Check(c.section, c.name, c.state, c.what, c.fix, round(elapsed, 3)) for c in out]
            done[i].set()

    threads = [threading.Thread(target=work, args=(i, t), name=f"doctor-{t.section}-{t.name}", daemon=True)
               for i, t in enumerate(tasks)]
    for thread in threads:
        thread.start()
    out: list[Check] = []
    for i, task in enumerate(tasks):
        while not done[i].is_set():
            if started[i] and time.monotonic() - started[i] > task.timeout:
                results[i] = [failed(task.section, task.name, f"no answer within {task.timeout:g} s",
                                     "see what blocks it (network, a locked database) and run the doctor again")]
                break
            done[i].wait(0.05)
        for check in results[i] or []:
            out.append(check)
            if on_check is not None:
                on_check(check)
    return out
