"""Worker processes against one real store: exactly-once with 4 processes, and kill -9 at ≥ 20 points.

Workers are real subprocesses (``tests/integration/worker_entry.py``) sharing one SQLite file or one
PostgreSQL schema. The crash test delivers real files through the local-folder transport and kills
workers with SIGKILL at random moments, in the middle of a file, and between the XML and the
manifest; restarted workers take the expired leases over and resume from the recorded steps.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine

from stardust_tui.domain.delivery_models import Delivery, DeliveryEvent, DeliveryStep, Target
from stardust_tui.domain.models import Release
from stardust_tui.store.db import session_scope
from stardust_tui.worker import queue
from stardust_tui.worker.heartbeat import live_workers

ENTRY = Path(__file__).with_name("worker_entry.py")


def _db_args(engine: Engine) -> list[str]:
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            schema = conn.execute(text("select current_schema()")).scalar()
        return ["--db", url, "--schema", schema]
    return ["--db", url]


def _spawn(engine: Engine, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ENTRY), *_db_args(engine), *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=dict(os.environ))


def _seed(engine: Engine, n: int, url: str, *, max_concurrency: int = 8,
          target_name: str = "dsp") -> dict[int, int]:
    """n releases queued to a new target; returns delivery id → release id."""
    with session_scope(engine) as s:
        target = Target(name=target_name, url=url, max_concurrency=max_concurrency)
        releases = [Release(title=f"R{i}", display_artist="A") for i in range(n)]
        s.add_all([target, *releases])
        s.flush()
        return {queue.enqueue(s, release_id=r.id, target_id=target.id, content_hash=f"h{r.id}",
                              max_attempts=100).id: r.id for r in releases}


def _max_overlap(spans: list[tuple[float, float]]) -> int:
    edges = sorted([(s, 1) for s, _ in spans] + [(e, -1) for _, e in spans], key=lambda x: (x[0], x[1]))
    now = peak = 0
    for _, step in edges:
        now += step
        peak = max(peak, now)
    return peak


def test_four_worker_processes_run_every_job_exactly_once(engine: Engine, tmp_path: Path) -> None:
    record = tmp_path / "record.txt"
    # One job at a time per process: 4 slots against a target limit of 3, so an overlap of 2 or more can
    # only come from several processes (with 3 slots each, one fast process could take every job).
    procs = [_spawn(engine, "--executor", "record", "--record", str(record), "--concurrency", "1",
                    "--worker-id", f"w{i}") for i in range(4)]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # all four are up and polling before any job exists
            with session_scope(engine) as s:
                if len(live_workers(s)) == 4:
                    break
            assert all(p.poll() is None for p in procs)
            time.sleep(0.05)
        ids = _seed(engine, 40, f"file://{tmp_path}/out", max_concurrency=3)
        while time.monotonic() < deadline and not _all_done(engine):
            time.sleep(0.1)
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            _, err = p.communicate(timeout=30)
            assert p.returncode == 0, err.decode()[-2000:]
    runs = Counter(tuple(line.split()[:2]) for line in record.read_text().splitlines())
    assert set(runs) == {(str(d), step) for d in ids for step in ("package", "upload", "manifest")}
    assert set(runs.values()) == {1}, [k for k, v in runs.items() if v > 1]
    workers = {line.split()[2] for line in record.read_text().splitlines()}
    assert len(workers) >= 2  # the work was actually shared
    spans = [tuple(map(float, line.split()[1:])) for line in Path(f"{record}.spans").read_text().splitlines()]
    assert len(spans) == 40
    assert 2 <= _max_overlap(spans) <= 3  # 4 slots in 4 processes, but the target allows 3 at once
    with session_scope(engine) as s:
        rows = s.execute(select(Delivery.state, Delivery.attempts)).all()
    assert rows and all(r == ("succeeded", 1) for r in rows)


def _make_sources(root: Path, release_ids: list[int], rng: random.Random) -> None:
    for rid in release_ids:
        d = root / str(rid)
        d.mkdir(parents=True)
        for i in range(2):
            with open(d / f"track{i + 1}.wav", "wb") as fh:
                for _ in range(3):
                    fh.write(rng.randbytes(1024 * 1024))
        (d / "cover.jpg").write_bytes(rng.randbytes(200_000))


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()


class Crasher:
    """Keeps two workers running and SIGKILLs the one doing the interesting thing."""

    def __init__(self, engine: Engine, out: Path, args: list[str]) -> None:
        self.engine, self.out, self.args = engine, out, args
        self.procs: dict[str, subprocess.Popen] = {}
        self.n = 0

    def ensure(self, count: int = 2) -> None:
        for wid, p in list(self.procs.items()):
            if p.poll() is not None:
                del self.procs[wid]
        while len(self.procs) < count:
            self.n += 1
            wid = f"crash{self.n}"
            self.procs[wid] = _spawn(self.engine, *self.args, "--lease", "1", "--worker-id", wid,
                                     "--concurrency", "2")

    def _running(self) -> list[tuple[int, str, str | None]]:
        """(delivery id, owner, remote folder) of deliveries held by a live worker of ours."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(Delivery.id, Delivery.lease_owner, Delivery.remote_path)
                                .where(Delivery.state == "running")).all()
        return [(i, o, r) for i, o, r in rows if o in self.procs and self.procs[o].poll() is None]

    def between_xml_and_manifest(self) -> str | None:
        running = {i: o for i, o, _ in self._running()}
        if not running:
            return None
        with self.engine.connect() as conn:
            rows = conn.execute(select(DeliveryStep.delivery_id, DeliveryStep.name)
                                .where(DeliveryStep.delivery_id.in_(running))).all()
        names: dict[int, list[str]] = {}
        for did, name in rows:
            names.setdefault(did, []).append(name)
        for did, steps in names.items():
            xml = any(n.endswith(".xml") and "BatchComplete" not in n and n != "package" for n in steps)
            manifest = any("BatchComplete" in n or n == "manifest" for n in steps)
            if xml and not manifest:
                return running[did]
        return None

    def mid_file(self) -> str | None:
        for _, owner, folder in self._running():
            root = self.out / folder if folder else None
            if root is not None and any(p.stat().st_size > 0 for p in root.rglob(".*.part")):
                return owner
        return None

    def kill(self, wid: str) -> None:
        p = self.procs.pop(wid)
        p.send_signal(signal.SIGKILL)
        p.wait()

    def stop_all(self) -> None:
        for p in self.procs.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs.values():
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
        self.procs.clear()


def _all_done(engine: Engine) -> bool:
    """True when every delivery succeeded; a failed one ends the test at once."""
    with engine.connect() as conn:
        states = Counter(conn.execute(select(Delivery.state)).scalars())
        failed = conn.execute(select(Delivery.id, Delivery.last_error).where(Delivery.state == "failed")).first()
    assert failed is None, f"delivery {failed[0]} failed: {failed[1]}"
    return set(states) == {"succeeded"}


def _crash_loop(crasher: Crasher, engine: Engine, rng: random.Random, budget_s: float,
                refill: Callable[[], None], workers: int = 2, finish_s: float = 40.0) -> Counter[str]:
    """Kill workers at ≥ 20 points (random, mid-file, between XML and manifest), then let them finish.

    When every delivery is done before enough kills, ``refill`` queues more. ``budget_s`` and ``finish_s``
    are caps (the loop ends at the 20th kill): on a loaded machine every restart and delivery is slower."""
    kinds: Counter[str] = Counter()
    deadline = time.monotonic() + budget_s
    try:
        while (sum(kinds.values()) < 20 or not (kinds["mid-file"] and kinds["xml-manifest"])) \
                and time.monotonic() < deadline:
            if _all_done(engine):
                refill()
            crasher.ensure(workers)
            missing = [k for k in ("mid-file", "xml-manifest") if not kinds[k]]
            kind = missing[0] if missing and sum(kinds.values()) >= 8 else \
                rng.choice(["random", "mid-file", "xml-manifest"])
            victim, until = None, time.monotonic() + 2
            if kind == "random":
                time.sleep(rng.uniform(0.1, 0.6))
                victim = rng.choice(list(crasher.procs))
            else:
                probe = crasher.mid_file if kind == "mid-file" else crasher.between_xml_and_manifest
                while victim is None and time.monotonic() < until:
                    victim = probe()
                    time.sleep(0.001)
            if victim is not None and victim in crasher.procs:
                crasher.kill(victim)
                kinds[kind] += 1
        finish = time.monotonic() + finish_s
        while not _all_done(engine) and time.monotonic() < finish:
            crasher.ensure(2)  # restarted workers take the dead ones' leases over after 1 s
            time.sleep(0.2)
    finally:
        crasher.stop_all()
    return kinds


def _exactly_once(engine: Engine, ids: Iterable[int]) -> int:
    with session_scope(engine) as s:
        wins = Counter(e.delivery_id for e in s.execute(select(DeliveryEvent)).scalars()
                       if e.message.startswith("succeeded in"))
        attempts = sum(d.attempts for d in s.execute(select(Delivery)).scalars())
    assert wins == Counter({d: 1 for d in ids}), "every delivery succeeded exactly once"
    return attempts


def test_kill_minus_nine_with_the_local_copy_executor(engine: Engine, tmp_path: Path) -> None:
    """A throttled copy executor (a slow link) through the real local transport: many mid-file kills.

    Runs on SQLite and on PostgreSQL (a killed worker's connection dies with its transaction open)."""
    sqlite_engine = engine
    rng = random.Random(int(os.environ.get("STARDUST_CRASH_SEED", "4242")))
    out, source = tmp_path / "out", tmp_path / "src"
    out.mkdir()
    ids = _seed(sqlite_engine, 24, f"file://{out}")
    _make_sources(source, list(ids.values()), rng)

    def refill() -> None:
        more = _seed(sqlite_engine, 8, f"file://{out}", target_name=f"dsp{len(ids)}")
        _make_sources(source, list(more.values()), rng)
        ids.update(more)

    crasher = Crasher(sqlite_engine, out, ["--executor", "copy", "--source", str(source)])
    kinds = _crash_loop(crasher, sqlite_engine, rng, 90, refill, workers=3)
    assert sum(kinds.values()) >= 20, kinds
    assert kinds["mid-file"] >= 1 and kinds["xml-manifest"] >= 1, kinds
    assert _all_done(sqlite_engine)
    assert _exactly_once(sqlite_engine, ids) > len(ids)  # crashed attempts were taken over and counted
    expected = {f"BatchComplete_R{r}.xml" for r in ids.values()}
    for rid in ids.values():
        for f in (source / str(rid)).iterdir():
            remote = out / f"R{rid}" / "resources" / f.name
            assert _md5(remote) == _md5(f), remote
            expected.add(f"R{rid}/resources/{f.name}")
        xml = out / f"R{rid}" / f"R{rid}.xml"
        assert xml.read_text().count(".wav ") == 2
        assert (out / f"BatchComplete_R{rid}.xml").read_bytes() == xml.read_bytes()
        expected.add(f"R{rid}/R{rid}.xml")
    found = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    assert found == expected, f"unexpected leftovers: {sorted(found - expected)[:5]}"


@pytest.mark.parametrize("grace", ["0"])
def test_sigterm_hands_leases_back(sqlite_engine: Engine, tmp_path: Path, grace: str) -> None:
    out, source = tmp_path / "out", tmp_path / "src"
    out.mkdir()
    ids = _seed(sqlite_engine, 4, f"file://{out}")
    _make_sources(source, list(ids.values()), random.Random(1))
    p = _spawn(sqlite_engine, "--executor", "copy", "--source", str(source), "--lease", "30", "--worker-id", "t")
    for _ in range(500):
        with sqlite_engine.connect() as conn:
            if conn.execute(select(func.count()).select_from(DeliveryStep.__table__)).scalar():
                break
        time.sleep(0.01)
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=20)
    assert p.returncode == 0, err.decode()[-2000:]
    with sqlite_engine.connect() as conn:
        states = Counter(conn.execute(select(Delivery.state)).scalars())
        owners = conn.execute(select(Delivery.lease_owner).where(Delivery.state == "running")).all()
    assert not owners  # nothing left held by the stopped worker: finished or handed back
    assert set(states) <= {"queued", "succeeded"}
