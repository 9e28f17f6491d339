"""The doctor's runner and report: checks run in parallel, each with its timeout; a check that hangs or raises is
one failed line and never holds the others; the report's state and exit status follow its worst check; and
the speed figures the doctor compares with are the ones the README states."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

from stardust_tui.doctor import figures
from stardust_tui.doctor.model import Check, exit_code, failed, passed, skipped, warned, worst
from stardust_tui.doctor.runner import Task, run_tasks

README = Path(__file__).resolve().parents[2] / "README.md"


def test_checks_run_in_parallel_and_a_hung_or_broken_one_is_one_failed_line() -> None:
    release = threading.Event()

    def slow(name: str) -> list[Check]:
        time.sleep(0.6)
        return [passed("system", name, "done")]

    def hangs() -> list[Check]:
        release.wait(30)  # a probe on a server that never answers
        return [passed("delivery", "probe stuck", "late")]

    def broken() -> list[Check]:
        raise OSError("disk on fire\nsecond line")

    seen: list[str] = []
    tasks = [Task("system", "a", lambda: slow("a")), Task("delivery", "probe stuck", hangs, timeout=1.0),
             Task("system", "b", lambda: slow("b")), Task("system", "broken", broken),
             Task("system", "c", lambda: slow("c"))]
    t0 = time.monotonic()
    checks = run_tasks(tasks, on_check=lambda c: seen.append(c.name))
    took = time.monotonic() - t0
    release.set()
    assert [c.name for c in checks] == ["a", "probe stuck", "b", "broken", "c"] == seen  # the order given
    assert took < 1.9, took  # three 0.6 s checks and a 1 s timeout side by side, not 2.8 s one after another
    stuck = checks[1]
    assert stuck.state == "fail" and stuck.what == "no answer within 1 s" and stuck.fix
    assert checks[3].state == "fail" and checks[3].what == "could not run: disk on fire"
    assert all(c.state == "pass" and c.seconds >= 0.5 for c in (checks[0], checks[2], checks[4]))


def test_max_parallel_bounds_the_running_checks() -> None:
    running, peak, lock = [0], [0], threading.Lock()

    def check() -> list[Check]:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return [passed("speed", "x", "ok")]

    run_tasks([Task("speed", f"x{i}", check) for i in range(5)], max_parallel=1)
    assert peak[0] == 1


def test_worst_state_and_exit_status() -> None:
    ok, skip = passed("system", "a", "fine"), skipped("ddex", "b", "nothing")
    warn, fail = warned("worker", "c", "slow", "fix it"), failed("system", "d", "broken", "fix it")
    assert worst([]) == "pass" and worst([ok, skip]) == "skip"
    assert worst([ok, warn, skip]) == "warn" and worst([warn, fail, ok]) == "fail"
    assert exit_code([ok, skip]) == 0 and exit_code([ok, warn]) == 0 and exit_code([warn], strict=True) == 1
    assert exit_code([fail]) == 1 and exit_code([fail], strict=True) == 1
    assert warn.line == "WARN  worker/c: slow — fix: fix it"
    assert passed("system", "a", "fine").line == "PASS  system/a: fine"  # no fix on a pass


def test_the_readme_states_the_figures_the_doctor_compares_with() -> None:
    text = README.read_text(encoding="utf-8")
    start = text.index("### Figures the doctor checks")
    section = text[start:text.index("\n#", start + 4)]
    ern = re.search(r"ERN 4\.3 .*?(\d+) tracks.*?: ([\d.]+) ms", section)
    search = re.search(r"search .*?p95 ([\d.]+) ms", section)
    assert ern and search, section
    assert int(ern.group(1)) == figures.ERN_REFERENCE_TRACKS
    assert float(ern.group(2)) == figures.ERN_BUILD_VALIDATE_MS
    assert float(search.group(1)) == figures.SEARCH_P95_MS
    assert f"{figures.SLOW:g}x" in section and f"{figures.TOO_SLOW:g}x" in section
