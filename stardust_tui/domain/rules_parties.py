"""Readiness rules for the people and companies on a release: identifiers and roles.

ISNIs (ISO 7064 MOD 11-2) and DDEX party IDs (MOD 37,36) of artists, contributors and the label;
display-artist roles; contributor roles mapped onto DDEX (:mod:`stardust_tui.domain.roles`): a role
nothing fits goes out as ``UserDefined``, which DSPs may reject (``ArtistRoleUnknown``), so it is a
warning. ISWCs of the works a track records (the identifiers kept in ``track.details``). Pure functions over
a loaded release.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from stardust_tui.domain.findings import CheckReport, Finding
from stardust_tui.domain.identifiers import is_valid_dpid, is_valid_isni, is_valid_iswc
from stardust_tui.domain.roles import map_role

DISPLAY_ROLES = ("MainArtist", "FeaturedArtist", "Artist", "Remixer")
USER_DEFINED = "UserDefined:"


def _parties(rel: Any) -> Iterator[tuple[str, Any]]:
    """(where, party) for every party the release names, each once."""
    seen: set[int] = set()

    def once(where: str, party: Any) -> Iterator[tuple[str, Any]]:
        key = party.id if party.id is not None else id(party)
        if key not in seen:
            seen.add(key)
            yield where, party

    if rel.label is not None:
        yield from once("label", rel.label)
    for i, a in enumerate(rel.artists, start=1):
        if a.party is not None:
            yield from once(f"artists[{i}]", a.party)
    for i, c in enumerate(rel.credits, start=1):
        if c.party is not None:
            yield from once(f"credits[{i}]", c.party)
    for t in rel.tracks:
        pos = f"tracks[{t.disc_number}-{t.track_number}]"
        for i, a in enumerate(t.artists, start=1):
            if a.party is not None:
                yield from once(f"{pos}.artists[{i}]", a.party)
        for i, c in enumerate(t.credits, start=1):
            if c.party is not None:
                yield from once(f"{pos}.credits[{i}]", c.party)


def check_party_identifiers(rel: Any, r: CheckReport) -> None:
    for where, party in _parties(rel):
        if party.isni and not is_valid_isni(party.isni):
            r.add(Finding("bad-isni", f"{where}.isni",
                          f"{party.name}: ISNI {party.isni!r} has a wrong check character (ISO 7064 MOD 11-2): "
                          "copy it from isni.org"))
        if party.dpid and not is_valid_dpid(party.dpid):
            r.add(Finding("bad-dpid", f"{where}.dpid",
                          f"{party.name}: {party.dpid!r} is not a DDEX party ID with a valid check character"))


def _role_finding(where: str, role: str, name: str) -> Finding | None:
    if role.startswith(USER_DEFINED):
        return Finding("role-user-defined", f"{where}.role",
                       f"{name}: role {role[len(USER_DEFINED):]!r} goes out as UserDefined; some DSPs reject "
                       "roles they do not know", "warning")
    if not map_role(role).known:
        return Finding("role-user-defined", f"{where}.role",
                       f"{name}: {role!r} is not a DDEX contributor role or instrument; it goes out as "
                       "UserDefined (e.g. use MasteringEngineer, Producer, Composer, or the instrument played)",
                       "warning")
    return None


def check_roles(rel: Any, r: CheckReport) -> None:
    credits = [(f"credits[{i}]", c) for i, c in enumerate(rel.credits, start=1)]
    for t in rel.tracks:
        pos = f"tracks[{t.disc_number}-{t.track_number}]"
        credits += [(f"{pos}.credits[{i}]", c) for i, c in enumerate(t.credits, start=1)]
    for where, c in credits:
        found = _role_finding(where, c.role or "", c.party.name if c.party is not None else "?")
        if found is not None:
            r.add(found)
    artists = [(f"artists[{i}]", a) for i, a in enumerate(rel.artists, start=1)]
    for t in rel.tracks:
        pos = f"tracks[{t.disc_number}-{t.track_number}]"
        artists += [(f"{pos}.artists[{i}]", a) for i, a in enumerate(t.artists, start=1)]
    for where, a in artists:
        if a.role and a.role not in DISPLAY_ROLES:
            r.add(Finding("artist-role", f"{where}.role",
                          f"{a.party.name if a.party is not None else '?'}: display-artist role {a.role!r} is not "
                          f"one of {', '.join(DISPLAY_ROLES)}; it goes out as UserDefined", "warning"))


def _work_codes(details: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, ISWC) of a track's kept identifiers: ``details.ids`` and ``details.works[].ids`` / ``.iswc``."""
    out = [(f"details.ids[{i}]", x.get("value") or "") for i, x in enumerate(details.get("ids") or [], start=1)
           if isinstance(x, dict) and str(x.get("kind", "")).upper() == "ISWC"]
    for w, work in enumerate(details.get("works") or [], start=1):
        if not isinstance(work, dict):
            continue
        if work.get("iswc"):
            out.append((f"details.works[{w}].iswc", str(work["iswc"])))
        out += [(f"details.works[{w}].ids[{i}]", x.get("value") or "")
                for i, x in enumerate(work.get("ids") or [], start=1)
                if isinstance(x, dict) and str(x.get("kind", "")).upper() == "ISWC"]
    return out


def check_works(rel: Any, r: CheckReport) -> None:
    """ISWCs (ISO 15707 check digit) of the musical works the tracks record, as the catalog keeps them."""
    for t in rel.tracks:
        pos = f"tracks[{t.disc_number}-{t.track_number}]"
        for field, code in _work_codes(t.details or {}):
            if code and not is_valid_iswc(code):
                r.add(Finding("bad-iswc", f"{pos}.{field}",
                              f"{code!r} is not an ISWC with a valid check digit (T-DDD.DDD.DDD-C): copy it from "
                              "the publisher's or the society's registration"))
