"""Delivery benchmark: transfer throughput on loopback (and, added by the worker, the queue).

Run: ``.venv/bin/python tests/bench/bench_delivery.py [--size-mb 64] [--runs 3]``. Prints ONE JSON
object on the last line. Transfer part: SFTP (our paramiko transport) next to OpenSSH's own
``sftp -b`` and ``scp`` against the same sshd and the same file in the same run (goal: ≥ 80 % of
OpenSSH sftp), and S3 multipart upload throughput (rclone serve s3 when available, else moto).
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

from stardust_tui.delivery.base import file_md5  # noqa: E402
from stardust_tui.delivery.registry import open_transport  # noqa: E402
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
    args = parser.parse_args(argv)
    results: dict[str, Any] = {}
    results.update(transfer_results(args.size_mb, args.runs))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
