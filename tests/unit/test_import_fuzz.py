"""Fuzzing the CSV, JSON and DDEX importers with hypothesis.

Random bytes, truncated files, wrong encodings, huge fields, NUL bytes, stray quotes and formula-injection
strings: no crash (only StardustError subclasses may escape, and run_import reports instead of raising),
every error is a one-line message with a place, and a failed atomic import leaves the catalog unchanged.
Formula strings that do get imported are never written back to a CSV export unescaped.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlmodel import Session

from stardust_tui.errors import StardustError
from stardust_tui.importexport.export import export_catalog
from stardust_tui.importexport.importer import ImportOptions, run_import
from tests.conftest import SAMPLES_DIR

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                      HealthCheck.too_slow])
GOOD_CSV = ("UPC,Release Title,Artist,Release Date,Track Number,Track Title,ISRC,Duration\n"
            "012345678905,Album,Band,2024-01-31,1,One,USABC2400001,3:00\n"
            "012345678905,Album,Band,2024-01-31,2,Two,USABC2400002,4:00\n"
            "4006381333931,Other,Solo,31/01/2024,1,Solo Song,GBXYZ2400001,2:00\n")
FORMULAS = ["=cmd|' /C calc'!A0", "+SUM(1)", "-2+3", "@A1", "\t=1", "\r=1", "'=x", "=HYPERLINK(\"http://x\")"]
NASTY = st.one_of(
    st.sampled_from(FORMULAS),
    st.text(max_size=40),
    st.sampled_from(["\x00", '"', '"\n"', "\r\n", "x" * 200_000, "é" * 600, "\ufeff", ";;", "0" * 13]),
)


def fingerprint(engine) -> str:  # type: ignore[no-untyped-def]
    """A digest of every catalog row (changes when anything is written)."""
    h = hashlib.sha256()
    with Session(engine) as s:
        for table in ("release", "track", "party", "release_artist", "track_artist", "credit", "deal",
                      "release_revision", "audit_log", "asset"):
            for row in s.execute(text(f"SELECT * FROM {table} ORDER BY id")):
                h.update(repr(tuple(row)).encode())
    return h.hexdigest()


def check(engine, path: Path, **opts) -> None:  # type: ignore[no-untyped-def]
    before = fingerprint(engine)
    try:
        report = run_import(engine, path, ImportOptions(**opts))
    except StardustError as exc:  # allowed (e.g. a bad option), must be one line
        assert "\n" not in str(exc)
        assert fingerprint(engine) == before
        return
    for issue in report.errors:
        assert issue.message and "\n" not in issue.message and "Traceback" not in issue.message
        assert issue.file or issue.column
    if not report.ok:
        assert report.rolled_back and fingerprint(engine) == before


@FUZZ
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".csv", ".json", ".xml", ".bin"]))
def test_random_bytes(sqlite_engine, tmp_path: Path, data: bytes, suffix: str) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / f"random{suffix}"
    p.write_bytes(data)
    check(sqlite_engine, p)


@FUZZ
@given(cut=st.integers(min_value=0, max_value=len(GOOD_CSV.encode())),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"]),
       flag=st.sampled_from([None, "utf-8", "cp1252", "utf-16"]))
def test_truncated_and_misencoded_csv(sqlite_engine, tmp_path: Path, cut: int, encoding: str, flag) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "cat.csv"
    p.write_bytes(GOOD_CSV.replace("Band", "Bänd").encode(encoding, errors="replace")[:cut])
    check(sqlite_engine, p, encoding=flag)


@FUZZ
@given(row=st.integers(min_value=0, max_value=3), col=st.integers(min_value=0, max_value=7), value=NASTY,
       partial=st.booleans())
def test_nasty_cells(sqlite_engine, tmp_path: Path, row: int, col: int, value: str, partial: bool) -> None:  # type: ignore[no-untyped-def]
    lines = list(csv.reader(GOOD_CSV.splitlines()))
    lines[row][col] = value
    p = tmp_path / "cat.csv"
    with p.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(lines)
    check(sqlite_engine, p, partial=partial)


@FUZZ
@given(value=st.sampled_from(FORMULAS), field=st.sampled_from(["Release Title", "Artist", "Track Title"]))
def test_formulas_never_exported_unescaped(sqlite_engine, tmp_path: Path, value: str, field: str) -> None:  # type: ignore[no-untyped-def]
    lines = list(csv.reader(GOOD_CSV.splitlines()))
    col = lines[0].index(field)
    for r in lines[1:]:
        r[col] = value
    src = tmp_path / "in.csv"
    with src.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(lines)
    run_import(sqlite_engine, src, ImportOptions(update=True))
    out = tmp_path / "out.csv"
    export_catalog(sqlite_engine, out, fmt="csv")
    with out.open(encoding="utf-8", newline="") as f:
        for cells in csv.reader(f):
            assert not any(c[:1] in ("=", "+", "-", "@", "\t", "\r") for c in cells), cells


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20),
              st.sampled_from(FORMULAS + ["012345678905", "USABC2400001", "2024-01-31"])),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.sampled_from(["title", "upc", "tracks", "isrc", "artists", "deals",
                                                                "display_artist", "release_date", "name", "x"]),
                                               children, max_size=5)),
    max_leaves=20,
)


@FUZZ
@given(value=JSON_VALUES, own=st.booleans())
def test_random_json(sqlite_engine, tmp_path: Path, value, own: bool) -> None:  # type: ignore[no-untyped-def]
    import json

    p = tmp_path / "x.json"
    if own:
        p.write_text('{"format": "stardust-catalog", "version": 1, "releases": [\n' + json.dumps(value) + "\n]}\n",
                     encoding="utf-8")
    else:
        p.write_text(json.dumps(value), encoding="utf-8")
    check(sqlite_engine, p)


@FUZZ
@given(cut=st.integers(min_value=0, max_value=6000), flip=st.integers(min_value=0, max_value=5999))
def test_damaged_ddex(sqlite_engine, tmp_path: Path, cut: int, flip: int) -> None:  # type: ignore[no-untyped-def]
    data = bytearray((SAMPLES_DIR / "ern-43" / "ddexsuite__1_Audio.xml").read_bytes()[:6000])
    if flip < len(data):
        data[flip] = (data[flip] + 7) % 256
    p = tmp_path / "msg.xml"
    p.write_bytes(bytes(data[:cut]))
    check(sqlite_engine, p, format="ddex")
