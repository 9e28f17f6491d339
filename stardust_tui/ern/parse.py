"""The parse dispatcher: an ERN NewReleaseMessage (3.8.2, 4.2 or 4.3) to a version-neutral :class:`ParsedRelease`.

Chooses the reader by the root namespace (:mod:`stardust_tui.ern.parse_382` or :mod:`stardust_tui.ern.parse_4x`)
and refuses what describes no release (a PurgeReleaseMessage, another namespace) with one line naming it.
"""

from __future__ import annotations

from lxml import etree

from stardust_tui.ern.parse_4x import parse_4x
from stardust_tui.ern.parse_382 import parse_382
from stardust_tui.ern.parse_common import ParsedRelease
from stardust_tui.ern.schemas import NAMESPACE_VERSIONS
from stardust_tui.errors import ValidationError


def parse_release(root: etree._Element) -> ParsedRelease:
    """The release a NewReleaseMessage describes (any supported version)."""
    version = NAMESPACE_VERSIONS.get(etree.QName(root).namespace or "")
    if version is None:
        raise ValidationError(f"line {root.sourceline}: not an ERN 3.8.2, 4.2 or 4.3 message ({root.tag})")
    kind = etree.QName(root).localname
    if kind != "NewReleaseMessage":
        raise ValidationError(f"line {root.sourceline}: {kind} describes no release "
                              "(only a NewReleaseMessage can be imported or shown)")
    if version == "3.8.2":
        return parse_382(root)
    return parse_4x(root, version)
