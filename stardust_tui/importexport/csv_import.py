"""Read catalog CSV files: encoding and delimiter detection, line numbers, preview, rows → release drafts.

- Encoding: UTF-8 with or without BOM by default; a UTF-16 BOM (spreadsheet "Unicode text") is honoured;
  anything else through ``--encoding`` / the mapping's ``encoding``. Undecodable bytes are an error naming
  the line and suggesting ``--encoding``.
- Delimiter: ``,`` ``;`` TAB or ``|``, guessed from the header line unless given.
- Line numbers are those of the file (header = 1) even when quoted cells contain newlines: an issue names
  the line on which its row starts.
- Files exported by this project (header = :data:`~stardust_tui.importexport.fields.EXPORT_COLUMNS`) get
  their formula-injection escape removed.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from stardust_tui.errors import ValidationError
from stardust_tui.importexport.fields import EXPORT_COLUMNS
from stardust_tui.importexport.grouping import Grouper, finish_release
from stardust_tui.importexport.mapping import ColumnPlan, Mapping, plan_columns
from stardust_tui.importexport.records import ReleaseDraft, RowConverter, apply_release_values, make_track
from stardust_tui.importexport.report import ImportReport, Issue, SourceError

FIELD_LIMIT = 1 << 20  # one cell may hold at most 1 MiB
_RELEASE_LEVEL = {"track_title": "release_title", "track_artist": "release_artist"}
Progress = Callable[[int, int | None], None]  # (bytes read, total bytes)


@dataclass
class CsvFile:
    """An open CSV file positioned after its header."""

    path: Path
    text: _Text
    reader: Iterator[list[str]]
    headers: list[str]
    encoding: str
    delimiter: str
    own_export: bool

    @property
    def line(self) -> int:
        return self.reader.line_num  # type: ignore[attr-defined]

    def close(self) -> None:
        self.text.close()


def detect_encoding(head: bytes, requested: str | None) -> str:
    if requested:
        try:
            codecs.lookup(requested)
        except LookupError:
            raise ValidationError(f"unknown encoding {requested!r}", where="--encoding") from None
        return "utf-8-sig" if requested.lower().replace("_", "-") in ("utf-8", "utf8") else requested
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8-sig"


def sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


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
        self.wide = encoding.replace("-", "").lower().startswith(("utf16", "utf32"))
        self.wrapper = io.TextIOWrapper(raw, encoding=encoding, newline="") if self.wide else None

    def readline(self) -> str:
        self.line += 1
        if self.wrapper is not None:
            try:
                return self.wrapper.readline()
            except UnicodeError as exc:
                raise _decode_error(self.path, self.line, self.encoding, exc) from None
        data = self.raw.readline()
        if self.line == 1 and self.encoding == "utf-8-sig" and data.startswith(codecs.BOM_UTF8):
            data = data[3:]
        try:
            return data.decode("utf-8" if self.encoding == "utf-8-sig" else self.encoding)
        except UnicodeDecodeError as exc:
            raise _decode_error(self.path, self.line, self.encoding, exc) from None

    def tell(self) -> int:
        return self.raw.tell()

    def close(self) -> None:
        (self.wrapper or self.raw).close()


def open_csv(path: str | Path, mapping: Mapping | None = None, *, encoding: str | None = None,
             delimiter: str | None = None) -> CsvFile:
    """Open a CSV file and read its header (line 1)."""
    p = Path(path)
    mapping = mapping or Mapping()
    try:
        raw = p.open("rb")
    except OSError as exc:
        raise ValidationError(f"cannot open: {exc.strerror}", where=str(p)) from None
    enc = detect_encoding(raw.read(4), encoding or mapping.encoding)
    raw.seek(0)
    text = _Text(raw, enc, p)
    try:
        first = text.readline()
    except SourceError:
        text.close()
        raise
    if not first.strip():
        text.close()
        raise SourceError("file is empty or has no header line", file=str(p), line=1)
    delim = delimiter or mapping.delimiter or sniff_delimiter(first)
    csv.field_size_limit(FIELD_LIMIT)
    try:
        headers = next(csv.reader([first], delimiter=delim))
    except (csv.Error, StopIteration) as exc:
        text.close()
        raise SourceError(f"bad header: {exc}", file=str(p), line=1) from None
    headers = [h.strip() for h in headers]
    reader = csv.reader(_lines(text, p), delimiter=delim, strict=False)
    own = tuple(headers) == EXPORT_COLUMNS
    return CsvFile(p, text, _numbered(reader), headers, enc, delim, own)


class _NumberedReader:
    """A csv reader whose ``line_num`` counts the header line too."""

    def __init__(self, reader: Iterator[list[str]]) -> None:
        self._reader = reader

    def __iter__(self) -> _NumberedReader:
        return self

    def __next__(self) -> list[str]:
        return next(self._reader)

    @property
    def line_num(self) -> int:
        return self._reader.line_num + 1  # type: ignore[attr-defined]


def _numbered(reader: Iterator[list[str]]) -> Iterator[list[str]]:
    return _NumberedReader(reader)  # type: ignore[return-value]


def _lines(text: _Text, path: Path) -> Iterator[str]:
    if text.wrapper is None and text.line >= 1:  # header read (BOM gone): iterate the byte lines in C
        encoding = text.encoding
        codec = "utf-8" if encoding == "utf-8-sig" else encoding
        for data in text.raw:
            text.line += 1
            try:
                chunk = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise _decode_error(path, text.line, encoding, exc) from None
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
            raise SourceError("contains a NUL byte (a binary file, or UTF-16 without a BOM: pass --encoding utf-16)",
                              file=str(path), line=text.line)
        yield chunk


@dataclass(frozen=True)
class Preview:
    """The first rows of a file and how its columns would be read (for the TUI's mapping step)."""

    headers: list[str]
    plan: ColumnPlan
    rows: list[list[str]]
    encoding: str
    delimiter: str
    own_export: bool


def preview(path: str | Path, mapping: Mapping | None = None, *, rows: int = 10,
            encoding: str | None = None) -> Preview:
    f = open_csv(path, mapping, encoding=encoding)
    try:
        sample: list[list[str]] = []
        for cells in f.reader:
            sample.append(cells)
            if len(sample) >= rows:
                break
    except csv.Error as exc:
        raise SourceError(str(exc), file=str(f.path), line=f.line) from None
    finally:
        f.close()
    return Preview(f.headers, plan_columns(f.headers, mapping), sample, f.encoding, f.delimiter, f.own_export)


def _rows(f: CsvFile, converter: RowConverter, report: ImportReport, progress: Progress | None
          ) -> Iterator[tuple[dict, dict, int, set[str], int]]:
    total = f.path.stat().st_size
    raw = f.text
    reader = getattr(f.reader, "_reader", f.reader)  # the csv reader itself: its line_num does not count the header
    offset = 0 if reader is f.reader else 1
    start = 2
    n = 0
    try:
        for cells in reader:
            end = reader.line_num + offset  # type: ignore[attr-defined]
            n += 1
            if cells and any(cells):
                rel, trk, failed = converter.convert(cells, start)
                yield rel, trk, start, failed, end
            start = end + 1
            if progress is not None and n % 2000 == 0:
                progress(raw.tell(), total)
    except csv.Error as exc:
        raise SourceError(str(exc), file=str(f.path), line=start) from None
    finally:
        report.rows += n
        if progress is not None:
            progress(total, total)


def _grouped(f: CsvFile, converter: RowConverter, push: Callable[..., ReleaseDraft | None], report: ImportReport,
             progress: Progress | None) -> Iterator[ReleaseDraft]:
    """:func:`_rows` fed straight to the grouper (one loop per row, no generator in between)."""
    total = f.path.stat().st_size
    raw = f.text
    reader = getattr(f.reader, "_reader", f.reader)
    offset = 0 if reader is f.reader else 1
    convert = converter.convert
    start = 2
    n = 0
    try:
        for cells in reader:
            end = reader.line_num + offset  # type: ignore[attr-defined]
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


def iter_csv_drafts(path: str | Path, mapping: Mapping | None, report: ImportReport, *,
                    encoding: str | None = None, tracks_path: str | Path | None = None,
                    progress: Progress | None = None) -> Iterator[ReleaseDraft]:
    """Release drafts from one CSV (one row per track) or a release file plus a track file."""
    mapping = mapping or Mapping()
    f = open_csv(path, mapping, encoding=encoding)
    try:
        plan = plan_columns(f.headers, mapping)
        for header in plan.ignored:
            report.warning("column ignored (not mapped to a field)", file=str(f.path), line=1, column=header)
        fields = plan.fields
        if tracks_path is not None:  # in a release file, "Title" and "Artist" are the release's
            fields = [(i, _RELEASE_LEVEL.get(name, name)) for i, name in fields]
        converter = RowConverter(str(f.path), fields, f.headers, report, defaults=mapping.defaults,
                                 month_first=mapping.month_first, unescape=f.own_export)
        if tracks_path is None:
            grouper = Grouper(str(f.path), report)
            yield from _grouped(f, converter, grouper.push, report, progress)
            yield from grouper.finish()
            return
        releases = _release_file(f, converter, report)
    finally:
        f.close()
    yield from _with_track_file(releases, Path(tracks_path), mapping, report, encoding, progress)


def _release_file(f: CsvFile, converter: RowConverter, report: ImportReport) -> dict[str, ReleaseDraft]:
    """One release per row; tracks come from the track file, linked by UPC."""
    out: dict[str, ReleaseDraft] = {}
    for rel, _trk, line, failed, _end in _rows(f, converter, report, None):
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
    tf = open_csv(path, mapping, encoding=encoding)
    try:
        plan = plan_columns(tf.headers, mapping)
        converter = RowConverter(str(tf.path), plan.fields, tf.headers, report, month_first=mapping.month_first,
                                 unescape=tf.own_export)
        by_upc = releases
        for rel, trk, line, failed, _end in _rows(tf, converter, report, progress):
            upc = rel.get("upc")
            draft = by_upc.get(upc) if upc else None
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
