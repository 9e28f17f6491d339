"""The domain core never imports Textual: checked in a fresh interpreter through ``sys.modules``."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE_MODULES = [
    "stardust_tui.store",
    "stardust_tui.ern",
    "stardust_tui.delivery",
    "stardust_tui.worker",
    "stardust_tui.cli",
    "stardust_tui.services",
    "stardust_tui.domain.models",
    "stardust_tui.config",
]


def _loaded_after_import(module: str) -> set[str]:
    code = (
        "import importlib, pkgutil, sys\n"
        f"pkg = importlib.import_module({module!r})\n"
        "for info in pkgutil.walk_packages(getattr(pkg, '__path__', []), pkg.__name__ + '.'):\n"
        "    if '.migrations.versions' in info.name or info.name.endswith('.migrations.env'):\n"
        "        continue\n"
        "    importlib.import_module(info.name)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return set(out.stdout.split())


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_does_not_import_textual(module: str) -> None:
    loaded = _loaded_after_import(module)
    assert module in loaded
    offenders = sorted(m for m in loaded if m == "textual" or m.startswith("textual."))
    assert offenders == [], f"{module} pulls in Textual: {offenders[:5]}"


def test_cli_import_does_not_load_the_app() -> None:
    loaded = _loaded_after_import("stardust_tui.cli")
    assert "stardust_tui.app" not in loaded
    assert not any(m.startswith("stardust_tui.screens") for m in loaded)


def test_the_app_does_load_textual() -> None:
    """Guard against the check passing vacuously: importing the app does pull in Textual."""
    loaded = _loaded_after_import("stardust_tui.app")
    assert "textual.app" in loaded
