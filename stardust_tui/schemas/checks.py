"""Is this really an XSD? Checks on every fetched file before anything is written.

A schema service that is down answers with an HTML error or login page (often with status 200); a
dropped connection leaves a truncated file. Both are refused with one line naming the file: an HTML page,
an empty file, a body shorter than its ``Content-Length``, XML that ends early, or a document whose root is
not ``xs:schema``. Parsing is safe (no entities, no DTD loading, no network), as for messages.
"""

from __future__ import annotations

from lxml import etree

from stardust_tui.errors import ValidationError
from stardust_tui.schemas.catalog import XSD_NS

MAX_FILE_BYTES = 64 * 1024 * 1024
"""The largest single XSD accepted (DDEX's biggest, an allowed-value-set file, is about 3 MB)."""
_REFS = (f"{{{XSD_NS}}}import", f"{{{XSD_NS}}}include", f"{{{XSD_NS}}}redefine")


class SchemaFetchError(ValidationError):
    """A schema that cannot be fetched or is not what it claims (one line naming the file or URL)."""


def xsd_parser() -> etree.XMLParser:
    """Entities and DTD loading off, no network (the W3C XML-DSig schema has an internal DTD subset)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def looks_like_html(data: bytes, content_type: str | None = None) -> bool:
    """An HTML page (error, login or directory listing) rather than an XML Schema."""
    if content_type and content_type.split(";")[0].strip().lower() in ("text/html", "application/xhtml+xml"):
        return True
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html")) or (b"<html" in head[:512] and b"schema" not in head[:512])


def check_xsd(data: bytes, where: str, content_type: str | None = None) -> etree._Element:
    """The parsed ``xs:schema`` root of ``data``, or a :class:`SchemaFetchError` saying why it is not one."""
    if not data.strip():
        raise SchemaFetchError("empty file, not an XML Schema", where=where)
    if looks_like_html(data, content_type):
        raise SchemaFetchError("got an HTML page, not an XML Schema (an error or login page?)", where=where)
    if len(data) > MAX_FILE_BYTES:
        raise SchemaFetchError(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: not a DDEX schema", where=where)
    try:
        root = etree.fromstring(data, xsd_parser())
    except etree.XMLSyntaxError as exc:
        early = any(word in str(exc) for word in ("Premature end", "EndTag", "end of data", "not properly terminated"))
        why = "truncated (the XML ends early)" if early else "not well-formed XML"
        raise SchemaFetchError(f"{why}: line {exc.lineno}: {exc.msg}", where=where) from None
    if root.tag != f"{{{XSD_NS}}}schema":
        raise SchemaFetchError(f"not an XML Schema (root element <{etree.QName(root).localname}>)", where=where)
    return root


def target_namespace(root: etree._Element) -> str:
    return root.get("targetNamespace") or ""


def declares_element(root: etree._Element, name: str) -> bool:
    """The schema declares the global element ``name`` (e.g. NewReleaseMessage)."""
    return any(el.get("name") == name for el in root.iterchildren(f"{{{XSD_NS}}}element"))


def schema_refs(root: etree._Element) -> list[str]:
    """The ``schemaLocation`` of every import/include/redefine, in document order, without repeats."""
    out: list[str] = []
    for el in root.iterchildren(*_REFS):
        loc = (el.get("schemaLocation") or "").strip()
        if loc and loc not in out:
            out.append(loc)
    return out


def rewrite_refs(data: bytes, mapping: dict[str, str], where: str) -> bytes:
    """``data`` with each ``schemaLocation="old"`` replaced by ``"new"`` (byte-for-byte elsewhere)."""
    out = data
    for old, new in mapping.items():
        if old == new:
            continue
        count = 0
        for quote in (b'"', b"'"):
            needle = b"schemaLocation=" + quote + old.encode() + quote
            count += out.count(needle)
            out = out.replace(needle, b"schemaLocation=" + quote + new.encode() + quote)
        if not count:
            raise SchemaFetchError(f"cannot point its import of {old} at the local copy", where=where)
    return out
