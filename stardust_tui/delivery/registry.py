"""Scheme → transport class, imported lazily so a missing optional library only hurts its own scheme.

A scheme not listed here is looked up among plugin transports (``stardust.transports``, issue 16).
``open_transport(url_or_spec, secrets)`` is the one entry point the worker and the CLI use; when a
transport's library is not installed the error names the package to install.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping

from stardust_tui.delivery.base import Transport, TransportPermanentError
from stardust_tui.delivery.schemes import TRANSPORTS
from stardust_tui.delivery.urls import TargetSpec, parse_target_url
from stardust_tui.secrets import Secret


def transport_class(scheme: str) -> type[Transport]:
    try:
        module_name, class_name, package = TRANSPORTS[scheme]
    except KeyError:
        from stardust_tui.plugin_points import scheme_unavailable, transport_for  # issue 16: plugin transports

        plugin = transport_for(scheme)
        if plugin is None:
            why = scheme_unavailable(scheme)
            raise TransportPermanentError(why or f"no transport for scheme {scheme!r}") from None
        return plugin
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        hint = f"; install it with: pip install {package}" if package else ""
        raise TransportPermanentError(
            f"the {scheme}:// transport needs the missing library {exc.name or package!r}{hint}"
        ) from None
    cls = getattr(module, class_name)
    if not (isinstance(cls, type) and issubclass(cls, Transport)):
        raise TypeError(f"{module_name}.{class_name} is not a Transport")
    return cls


def open_transport(target: str | TargetSpec, secrets: Mapping[str, Secret] | None = None) -> Transport:
    """A transport for a URL or spec (not yet connected: use ``async with``)."""
    spec = parse_target_url(target) if isinstance(target, str) else target
    return transport_class(spec.scheme)(spec, secrets)
