"""Which asset store a home uses (``[assets] url``) and the object store's credentials.

``url`` unset (or ``local``): the home's ``assets/`` folder, as always. ``file:///DIR`` or an absolute
path: a local folder elsewhere. ``s3://bucket/prefix?endpoint=…&region=…&addressing=…&ca=…&timeout=…``:
an S3-compatible bucket. The URL is checked when the config is read (:func:`check_url`, one line naming
what is wrong). S3 credentials are never in the URL or the config: ``stardust asset credentials`` stores
them in the database encrypted with the secret key (:func:`save_credentials`, like a target's secrets),
so every host sharing the database and the key reads the same ones; without stored credentials the
usual AWS environment/instance credentials apply.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stardust_tui.delivery.urls import TargetSpec, parse_target_url
from stardust_tui.errors import ValidationError

S3_OPTIONS = {"endpoint", "region", "addressing", "ca", "timeout"}
CREDENTIAL_KEYS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")


def check_url(value: Any) -> str:
    """The config check of ``assets.url`` (returns the URL; raises ValueError with the reason)."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a URL: s3://bucket/prefix?endpoint=..., file:///dir or local")
    try:
        parse_store_url(value)
    except ValidationError as exc:
        raise ValueError(exc.message) from None
    return value.strip()


def parse_store_url(url: str | None) -> TargetSpec | Path | None:
    """None for the home's own folder, a Path for another local folder, a TargetSpec for a bucket."""
    text = (url or "").strip()
    if not text or text == "local":
        return None
    if text.startswith("/"):
        return Path(text)
    if text.startswith("file://"):
        spec = parse_target_url(text)
        return Path(spec.path)
    if not text.startswith("s3://"):
        raise ValidationError(f"unsupported asset store {text!r}: use s3://bucket/prefix?endpoint=..., "
                              "file:///dir or local", where="assets.url")
    spec = parse_target_url(text)
    extra = set(spec.options) - S3_OPTIONS
    if extra:
        raise ValidationError(f"option {sorted(extra)[0]!r} does not apply to an asset store "
                              f"(allowed: {', '.join(sorted(S3_OPTIONS))})", where="assets.url")
    return spec


def configured_url(paths: Any) -> str | None:
    """``[assets] url`` of the config file these paths name (None when unset or no file)."""
    import tomllib

    from stardust_tui.errors import ConfigError

    cfg = paths.config_file
    if not cfg.is_file():
        return None
    try:
        data = tomllib.loads(cfg.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None  # load_settings reports a broken file; this never runs before it in a command
    value = (data.get("assets") or {}).get("url") if isinstance(data.get("assets"), dict) else None
    if value is None:
        return None
    try:
        return check_url(value)
    except ValueError as exc:
        raise ConfigError(f"assets.url: {exc}", where=str(cfg)) from None


def store_id(spec: TargetSpec) -> str:
    """The key of a store's credentials: its endpoint and bucket (prefixes of one bucket share them)."""
    return f"{spec.option('endpoint') or 'aws'}|{spec.bucket}"


def load_credentials(paths: Any, engine: Any, spec: TargetSpec) -> dict[str, str]:
    """The stored (decrypted) credentials of a bucket; {} when none are stored or there is no database."""
    if engine is None:
        return {}
    from sqlalchemy.exc import OperationalError, ProgrammingError
    from sqlmodel import Session

    from stardust_tui.domain.store_models import StoreCredential
    from stardust_tui.secrets import decrypt

    try:
        with Session(engine) as session:
            row = session.get(StoreCredential, store_id(spec))
    except (OperationalError, ProgrammingError):  # a store not upgraded yet
        return {}
    if row is None:
        return {}
    return dict(json.loads(decrypt(paths, row.credentials).reveal()))


def save_credentials(paths: Any, engine: Any, spec: TargetSpec, values: Mapping[str, str | None]) -> list[str]:
    """Store (encrypted) or clear credentials of a bucket; returns the names now stored."""
    from sqlmodel import Session

    from stardust_tui.domain.models import utcnow
    from stardust_tui.domain.store_models import StoreCredential
    from stardust_tui.secrets import encrypt

    unknown = set(values) - set(CREDENTIAL_KEYS)
    if unknown:
        raise ValidationError(f"unknown credential {sorted(unknown)[0]!r} (known: {', '.join(CREDENTIAL_KEYS)})",
                              where="asset credentials")
    current = load_credentials(paths, engine, spec)
    for name, value in values.items():
        if value:
            current[name] = value
        else:
            current.pop(name, None)
    with Session(engine) as session:
        row = session.get(StoreCredential, store_id(spec))
        if not current:
            if row is not None:
                session.delete(row)
        else:
            row = row or StoreCredential(store=store_id(spec), credentials="")
            row.credentials = encrypt(paths, json.dumps(current, sort_keys=True))
            row.updated_at = utcnow()
            session.add(row)
        session.commit()
    return sorted(current)
