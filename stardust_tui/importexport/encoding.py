"""Which text encoding a CSV file is in: a byte-order mark, valid UTF-8, UTF-16 without a BOM, or
(charset-normalizer) a legacy code page such as Windows-1252 — or the one the user names.

The answer comes with a short note for the report (``encoding Windows-1252 (detected)``). Only the start
and the end of the file are looked at (a few MB at most), so a 1 GB file is decided in milliseconds; a
byte that still does not decode later is an error naming its line (see ``csv_import``).
"""

from __future__ import annotations

import codecs
from pathlib import Path

from stardust_tui.errors import ValidationError

HEAD = 2 << 20
TAIL = 256 << 10
_NAMES = {"utf_8": "UTF-8", "utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp1252": "Windows-1252",
          "windows-1252": "Windows-1252", "utf_16": "UTF-16", "utf-16": "UTF-16", "utf_16_le": "UTF-16 LE",
          "utf_16_be": "UTF-16 BE", "latin_1": "Latin-1", "iso8859_1": "Latin-1", "mac_roman": "Mac Roman"}


def _check(requested: str) -> str:
    try:
        name = codecs.lookup(requested).name
    except LookupError:
        raise ValidationError(f"unknown encoding {requested!r}", where="--encoding") from None
    return "utf-8-sig" if name == "utf-8" else name


def _valid_utf8(data: bytes, at_end: bool) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:  # a character cut by the sample's edge is fine
        return not at_end and exc.start >= len(data) - 3 and exc.reason == "unexpected end of data"


def detect(path: Path, requested: str | None = None) -> tuple[str, str]:
    """``(codec name, note)`` for a text file; ``requested`` (``--encoding``, the mapping) wins."""
    if requested:
        return _check(requested), f"encoding {requested} (as asked)"
    size = path.stat().st_size
    with path.open("rb") as f:
        head = f.read(HEAD)
        tail = b""
        if size > HEAD + TAIL:
            f.seek(size - TAIL)
            tail = f.read(TAIL)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "encoding UTF-8 (byte-order mark)"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "encoding UTF-16 (byte-order mark)"
    pairs = head[:4096]
    if len(pairs) >= 4 and pairs[1::2].count(0) > len(pairs) // 4 and pairs[0::2].count(0) < len(pairs) // 16:
        return "utf-16-le", "encoding UTF-16 LE (no byte-order mark; detected)"
    if len(pairs) >= 4 and pairs[0::2].count(0) > len(pairs) // 4 and pairs[1::2].count(0) < len(pairs) // 16:
        return "utf-16-be", "encoding UTF-16 BE (no byte-order mark; detected)"
    if _valid_utf8(head, size <= HEAD) and (not tail or _valid_utf8(tail[_skip_continuation(tail):], True)):
        return "utf-8-sig", "encoding UTF-8"
    from charset_normalizer import from_bytes

    sample = head[:HEAD // 2] + b"\n" + tail
    best = from_bytes(sample).best()
    name = best.encoding if best is not None else "cp1252"
    # short catalog texts fit several single-byte code pages about equally: spreadsheets on Windows write
    # Windows-1252, so it wins whenever it decodes the bytes and the detector's reading is Latin script too
    if name in ("ascii", "utf_8") or (_decodes(sample, "cp1252") and not _other_script(sample, name)):
        name = "cp1252"
    return _check(name), f"encoding {_NAMES.get(name, name)} (detected)"


_SCRIPTS = ("CYRILLIC", "GREEK", "HEBREW", "ARABIC", "THAI", "CJK", "HIRAGANA", "KATAKANA", "HANGUL", "DEVANAGARI",
            "ARMENIAN", "GEORGIAN")


def _other_script(data: bytes, codec: str) -> bool:
    """True when ``data`` read as ``codec`` is mostly letters of a non-Latin script (Cyrillic, Greek...)."""
    import unicodedata

    try:
        text = data.decode(codec, errors="replace")
    except LookupError:
        return False
    letters = [c for c in text if ord(c) > 127 and c.isalpha()]
    if not letters:
        return False
    other = sum(1 for c in letters if unicodedata.name(c, "").startswith(_SCRIPTS))
    return other * 2 > len(letters)


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
        return True
    except UnicodeDecodeError:
        return False


def _skip_continuation(data: bytes) -> int:
    """Index of the first byte that can start a UTF-8 character (a sample cut mid-character)."""
    i = 0
    while i < min(3, len(data)) and 0x80 <= data[i] < 0xC0:
        i += 1
    return i
