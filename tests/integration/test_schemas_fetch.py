"""``stardust schemas fetch|list|verify`` against a real HTTP server (and a zip, and a folder).

The server serves ``../shared/ddex/xsd`` in the installed layout and in DDEX's own layout (with an import by
absolute URL, as DDEX's files have), and answers faults: an HTML page with status 200, a body shorter than its
Content-Length, XML cut without a length. Every refusal is one ``error:`` line with nothing installed or
changed; an accepted fetch installs files whose SHA-256 ``schemas verify`` re-checks, and ERN validation then
uses them when no folder is configured.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from stardust_tui.cli import cli
from stardust_tui.config import load_settings
from stardust_tui.schemas.resolve import NO_SCHEMAS_HINT, schema_folder
from tests.conftest import XSD_DIR
from tests.integration.schema_server import SchemaServer, start_schema_server

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "ern"


@pytest.fixture
def server() -> Iterator[SchemaServer]:
    srv = start_schema_server(XSD_DIR)
    yield srv
    srv.stop()


@pytest.fixture(autouse=True)
def no_configured_schemas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STARDUST_DDEX_SCHEMAS", raising=False)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def installed(home: Path) -> Path:
    return home / "ddex-schemas"


def tree_digest(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_fetch_from_a_mirror_installs_verified_schemas_that_validation_uses(server: SchemaServer,
                                                                            isolated_home: Path) -> None:
    assert schema_folder(load_settings()) is None
    code, out, err = run("schemas", "fetch", "--from", f"{server.base}/mirror/")
    assert code == 0, err
    for label in ("ERN 3.8.2", "ERN 4.2", "ERN 4.3", "ERN-C SFTP 1.6", "ERN-C SFTP 1.8"):
        assert f"{label}: " in out
    root = installed(isolated_home)
    manifest = json.loads((root / "manifest.json").read_text())
    files = manifest["sets"]["4.3"]["files"]
    assert set(files) == {"release-notification.xsd", "allowed-value-sets.xsd"}
    import hashlib

    for name, facts in files.items():
        assert hashlib.sha256((root / "ern-43" / name).read_bytes()).hexdigest() == facts["sha256"]
        assert facts["origin"] == f"{server.base}/mirror/ern-43/{name}"
    assert not list(isolated_home.glob(".ddex-schemas-*")), "temporary folders are gone"
    # validation now uses them (no folder configured anywhere)
    assert schema_folder(load_settings()) == root
    golden = sorted(GOLDEN.glob("*43*.xml"))[0]
    code, out, err = run("ern", "validate", str(golden))
    assert code == 0 and "XSD checked" in out, out + err
    code, out, _ = run("schemas", "verify")
    assert code == 0 and "12 of 12 file(s) match" in out
    code, out, _ = run("schemas", "list")
    assert f"in use: {root} (installed)" in out and "ERN-C SFTP 1.8" in out


def test_ddex_layout_with_absolute_imports_is_made_self_contained(server: SchemaServer, isolated_home: Path) -> None:
    code, out, err = run("schemas", "fetch", "--from", f"{server.base}/ddex/", "--version", "4.3")
    assert code == 0, err
    assert f"{server.base}/ddex/ern/43/release-notification.xsd" in err  # DDEX's layout was found first
    assert f"{server.base}/ddex/avs/ern-43/allowed-value-sets.xsd" in err  # the absolute import was followed
    root = installed(isolated_home)
    main = (root / "ern-43" / "release-notification.xsd").read_bytes()
    assert b'schemaLocation="allowed-value-sets.xsd"' in main and server.base.encode() not in main
    entry = json.loads((root / "manifest.json").read_text())["sets"]["4.3"]["files"]["release-notification.xsd"]
    assert entry["sha256_as_fetched"] != entry["sha256"]  # what DDEX sent and what is stored are both recorded
    assert set(json.loads((root / "manifest.json").read_text())["sets"]) == {"4.3", "ern-c-1.6", "ern-c-1.8"}


@pytest.mark.parametrize(("prefix", "expected"), [
    ("html", "got an HTML page, not an XML Schema"),
    ("trunc", "truncated"),
    ("cut", "truncated (the XML ends early)"),
])
def test_html_pages_and_truncated_files_are_refused_and_nothing_changes(server: SchemaServer, isolated_home: Path,
                                                                       prefix: str, expected: str) -> None:
    code, _, err = run("schemas", "fetch", "--from", f"{server.base}/mirror/", "--version", "4.3")
    assert code == 0, err
    before = tree_digest(installed(isolated_home))
    code, out, err = run("schemas", "fetch", "--from", f"{server.base}/{prefix}/", "--version", "4.3")
    lines = [ln for ln in err.splitlines() if ln.startswith("error:")]
    assert code == 1 and len(lines) == 1 and expected in lines[0], err
    assert "Traceback" not in err
    assert tree_digest(installed(isolated_home)) == before
    assert not list(isolated_home.glob(".ddex-schemas-*"))


def test_nothing_there_is_one_line_and_nothing_is_created(server: SchemaServer, isolated_home: Path) -> None:
    code, _, err = run("schemas", "fetch", "--from", f"{server.base}/nowhere/")
    assert code == 1 and err.count("error:") == 1 and "no ERN 3.8.2 schema found" in err
    assert not installed(isolated_home).exists()


def test_fetch_from_a_zip_and_a_truncated_zip(tmp_path: Path, isolated_home: Path) -> None:
    archive = tmp_path / "ddex-ern-xsd.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(XSD_DIR.rglob("*.xsd")):
            zf.write(path, f"DDEX schemas/{path.relative_to(XSD_DIR).as_posix()}")
    code, out, err = run("schemas", "fetch", "--from", str(archive), "--version", "3.8.2")
    assert code == 0, err
    assert "ERN 3.8.2: 2 file(s)" in out
    root = installed(isolated_home)
    assert (root / "ern-382" / "avs_20161006.xsd").is_file()
    assert "ern-43" not in os.listdir(root)  # only what was asked (plus choreography)
    entry = json.loads((root / "manifest.json").read_text())["sets"]["3.8.2"]
    assert entry["files"]["release-notification.xsd"]["origin"].endswith(
        "ddex-ern-xsd.zip!DDEX schemas/ern-382/release-notification.xsd")
    cut = tmp_path / "cut.zip"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 3])
    code, _, err = run("schemas", "fetch", "--from", str(cut))
    assert code == 1 and err.count("error:") == 1 and "not a zip file, or a truncated one" in err


def test_a_later_version_fetch_keeps_the_other_versions(tmp_path: Path, isolated_home: Path) -> None:
    assert run("schemas", "fetch", "--from", str(XSD_DIR), "--version", "4.2")[0] == 0
    assert run("schemas", "fetch", "--from", str(XSD_DIR), "--version", "4.3")[0] == 0
    sets = json.loads((installed(isolated_home) / "manifest.json").read_text())["sets"]
    assert {"4.2", "4.3"} <= set(sets)
    assert run("schemas", "verify")[0] == 0


def test_verify_names_a_changed_or_missing_file(isolated_home: Path) -> None:
    code, out, _ = run("schemas", "verify")
    assert code == 2 and "no DDEX schemas installed" in _ + out
    assert run("schemas", "fetch", "--from", str(XSD_DIR), "--version", "4.3")[0] == 0
    root = installed(isolated_home)
    avs = root / "ern-43" / "allowed-value-sets.xsd"
    avs.write_bytes(avs.read_bytes().replace(b"Afraid", b"Afrayd", 1))
    (root / "ern-c-sftp-18" / "xmldsig-core-schema.xsd").unlink()
    code, out, _ = run("schemas", "verify")
    assert code == 1
    assert "changed: ern-43/allowed-value-sets.xsd" in out and "missing: ern-c-sftp-18/xmldsig-core-schema.xsd" in out


def test_a_configured_folder_wins_over_the_installed_one(tmp_path: Path, isolated_home: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    mine = tmp_path / "my-xsd"
    shutil.copytree(XSD_DIR / "ern-43", mine / "ern-43")
    monkeypatch.setenv("STARDUST_DDEX_SCHEMAS", str(mine))
    code, out, err = run("schemas", "fetch", "--from", str(XSD_DIR), "--version", "4.3")
    assert code == 0 and f"validation uses {mine} (STARDUST_DDEX_SCHEMAS)" in err
    code, out, _ = run("schemas", "list")
    assert f"in use: {mine} (STARDUST_DDEX_SCHEMAS)" in out and "ERN versions there: 4.3" in out
    assert schema_folder(load_settings()) == mine
    monkeypatch.delenv("STARDUST_DDEX_SCHEMAS")
    assert schema_folder(load_settings()) == installed(isolated_home)


def test_no_schemas_says_how_to_get_them(isolated_home: Path) -> None:
    golden = sorted(GOLDEN.glob("*43*.xml"))[0]
    code, out, err = run("ern", "validate", str(golden))
    assert code == 0 and "stardust schemas fetch" in err
    code, out, _ = run("schemas", "list")
    assert NO_SCHEMAS_HINT in out and "installed: nothing" in out
