"""No unvalidated live delivery (issue 13), as a user meets it in a home without DDEX schemas.

``check`` says in one line how to get schemas; ``check --target`` and ``deliver`` to a live target refuse the
release (one line naming ``stardust schemas fetch``, nothing queued, nothing at the target). It goes out
unvalidated only when the user allows it — ``deliver --skip-xsd`` or a profile's ``skip_xsd = true`` — or when
it is a TestMessage, and the delivery's log then says so. With schemas fetched it goes out validated. A
delivery queued while schemas were there, but run after they were removed, is refused by the executor.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from stardust_tui.cli import cli
from stardust_tui.schemas.resolve import NO_SCHEMAS_HINT
from tests.conftest import XSD_DIR
from tests.integration.sandbox_world import UPC, World, make_world


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def world(isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.delenv("STARDUST_DDEX_SCHEMAS")
    return make_world(isolated_home, tmp_path / "src")


def target(tmp_path: Path, name: str, profile: str = "generic-43") -> Path:
    out = tmp_path / name
    out.mkdir()
    code, _, err = run("target", "add", name, "--url", f"file://{out}", "--profile", profile)
    assert code == 0, err
    return out


def user_profile(home: Path, name: str, body: str) -> None:
    (home / "profiles").mkdir(exist_ok=True)
    (home / "profiles" / f"{name}.toml").write_text(f'name = "{name}"\nextends = "generic-43"\n{body}\n')


def files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def log_of(delivery: int) -> str:
    code, out, err = run("deliveries", "log", str(delivery))
    assert code == 0, err
    return out


def test_a_live_delivery_without_schemas_is_refused_in_one_line(world: World, tmp_path: Path) -> None:
    out = target(tmp_path, "live")
    code, text, err = run("check", UPC)
    assert code == 0 and f"warning: schemas: {NO_SCHEMAS_HINT}; until then live deliveries are refused" in text
    code, text, err = run("check", UPC, "--target", "live")
    assert code == 1 and "must be XSD-validated" in text and "[xsd-required]" in text

    code, text, err = run("deliver", UPC, "--target", "live")
    assert code == 1 and text == ""
    assert len(err.strip().splitlines()) == 1 and "stardust schemas fetch" in err and "--skip-xsd" in err
    assert json.loads(run("deliveries", "--json")[1]) == [] and files(out) == []
    code, text, err = run("deliver", UPC, "--target", "live", "--wait")
    assert code == 1 and "must be XSD-validated" in err and files(out) == []


def test_skip_xsd_sends_it_and_the_log_says_unvalidated(world: World, tmp_path: Path) -> None:
    out = target(tmp_path, "live")
    code, text, err = run("deliver", UPC, "--target", "live", "--skip-xsd", "--wait")
    assert code == 0, text + err
    assert any(f.endswith(f"{UPC}.xml") for f in files(out))
    assert "sent WITHOUT XSD validation (allowed by deliver --skip-xsd)" in log_of(1)
    code, text, _ = run("deliveries", "show", "1", "--json")
    assert json.loads(text)["skip_xsd"] is True


def test_a_profile_may_allow_it_and_a_test_message_may_go(world: World, tmp_path: Path) -> None:
    user_profile(world.home, "lenient", "skip_xsd = true")
    user_profile(world.home, "rehearsal", "test_message = true")
    lenient, rehearsal = target(tmp_path, "lenient", "lenient"), target(tmp_path, "rehearsal", "rehearsal")
    code, text, err = run("deliver", UPC, "--target", "lenient", "--wait")
    assert code == 0, text + err
    assert "sent WITHOUT XSD validation (allowed by profile lenient (skip_xsd = true))" in log_of(1)
    code, text, err = run("deliver", UPC, "--target", "rehearsal", "--wait")
    assert code == 0, text + err
    assert "sent WITHOUT XSD validation (a test message)" in log_of(2)
    message = next(p for p in rehearsal.rglob(f"{UPC}.xml"))
    assert b"<MessageControlType>TestMessage</MessageControlType>" in message.read_bytes()
    assert files(lenient)


def test_with_schemas_it_goes_validated_and_removed_schemas_stop_a_queued_one(world: World, tmp_path: Path) -> None:
    out = target(tmp_path, "live")
    code, _, err = run("schemas", "fetch", "--from", str(XSD_DIR))
    assert code == 0, err
    code, text, err = run("deliver", UPC, "--target", "live", "--wait")
    assert code == 0, text + err
    assert "WITHOUT XSD" not in log_of(1) and files(out)

    second = target(tmp_path, "second")
    code, text, err = run("deliver", UPC, "--target", "second")  # checked with schemas, queued
    assert code == 0, text + err
    shutil.rmtree(world.home / "ddex-schemas")  # gone before a worker runs it
    code, text, err = run("worker", "--once", "--quiet")
    assert code == 1
    code, text, _ = run("deliveries", "show", "2", "--json")
    shown = json.loads(text)
    assert shown["state"] == "failed" and "must be XSD-validated" in shown["last_error"]
    assert files(second) == []
