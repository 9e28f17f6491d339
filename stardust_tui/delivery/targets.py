"""Delivery targets: add, edit, list and remove them; their encrypted credentials and transports.

A target is a name, one URL (parsed by :mod:`stardust_tui.delivery.urls`), a delivery profile and
credentials. Credentials (password, key passphrase, tokens...) are kept as one Fernet token of a JSON
dict in ``Target.credentials`` (see :mod:`stardust_tui.secrets`); this module is the only place that
decrypts them, and it hands them out as :class:`~stardust_tui.secrets.Secret` values that never print.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

from sqlmodel import Session, col, func, select

from stardust_tui.delivery.base import SECRET_KEYS, Transport
from stardust_tui.delivery.profiles import load_profile
from stardust_tui.delivery.urls import TargetSpec, parse_target_url
from stardust_tui.domain.delivery_models import Delivery, Target
from stardust_tui.domain.limits import CONCURRENCY, ID, TARGET
from stardust_tui.domain.models import utcnow
from stardust_tui.domain.validation import check_number, check_text
from stardust_tui.errors import ConflictError, NotFoundError, ValidationError
from stardust_tui.paths import Paths
from stardust_tui.secrets import Secret, decrypt, encrypt

NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
ACTIVE_STATES = ("queued", "running", "retry-wait")


def _check_name(name: str) -> str:
    if not NAME_RE.fullmatch(name):
        raise ValidationError("target names use letters, digits, '.', '_' and '-' (max 100)", where=name)
    return name


def parse_secret_pairs(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``["token=abc", ...]`` → ``{"token": "abc"}``; keys must be known transport secret names."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ValidationError("--secret takes KEY=VALUE", where=key or "--secret")
        if key not in SECRET_KEYS:
            raise ValidationError(f"unknown secret {key!r} (known: {', '.join(SECRET_KEYS)})", where="--secret")
        out[key] = value
    return out


def target_secrets(paths: Paths, target: Target) -> dict[str, Secret]:
    """The decrypted credentials of a target, each wrapped in a :class:`Secret`."""
    if not target.credentials:
        return {}
    data = json.loads(decrypt(paths, target.credentials).reveal())
    return {k: Secret(v) for k, v in data.items()}


def secret_names(paths: Paths, target: Target) -> list[str]:
    """Which credentials are set (names only, for ``target show``)."""
    return sorted(target_secrets(paths, target))


def _store_secrets(paths: Paths, target: Target, values: Mapping[str, str | None]) -> None:
    current = {k: v.reveal() for k, v in target_secrets(paths, target).items()}
    for key, value in values.items():
        if value is None or value == "":
            current.pop(key, None)
        else:
            current[key] = value
    target.credentials = encrypt(paths, json.dumps(current, sort_keys=True)) if current else None


def target_spec(target: Target) -> TargetSpec:
    """The parsed URL of a target with the row's SSH settings applied."""
    return parse_target_url(target.url, key_file=target.key_file, known_hosts=target.known_hosts_file,
                            host_key=target.host_key, trust_unknown_host=target.trust_unknown_host or None)


def open_target_transport(paths: Paths, target: Target) -> Transport:
    """A (not yet connected) transport for a target, with its decrypted secrets."""
    from stardust_tui.delivery.registry import open_transport

    return open_transport(target_spec(target), target_secrets(paths, target))


def get_target(session: Session, ref: int | str) -> Target:
    """A target by name or id (NotFoundError)."""
    stmt = select(Target).where(Target.name == str(ref))
    target = session.exec(stmt).first()
    text = str(ref)
    if target is None and (isinstance(ref, int) or (text.isascii() and text.isdigit())):  # not "²"
        number = int(ref)
        target = session.get(Target, number) if ID.lo <= number <= ID.hi else None  # integer column range
    if target is None:
        raise NotFoundError(f"no target named {ref!r} (see `stardust target list`)")
    return target


def list_targets(session: Session) -> list[Target]:
    return list(session.exec(select(Target).order_by(col(Target.name))))


def _check_file(path: str | None, what: str) -> str | None:
    if path is None:
        return None
    p = Path(path).expanduser()
    try:  # a name too long for the file system, a folder we may not read: one line, not a crash
        if not p.is_file():
            raise ValidationError(f"{what} not found", where=str(p))
        return str(p.resolve())
    except OSError as exc:
        shown = str(p) if len(str(p)) <= 80 else f"{str(p)[:60]}… ({len(str(p))} characters)"
        raise ValidationError(f"{what}: {exc.strerror or exc}", where=shown) from None


def _check_limits(target: Target) -> None:
    """What will be stored fits its column and range (domain/limits.py), checked before the flush."""
    for field in ("url", "profile", "key_file", "known_hosts_file", "host_key"):
        check_text(getattr(target, field), TARGET[field], field=f"target {field.replace('_', ' ')}")
    check_number(target.max_concurrency, CONCURRENCY, field="max concurrency", integer=True)


def add_target(session: Session, paths: Paths, *, name: str, url: str, profile: str = "generic-43",
               password: str | None = None, key_file: str | None = None, known_hosts: str | None = None,
               host_key: str | None = None, trust_unknown_host: bool = False,
               secrets: Mapping[str, str] | None = None, max_concurrency: int = 2,
               enabled: bool = True) -> Target:
    """Create a target after checking its name, URL, profile and files."""
    _check_name(name)
    if session.exec(select(Target).where(Target.name == name)).first() is not None:
        raise ConflictError(f"a target named {name!r} exists (use `stardust target edit`)")
    load_profile(profile, paths.profiles_dir)
    if max_concurrency < 1:
        raise ValidationError("--max-concurrency must be at least 1", where=name)
    target = Target(name=name, url=url.strip(), profile=profile, enabled=enabled,
                    key_file=_check_file(key_file, "key file"),
                    known_hosts_file=_check_file(known_hosts, "known_hosts file"),
                    host_key=host_key, trust_unknown_host=trust_unknown_host, max_concurrency=max_concurrency)
    spec = target_spec(target)
    if spec.scheme != "sftp" and (key_file or known_hosts or host_key or trust_unknown_host):
        raise ValidationError("--key, --known-hosts, --host-key and --trust-host-key are for sftp:// targets",
                              where=name)
    target.host_key = spec.host_key
    values = dict(secrets or {})
    if password is not None:
        values["password"] = password
    _store_secrets(paths, target, values)
    _check_limits(target)
    session.add(target)
    session.flush()
    return target


def edit_target(session: Session, paths: Paths, target: Target, *, url: str | None = None,
                profile: str | None = None, password: str | None = None, key_file: str | None = None,
                known_hosts: str | None = None, host_key: str | None = None,
                trust_unknown_host: bool | None = None, secrets: Mapping[str, str | None] | None = None,
                max_concurrency: int | None = None, enabled: bool | None = None,
                rename: str | None = None) -> Target:
    """Change some settings of a target; a secret set to ``""``/None is removed."""
    if rename is not None and rename != target.name:
        _check_name(rename)
        if session.exec(select(Target).where(Target.name == rename)).first() is not None:
            raise ConflictError(f"a target named {rename!r} exists")
        target.name = rename
    if url is not None:
        target.url = url.strip()
    if profile is not None:
        load_profile(profile, paths.profiles_dir)
        target.profile = profile
    if key_file is not None:
        target.key_file = _check_file(key_file, "key file") if key_file else None
    if known_hosts is not None:
        target.known_hosts_file = _check_file(known_hosts, "known_hosts file") if known_hosts else None
    if host_key is not None:
        target.host_key = host_key or None
    if trust_unknown_host is not None:
        target.trust_unknown_host = trust_unknown_host
    if max_concurrency is not None:
        if max_concurrency < 1:
            raise ValidationError("--max-concurrency must be at least 1", where=target.name)
        target.max_concurrency = max_concurrency
    if enabled is not None:
        target.enabled = enabled
    target.host_key = target_spec(target).host_key  # validates the URL with the new settings
    values: dict[str, str | None] = dict(secrets or {})
    if password is not None:
        values["password"] = password
    if values:
        _store_secrets(paths, target, values)
    target.updated_at = utcnow()
    _check_limits(target)
    session.add(target)
    session.flush()
    return target


def remove_target(session: Session, target: Target) -> None:
    """Delete a target that has no delivery history (disable it otherwise, to keep the history)."""
    count = session.exec(select(func.count()).select_from(Delivery).where(Delivery.target_id == target.id)).one()
    if count:
        active = session.exec(select(func.count()).select_from(Delivery).where(
            Delivery.target_id == target.id, col(Delivery.state).in_(ACTIVE_STATES))).one()
        detail = f"{active} still queued or running" if active else "kept as history"
        raise ConflictError(f"target {target.name!r} has {count} deliveries ({detail}); "
                            "disable it instead (`stardust target disable`)")
    session.delete(target)
    session.flush()
