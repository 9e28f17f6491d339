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


def test_the_tui_command_loads_no_other_command_module() -> None:
    """`stardust tui` (and plain `stardust`) imports only its own command module; any other lookup, --help
    included, still sees every command."""
    code = (
        "import sys\n"
        "sys.argv = ['stardust', 'tui', '--help']\n"
        "import stardust_tui.cli as c\n"
        "try:\n"
        "    c.main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(sorted(m for m in sys.modules if m in c.COMMAND_MODULES)))\n"
        "print(' '.join(sorted(c.cli.commands)))\n"
        "print(' '.join(sorted(m for m in sys.modules if m in c.COMMAND_MODULES)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    lines = out.stdout.strip().splitlines()
    assert lines[-3] == "stardust_tui.cli.tui"
    assert {"tui", "release", "deliver", "import", "export", "worker", "doctor"} <= set(lines[-2].split())
    from stardust_tui.cli import COMMAND_MODULES

    assert lines[-1].split() == sorted(COMMAND_MODULES)


async def test_last_sessions_first_page_shows_until_the_live_one_arrives(seeded, settings: Settings) -> None:
    import stat
    import time

    from stardust_tui.services.catalog_cache import cache_file
    from stardust_tui.store.db import session_scope
    from stardust_tui.store.releases import delete_release, get_release

    engine, ids = seeded
    app = make_app(settings, lambda: engine, start_workers=False)
    assert app.cached_first_page == []  # nothing saved yet
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
    saved = cache_file(settings, app.services.actor.name)
    assert saved.is_file()
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600 and stat.S_IMODE(saved.parent.stat().st_mode) == 0o700
    with session_scope(engine) as session:  # changed by someone else meanwhile
        delete_release(session, get_release(session, ids[-1]), actor="test")
    gate = threading.Event()

    def slow_open() -> Engine:  # a store that takes a while to open
        gate.wait(10)
        return engine

    app = make_app(settings, slow_open, start_workers=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.2)
        table = app.screen.query_one("#releases", DataTable)
        status = str(app.screen.query_one("#catalog-status").render())
        assert table.row_count == len(ids) and "as of your last session" in status
        gate.set()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and table.row_count == len(ids):
            await pilot.pause(0.05)
        await settle(app, pilot)
        assert table.row_count == len(ids) - 1  # the live page replaced last session's
        assert "last session" not in str(app.screen.query_one("#catalog-status").render())


def test_another_user_never_sees_this_users_saved_page(seeded, settings: Settings, monkeypatch) -> None:
    from stardust_tui.services.catalog_cache import PageRow, read_first_page, write_first_page

    row = PageRow(1, "Only Mine", "Me", None, "Album", "draft", None, None, None)
    write_first_page(settings, "alice", [row])
    assert read_first_page(settings, "alice") == [row]
    assert read_first_page(settings, "bob") == []
