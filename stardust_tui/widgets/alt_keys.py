"""Alt keys pressed in quick succession arrive whole (a fix for Textual's terminal input parser).

A terminal sends alt+p as ``ESC p``. Textual 8.2.8's ``XTermParser`` keeps ``ESC p`` open in case more of an
escape sequence follows, and when the next byte is another ``ESC`` (alt+p twice, or a held key repeating) it
re-issues the open ``ESC p`` as the two keys ``^`` and ``p`` — so the wizard's step keys typed ``^p`` into the
focused field and the second step was lost. :class:`AltKeyParser` reads ``ESC`` + one printable character
(other than the ``[ O P ] _`` that open longer sequences) as that alt key at once. :func:`install` makes the
Linux driver use it; nothing else of Textual's input handling changes.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import events
from textual._xterm_parser import XTermParser

ESC = "\x1b"
SEQUENCE_OPENERS = frozenset("[O]P_\x1b")  # CSI, SS3, OSC, DCS, APC, and ESC ESC (alt+arrow on some terminals)


class AltKeyParser(XTermParser):
    """``XTermParser`` that ends an ``ESC <character>`` sequence as alt+<character> straight away."""

    def _sequence_to_key_events(self, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        if len(sequence) == 2 and sequence[0] == ESC and sequence[1] not in SEQUENCE_OPENERS \
                and sequence[1].isprintable():
            return super()._sequence_to_key_events(sequence[1], alt=True)
        return super()._sequence_to_key_events(sequence, alt=alt)


def install() -> None:
    """Make Textual's Linux drivers parse input with :class:`AltKeyParser` (idempotent)."""
    try:
        from textual.drivers import linux_driver, linux_inline_driver
    except ImportError:  # Windows: its driver reads key events, not bytes
        return
    for module in (linux_driver, linux_inline_driver):
        if getattr(module, "XTermParser", None) is XTermParser:
            module.XTermParser = AltKeyParser  # type: ignore[attr-defined]
