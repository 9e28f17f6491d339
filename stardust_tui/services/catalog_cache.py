"""The catalog's first page as this user last saw it, kept so the workstation can show rows at once; and the
first page as it is now, read without the ORM (:class:`LiveFirstPage`).

Opening the store needs SQLAlchemy, SQLModel and every table (about a second of imports on a loaded
machine) before the first query can run. The TUI shows the rows saved by its previous session while that
happens, says so on its status line, and replaces them with the live page as soon as it arrives; the
live page is saved again for next time. One small JSON file per store and user (``0600``, in a ``0700``
folder of the data directory), written atomically; any problem reading it just means no early rows.

On the embedded SQLite store ``stardust tui`` also reads the true first page at once with the standard
library (``store/early_page.py``), in a thread started before Textual is imported: when it is there in time,
the catalog shows it instead of the saved page, also on a first start with no saved page.
Pure standard library: this runs before anything heavy is imported.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stardust_tui.config import Settings
    from stardust_tui.services.actor import Actor

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


def live_first_page_rows(db_url: str, actor: Actor, *, limit: int) -> list[tuple[Any, ...]] | None:
    """The catalog's first ``limit`` rows as ``actor`` may see them now (``ReleaseRow``'s fields), read with
    the standard library, or None when that read cannot be sure to give the live page (``store/early_page.py``).
    Who may read and which labels: the store's user list, through the one rule ``services.access.grant_of``."""
    from stardust_tui.services.access import grant_of, lookup_names
    from stardust_tui.store.early_page import ListedUser, read_first_page

    def decide(count: int, rows: Mapping[str, ListedUser]) -> tuple[bool, tuple[str, ...] | None]:
        grant = grant_of(actor, count, rows)
        return grant.permits("release.read"), grant.labels

    return read_first_page(db_url, lookup_names(actor), decide, limit=limit)


class LiveFirstPage:
    """The catalog's unfiltered first page as ``actor`` may see it now, read in a thread of its own with the
    standard library (``store/early_page.py``) while the rest of the workstation starts.

    :meth:`result` is None until it is read, and stays None when the early read cannot be sure to give what the
    live page would (not an SQLite file, a schema to upgrade, an actor the user list limits in a way it does not
    know...): the catalog then waits for the live page as before."""

    def __init__(self, settings: Settings, actor: Actor, *, limit: int = 100) -> None:
        self.actor = actor
        self.limit = limit
        self.done = threading.Event()
        self._rows: list[PageRow] | None = None
        self._thread = threading.Thread(target=self._read, args=(settings.db_url,), name="catalog first page",
                                        daemon=True)

    def start(self) -> LiveFirstPage:
        self._thread.start()
        return self

    def _read(self, db_url: str) -> None:
        try:
            found = live_first_page_rows(db_url, self.actor, limit=self.limit)
            self._rows = [PageRow(*row) for row in found] if found is not None else None
        except Exception:  # noqa: BLE001 - an early page is optional: the live page follows whatever happens
            self._rows = None
        finally:
            self.done.set()

    def result(self, timeout: float = 0.0) -> list[PageRow] | None:
        """The rows, once read (waiting up to ``timeout`` seconds); None before, or when there are none to show."""
        return self._rows if self.done.wait(timeout) else None
