"""Backups: a consistent snapshot of the database and the asset store, pruning old snapshots, verifying
and restoring one.

Behind ``stardust backup`` and ``stardust restore`` (the worker daemon's scheduled backups call
``importexport.backup.run_scheduled_backup`` itself). The engines live in ``importexport.backup`` and
``importexport.restore``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from stardust_tui.services import Services


class BackupRun(NamedTuple):
    result: Any
    """``importexport.backup.BackupResult`` (path, counts, notes, summary())."""
    pruned: list[Path]
    """Older snapshot folders removed to keep the newest ``keep``."""


class RestoreRun(NamedTuple):
    verified: Any
    """``importexport.restore.VerifyResult`` of the backup restored."""
    notes: list[str]


class BackupService:
    def __init__(self, services: Services) -> None:
        self.services = services

    def create(self, out: str | Path, *, keep: int | None = None) -> BackupRun:
        """Snapshot into the backup root ``out`` (the schema is brought current first); with ``keep``, then
        prune all but the newest ``keep`` snapshots."""
        from stardust_tui.importexport.backup import create_backup, prune
        from stardust_tui.notify.emit import backup_done

        self.services.authorize("store.admin")
        _ = self.services.engine  # the schema must be current before it is copied
        engine = self.services.store_engine
        try:
            result = create_backup(self.services.settings, Path(out), engine=engine)
        except Exception as exc:  # notify (issue 10): backup.failed, then the error as before
            backup_done(engine, ok=False, error=f"{type(exc).__name__}: {exc}")
            raise
        backup_done(engine, ok=True, path=str(result.snapshot), summary=result.summary())  # notify (issue 10)
        return BackupRun(result, prune(out, keep) if keep else [])

    def verify(self, source: str | Path) -> Any:
        """Check every checksum of a backup (``VerifyResult``: ok, problems, summary())."""
        from stardust_tui.importexport.restore import verify_backup

        self.services.authorize("store.admin")
        return verify_backup(source)

    def restore(self, source: str | Path, *, force: bool = False) -> RestoreRun:
        """Verify, then restore into this home (empty unless ``force``)."""
        from stardust_tui.importexport.restore import restore_backup

        self.services.authorize("store.admin")
        settings = self.services.settings
        db_url = settings.database_url if settings.database_url and "://" in settings.database_url else None
        return RestoreRun(*restore_backup(source, settings.paths, force=force, db_url=db_url,
                                          store_url=settings.assets_url))
