"""The channel interface: what email, webhooks and plugin channels (issue 16) implement.

A channel kind is a :class:`Channel` subclass registered under its ``kind``
(:mod:`stardust_tui.notify.registry`). It declares how ``stardust notify add KIND`` options become its stored
``settings`` (:meth:`Channel.check_settings`: no secret in them) and whether it keeps a secret; it is built
from a stored channel plus its decrypted :class:`~stardust_tui.secrets.Secret` and sends one
:class:`Outgoing` message (one event, or a digest of several) with :meth:`Channel.send`. ``send`` reports
each step through ``step`` (``stardust notify test`` prints them) and raises :class:`SendFailed`, saying
whether the failure is permanent for this message and when to try again. Channels do their own blocking
I/O in a thread (``asyncio.to_thread``), never on the caller's event loop.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from stardust_tui.notify.events import digest_body

if TYPE_CHECKING:
    from stardust_tui.notify.render import Renderer
    from stardust_tui.secrets import Secret

Step = Callable[[str], None]

# The built-in kinds, "module:Class", imported only when first asked for (notify.registry); plugin_points reads
# the names so that no plugin kind replaces one. Kept here, below both, so neither imports the other.
BUILTIN_KINDS = {"email": "stardust_tui.notify.mail:EmailChannel",
                 "webhook": "stardust_tui.notify.webhook:WebhookChannel"}


class SendFailed(Exception):
    """A send did not go through. ``permanent``: this message is refused as it is (retrying will not help)."""

    def __init__(self, message: str, *, permanent: bool = False, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after


@dataclass(frozen=True)
class OutEvent:
    event_id: str
    type: str
    payload: str  # the stored JSON, sent byte for byte

    @cached_property
    def data(self) -> dict[str, Any]:
        return json.loads(self.payload)


@dataclass(frozen=True)
class Outgoing:
    """What one send carries: one event, or a digest (``digest`` = "hourly"/"daily") of several."""

    delivery_id: str
    events: tuple[OutEvent, ...]
    digest: str = "immediate"
    renderer: Renderer | None = field(default=None, compare=False, repr=False)

    @property
    def single(self) -> OutEvent | None:
        return self.events[0] if self.digest == "immediate" and len(self.events) == 1 else None

    def json_body(self) -> bytes:
        """The JSON a machine receives: the event's stored payload, or a ``stardust.digest/1`` document."""
        one = self.single
        text = one.payload if one is not None else digest_body(self.delivery_id, [e.payload for e in self.events])
        return text.encode("utf-8")

    def rendered(self) -> tuple[str, str, str]:
        """(subject, plain text, HTML) from the templates (``notify/templates``, overridable in the config dir)."""
        if self.renderer is None:
            raise SendFailed("no template renderer for this message", permanent=True)
        return self.renderer.render(self)


class Channel(ABC):
    """One configured channel of some kind, ready to send."""

    kind: ClassVar[str]
    """The name used by ``notify add KIND`` and stored on the channel."""
    has_secret: ClassVar[bool] = False
    """Whether the channel keeps a secret (stored encrypted; never in settings, logs or payloads)."""

    def __init__(self, name: str, settings: dict[str, Any], secret: Secret | None) -> None:
        self.name = name
        self.settings = settings
        self.secret = secret

    @classmethod
    @abstractmethod
    def check_settings(cls, settings: dict[str, Any]) -> dict[str, Any]:
        """The settings to store, checked (a ValidationError naming the option when one is wrong)."""

    @classmethod
    def describe(cls, settings: dict[str, Any]) -> str:
        """One line for ``notify list`` (no secret)."""
        return ", ".join(f"{k}={v}" for k, v in sorted(settings.items()) if v not in (None, "", []))

    @abstractmethod
    async def send(self, message: Outgoing, step: Step | None = None) -> str:
        """Send ``message``; returns a one-line result (e.g. the receiver's answer). Raises SendFailed."""

    def close(self) -> None:  # noqa: B027 - optional: most channels keep nothing open
        """Let go of kept connections (the sender calls it when the channel's settings changed)."""
