"""The application layer: what Stardust does, called by the CLI, the TUI and the HTTP API (no Textual here).

A command or screen never runs a query itself: it calls a service method (screens from a thread worker),
and the service checks the actor may do it (:meth:`Services.authorize`), opens one short unit of work and
delegates to the store, ERN, delivery, worker and importexport packages. Services return plain result
objects (dataclasses, SQLModel rows) that the CLI prints and a JSON API serialises.
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
from stardust_tui.services.actor import Actor

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from stardust_tui.services.access import Access
    from stardust_tui.services.apikeys import ApiKeyService
    from stardust_tui.services.assets import AssetService
    from stardust_tui.services.audit import AuditService
    from stardust_tui.services.backups import BackupService
    from stardust_tui.services.catalog import CatalogService
    from stardust_tui.services.deliveries import DeliveryService
    from stardust_tui.services.doctor import DoctorService
    from stardust_tui.services.drafts import DraftService
    from stardust_tui.services.ern import ErnService
    from stardust_tui.services.health import HealthService
    from stardust_tui.services.imports import ImportService
    from stardust_tui.services.notifications import NotificationService
    from stardust_tui.services.personal_data import PersonalDataService
    from stardust_tui.services.profiles import ProfileService
    from stardust_tui.services.releases import ReleaseService
    from stardust_tui.services.retention import RetentionService
    from stardust_tui.services.sandbox import SandboxService
    from stardust_tui.services.schemas import SchemaService
    from stardust_tui.services.setup import SetupService
    from stardust_tui.services.targets import TargetService
    from stardust_tui.services.tracks import TrackService
    from stardust_tui.services.users import UserService


def _utcnow() -> datetime:
    from stardust_tui.domain.models import utcnow

    return utcnow()


@dataclass
class Services:
    """Everything the CLI, the screens and the API need, built once per process (or request) for one actor.

    ``engine_source`` is an engine, or a function opening one: the CLI passes the latter so the store is
    opened (SQLAlchemy imported, schema checked) only by the first call that needs it (in the TUI, after the
    first frame). A :class:`StardustError` from opening it is kept in ``open_error`` (the app exits and the
    CLI prints it). ``actor`` is who acts: audit entries and revisions record ``actor.name``.
    """

    settings: Settings
    engine_source: Engine | Callable[[], Engine]
    now: Callable[[], datetime] = field(default=_utcnow)
    """The clock (tests and snapshots freeze it); defaults to ``domain.models.utcnow``."""
    open_error: StardustError | None = None
    actor: Actor = field(default_factory=Actor.from_environment)

    @classmethod
    def opening_store(cls, settings: Settings, *, actor: Actor | None = None) -> Services:
        """Services that open the configured store (creating or upgrading it) on the first call needing it."""

        def open_engine() -> Engine:
            from stardust_tui.store.open import open_store

            return open_store(settings)

        return cls(settings=settings, engine_source=open_engine, actor=actor or Actor.from_environment())

    def __post_init__(self) -> None:
        self._engine_lock = threading.Lock()
        self._engine: Engine | None = None if callable(self.engine_source) else self.engine_source
        self._scoped: tuple[tuple, Engine] | None = None
        if self.now is None:
            self.now = _utcnow

    @property
    def engine(self) -> Engine:
        """The catalog engine as this actor may use it: every ORM query of a session on it sees only the actor's
        labels, and an editor's sessions change drafts only (``store/scope.py``, issue 15). For everyone else
        (single-user, unlimited admins and releasers, workers) it is :attr:`store_engine` itself."""
        from stardust_tui.store.scope import scoped_engine

        raw = self.store_engine
        if self.actor.kind == "worker":
            return raw
        grant = self.access.grant()
        labels = self.access.labels()
        draft_only = f"{self.actor.name} is {grant.role}" if grant.role in ("viewer", "editor") else None
        key = (id(raw), labels, draft_only)
        if self._scoped is None or self._scoped[0] != key:
            self._scoped = (key, scoped_engine(raw, labels=labels, draft_only=draft_only))
        return self._scoped[1]

    @property
    def store_engine(self) -> Engine:
        """The catalog engine unscoped, opened on first use (from a worker thread: this may take a while).

        For what serves everyone (delivery runners, the API server's shared engine); services use
        :attr:`engine`."""
        if self._engine is None:
            with self._engine_lock:
                if self._engine is None:
                    try:
                        source = self.engine_source  # a function here: an engine was kept in __post_init__
                        self._engine = source() if callable(source) else source
                    except StardustError as exc:
                        self.open_error = exc
                        raise
        return self._engine

    @property
    def opened_engine(self) -> Engine | None:
        """The store's engine if it is open (or was handed in), else None: nothing is opened or upgraded."""
        return self._engine

    def close(self) -> None:
        """Dispose of an engine this object opened itself (one handed in belongs to the caller)."""
        if self._engine is not None and callable(self.engine_source):
            self._engine.dispose()
            self._engine = None
            self._scoped = None

    def authorize(self, action: str) -> None:
        """The one place permission checks happen: may ``self.actor`` do ``action`` (a key of ``ACTIONS``)?

        Every service method calls it before acting. Refuses with :class:`PermissionDenied`, one line naming
        the role the action needs (``services/access.py``: roles from the store's user list, an API key's
        scope, single-user mode)."""
        self.access.check(action)

    @cached_property
    def access(self) -> Access:
        """The actor's role and labels (``services/access.py``), cached for a few seconds."""
        from stardust_tui.services.access import Access

        return Access(self)

    @cached_property
    def catalog(self) -> CatalogService:
        from stardust_tui.services.catalog import CatalogService

        return CatalogService(self)

    @cached_property
    def releases(self) -> ReleaseService:
        from stardust_tui.services.releases import ReleaseService

        return ReleaseService(self)

    @cached_property
    def assets(self) -> AssetService:
        from stardust_tui.services.assets import AssetService

        return AssetService(self)

    @cached_property
    def profiles(self) -> ProfileService:
        from stardust_tui.services.profiles import ProfileService

        return ProfileService(self)

    @cached_property
    def setup(self) -> SetupService:
        from stardust_tui.services.setup import SetupService

        return SetupService(self)

    @cached_property
    def imports(self) -> ImportService:
        from stardust_tui.services.imports import ImportService

        return ImportService(self)

    @cached_property
    def backups(self) -> BackupService:
        from stardust_tui.services.backups import BackupService

        return BackupService(self)

    @cached_property
    def drafts(self) -> DraftService:
        from stardust_tui.services.drafts import DraftService

        return DraftService(self)

    @cached_property
    def tracks(self) -> TrackService:
        from stardust_tui.services.tracks import TrackService

        return TrackService(self)

    @cached_property
    def ern(self) -> ErnService:
        from stardust_tui.services.ern import ErnService

        return ErnService(self)

    @cached_property
    def targets(self) -> TargetService:
        from stardust_tui.services.targets import TargetService

        return TargetService(self)

    @cached_property
    def apikeys(self) -> ApiKeyService:  # added by api (issue 11)
        from stardust_tui.services.apikeys import ApiKeyService

        return ApiKeyService(self)

    @cached_property
    def health(self) -> HealthService:  # added by api (issue 11): /ready and /metrics
        from stardust_tui.services.health import HealthService

        return HealthService(self)

    @cached_property
    def deliveries(self) -> DeliveryService:
        from stardust_tui.services.deliveries import DeliveryService

        return DeliveryService(self)

    # -- added by tui-new (issue 17 missing capabilities, issue 14 import screen) ------------------------
    @cached_property
    def history(self):
        from stardust_tui.services.history import HistoryService

        return HistoryService(self)

    @cached_property
    def dispatch(self):
        from stardust_tui.services.dispatch import DispatchService

        return DispatchService(self)

    @cached_property
    def delivery_history(self):
        from stardust_tui.services.delivery_history import DeliveryHistoryService

        return DeliveryHistoryService(self)

    @cached_property
    def workers(self):
        from stardust_tui.services.workers import WorkersService

        return WorkersService(self)

    @cached_property
    def transfer(self):
        from stardust_tui.services.transfer import TransferService

        return TransferService(self)

    # -- added by roles (issue 15: users, the audit log, personal data, retention) ---------------------------
    @cached_property
    def users(self) -> UserService:
        from stardust_tui.services.users import UserService

        return UserService(self)

    @cached_property
    def audit(self) -> AuditService:
        from stardust_tui.services.audit import AuditService

        return AuditService(self)

    @cached_property
    def personal_data(self) -> PersonalDataService:
        from stardust_tui.services.personal_data import PersonalDataService

        return PersonalDataService(self)

    @cached_property
    def retention(self) -> RetentionService:
        from stardust_tui.services.retention import RetentionService

        return RetentionService(self)

    # -- added by notify (issue 10: notification channels, the outbox, the weekly report) -------------------
    @cached_property
    def notifications(self) -> NotificationService:
        from stardust_tui.services.notifications import NotificationService

        return NotificationService(self)

    # -- added by trust (issue 13: official schemas, the doctor, the sandbox DSP) --------------------------
    @cached_property
    def schemas(self) -> SchemaService:
        from stardust_tui.services.schemas import SchemaService

        return SchemaService(self)

    @cached_property
    def sandbox(self) -> SandboxService:
        from stardust_tui.services.sandbox import SandboxService

        return SandboxService(self)

    @cached_property
    def doctor(self) -> DoctorService:
        from stardust_tui.services.doctor import DoctorService

        return DoctorService(self)
