"""The catalog's first page as this user last saw it, kept so the workstation can show rows at once.

Opening the store needs SQLAlchemy, SQLModel and every table (about a second of imports on a loaded
machine) before the first query can run. The TUI shows the rows saved by its previous session while that
happens, says so on its status line, and replaces them with the live page as soon as it arrives; the
live page is saved again for next time. One small JSON file per store and user (``0600``, in a ``0700``
folder of the data directory), written atomically; any problem reading it just means no early rows.
Pure standard library: this runs before anything heavy is imported.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, fields
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stardust_tui.config import Settings

VERSION = 1
MAX_ROWS = 200


@dataclass(frozen=True)
class PageRow:
    """The columns of a catalog row (as ``store.releases.ReleaseRow``, without importing the store)."""

    id: int
    title: str
    display_artist: str
    upc: str | None
    release_type: str
    status: str
    release_date: date | None
    label_name: str | None
    last_delivery_state: str | None


def cache_file(settings: Settings, actor: str) -> Path:
    """Where the first page of this store, as ``actor`` sees it, is kept."""
    key = hashlib.sha256(f"{settings.db_url}\0{actor}".encode()).hexdigest()[:20]
    return settings.paths.database_file.parent / "cache" / f"catalog-first-page-{key}.json"


def read_first_page(settings: Settings, actor: str) -> list[PageRow]:
    """The saved rows (empty when there are none, or the file is unreadable or from another version)."""
    try:
        data = json.loads(cache_file(settings, actor).read_text(encoding="utf-8"))
        if data.get("version") != VERSION:
            return []
        rows = []
        for item in data["rows"][:MAX_ROWS]:
            values = dict(zip([f.name for f in fields(PageRow)], item, strict=True))
            values["id"] = int(values["id"])
            values["release_date"] = date.fromisoformat(values["release_date"]) if values["release_date"] else None
            rows.append(PageRow(**values))
        return rows
    except (OSError, ValueError, KeyError, TypeError):
        return []


def write_first_page(settings: Settings, actor: str, rows: list[Any]) -> Path:
    """Save the first page (objects with :class:`PageRow`'s attributes) for the next session."""
    from stardust_tui.atomic import write_text_atomic
    from stardust_tui.privacy import make_private_dir

    path = cache_file(settings, actor)
    make_private_dir(path.parent)
    names = [f.name for f in fields(PageRow)]
    items = []
    for row in rows[:MAX_ROWS]:
        values = asdict(row) if isinstance(row, PageRow) else {n: getattr(row, n) for n in names}
        values["release_date"] = values["release_date"].isoformat() if values["release_date"] else None
        items.append([values[n] for n in names])
    return write_text_atomic(path, json.dumps({"version": VERSION, "rows": items}, ensure_ascii=False))
