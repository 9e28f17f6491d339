"""Issue 19's bad-input runs, each as a test: one ``error:`` line naming the option and its limit, exit 2,
nothing written; and the crash path: an unexpected exception is one line pointing at a private log, exit 70."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from stardust_tui.cli import cli
from tests import cli_fuzz as F

X100K = "x" * 100_000
HUGE = "99999999999999999999"


@pytest.fixture
def home(tmp_path: Path, isolated_home: Path) -> tuple[Path, F.Sandbox]:
    box = F.Sandbox(tmp_path / "box")
    F.seed(isolated_home / "stardust.db", box)
    return isolated_home / "stardust.db", box


CASES = [
    (["release", "list", "--offset", HUGE], "--offset: 99999999999999999999 is out of range (0 to 2147483647)"),
    (["release", "history", "1", "--diff", HUGE, "1"], "REVISIONS: 99999999999999999999 is out of range"),
    (["release", "add-track", "1", "--title", "T", "--number", HUGE], "--number: 99999999999999999999 is out of "
                                                                      "range (1 to 9999)"),
    (["release", "add-track", "1", "--title", "T", "--disc", HUGE], "--disc: 99999999999999999999 is out of range"),
    (["release", "add-track", "1", "--title", "T", "--duration", "nan"], "--duration: nan is not a finite number"),
    (["asset", "list", "--offset", HUGE], "--offset: 99999999999999999999 is out of range"),
    (["ern", "build", "1", "--message-id", X100K], "--message-id: too long (100000 characters, at most 100)"),
    (["release", "list", "--status", "bogus"], "--status: 'bogus' is not a release status"),
    (["release", "list", "--type", "bogus"], "--type: 'bogus' is not a"),
    (["release", "edit", "1", "--title", ""], "--title: required, cannot be empty"),
    (["release", "add-deal", "1", "--model", "bogus"], "--model: 'bogus' is not a DDEX commercial model"),
    (["release", "add-deal", "1", "--use-type", "bogus"], "--use-type: 'bogus' is not a DDEX use type"),
    (["release", "add-deal", "1", "--territory", "UK"], "--territory: 'UK' is not an ISO 3166-1 territory code"),
    (["release", "create", "--title", X100K, "--artist", "A"], "--title: too long (100000 characters, at most 1000)"),
    (["release", "edit", "1", "--version", X100K], "--version: too long (100000 characters, at most 500)"),
    (["release", "edit", "1", "--catalog-number", X100K], "--catalog-number: too long (100000 characters, at most 64)"),
    (["release", "add-deal", "1", "--price-tier", X100K], "--price-tier: too long (100000 characters, at most 32)"),
    (["release", "edit", "1", "--title", "bell\x07"], "--title: contains a control character (U+0007)"),
    (["watch", "--once", "--stable", "-1", "{box}"], "--stable: -1.0 is out of range (0 to 3600 seconds)"),
    (["watch", "--once", "--stable", "nan", "{box}"], "--stable: nan is not a finite number"),
    (["backup", "{box}/bk", "--keep", "-1"], "--keep: -1 is out of range (1 to 10000)"),
    (["deliveries", "metrics", "--days", "-1"], "--days: -1.0 is out of range (0.001 to 36500 days)"),
    (["deliveries", "show", HUGE], "DELIVERY_ID: 99999999999999999999 is out of range"),
    (["deliver", "1", "--target", "local", "--priority", HUGE], "--priority: 99999999999999999999 is out of range"),
    (["target", "add", "x", "--url", "file:///tmp", "--max-concurrency", "0"], "--max-concurrency: 0 is out of range"),
    (["worker", "--once", "--lease", "nan"], "--lease: nan is not a finite number"),
    (["watch", "--once", "{box}/no/such/dir"], "DIRECTORY: {box}/no/such/dir: no such directory"),
    (["export", "{box}/no/such/y.json"], "OUT: {box}/no/such: no such directory"),
    (["export", "{box}/dir"], "invalid value for 'OUT': '{box}/dir' is a directory; json is written to a file"),
    (["import", "{box}/fifo"], "FILE: {box}/fifo is not a regular file"),
    (["import", "/dev/zero"], "FILE: /dev/zero is not a regular file"),
    (["asset", "add", "/dev/null"], "PATHS: /dev/null is not a regular file (a device, FIFO or socket)"),
    (["restore", "/dev/zero"], "SOURCE: /dev/zero is neither a file nor a directory"),
    (["release", "show", "2147483648"], "REF: release id 2147483648 is out of range (1 to 2147483647)"),
    (["release", "list", "--bogus"], "no such option '--bogus'"),
]


@pytest.mark.parametrize("argv, message", CASES, ids=[" ".join(a)[:50] for a, _ in CASES])
def test_bad_value_is_one_line_exit_2_and_stores_nothing(home: tuple[Path, F.Sandbox], argv: list[str],
                                                         message: str) -> None:
    db, box = home
    argv = [a.replace("{box}", str(box.root)) for a in argv]
    before = F.store_digest(db)
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 2, (result.output, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert message.replace("{box}", str(box.root)) in lines[0]
    assert len(lines[0]) <= 400  # a 100k value is never echoed back
    assert "Traceback" not in result.output
    assert F.store_digest(db) == before


def test_a_bad_import_file_is_reported_and_stores_nothing(home: tuple[Path, F.Sandbox]) -> None:
    db, box = home
    before = F.store_digest(db)
    result = CliRunner().invoke(cli, ["import", str(box.binary_file)])
    assert result.exit_code == 1 and "error" in result.output
    assert F.store_digest(db) == before


def test_an_empty_asset_is_refused(home: tuple[Path, F.Sandbox], tmp_path: Path) -> None:
    db, _ = home
    before = F.store_digest(db)
    for name in ("empty.wav", "empty.bin"):
        (tmp_path / name).write_bytes(b"")
        result = CliRunner().invoke(cli, ["asset", "add", str(tmp_path / name)])
        assert result.exit_code == 1 and result.stderr.strip() == f"error: {tmp_path / name}: the file is empty: " \
            "nothing to store", result.stderr
    assert F.store_digest(db) == before


def test_an_internal_error_is_one_line_with_a_private_log_and_exit_70(
        home: tuple[Path, F.Sandbox], monkeypatch: pytest.MonkeyPatch, isolated_home: Path) -> None:
    from stardust_tui.store import reindex

    def broken(*_a: object, **_k: object) -> int:
        raise RuntimeError("simulated bug: index gone")

    monkeypatch.setattr(reindex, "rebuild_index", broken)
    result = CliRunner().invoke(cli, ["release", "reindex"])
    assert result.exit_code == 70
    log = isolated_home / "logs" / "crash.log"
    assert result.stderr.strip().splitlines() == [
        f"error: internal error in cli release reindex (RuntimeError: simulated bug: index gone); the traceback is "
        f"in {log} — please report it"]
    text = log.read_text()
    assert "Traceback (most recent call last)" in text and "simulated bug" in text
    assert "command: cli release reindex" in text
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def _stardust(*args: str, home: Path, **kw: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STARDUST_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "stardust_tui", *args], capture_output=True, text=True, env=env,
                          timeout=120, **kw)  # type: ignore[call-overload]


def test_the_real_command_prints_no_traceback(home: tuple[Path, F.Sandbox], isolated_home: Path) -> None:
    """Through the console entry point (main), not only click's test runner."""
    r = _stardust("release", "list", "--offset", HUGE, home=isolated_home)
    assert r.returncode == 2 and r.stderr.startswith("error: --offset:") and "Traceback" not in r.stderr
    r = _stardust("--db", "", "release", "list", home=isolated_home)
    assert r.returncode == 2 and r.stderr.startswith("error: --db: required") and "Traceback" not in r.stderr


def test_a_closed_pipe_is_not_an_error(home: tuple[Path, F.Sandbox], isolated_home: Path) -> None:
    """`stardust release list | head -c1`: the reader leaving is no traceback and no crash log."""
    env = {**os.environ, "STARDUST_HOME": str(isolated_home)}
    for _ in range(40):
        CliRunner().invoke(cli, ["release", "create", "--title", "Pipe " * 30, "--artist", "A"])
    proc = subprocess.run(f"'{sys.executable}' -m stardust_tui release list --limit 10000 | head -c1",
                          shell=True, capture_output=True, text=True, env=env, timeout=120)
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    assert not (isolated_home / "logs" / "crash.log").exists()
