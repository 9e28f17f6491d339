"""Safe XML parsing for ERN messages: no entity expansion, no DTD loading, no network, no huge trees.

A message that declares entities (the XXE and "billion laughs" attacks) or references an external DTD
is refused with a one-line error naming the file and line, before anything reads its content.
UTF-8 and UTF-16 (with a byte-order mark) are both accepted; lxml reads the encoding from the bytes.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from stardust_tui.errors import StardustError


class UnsafeXmlError(StardustError):
    """The document tries to declare entities or load external resources."""


class XmlSyntaxError(StardustError):
    """The document is not well-formed XML."""

    def __init__(self, message: str, *, where: str | None = None, line: int | None = None) -> None:
        super().__init__(message, where=where)
        self.line = line


def parser() -> etree.XMLParser:
    """A new lxml parser with every risky feature off (parsers are not thread-safe: one per use)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                           dtd_validation=False, remove_blank_text=False)


def parse_bytes(data: bytes, *, source: str = "<bytes>") -> etree._ElementTree:
    """Parse a whole document, refusing DTD entity declarations and external DTDs."""
    try:
        root = etree.fromstring(data, parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or None
        msg = str(exc.msg or exc).split(", line ")[0]
        if "entity" in msg.lower() and ("loop" in msg.lower() or "amplification" in msg.lower()):
            raise UnsafeXmlError(f"line {line}: entity expansion refused ({msg})", where=source) from None
        raise XmlSyntaxError(f"line {line}: not well-formed XML: {msg}", where=source, line=line) from None
    tree = root.getroottree()
    docinfo = tree.docinfo
    dtd = docinfo.internalDTD
    if dtd is not None:
        entities = [e.name for e in dtd.iterentities()]
        if entities:
            raise UnsafeXmlError(
                f"line 1: DOCTYPE declares entities ({', '.join(entities[:3])}); entity declarations are "
                "refused (XXE / entity-expansion protection)", where=source)
    if docinfo.system_url or docinfo.public_id:
        raise UnsafeXmlError("line 1: DOCTYPE references an external DTD; refused (no network, no DTDs)",
                             where=source)
    return tree


def parse_file(path: str | Path) -> etree._ElementTree:
    """Read and safely parse a file; an unreadable file raises a :class:`StardustError`."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise StardustError(f"cannot read: {exc.strerror or exc}", where=str(p)) from None
    return parse_bytes(data, source=str(p))
