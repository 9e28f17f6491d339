"""Channel kinds by name: the built-in email and webhook, and kinds plugins register.

:func:`register` adds a :class:`~stardust_tui.notify.channel.Channel` subclass under its ``kind``; a kind
neither built in nor registered is looked up among the plugins' ``stardust.notifiers`` entry points
(:func:`stardust_tui.plugin_points.notifiers`, issue 16), only then; nothing else changes for the outbox,
the routing, the sender or the CLI (``notify add KIND`` passes ``--set KEY=VALUE`` options to the kind's
``check_settings``). The built-in kinds are imported only when first asked for.
"""

from __future__ import annotations

import importlib

from stardust_tui.errors import ValidationError
from stardust_tui.notify.channel import BUILTIN_KINDS as BUILTIN
from stardust_tui.notify.channel import Channel

_registered: dict[str, type[Channel]] = {}


def register(cls: type[Channel]) -> None:
    """Make a channel kind available (a plugin's). A kind may not replace a built-in one."""
    kind = getattr(cls, "kind", "")
    if not kind or not kind.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"channel class {cls.__name__} has no usable 'kind'")
    if kind in BUILTIN:
        raise ValueError(f"channel kind {kind!r} is built in")
    _registered[kind] = cls


def _plugin_kinds() -> dict[str, type[Channel]]:
    from stardust_tui.plugin_points import notifiers  # issue 16: the stardust.notifiers entry points

    return notifiers()


def kinds() -> list[str]:
    return sorted({*BUILTIN, *_registered, *_plugin_kinds()})


def channel_class(kind: str) -> type[Channel]:
    if kind in _registered:
        return _registered[kind]
    if kind not in BUILTIN:
        plugin = _plugin_kinds().get(kind)
        if plugin is not None:
            return plugin
        raise ValidationError(f"unknown channel kind {kind!r} (known: {', '.join(kinds())})", where="kind")
    module, _, name = BUILTIN[kind].partition(":")
    return getattr(importlib.import_module(module), name)
