"""ERN 4.3 builder: NewReleaseMessage and PurgeReleaseMessage from a :class:`ReleaseView`.

The element layout shared with the other 4.x version lives in :mod:`stardust_tui.ern.v4common`;
this module fixes the version (namespace ``http://ddex.net/xml/ern/43``) and chooses the message.
"""

from __future__ import annotations

from lxml import etree

from stardust_tui.ern.common import BuildOptions, Header
from stardust_tui.ern.deals import is_purge
from stardust_tui.ern.v4common import build_new_release, build_purge
from stardust_tui.ern.view_model import ReleaseView

VERSION = "4.3"
NAMESPACE = "http://ddex.net/xml/ern/43"


def build(view: ReleaseView, header: Header, options: BuildOptions) -> etree._Element:
    """The message for ``options.message_type`` (new, update, takedown, purge) as an lxml element."""
    if is_purge(options):
        return build_purge(view, header, options, 3)
    return build_new_release(view, header, options, 3)
