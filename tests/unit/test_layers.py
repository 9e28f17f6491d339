"""The layer contracts of pyproject.toml's ``[tool.importlinter]`` hold, and each one catches what it forbids.

``.ci/run`` runs ``lint-imports`` on the tree; here a copy of the package gets one forbidden import at a time
(a deferred one, as a cycle or a shortcut would hide it) and ``lint-imports`` must name the broken contract.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).with_name("lint-imports")
DOMAIN = "domain imports nothing above it"
CORE = "the core never imports Textual"
STORE = "reach the store only through"


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}  # this copy, not the installed (editable) package
    return subprocess.run([str(LINT), "--no-cache"], cwd=root, env=env, capture_output=True, text=True,
                          timeout=240)


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("layers")
    shutil.copytree(ROOT / "stardust_tui", root / "stardust_tui",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def _broken(out: str) -> list[str]:
    section = out.split("Broken contracts", 1)[1] if "Broken contracts" in out else ""
    return [name for name in (DOMAIN, CORE, STORE) if name in section.replace("\n", "")]


def test_the_tree_keeps_every_contract() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(("module", "line", "contracts"), [
    # the UI reaches domain/ directly, so a domain module importing the store is a shortcut to it as well
    ("domain/enums.py", "from stardust_tui.store import db", [DOMAIN, STORE]),
    ("domain/limits.py", "import httpx", [DOMAIN]),
    ("delivery/execute.py", "from textual.app import App", [CORE]),
    ("services/releases.py", "from stardust_tui.screens import catalog", [CORE]),
    ("cli/release.py", "from stardust_tui.store.db import session_scope", [STORE]),
    ("screens/catalog.py", "from stardust_tui.worker.queue import enqueue", [STORE]),
    ("api/routes_releases.py", "from stardust_tui.store import releases", [STORE]),
], ids=["domain->store", "domain->httpx", "delivery->textual", "services->screens", "cli->store",
        "screens->worker.queue->store", "api->store"])
def test_a_forbidden_deferred_import_breaks_its_contract(copy: Path, module: str, line: str,
                                                      contracts: list[str]) -> None:
    path = copy / "stardust_tui" / module
    original = path.read_text()
    try:
        path.write_text(original + f"\n\ndef _layer_probe() -> None:\n    {line}  # noqa\n")
        result = _lint(copy)
    finally:
        path.write_text(original)
    assert result.returncode == 1, result.stdout + result.stderr
    assert _broken(result.stdout) == contracts, result.stdout


def test_the_api_opens_the_configured_store_through_services(tmp_path: Path) -> None:
    from sqlalchemy import inspect

    from stardust_tui.api.app import create_app
    from stardust_tui.config import load_settings

    settings = load_settings(tmp_path / "home")
    app = create_app(settings)  # no engine handed in: the API opens (creates, migrates) the configured store
    state = app.state.api
    try:
        assert state.engine is state.system.store_engine
        assert {"release", "delivery", "api_key"} <= set(inspect(state.engine).get_table_names())
    finally:
        state.system.close()
