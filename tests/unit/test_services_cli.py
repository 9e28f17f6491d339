"""The application layer as the CLI uses it: who acts, the authorize gate, config validation, --json,
exit codes, the `import` subcommands and their old spellings, and the layering (cli/ never reaches the
store; nothing in the core imports cli/)."""

from __future__ import annotations

import ast
import getpass
import json
import re
import tomllib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from stardust_tui.cli import cli
from stardust_tui.cli.importexport import import_group
from stardust_tui.config import load_settings
from stardust_tui.config_schema import SCHEMA, nearest_key, validate
from stardust_tui.errors import ConfigError, ExitCode, StardustError, StoreError, ValidationError
from stardust_tui.services import Services
from stardust_tui.services.actor import ACTIONS, Actor

PACKAGE = Path(__file__).resolve().parents[2] / "stardust_tui"
README = PACKAGE.parent / "README.md"

# Commands that change something or run something and read nothing worth a document; every other
# command must take --json. A new reading command without --json fails test_every_reading_command_has_json.
ACTIONS_WITHOUT_JSON = {
    "init", "db upgrade", "demo", "tui", "worker", "watch", "export", "backup", "deliver",
    "release create", "release add-track", "release set-status", "release duplicate", "release delete",
    "release reindex", "release edit", "release add-deal", "asset add", "ern build",
    "target add", "target edit", "target enable", "target disable", "target remove",
    "deliveries retry", "deliveries cancel", "deliveries prune",
    "user add", "user remove", "user set-role",  # issue 15
    "serve", "apikey revoke",  # issue 11 (serve --check prints JSON)
    "notify add email", "notify add webhook", "notify enable", "notify disable", "notify remove",  # issue 10
    "notify retry", "notify test",
    "asset credentials", "privacy export",  # issues 12 and 15 (privacy export writes its file)
    "sandbox serve", "sandbox target",  # issue 13
}


def run(*args: str, code: int = 0, env: dict[str, str] | None = None) -> click.testing.Result:
    result = CliRunner().invoke(cli, list(args), env=env)
    assert result.exit_code == code, (args, result.output, result.stderr)
    assert "Traceback" not in result.output
    return result


def _commands(cmd: click.Command, path: tuple[str, ...] = ()) -> list[tuple[str, click.Command]]:
    out = []
    if isinstance(cmd, click.Group):
        if path and cmd.invoke_without_command:
            out.append((" ".join(path), cmd))
        for name, sub in cmd.commands.items():
            out += _commands(sub, (*path, name))
    else:
        out.append((" ".join(path), cmd))
    return out


# -- who acts -----------------------------------------------------------------------------------------------
def test_changes_are_recorded_under_the_os_user_or_stardust_actor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STARDUST_ACTOR", raising=False)
    rid = run("release", "create", "--title", "Who", "--artist", "Me").stdout.strip()
    run("release", "edit", rid, "--genre", "Pop", env={"STARDUST_ACTOR": "api-key-7"})
    history = json.loads(run("release", "history", rid, "--json").stdout)
    assert [e["actor"] for e in history] == [getpass.getuser(), "api-key-7"]
    assert [e["action"] for e in history] == ["create", "edit"]
    assert all(re.match(r"\d{4}-\d\d-\d\dT", e["at"]) for e in history)  # ISO 8601, as the API will serve


def test_actor_kinds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STARDUST_ACTOR", raising=False)
    worker = Actor.worker("host-a")
    assert (worker.name, worker.kind) == ("worker@host-a", "worker")
    assert Actor.from_environment() == Actor(getpass.getuser(), "user")
    assert Actor.api_key("shop", labels=("Star",)).kind == "apikey"
    monkeypatch.setenv("STARDUST_ACTOR", "ci-bot")
    assert Actor.worker("host-a").name == Actor.from_environment().name == "ci-bot"


def test_deliveries_record_the_user_in_process_and_worker_at_host_in_the_daemon(
        sqlite_engine, settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    import socket

    from tests.integration.delivery_release import UPC, make_release

    monkeypatch.delenv("STARDUST_ACTOR", raising=False)
    rid = make_release(sqlite_engine, settings, tmp_path / "src")
    out = tmp_path / "dsp"
    out.mkdir()
    run("target", "add", "local", "--url", f"file://{out}")
    run("deliver", UPC, "--target", "local", "--wait")  # no daemon alive: runs here, as the user
    run("release", "set-status", str(rid), "ready")
    run("deliver", UPC, "--target", "local", "--type", "update")
    run("worker", "--once", "--quiet")  # the daemon
    history = json.loads(run("release", "history", str(rid), "--json").stdout)
    delivered = [e["actor"] for e in history if e["action"] == "set-status"]
    assert delivered == [getpass.getuser(), getpass.getuser(), f"worker@{socket.gethostname()}"], history


def test_target_changes_are_audited_without_secrets(sqlite_engine, tmp_path: Path) -> None:  # noqa: ANN001
    from sqlmodel import select

    from stardust_tui.domain.models import AuditEntry
    from stardust_tui.store.db import session_scope

    out = tmp_path / "out"
    out.mkdir()
    services = Services(settings=load_settings(), engine_source=sqlite_engine, actor=Actor("ann"))
    services.targets.add(name="dsp", url=f"file://{out}", secrets={"token": "s3cr3t-value"})
    services.targets.set_enabled("dsp", False)
    with session_scope(sqlite_engine) as s:
        rows = s.exec(select(AuditEntry).where(AuditEntry.entity == "target")).all()
        assert [(r.actor, r.action) for r in rows] == [("ann", "add-target"), ("ann", "edit-target")]
        assert rows[1].before["enabled"] is True and rows[1].after["enabled"] is False
        assert "token" in rows[0].note and "s3cr3t" not in json.dumps([r.model_dump(mode="json") for r in rows])


# -- the authorize gate -------------------------------------------------------------------------------------
def test_authorize_is_where_a_refusal_stops_a_command(monkeypatch: pytest.MonkeyPatch) -> None:
    run("init")
    seen: list[str] = []

    def refuse_writes(self: Services, action: str) -> None:
        seen.append(action)
        if ACTIONS[action] != "read":
            raise StardustError(f"{self.actor.name} may not {action}")

    monkeypatch.setattr(Services, "authorize", refuse_writes)
    result = run("release", "create", "--title", "No", "--artist", "One", code=1)
    assert result.stderr.strip().endswith("may not release.write") and len(result.stderr.splitlines()) == 1
    assert json.loads(run("release", "list", "--json").stdout)["total"] == 0  # nothing was written
    assert seen == ["release.write", "release.read"]


def test_every_authorize_call_names_a_known_action() -> None:
    used: set[str] = set()
    for path in (PACKAGE / "services").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "authorize"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                used.add(node.args[0].value)
    assert used and used <= set(ACTIONS), used - set(ACTIONS)
    with pytest.raises(ValueError, match="unknown action"):
        Services(settings=load_settings(), engine_source=lambda: None).authorize("release.wrte")  # type: ignore[arg-type, return-value]


# -- config -------------------------------------------------------------------------------------------------
def test_a_bad_config_value_is_one_line_and_exit_2(isolated_home: Path) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.toml").write_text('[worker]\nconcurrency = "four"\n', encoding="utf-8")
    result = run("release", "list", code=ExitCode.USAGE)
    assert result.stderr.splitlines() == [
        f"error: {isolated_home / 'config.toml'}: worker.concurrency: expected an integer, got 'four'"]


def test_an_unknown_config_key_warns_with_the_nearest_known_one(isolated_home: Path) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.toml").write_text('them = "x"\n[worker]\nconcurency = 2\n', encoding="utf-8")
    result = run("db", "current")
    assert "unknown key 'them' (did you mean 'theme'?)" in result.stderr
    assert "unknown key 'worker.concurency' (did you mean 'worker.concurrency'?)" in result.stderr
    assert load_settings().worker_concurrency == 4  # the misspelt key changed nothing
    assert nearest_key("concurrency") == "worker.concurrency"


@pytest.mark.parametrize(("toml", "message"), [
    ("worker = 3", "worker: expected a table ([worker]), got 3"),
    ("[worker]\nconcurrency = 0", "worker.concurrency: expected an integer from 1 to 256, got 0"),
    ("[worker]\nconcurrency = true", "worker.concurrency: expected an integer, got True"),
    ('theme = ""', "theme: expected a non-empty string"),
    ("database_url = 5", "database_url: expected a string, got 5"),
    ('sender_dpid = "PADPIDA2014120301A"', "wrong DDEX party ID check character"),
    ('sender_dpid = "nope"', "is not a DDEX party ID"),
    ("[watch]\ndirs = \"/srv\"", "watch.dirs: expected a list of strings, got '/srv'"),
    ("[watch]\ndirs = [1]", "watch.dirs: expected a list of non-empty strings, got 1 in it"),
    ('[backup]\nenabled = "yes"', "backup.enabled: expected true or false, got 'yes'"),
    ("[backup]\ninterval_hours = nan", "backup.interval_hours: expected a number, got nan"),
    ("[backup]\nkeep = -1", "backup.keep: expected an integer from 1 to 10000, got -1"),
    ("[keymap]\nquit = 3", "keymap.quit: expected a string, got 3"),
    ("keymap = 3", "keymap: expected a table ([keymap]), got 3"),
])
def test_each_config_key_is_checked(toml: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        validate(tomllib.loads(toml), "config.toml")
    assert err.value.exit_code == ExitCode.USAGE
    assert str(err.value).startswith("config.toml: ") and message in str(err.value)


def test_the_readme_configuration_is_valid_and_complete() -> None:
    block = README.read_text(encoding="utf-8").split("## Configuration", 1)[1].split("```toml", 1)[1].split("```")[0]
    values, warnings = validate(tomllib.loads(block), "README")
    assert warnings == []
    assert set(values) - {"keymap"} == set(SCHEMA)  # the README shows every key there is
    assert values["worker.concurrency"] == 4 and values["keymap"] == {"catalog-search": "slash,ctrl+f"}


# -- exit codes and --json ----------------------------------------------------------------------------------
def test_exit_codes_are_one_enum_and_the_readme_lists_them() -> None:
    assert (ExitCode.OK, ExitCode.FAILED, ExitCode.USAGE, ExitCode.STORE, ExitCode.INTERNAL) == (0, 1, 2, 3, 70)
    assert ValidationError("x").exit_code == ExitCode.FAILED and StoreError("x").exit_code == ExitCode.STORE
    table = README.read_text(encoding="utf-8").split("| exit status | meaning |", 1)[1].split("\n\n", 1)[0]
    listed = {int(m) for m in re.findall(r"^\| (\d+) \|", table, re.MULTILINE)}
    assert listed == {int(c) for c in ExitCode}


def test_every_reading_command_has_json() -> None:
    commands = dict(_commands(cli))
    without = {name for name, cmd in commands.items()
               if not any("--json" in getattr(p, "opts", ()) for p in cmd.params)}
    assert without == ACTIONS_WITHOUT_JSON


def test_json_documents_of_a_small_catalog(tmp_path: Path) -> None:
    rid = run("release", "create", "--title", "Doc", "--artist", "Ann", "--upc", "036000291452").stdout.strip()
    out = tmp_path / "out"
    out.mkdir()
    run("target", "add", "local", "--url", f"file://{out}")
    docs = {args: json.loads(run(*args, "--json").stdout) for args in [
        ("release", "list"), ("release", "show", rid), ("release", "history", rid), ("db", "current"),
        ("target", "list"), ("target", "show", "local"), ("profile", "list"), ("deliveries",),
        ("deliveries", "targets"), ("deliveries", "workers"), ("import", "fields"), ("import", "history"),
        ("asset", "list"), ("asset", "verify"),
    ]}
    assert docs[("release", "list")]["releases"][0]["title"] == "Doc"
    assert docs[("release", "show", rid)]["upc"] == "036000291452"
    assert docs[("target", "show", "local")]["target"]["name"] == "local"
    assert docs[("target", "show", "local")]["secrets_set"] == []
    assert docs[("db", "current")]["current"] == docs[("db", "current")]["head"]
    assert {"name", "level", "help"} <= set(docs[("import", "fields")][0])
    assert docs[("asset", "verify")] == {"checked": 0, "bad": []}
    check = run("check", rid, "--json", code=1)
    assert json.loads(check.stdout)["ok"] is False


# -- import subcommands and the earlier spellings -----------------------------------------------------------
@pytest.mark.parametrize(("args", "routed"), [
    (["cat.csv"], ["catalog", "cat.csv"]),
    (["cat.csv", "--dry-run"], ["catalog", "cat.csv", "--dry-run"]),
    (["--format", "csv", "cat.csv"], ["catalog", "--format", "csv", "cat.csv"]),
    (["--fields"], ["fields"]),
    (["--history"], ["history"]),
    (["audio", "DIR"], ["audio", "DIR"]),
    (["--dry-run", "audio", "DIR"], ["audio", "--dry-run", "DIR"]),
    (["--replace", "--json", "audio", "DIR"], ["audio", "--replace", "--json", "DIR"]),
    (["catalog", "history"], ["catalog", "history"]),
    (["ddex", "a.xml"], ["ddex", "a.xml"]),
    (["--help"], ["--help"]),
    ([], []),
])
def test_import_routes_the_earlier_spellings(args: list[str], routed: list[str]) -> None:
    assert import_group.route(args) == routed  # type: ignore[attr-defined]


def test_import_subcommands_and_old_spellings_give_the_same_result(tmp_path: Path) -> None:
    src = tmp_path / "cat.csv"
    src.write_text("UPC,Release Title,Artist,Track Title,ISRC\n012345678905,Sub,Band,One,USABC2400001\n",
                   encoding="utf-8")
    assert run("import", "--fields").output == run("import", "fields").output
    old = json.loads(run("import", str(src), "--dry-run", "--json").stdout)
    new = json.loads(run("import", "catalog", str(src), "--dry-run", "--json").stdout)
    assert (old["created"], old["dry_run"]) == (new["created"], new["dry_run"]) == (1, True)
    run("import", "catalog", str(src))
    assert run("import", "--history").output == run("import", "history").output
    assert "cat.csv" in run("import", "history").output


# -- layering -----------------------------------------------------------------------------------------------
def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_cli_reaches_the_store_only_through_services() -> None:
    forbidden = ("sqlalchemy", "sqlmodel", "stardust_tui.store", "stardust_tui.worker", "stardust_tui.delivery.targets")
    for path in sorted((PACKAGE / "cli").glob("*.py")):
        bad = sorted(m for m in _imports(path) if m.startswith(forbidden))
        assert bad == [], f"{path.name} imports {bad}"
        assert "session_scope" not in path.read_text(encoding="utf-8"), path.name


def test_nothing_in_the_core_imports_the_cli() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        if "cli" in path.relative_to(PACKAGE).parts or path.name == "__main__.py":
            continue
        assert not any(m.startswith("stardust_tui.cli") for m in _imports(path)), path
