"""Stored channels: add (settings checked by the kind, secret encrypted), find, list, remove, build.

Store functions take the open session first, as the rest of the store does. The secret (an SMTP password,
a webhook signing secret) is encrypted with the home's key like target credentials
(:mod:`stardust_tui.secrets`) and decrypted only by :func:`build`, in the sender, right before a send.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from stardust_tui.domain.models import utcnow
from stardust_tui.domain.notify_models import DIGESTS, NotifyChannel
from stardust_tui.domain.notify_vocab import NOTIFY
from stardust_tui.errors import ConflictError, NotFoundError, ValidationError
from stardust_tui.notify.channel import Channel
from stardust_tui.notify.registry import channel_class
from stardust_tui.paths import Paths

ChannelRef = str | int


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > NOTIFY["name"] or not all(c.isalnum() or c in "-_." for c in name):
        raise ValidationError(f"{name!r} is not a channel name (letters, digits, '-', '_' and '.', "
                              f"at most {NOTIFY['name']})", where="NAME")
    return name


def check_digest(digest: str) -> str:
    if digest not in DIGESTS:
        raise ValidationError(f"{digest!r} is not one of {', '.join(DIGESTS)}", where="--digest")
    return digest


def add_channel(session: Session, paths: Paths, *, name: str, kind: str, settings: dict[str, Any],
                secret: str | None = None, digest: str = "immediate", replace: bool = False) -> NotifyChannel:
    """Store a new channel (or, with ``replace``, change the one of that name: its pending sends stay)."""
    from stardust_tui.secrets import encrypt

    name = check_name(name)
    cls = channel_class(kind)
    checked = cls.check_settings(settings)
    if secret is not None and not cls.has_secret:
        raise ValidationError(f"{kind} channels keep no secret", where="--secret")
    row = session.exec(select(NotifyChannel).where(NotifyChannel.name == name)).first()
    if row is not None and not replace:
        raise ConflictError(f"a channel named {name!r} exists (remove it first, or pass --replace)")
    if row is None:
        row = NotifyChannel(name=name, kind=kind)
    elif row.kind != kind:
        raise ConflictError(f"channel {name!r} is a {row.kind} channel, not {kind}")
    row.settings = checked
    row.digest = check_digest(digest)
    if secret is not None:
        row.secret = encrypt(paths, secret)
    row.updated_at = utcnow()
    row.consecutive_failures, row.last_error = 0, None
    session.add(row)
    session.flush()
    return row


def get_channel(session: Session, ref: ChannelRef) -> NotifyChannel:
    stmt = select(NotifyChannel).where(NotifyChannel.id == ref if isinstance(ref, int) else NotifyChannel.name == ref)
    row = session.exec(stmt).first()
    if row is None:
        raise NotFoundError(f"no notification channel {ref!r} (stardust notify list)")
    return row


def list_channels(session: Session) -> list[NotifyChannel]:
    return list(session.exec(select(NotifyChannel).order_by(col(NotifyChannel.name))))


def remove_channel(session: Session, ref: ChannelRef) -> NotifyChannel:
    """Delete a channel and its sends (pending ones included: the events stay in the outbox)."""
    row = get_channel(session, ref)
    session.delete(row)
    session.flush()
    return row


def build(row: NotifyChannel, paths: Paths) -> Channel:
    """A ready-to-send channel object (the secret decrypted into a :class:`~stardust_tui.secrets.Secret`)."""
    from stardust_tui.secrets import decrypt

    cls = channel_class(row.kind)
    secret = decrypt(paths, row.secret) if row.secret else None
    return cls(row.name, dict(row.settings), secret)
