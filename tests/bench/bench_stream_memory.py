"""Benchmark (issue 12): memory of a large file through the object-store asset store, as a user runs it.

Usage: .venv/bin/python tests/bench/bench_stream_memory.py [SIZE_MIB]   (default 2048)

A home whose ``[assets] url`` is a bucket of ``rclone serve s3`` (real S3 server on 127.0.0.1) gets the
demo catalog, then a SIZE_MIB real WAV (a 10 s noise-and-tone block repeated: not silence, so QC passes)
attached to track 1 with ``stardust asset add``; the release is delivered by ``stardust worker --once`` to
OpenSSH's SFTP server. Each command runs under ``/usr/bin/time -v``; the JSON printed gives each one's
peak RSS (maximum resident set size) and wall time, the same with the demo's small files only (the
baseline), and checks that the delivered file has the source's size and MD5 and that nothing of it was
kept in the home (no local copy). Peak RSS that does not grow with the file is the bounded-memory proof.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "integration"))
sys.path.insert(0, str(REPO))

from servers import S3_KEY, S3_SECRET, start_sshd  # noqa: E402
from two_hosts import start_rclone  # noqa: E402

from tests.conftest import XSD_DIR  # noqa: E402

STARDUST = str(REPO / ".venv" / "bin" / "stardust")
UPC = "086000000011"


def big_wav(path: Path, size: int) -> None:
    """A 44.1 kHz 16-bit stereo WAV of ``size`` bytes: a 10 s block of tone + noise, repeated."""
    rate, seconds = 44_100, 10
    t = np.arange(rate * seconds) / rate
    rng = np.random.default_rng(1)
    left = 0.2 * np.sin(2 * np.pi * 220 * t) + 0.02 * rng.standard_normal(t.size)
    right = 0.2 * np.sin(2 * np.pi * 330 * t) + 0.02 * rng.standard_normal(t.size)
    block = (np.stack([left, right], axis=1) * 32767).astype("<i2").tobytes()
    data = size - 44
    data -= data % 4
    with path.open("wb") as fh:
        fh.write(b"RIFF" + (36 + data).to_bytes(4, "little") + b"WAVEfmt " + (16).to_bytes(4, "little")
                 + (1).to_bytes(2, "little") + (2).to_bytes(2, "little") + rate.to_bytes(4, "little")
                 + (rate * 4).to_bytes(4, "little") + (4).to_bytes(2, "little") + (16).to_bytes(2, "little")
                 + b"data" + data.to_bytes(4, "little"))
        left_to_write = data
        while left_to_write:
            chunk = block[:left_to_write]
            fh.write(chunk)
            left_to_write -= len(chunk)


def md5(path: Path) -> str:
    h = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def timed(env: dict[str, str], *args: str, input: str | None = None) -> dict:
    """Run a stardust command under /usr/bin/time -v: its peak RSS (MiB) and wall seconds."""
    t0 = time.monotonic()
    proc = subprocess.run(["/usr/bin/time", "-v", STARDUST, *args], env=env, input=input, capture_output=True,
                          text=True, timeout=3600)
    wall = time.monotonic() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr[-3000:]}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))  # type: ignore[union-attr]
    return {"peak_rss_mib": round(rss / 1024, 1), "wall_s": round(wall, 1), "stdout": proc.stdout}


def run(size: int, tmp: Path, label: str) -> dict:
    """One home, one bucket, one SFTP inbox: demo catalog (+ the big file when size > 0), one delivery."""
    work = tmp / label
    for d in ("s3", "sshd", "inbox", "home"):
        (work / d).mkdir(parents=True)
    s3 = start_rclone(work / "s3", "127.0.0.1", S3_KEY, S3_SECRET)
    sshd = start_sshd(work / "sshd")
    try:
        (work / "s3" / "assets").mkdir()  # the bucket (rclone serve s3: a folder at its root)
        (work / "home" / "config.toml").write_text(
            f'[assets]\nurl = "s3://assets/store?endpoint={s3.endpoint}&region=us-east-1"\n', encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("STARDUST_", "AWS_"))}
        env.update(STARDUST_HOME=str(work / "home"), STARDUST_DDEX_SCHEMAS=str(XSD_DIR))
        timed(env, "init")
        timed(env, "asset", "credentials", "--access-key-id", S3_KEY)
        timed(env, "asset", "credentials", "--secret-stdin", input=S3_SECRET)
        timed(env, "demo", "--no-tui")
        out: dict = {}
        if size:
            src = work / "big.wav"
            big_wav(src, size)
            out["file_mib"] = round(src.stat().st_size / 2**20, 1)
            out["asset_add"] = timed(env, "asset", "add", str(src), "--release", UPC, "--track", "1")
            out["asset_add"].pop("stdout")
        timed(env, "target", "add", "dsp", "--url", f"sftp://{sshd.user}@127.0.0.1:{sshd.port}{work / 'inbox'}",
              "--key", str(sshd.key), "--known-hosts", str(sshd.known_hosts), "--profile", "generic-43")
        timed(env, "deliver", UPC, "--target", "dsp")
        out["worker_once"] = timed(env, "worker", "--once", "--concurrency", "1", "--quiet")
        out["worker_once"].pop("stdout")
        if size:
            sent = [p for p in (work / "inbox").rglob("*.wav") if p.stat().st_size == src.stat().st_size]
            out["delivered_same_bytes"] = bool(sent) and md5(sent[0]) == md5(src)
            out["mib_per_s"] = round(size / 2**20 / out["worker_once"]["wall_s"], 1)
        home_files = sum(p.stat().st_size for p in (work / "home").rglob("*") if p.is_file())
        out["home_bytes_after"] = home_files  # database + logs: the audio is in the bucket only
        return out
    finally:
        sshd.stop()
        s3.stop()


def main() -> None:
    size = int(float(sys.argv[1]) * 2**20) if len(sys.argv) > 1 else 2048 * 2**20
    with tempfile.TemporaryDirectory(prefix="bench-stream-", dir=os.environ.get("BENCH_TMP")) as tmp:
        result = {"baseline_demo_only": run(0, Path(tmp), "baseline"), "big": run(size, Path(tmp), "big")}
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
