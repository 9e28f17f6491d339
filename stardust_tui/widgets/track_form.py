"""The track editor's form: its fields, what each typed text means, and what a track shows in them.

People are typed as names separated by ``;`` (a name may hold a comma: "Earth, Wind & Fire"):
main artists, featured artists and remixers become the track's artists with those DDEX roles.
Contributors use the one ``Role: Name; Role: Name`` format the catalog import reads
(``importexport.cells.credits``: ``domain/credit_text`` + ``domain/roles``), so "Mastering Engineer: Bo"
or "Guitar: Al" mean the same in a CSV cell and here. The display artist follows the main and featured
artists ("A & B feat. C") until the user writes their own.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from stardust_tui.domain import limits
from stardust_tui.domain.identifiers import format_isrc, normalize_isrc
from stardust_tui.domain.validation import number_problem, text_problem
from stardust_tui.errors import ValidationError

FORM = (("title", "Title"), ("version", "Version"), ("display_artist", "Display artist"),
        ("artists", "Main artists"), ("featured", "Featured"), ("remixers", "Remixers"), ("isrc", "ISRC"),
        ("disc_number", "Disc"), ("preview_start_seconds", "Preview start (s)"), ("credits", "Contributors"))
PLACEHOLDERS = {"artists": "Name; Name", "featured": "Name; Name", "remixers": "Name; Name",
                "credits": "Role: Name; Role: Name (f2 picks a DDEX role)", "disc_number": "1",
                "display_artist": "as DSPs show it (follows the artists unless you write your own)"}
LABELS = dict(FORM) | {"explicit": "Explicit"}
PEOPLE_FIELDS = ("artists", "featured", "remixers")


def names(text: str) -> list[str]:
    """``"A; B"`` → ``["A", "B"]`` (each checked as a party name)."""
    out = [n.strip() for n in text.split(";") if n.strip()]
    for name in out:
        problem = text_problem(name, limits.PARTY["name"])
        if problem:
            raise ValidationError(f"{name[:40]!r}: {problem}")
    return out


def credits(text: str) -> list[tuple[str, str, str | None]]:
    """``Role: Name; …`` → ``[(name, DDEX role, instrument)]``; unknown roles name the closest DDEX ones."""
    from stardust_tui.domain.ddex_avs import CONTRIBUTOR_ROLES
    from stardust_tui.importexport.cells import credits as parse

    try:
        parsed = parse(text)
    except ValueError as exc:
        message = str(exc)
        typed = re.match(r"'([^']*)' is not a DDEX", message)
        close = difflib.get_close_matches(typed[1], sorted(CONTRIBUTOR_ROLES), n=3, cutoff=0.6) if typed else []
        raise ValidationError(message + (f"; did you mean {', '.join(close)}?" if close else "")) from None
    return [(name, role, instrument) for name, role, _, instrument in parsed]


def parse_form_value(name: str, text: str) -> Any:
    """Turn one form input into the stored value; raises ValidationError with a short message."""
    text = text.strip()
    if name == "title" and not text:
        raise ValidationError("a track needs a title")
    if name == "isrc":
        return normalize_isrc(text) if text else None
    if name == "preview_start_seconds":
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            raise ValidationError("seconds, e.g. 30 or 42.5") from None
        problem = number_problem(value, limits.PREVIEW_START_SECONDS)
        if problem:
            raise ValidationError(problem)
        return value
    if name == "disc_number":
        if not re.fullmatch(r"[0-9]{1,4}", text):
            raise ValidationError("a disc number like 1 or 2")
        problem = number_problem(int(text), limits.DISC_NUMBER, integer=True)
        if problem:
            raise ValidationError(problem)
        return int(text)
    if name in PEOPLE_FIELDS:
        return names(text)
    if name == "credits":
        return credits(text)
    if name != "version" and name != "display_artist":
        return text
    problem = text_problem(text, limits.TRACK[name])
    if problem:
        raise ValidationError(problem)
    return text or (None if name == "version" else "")


def auto_display(main: list[str], featured: list[str]) -> str:
    """The display artist the main and featured artists make: ``A & B feat. C``."""
    text = " & ".join(main)
    return f"{text} feat. {' & '.join(featured)}" if featured and text else text


def credits_text(track: Any) -> str:
    """A track's contributors in the shared format (an instrument stands for the Musician role)."""
    from stardust_tui.domain.credit_text import format_credit_text

    items = []
    for c in sorted(track.credits, key=lambda c: c.sequence):
        if c.party is not None:
            items.append((c.party.name, c.instrument if c.role == "Musician" and c.instrument else c.role))
    return format_credit_text(items)


def form_values(track: Any, people: dict[str, list[str]]) -> dict[str, str]:
    """What each input shows for ``track`` (``people``: its artists by role)."""
    return {"title": track.title, "version": track.version or "", "display_artist": track.display_artist,
            "artists": "; ".join(people["artists"]), "featured": "; ".join(people["featured"]),
            "remixers": "; ".join(people["remixers"]), "isrc": format_isrc(track.isrc) if track.isrc else "",
            "disc_number": str(track.disc_number), "credits": credits_text(track),
            "preview_start_seconds": "" if track.preview_start_seconds is None else f"{track.preview_start_seconds:g}"}
