"""Read catalog CSV/TSV files: encoding, delimiter and header row, line numbers, rows → release drafts.

- Encoding: a byte-order mark, valid UTF-8, UTF-16 without BOM or a detected legacy code page
  (:mod:`~stardust_tui.importexport.encoding`), or ``--encoding`` / the mapping's ``encoding``.
  Undecodable bytes are an error naming the line and suggesting ``--encoding``.
- Delimiter: ``,`` ``;`` TAB or ``|``, sniffed from the first lines unless given.
- Header row: the first of the first 20 rows whose cells read most as field names (templates put a title
  or instructions above it); the rows above it are skipped.
- Line numbers are those of the file (line 1 = the first line) even when quoted cells contain newlines:
  an issue names the line on which its row starts.
- Columns are planned from the header and a sample of the rows (:mod:`~stardust_tui.importexport.guess`).
- Files exported by this project (header = :data:`~stardust_tui.importexport.fields.EXPORT_COLUMNS`) get
  their formula-injection escape removed.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from stardust_tui.errors import ValidationError
from stardust_tui.importexport.cells import parser_for
from stardust_tui.importexport.encoding import detect
from stardust_tui.importexport.fields import BY_NAME, EXPORT_COLUMNS
from stardust_tui.importexport.grouping import Grouper, finish_release
from stardust_tui.importexport.mapping import ColumnPlan, Mapping, plan_columns
from stardust_tui.importexport.records import ReleaseDraft, RowConverter, apply_release_values, make_track
from stardust_tui.importexport.report import ImportReport, Issue, SourceError
from stardust_tui.importexport.tables import find_header_row

FIELD_LIMIT = 1 << 20  # one cell may hold at most 1 MiB
SAMPLE_ROWS = 5000  # rows read ahead to plan the columns (levels, date order...)
HEADER_SEARCH = 20
_RELEASE_LEVEL = {"track_title": "release_title", "track_artist": "release_artist",
                  "explicit": "parental_advisory", "track_version": "release_version"}
Progress = Callable[[int, int | None], None]  # (bytes read, total bytes)


@dataclass
class CsvFile:
    """An open CSV file positioned after its header row."""

    path: Path
    text: _Text
    reader: Iterator[list[str]]  # csv.reader: its line_num counts every physical line read
    headers: list[str]
    encoding: str
    delimiter: str
    own_export: bool
    header_line: int = 1
    notes: list[str] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.reader.line_num  # type: ignore[attr-defined]

    def close(self) -> None:
        self.text.close()


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter most lines split into the same number (> 0) of extra cells (quotes ignored)."""
    best, best_score = ",", 0
    for d in (",", ";", "\t", "|"):
        counts = [_outside_quotes(line, d) for line in lines if line.strip()]
        counts = [c for c in counts if c]
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        score = counts.count(mode) * (mode + 1)
        if score > best_score:
            best, best_score = d, score
    return best


def _outside_quotes(line: str, d: str) -> int:
    if '"' not in line:
        return line.count(d)
    n, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == d and not quoted:
            n += 1
    return n


def _decode_error(path: Path, line: int, encoding: str, exc: UnicodeError) -> SourceError:
    hint = "pass --encoding (e.g. cp1252 or latin-1)" if encoding.startswith("utf-8") else "check --encoding"
    if isinstance(exc, UnicodeDecodeError):
        what = f"byte 0x{exc.object[exc.start]:02x} at column {exc.start + 1}"
    else:
        what = str(exc)
    return SourceError(f"not valid {encoding} text ({what}); {hint}", file=str(path), line=line)


class _Text:
    """Decoded lines of a file with exact line numbers in decoding errors.

    Byte-oriented encodings are split on LF and decoded line by line (so an error names its line);
    UTF-16/32 go through a text wrapper (their bytes may contain 0x0A inside characters).
    """

    def __init__(self, raw: io.BufferedReader, encoding: str, path: Path) -> None:
        self.raw = raw
        self.encoding = encoding
        self.path = path
        self.line = 0
        self.wide = encoding.replace("-", "").replace("_", "").lower().startswith(("utf16", "utf32"))
        self.wrapper = io.TextIOWrapper(raw, encoding=encoding, newline="") if self.wide else None
        self.codec = "utf-8" if encoding == "utf-8-sig" else encoding

    def readline(self) -> str:
        self.line += 1
        if self.wrapper is not None:
            try:
                return self.wrapper.readline()
            except UnicodeError as exc:
                raise _decode_error(self.path, self.line, self.encoding, exc) from None
        data = self.raw.readline()
        if self.line == 1 and data.startswith(codecs.BOM_UTF8):
            data = data[3:]
        try:
            return data.decode(self.codec)
        except UnicodeDecodeError as exc:
            raise _decode_error(self.path, self.line, self.encoding, exc) from None

    def tell(self) -> int:
        return self.raw.tell()

    def close(self) -> None:
        (self.wrapper or self.raw).close()


def _lines(text: _Text, path: Path, first: list[str]) -> Iterator[str]:
    """The decoded lines: ``first`` (already read), then the rest (byte lines iterated in C)."""
    for chunk in first:
        if "\x00" in chunk:
            raise SourceError("contains a NUL byte (a binary file, or UTF-16 without a BOM: pass --encoding "
                              "utf-16)", file=str(path), line=text.line)
        yield chunk
    if text.wrapper is None:
        codec = text.codec
        for data in text.raw:
            text.line += 1
            try:
                chunk = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise _decode_error(path, text.line, text.encoding, exc) from None
            if "\x00" in chunk:
                raise SourceError("contains a NUL byte (a binary file, or UTF-16 without a BOM: pass --encoding "
                                  "utf-16)", file=str(path), line=text.line)
            yield chunk
        return
    while True:
        chunk = text.readline()
        if not chunk:
            return
        if "\x00" in chunk:
            raise SourceError("contains a NUL byte", file=str(path), line=text.line)
        yield chunk


def open_csv(path: str | Path, mapping: Mapping | None = None, *, encoding: str | None = None,
             delimiter: str | None = None, header_index: int | None = None,
             _detected: tuple[str, str] | None = None) -> CsvFile:
    """Open a CSV file and read up to its header row (found among the first rows unless given)."""
    p = Path(path)
    mapping = mapping or Mapping()
    try:
        enc, note = _detected or detect(p, encoding or mapping.encoding)
        raw = p.open("rb")
    except OSError as exc:
        raise ValidationError(f"cannot open: {exc.strerror}", where=str(p)) from None
    text = _Text(raw, enc, p)
    try:
        first = [text.readline() for _ in range(HEADER_SEARCH)]
        first = [line for line in first if line]
        if not any(line.strip() for line in first):
            raise SourceError("file is empty or has no header line", file=str(p), line=1)
        delim = delimiter or mapping.delimiter or sniff_delimiter(first)
        csv.field_size_limit(FIELD_LIMIT)
        reader = csv.reader(_lines(text, p, first), delimiter=delim, strict=False)
        if header_index is None:
            head: list[list[str]] = []
            for cells in reader:
                head.append(cells)
                if len(head) >= HEADER_SEARCH:
                    break
            text.close()
            header_index = find_header_row(head)
            return open_csv(p, mapping, delimiter=delim, header_index=header_index, _detected=(enc, note))
        headers: list[str] = []
        for _ in range(header_index + 1):
            headers = next(reader, [])
    except csv.Error as exc:
        text.close()
        raise SourceError(f"bad header: {exc}", file=str(p), line=1) from None
    except SourceError:
        text.close()
        raise
    headers = [h.strip() for h in headers]
    if not any(headers):
        text.close()
        raise SourceError("file is empty or has no header line", file=str(p), line=1)
    notes = [note]
    if delim != ",":
        notes.append(f"delimiter {'TAB' if delim == chr(9) else delim}")
    header_line = reader.line_num
    if header_index:
        notes.append(f"header row is line {header_line} (the {header_index} row(s) above it are skipped)")
    own = tuple(headers) == EXPORT_COLUMNS
    return CsvFile(p, text, reader, headers, enc, delim, own, header_line, notes)


@dataclass(frozen=True)
class Preview:
    """The first rows of a file and how its columns would be read (for the TUI's mapping step)."""

    headers: list[str]
    plan: ColumnPlan
    rows: list[list[str]]
    encoding: str
    delimiter: str
    own_export: bool
    lines: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_sample(f: CsvFile, limit: int) -> tuple[list[list[str]], list[int]]:
    """Up to ``limit`` non-empty rows after the header, with the line each starts on."""
    rows: list[list[str]] = []
    lines: list[int] = []
    start = f.line + 1
    try:
        for cells in f.reader:
            if cells and any(cells):
                rows.append(cells)
                lines.append(start)
                if len(rows) >= limit:
                    break
            start = f.line + 1
    except csv.Error as exc:
        raise SourceError(str(exc), file=str(f.path), line=start) from None
    return rows, lines


def preview(path: str | Path, mapping: Mapping | None = None, *, rows: int = 10,
            encoding: str | None = None, sample: int = SAMPLE_ROWS) -> Preview:
    f = open_csv(path, mapping, encoding=encoding)
    try:
        cells, lines = read_sample(f, max(rows, sample))
    finally:
        f.close()
    plan = plan_columns(f.headers, mapping, cells)
    return Preview(f.headers, plan, cells[:rows], f.encoding, f.delimiter, f.own_export, lines[:rows],
                   f.notes + plan.notes)


def _plan(path: Path, mapping: Mapping, encoding: str | None, report: ImportReport) -> ColumnPlan:
    f = open_csv(path, mapping, encoding=encoding)
    try:
        cells, _lines = read_sample(f, SAMPLE_ROWS)
    finally:
        f.close()
    if f.own_export:
        return plan_columns(f.headers, mapping)
    plan = plan_columns(f.headers, mapping, cells)
    notes = f.notes if f.notes[0] != "encoding UTF-8" else f.notes[1:]
    report.decisions += [n for n in notes + plan.notes if n not in report.decisions]
    return plan


def _grouped(f: CsvFile, converter: RowConverter, push: Callable[..., ReleaseDraft | None], report: ImportReport,
             progress: Progress | None) -> Iterator[ReleaseDraft]:
    """Rows converted and fed straight to the grouper (one loop per row, no generator in between)."""
    total = f.path.stat().st_size
    raw = f.text
    reader = f.reader
    convert = converter.convert
    start = f.line + 1
    n = 0
    try:
        for cells in reader:
            end = reader.line_num  # type: ignore[attr-defined]
            n += 1
            if cells and any(cells):
                rel, trk, failed = convert(cells, start)
                finished = push(rel, trk, start, failed, end)
                if finished is not None:
                    yield finished
            start = end + 1
            if progress is not None and n % 2000 == 0:
                progress(raw.tell(), total)
    except csv.Error as exc:
        raise SourceError(str(exc), file=str(f.path), line=start) from None
    finally:
        report.rows += n
        if progress is not None:
            progress(total, total)


def _converter(f: CsvFile, plan: ColumnPlan, mapping: Mapping, report: ImportReport, *, release_file: bool = False,
               defaults: bool = True) -> RowConverter:
    fields, extras = plan.fields, plan.extras
    if release_file:  # in a release file, "Title" and "Artist" are the release's
        fields = [(i, _RELEASE_LEVEL.get(name, name)) for i, name in fields]
        extras = [(i, _RELEASE_LEVEL.get(name, name)) for i, name in extras]
    parsers = plan.parsers()
    if f.own_export:  # this project's export joins names with "; " only: "Simon & Garfunkel" is one name
        parsers = {i: parser_for("list") for i, name in fields if BY_NAME[name].kind == "people"}
    return RowConverter(str(f.path), fields, f.headers, report, defaults=mapping.defaults if defaults else None,
                        month_first=plan.month_first, unescape=f.own_export, parsers=parsers,  # type: ignore[arg-type]
                        extras=extras)


def iter_csv_drafts(path: str | Path, mapping: Mapping | None, report: ImportReport, *,
                    encoding: str | None = None, tracks_path: str | Path | None = None,
                    progress: Progress | None = None) -> Iterator[ReleaseDraft]:
    """Release drafts from one CSV (one row per track) or a release file plus a track file."""
    mapping = mapping or Mapping()
    p = Path(path)
    plan = _plan(p, mapping, encoding, report)
    f = open_csv(p, mapping, encoding=encoding)
    try:
        for c in plan.columns:
            if not c.field and (c.header or c.samples):  # an empty trailing column is not worth a warning
                report.warning(f"column ignored ({c.reason})", file=str(f.path), line=f.header_line, column=c.header)
        converter = _converter(f, plan, mapping, report, release_file=tracks_path is not None)
        if tracks_path is None:
            grouper = Grouper(str(f.path), report)
            yield from _grouped(f, converter, grouper.push, report, progress)
            yield from grouper.finish()
            return
        releases = _release_file(f, converter, report)
    finally:
        f.close()
    yield from _with_track_file(releases, Path(tracks_path), mapping, report, encoding, progress)


def _rows(f: CsvFile, converter: RowConverter, report: ImportReport, progress: Progress | None
          ) -> Iterator[tuple[dict, dict, int, set[str]]]:
    """Converted rows, one at a time: (release values, track values, start line, failed fields) — the loop
    of :func:`_grouped`, with a "grouper" that hands every row straight back."""
    slot: list[tuple[dict, dict, int, set[str]]] = []

    def push(rel: dict, trk: dict, line: int, failed: set[str], _end: int) -> bool:
        slot.append((rel, trk, line, failed))
        return True

    for _ in _grouped(f, converter, push, report, progress):  # type: ignore[arg-type]
        yield slot.pop()


def _release_file(f: CsvFile, converter: RowConverter, report: ImportReport) -> dict[str, ReleaseDraft]:
    """One release per row; tracks come from the track file, linked by UPC."""
    out: dict[str, ReleaseDraft] = {}
    for rel, _trk, line, failed in _rows(f, converter, report, None):
        upc = rel.get("upc")
        if not upc:
            if "upc" not in failed:
                report.error("release row has no UPC (the track file links tracks by UPC)", file=str(f.path),
                             line=line, column="upc")
            continue
        if upc in out:
            report.error(f"UPC {upc} is on two rows (also line {out[upc].line})", file=str(f.path), line=line,
                         column="upc")
            continue
        draft = ReleaseDraft(file=str(f.path), line=line)
        apply_release_values(draft, rel)
        if failed:
            draft.errors.append(Issue("error", f"bad value in {', '.join(sorted(failed))}", str(f.path), line))
        out[upc] = draft
    return out


def _with_track_file(releases: dict[str, ReleaseDraft], path: Path, mapping: Mapping, report: ImportReport,
                     encoding: str | None, progress: Progress | None) -> Iterator[ReleaseDraft]:
    plan = _plan(path, mapping, encoding, report)
    tf = open_csv(path, mapping, encoding=encoding)
    try:
        converter = _converter(tf, plan, mapping, report, defaults=False)
        for rel, trk, line, failed in _rows(tf, converter, report, progress):
            upc = rel.get("upc")
            draft = releases.get(upc) if upc else None
            if draft is None:
                report.error(f"track row names UPC {upc!r}, which is not in the release file" if upc
                             else "track row has no UPC linking it to a release", file=str(tf.path), line=line,
                             column="upc")
                continue
            if failed:
                draft.errors.append(Issue("error", f"bad value in {', '.join(sorted(failed))}", str(tf.path), line))
            if trk:
                draft.tracks.append(make_track(trk, line, draft))
    finally:
        tf.close()
    for draft in releases.values():
        yield finish_release(draft, report)
