"""A DSP's genre mapping next to the catalog's genres: show, export and import it (issue 16).

Behind ``stardust profile genres NAME [--export FILE | --import FILE]``. The table lists every genre the
catalog uses (releases and tracks, counted) with what a delivery to that profile sends for it
(:meth:`stardust_tui.domain.genres.GenreRules.lookup`). Export writes the mapping plus every catalog genre
still unmapped (an empty DSP column to fill in) as CSV or as a TOML ``[genres]`` table; import reads either
back (:mod:`stardust_tui.services.genre_files`) and writes it into the user's profile of that name — a new
file ``extends = "NAME"`` when the profile is shipped or a plugin's — checked as a whole profile before it
replaces anything (temporary name + rename).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stardust_tui.domain.genres import GenreRules, genre_key

if TYPE_CHECKING:
    from stardust_tui.services import Services


@dataclass(frozen=True)
class GenreRow:
    """One catalog genre: how many releases and tracks use it, and what the DSP gets (``sent`` None: refused)."""

    genre: str
    releases: int
    tracks: int
    sent: str | None
    how: str


@dataclass
class GenreTable:
    profile: str
    rules: GenreRules
    rows: list[GenreRow] = field(default_factory=list)

    @property
    def refused(self) -> list[GenreRow]:
        return [r for r in self.rows if r.sent is None]

    def as_dict(self) -> dict[str, Any]:
        return {"profile": self.profile, "strict": self.rules.strict, "fallback": self.rules.fallback,
                "accepted": list(self.rules.accepted), "map": dict(self.rules.map),
                "catalog": [r.__dict__ for r in self.rows]}


def catalog_genres(services: Services) -> list[tuple[str, int, int]]:
    """(genre, releases, tracks) for every genre spelling the catalog uses (the actor's labels only)."""
    from sqlmodel import col, func, select

    from stardust_tui.domain.models import Release, Track
    from stardust_tui.store.db import session_scope

    counts: dict[str | None, list[int]] = {}  # the query's type allows NULL; the comprehension drops it
    with session_scope(services.engine) as session:
        for genre, n in session.exec(select(Release.genre, func.count(col(Release.id)))
                                     .where(col(Release.genre).is_not(None)).group_by(Release.genre)):
            counts.setdefault(genre, [0, 0])[0] += n
        for genre, n in session.exec(select(Track.genre, func.count(col(Track.id)))
                                     .where(col(Track.genre).is_not(None)).group_by(Track.genre)):
            counts.setdefault(genre, [0, 0])[1] += n
    return sorted(((g, r, t) for g, (r, t) in counts.items() if g and g.strip()), key=lambda x: genre_key(x[0]))


def genre_table(services: Services, name: str) -> GenreTable:
    """The profile's genre rules and what each catalog genre becomes for it."""
    services.authorize("target.read")
    profile = services.profiles.get(name)
    rules = profile.genre_rules
    table = GenreTable(profile.name, rules)
    for genre, releases, tracks in catalog_genres(services):
        sent, how = rules.lookup(genre)
        table.rows.append(GenreRow(genre, releases, tracks, sent, how))
    return table


def export_genres(services: Services, name: str, out: str | Path) -> int:
    """Write the mapping and the catalog's unmapped genres to ``out`` (.csv, else TOML); returns the rows."""
    from stardust_tui.services.genre_files import write_genre_file

    table = genre_table(services, name)
    return write_genre_file(Path(out), table)


def import_genres(services: Services, name: str, source: str | Path) -> tuple[Path, int]:
    """Read a mapping file (.csv or TOML) into the user's profile ``name``; (the file written, mappings)."""
    from stardust_tui.services.genre_files import read_genre_file, write_user_profile

    services.authorize("target.admin")
    profile = services.profiles.get(name)
    imported = read_genre_file(Path(source), profile.genre_rules)
    written = write_user_profile(services.profiles.user_dir, profile, imported)
    services.profiles.get(name)  # read back through the normal loader (cache keyed by mtime)
    return written, len(imported.map)
