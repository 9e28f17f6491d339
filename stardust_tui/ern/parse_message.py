"""Moved: the parse dispatcher is :mod:`stardust_tui.ern.parse`, the records :mod:`stardust_tui.ern.parse_common`.

A temporary re-export for callers not yet switched; it goes once nothing imports it.
"""

from stardust_tui.ern.parse import parse_release
from stardust_tui.ern.parse_common import ParsedRelease, parse_when

__all__ = ["ParsedRelease", "parse_release", "parse_when"]
