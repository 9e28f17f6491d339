"""Catalog pages for the TUI: one page of releases (keyset paging), counts, and the release actions of
the catalog screen (delete, duplicate, readiness), which are :class:`ReleaseService`'s.

Delegates to ``stardust_tui.store.releases`` (paged: the whole catalog is never loaded).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stardust_tui.services import Services


def session_scope(engine):  # noqa: ANN001, ANN201 - imported on first use (SQLModel is not on the start-up path)
    from stardust_tui.store.db import session_scope as scope

    return scope(engine)


@dataclass(frozen=True)
class CatalogQuery:
    """What the catalog table shows: search text, filters and the page window."""

    search: str = ""
    status: str | None = None
    label: str | None = None
    release_type: str | None = None
    offset: int = 0  # index of the first row shown (for display; paging itself is keyset)
    limit: int = 100
    before_id: int | None = None  # keyset: the page starts below this release id

    def filters(self) -> dict[str, Any]:
        return {"search": self.search.strip() or None, "status": self.status, "label": self.label or None,
                "release_type": self.release_type}


@dataclass
class CatalogPage:
    """One page of rows plus the total matching the same filters."""

    query: CatalogQuery
    rows: list[Any] = field(default_factory=list)
    total: int = 0


class CatalogService:
    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def engine(self):
        return self.services.engine

    def page(self, query: CatalogQuery, *, with_total: bool = True) -> CatalogPage:
        """One page of rows; ``total`` is -1 unless ``with_total`` (counting a big catalog takes longer)."""
        from stardust_tui.store.releases import list_releases

        self.services.authorize("release.read")
        with session_scope(self.engine) as session:
            rows = list_releases(session, limit=query.limit, before_id=query.before_id, **query.filters())
        return CatalogPage(query=query, rows=list(rows), total=self.count(query) if with_total else -1)

    def count(self, query: CatalogQuery) -> int:
        from stardust_tui.store.releases import count_releases

        self.services.authorize("release.read")
        with session_scope(self.engine) as session:
            return count_releases(session, **query.filters())

    def delete(self, release_id: int) -> None:
        self.services.releases.delete(release_id)

    def duplicate(self, release_id: int) -> int:
        return self.services.releases.duplicate(release_id)

    def readiness(self, release_id: int):
        """The release's readiness report (``CheckReport``): the same check as ``stardust check``."""
        return self.services.releases.check(release_id).report
