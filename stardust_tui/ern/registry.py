"""Maps ERN versions ("3.8.2", "4.2", "4.3") to their builders and builds whole messages as bytes.

``build_message`` is the entry point the CLI, the TUI preview and the delivery engine use. It accepts a
:class:`ReleaseView` or a loaded catalog ``Release`` and returns UTF-8 XML bytes. The output is
deterministic: the same catalog state, message id and timestamp give the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from types import ModuleType
from typing import Any

from lxml import etree

from stardust_tui.ern import v42, v43, v382
from stardust_tui.ern.common import (
    DPID_PATTERN,
    BuildOptions,
    Header,
    Party,
    check_message_type,
)
from stardust_tui.ern.naming import NamingPatterns
from stardust_tui.ern.preflight import check_view
from stardust_tui.ern.release_view import ReleaseView, view_from_release
from stardust_tui.errors import ValidationError

BUILDERS: dict[str, ModuleType] = {"3.8.2": v382, "4.2": v42, "4.3": v43}
VERSIONS: tuple[str, ...] = tuple(BUILDERS)
_ALIASES = {"382": "3.8.2", "38": "3.8.2", "ern/382": "3.8.2", "42": "4.2", "43": "4.3", "4.3.0": "4.3"}
NAMESPACES: dict[str, str] = {v: m.NAMESPACE for v, m in BUILDERS.items()}


def normalize_version(version: str) -> str:
    """``"43"``, ``"4.3"`` -> ``"4.3"``; unknown versions raise a :class:`ValidationError`."""
    text = str(version).strip()
    text = _ALIASES.get(text, text)
    if text not in BUILDERS:
        raise ValidationError(f"unknown ERN version {version!r} (one of {', '.join(VERSIONS)})")
    return text


def builder_for(version: str) -> Callable[[ReleaseView, Header, BuildOptions], etree._Element]:
    build: Callable[[ReleaseView, Header, BuildOptions], etree._Element] = BUILDERS[normalize_version(version)].build
    return build


def build_element(view: ReleaseView, version: str, header: Header, options: BuildOptions) -> etree._Element:
    """The message as an lxml element tree (for callers that post-process or validate in memory)."""
    version = normalize_version(version)
    check_message_type(options.message_type, options.takedown_strategy)
    check_view(view, version, options)
    try:
        return BUILDERS[version].build(view, header, options)
    except ValueError as exc:  # lxml refuses control characters and other non-XML text
        raise ValidationError(f"release text cannot be written as XML: {exc}") from None


def serialize(root: etree._Element) -> bytes:
    """UTF-8 bytes with an XML declaration, indented for people who read messages."""
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data


def build_message(
    view_or_release: ReleaseView | Any,
    version: str,
    message_type: str = "new",
    *,
    message_id: str,
    timestamp: datetime,
    sender: Party,
    recipients: Sequence[Party],
    takedown_strategy: str = "remove-deals",
    test: bool = False,
    thread_id: str | None = None,
    patterns: NamingPatterns | None = None,
    resource_dir: str = "resources/",
    track_releases: bool = True,
    avs_version: str = "3",
) -> bytes:
    """Build one ERN message and return its bytes.

    ``view_or_release`` is a :class:`ReleaseView` or a loaded catalog release (converted with
    ``patterns`` and ``resource_dir``, the delivery profile's file naming). ``message_type`` is new,
    update, takedown or purge; ``takedown_strategy`` (remove-deals, end-validity, purge) chooses how a
    takedown is expressed.
    """
    if not recipients:
        raise ValidationError("a message needs at least one recipient (DPID:NAME)")
    for role, party in [("sender", sender)] + [("recipient", r) for r in recipients]:
        if not DPID_PATTERN.match(party.dpid or ""):
            raise ValidationError(f"{role} {party.dpid!r} is not a DDEX party ID (PADPIDA followed by letters/digits)"
                                  + ("; set sender_dpid in the config" if role == "sender" else ""))
    if timestamp.tzinfo is None:
        raise ValidationError("message timestamp must carry a time zone")
    view = view_or_release if isinstance(view_or_release, ReleaseView) else view_from_release(
        view_or_release, patterns=patterns, resource_dir=resource_dir)
    header = Header(message_id=message_id, sender=sender, recipients=tuple(recipients), created=timestamp,
                    thread_id=thread_id or message_id, test=test)
    options = BuildOptions(message_type=message_type, takedown_strategy=takedown_strategy,  # type: ignore[arg-type]
                           avs_version=avs_version, track_releases=track_releases)
    return serialize(build_element(view, version, header, options))
