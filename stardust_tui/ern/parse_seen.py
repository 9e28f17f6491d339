"""Which elements of a message a parser read, so what it could not represent is listed by element path.

The parsers read through a :class:`Seen`: every element they find (and its ancestors) is marked. After
parsing, :func:`unrepresented` walks the message and names each element nobody read, as a generalized
path with a count and the first line (``ReleaseList/Release/RelatedRelease (2x, first at line 31)``).
The message header and the sub-trees a parser takes whole (a file's hash block, for example) are marked
as a whole.
"""

from __future__ import annotations

from collections import Counter

from lxml import etree


class Seen:
    """The set of elements a parser has read."""

    def __init__(self) -> None:
        self.marked: set[etree._Element] = set()

    def mark(self, el: etree._Element | None) -> etree._Element | None:
        node = el
        while node is not None and node not in self.marked:
            self.marked.add(node)
            node = node.getparent()
        return el

    def whole(self, el: etree._Element | None) -> etree._Element | None:
        if el is not None:
            self.mark(el)
            self.marked.update(e for e in el.iter() if isinstance(e.tag, str))
        return el

    def find(self, el: etree._Element | None, path: str) -> etree._Element | None:
        return self.mark(el.find(path)) if el is not None else None

    def findall(self, el: etree._Element | None, path: str) -> list[etree._Element]:
        if el is None:
            return []
        found: list[etree._Element] = el.findall(path)
        for node in found:
            self.mark(node)
        return found

    def text(self, el: etree._Element | None, path: str | None = None) -> str | None:
        node = el if el is None or path is None else el.find(path)
        if node is None:
            return None
        self.mark(node)
        if node.text is None:
            return None
        return " ".join(node.text.split()) or None


def _path(el: etree._Element, root: etree._Element) -> str:
    parts = []
    node: etree._Element | None = el
    while node is not None and node is not root:
        parts.append(etree.QName(node).localname)
        node = node.getparent()
    return "/".join(reversed(parts))


def unrepresented(root: etree._Element, seen: Seen) -> list[str]:
    """Element paths of the message nobody read (top-most only), with counts and the first line."""
    counts: Counter[str] = Counter()
    first: dict[str, int | None] = {}
    stack = [child for child in root if isinstance(child.tag, str)]
    while stack:
        el = stack.pop()
        if el in seen.marked:
            stack.extend(child for child in el if isinstance(child.tag, str))
            continue
        path = _path(el, root)
        counts[path] += 1
        if path not in first or (el.sourceline or 0) < (first[path] or 0):
            first[path] = el.sourceline
    out = []
    for path in sorted(counts, key=lambda p: (first[p] or 0, p)):
        times = f"{counts[path]}x, first at line {first[path]}" if counts[path] > 1 else f"line {first[path]}"
        out.append(f"{path} ({times}): not kept by the catalog")
    return out
