"""Thin coordination services the TUI screens call (no Textual here).

A screen never runs a query itself: it calls a service method from a thread worker, and the service
opens one short unit of work and delegates to the store, ERN, delivery and worker packages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from sqlalchemy.engine import Engine

from stardust_tui.config import Settings


@dataclass
class Services:
    """Everything the screens need, built once per app from settings and an engine."""

    settings: Settings
    engine: Engine
    now: Callable[[], datetime] = field(default=None)  # type: ignore[assignment]
    """The clock (tests and snapshots freeze it); defaults to ``domain.models.utcnow``."""

    def __post_init__(self) -> None:
        if self.now is None:
            from stardust_tui.domain.models import utcnow

            self.now = utcnow

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
