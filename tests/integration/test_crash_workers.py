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
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine

from stardust_tui.domain.delivery_models import Delivery, DeliveryEvent, DeliveryStep, Target
from stardust_tui.domain.models import Release
from stardust_tui.store.db import session_scope
from stardust_tui.worker import queue

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


def _seed(engine: Engine, n: int, url: str, *, max_concurrency: int = 8) -> dict[int, int]:
    """n releases queued to one target; returns delivery id → release id."""
    with session_scope(engine) as s:
        target = Target(name="dsp", url=url, max_concurrency=max_concurrency)
        releases = [Release(title=f"R{i}", display_artist="A") for i in range(n)]
        s.add_all([target, *releases])
        s.flush()
        return {queue.enqueue(s, release_id=r.id, target_id=target.id, content_hash=f"h{r.id}",
                              max_attempts=100).id: r.id for r in releases}


def test_four_worker_processes_run_every_job_exactly_once(engine: Engine, tmp_path: Path) -> None:
    ids = _seed(engine, 40, f"file://{tmp_path}/out")
    record = tmp_path / "record.txt"
    procs = [_spawn(engine, "--executor", "record", "--record", str(record), "--once", "--concurrency", "3",
                    "--worker-id", f"w{i}") for i in range(4)]
    for p in procs:
        _, err = p.communicate(timeout=60)
        assert p.returncode == 0, err.decode()[-2000:]
    runs = Counter(tuple(line.split()[:2]) for line in record.read_text().splitlines())
    assert set(runs) == {(str(d), step) for d in ids for step in ("package", "upload", "manifest")}
    assert set(runs.values()) == {1}, [k for k, v in runs.items() if v > 1]
    workers = {line.split()[2] for line in record.read_text().splitlines()}
    assert len(workers) >= 2  # the work was actually shared
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

    def __init__(self, engine: Engine, out: Path, source: Path) -> None:
        self.engine, self.out, self.source = engine, out, source
        self.procs: dict[str, subprocess.Popen] = {}
        self.n = 0

    def ensure(self, count: int = 2, *extra: str) -> None:
        for wid, p in list(self.procs.items()):
            if p.poll() is not None:
                del self.procs[wid]
        while len(self.procs) < count:
            self.n += 1
            wid = f"crash{self.n}"
            self.procs[wid] = _spawn(self.engine, "--executor", "copy", "--source", str(self.source), "--lease",
                                     "1", "--worker-id", wid, "--concurrency", "2", *extra)

    def running(self) -> dict[int, str]:
        """release id → owner, for deliveries held by a live worker of ours."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(Delivery.release_id, Delivery.lease_owner)
                                .where(Delivery.state == "running")).all()
        return {r: o for r, o in rows if o in self.procs and self.procs[o].poll() is None}

    def between_xml_and_manifest(self) -> str | None:
        with self.engine.connect() as conn:
            rows = conn.execute(select(Delivery.release_id, DeliveryStep.name).join(
                DeliveryStep, DeliveryStep.delivery_id == Delivery.id).where(Delivery.state == "running")).all()
        done: dict[int, set[str]] = {}
        for rid, name in rows:
            done.setdefault(rid, set()).add(name)
        running = self.running()
        for rid, names in done.items():
            if f"upload R{rid}/R{rid}.xml" in names and "manifest" not in names and rid in running:
                return running[rid]
        return None

    def mid_file(self) -> str | None:
        running = self.running()
        for part in self.out.glob("R*/resources/.*.part"):
            rid = int(part.parts[-3][1:])
            if rid in running and part.stat().st_size > 0:
                return running[rid]
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
    with engine.connect() as conn:
        left = conn.execute(select(func.count()).select_from(Delivery.__table__)
                            .where(Delivery.state != "succeeded")).scalar()
    return left == 0


def test_kill_minus_nine_at_twenty_points_every_delivery_completes_once(sqlite_engine: Engine,
                                                                        tmp_path: Path) -> None:
    rng = random.Random(int(os.environ.get("STARDUST_CRASH_SEED", "4242")))
    out, source = tmp_path / "out", tmp_path / "src"
    out.mkdir()
    ids = _seed(sqlite_engine, 36, f"file://{out}")
    _make_sources(source, list(ids.values()), rng)
    crasher = Crasher(sqlite_engine, out, source)
    kinds: Counter[str] = Counter()
    deadline = time.monotonic() + 40
    try:
        while (sum(kinds.values()) < 20 or not (kinds["mid-file"] and kinds["xml-manifest"])) \
                and time.monotonic() < deadline and not _all_done(sqlite_engine):
            crasher.ensure()
            kind = rng.choice(["random", "mid-file", "xml-manifest"])
            victim, until = None, time.monotonic() + 3
            if kind == "random":
                time.sleep(rng.uniform(0.1, 0.6))
                victim = rng.choice(list(crasher.procs))
            else:
                probe = crasher.mid_file if kind == "mid-file" else crasher.between_xml_and_manifest
                while victim is None and time.monotonic() < until:
                    victim = probe()
                    time.sleep(0.002)
            if victim is not None and victim in crasher.procs:
                crasher.kill(victim)
                kinds[kind] += 1
        crasher.ensure(2)  # restart and let them finish everything (leases of the dead expire in 1 s)
        finish = time.monotonic() + 30
        while not _all_done(sqlite_engine) and time.monotonic() < finish:
            crasher.ensure(2)
            time.sleep(0.2)
    finally:
        crasher.stop_all()
    assert sum(kinds.values()) >= 20, kinds
    assert kinds["mid-file"] >= 1 and kinds["xml-manifest"] >= 1, kinds
    assert _all_done(sqlite_engine)
    with session_scope(sqlite_engine) as s:
        wins = Counter(e.delivery_id for e in s.execute(select(DeliveryEvent)).scalars()
                       if e.message.startswith("succeeded in"))
        attempts = sum(d.attempts for d in s.execute(select(Delivery)).scalars())
    assert wins == Counter({d: 1 for d in ids}), "every delivery succeeded exactly once"
    assert attempts > len(ids)  # crashes were taken over (attempts counted)
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
