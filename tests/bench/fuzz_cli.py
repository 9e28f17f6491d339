"""A longer fuzz of every ``stardust`` command, generated from its click declaration (tests/cli_fuzz.py).

Runs ``--per-command`` draws for each command against a seeded home in a temporary directory, checks each
as the suite does (no traceback, no internal error, non-zero exit for invalid values, store unchanged
after a refusal), and prints one JSON object on the last line: how many runs, exit codes per command,
every problem found with its command line, and a sample of what was tried (``--show N``).

    .venv/bin/python tests/bench/fuzz_cli.py --per-command 40 --show 20
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from hypothesis import HealthCheck, given, settings  # noqa: E402

from tests import cli_fuzz as F  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-command", type=int, default=25, help="draws per command")
    parser.add_argument("--only", default=None, help="one command, e.g. 'release add-deal'")
    parser.add_argument("--show", type=int, default=10, help="how many tried command lines to print")
    parser.add_argument("--seed", type=int, default=None, help="hypothesis seed (default: random)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="stardust-fuzz-") as tmp:
        root = Path(tmp)
        for var, sub in (("STARDUST_HOME", "home"), ("XDG_CONFIG_HOME", "cfg"), ("XDG_DATA_HOME", "data"),
                         ("XDG_STATE_HOME", "state")):
            os.environ[var] = str(root / sub)
        os.environ["STARDUST_CONFIG_FILE"] = str(root / "home" / "config.toml")
        os.environ.pop("STARDUST_DB", None)
        box = F.Sandbox(root / "box")
        db = root / "home" / "stardust.db"
        F.seed(db, box)
        outcomes: list[F.Outcome] = []
        found: list[dict[str, object]] = []
        started = time.monotonic()
        paths = [p for p, _ in F.commands() if args.only is None or " ".join(p) == args.only]
        for path in paths:
            @settings(max_examples=args.per_command, deadline=None, database=None, derandomize=args.seed is None,
                      suppress_health_check=list(HealthCheck))
            @given(drawn=F.command_lines(box, only=path))
            def one(drawn: F.Drawn) -> None:
                try:
                    outcome = F.run(drawn, db)
                except AssertionError as exc:  # an exception escaped the CLI
                    found.append({"argv": drawn.argv[:12], "problems": [str(exc)[:2000]]})
                    return
                outcomes.append(outcome)
                problems = F.problems(outcome)
                if problems:
                    found.append({**outcome.as_dict(), "problems": problems})

            one()
        elapsed = time.monotonic() - started

    exits: dict[str, collections.Counter[int]] = collections.defaultdict(collections.Counter)
    for o in outcomes:
        exits[" ".join(o.drawn.path)][o.exit_code] += 1
    invalid = [o for o in outcomes if o.drawn.invalid]
    result = {
        "runs": len(outcomes), "commands": len(paths), "seconds": round(elapsed, 1),
        "runs_per_second": round(len(outcomes) / elapsed, 1) if elapsed else None,
        "invalid_values_drawn": len(invalid), "invalid_refused": sum(o.exit_code != 0 for o in invalid),
        "problems": found,
        "exit_codes": {k: dict(sorted(v.items())) for k, v in sorted(exits.items())},
        "tried": [o.as_dict() for o in outcomes[:: max(1, len(outcomes) // max(1, args.show))][: args.show]],
    }
    for item in result["tried"]:
        print(f"exit {item['exit']}: stardust {' '.join(item['argv'])}", file=sys.stderr)
    print(json.dumps(result, default=str))
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
