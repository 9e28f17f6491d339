"""Timings of the blocking work behind the issue 17/14 screens (each runs in a thread worker).

* ``import_preview_s``: the import screen's first read of a ROWS-row label CSV (``TransferService.preview``);
* ``import_jump_row_s``: Enter on a dry-run problem at the LAST line of that file (``read_row`` streams to it);
* ``deliver_check_s``: the deliver dialog's readiness for the demo album to a folder target (the delivery's
  own pre-flight: files measured — stored after the first run —, package built, ERN validated);
* ``sent_message_s``: rebuilding a delivered message after the release changed (revision restored in a
  rolled-back transaction) and checking its MD5;
* ``restore_s``: restoring the album's revision 1 as a new revision (verified).

Prints one JSON object (medians of ``--runs``) on its last line. Run: ``.venv/bin/python tests/bench/bench_tools.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def median_of(runs: int, fn: Callable[[], Any]) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def write_csv(path: Path, rows: int) -> int:
    head = ("Product UPC,Release Name,Primary Artist,Label Name,Release Date,Genre,Track No.,Track Name,ISRC,"
            "Explicit (Y/N/C),Track Duration\n")
    with path.open("w", encoding="utf-8") as f:
        f.write(head)
        for i in range(rows):
            upc = f"1{i // 10:010d}"
            from stardust_tui.domain.identifiers import gtin_check_digit

            upc += str(gtin_check_digit(upc))
            f.write(f"{upc},Album {i // 10},Artist {i % 97},Label,2024-03-15,Pop,{i % 10 + 1},Song {i},"
                    f"QZAAA{i % 100:02d}{i:05d},N,3:{i % 60:02d}\n")
    return rows + 1  # the last line number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="bench-tools-"))
    os.environ.update(STARDUST_HOME=str(home / "home"), STARDUST_CONFIG_FILE=str(home / "home" / "config.toml"))
    os.environ.setdefault("STARDUST_DDEX_SCHEMAS", str(Path(__file__).resolve().parents[2].parent / "shared/ddex/xsd"))

    from stardust_tui.config import load_settings
    from stardust_tui.delivery.targets import add_target
    from stardust_tui.demo import build_demo
    from stardust_tui.services import Services
    from stardust_tui.store.db import make_engine, session_scope
    from stardust_tui.store.migrate import upgrade
    from stardust_tui.store.releases import load_release, save_release
    from stardust_tui.worker.runner import Runner, RunnerConfig

    settings = load_settings()
    settings.paths.ensure()
    engine = make_engine(settings.db_url)
    upgrade(engine)
    services = Services(settings=settings, engine_source=engine)
    out: dict[str, Any] = {"rows": args.rows, "runs": args.runs}

    csv_path = home / "label.csv"
    last = write_csv(csv_path, args.rows)
    preview = services.transfer.preview(str(csv_path))
    out["import_preview_s"] = round(median_of(args.runs, lambda: services.transfer.preview(str(csv_path))), 4)
    assert services.transfer.read_row(preview, last) is not None
    out["import_jump_row_s"] = round(median_of(args.runs, lambda: services.transfer.read_row(preview, last)), 4)

    build_demo(engine, settings.paths)
    (home / "out").mkdir()
    with session_scope(engine) as s:
        tid = int(add_target(s, settings.paths, name="out", url=f"file://{home / 'out'}").id)
    album = 1
    services.dispatch.check(album, tid, "new")  # measures the files once (stored)
    out["deliver_check_s"] = round(median_of(args.runs, lambda: services.dispatch.check(album, tid, "new")), 4)
    did = services.dispatch.queue(album, tid, "new").delivery_id
    cfg = RunnerConfig(concurrency=1, once=True, ack_poll_s=0, poll_s=0.05, retry_base_s=0.0, heartbeat_s=0.5)
    asyncio.run(Runner(settings, engine, config=cfg).run())
    with session_scope(engine) as s:
        rel = load_release(s, album)
        rel.title += " (Deluxe)"
        save_release(s, rel, actor="bench")
    assert services.delivery_history.message(did).verified
    out["sent_message_s"] = round(median_of(args.runs, lambda: services.delivery_history.message(did)), 4)
    out["restore_s"] = round(median_of(args.runs, lambda: services.history.restore(album, 1)), 4)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
