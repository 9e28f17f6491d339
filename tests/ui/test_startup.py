"""Start-up: the first frame does not wait for the store. The CLI hands the app a function that opens
the store; the first database worker calls it off the event loop, and a store that cannot be opened ends
the app with the CLI's one-line error. The start-up imports stay light (no SQLAlchemy, Alembic, ERN,
delivery or asset libraries before the first frame)."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from sqlalchemy.engine import Engine
from textual.widgets import DataTable
from tui_helpers import settle

from stardust_tui.app import make_app
from stardust_tui.config import Settings
from stardust_tui.errors import StoreError

pytestmark = pytest.mark.anyio


async def test_store_opened_by_a_worker_thread_after_the_first_frame(seeded, settings: Settings) -> None:
    engine, ids = seeded
    opened_in: list[threading.Thread] = []

    def open_engine() -> Engine:
        opened_in.append(threading.current_thread())
        return engine

    app = make_app(settings, open_engine, start_workers=False)
    assert opened_in == []  # building the app does not touch the store
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.screen.query_one("#releases", DataTable).row_count == len(ids)
    assert len(opened_in) == 1 and opened_in[0] is not threading.main_thread()
    assert app.services.engine is engine and app.services.open_error is None


async def test_a_store_that_cannot_be_opened_ends_the_app_with_its_error(settings: Settings) -> None:
    error = StoreError("not a Stardust database or the file is corrupt (file is not a database)",
                       where="sqlite:///broken.db")

    def open_engine() -> Engine:
        raise error

    app = make_app(settings, open_engine, start_workers=False)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(100):
            if app.return_code is not None:
                break
            await pilot.pause(0.02)
    assert app.services.open_error is error
    assert app.return_code == error.exit_code != 0


def test_cli_and_first_screen_import_no_heavy_libraries() -> None:
    code = (
        "import sys\n"
        "import stardust_tui.cli, stardust_tui.app, stardust_tui.screens.catalog\n"
        "heavy = ('sqlalchemy', 'sqlmodel', 'pydantic', 'alembic', 'lxml', 'mutagen', 'PIL', 'boto3',\n"
        "         'paramiko', 'azure', 'httpx', 'stardust_tui.ern', 'stardust_tui.delivery',\n"
        "         'stardust_tui.worker', 'stardust_tui.importexport', 'stardust_tui.assets')\n"
        "print(sorted({m.split('.')[0] if not m.startswith('stardust_tui') else '.'.join(m.split('.')[:2])\n"
        "              for m in sys.modules if m.startswith(heavy)}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"
