"""Export the catalog (or a selection) as the project's JSON format or as CSV, streamed.

Releases are read in keyset pages of :data:`PAGE` (each page and its children in a few Core queries, see
:mod:`~stardust_tui.importexport.snapshots`), serialised with the catalog store's canonical
``snapshot_release``, and written to a temporary
file next to the target that is renamed into place at the end: a million releases never sit in memory and
an interrupted export never leaves a half file under the real name.

CSV: one row per track with the release columns repeated (a release without tracks is one row); the header
is :data:`~stardust_tui.importexport.fields.EXPORT_COLUMNS`. Every cell starting with ``=``, ``+``, ``-``,
``@``, TAB, CR or ``'`` gets a leading ``'`` (formula injection); the importer removes it again for files
with this header. CSV keeps the first deal only, main/featured/remixer artists, and credits without
instruments or ISNIs; JSON keeps everything.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, cast

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, func, select

from stardust_tui.domain.models import Release
from stardust_tui.errors import StoreError, ValidationError
from stardust_tui.importexport.fields import EXPORT_COLUMNS
from stardust_tui.importexport.json_format import FOOTER, HEADER, release_line
from stardust_tui.importexport.snapshots import iter_page_snapshots
from stardust_tui.importexport.values import escape_formula
from stardust_tui.store.releases import get_release

PAGE = 500
Progress = Callable[[int, int | None], None]


def _id_pages(engine: Engine, release_refs: Sequence[int | str] | None) -> Iterator[list[int]]:
    """Ascending release ids in pages of PAGE (keyset paging: never the whole catalog in memory)."""
    with Session(engine) as session:
        if release_refs:
            # stored releases, so their ids are set
            selected = sorted({cast(int, get_release(session, ref).id) for ref in release_refs})
            for i in range(0, len(selected), PAGE):
                yield selected[i:i + PAGE]
            return
        last = 0
        while True:
            ids = list(session.exec(select(col(Release.id)).where(col(Release.id) > last)
                                    .order_by(col(Release.id)).limit(PAGE)).all())
            if not ids:
                return
            yield ids  # type: ignore[misc]
            last = ids[-1]  # type: ignore[assignment]


def iter_snapshots(engine: Engine, release_refs: Sequence[int | str] | None = None) -> Iterator[dict[str, Any]]:
    """Canonical snapshots of the selected releases (all when None), ascending id, a page at a time."""
    return iter_page_snapshots(engine, _id_pages(engine, release_refs))


def count_selected(engine: Engine, release_refs: Sequence[int | str] | None) -> int:
    if release_refs:
        return len(set(release_refs))
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(Release)).one())


def _atomic_writer(out: Path, newline: str | None = None) -> tuple[Any, Path]:
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    return os.fdopen(fd, "w", encoding="utf-8", newline=newline), Path(tmp)


def export_catalog(engine: Engine, out: str | Path, *, fmt: str = "json",
                   release_refs: Sequence[int | str] | None = None, progress: Progress | None = None) -> int:
    """Write the export to ``out`` (temp file + rename); returns the number of releases written."""
    if fmt not in ("json", "csv"):
        raise ValidationError(f"unknown export format {fmt!r} (json or csv)", where="--format")
    out = Path(out)
    total = count_selected(engine, release_refs)
    f, tmp = _atomic_writer(out, newline="" if fmt == "csv" else None)
    n = 0
    try:
        with f:
            snapshots = iter_snapshots(engine, release_refs)
            if fmt == "json":
                n = _write_json(f, snapshots, progress, total)
            else:
                n = _write_csv(f, snapshots, progress, total)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, out)
    except DBAPIError as exc:
        tmp.unlink(missing_ok=True)
        text = str(exc.orig or exc).splitlines()
        raise StoreError(f"export failed: {text[0][:300] if text else exc}", where=str(out)) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return n


def _tick(progress: Progress | None, n: int, total: int) -> None:
    if progress is not None and (n % 200 == 0 or n == total):
        progress(n, total)


def _write_json(f: Any, snapshots: Iterator[dict[str, Any]], progress: Progress | None, total: int) -> int:
    f.write(HEADER + "\n")
    n = 0
    pending: str | None = None
    for snap in snapshots:
        if pending is not None:
            f.write(pending + ",\n")
        pending = release_line(snap)
        n += 1
        _tick(progress, n, total)
    if pending is not None:
        f.write(pending + "\n")
    f.write(FOOTER + "\n")
    return n


def _names(people: list[dict[str, Any]], role: str) -> str:
    return "; ".join(p["name"] for p in people if p.get("role") == role and p.get("name"))


def _credits(people: list[dict[str, Any]]) -> str:
    from stardust_tui.domain.credit_text import format_credit_text

    return format_credit_text((p["name"], p["role"]) for p in people if p.get("name"))


def _line(year: Any, owner: Any) -> str:
    return " ".join(str(x) for x in (year, owner) if x not in (None, ""))


def csv_rows(snap: dict[str, Any]) -> Iterator[list[str]]:
    """The CSV rows of one release snapshot, cells escaped, in EXPORT_COLUMNS order."""
    deals = snap.get("deals") or []
    deal = next((d for d in deals if not d.get("is_preorder")), deals[0] if deals else {})
    pres = [d for d in deals if d.get("is_preorder")]
    pre = pres[0] if pres else None
    instant = set(pre.get("instant_gratification") or []) if pre else set()
    one_date = len(pres) == 1 and pre is not None and pre.get("territories") == deal.get("territories") \
        and pre.get("excluded_territories") == deal.get("excluded_territories")
    release = {
        "upc": snap.get("upc"), "catalog_number": snap.get("catalog_number"), "release_title": snap.get("title"),
        "release_version": snap.get("version"), "release_artist": _names(snap["artists"], "MainArtist"),
        "release_display_artist": snap.get("display_artist"),
        "release_featured_artist": _names(snap["artists"], "FeaturedArtist"), "label": snap.get("label"),
        "release_type": "compilation" if snap.get("is_compilation") and snap.get("release_type") == "Album"
        else snap.get("release_type"), "genre": snap.get("genre"), "subgenre": snap.get("subgenre"),
        "p_line": _line(snap.get("p_line_year"), snap.get("p_line")),
        "c_line": _line(snap.get("c_line_year"), snap.get("c_line")),
        "release_date": snap.get("release_date"), "original_release_date": snap.get("original_release_date"),
        "parental_advisory": snap.get("parental_advisory"), "release_language": snap.get("language"),
        "territories": "; ".join(deal.get("territories", [])),
        "excluded_territories": "; ".join(deal.get("excluded_territories", [])),
        "commercial_models": "; ".join(deal.get("commercial_models", [])),
        "use_types": "; ".join(deal.get("use_types", [])), "deal_start": deal.get("start"),
        "deal_end": deal.get("end"), "price_tier": deal.get("price_tier"), "status": snap.get("status"),
        "preorder_date": (pre.get("start") or "")[:10] if pre and one_date else None,
        "preorder_dates": None if one_date or not pres else "; ".join(
            f"{'WW' if t == 'Worldwide' else t} {(d.get('start') or '')[:10]}" for d in pres
            for t in d.get("territories") or ["Worldwide"]),
        "release_credits": _credits(snap.get("credits", [])), "cover_sha256": snap.get("cover_sha256"),
    }
    tracks = snap.get("tracks") or [None]
    for t in tracks:
        row = dict(release)
        if t is not None:
            row.update({
                "disc_number": t["disc_number"], "track_number": t["track_number"], "isrc": t.get("isrc"),
                "track_title": t.get("title"), "track_version": t.get("version"),
                "track_artist": _names(t["artists"], "MainArtist"), "track_display_artist": t.get("display_artist"),
                "featured_artist": _names(t["artists"], "FeaturedArtist"), "remixer": _names(t["artists"], "Remixer"),
                "duration": _num(t.get("duration_seconds")),
                "explicit": "clean" if t.get("parental_advisory") == "edited" else "yes" if t.get("explicit") else "no",
                "track_p_line": _line(t.get("p_line_year"), t.get("p_line")), "track_language": t.get("language"),
                "track_genre": t.get("genre"), "preview_start": _num(t.get("preview_start_seconds")),
                "credits": _credits(t.get("credits", [])), "audio_sha256": t.get("audio_sha256"),
                "instant_gratification": "yes" if t.get("isrc") in instant else None,
            })
        yield [escape_formula("" if row.get(c) is None else str(row[c])) for c in EXPORT_COLUMNS]


def _num(value: Any) -> str | None:
    if value is None:
        return None
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _write_csv(f: Any, snapshots: Iterator[dict[str, Any]], progress: Progress | None, total: int) -> int:
    writer = csv.writer(f, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    n = 0
    for snap in snapshots:
        writer.writerows(csv_rows(snap))
        n += 1
        _tick(progress, n, total)
    return n
