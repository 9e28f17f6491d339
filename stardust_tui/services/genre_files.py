"""Genre mapping files (issue 16): CSV and TOML ``[genres]`` read and written, and the user profile updated.

CSV (what a label edits in a spreadsheet): a header row with ``catalog_genre`` and ``dsp_genre`` columns
(any case, spaces or underscores; other columns are ignored), one genre per row; a row with an empty DSP
genre is left unmapped. Cells are written formula-escaped (a leading ``'`` before ``= + - @``) and read back
unescaped. TOML: a ``[genres]`` table exactly as in a profile (``strict``, ``fallback``, ``accepted`` and
``[genres.map]``). Problems are one line naming the file and line; nothing is written then.

The import goes into the user's profile of that name: its own file when the profile is already a user
file, else a new ``NAME.toml`` that ``extends`` it. The file's ``[genres]`` tables are replaced (a CSV keeps
the file's own ``strict``/``fallback``/``accepted``), the result is loaded as a whole profile from a scratch
copy of the profiles folder, and only then renamed into place.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from stardust_tui.atomic import write_atomic
from stardust_tui.domain.genres import GenreRules, genre_key
from stardust_tui.domain.limits import RELEASE
from stardust_tui.domain.validation import text_problem
from stardust_tui.errors import ValidationError

MAX_FILE = 5 * 1024 * 1024
_SECTION = re.compile(r"^\s*\[\s*genres\s*(\.[^\]]*)?\]\s*(#.*)?$")
_HEADER = re.compile(r"^\s*\[")


@dataclass(frozen=True)
class ImportedGenres:
    """A mapping read from a file; ``policy``: the file also sets strict/fallback/accepted (TOML)."""

    rules: GenreRules
    policy: bool

    @property
    def map(self) -> dict[str, str]:
        return self.rules.map


def _column(header: list[str], *names: str) -> int | None:
    keys = [re.sub(r"[\s_]+", "_", h.strip().lower()) for h in header]
    return next((keys.index(n) for n in names if n in keys), None)


def _read_csv(path: Path, text: str, current: GenreRules) -> ImportedGenres:
    from stardust_tui.importexport.values import unescape_formula

    rows = csv.reader(io.StringIO(text))
    header = next(rows, [])
    source, target = _column(header, "catalog_genre"), _column(header, "dsp_genre")
    if source is None or target is None:
        raise ValidationError("expected a header row with catalog_genre and dsp_genre columns (as --export writes)",
                              where=f"{path}:1")
    mapping: dict[str, str] = {}
    first_line: dict[str, tuple[int, str, str]] = {}
    listed = {genre_key(g): g for g in current.accepted}
    for line, row in enumerate(rows, start=2):
        cells = [unescape_formula(c.strip()) for c in row]
        genre = cells[source] if source < len(cells) else ""
        sent = cells[target] if target < len(cells) else ""
        if not genre and not sent:
            continue
        for what, value in (("catalog genre", genre), ("DSP genre", sent)):
            problem = text_problem(value, RELEASE["genre"], required=what == "catalog genre")
            if problem:
                raise ValidationError(f"{what}: {problem}", where=f"{path}:{line}")
        if not sent:
            continue  # left unmapped
        if listed:
            if genre_key(sent) not in listed:
                raise ValidationError(f"{sent!r} is not in the profile's accepted genre list", where=f"{path}:{line}")
            sent = listed[genre_key(sent)]
        earlier = first_line.get(genre_key(genre))
        if earlier is not None and earlier[2] != sent:
            raise ValidationError(f"{genre!r} is mapped twice: to {earlier[2]!r} on line {earlier[0]} and to "
                                  f"{sent!r} here", where=f"{path}:{line}")
        first_line[genre_key(genre)] = (line, genre, sent)
        mapping[genre] = sent
    return ImportedGenres(GenreRules(map=mapping, strict=current.strict, fallback=current.fallback,
                                     accepted=current.accepted), policy=False)


def _read_toml(path: Path, text: str) -> ImportedGenres:
    from stardust_tui.delivery.profile_fields import genre_rules

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(f"invalid TOML: {exc}", where=str(path)) from None
    table = data.get("genres")
    if not isinstance(table, dict) or set(data) - {"genres"}:
        raise ValidationError("expected only a [genres] table (as --export writes)", where=str(path))
    return ImportedGenres(genre_rules(table, f"{path} [genres]"), policy=True)


def read_genre_file(path: Path, current: GenreRules) -> ImportedGenres:
    """The mapping in ``path`` (.csv, else TOML), checked against ``current`` (the profile's accepted list)."""
    try:
        if path.stat().st_size > MAX_FILE:
            raise ValidationError(f"larger than {MAX_FILE // 1024 // 1024} MB: not a genre mapping", where=str(path))
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("not UTF-8 text", where=str(path)) from None
    except OSError as exc:
        raise ValidationError(f"cannot read ({exc.strerror or exc})", where=str(path)) from None
    return _read_csv(path, text, current) if path.suffix.lower() == ".csv" else _read_toml(path, text)


# --- writing -----------------------------------------------------------------------------------------------


def toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's; DEL escaped too)."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def genres_block(rules: GenreRules, unmapped: list[tuple[str, str]] | tuple = ()) -> str:
    """``[genres]`` + ``[genres.map]`` as TOML text; ``unmapped`` (genre, note) become commented rows."""
    lines = ["[genres]"]
    if rules.strict:
        lines.append("strict = true  # an unmapped genre blocks readiness")
    if rules.fallback:
        lines.append(f"fallback = {toml_string(rules.fallback)}  # an unmapped genre is sent as this")
    if rules.accepted:
        lines.append("accepted = [" + ", ".join(toml_string(g) for g in rules.accepted) + "]")
    lines += ["", "[genres.map]"]
    ordered = sorted(rules.map.items(), key=lambda item: genre_key(item[0]))
    lines += [f"{toml_string(k)} = {toml_string(v)}" for k, v in ordered]
    lines += [f"# {toml_string(g)} = \"\"  # {note}" for g, note in unmapped]
    return "\n".join(lines) + "\n"


def write_genre_file(out: Path, table: Any) -> int:
    """The table's mapping and unmapped catalog genres to ``out`` (CSV by extension, else TOML)."""
    from stardust_tui.importexport.values import escape_formula

    rules: GenreRules = table.rules
    counts = {genre_key(r.genre): r for r in table.rows}
    rows: dict[str, tuple[str, str, str, str, str]] = {}
    for genre, sent in rules.map.items():
        r = counts.get(genre_key(genre))
        rows[genre_key(genre)] = (genre, sent, str(r.releases if r else 0), str(r.tracks if r else 0), "mapped")
    for r in table.rows:
        if genre_key(r.genre) in rows:
            continue
        note = {"listed": "in the DSP's list", "fallback": f"unmapped: sent as {r.sent}", "refused":
                "unmapped: blocks readiness (strict)", "unlisted": "unmapped: not in the DSP's list",
                "as-is": "unmapped: sent as it is"}.get(r.how, r.how)
        rows[genre_key(r.genre)] = (r.genre, r.sent if r.how == "listed" else "", str(r.releases), str(r.tracks), note)
    ordered = [rows[k] for k in sorted(rows)]
    if out.suffix.lower() == ".csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["catalog_genre", "dsp_genre", "releases", "tracks", "note"])
        writer.writerows([escape_formula(c) for c in row] for row in ordered)
        write_atomic(out, buf.getvalue().encode("utf-8"))
    else:
        unmapped = [(row[0], f"{row[2]} release(s), {row[3]} track(s): {row[4]}") for row in ordered if not row[1]]
        mapped = GenreRules(map={row[0]: row[1] for row in ordered if row[1]}, strict=rules.strict,
                            fallback=rules.fallback, accepted=rules.accepted)
        head = (f"# Genre mapping of profile {table.profile} (stardust profile genres {table.profile} --export).\n"
                f"# Fill in the genres left empty, then: stardust profile genres {table.profile} --import FILE\n")
        write_atomic(out, (head + genres_block(mapped, unmapped)).encode("utf-8"))
    return len(ordered)


def _without_genres(text: str) -> str:
    """The file's text with every ``[genres]``/``[genres.*]`` table taken out."""
    out, skipping = [], False
    for line in text.splitlines():
        if _SECTION.match(line):
            skipping = True
            continue
        if skipping and _HEADER.match(line):
            skipping = False
        if not skipping:
            out.append(line)
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out) + "\n" if out else ""


def write_user_profile(user_dir: Path, profile: Any, imported: ImportedGenres) -> Path:
    """Put ``imported`` into the user's profile ``profile.name``; returns the file written."""
    from stardust_tui.delivery.profiles import load_profile

    source = Path(profile.source)
    own = user_dir.resolve() in source.resolve().parents
    target = source if own else user_dir / f"{profile.name}.toml"
    if not own and target.exists():
        raise ValidationError(f"{target} exists but does not hold profile {profile.name!r}: rename it first",
                              where=str(target))
    if own:
        text = target.read_text(encoding="utf-8")
        current = tomllib.loads(text).get("genres", {})
    else:
        text = (f"# Profile {profile.name} as this installation sends it: the {profile.name} profile plus the genre\n"
                f"# mapping imported on {date.today().isoformat()} (stardust profile genres {profile.name} --import).\n"
                f"extends = {toml_string(profile.name)}\n")
        current = {}
    rules = imported.rules
    if not imported.policy:  # a CSV: keep this file's own strict/fallback/accepted
        rules = GenreRules(map=rules.map, strict=bool(current.get("strict", False)), fallback=current.get("fallback"),
                           accepted=tuple(current.get("accepted", ())))
    new_text = _without_genres(text) + "\n" + genres_block(rules)
    user_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:  # the whole profile must still load
        for other in user_dir.glob("*.toml"):
            if other.resolve() != target.resolve():
                shutil.copy(other, scratch)
        (Path(scratch) / target.name).write_text(new_text, encoding="utf-8")
        try:
            load_profile(profile.name, Path(scratch))
        except ValidationError as exc:
            where = (exc.where or "").replace(str(Path(scratch) / target.name), str(target))
            raise ValidationError(f"the profile would not load with this mapping: {exc.message}",
                                  where=where.replace(scratch, str(user_dir))) from None
    return write_atomic(target, new_text.encode("utf-8"))
