"""The start-up schema check: a database already at head is recognised with one query and no Alembic;
anything else (empty, older) still goes through Alembic."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from stardust_tui.store.db import make_engine
from stardust_tui.store.early_page import head_from_files
from stardust_tui.store.migrate import at_head, current_revision, head_revision, upgrade


def test_head_read_from_files_matches_alembic() -> None:
    assert head_from_files() == head_revision()


def test_empty_and_older_databases_are_not_at_head(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    assert not at_head(engine)
    upgrade(engine, "0001")
    assert not at_head(engine)
    old, new = upgrade(engine)
    assert (old, new) == ("0001", head_revision())
    assert at_head(engine) and current_revision(engine) == head_revision()
    assert list(tmp_path.glob("c.db.bak-0001-*")), "the older file was backed up before upgrading"
    engine.dispose()


def test_opening_a_database_at_head_does_not_import_alembic(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    engine.dispose()
    code = (
        "import sys\n"
        "from stardust_tui.store.db import make_engine\n"
        "from stardust_tui.store.migrate import upgrade\n"
        f"print(upgrade(make_engine({f'sqlite:///{db}'!r})))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    head = head_revision()
    assert out.stdout.splitlines() == [repr((head, head)), "[]"]
