"""Thin coordination services the TUI screens call (no Textual here).

A screen never runs a query itself: it calls a service method from a thread worker, and the service
opens one short unit of work and delegates to the store, ERN, delivery and worker packages.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

from stardust_tui.config import Settings
from stardust_tui.errors import StardustError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def _utcnow() -> datetime:
    from stardust_tui.domain.models import utcnow

    return utcnow()


@dataclass
class Services:
    """Everything the screens need, built once per app from settings and an engine.

    ``engine_source`` is an engine, or a function opening one: the CLI passes the latter so the store is
    opened (SQLAlchemy imported, schema checked) by the first worker that needs it, after the first frame.
    A :class:`StardustError` from opening it is kept in ``open_error`` (the app exits and the CLI prints it).
    """

    settings: Settings
    engine_source: Engine | Callable[[], Engine]
    now: Callable[[], datetime] = field(default=_utcnow)
    """The clock (tests and snapshots freeze it); defaults to ``domain.models.utcnow``."""
    open_error: StardustError | None = None

    def __post_init__(self) -> None:
        self._engine_lock = threading.Lock()
        self._engine: Engine | None = None if callable(self.engine_source) else self.engine_source
        if self.now is None:
            self.now = _utcnow

    @property
    def engine(self) -> Engine:
        """The catalog engine, opened on first use (from a worker thread: this may take a while)."""
        if self._engine is None:
            with self._engine_lock:
                if self._engine is None:
                    try:
                        self._engine = self.engine_source()  # type: ignore[operator]
                    except StardustError as exc:
                        self.open_error = exc
                        raise
        return self._engine

    @property
    def actor(self) -> str:
        from stardust_tui.store.db import current_actor

        return current_actor()

    @cached_property
    def catalog(self):
        from stardust_tui.services.catalog import CatalogService

        return CatalogService(self)

    @cached_property
    def drafts(self):
        from stardust_tui.services.drafts import DraftService

        return DraftService(self)

    @cached_property
    def tracks(self):
        from stardust_tui.services.tracks import TrackService

        return TrackService(self)

    @cached_property
    def ern(self):
        from stardust_tui.services.ern import ErnService

        return ErnService(self)

    @cached_property
    def targets(self):
        from stardust_tui.services.targets import TargetService

        return TargetService(self)

    @cached_property
    def deliveries(self):
        from stardust_tui.services.deliveries import DeliveryService

        return DeliveryService(self)
