"""Genre mapping per DSP: how a catalog genre is sent to one recipient (issue 16). Pure, no I/O.

A delivery profile's ``[genres]`` table (read by :mod:`stardust_tui.delivery.profile_fields`)::

    [genres]
    accepted = ["Alternative", "Hip-Hop/Rap", "Pop"]   # the DSP's genre list (optional)
    strict = true                                      # an unmapped genre blocks readiness
    # fallback = "Pop"                                 # ...or: an unmapped genre is sent as this
    [genres.map]
    "Hip Hop" = "Hip-Hop/Rap"

A catalog genre is looked up in ``map`` (exactly, then ignoring case and spacing); a genre already in
``accepted`` is sent as the DSP spells it; anything else is *unmapped*: sent as ``fallback`` when there is
one, refused when ``strict``, else sent as it is (readiness warns when ``accepted`` does not list it). The
older spelling, mapping entries directly under ``[genres]``, still reads as ``map``. :func:`genre_findings`
is what readiness says about a release's genres for one DSP.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from stardust_tui.domain.findings import Finding

POLICY_KEYS = ("accepted", "strict", "fallback", "map")


def genre_key(text: str) -> str:
    """How genres are compared when no exact match exists: case and runs of spaces ignored."""
    return " ".join(text.split()).casefold()


class SentGenre(NamedTuple):
    """What the DSP receives for a catalog genre and why: ``how`` is mapped, listed, fallback, as-is,
    unlisted (sent as it is though ``accepted`` does not list it) or refused (``sent`` is None)."""

    sent: str | None
    how: str


@dataclass(frozen=True)
class GenreRules:
    """A DSP's genre mapping (empty: every genre sent as it is)."""

    map: dict[str, str] = field(default_factory=dict)
    strict: bool = False
    fallback: str | None = None
    accepted: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.map or self.strict or self.fallback or self.accepted)

    def lookup(self, genre: str) -> SentGenre:
        """What ``genre`` (a non-empty catalog genre) becomes for this DSP."""
        if genre in self.map:
            return SentGenre(self.map[genre], "mapped")
        key = genre_key(genre)
        for source, target in self.map.items():
            if genre_key(source) == key:
                return SentGenre(target, "mapped")
        listed = next((g for g in self.accepted if genre_key(g) == key), None)
        if listed is not None:
            return SentGenre(listed, "listed")
        if self.fallback:
            return SentGenre(self.fallback, "fallback")
        if self.strict:
            return SentGenre(None, "refused")
        return SentGenre(genre, "unlisted" if self.accepted else "as-is")

    def sent(self, genre: str | None) -> str | None:
        """The genre the DSP receives (None or "" stays as it is; an unmapped genre under ``strict``: None)."""
        if not genre:
            return genre
        return self.lookup(genre).sent

    def problems(self) -> list[str]:
        """What is wrong with the rules themselves (a mapping to a genre the DSP does not list...)."""
        out = []
        if self.strict and self.fallback:
            out.append("strict and fallback exclude each other (strict refuses what fallback would send)")
        if self.accepted:
            listed = {genre_key(g) for g in self.accepted}
            for source, target in self.map.items():
                if genre_key(target) not in listed:
                    out.append(f"{source!r} maps to {target!r}, which is not in the accepted list")
            if self.fallback and genre_key(self.fallback) not in listed:
                out.append(f"the fallback {self.fallback!r} is not in the accepted list")
        return out


def genre_findings(release: Any, rules: GenreRules, dsp: str) -> list[Finding]:
    """What readiness says about a release's genres for one DSP: an unmapped genre of a strict profile blocks
    (``genre-unmapped``, with a fix), one sent as the fallback or outside the DSP's list deserves a look; the
    release genre's mapping is noted. Each distinct genre is reported once, at its first field."""
    if rules.is_empty:
        return []
    places = [("genre", release.genre)]
    places += [(f"tracks[{t.disc_number}-{t.track_number}].genre", t.genre)
               for t in sorted(release.tracks, key=lambda t: (t.disc_number, t.track_number))]
    fix = (f"map it: `stardust profile genres {dsp} --export genres.csv`, fill in the DSP genre, then "
           f"`stardust profile genres {dsp} --import genres.csv`")
    out: list[Finding] = []
    seen: set[str] = set()
    for where, genre in places:
        if not genre or genre_key(genre) in seen:
            continue
        seen.add(genre_key(genre))
        sent, how = rules.lookup(genre)
        if how == "refused":
            out.append(Finding("genre-unmapped", where, f"{dsp} takes mapped genres only and {genre!r} has no "
                               "mapping in its [genres]", "error", fix))
        elif how == "fallback":
            out.append(Finding("genre-fallback", where, f"{genre!r} has no mapping: sent to {dsp} as {sent!r} "
                               "(the profile's fallback)", "warning", fix))
        elif how == "unlisted":
            out.append(Finding("genre-not-listed", where, f"{genre!r} is not in {dsp}'s genre list and has no "
                               "mapping: it is sent as it is", "warning", fix))
        elif how == "mapped" and where == "genre":
            out.append(Finding("genre-mapped", where, f"sent to {dsp} as {sent!r}", "info"))
    return out
