"""Retention: apply the ``[retention]`` policy of config.toml, or say what it would remove (``--dry-run``).

The one implementation behind ``stardust retention`` and the worker daemon's housekeeping
(:func:`apply_policy`, which the daemon runs every ``interval_hours`` as ``worker@host``: the config file
is the authority there, as for scheduled backups). A manual run needs the admin role; a dry run only
reads (any role). Each kind is removed in its own short transaction; a run that removed anything writes one
audit entry (``retention``) with the counts, after cutting the audit log (so it is the chain's newest entry).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from stardust_tui.errors import PermissionDenied

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from stardust_tui.config import Settings
    from stardust_tui.services import Services
    from stardust_tui.store.retention import Sweep

DEFAULT_INTERVAL_HOURS = 24.0


@dataclass
class RetentionReport:
    """What the policy removes: one :class:`~stardust_tui.store.retention.Sweep` per configured kind."""

    dry_run: bool
    sweeps: list[Sweep] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(s.count for s in self.sweeps)

    def as_dict(self) -> dict[str, Any]:
        return {"dry_run": self.dry_run, "total": self.total,
                "sweeps": [{"key": s.key, "what": s.what, "rule": s.rule, "count": s.count, "files": list(s.files)}
                           for s in self.sweeps]}


def policy(settings: Settings) -> dict[str, Any]:
    """The validated ``[retention]`` keys that are set (``interval_hours`` left out)."""
    from stardust_tui.store.retention import KEYS

    cfg = getattr(settings, "retention", None) or {}
    return {k: cfg[k] for k in KEYS if k in cfg}


def apply_policy(settings: Settings, engine: Engine, *, actor: str, dry_run: bool, now: datetime) -> RetentionReport:
    """Count (``dry_run``) or remove what the policy lets go; audit a real run that removed anything."""
    from stardust_tui.store import retention as r
    from stardust_tui.store.audit_chain import prune_before
    from stardust_tui.store.db import session_scope
    from stardust_tui.store.revisions import write_audit

    rules = policy(settings)
    report = RetentionReport(dry_run)

    def db(key: str, what: str, rule: str, work: Any) -> None:
        with engine.begin() as conn:
            report.sweeps.append(r.Sweep(key, what, rule, work(conn)))

    if "delivery_events_days" in rules:
        days = rules["delivery_events_days"]
        db("delivery_events_days", "delivery log events", f"of finished deliveries older than {days:g} days",
           lambda c: r.delivery_events(c, r.cutoff(now, days), dry_run=dry_run))
    if "revisions_keep" in rules:
        keep = rules["revisions_keep"]
        db("revisions_keep", "release revisions", f"beyond the newest {keep} per release; delivered ones kept",
           lambda c: r.revisions(c, keep, dry_run=dry_run))
    if "ack_days" in rules:
        days = rules["ack_days"]
        db("ack_days", "ACK records", f"older than {days:g} days; the newest per release and target kept",
           lambda c: r.acks(c, r.cutoff(now, days), dry_run=dry_run))
    for key, what, folders, patterns in (
            ("logs_days", "rotated delivery logs", [settings.paths.log_dir], ("deliveries-*.jsonl",)),
            ("import_reports_days", "hot-folder import reports",
             [d / sub for d in settings.watch_dirs for sub in ("done", "failed")], ("*.report.txt", "*.report.json"))):
        if key in rules:
            cut = r.cutoff(now, rules[key])
            found = [p for folder in folders for p in r.old_files(folder, patterns, cut)]
            count = len(found) if dry_run else r.remove_files(found)
            report.sweeps.append(r.Sweep(key, what, f"older than {rules[key]:g} days", count,
                                         tuple(str(p) for p in found)))
    if "audit_days" in rules:
        days = rules["audit_days"]
        db("audit_days", "audit entries", f"older than {days:g} days, cut from the chain's start; the cut is recorded",
           lambda c: prune_before(c, r.cutoff(now, days), dry_run=dry_run)[0])
    if not dry_run and report.total:
        with session_scope(engine) as s:
            write_audit(s, actor=actor, action="retention", entity="store", entity_id=None,
                        after={sw.key: sw.count for sw in report.sweeps},
                        note=f"retention removed {report.total} item(s)")
    return report


class RetentionService:
    def __init__(self, services: Services) -> None:
        self.services = services

    def policy(self) -> dict[str, Any]:
        return policy(self.services.settings)

    def run(self, *, dry_run: bool) -> RetentionReport:
        """Apply the policy now (admin), or count what it would remove (``dry_run``: any role)."""
        self.services.authorize("audit.read" if dry_run else "retention.admin")
        if not dry_run and self.services.access.labels() is not None:
            raise PermissionDenied("retention removes every label's data; ask an admin not limited to labels")
        return apply_policy(self.services.settings, self.services.store_engine, actor=self.services.actor.name,
                            dry_run=dry_run, now=self.services.now())
