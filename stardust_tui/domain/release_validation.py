"""Refuse a release whose values the catalog cannot hold: too long, out of range, not DDEX, not text.

:func:`validate_release` walks a release, its tracks, deals, display artists, credits and the parties
they name, and raises one :class:`ValidationError` naming the first bad field (``track 1-3 title: too
long (…)``). The store calls it on every save with a ``changed`` predicate, so only new objects and
edited fields are judged: a value stored before these checks existed never blocks an unrelated edit
(readiness reports it instead). Duck-typed: works on the SQLModel tables without importing them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stardust_tui.domain import enums
from stardust_tui.domain import limits as L
from stardust_tui.domain import validation as v
from stardust_tui.errors import ValidationError

Changed = Callable[[Any, str], bool]
"""``changed(obj, field)``: whether ``obj.field`` is new input to judge."""
Related = Callable[[Any, str], Any]
"""``related(obj, name)``: a relationship's value, or None when it cannot hold new input (never loaded)."""

Problem = tuple[str, str]
"""(where, what): ``("deal 2 commercial model", "'bogus' is not a …")``."""

_RELEASE_TEXT = ("version", "display_artist", "catalog_number", "genre", "subgenre", "p_line", "c_line")
_TRACK_TEXT = ("version", "display_artist", "p_line", "genre")
# Checked by their own rules above; every other text field in limits.RELEASE/TRACK gets the text rules,
# so a column added later (with its limit) is judged without touching this module.
_RELEASE_SPECIAL = {"title", "release_type", "status", "parental_advisory", "language", "norm_key", *_RELEASE_TEXT}
_TRACK_SPECIAL = {"title", "parental_advisory", "language", *_TRACK_TEXT}
_RELEASE_CHOICES = (("status", enums.ReleaseStatus, "release status"),)
_ADVISORIES = frozenset(a.value for a in enums.ParentalAdvisory)


def _always(_obj: Any, _field: str) -> bool:
    return True


def _get(obj: Any, name: str) -> Any:
    return getattr(obj, name, None)


def _label(field: str) -> str:
    return field.replace("_", " ")


class _Walk:
    """Collects the problems of one release."""

    def __init__(self, changed: Changed, related: Related) -> None:
        self.changed = changed
        self.related = related
        self.problems: list[Problem] = []

    def add(self, where: str, problem: str | None) -> None:
        if problem:
            self.problems.append((where, problem))

    def text(self, obj: Any, field: str, limit: int, where: str, *, required: bool = False) -> None:
        if not self.changed(obj, field):
            return
        value = getattr(obj, field, None)
        if value is None and not required:
            return
        self.add(where, v.text_problem(value if value is not None else "", limit, required=required))

    def number(self, obj: Any, field: str, span: L.Span, where: str, *, integer: bool = False) -> None:
        value = getattr(obj, field, None)
        if value is not None and self.changed(obj, field):
            self.add(where, v.number_problem(value, span, integer=integer))

    def day(self, obj: Any, field: str, where: str) -> None:
        value = getattr(obj, field, None)
        if value is not None and self.changed(obj, field):
            self.add(where, v.date_problem(value))

    def choice(self, obj: Any, field: str, allowed: Any, what: str, where: str) -> None:
        if self.changed(obj, field):
            self.add(where, v.choice_problem(getattr(obj, field, None), [str(a) for a in allowed], what))

    def vocab(self, obj: Any, field: str, allowed: frozenset[str], what: str, where: str) -> None:
        if self.changed(obj, field):
            self.add(where, v.vocabulary_problem(getattr(obj, field, None), allowed, what))

    def language(self, obj: Any, where: str) -> None:
        value = getattr(obj, "language", None)
        if value and self.changed(obj, "language"):
            self.add(where, v.language_problem(value))

    def party(self, party: Any, where: str) -> None:
        if party is None:
            return
        self.text(party, "name", L.PARTY["name"], f"{where} name", required=True)
        self.text(party, "sort_name", L.PARTY["sort_name"], f"{where} sort name")
        self.choice(party, "kind", enums.PartyKind, "party kind", f"{where} kind")

    def artists(self, links: Any, where: str) -> None:
        for i, link in enumerate(links or [], start=1):
            self.vocab(link, "role", v.ALLOWED_ARTIST_ROLES, "display-artist role", f"{where} artist {i} role")
            self.party(self.related(link, "party"), f"{where} artist {i}")

    def credits(self, credits: Any, where: str) -> None:
        for i, credit in enumerate(credits or [], start=1):
            self.vocab(credit, "role", v.ALLOWED_CONTRIBUTOR_ROLES, "DDEX contributor role",
                        f"{where} credit {i} role")
            self.text(credit, "instrument", L.CREDIT["instrument"], f"{where} credit {i} instrument")
            self.party(self.related(credit, "party"), f"{where} credit {i}")

    def release(self, r: Any) -> None:
        self.text(r, "title", L.RELEASE["title"], "title", required=True)
        for field in _RELEASE_TEXT:
            self.text(r, field, L.RELEASE[field], _label(field))
        for field, enum, what in _RELEASE_CHOICES:
            self.choice(r, field, [e.value for e in enum], what, _label(field))
        if self.changed(r, "release_type"):
            self.add("release type", v.release_type_problem(getattr(r, "release_type", None)))
        self.vocab(r, "parental_advisory", _ADVISORIES, "parental advisory", "parental advisory")
        for field in sorted(L.RELEASE.keys() - _RELEASE_SPECIAL):
            self.text(r, field, L.RELEASE[field], _label(field))
        self.language(r, "language")
        for field in ("p_line_year", "c_line_year"):
            self.number(r, field, L.YEAR, _label(field), integer=True)
        for field in ("release_date", "original_release_date"):
            self.day(r, field, _label(field))
        self.party(self.related(r, "label"), "label")
        self.artists(self.related(r, "artists"), "release")
        self.credits(self.related(r, "credits"), "release")
        for t in self.related(r, "tracks") or []:
            self.track(t)
        for i, d in enumerate(self.related(r, "deals") or [], start=1):
            self.deal(d, f"deal {i}")
        for i, res in enumerate(self.related(r, "resources") or [], start=1):
            self.resource(res, f"resource {i}")

    def resource(self, res: Any, where: str) -> None:
        """A video, image, text... of the release (issue 18): its text fields, numbers and advisory."""
        for field in sorted(L.RESOURCE.keys() - {"key", "kind", "resource_type", "parental_advisory", "language"}):
            self.text(res, field, L.RESOURCE[field], f"{where} {_label(field)}")
        for field in ("key", "kind", "resource_type"):
            self.text(res, field, L.RESOURCE[field], f"{where} {_label(field)}", required=True)
        self.language(res, f"{where} language")
        if getattr(res, "parental_advisory", None) is not None:
            self.vocab(res, "parental_advisory", _ADVISORIES, "parental advisory", f"{where} parental advisory")
        self.number(res, "duration_seconds", L.DURATION_SECONDS, f"{where} duration")
        for field in ("p_line_year", "c_line_year"):
            self.number(res, field, L.YEAR, f"{where} {_label(field)}", integer=True)

    def track(self, t: Any) -> None:
        where = f"track {getattr(t, 'disc_number', '?')}-{getattr(t, 'track_number', '?')}"
        self.number(t, "disc_number", L.DISC_NUMBER, f"{where} disc number", integer=True)
        self.number(t, "track_number", L.TRACK_NUMBER, f"{where} track number", integer=True)
        self.text(t, "title", L.TRACK["title"], f"{where} title", required=True)
        for field in _TRACK_TEXT:
            self.text(t, field, L.TRACK[field], f"{where} {_label(field)}")
        for field in sorted(L.TRACK.keys() - _TRACK_SPECIAL):
            self.text(t, field, L.TRACK[field], f"{where} {_label(field)}")
        self.language(t, f"{where} language")
        if getattr(t, "parental_advisory", None) is not None:
            self.vocab(t, "parental_advisory", _ADVISORIES, "parental advisory", f"{where} parental advisory")
        self.number(t, "duration_seconds", L.DURATION_SECONDS, f"{where} duration")
        self.number(t, "preview_start_seconds", L.PREVIEW_START_SECONDS, f"{where} preview start")
        self.number(t, "p_line_year", L.YEAR, f"{where} p line year", integer=True)
        start, length = getattr(t, "preview_start_seconds", None), getattr(t, "duration_seconds", None)
        if (start is not None and length is not None and self.changed(t, "preview_start_seconds")
                and not v.number_problem(start, L.PREVIEW_START_SECONDS) and start >= length):
            self.add(f"{where} preview start", f"{start:g} s is not before the end of the track ({length:g} s)")
        self.artists(self.related(t, "artists"), where)
        self.credits(self.related(t, "credits"), where)

    def deal(self, d: Any, where: str) -> None:
        for field, check, empty_ok in (("territories", v.territory_problem, False),
                                       ("excluded_territories", v.territory_problem, True),
                                       ("commercial_models", self._model, True),
                                       ("use_types", self._use, True)):
            if not self.changed(d, field):
                continue
            values = getattr(d, field, None)
            if values is None and empty_ok:
                continue
            if not isinstance(values, list | tuple):
                self.add(f"{where} {_label(field)}", f"expected a list, got {type(values).__name__}")
                continue
            if not values and not empty_ok:
                self.add(f"{where} {_label(field)}", "at least one is required")
            for value in values:
                self.add(f"{where} {_label(field)}", check(value))
        self.text(d, "price_tier", L.DEAL["price_tier"], f"{where} price tier")
        self.day(d, "start", f"{where} start")
        self.day(d, "end", f"{where} end")
        start, end = getattr(d, "start", None), getattr(d, "end", None)
        if start is not None and end is not None and (self.changed(d, "start") or self.changed(d, "end")):
            try:
                if end <= start:
                    self.add(f"{where} end", "the deal must end after it starts")
            except TypeError:  # naive against aware: compare the days
                if end.date() <= start.date():
                    self.add(f"{where} end", "the deal must end after it starts")

    @staticmethod
    def _model(value: Any) -> str | None:
        return v.vocabulary_problem(value, v.ALLOWED_COMMERCIAL_MODELS, "DDEX commercial model")

    @staticmethod
    def _use(value: Any) -> str | None:
        return v.vocabulary_problem(value, v.ALLOWED_USE_TYPES, "DDEX use type")


def release_problems(release: Any, changed: Changed = _always, related: Related = _get) -> list[Problem]:
    """Every value of ``release`` (and its children) that ``changed`` selects and the catalog refuses."""
    walk = _Walk(changed, related)
    walk.release(release)
    return walk.problems


def validate_release(release: Any, changed: Changed = _always, related: Related = _get) -> None:
    """Raise :class:`ValidationError` for the first refused value (saying how many more there are)."""
    problems = release_problems(release, changed, related)
    if problems:
        where, what = problems[0]
        more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ValidationError(what + more, where=where)
