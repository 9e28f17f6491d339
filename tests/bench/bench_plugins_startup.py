"""Start-up cost of the ``stardust`` command with and without plugins installed (issue 16).

Runs each command ``--runs`` times in a fresh interpreter and reports medians of the wall time and of the
CPU time (user + system of the child: steadier than wall time on a shared, loaded machine). Commands:

* ``help``: ``stardust --help`` (lists plugin commands, so it does discover plugins);
* ``release_help``: ``stardust release --help`` (a built-in command: must not discover anything);
* ``version``: ``stardust --version``.

``--site DIR`` puts DIR (a folder plugins were ``pip install --target``-ed into) on PYTHONPATH, so the same
commands run with those plugins discoverable. Prints one JSON object on its last line. Run:
``.venv/bin/python tests/bench/bench_plugins_startup.py --runs 21 [--site DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS = {"help": ["--help"], "release_help": ["release", "--help"], "version": ["--version"]}


def run_once(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one ``python -m stardust_tui ARGS`` run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "stardust_tui", *args], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise SystemExit(f"stardust {' '.join(args)} failed: {out.stderr.strip()}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--site", type=Path, default=None, help="a folder of installed plugins (PYTHONPATH)")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="bench-plugins-"))
    env = dict(os.environ, STARDUST_HOME=str(home), STARDUST_CONFIG_FILE=str(home / "config.toml"))
    env.pop("PYTHONPATH", None)
    if args.site is not None:
        env["PYTHONPATH"] = str(args.site.resolve())
    result: dict[str, object] = {"runs": args.runs, "site": str(args.site) if args.site else None,
                                 "load": os.getloadavg()[0]}
    for name, argv in COMMANDS.items():
        run_once(argv, env)  # warm the file cache
        walls, cpus = zip(*(run_once(argv, env) for _ in range(args.runs)), strict=True)
        result[f"{name}_wall_s"] = round(statistics.median(walls), 4)
        result[f"{name}_cpu_s"] = round(statistics.median(cpus), 4)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
