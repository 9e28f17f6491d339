"""Delivery benchmark: transfer throughput on loopback, and the durable queue.

Run: ``.venv/bin/python tests/bench/bench_delivery.py [--size-mb 64] [--runs 3] [--queue-n 1000]
[--only transfer|queue]``. Prints ONE JSON object on the last line. Transfer part: SFTP (our paramiko
transport) next to OpenSSH's own ``sftp -b`` and ``scp`` against the same sshd and the same file in the
same run (goal: ≥ 80 % of OpenSSH sftp), and S3 multipart upload throughput (rclone serve s3 when
available, else moto). Queue part (in a child process, so its peak RSS is its own): 1,000 small
queued deliveries (an XML and a manifest each, through the local-folder transport) pushed by one
worker process: enqueue rate, deliveries/s, peak RSS (goals ≥ 50/s, ≤ 200 MB), and the same queue
drained by 2 worker processes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "integration"))
sys.path.insert(0, str(HERE.parents[1]))

from servers import S3_KEY, S3_SECRET, start_moto, start_rclone_s3, start_sshd  # noqa: E402

from stardust_tui.delivery.registry import open_transport  # noqa: E402
from stardust_tui.delivery.transfer import file_md5  # noqa: E402
from stardust_tui.secrets import Secret  # noqa: E402


def _payload(directory: Path, size_mb: int) -> Path:
    path = directory / "payload.bin"
    with open(path, "wb") as fh:
        for _ in range(size_mb):
            fh.write(os.urandom(1 << 20))
    return path


def _mb_s(size: int, seconds: list[float]) -> float:
    return round(size / statistics.median(seconds) / 1e6, 1)


def bench_sftp(work: Path, payload: Path, runs: int) -> dict[str, Any]:
    """Our SFTP transport vs OpenSSH sftp -b and scp, same server and file, interleaved runs."""
    sshd = start_sshd(work)
    root = work / "sftp-root"
    root.mkdir()
    size = payload.stat().st_size
    md5 = file_md5(payload)  # a delivery knows its files' MD5 already (asset store)
    ssh_opts = ["-i", str(sshd.key), "-o", f"UserKnownHostsFile={sshd.known_hosts}", "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=yes"]
    url = f"sftp://{sshd.user}@127.0.0.1:{sshd.port}{root}?key={sshd.key}&known_hosts={sshd.known_hosts}"
    ours, sftp_b, scp = [], [], []

    async def upload_ours(i: int) -> float:
        t0 = time.perf_counter()  # connect + auth + upload + verify + rename, like the sftp -b run
        async with open_transport(url) as t:
            await t.upload(payload, f"ours-{i}.bin", md5=md5, size=size)
        return time.perf_counter() - t0

    try:
        for i in range(runs):
            ours.append(asyncio.run(upload_ours(i)))
            batch = work / "batch.txt"
            batch.write_text(f"put {payload} {root}/sftp-{i}.bin\n")
            t0 = time.perf_counter()
            subprocess.run(["sftp", "-q", "-b", str(batch), "-P", str(sshd.port), *ssh_opts,
                            f"{sshd.user}@127.0.0.1"], check=True, stdout=subprocess.DEVNULL)
            sftp_b.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            subprocess.run(["scp", "-q", "-P", str(sshd.port), *ssh_opts, str(payload),
                            f"{sshd.user}@127.0.0.1:{root}/scp-{i}.bin"], check=True)
            scp.append(time.perf_counter() - t0)
    finally:
        sshd.stop()
    return {
        "sftp_stardust_mb_s": _mb_s(size, ours),
        "sftp_openssh_mb_s": _mb_s(size, sftp_b),
        "scp_openssh_mb_s": _mb_s(size, scp),
        "sftp_ratio_vs_openssh": round(statistics.median(sftp_b) / statistics.median(ours), 2),
    }


def bench_s3(work: Path, payload: Path, runs: int) -> dict[str, Any]:
    """S3 multipart upload (8 MiB parts, verify, copy to the final key) through our transport."""
    try:
        server, kind = start_rclone_s3(work / "s3"), "rclone"
    except Exception:
        server, kind = start_moto(), "moto"
    url = f"s3://{server.bucket}/bench?endpoint={server.endpoint}&region=us-east-1"
    keys = {"aws_access_key_id": Secret(S3_KEY), "aws_secret_access_key": Secret(S3_SECRET)}
    times = []

    md5 = file_md5(payload)

    async def once(i: int) -> float:
        async with open_transport(url, keys) as t:
            t0 = time.perf_counter()  # temp-key multipart upload + ETag verify + CopyObject + delete
            await t.upload(payload, f"obj-{i}.bin", md5=md5)
            return time.perf_counter() - t0

    raw = []
    try:
        client = server.client()
        from stardust_tui.delivery.s3 import S3Transport

        config = S3Transport(open_transport(url, keys).spec).transfer_config
        for i in range(runs):
            times.append(asyncio.run(once(i)))
            t0 = time.perf_counter()  # reference: the bare boto3 transfer, same part size, no verify/copy
            client.upload_file(str(payload), server.bucket, f"raw-{i}.bin", Config=config)
            raw.append(time.perf_counter() - t0)
    finally:
        server.stop()
    size = payload.stat().st_size
    return {"s3_server": kind, "s3_multipart_mb_s": _mb_s(size, times), "s3_boto3_upload_only_mb_s": _mb_s(size, raw)}


def transfer_results(size_mb: int = 64, runs: int = 3) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="stardust-bench-"))
    try:
        payload = _payload(work, size_mb)
        out: dict[str, Any] = {"file_mb": size_mb, "runs": runs}
        out.update(bench_sftp(work, payload, runs))
        out.update(bench_s3(work, payload, runs))
        return out
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=64)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--queue-n", type=int, default=1000)
    parser.add_argument("--only", choices=("transfer", "queue"))
    parser.add_argument("--queue-child", nargs=3, metavar=("HOME", "N", "PROCS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.queue_child:
        home, n, procs = args.queue_child
        print(json.dumps(queue_child(Path(home), int(n), int(procs))))
        return
    results: dict[str, Any] = {}
    if args.only in (None, "transfer"):
        results.update(transfer_results(args.size_mb, args.runs))
    if args.only in (None, "queue"):
        results.update(queue_results(args.queue_n))
    print(json.dumps(results))


def queue_results(n: int = 1000) -> dict[str, Any]:
    """The queue part, each run in a fresh child process and home (1 and 2 worker processes)."""
    out: dict[str, Any] = {"queue_deliveries": n}
    for procs in (1, 2):
        home = Path(tempfile.mkdtemp(prefix="stardust-bench-queue-"))
        try:
            child = subprocess.run([sys.executable, __file__, "--queue-child", str(home), str(n), str(procs)],
                                   check=True, capture_output=True, text=True)
            data = json.loads(child.stdout.strip().splitlines()[-1])
        finally:
            shutil.rmtree(home, ignore_errors=True)
        if procs == 1:
            out.update(data)
        else:
            out["queue_2proc_deliveries_per_s"] = data["queue_deliveries_per_s"]
            out["queue_2proc_exactly_once"] = data["queue_exactly_once"]
    return out


async def _small_delivery(ctx: Any, delivery: Any, steps: Any, events: Any) -> None:
    """A small real delivery for the queue benchmark: an XML and a manifest through the target's transport."""
    folder = f"{delivery.id:06d}"
    scratch = ctx.settings.paths.packages_dir
    async with open_transport(ctx.target.url) as transport:
        for name, remote, body in (("xml", f"{folder}/{folder}.xml", f"<Message id='{delivery.id}'/>\n" * 20),
                                   ("manifest", f"BatchComplete_{folder}.xml", f"<Batch n='{delivery.id}'/>\n")):
            if steps.is_done(name):
                continue
            local = scratch / f"{delivery.id}-{name}.xml"
            local.write_text(body)
            try:
                res = await transport.upload(local, remote)
            finally:
                local.unlink()
            await steps.done(name, remote_path=res.remote_path, size=res.size, md5=res.md5)
            events.info(f"uploaded {remote}", step=name, bytes=res.size)


def _queue_worker(home: str, procs: int) -> None:
    """One worker process of the queue benchmark (also used in-process when procs == 1)."""
    os.environ["STARDUST_HOME"] = home
    from stardust_tui.config import load_settings
    from stardust_tui.store.db import make_engine
    from stardust_tui.worker.runner import Runner, RunnerConfig

    settings = load_settings()
    engine = make_engine(settings.db_url)
    config = RunnerConfig(concurrency=8, once=True, poll_s=0.05, ack_poll_s=0, retry_base_s=0.0)
    asyncio.run(Runner(settings, engine, executor=_small_delivery, config=config).run())
    engine.dispose()


def queue_child(home: Path, n: int, procs: int) -> dict[str, Any]:
    """Queue ``n`` deliveries to a local folder, drain them with ``procs`` worker processes, measure."""
    import multiprocessing
    import resource

    from sqlalchemy import func, select

    os.environ["STARDUST_HOME"] = str(home)
    from stardust_tui.config import load_settings
    from stardust_tui.domain.delivery_models import Delivery, DeliveryStep, Target
    from stardust_tui.domain.models import Release
    from stardust_tui.store.db import make_engine, session_scope
    from stardust_tui.store.migrate import upgrade
    from stardust_tui.worker.queue import enqueue

    settings = load_settings()
    settings.paths.ensure()
    settings.paths.packages_dir.mkdir(parents=True, exist_ok=True)
    out_dir = home / "dsp"
    out_dir.mkdir()
    engine = make_engine(settings.db_url)
    upgrade(engine)
    with session_scope(engine) as s:
        target = Target(name="local", url=f"file://{out_dir}", max_concurrency=64)
        releases = [Release(title=f"Bench {i}", display_artist="Bench") for i in range(n)]
        s.add_all([target, *releases])
        s.flush()
        pairs = [(r.id, target.id) for r in releases]
    t0 = time.perf_counter()
    for rid, tid in pairs:
        with session_scope(engine) as s:
            enqueue(s, release_id=rid, target_id=tid, content_hash=f"{rid:064d}")
    enqueue_s = time.perf_counter() - t0
    engine.dispose()
    t0 = time.perf_counter()
    if procs == 1:
        _queue_worker(str(home), 1)
    else:
        ctx = multiprocessing.get_context("fork")
        workers = [ctx.Process(target=_queue_worker, args=(str(home), procs)) for _ in range(procs)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    run_s = time.perf_counter() - t0
    with session_scope(engine) as s:
        ok = s.execute(select(func.count()).select_from(Delivery).where(Delivery.state == "succeeded")).scalar()
        once = s.execute(select(func.max(Delivery.attempts))).scalar() == 1
        steps = s.execute(select(func.count()).select_from(DeliveryStep)).scalar()
    files = sum(1 for p in out_dir.rglob("*") if p.is_file())
    engine.dispose()
    return {
        "queue_enqueue_per_s": round(n / enqueue_s, 1),
        "queue_run_s": round(run_s, 2),
        "queue_deliveries_per_s": round(ok / run_s, 1),
        "queue_succeeded": ok,
        "queue_exactly_once": bool(once and steps == 2 * n and files == 2 * n),
        "queue_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "queue_goal_met": bool(ok / run_s >= 50 and resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 <= 200),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }


if __name__ == "__main__":
    main()
