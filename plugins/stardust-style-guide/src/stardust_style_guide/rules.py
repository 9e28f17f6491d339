"""The house style rules. Each returns :class:`~stardust_tui.plugin.Finding` s with a ``fix`` to apply.

* ``style.feat-in-title`` / ``style.feat-spelling``: a featured artist is credited as ``Main feat. Guest`` in
  the artist, never in the title; "ft.", "featuring", "(feat. X)" are re-spelt as " feat. ".
* ``style.all-caps``: titles and versions are not written in capitals (acronyms and Roman numerals stay);
  the fix is the title in title case.
* ``style.version``: a version ("Radio Edit", "Live", "2024 Remaster") belongs in the version field, which
  stores and DSPs show in parentheses after the title ("Song (Radio Edit)"), not after a dash, in square
  brackets or typed into the title; and the version field holds no brackets of its own.
* ``style.line-owner``: the owner of the P line and the C line (release and tracks) is the label (an error:
  a rights line naming someone else is not what the label delivers).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from stardust_tui.plugin import Finding, ReleaseFacts, Rule, RuleContext

# -- featured artists -------------------------------------------------------------------------------------------

_FEAT_WORD = r"(?:feat\.?|ft\.?|featuring)"
_FEAT_BRACKETED = re.compile(rf"\s*[(\[]\s*{_FEAT_WORD}\s+([^)\]]+?)\s*[)\]]", re.I)
_FEAT_TRAILING = re.compile(rf"\s+{_FEAT_WORD}\s+(.+)$", re.I)
_FEAT_ANY = re.compile(rf"\s+{_FEAT_WORD}\s+", re.I)


def _places(release: ReleaseFacts) -> Iterator[tuple[str, str, str | None, str, str]]:
    """(field prefix, title, version, its own artist credit, the artist it is shown with) of the release and
    each track (a track without its own artist is shown with the release's)."""
    yield "", release.title, release.version, release.display_artist, release.display_artist
    for t in release.tracks:
        yield f"{t.where}.", t.title, t.version, t.display_artist, t.display_artist or release.display_artist


def _field(prefix: str, name: str) -> str:
    return f"{prefix}{name}"


def featured_in_title(title: str) -> tuple[str, str] | None:
    """(title without the credit, the featured artist) when the title names one."""
    for pattern in (_FEAT_BRACKETED, _FEAT_TRAILING):
        m = pattern.search(title)
        if m:
            rest = (title[:m.start()] + title[m.end():]).strip()
            return " ".join(rest.split()), m.group(1).strip()
    return None


def house_artist(artist: str) -> str:
    """The artist credit with every featuring spelt " feat. " and no brackets around it."""
    text = _FEAT_BRACKETED.sub(lambda m: f" feat. {m.group(1).strip()}", artist)
    return " ".join(_FEAT_ANY.sub(" feat. ", text).split())


class FeatPlacement(Rule):
    name = "feat-placement"

    def check(self, release: ReleaseFacts, context: RuleContext) -> Iterable[Finding]:
        for prefix, title, _, own, shown in _places(release):
            moved = featured_in_title(title)
            if moved is not None:
                new_title, guest = moved
                credit = house_artist(shown)
                if guest.casefold() not in credit.casefold():
                    credit = f"{credit} feat. {guest}" if credit else guest
                yield Finding("style.feat-in-title", _field(prefix, "title"),
                              f"{title!r} names a featured artist: house style credits them in the artist",
                              "warning", f'title "{new_title}", artist "{credit}"')
            elif own and house_artist(own) != " ".join(own.split()):
                yield Finding("style.feat-spelling", _field(prefix, "display_artist"),
                              f"{own!r}: house style writes featured artists as 'Main feat. Guest'", "warning",
                              f'artist "{house_artist(own)}"')


# -- ALL CAPS ----------------------------------------------------------------------------------------------------

_SMALL = {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "nor", "of", "on", "or", "the", "to",
          "vs", "vs.", "with", "feat."}
_KEEP = {"DJ", "MC", "EP", "LP", "UK", "US", "USA", "NYC", "LA", "TV", "OK", "BPM", "RIP", "VIP", "AM", "PM"}
_ROMAN = re.compile(r"^(?=[MDCLXVI])M*(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$")


def is_all_caps(text: str) -> bool:
    """Capitals only, with more than four letters, and not made only of acronyms/numerals."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) <= 4 or not all(c.isupper() for c in letters):
        return False
    words = [re.sub(r"[^\w]", "", w) for w in text.split()]
    return not all(w in _KEEP or _ROMAN.match(w) or not w for w in words)


def _cap(word: str) -> str:
    out, upper_next = [], True
    for ch in word.lower():
        out.append(ch.upper() if upper_next and ch.isalpha() else ch)
        if ch.isalpha():
            upper_next = False
        elif ch == "-":
            upper_next = True
    return "".join(out)


def title_case(text: str) -> str:
    """``NORTHERN LIGHTS OF THE NORTH`` -> ``Northern Lights of the North`` (acronyms, numerals kept)."""
    words = text.split(" ")
    out = []
    for i, word in enumerate(words):
        core = re.sub(r"[^\w.]", "", word)
        if core.rstrip(".") in _KEEP or (core and _ROMAN.match(core)):
            out.append(word)
        elif 0 < i < len(words) - 1 and core.lower() in _SMALL:
            out.append(word.lower())
        else:
            out.append(_cap(word))
    return " ".join(out)


class AllCaps(Rule):
    name = "all-caps"

    def check(self, release: ReleaseFacts, context: RuleContext) -> Iterable[Finding]:
        for prefix, title, version, _, _ in _places(release):
            for name, text in (("title", title), ("version", version)):
                if text and is_all_caps(text):
                    yield Finding("style.all-caps", _field(prefix, name), f"{text!r} is written in capitals",
                                  "warning", f'{name} "{title_case(text)}"')


# -- versions -----------------------------------------------------------------------------------------------------

_VERSION_WORDS = re.compile(
    r"\b(re-?mix(es)?|mix|edit|version|live|acoustic|instrumental|re-?master(ed)?|demo|dub|reprise|unplugged|"
    r"mono|stereo|a ?cappella|acapella|extended|radio|club|vip|orchestral|piano|stripped|sped up|slowed)\b", re.I)
_DASHED = re.compile(r"^(?P<title>.*?\S)\s+[-–—/]\s+(?P<version>.+)$")
_SQUARE = re.compile(r"^(?P<title>.*?\S)\s*\[(?P<version>[^\]]+)\]\s*$")
_ROUND = re.compile(r"^(?P<title>.*?\S)\s*\((?P<version>[^)]+)\)\s*$")
_WRAPPED = re.compile(r"^\s*[(\[](?P<inner>.*)[)\]]\s*$")


def version_in_title(title: str) -> tuple[str, str, str] | None:
    """(title, version, how it was written) when the title carries a version."""
    for pattern, how in ((_DASHED, "after a dash"), (_SQUARE, "in square brackets"), (_ROUND, "in the title")):
        m = pattern.match(title)
        if m and _VERSION_WORDS.search(m.group("version")) and not re.match(
                rf"\s*{_FEAT_WORD}\s", m.group("version"), re.I):
            return m.group("title").strip(), m.group("version").strip(), how
    return None


class VersionInParentheses(Rule):
    name = "version-in-parentheses"

    def check(self, release: ReleaseFacts, context: RuleContext) -> Iterable[Finding]:
        for prefix, title, version, _, _ in _places(release):
            found = version_in_title(title)
            if found is not None:
                new_title, new_version, how = found
                if version and version.casefold() == new_version.casefold():
                    yield Finding("style.version", _field(prefix, "title"),
                                  f"{title!r} repeats the version {version!r}, which is shown after the title",
                                  "warning", f'title "{new_title}"')
                else:
                    fix = f'title "{new_title}", version "{new_version}"' + (
                        f" (and check the version {version!r} already set)" if version else "")
                    yield Finding("style.version", _field(prefix, "title"),
                                  f"{title!r} has its version {how}: it goes in the version field, shown as "
                                  f"'{new_title} ({new_version})'", "warning", fix)
            wrapped = _WRAPPED.match(version or "")
            if wrapped:
                yield Finding("style.version", _field(prefix, "version"),
                              f"the version {version!r} has brackets of its own: the parentheses are added when "
                              "it is shown", "warning", f'version "{wrapped.group("inner").strip()}"')


# -- P/C line owners -------------------------------------------------------------------------------------------

_MARKS = re.compile(r"^\s*(?:\([PpCc]\)|[℗©]|[PpCc](?=\s+\d{4}\b))?\s*(?:\d{4}\b)?\s*[,.]?\s*")


def line_owner(text: str) -> str:
    """The owner part of a rights line: ``℗ 2024 Star Records`` -> ``Star Records``."""
    return " ".join(_MARKS.sub("", text, count=1).split())


class LineOwner(Rule):
    name = "line-owner"

    def check(self, release: ReleaseFacts, context: RuleContext) -> Iterable[Finding]:
        label = " ".join((release.label or "").split())
        if not label:
            return  # no label yet: the catalog's own rules say so
        lines = [("p_line", "P", release.p_line, release.p_line_year),
                 ("c_line", "C", release.c_line, release.c_line_year)]
        lines += [(f"{t.where}.p_line", "P", t.p_line, t.p_line_year or release.p_line_year) for t in release.tracks]
        for where, kind, text, year in lines:
            if not text:
                continue
            owner = line_owner(text)
            if owner.casefold() != label.casefold():
                shown = f"{year} {label}" if year else label
                yield Finding("style.line-owner", where, f"the {kind} line names {owner!r}, not the label {label!r}",
                              "error", f'{kind} line "{shown}"')
