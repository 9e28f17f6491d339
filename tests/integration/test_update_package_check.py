"""Updates pass their own package check (issue 20): a release delivered to a local folder target, then
updated and taken down, in every choreography and ERN version; each package `stardust ern validate
--package` is run on passes, the files an update leaves out being notes, not errors. ERN 4.x messages do
not say they are updates, so a release-by-release 4.x update is recognised by the earlier package beside
it holding the file with the stated MD5, or by `--update`; a package that really lacks a file still fails."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from stardust_tui.cli import cli
from tests.integration.delivery_release import UPC, make_release


def run(*args: str, code: int = 0) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, (args, result.output, result.stderr)
    return result


def validate(xml: Path, *extra: str, code: int = 0) -> dict:
    out = run("ern", "validate", str(xml), "--package", str(xml.parent), "--json", *extra, code=code)
    return json.loads(out.stdout)["files"][0]


def rules(report: dict, severity: str) -> list[str]:
    return [i["rule"] for i in report["issues"] if i["severity"] == severity]


def messages(target: Path) -> list[Path]:
    """The delivered messages, oldest first (folder names end in their batch time)."""
    found = [p for p in target.rglob("*.xml") if not p.name.startswith("BatchComplete_")]
    return sorted(found, key=lambda p: p.parent.name if p.parent.name[:2] in ("N_", "P_") else p.parent.parent.name)


@pytest.mark.parametrize("profile", ["generic-43-rbr", "generic-43", "generic-42", "generic-382"])
def test_new_update_and_takedown_packages_pass_their_own_check(sqlite_engine, settings, tmp_path: Path,  # noqa: ANN001
                                                               profile: str) -> None:
    rid = make_release(sqlite_engine, settings, tmp_path / "src")
    target = tmp_path / "dsp"
    target.mkdir()
    run("target", "add", "dsp", "--url", f"file://{target}", "--profile", profile)
    run("deliver", UPC, "--target", "dsp", "--wait")
    for kind in ("update", "takedown"):
        run("release", "set-status", str(rid), "ready")
        run("deliver", UPC, "--target", "dsp", "--type", kind, "--wait")
    new, update, takedown = messages(target)
    first = validate(new)
    assert first["valid"] and not rules(first, "info"), first
    for xml in (update, takedown):
        assert not (xml.parent / "resources").exists()  # the update really left its files out
        report = validate(xml)
        assert report["valid"], report
        assert rules(report, "info") == ["ERN-PKG-003"] * 3, report
        assert not rules(report, "error")


def test_a_4x_update_away_from_its_earlier_packages_needs_update_and_a_broken_one_still_fails(
        sqlite_engine, settings, tmp_path: Path) -> None:  # noqa: ANN001
    rid = make_release(sqlite_engine, settings, tmp_path / "src")
    target = tmp_path / "dsp"
    target.mkdir()
    run("target", "add", "dsp", "--url", f"file://{target}", "--profile", "generic-43-rbr")
    run("deliver", UPC, "--target", "dsp", "--wait")
    run("release", "set-status", str(rid), "ready")
    run("deliver", UPC, "--target", "dsp", "--type", "update", "--wait")
    new, update = messages(target)

    alone = tmp_path / "copy" / update.parent.name  # the update package on its own: nothing shows it is one
    shutil.copytree(update.parent, alone)
    xml = alone / update.name
    report = validate(xml, code=1)
    assert rules(report, "error") == ["ERN-PKG-001"] * 3
    assert "--update" in report["issues"][-1]["message"]
    report = validate(xml, "--update")
    assert report["valid"] and rules(report, "info") == ["ERN-PKG-003"] * 3

    # an earlier package whose copy of a file differs is no proof the recipient has the file
    wav = next((new.parent / "resources").glob("*.wav"))
    wav.write_bytes(wav.read_bytes()[:-4] + b"\0\0\0\0")
    report = validate(update, code=1)
    assert rules(report, "error") == ["ERN-PKG-001"] and rules(report, "info") == ["ERN-PKG-003"] * 2

    # a new package missing one of its own files fails, and so does a file with another MD5
    cover = next((new.parent / "resources").glob("*.jpg"))
    cover.unlink()
    report = validate(new, code=1)
    assert sorted(rules(report, "error")) == ["ERN-PKG-001", "ERN-PKG-002"]


def test_update_without_package_is_one_line(tmp_path: Path) -> None:
    xml = tmp_path / "m.xml"
    xml.write_text("<x/>")
    out = run("ern", "validate", str(xml), "--update", code=2)
    assert out.stderr.strip() == "error: --update needs --package DIR (it says which files the package may leave out)"
