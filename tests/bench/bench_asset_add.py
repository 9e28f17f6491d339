"""Benchmark: add a > 1 GiB WAV to the asset store; prints one JSON object (time, MiB/s, RSS growth).

Usage: .venv/bin/python tests/bench/bench_asset_add.py [SIZE_MIB]   (default 1100)
The source is a sparse file (a valid WAV header, then zeros), so the read side costs no disk I/O; the
copy into the store is a real write. RSS is sampled from /proc/self/status in the progress callback.
"""

from __future__ import annotations

import json
import statistics
import struct
import sys
import tempfile
import time
from pathlib import Path

from stardust_tui.assets.store import AssetStore, hash_file
from stardust_tui.paths import Paths
from stardust_tui.store.db import make_engine, session_scope
from stardust_tui.store.migrate import upgrade


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def make_wav(path: Path, size: int) -> None:
    with path.open("wb") as fh:
        fh.write(b"RIFF" + struct.pack("<I", size - 8) + b"WAVEfmt "
                 + struct.pack("<IHHIIHH", 16, 1, 2, 48000, 48000 * 6, 6, 24) + b"data" + struct.pack("<I", size - 44))
        fh.truncate(size)


def main() -> None:
    size = int(float(sys.argv[1]) * 1024 * 1024) if len(sys.argv) > 1 else 1100 * 1024 * 1024
    with tempfile.TemporaryDirectory(prefix="bench-assets-") as tmp:
        root = Path(tmp)
        paths = Paths(config_dir=root, data_dir=root, state_dir=root / "logs").ensure()
        engine = make_engine(str(paths.database_file))
        upgrade(engine)
        src = root / "long.wav"
        make_wav(src, size)
        hash_times = []
        for _ in range(3):
            t0 = time.perf_counter()
            hash_file(src)
            hash_times.append(time.perf_counter() - t0)
        baseline = rss_kib()
        samples = [baseline]

        def progress(done: int, total: int) -> None:
            if done % (64 * 1024 * 1024) == 0 or done == total:
                samples.append(rss_kib())

        t0 = time.perf_counter()
        with session_scope(engine) as s:
            asset = AssetStore(paths).add(s, src, progress=progress)
        add_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        with session_scope(engine) as s:
            again = AssetStore(paths).add(s, src)
        dedupe_s = time.perf_counter() - t0
        engine.dispose()
        mib = size / 1024 / 1024
        print(json.dumps({
            "file_mib": round(mib, 1),
            "hash_only_median_s": round(statistics.median(hash_times), 3),
            "hash_only_mib_per_s": round(mib / statistics.median(hash_times), 1),
            "add_s": round(add_s, 3),
            "add_mib_per_s": round(mib / add_s, 1),
            "dedupe_add_s": round(dedupe_s, 3),
            "rss_growth_mib": round((max(samples) - baseline) / 1024, 2),
            "rss_growth_ratio_to_file": round((max(samples) - baseline) / 1024 / mib, 5),
            "same_row_on_second_add": again.id == asset.id,
            "duration_s": asset.duration_seconds,
        }))


if __name__ == "__main__":
    main()
