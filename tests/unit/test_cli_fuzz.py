"""Every command of ``stardust``, fuzzed from its own click declaration (see tests/cli_fuzz.py).

Asserted for each drawn command line: no traceback and no internal error (exit 70), a non-zero exit when
a value breaks its declared limit, and the store unchanged (row digest) after any refused command. The run
is bounded for CI (``STARDUST_FUZZ_EXAMPLES`` draws per command, default 4); ``tests/bench/fuzz_cli.py``
runs a longer one and prints what it tried.
"""

from __future__ import annotations

import os
from pathlib import Path

import click
from hypothesis import HealthCheck, given, settings

from tests import cli_fuzz as F

EXAMPLES = int(os.environ.get("STARDUST_FUZZ_EXAMPLES", "4"))


def test_every_parameter_is_typed_and_bounded() -> None:
    """No option or argument takes bare text or a bare number: each has a type the fuzzer knows limits of."""
    untyped = []
    for path, cmd in F.commands():
        for param in cmd.params:
            t = param.type
            if isinstance(param, click.Option) and param.is_flag:
                continue
            if isinstance(t, click.types.StringParamType | click.types.IntParamType | click.types.FloatParamType) \
                    or type(t) in (click.IntRange, click.FloatRange, click.DateTime, click.Path):
                untyped.append(f"{' '.join(path)} {param.name}: {t!r}")
    assert untyped == []


def test_commands_are_all_found() -> None:
    found = {" ".join(p) for p, _ in F.commands()}
    assert {"release list", "release add-deal", "ern build", "target add", "deliver", "deliveries",
            "deliveries show", "import catalog", "export", "watch", "backup", "restore", "worker"} <= found


def test_fuzz_every_command(tmp_path: Path, isolated_home: Path) -> None:
    """Each command gets its own draws (``STARDUST_FUZZ_EXAMPLES`` per command, default 4)."""
    box = F.Sandbox(tmp_path / "box")
    db = isolated_home / "stardust.db"
    F.seed(db, box)
    seen: list[F.Outcome] = []

    def fuzz(path: tuple[str, ...]) -> None:
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                         HealthCheck.function_scoped_fixture])
        @given(drawn=F.command_lines(box, only=path))
        def one(drawn: F.Drawn) -> None:
            outcome = F.run(drawn, db)
            seen.append(outcome)
            assert F.problems(outcome) == [], outcome.as_dict()

        one()

    for path, _ in F.commands():
        fuzz(path)
    refused = [o for o in seen if o.drawn.invalid]
    assert refused and all(o.exit_code != 0 for o in refused)
    assert {o.drawn.path for o in seen} == {p for p, _ in F.commands()}


def test_whatever_the_release_commands_accept_can_be_shown_and_built(tmp_path: Path, isolated_home: Path) -> None:
    """The commands that write the catalog, drawn on their own: after each accepted one, the release still
    shows as JSON and still builds into an ERN message (accepted text is text XML can carry)."""
    box = F.Sandbox(tmp_path / "box")
    db = isolated_home / "stardust.db"
    F.seed(db, box)

    @settings(max_examples=5 * EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.function_scoped_fixture])
    @given(drawn=F.command_lines(box, only=("release",)))
    def one(drawn: F.Drawn) -> None:
        outcome = F.run(drawn, db)
        assert F.problems(outcome) == [], outcome.as_dict()
        if outcome.exit_code == 0:
            for follow_up in (["release", "show", "1", "--json"], ["ern", "build", "1", "-o", box.fresh_output]):
                after = F.run(F.Drawn(("follow-up",), follow_up, None), db)
                assert after.exit_code in (0, 1) and F.problems(after) == [], (outcome.as_dict(), after.as_dict())

    one()
