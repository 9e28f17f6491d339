"""The CLI starts without the API's dependencies: FastAPI, uvicorn, pydantic's app machinery and
prometheus_client load only when `stardust serve` (or `worker --http`) runs. Checked in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("fastapi", "uvicorn", "prometheus_client", "starlette")


def _loaded(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sorted(sys.modules)))"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return set(out.stdout.split())


def test_cli_import_and_help_do_not_load_the_api() -> None:
    loaded = _loaded("import stardust_tui.cli, stardust_tui.cli.serve, stardust_tui.cli.apikey, stardust_tui.api")
    offenders = sorted(m for m in loaded if m.split(".")[0] in HEAVY)
    assert offenders == [], offenders[:5]
    loaded = _loaded("from click.testing import CliRunner\nfrom stardust_tui.cli import cli\n"
                     "assert CliRunner().invoke(cli, ['serve', '--help']).exit_code == 0")
    assert not any(m.split(".")[0] in HEAVY for m in loaded)


def test_the_api_app_does_load_fastapi() -> None:
    """Guard against the check passing vacuously."""
    assert "fastapi" in _loaded("import stardust_tui.api.app")
