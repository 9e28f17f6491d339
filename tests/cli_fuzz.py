"""Fuzzing the CLI from its own click declarations (shared by tests/unit/test_cli_fuzz.py and
tests/bench/fuzz_cli.py).

Every command of ``stardust`` is found by walking the click group; for each, hypothesis draws options and
arguments from what the parameter's type declares: numbers at and beyond a domain span, choices and
near-misses, text at its length limit and past it, control characters, lone surrogates, NaN, paths that do
not exist, directories, /dev/null, FIFOs. A drawn value is *invalid* when the declaration itself refuses it
(out of range, not a choice, empty where non-empty is required, over-long, a missing file...).

:func:`check_run` runs one command line in-process and asserts: no traceback and no internal error (exit
70), a non-zero exit for an invalid value, and a store unchanged (by digest) after any refused command.
"""

from __future__ import annotations

import hashlib
import math
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from click.testing import CliRunner
from hypothesis import strategies as st

from stardust_tui.cli import cli
from stardust_tui.cli import params as P
from stardust_tui.domain import limits as L
from stardust_tui.domain import validation as v

# Commands that take over the terminal or run until stopped; the rest all run.
SKIP = {("tui",), ("demo",)}
# Flags never drawn: they wait for something (a terminal, a live delivery) or would follow forever.
NEVER = {"--follow", "--wait", "--version", "--help", "--home", "--db"}
# Flags always given: without them the command keeps running (a daemon, a hot-folder watch).
ALWAYS = {("watch",): ["--once"], ("worker",): ["--once", "--ack-poll=0", "--grace=0"], ("serve",): ["--check"],
          ("sandbox", "serve"): ["--once"]}
# Tables a refused command may still write: the import ledger records failed runs, workers their heartbeat,
# QC caches what it measured. Everything else must be byte-identical after a non-zero exit.
VOLATILE = {"import_run", "worker_heartbeat", "asset_analysis", "alembic_version",
            "notify_event",  # a refused import is reported as an import.failed notification (issue 10)
            "audit_chain"}  # the audit chain's head row, created on first use (audit_entry itself is compared)


@dataclass
class Sandbox:
    """The files and directories a fuzzed path can point at."""

    root: Path
    text_file: Path = field(init=False)
    binary_file: Path = field(init=False)
    directory: Path = field(init=False)
    fifo: Path = field(init=False)

    def __post_init__(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.text_file = self.root / "catalog.csv"
        self.text_file.write_text("UPC,Release Title,Artist\n", encoding="utf-8")
        self.binary_file = self.root / "blob.bin"
        self.binary_file.write_bytes(bytes(range(256)) * 8)
        self.directory = self.root / "dir"
        self.directory.mkdir(exist_ok=True)
        self.fifo = self.root / "fifo"
        if not self.fifo.exists():
            os.mkfifo(self.fifo)

    @property
    def missing(self) -> str:
        return str(self.root / "no" / "such" / "place.json")

    @property
    def fresh_output(self) -> str:
        return str(self.root / f"out-{os.urandom(4).hex()}.json")


@dataclass(frozen=True)
class Drawn:
    """One drawn command line and whether the declarations refuse one of its values (and which)."""

    path: tuple[str, ...]
    argv: list[str]
    invalid: str | None


def commands(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every runnable command (a group that runs without a subcommand counts too)."""
    for name, cmd in sorted(group.commands.items()):
        path = (*prefix, name)
        if path in SKIP:
            continue
        if isinstance(cmd, click.Group):
            if cmd.invoke_without_command:
                yield path, cmd
            yield from commands(cmd, path)
        else:
            yield path, cmd


# --- values -------------------------------------------------------------------------------------------------

NASTY_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "-", "--", "0", "-1", "nan", "inf", "1e400", "9" * 20, "-" + "9" * 20, "2147483648",
                     "é", "東京", "🎵", "\u202e", "O'Brien",
                     "a\x00b", "tab\there", "two\nlines", "caf\udcff", "\x1b[31mred", "%s%n", "${HOME}", "../..",
                     "Robert'); DROP TABLE release;--", "x" * 100_000]),
)


def _text(t: P.Text) -> st.SearchStrategy[tuple[str, str | None]]:
    clean = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1 if t.nonempty else 0,
                    max_size=min(t.limit, 40)).filter(lambda s: not t.nonempty or s.strip())
    bad = [("x" * (t.limit + 1), "over the length limit"), ("a\x07b", "control character"),
           ("caf\udcff", "undecodable byte")]
    if t.nonempty:
        bad += [("", "empty"), ("   ", "blank")]
    return st.one_of(clean.map(lambda s: (s, None)), st.sampled_from(bad),
                     st.just(("x" * t.limit, None)), NASTY_TEXT.map(lambda s: (s, v.text_problem(s, t.limit,
                                                                                   required=t.nonempty))))


def _number(n: P.Number) -> st.SearchStrategy[tuple[str, str | None]]:
    lo, hi = n.span.lo, n.span.hi
    if n.integer:
        inside = st.integers(int(lo), int(hi)).map(str)
        edges = [(str(int(lo)), None), (str(int(hi)), None), (str(int(lo) - 1), "below the range"),
                 (str(int(hi) + 1), "above the range"), ("9" * 20, "huge"), ("-" + "9" * 20, "huge negative"),
                 ("1.5", "not whole"), ("nan", "NaN"), ("", "empty"), ("0x10", "hex"), ("1" * 5000, "5000 digits")]
    else:
        inside = st.floats(lo, hi, allow_nan=False).map(repr)
        edges = [(repr(float(lo)), None), (repr(float(hi)), None), (repr(lo - 1), "below the range"),
                 (repr(hi * 2 + 1), "above the range"), ("nan", "NaN"), ("-nan", "NaN"), ("inf", "infinity"),
                 ("-inf", "infinity"), ("1e400", "overflow"), ("", "empty"), ("seven", "not a number")]
    return st.one_of(inside.map(lambda s: (s, None)), st.sampled_from(edges))


def _choices(values: list[str], case_blind: bool) -> st.SearchStrategy[tuple[str, str | None]]:
    bad = [("bogus", "not a choice"), ("", "empty"), (values[0] + "x", "near miss"), ("x" * 5000, "huge")]
    good = st.sampled_from(values).map(lambda s: (s, None))
    if case_blind:
        good = st.one_of(good, st.sampled_from(values).map(lambda s: (s.swapcase(), None)))
    return st.one_of(good, st.sampled_from(bad))


def _paths(kind: str, box: Sandbox) -> st.SearchStrategy[tuple[str, str | None]]:
    """kind: in (a readable file), dir (an existing directory), newdir, out (a file to write), any."""
    missing = (box.missing, "does not exist")
    devnull = ("/dev/null", "a device")
    options = {
        "in": [(str(box.text_file), None), (str(box.binary_file), None), missing, (str(box.directory), "a directory"),
               devnull, (str(box.fifo), "a FIFO"), ("", "empty"), ("a\x00b", "NUL")],
        "dir": [(str(box.directory), None), missing, (str(box.text_file), "a file"), ("", "empty")],
        "newdir": [(str(box.directory), None), (str(box.root / "new-dir"), None), (box.missing, "parent missing"),
                   (str(box.text_file), "a file")],
        "out": [(box.fresh_output, None), (box.missing, "parent missing"), (str(box.directory), "a directory"),
                devnull, ("", "empty")],
        "any": [(str(box.text_file), None), (str(box.directory), None), missing, devnull, (str(box.fifo), "a FIFO")],
    }[kind]
    return st.sampled_from(options)


def value_strategy(param: click.Parameter, box: Sandbox) -> st.SearchStrategy[tuple[str, str | None]]:
    """(text, why it is invalid or None) for one value of ``param``, from its declared type."""
    t = param.type
    if isinstance(t, P.Text):
        return _text(t)
    if isinstance(t, P.Number):
        return _number(t)
    if isinstance(t, P.Vocabulary):
        return _choices(list(t.choices), case_blind=True)
    if isinstance(t, click.Choice):
        return _choices([str(c) for c in t.choices], case_blind=not t.case_sensitive)
    if isinstance(t, P.Day):
        return st.one_of(st.dates(*L.DATES).map(lambda d: (d.isoformat(), None)),
                         st.sampled_from([("2024-13-01", "no month 13"), ("0001-01-01", "too early"),
                                          ("9999-12-31", "too late"), ("2024-02-30", "no such day"),
                                          ("yesterday", "not a date"), ("", "empty")]))
    if isinstance(t, P.Territory):
        return st.sampled_from([("GB", None), ("us", None), ("Worldwide", None), ("UK", "not ISO 3166-1"),
                                ("XX", "not a territory"), ("", "empty")])
    if isinstance(t, P.Language):
        return st.sampled_from([("en", None), ("pt-BR", None), ("", None), ("zz", "not ISO 639"),
                                ("zh-Hant-TW", "too long"), ("english", "not a code")])
    if isinstance(t, P.Encoding):
        return st.sampled_from([("utf-8", None), ("cp1252", None), ("bogus-8", "unknown codec"), ("", "empty")])
    if isinstance(t, P.Ref):
        return st.one_of(
            st.sampled_from([("1", None), ("2", None), ("777", None), ("0", "id 0"),
                             ("2147483648", "id beyond the range"), ("", "empty"), ("x" * (t.limit + 1), "huge"),
                             ("036000291452", None), ("٣", None), ("²", None),
                             ("9999999999", "id beyond the range"), ("abc\x00", "NUL")]),
            st.text(max_size=14).map(lambda s: (s, v.text_problem(s, t.limit, required=True))))
    if isinstance(t, P.InputFile):
        return st.one_of(_paths("in", box), st.just(("-", None if t.stdin_ok else "not a file")))
    if isinstance(t, P.OutputFile):
        return _paths("out", box)
    if isinstance(t, P.Directory):
        return _paths("dir" if t.must_exist else "newdir", box)
    if isinstance(t, P.FileOrDirectory):
        return _paths("any", box)
    if isinstance(t, click.IntRange | click.FloatRange | click.types.IntParamType | click.types.FloatParamType):
        lo, hi = getattr(t, "min", None), getattr(t, "max", None)  # a bare click number: its own bounds only
        integer = isinstance(t, click.types.IntParamType)
        edges = ["0", "1", "-1", "9" * 20, "-" + "9" * 20, "2147483648", "nan", "inf", "1e400", "1.5", ""]
        span = L.Span(lo if lo is not None else -math.inf, hi if hi is not None else math.inf)

        def judged(text: str) -> tuple[str, str | None]:
            try:
                number = int(text) if integer else float(text)
            except ValueError:
                return text, "not a number"
            return text, None if span.lo <= number <= span.hi else "outside its declared range"
        return st.sampled_from(edges).map(judged)
    if isinstance(t, click.Path):
        return _paths("any", box).map(lambda pair: (pair[0], None))  # what a bare Path refuses varies
    return NASTY_TEXT.map(lambda s: (s, None))  # an untyped STRING: anything may be valid


@st.composite
def command_lines(draw: Any, box: Sandbox, only: tuple[str, ...] | None = None) -> Drawn:
    """One command line for a command drawn from the CLI (or ``only``)."""
    menu = [c for c in commands() if only is None or c[0][: len(only)] == only]
    if only is not None and any(c[0] == only for c in menu):
        menu = [c for c in menu if c[0] == only]  # a command, not the group's subcommands
    path, cmd = draw(st.sampled_from(menu))
    argv: list[str] = list(path) + list(ALWAYS.get(path, []))
    positional: list[str] = []
    invalid: str | None = None
    # Half the draws are entirely valid (they reach the store and the services); the others break at most
    # one parameter, so a refusal is known to come from that value and nothing masks a deeper crash.
    breaking = draw(st.one_of(st.none(), st.integers(0, max(0, len(cmd.params) - 1))))

    def value(index: int, param: click.Parameter) -> tuple[str, str | None]:
        strategy = value_strategy(param, box)
        if index != breaking:
            strategy = strategy.filter(lambda pair: pair[1] is None)
        return draw(strategy)

    for index, param in enumerate(cmd.params):
        if isinstance(param, click.Option):
            if any(o in NEVER for o in param.opts) or any(a.split("=")[0] in param.opts for a in argv):
                continue
            name = max(param.opts, key=len)
            if param.is_flag:
                if draw(st.booleans()):
                    argv.append(name if not param.secondary_opts or draw(st.booleans()) else param.secondary_opts[0])
                continue
            if not param.required and index != breaking and not draw(st.booleans()):
                continue
            for _ in range(draw(st.integers(1, 2)) if param.multiple else 1):
                text, why = value(index, param)
                argv.append(f"{name}={text}" if name.startswith("--") else name)
                if not name.startswith("--"):
                    argv.append(text)
                invalid = invalid or (f"{name}: {why}" if why else None)
        else:
            count = 1 if param.nargs == 1 else draw(st.integers(1 if param.required else 0, 3))
            for _ in range(count):
                text, why = value(index, param)
                positional.append(text)
                invalid = invalid or (f"{param.human_readable_name}: {why}" if why else None)
    return Drawn(path, argv + (["--", *positional] if positional else []), invalid)


# --- running ------------------------------------------------------------------------------------------------

def store_digest(db_file: Path) -> str:
    """A digest of every row of every table except :data:`VOLATILE` (and the derived search index)."""
    h = hashlib.sha256()
    con = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        for table in tables:
            if table in VOLATILE or table.startswith("release_fts") or table.startswith("sqlite_"):
                continue
            h.update(table.encode())
            for row in con.execute(f'SELECT * FROM "{table}" ORDER BY rowid'):
                h.update(repr(row).encode("utf-8", "backslashreplace"))
    finally:
        con.close()
    return h.hexdigest()


@dataclass(frozen=True)
class Outcome:
    drawn: Drawn
    exit_code: int
    stderr: str
    changed: bool

    def as_dict(self) -> dict[str, Any]:
        shown = [a if len(a) <= 80 else f"{a[:40]}…({len(a)} chars)" for a in self.drawn.argv]
        return {"argv": shown, "invalid": self.drawn.invalid, "exit": self.exit_code, "store_changed": self.changed,
                "stderr": self.stderr.strip().splitlines()[-1][:200] if self.stderr.strip() else ""}


def run(drawn: Drawn, db_file: Path) -> Outcome:
    before = store_digest(db_file)
    result = CliRunner().invoke(cli, drawn.argv, input="")
    after = store_digest(db_file)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        raise AssertionError(f"{drawn.argv!r} raised {result.exception!r}:\n"
                             + "".join(traceback.format_exception(result.exception)))
    return Outcome(drawn, result.exit_code, result.stderr, before != after)


def problems(outcome: Outcome) -> list[str]:
    """What is wrong with one outcome (empty when the CLI behaved)."""
    out: list[str] = []
    text = outcome.stderr
    if "Traceback" in text:
        out.append("printed a traceback")
    if outcome.exit_code == 70 or "internal error" in text:
        out.append(f"internal error: {text.strip()[-300:]}")
    if outcome.drawn.invalid and outcome.exit_code == 0:
        out.append(f"accepted an invalid value ({outcome.drawn.invalid}) with exit 0")
    if outcome.exit_code != 0 and outcome.changed:
        out.append(f"exit {outcome.exit_code} but the store changed")
    if outcome.exit_code not in (0, 1, 2, 3):
        out.append(f"unexpected exit code {outcome.exit_code}")
    lines = [ln for ln in text.splitlines() if ln.startswith("error:")]
    if outcome.exit_code == 2 and len(lines) != 1:
        out.append(f"usage error without exactly one 'error:' line: {text[-300:]!r}")
    return out


def seed(home_db: Path, box: Sandbox) -> None:
    """A small catalog to aim at: two releases (one with a track and a deal), a target writing into the box."""
    def ok(*args: str) -> None:
        result = CliRunner().invoke(cli, list(args), input="")
        assert result.exit_code == 0, (args, result.output, result.stderr)

    ok("init")
    ok("release", "create", "--title", "Night Drive", "--artist", "Luna Park", "--upc", "036000291452",
       "--date", "2025-01-10")
    ok("release", "add-track", "1", "--title", "Intro", "--isrc", "USS1Z2500001", "--duration", "61")
    ok("release", "add-deal", "1")
    ok("release", "create", "--title", "Second", "--artist", "Jo Rain")
    (box.root / "inbox").mkdir(exist_ok=True)
    ok("target", "add", "local", "--url", f"file://{box.root / 'inbox'}")
    assert home_db.is_file()
