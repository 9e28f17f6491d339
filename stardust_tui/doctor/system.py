"""System checks: the database, free disk, the secret key, the configuration, the clock, file permissions and
notification channels."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from stardust_tui.doctor.model import Check, failed, passed, skipped, warned

if TYPE_CHECKING:
    from stardust_tui.services import Services

LOW_DISK_BYTES = 5 * 1024**3  # warn: a few albums of 24-bit masters
CRITICAL_DISK_BYTES = 500 * 1024**2  # fail: the next import or package may not fit
CLOCK_SKEW = timedelta(minutes=2)


def database(services: Services) -> list[Check]:
    """SQLite ``quick_check`` (PostgreSQL: a round trip) and the schema revision against the code's head."""
    from sqlalchemy import text

    from stardust_tui.store.db import is_sqlite
    from stardust_tui.store.migrate import current_revision, head_revision

    engine = services.store_engine
    with engine.connect() as conn:
        if is_sqlite(engine):
            rows = [r[0] for r in conn.execute(text("PRAGMA quick_check")).fetchmany(5)]
            integrity = "integrity ok" if rows == ["ok"] else None
            problem = "; ".join(str(r) for r in rows)
        else:
            conn.execute(text("SELECT 1"))
            integrity, problem = "reachable", ""
    if integrity is None:
        return [failed("system", "database", f"SQLite integrity check: {problem[:240]}",
                       "restore the latest backup (stardust restore) or recover the file with sqlite3 .recover")]
    current, head = current_revision(engine), head_revision()
    if current != head:
        return [failed("system", "database", f"{integrity}; schema at {current}, this Stardust needs {head}",
                       "stardust db upgrade")]
    return [passed("system", "database", f"{integrity}; schema at head {head} ({engine.dialect.name})")]


def _disk(path: Path, what: str) -> Check:
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    usage = shutil.disk_usage(probe)
    free = f"{usage.free / 1024**3:.1f} GB free of {usage.total / 1024**3:.0f} GB at {probe}"
    if usage.free < CRITICAL_DISK_BYTES:
        return failed("system", f"disk-{what}", free, f"free space on that file system (the {what} lives there)")
    if usage.free < LOW_DISK_BYTES or usage.free < usage.total * 0.05:
        return warned("system", f"disk-{what}", free, "free space before the next large import or delivery")
    return passed("system", f"disk-{what}", free)


def disk(services: Services) -> list[Check]:
    """Free space where the assets and the database (SQLite) live."""
    from stardust_tui.privacy import sqlite_file

    settings = services.settings
    out = []
    if getattr(settings, "assets_url", None) and "://" in str(settings.assets_url):
        out.append(skipped("system", "disk-assets", f"assets are in {settings.assets_url}"))
    else:
        out.append(_disk(settings.paths.assets_dir, "assets"))
    engine = services.store_engine
    db = sqlite_file(engine.url.database) if engine.dialect.name == "sqlite" else None
    if db is not None:
        out.append(_disk(db.parent, "database"))
    return out


def secret_key(services: Services) -> list[Check]:
    """The key file is private (0600) and decrypts what the store holds (target and channel secrets)."""
    from stardust_tui.secrets import decrypt, encrypt

    paths = services.settings.paths
    where = "STARDUST_SECRET_KEY" if os.environ.get("STARDUST_SECRET_KEY") else str(paths.secret_key_file)
    if where != "STARDUST_SECRET_KEY":
        try:
            mode = paths.secret_key_file.stat().st_mode
        except FileNotFoundError:
            if _stored_token(services) is None:
                return [passed("system", "secret-key", f"no key yet ({where} is made when a secret is first "
                               "stored)")]
            return [failed("system", "secret-key", f"no key file at {where}, but the store holds encrypted secrets",
                           "restore secret.key from a backup (or set STARDUST_SECRET_KEY)")]
        if stat.S_IMODE(mode) & 0o077:
            return [failed("system", "secret-key", f"{where} is mode {stat.S_IMODE(mode):04o}: others can read the "
                           "key that decrypts every stored password", f"chmod 600 {where}")]
    try:
        if decrypt(paths, encrypt(paths, "doctor")).reveal() != "doctor":
            raise ValueError("round trip changed the text")
        stored = _stored_token(services)
        if stored is not None:
            decrypt(paths, stored)
    except Exception as exc:  # noqa: BLE001 - any failure to use the key is the finding
        return [failed("system", "secret-key", f"{where} cannot decrypt the stored secrets ({type(exc).__name__})",
                       "use the key the secrets were encrypted with (a backup of secret.key), or re-enter them")]
    return [passed("system", "secret-key", f"{where}: private, decrypts the stored secrets")]


def _stored_token(services: Services) -> str | None:
    from sqlalchemy import select
    from sqlmodel import col

    from stardust_tui.domain.delivery_models import Target
    from stardust_tui.store.db import session_scope

    with session_scope(services.store_engine) as s:
        return s.execute(select(col(Target.credentials)).where(col(Target.credentials).is_not(None)).limit(1)).scalar()


def config(services: Services) -> list[Check]:
    """The config file was read (bad values stop every command earlier); unknown keys; the sender DPID."""
    from stardust_tui.domain.identifiers import is_placeholder_dpid, is_valid_dpid

    settings = services.settings
    out: list[Check] = []
    where = settings.paths.config_file
    read = f"{where}" if where.is_file() else f"no config file at {where} (the defaults)"
    if settings.warnings:
        out.append(warned("system", "config", f"{read}; {len(settings.warnings)} unknown key(s): "
                          f"{settings.warnings[0]}", "correct or remove the key"))
    else:
        out.append(passed("system", "config", f"{read}: valid" if where.is_file() else read))
    dpid = settings.sender_dpid
    if is_placeholder_dpid(dpid):
        out.append(warned("system", "sender-dpid", f"sender_dpid {dpid} is a placeholder: DSPs refuse live messages "
                          "from it", "set sender_dpid (your DDEX party ID) in config.toml"))
    elif not is_valid_dpid(dpid):
        out.append(failed("system", "sender-dpid", f"sender_dpid {dpid!r} has a wrong check character",
                          "copy your DDEX party ID exactly as DDEX issued it"))
    else:
        out.append(passed("system", "sender-dpid", f"{dpid} ({settings.sender_name})"))
    return out


def clock(services: Services) -> list[Check]:
    """The clock is synchronised (NTP when systemd says so), agrees with PostgreSQL, and is not behind the
    newest time the store recorded (a clock that went back would reorder events and leases)."""
    from sqlalchemy import func, select, text

    from stardust_tui.domain.delivery_models import DeliveryEvent
    from stardust_tui.domain.models import utcnow
    from stardust_tui.store.db import is_sqlite, session_scope

    now = utcnow()
    engine = services.store_engine
    notes = []
    with session_scope(engine) as s:
        newest = s.execute(select(func.max(DeliveryEvent.at))).scalar()
        server = None if is_sqlite(engine) else s.execute(text("SELECT now()")).scalar()
    if newest is not None and newest.tzinfo is None:
        from datetime import UTC

        newest = newest.replace(tzinfo=UTC)
    if newest is not None and newest - now > CLOCK_SKEW:
        return [failed("system", "clock", f"this clock ({now:%Y-%m-%d %H:%M:%SZ}) is {newest - now} behind the "
                       "newest delivery event", "synchronise the clock (NTP) before running workers")]
    if server is not None and abs(server - now) > CLOCK_SKEW:
        return [failed("system", "clock", f"{abs(server - now)} apart from the PostgreSQL server's clock",
                       "synchronise both clocks (NTP): leases and schedules compare them")]
    synced = _ntp_synchronised()
    if synced is False:
        return [warned("system", "clock", f"{now:%Y-%m-%d %H:%M:%SZ}; the system clock is not NTP-synchronised",
                       "enable time synchronisation (timedatectl set-ntp true)")]
    notes.append("NTP-synchronised" if synced else "NTP state unknown")
    if server is not None:
        notes.append("agrees with PostgreSQL")
    return [passed("system", "clock", f"{now:%Y-%m-%d %H:%M:%SZ}, " + ", ".join(notes))]


def _ntp_synchronised() -> bool | None:
    try:
        out = subprocess.run(["timedatectl", "show", "-p", "NTPSynchronized", "--value"], capture_output=True,
                             text=True, timeout=3, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    value = out.stdout.strip().lower()
    return {"yes": True, "no": False}.get(value) if out.returncode == 0 else None


def permissions(services: Services) -> list[Check]:
    """What others on this machine can read (``privacy.loose_permissions``)."""
    from stardust_tui.privacy import loose_permissions

    loose = loose_permissions(services.settings)
    if not loose:
        return [passed("permissions", "files", "config, data and logs are private to you")]
    first = loose[0].message
    more = f" (+{len(loose) - 1} more)" if len(loose) > 1 else ""
    return [warned("permissions", "files", f"{first}{more}", "run the chmod each line names")]


def notifications(services: Services) -> list[Check]:
    """Notification channels that keep failing (``services.notifications.failing()``)."""
    lines = services.notifications.failing()
    if not lines:
        return [passed("notifications", "channels", "no channel failing")]
    return [warned("notifications", "channel", line, "stardust notify list; fix the channel, then stardust notify "
                   "retry") for line in lines]
