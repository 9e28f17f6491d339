"""The plugins the plugin tests use, really installed (issue 16).

:func:`plugin_site` (session) copies the two real plugins of ``plugins/``, the template and the test
fixtures of ``tests/plugin_fixtures/`` to a temporary folder and installs them all with ONE offline pip run
(``pip install --no-deps --no-build-isolation --no-index --target SITE ...``: a real build of each package,
its entry points written into its ``.dist-info``) into a folder of their own rather than the shared venv, so
other tests never see them. :func:`plugins_on` puts that folder on ``sys.path`` for one test (as an installed
site), resets the plugin loader, and takes everything back afterwards; subprocesses get it through
``PYTHONPATH`` (:func:`site_env`). A failed install fails the tests (never a skip).
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = [REPO / "plugins" / "stardust-itmsp", REPO / "plugins" / "stardust-style-guide",
            REPO / "plugins" / "template", *sorted((REPO / "tests" / "plugin_fixtures").iterdir())]
MODULES = ("stardust_itmsp", "stardust_style_guide", "stardust_myplugin", "stardust_broken", "stardust_future",
           "stardust_spool", "stardust_kitchen", "stardust_dav")


def install(packages: list[Path], site: Path, work: Path) -> None:
    """Build and install ``packages`` into ``site`` (copies are built, the source tree stays clean)."""
    copies = []
    for package in packages:
        copy = work / package.name
        shutil.copytree(package, copy, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
        copies.append(str(copy))
    cmd = [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index",
           "--disable-pip-version-check", "--quiet", "--target", str(site), *copies]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        pytest.fail(f"installing the test plugins failed:\n{out.stdout}\n{out.stderr}")


@pytest.fixture(scope="session")
def plugin_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("plugins")
    site = root / "site"
    install(PACKAGES, site, root)
    return site


def site_env(site: Path, **extra: str) -> dict[str, str]:
    """The environment of a ``stardust`` subprocess that sees the installed plugins."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), str(REPO)]), **extra)
    env.pop("STARDUST_NO_PLUGINS", None)
    return env


def forget_plugin_modules() -> None:
    for name in list(sys.modules):
        if name.split(".")[0] in MODULES:
            del sys.modules[name]


@pytest.fixture
def plugins_on(plugin_site: Path) -> Iterator[Path]:
    """The installed plugins visible to this test's process (and to nothing after it)."""
    from stardust_tui import plugin_loader

    sys.path.insert(0, str(plugin_site))
    importlib.invalidate_caches()
    plugin_loader.reset()
    try:
        yield plugin_site
    finally:
        sys.path.remove(str(plugin_site))
        forget_plugin_modules()
        importlib.invalidate_caches()
        plugin_loader.reset()


def disable(home: Path, *names: str) -> None:
    """Write ``[plugins] disabled = [...]`` into the test home's config.toml."""
    home.mkdir(parents=True, exist_ok=True)
    quoted = ", ".join(f'"{n}"' for n in names)
    (home / "config.toml").write_text(f"[plugins]\ndisabled = [{quoted}]\n", encoding="utf-8")
