"""Subprocess entry of the multi-process and crash tests: one worker process with a chosen executor.

    python tests/integration/worker_entry.py --db URL [--schema S] --executor record|copy|real
        [--once] [--lease SECONDS] [--worker-id ID] [--concurrency N] [--record FILE] [--source DIR]

``record`` appends one line per executed step to ``--record`` (O_APPEND) so the parent can count
executions; ``copy`` delivers ``SOURCE/<release_id>/*`` to the target through the real local-folder
transport (resources, then the XML, then the manifest: the shape of a real delivery); ``real`` is the
project's executor. Settings (home, log file) come from the environment the parent test set.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from stardust_tui.config import load_settings  # noqa: E402
from stardust_tui.delivery.registry import open_transport  # noqa: E402
from stardust_tui.store.db import make_engine  # noqa: E402
from stardust_tui.worker.circuit import CircuitPolicy  # noqa: E402
from stardust_tui.worker.runner import Runner, RunnerConfig, default_executor  # noqa: E402


def _append(path: str, line: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)


def record_executor(record: str, worker_id: str):
    async def execute(ctx, delivery, steps, events) -> None:
        start = time.time()
        for name in ("package", "upload", "manifest"):
            if steps.is_done(name):
                continue
            _append(record, f"{delivery.id} {name} {worker_id}")
            await asyncio.sleep(0.01)
            events.info(f"{name} done", step=name)
            await steps.done(name)
        _append(record + ".spans", f"{delivery.target_id} {start} {time.time()}")

    return execute


def _slow_progress(events, name: str, done: int, total: int) -> None:
    events.progress(name, done, total)
    time.sleep(0.03)  # a slow link, so that kills land in the middle of a file


def copy_executor(source: str):
    """A small but real delivery: every file via LocalTransport (temp name, verify, rename)."""

    async def execute(ctx, delivery, steps, events) -> None:
        src = Path(source) / str(delivery.release_id)
        files = sorted(p for p in src.iterdir() if p.is_file())
        folder = f"R{delivery.release_id}"
        await steps.update_delivery(remote_path=folder)
        async with open_transport(ctx.target.url) as transport:
            lines = []
            for f in files:
                md5 = hashlib.md5(f.read_bytes(), usedforsecurity=False).hexdigest()
                lines.append(f"{f.name} {md5}")
                name = f"upload {folder}/resources/{f.name}"
                if steps.is_done(name):
                    continue
                res = await transport.upload(f, f"{folder}/resources/{f.name}", md5=md5,
                                             progress=lambda d, t, r, n=name: _slow_progress(events, n, d, t))
                await steps.done(name, remote_path=res.remote_path, size=res.size, md5=res.md5)
            xml = src.parent / f"{delivery.release_id}.xml"
            xml.write_text("<Message>\n" + "\n".join(lines) + "\n</Message>\n")
            for name, local, remote in ((f"upload {folder}/{folder}.xml", xml, f"{folder}/{folder}.xml"),
                                        ("manifest", xml, f"BatchComplete_{folder}.xml")):
                if name == "manifest":  # verify the tree before the manifest says it is complete
                    listed = {e.name: e.size for e in await transport.list(f"{folder}/resources")}
                    assert all(listed.get(f.name) == f.stat().st_size for f in files), listed
                    await asyncio.sleep(0.05)
                if not steps.is_done(name):
                    res = await transport.upload(local, remote)
                    await steps.done(name, remote_path=res.remote_path, size=res.size, md5=res.md5)

    return execute


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--schema")
    ap.add_argument("--executor", choices=("record", "copy", "real"), default="record")
    ap.add_argument("--once", action="store_true")
    ap.add_argument("--lease", type=float, default=30.0)
    ap.add_argument("--worker-id", default=f"w{os.getpid()}")
    ap.add_argument("--concurrency", type=int, default=2)
    ap.add_argument("--record")
    ap.add_argument("--source")
    args = ap.parse_args()
    kw = {"connect_args": {"options": f"-csearch_path={args.schema}"}} if args.schema else {}
    engine = make_engine(args.db, **kw)
    if args.executor == "record":
        executor = record_executor(args.record, args.worker_id)
    elif args.executor == "copy":
        executor = copy_executor(args.source)
    else:
        executor = default_executor()
    config = RunnerConfig(concurrency=args.concurrency, once=args.once, lease_s=args.lease, poll_s=0.05,
                          heartbeat_s=1.0, retry_base_s=0.0, ack_poll_s=0, grace_s=1.0,
                          circuit=CircuitPolicy(threshold=1000))
    runner = Runner(load_settings(), engine, executor=executor, worker_id=args.worker_id, config=config)

    async def run() -> None:
        runner.install_signal_handlers()
        await runner.run()

    asyncio.run(run())
    engine.dispose()


if __name__ == "__main__":
    main()
