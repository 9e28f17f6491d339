"""The installed plugins as a user runs them (issue 16), through the real CLI on a real SQLite home.

The style-guide rule pack's findings and fix-it lines in ``stardust check`` (and gone when the pack is
disabled or with ``--no-plugins``); the iTunes package exporter's ``.itmsp`` folders and its own structural
check (``stardust itmsp verify``), which catches a damaged, a missing and a stray file; the template's and the
rule pack's own tests, run as their author would; and one plugin of every other group (profiles, a rule with a
bug, an import format, a notification channel kind).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from sqlalchemy.engine import Engine

from stardust_tui.assets.store import AssetStore
from stardust_tui.cli import cli
from stardust_tui.config import Settings
from stardust_tui.store.db import session_scope
from stardust_tui.store.releases import load_release
from tests.integration.delivery_release import UPC, make_release
from tests.plugin_site import REPO, disable, site_env

ITMS = "{http://apple.com/itunes/importer}"


def run(*args: str, code: int = 0, stdin: str | None = None):  # noqa: ANN201
    result = CliRunner().invoke(cli, list(args), input=stdin)
    assert result.exit_code == code, (args, result.output, result.stderr)
    assert "Traceback" not in result.output + result.stderr
    return result


def _styled_release(engine: Engine, settings: Settings, tmp_path: Path) -> int:
    rid = make_release(engine, settings, tmp_path / "src")
    run("release", "edit", str(rid), "--title", "NIGHT SIGNALS [RADIO EDIT]", "--p-line", "2024 Someone Else Ltd")
    return rid


def test_the_style_guide_findings_and_their_fixes_in_check(plugins_on: Path, sqlite_engine: Engine,
                                                           settings: Settings, tmp_path: Path) -> None:
    rid = _styled_release(sqlite_engine, settings, tmp_path)
    out = run("check", str(rid), code=1)
    lines = out.stdout.splitlines()
    assert ("error: p_line: the P line names 'Someone Else Ltd', not the label 'Nebula Records' "
            "[style.line-owner]") in lines
    assert lines[lines.index("error: p_line: the P line names 'Someone Else Ltd', not the label 'Nebula Records' "
                             "[style.line-owner]") + 1] == '  fix: P line "2024 Nebula Records"'
    caps = lines.index("warning: title: 'NIGHT SIGNALS [RADIO EDIT]' is written in capitals [style.all-caps]")
    assert lines[caps + 1] == '  fix: title "Night Signals [Radio Edit]"'
    version = lines.index("warning: title: 'NIGHT SIGNALS [RADIO EDIT]' has its version in square brackets: it goes "
                          "in the version field, shown as 'NIGHT SIGNALS (RADIO EDIT)' [style.version]")
    assert lines[version + 1] == '  fix: title "NIGHT SIGNALS", version "RADIO EDIT"'
    # the broken / wrong-API test plugins are one warning line each on stderr; check still ran
    assert len([ln for ln in out.stderr.splitlines() if "stardust-broken" in ln]) == 1
    data = json.loads(run("check", str(rid), "--json", code=1).stdout)
    owner = next(f for f in data["errors"] if f["code"] == "style.line-owner")
    assert owner["fix"] == 'P line "2024 Nebula Records"' and owner["severity"] == "error"
    assert {"style.all-caps", "style.version"} <= {f["code"] for f in data["warnings"]}

    off = run("--no-plugins", "check", str(rid))
    assert "style." not in off.stdout and off.stderr == ""
    disable(Path(settings.paths.config_dir), "stardust-style-guide")
    disabled = run("check", str(rid))
    assert "style." not in disabled.stdout


def test_the_itmsp_exporter_writes_packages_its_own_check_passes(plugins_on: Path, sqlite_engine: Engine,
                                                                 settings: Settings, tmp_path: Path) -> None:
    rid = make_release(sqlite_engine, settings, tmp_path / "src")
    out = tmp_path / "apple"
    out.mkdir()
    # a provider is required: one line, exit non-zero, nothing written
    missing = run("export", str(out), "--format", "itmsp", "--release", str(rid), code=1)
    assert missing.stderr.strip().splitlines()[-1].startswith("error: ") and "provider" in missing.stderr
    assert list(out.iterdir()) == []
    run("export", str(out), "--format", "itmsp", "--set", "provider=NebulaRec", "--release", str(rid))
    package = out / f"{UPC}.itmsp"
    names = sorted(p.name for p in package.iterdir())
    assert names == [f"{UPC}_01.wav", f"{UPC}_02.flac", f"{UPC}_cover.jpg", "metadata.xml"]
    doc = etree.parse(str(package / "metadata.xml")).getroot()
    assert doc.tag == f"{ITMS}package" and doc.get("version") == "music5.3"
    assert doc.findtext(f"{ITMS}provider") == "NebulaRec"
    album = doc.find(f"{ITMS}album")
    assert album.findtext(f"{ITMS}vendor_id") == UPC and album.findtext(f"{ITMS}track_count") == "2"
    # every file the metadata names: the catalog's bytes, with their size and MD5
    store = AssetStore(settings.paths)
    with session_scope(sqlite_engine) as s:
        release = load_release(s, rid)
        sources = [store.path_for(release.tracks[0].audio), store.path_for(release.tracks[1].audio),
                   store.path_for(release.cover)]
    source_md5 = {hashlib.md5(p.read_bytes()).hexdigest() for p in sources}
    files = {f.findtext(f"{ITMS}file_name"): f for f in doc.iter(f"{ITMS}file")}
    for el in doc.iter(f"{ITMS}audio_file"):
        files[el.findtext(f"{ITMS}file_name")] = el
    assert set(files) == set(names[:3])
    for name, el in files.items():
        data = (package / name).read_bytes()
        assert int(el.findtext(f"{ITMS}size")) == len(data)
        assert el.findtext(f"{ITMS}checksum") == hashlib.md5(data).hexdigest()
    assert {hashlib.md5((package / n).read_bytes()).hexdigest() for n in names[:3]} == source_md5

    ok = run("itmsp", "verify", str(package))
    assert ok.stdout.strip() == f"ok: {package} (2 track(s), 3 file(s))"
    again = run("export", str(out), "--format", "itmsp", "--set", "provider=NebulaRec", "--release", str(rid),
                code=1)  # never overwritten
    assert "exists" in again.stderr

    # --profile sends the genres through that DSP's mapping (Apple's genre codes)
    settings.paths.profiles_dir.mkdir(parents=True, exist_ok=True)
    (settings.paths.profiles_dir / "apple.toml").write_text(
        'extends = "generic-43"\nprofile_version = 1\n'
        '[genres]\nstrict = true\n[genres.map]\nElectronic = "ELECTRONICA-00"\n', encoding="utf-8")
    mapped = tmp_path / "apple-mapped"
    mapped.mkdir()
    run("export", str(mapped), "--format", "itmsp", "--set", "provider=NebulaRec", "--profile", "apple",
        "--release", str(rid))
    codes = {g.get("code") for g in etree.parse(str(mapped / f"{UPC}.itmsp" / "metadata.xml")).iter(f"{ITMS}genre")}
    assert codes == {"ELECTRONICA-00"}
    assert {g.get("code") for g in doc.iter(f"{ITMS}genre")} == {"Electronic"}  # without --profile: as catalogued

    # the check of its own catches what a copy could do to a package
    with (package / f"{UPC}_01.wav").open("ab") as fh:
        fh.write(b"\0")
    (package / "notes.txt").write_text("x", encoding="utf-8")
    (package / f"{UPC}_cover.jpg").unlink()
    bad = run("itmsp", "verify", str(package), "--json", code=1)
    problems = " | ".join(json.loads(bad.stdout)[0]["problems"])
    assert f"{UPC}_01.wav" in problems and f"{UPC}_cover.jpg" in problems and "notes.txt" in problems


@pytest.mark.parametrize(("folder", "count"), [("template", 3), ("stardust-style-guide", 6)])
def test_a_plugin_passes_its_own_tests(plugin_site: Path, folder: str, count: int) -> None:
    """What a plugin author runs (the template's README, docs/plugins.md) with the plugin installed: `pytest tests`."""
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
                         cwd=REPO / "plugins" / folder, env=site_env(plugin_site), capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"{count} passed" in out.stdout


def test_a_plugin_of_every_other_group_works(plugins_on: Path, sqlite_engine: Engine, settings: Settings,
                                             tmp_path: Path) -> None:
    # stardust.profiles: a plugin's profile is listed and usable; its broken file is one line
    listed = run("profile", "list", code=1)  # exit 1: a profile file could not be read
    assert "acme-dsp" in listed.stdout
    assert [ln for ln in listed.stderr.splitlines() if "acme-broken.toml" in ln] == [
        ln for ln in listed.stderr.splitlines() if "acme-broken.toml:2: invalid TOML" in ln] != []
    assert "acme-dsp" in run("profile", "show", "acme-dsp").stdout
    # stardust.importers: a plugin format, chosen by --format or by the file's suffix
    tsv = tmp_path / "catalog.acme"
    tsv.write_text("upc\ttitle\tartist\tlabel\trelease_date\tgenre\tisrc\ttrack_title\n"
                   "4006381333931\tBlue Skies\tAnn Lee\tMoon Records\t2025-02-01\tPop\tGBAYE2500001\tBlue\n",
                   encoding="utf-8")
    run("import", "catalog", str(tsv))
    shown = json.loads(run("release", "show", "4006381333931", "--json").stdout)
    assert shown["title"] == "Blue Skies" and shown["tracks"][0]["isrc"] == "GBAYE2500001"
    # stardust.rules: a rule that raises is a warning finding, never a crash
    rid = make_release(sqlite_engine, settings, tmp_path / "src", upc="4006381333948", n=1)
    run("release", "edit", str(rid), "--title", "KABOOM")
    checked = CliRunner().invoke(cli, ["check", str(rid)])
    assert checked.exit_code in (0, 1) and "Traceback" not in checked.output
    assert "stardust-kitchen rule 'kaboom' failed: ValueError: kaboom [plugin-rule-failed]" in checked.stdout
    # stardust.notifiers: a plugin channel kind added with --set and sent a test message
    log = tmp_path / "events.jsonl"
    run("notify", "add", "jsonl", "ops", "--set", f"path={log}")
    bad = run("notify", "add", "jsonl", "ops2", "--set", "path=relative.jsonl", code=1)
    assert "path must be an absolute file path" in bad.stderr
    tested = run("notify", "test", "ops")
    event = json.loads(log.read_text(encoding="utf-8").splitlines()[-1])
    assert event["type"] == "notify.test" and event["schema"] == "stardust.event/1"
    assert f"  test event {event['id']}" in tested.stdout and f"to {log}" in tested.stdout
