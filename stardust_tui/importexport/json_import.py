"""Import JSON: the project's own format (streamed line by line) and other systems' JSON (mapped).

Other JSON — the documented mapping: the file is a list of objects, or an object holding that list under
``releases``, ``products``, ``albums``, ``items`` or ``data``. Each object's keys are read like CSV headers
(the same automatic guesses and the same ``--map`` file; nested objects are flattened as ``"parent child"``,
so ``{"label": {"name": "X"}}`` is the column ``label name``). A nested list under ``tracks``, ``songs``,
``recordings`` or ``assets`` holds the release's tracks, whose keys are read as ``"track <key>"``
(``track title``, ``track isrc``; name them so in a mapping file); without one, each object is one track row and rows
are grouped into releases by UPC exactly as in a CSV file. Lists of strings are joined with ``;``.
Issues name the object path (``releases[3].tracks[1]``) and the key.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from stardust_tui.errors import ValidationError
from stardust_tui.importexport.fields import BY_NAME, guess_field
from stardust_tui.importexport.grouping import Grouper, finish_release
from stardust_tui.importexport.json_format import FORMAT_NAME, FORMAT_VERSION, HEADER, snapshot_to_draft
from stardust_tui.importexport.mapping import Mapping, plan_columns
from stardust_tui.importexport.records import ReleaseDraft, RowConverter
from stardust_tui.importexport.report import ImportReport, SourceError

MAX_WHOLE_FILE = 512 * 1024 * 1024  # other JSON is parsed whole: refuse larger files
LIST_KEYS = ("releases", "products", "albums", "items", "data")
TRACK_KEYS = ("tracks", "songs", "recordings", "assets")
Progress = Callable[[int, int | None], None]


def iter_json_drafts(path: str | Path, mapping: Mapping | None, report: ImportReport, *,
                     progress: Progress | None = None) -> Iterator[ReleaseDraft]:
    p = Path(path)
    total = p.stat().st_size
    if _streamable(p):
        yield from _own_streamed(p, report, total, progress)
        return
    if total > MAX_WHOLE_FILE:
        raise ValidationError(f"JSON file is larger than {MAX_WHOLE_FILE >> 20} MiB; split it or use the "
                              "stardust-catalog format (streamed)", where=str(p))
    data = _load(p)
    if isinstance(data, dict) and data.get("format") == FORMAT_NAME:
        _check_version(data, p)
        releases = data.get("releases")
        if not isinstance(releases, list):
            raise ValidationError("'releases' must be a list", where=str(p))
        for i, item in enumerate(releases):
            draft = snapshot_to_draft(item, str(p), i + 1, report)
            if draft is not None:
                yield finish_release(draft, report)
        report.rows += len(releases)
        return
    yield from _other(p, data, mapping or Mapping(), report)
    if progress is not None:
        progress(total, total)


def _streamable(p: Path) -> bool:
    """True for the layout ``stardust export`` writes: the header alone on the first line, one release per
    line. The same document on one line (or pretty-printed) is read whole instead."""
    with p.open("rb") as f:
        first = f.readline(len(HEADER) + 8)
    return first.lstrip(b"\xef\xbb\xbf").strip() == HEADER.encode()


def _load(p: Path) -> Any:
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(f"not UTF-8 text (byte {exc.start}); JSON must be UTF-8", where=str(p)) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"invalid JSON: {exc.msg} (column {exc.colno})", file=str(p), line=exc.lineno) from None
    except RecursionError:
        raise ValidationError("JSON is nested too deeply", where=str(p)) from None


def _check_version(data: dict[str, Any], p: Path) -> None:
    if data.get("version") != FORMAT_VERSION:
        raise ValidationError(f"{FORMAT_NAME} version {data.get('version')!r} is not supported (this Stardust "
                              f"reads version {FORMAT_VERSION})", where=str(p))


def _own_streamed(p: Path, report: ImportReport, total: int, progress: Progress | None) -> Iterator[ReleaseDraft]:
    """One release per line between the header and the footer (the layout ``stardust export`` writes)."""
    done = False
    with p.open("rb") as f:
        f.readline()  # header
        line_no = 1
        for raw in f:
            line_no += 1
            try:
                line = raw.decode("utf-8").strip()
            except UnicodeDecodeError:
                raise SourceError("not UTF-8 text", file=str(p), line=line_no) from None
            if not line:
                continue
            if line == "]}":
                done = True
                continue
            if done:
                raise SourceError("data after the end of the release list", file=str(p), line=line_no)
            try:
                item = json.loads(line[:-1] if line.endswith(",") else line)
            except (json.JSONDecodeError, RecursionError) as exc:
                msg = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
                raise SourceError(f"invalid JSON ({msg}); one release per line is expected", file=str(p),
                                  line=line_no) from None
            report.rows += 1
            draft = snapshot_to_draft(item, str(p), line_no, report)
            if draft is not None:
                yield finish_release(draft, report)
            if progress is not None and line_no % 500 == 0:
                progress(f.tell(), total)
    if not done:
        raise SourceError("file ends before ']}' (truncated?)", file=str(p), line=line_no)
    if progress is not None:
        progress(total, total)


def _flatten(obj: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in obj.items():
        name = f"{prefix} {key}".strip()
        if isinstance(value, dict):
            out.update(_flatten(value, name))
        elif isinstance(value, list):
            if all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in value):
                out[name] = "; ".join(str(v) for v in value)
            elif all(isinstance(v, dict) and isinstance(v.get("name"), str) for v in value):
                out[name] = "; ".join(v["name"] for v in value)
        elif isinstance(value, bool):
            out[name] = "yes" if value else "no"
        elif value is not None:
            out[name] = str(value)
    return out


def _other(p: Path, data: Any, mapping: Mapping, report: ImportReport) -> Iterator[ReleaseDraft]:
    items, base = data, ""
    if isinstance(data, dict):
        key = next((k for k in LIST_KEYS if isinstance(data.get(k), list)), None)
        items, base = (data[key], key) if key else ([data], "")
    if not isinstance(items, list):
        raise ValidationError("expected a list of releases or tracks (or an object with 'releases')", where=str(p))
    grouper = Grouper(str(p), report)
    for i, item in enumerate(items):
        where = f"{base}[{i}]"
        if not isinstance(item, dict):
            report.error("expected an object", file=str(p), column=where)
            continue
        tracks_key = next((k for k in TRACK_KEYS if isinstance(item.get(k), list)), None)
        release_cells = _flatten({k: v for k, v in item.items() if k != tracks_key})
        release_cells.update(_deal_cells(p, item, where, report))
        report.rows += 1
        if tracks_key is None:
            rel, trk, failed = _convert(p, release_cells, mapping, report, where)
            yield from grouper.add(rel, trk, i + 1, failed)
            continue
        rel, _trk, failed = _convert(p, release_cells, mapping, report, where, level="release")
        tracks = item[tracks_key]
        if not tracks:
            yield from grouper.add(rel, {}, i + 1, failed)
        for j, track in enumerate(tracks):
            twhere = f"{where}.{tracks_key}[{j}]"
            if not isinstance(track, dict):
                report.error("expected an object", file=str(p), column=twhere)
                continue
            _r, trk, tfailed = _convert(p, _flatten(track, "track"), mapping, report, twhere, level="track")
            yield from grouper.add(rel, trk, i + 1, failed | tfailed)
    yield from grouper.finish()


def _deal_cells(p: Path, item: dict[str, Any], where: str, report: ImportReport) -> dict[str, str]:
    """A nested ``deals``/``deal`` list: the first deal's keys read as ``deal <key>`` columns (territories,
    start, end, commercial models...); more deals than one are reported, not silently replaced."""
    key = next((k for k in ("deals", "deal", "availability") if isinstance(item.get(k), list | dict)), None)
    if key is None:
        return {}
    deals = item[key] if isinstance(item[key], list) else [item[key]]
    objects = [d for d in deals if isinstance(d, dict)]
    if not objects:
        return {}
    if len(objects) > 1:
        report.warning(f"{len(objects)} deals: only the first is imported from this JSON (add the others in the "
                       "catalog, or use the catalog JSON format)", file=str(p), column=f"{where}.{key}")
    return {f"deal {k}": v for k, v in _flatten(objects[0]).items()}


def _convert(p: Path, cells: dict[str, str], mapping: Mapping, report: ImportReport, where: str,
             level: str | None = None) -> tuple[dict[str, Any], dict[str, Any], set[str]]:
    headers = list(cells)
    plan = plan_columns(headers, mapping)
    fields = plan.fields
    if level == "track":  # "track title"; a key the prefix hides ("track composer") is guessed without it
        taken = {f for _, f in fields}
        for h in plan.ignored:
            guess = guess_field(h[6:]) if h.startswith("track ") else None
            guess = {"release_title": "track_title", "release_artist": "track_artist"}.get(guess or "", guess)
            if guess and guess not in taken and BY_NAME[guess].level == "track":
                fields.append((headers.index(h), guess))
                taken.add(guess)
    elif level == "release":  # ... and in a release object, the release's
        fields = [(i, {"track_title": "release_title", "track_artist": "release_artist"}.get(f, f))
                  for i, f in fields]
    named = [f"{where}.{h}" for h in headers]
    converter = RowConverter(str(p), fields, named, report, defaults=mapping.defaults if level != "track" else None,
                             month_first=bool(mapping.month_first))  # not given: day first, parse_date's default
    rel, trk, failed = converter.convert([cells[h] for h in headers], None)  # type: ignore[arg-type]
    if level == "release":
        trk = {}
    return rel, trk, failed
