"""Alt keys in quick succession (alt+p alt+p in one read, or a held alt key repeating) are two alt keys:
Textual's stock parser turned the first into ``^`` and ``p``, typed into the focused field."""

from __future__ import annotations

import pytest
from textual._xterm_parser import XTermParser

from stardust_tui.widgets.alt_keys import AltKeyParser, install


def keys(parser: XTermParser, data: str) -> list[str]:
    return [e.key for e in [*parser.feed(data), *parser.feed("")] if hasattr(e, "key")]


@pytest.mark.parametrize(("data", "expected"), [
    ("\x1bp\x1bp", ["alt+p", "alt+p"]),
    ("\x1bn\x1bn\x1bn", ["alt+n", "alt+n", "alt+n"]),
    ("a\x1bpb", ["a", "alt+p", "b"]),
    ("\x1bp", ["alt+p"]),
    ("\x1b", ["escape"]),
    ("\x1b[6~\x1b[6~", ["pagedown", "pagedown"]),
    ("\x1b[A", ["up"]),
    ("\x1bOP", ["f1"]),
    ("/Mix", ["slash", "M", "i", "x"]),
])
def test_alt_keys_and_escape_sequences(data: str, expected: list[str]) -> None:
    assert keys(AltKeyParser(), data) == expected


def test_the_stock_parser_still_has_the_fault() -> None:
    """When Textual fixes it, this fails and alt_keys.py can go."""
    assert keys(XTermParser(), "\x1bp\x1bp") != ["alt+p", "alt+p"]


def test_install_makes_the_linux_driver_use_it() -> None:
    from textual.drivers import linux_driver

    install()
    assert linux_driver.XTermParser is AltKeyParser
