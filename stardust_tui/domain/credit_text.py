"""Contributors written as text: the one format the catalog import and the track editor share.

Written form (:func:`format_credit_text`): ``Role: Name; Role: Name`` — ``Producer: Ann Lee; Mastering
Engineer: Bo Ray``, as liner notes write them. Read (:func:`parse_credit_text`): items separated by ``;``,
``|`` or new lines, each ``Role: Name``, ``Name: Role`` (recognised when only the right-hand side is a
known role word, e.g. ``Ann Lee: Producer``), ``Name (Role)`` or ``UserDefined:Role: Name`` (a role the user
marks as outside DDEX's list). Roles come back as written; turning
"Lead Vocals" into a DDEX role is the role mapping's job, not this module's. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Words that name a role (lower case, letters only), to tell "Name: Role" from "Role: Name".
_ROLE_WORDS = frozenset("""
composer lyricist composerlyricist writer songwriter author producer coproducer executiveproducer
vocalproducer mixer mixingengineer masteringengineer recordingengineer engineer assistantengineer
soundengineer arranger orchestrator conductor performer vocals vocalist leadvocals leadvocalist
backingvocals backgroundvocals choir chorus guitar guitars guitarist electricguitar acousticguitar bass
bassguitar bassist drums drummer percussion percussionist keyboards keyboard keys piano pianist organ
synthesizer synthesizers synth programming programmer strings violin violinist viola cello cellist
saxophone sax trumpet trombone horns flute clarinet harp banjo mandolin ukulele remixer dj featuredartist
publisher studio recordedby mixedby masteredby producedby writtenby composedby arrangedby
""".split())
_ROLE_SUFFIXES = ("engineer", "producer", "vocals", "guitar", "ist", "player")
_USER_DEFINED = "UserDefined:"
_SPLIT = re.compile(r"\s*[;|\n]\s*")
_PAREN = re.compile(r"^(.*\S)\s*\(([^()]+)\)$")


def is_role_text(text: str) -> bool:
    """True when ``text`` reads as a contributor role ("Mastering Engineer", "Lead Vocals", "Guitar")."""
    key = re.sub(r"[^a-z]", "", text.lower())
    return bool(key) and (key in _ROLE_WORDS or key.endswith(_ROLE_SUFFIXES))


def parse_credit_text(text: str) -> list[tuple[str, str]]:
    """``[(name, role), ...]`` from ``Role: Name; ...`` (see the module docstring); ``ValueError`` names
    the item that is neither form."""
    out: list[tuple[str, str]] = []
    for item in _SPLIT.split(text.strip()):
        if not item:
            continue
        if item.startswith(_USER_DEFINED):  # "UserDefined:Whistler: Di" (an explicitly user-defined role)
            role, sep, name = item[len(_USER_DEFINED):].partition(":")
            if sep and role.strip() and name.strip():
                out.append((name.strip(), _USER_DEFINED + role.strip()))
                continue
        left, sep, right = item.partition(":")
        left, right = left.strip(), right.strip()
        if sep and left and right:
            if is_role_text(right) and not is_role_text(left):
                out.append((left, right))
            else:
                out.append((right, left))
            continue
        m = _PAREN.match(item)
        if m and m[2].strip():
            out.append((m[1].strip(), m[2].strip()))
            continue
        raise ValueError(f"{item!r} is not 'Role: Name'")
    return out


def format_credit_text(items: Iterable[tuple[str, str]]) -> str:
    """``Role: Name; Role: Name`` from ``(name, role)`` pairs (read back by :func:`parse_credit_text`)."""
    return "; ".join(f"{role}: {name}" for name, role in items)
