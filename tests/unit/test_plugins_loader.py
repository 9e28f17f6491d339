"""Finding and loading plugins (issue 16): entry points of really installed packages, API versions, a plugin
that raises on import, disabled plugins, --no-plugins, `stardust plugin list`, and no discovery for commands
that need no plugin."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from stardust_tui import plugin_loader, plugin_points
from stardust_tui.cli import cli
from stardust_tui.plugin_scan import normalize, parse_entry_points, scan
from tests.plugin_site import disable, site_env

ALL = {"stardust-itmsp", "stardust-style-guide", "stardust-myplugin", "stardust-broken", "stardust-future",
       "stardust-spool", "stardust-kitchen", "stardust-dav"}


def test_entry_point_files_are_read_like_the_packaging_spec() -> None:
    text = ("# comment\n[console_scripts]\nx = a:b\n[stardust.rules]\n; another comment\n"
            "one = pkg.mod:Rule [extra1, extra2]\n  two=pkg:func\nnot an entry\n[stardust.profiles]\np = pkg\n")
    points = parse_entry_points(text)
    assert [(p.group, p.name, p.value) for p in points] == [
        ("stardust.rules", "one", "pkg.mod:Rule"), ("stardust.rules", "two", "pkg:func"),
        ("stardust.profiles", "p", "pkg")]
    assert (points[0].module, points[0].attr) == ("pkg.mod", "Rule")
    assert normalize("Stardust_Style.Guide") == "stardust-style-guide"


def test_scan_finds_the_installed_plugins_and_the_first_copy_wins(plugin_site: Path, tmp_path: Path) -> None:
    found = {d.name: d for d in scan([str(plugin_site)])}
    assert set(found) == ALL
    assert found["stardust-itmsp"].version == "1.0.0"
    assert {(e.group, e.name) for e in found["stardust-itmsp"].entry_points} == {
        ("stardust.exporters", "itmsp"), ("stardust.commands", "itmsp")}
    # a second, older copy later on the path is shadowed, as importlib.metadata does
    shadow = tmp_path / "stardust_itmsp-0.1.dist-info"
    shadow.mkdir()
    (shadow / "entry_points.txt").write_text("[stardust.exporters]\nold = x:y\n", encoding="utf-8")
    (shadow / "METADATA").write_text("Name: stardust-itmsp\nVersion: 0.1\n\n", encoding="utf-8")
    again = {d.name: d for d in scan([str(plugin_site), str(tmp_path)])}
    assert again["stardust-itmsp"].version == "1.0.0"
    assert scan([str(tmp_path / "nowhere"), str(tmp_path / "x.zip")]) == []


def test_a_broken_and_a_wrong_api_plugin_are_one_line_each_and_the_rest_loads(plugins_on: Path) -> None:
    lines: list[str] = []
    plugin_loader.configure(report=lines.append)
    host = plugin_loader.host()
    rules = {item.name: item for item in host.loaded("stardust.rules")}
    assert rules["boom"].status == "failed" and "RuntimeError" in rules["boom"].detail
    assert rules["future"].status == "refused"
    assert {"feat-placement", "all-caps", "version-in-parentheses", "line-owner", "kaboom",
            "no-trailing-period"} <= {n for n, i in rules.items() if i.status == "ok"}
    host.loaded("stardust.rules")
    host.loaded("stardust.exporters")  # the broken plugin's second entry: no second line
    assert lines == host.problems
    assert len([ln for ln in lines if "stardust-broken" in ln]) == 1
    assert [ln for ln in lines if "stardust-future" in ln] == [
        "plugin stardust-future 2.0.0 is written for plugin API 2, this Stardust speaks API 1; skipped"]
    broken = next(ln for ln in lines if "stardust-broken" in ln)
    assert broken.startswith("plugin stardust-broken 0.1.0 failed to load (") and broken.endswith("; skipped")
    assert "\n" not in broken
    # the refused plugin's rule never runs; the others do
    assert "future" not in {item.name for item, _ in plugin_points.rules()}


def test_entries_of_the_wrong_kind_are_refused_alone(plugins_on: Path) -> None:
    lines: list[str] = []
    plugin_loader.configure(report=lines.append)
    assert "bogus" not in plugin_points.transports()
    assert "spool" in plugin_points.transports()
    commands = plugin_points.commands(cli.commands)
    assert "acme-hello" in commands and "check" not in commands
    assert any("stardust-kitchen" in ln and "not a Transport subclass" in ln for ln in lines)
    assert any("would replace the `stardust check` command" in ln for ln in lines)
    assert "acme-tsv" in plugin_points.importers()  # the same plugin's other entries load


def test_disabled_plugins_and_no_plugins(plugins_on: Path, isolated_home: Path) -> None:
    plugin_loader.configure(disabled=["Stardust_Style_Guide"])
    assert not [i for i, _ in plugin_points.rules() if i.plugin == "stardust-style-guide"]
    statuses = {i.plugin: i.status for i in plugin_loader.host().loaded("stardust.rules")}
    assert statuses["stardust-style-guide"] == "disabled"
    plugin_loader.configure(off=True)
    assert plugin_points.rules() == [] and plugin_points.exporters() == {}
    assert plugin_loader.host().problems == []  # nothing imported, nothing broken


def test_plugin_list_shows_each_plugin_version_groups_and_status(plugins_on: Path, isolated_home: Path) -> None:
    disable(isolated_home, "stardust-template-typo", "stardust-spool")
    result = CliRunner().invoke(cli, ["plugin", "list", "--json"])
    assert result.exit_code == 1, result.output  # a plugin failed / was refused
    data = json.loads(result.stdout)
    by_name = {p["name"]: p for p in data["plugins"]}
    assert set(by_name) == ALL and data["api"] == 1
    assert by_name["stardust-itmsp"]["status"] == "ok"
    assert by_name["stardust-itmsp"]["groups"] == {"stardust.exporters": ["itmsp"], "stardust.commands": ["itmsp"]}
    assert by_name["stardust-broken"]["status"] == "failed"
    assert by_name["stardust-future"]["status"] == "refused"
    assert by_name["stardust-spool"]["status"] == "disabled"
    assert by_name["stardust-kitchen"]["status"] == "failed"  # its bogus transport and clashing command
    assert data["disabled_not_installed"] == ["stardust-template-typo"]
    text = CliRunner().invoke(cli, ["plugin", "list"])
    assert "stardust-style-guide  1.0.0" in text.stdout
    assert "rules: all-caps, feat-placement, line-owner, version-in-parentheses" in text.stdout
    assert "warning: [plugins] disabled names 'stardust-template-typo', which is not installed" in text.stderr
    assert "warning: plugin stardust-future 2.0.0 is written for plugin API 2" in text.stderr
    off = CliRunner().invoke(cli, ["--no-plugins", "plugin", "list", "--json"])
    assert off.exit_code == 0
    assert {p["status"] for p in json.loads(off.stdout)["plugins"]} == {"off"}


def test_a_bad_disabled_list_is_a_config_error(isolated_home: Path) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.toml").write_text('[plugins]\ndisabled = "stardust-x"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["plugin", "list"])
    assert result.exit_code == 2
    assert "plugins.disabled: expected a list of strings" in result.output


def test_a_plugin_command_runs_and_help_lists_it(plugin_site: Path, isolated_home: Path) -> None:
    env = site_env(plugin_site)
    out = subprocess.run([sys.executable, "-m", "stardust_tui", "acme-hello", "--name", "Ann"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"hello Ann from acme; data in {isolated_home}"
    # only the commands group was loaded: the kitchen plugin's clashing command is one warning line, and the
    # plugins that only fail in other groups were not even imported
    assert out.stderr.strip() == ("warning: plugin stardust-kitchen 0.9.0: stardust.commands 'check' would replace "
                                  "the `stardust check` command; skipped")
    helped = subprocess.run([sys.executable, "-m", "stardust_tui", "--help"], env=env, capture_output=True,
                            text=True, timeout=120)
    assert "acme-hello" in helped.stdout and "itmsp" in helped.stdout
    off = subprocess.run([sys.executable, "-m", "stardust_tui", "--no-plugins", "acme-hello"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert off.returncode == 2 and off.stderr == "error: no such command 'acme-hello' (see stardust --help)\n"


def test_built_in_commands_do_not_look_for_plugins(plugin_site: Path) -> None:
    """`stardust release --help` and `stardust --version` never scan for plugins nor import one."""
    code = ("import sys\nfrom stardust_tui.cli import cli\nfrom stardust_tui import plugin_loader\n"
            "for args in (['release', '--help'], ['--version'], ['profile', '--help']):\n"
            "    try:\n        cli(args)\n    except SystemExit:\n        pass\n"
            "print(plugin_loader._host is None, 'stardust_tui.plugin_scan' in sys.modules and "
            "plugin_loader._host is not None, sorted(m for m in sys.modules if m.startswith('stardust_itmsp')))")
    out = subprocess.run([sys.executable, "-c", code], env=site_env(plugin_site), capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "True False []"
