"""CSV import: mapping guesses, values, line numbers, matching by UPC/ISRC, atomic/partial/dry-run, encodings.

Runs on real SQLite files and (``engine`` fixture) on PostgreSQL; the bulk path is checked against the
catalog store's own snapshot/content hash.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from stardust_tui.domain.models import AuditEntry, Party, Release, ReleaseRevision, Track
from stardust_tui.errors import ValidationError
from stardust_tui.importexport import values
from stardust_tui.importexport.csv_import import preview
from stardust_tui.importexport.importer import ImportOptions, run_import
from stardust_tui.importexport.mapping import load_mapping, plan_columns
from stardust_tui.store.releases import get_release, list_releases, load_release
from stardust_tui.store.revisions import content_hash

HEADER = "UPC,Release Title,Artist,Label,Release Date,P Line,Track Number,Track Title,ISRC,Duration,Explicit\n"
ROWS = (
    "012345678905,First Album,The Band,Moon Records,2024-01-31,℗ 2024 Moon Records,1,Intro,USABC2400001,3:45,no\n"
    '012345678905,First Album,The Band,Moon Records,2024-01-31,℗ 2024 Moon Records,2,"Song\nTwo",USABC2400002,'
    "4:00,yes\n"
    "4006381333931,Other,Someone; Else,Moon Records,31/01/2024,,1,Only,GBXYZ2400001,120,\n"
)


def write(tmp_path: Path, text: str, name: str = "cat.csv", encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def count(engine, model) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def test_value_parsers() -> None:
    assert values.parse_date("2024-01-31") == date(2024, 1, 31)
    assert values.parse_date("31/01/2024") == date(2024, 1, 31)
    assert values.parse_date("01/02/2024") == date(2024, 2, 1)
    assert values.parse_date("01/02/2024", month_first=True) == date(2024, 1, 2)
    assert values.parse_date("1 Jan 2024") == date(2024, 1, 1)
    assert values.parse_date("January 5, 2024") == date(2024, 1, 5)
    assert values.parse_date("20240131") == date(2024, 1, 31)
    assert values.parse_date("31.01.2024") == date(2024, 1, 31)
    with pytest.raises(ValueError, match="month-first"):
        values.parse_date("31/13/2024")
    with pytest.raises(ValueError, match="not a date"):
        values.parse_date("soon")
    assert values.parse_duration("3:45") == 225
    assert values.parse_duration("1:02:03") == 3723
    assert values.parse_duration("PT3M45S") == 225
    with pytest.raises(ValueError):
        values.parse_duration("3:75")
    assert values.parse_copyright_line("℗ 2024 Moon Records", "P") == (2024, "Moon Records")
    assert values.parse_copyright_line("(C) 1999 X", "C") == (1999, "X")
    assert values.parse_position("2-05") == (2, 5)
    for s in ("=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "'quoted"):
        assert values.escape_formula(s) == "'" + s
        assert values.unescape_formula(values.escape_formula(s)) == s
    assert values.escape_formula("plain") == "plain"


def test_header_guesses_and_mapping_file(tmp_path: Path) -> None:
    plan = plan_columns(["EAN", "Album Title", "Primary Artist", "Song Name", "ISRC Code", "Internal", "Track #"])
    assert dict((f, i) for i, f in plan.fields) == {"upc": 0, "release_title": 1, "release_artist": 2,
                                                   "track_title": 3, "isrc": 4, "track_number": 6}
    assert plan.ignored == ["Internal"]
    m = tmp_path / "map.toml"
    m.write_text('[columns]\n"Internal" = "catalog_number"\n"Song Name" = ""\n[defaults]\nlabel = "L"\n'
                 "[options]\nmonth_first = true\n", encoding="utf-8")
    mapping = load_mapping(m)
    plan = plan_columns(["EAN", "Internal", "Song Name"], mapping)
    assert [f for _, f in plan.fields] == ["upc", "catalog_number"]
    assert mapping.month_first and mapping.defaults == {"label": "L"}
    assert load_mapping(tmp_path / "x.toml" if False else m).to_toml().startswith("[columns]")
    m.write_text('[columns]\n"A" = "no_such_field"\n', encoding="utf-8")
    with pytest.raises(ValidationError, match="no_such_field"):
        load_mapping(m)


def test_import_creates_releases_like_the_store(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = write(tmp_path, HEADER + ROWS)
    report = run_import(engine, src)
    assert report.ok, report.render()
    assert (report.created, report.rows, report.releases_seen, report.tracks_seen) == (2, 3, 2, 3)
    with Session(engine) as s:
        r = load_release(s, get_release(s, "012345678905").id)
        assert r.title == "First Album" and r.label.name == "Moon Records"
        assert (r.p_line_year, r.p_line, r.release_date) == (2024, "Moon Records", date(2024, 1, 31))
        assert [t.title for t in r.tracks] == ["Intro", "Song Two"]  # a line break in a cell: no field is multi-line
        assert [t.duration_seconds for t in r.tracks] == [225, 240]
        assert r.parental_advisory == "explicit" and r.release_type == "Single" and r.revision == 1
        other = load_release(s, get_release(s, "4006381333931").id)
        assert other.display_artist == "Someone & Else"
        assert [a.party.name for a in other.artists] == ["Someone", "Else"]
        # the bulk path stores exactly what save_release would: same snapshot hash, audit entry, search row
        rev = s.exec(select(ReleaseRevision).where(ReleaseRevision.release_id == r.id)).scalars().one()  # type: ignore[call-overload]
        assert rev.content_hash == content_hash(r)
        audit = s.exec(select(AuditEntry).where(AuditEntry.entity_id == str(r.id))).scalars().all()  # type: ignore[call-overload]
        assert [a.action for a in audit] == ["import"]
        assert [row.id for row in list_releases(s, search="song two")] == [r.id]
    assert count(engine, Party) == 4  # The Band, Someone, Else and the label Moon Records: no duplicates
    # same file again: everything unchanged, nothing written
    again = run_import(engine, src)
    assert (again.created, again.unchanged, again.skipped) == (0, 2, 0)
    assert count(engine, ReleaseRevision) == 2


def test_existing_release_duplicate_then_update(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run_import(engine, write(tmp_path, HEADER + ROWS))
    changed = write(tmp_path, HEADER + ROWS.replace("First Album", "First Album (Deluxe)"), "changed.csv")
    report = run_import(engine, changed)
    assert (report.created, report.updated, report.unchanged, report.skipped, report.duplicates) == (0, 0, 1, 1, 1)
    assert "use --update" in report.warnings[0].message
    report = run_import(engine, changed, ImportOptions(update=True))
    assert report.ok and report.updated == 1 and report.unchanged == 1
    with Session(engine) as s:
        r = load_release(s, get_release(s, "012345678905").id)
        assert r.title == "First Album (Deluxe)" and r.revision == 2 and len(r.tracks) == 2
        assert count(engine, Track) == 3


def test_errors_name_file_line_and_column(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = ROWS.replace("GBXYZ2400001", "NOT-AN-ISRC").replace("31/01/2024", "31/31/2024")
    src = write(tmp_path, HEADER + bad)
    report = run_import(sqlite_engine, src)
    assert not report.ok and report.rolled_back and report.created == 0
    texts = [str(i) for i in report.errors]
    # the header is line 1; the quoted newline makes the 2nd record span lines 3-4, so the 3rd starts on line 5
    assert any(t.startswith(f"{src}:5 [ISRC]") and "ISRC" in t for t in texts), texts
    assert any(t.startswith(f"{src}:5 [Release Date]") for t in texts), texts
    assert count(sqlite_engine, Release) == 0  # atomic: the good release was rolled back too


def test_partial_and_dry_run(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = write(tmp_path, HEADER + ROWS.replace("GBXYZ2400001", "XX"))
    dry = run_import(sqlite_engine, src, ImportOptions(dry_run=True, partial=True))
    assert dry.created == 1 and dry.skipped == 1 and count(sqlite_engine, Release) == 0
    report = run_import(sqlite_engine, src, ImportOptions(partial=True))
    assert report.ok and report.created == 1 and report.skipped == 1 and report.error_count == 1
    assert count(sqlite_engine, Release) == 1
    good = write(tmp_path, HEADER + ROWS, "good.csv")
    dry = run_import(sqlite_engine, good, ImportOptions(dry_run=True))
    assert dry.created == 1 and dry.unchanged == 1 and count(sqlite_engine, Release) == 1


def test_encodings_and_delimiters(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = (HEADER + ROWS).replace("Moon Records", "Mötley Records").replace("℗", "(P)")
    cp = write(tmp_path, text, "cp.csv", "cp1252")
    # told UTF-8, the Windows-1252 byte is an error naming its line; left alone, the code page is detected
    report = run_import(sqlite_engine, cp, ImportOptions(encoding="utf-8", dry_run=True))
    assert not report.ok and "--encoding" in report.errors[0].message and report.errors[0].line == 2
    detected = run_import(sqlite_engine, cp)
    assert detected.created == 2 and "encoding Windows-1252 (detected)" in detected.decisions, detected.render()
    for i, (enc, delim) in enumerate((("utf-8-sig", ";"), ("utf-16", "\t"))):
        p = write(tmp_path, text.replace(",", delim), f"f{i}.csv", enc)
        pv = preview(p)
        assert pv.headers[0] == "UPC" and pv.delimiter == delim and len(pv.rows) == 3
    with Session(sqlite_engine) as s:
        assert get_release(s, "012345678905").label.name == "Mötley Records"


def test_separate_release_and_track_files(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rel = write(tmp_path, "UPC,Title,Artist,Type\n012345678905,Split,Duo,EP\n", "releases.csv")
    tracks = "UPC,Track,Track Title,ISRC\n012345678905,2,B,USABC2400012\n012345678905,1,A,USABC2400011\n"
    report = run_import(sqlite_engine, rel, ImportOptions(tracks_file=write(
        tmp_path, tracks + "4006381333931,1,X,\n", "tracks.csv")))
    assert not report.ok and report.errors[0].line == 4 and "not in the release file" in report.errors[0].message
    report = run_import(sqlite_engine, rel, ImportOptions(tracks_file=write(tmp_path, tracks, "tracks2.csv")))
    assert report.ok and report.created == 1, report.render()
    with Session(sqlite_engine) as s:
        r = load_release(s, get_release(s, "012345678905").id)
        assert [(t.track_number, t.title) for t in r.tracks] == [(1, "A"), (2, "B")]
        assert r.release_type == "EP"


def test_continuation_rows_and_scattered_release(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = write(tmp_path, "UPC,Release Title,Artist,Track Title\n012345678905,Album,A,One\n,,,Two\n,,,Three\n")
    report = run_import(sqlite_engine, src)
    assert report.ok and report.tracks_seen == 3
    scattered = write(tmp_path, "UPC,Release Title,Artist,Track Title\n012345678905,Al,A,One\n"
                      "4006381333931,B,B,x\n012345678905,Al,A,Two\n", "s.csv")
    report = run_import(sqlite_engine, scattered)
    assert any("must be together" in i.message and i.line == 4 for i in report.errors)


def test_isrc_reuse_and_conflict(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run_import(sqlite_engine, write(tmp_path, HEADER + ROWS))
    comp = ("UPC,Release Title,Artist,Track Title,Track Artist,ISRC,Duration\n"
            "5012345678900,Hits,Various,Intro,The Band,USABC2400001,3:46\n")
    report = run_import(sqlite_engine, write(tmp_path, comp, "comp.csv"))
    assert report.ok and report.created == 1 and "same recording" in report.warnings[0].message
    clash = comp.replace("5012345678900", "0886443927087").replace("Intro,", "Other Song,")
    report = run_import(sqlite_engine, write(tmp_path, clash, "clash.csv"))
    assert not report.ok and "different recording" in report.errors[0].message


def test_mapping_defaults_and_month_first(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    m = tmp_path / "map.toml"
    m.write_text('[columns]\n"Product" = "upc"\n"Name" = "release_title"\n"Song" = "track_title"\n'
                 '[defaults]\nlabel = "Default Label"\nrelease_artist = "House Band"\nrelease_type = "ep"\n'
                 '[options]\nmonth_first = true\n', encoding="utf-8")
    src = write(tmp_path, "Product,Name,Song,Date\n012345678905,Mapped,One,01/02/2024\n")
    report = run_import(sqlite_engine, src, ImportOptions(mapping=load_mapping(m)))
    assert report.ok, report.render()
    with Session(sqlite_engine) as s:
        r = load_release(s, get_release(s, "012345678905").id)
        assert (r.title, r.label.name, r.display_artist, r.release_type) == ("Mapped", "Default Label", "House Band",
                                                                              "EP")
        assert r.release_date == date(2024, 1, 2) and r.tracks[0].title == "One"


def test_database_failure_is_reported_and_rolled_back(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    with sqlite_engine.begin() as conn:  # sabotage: the search index table is gone
        conn.execute(text("DROP TABLE release_fts"))
    report = run_import(sqlite_engine, write(tmp_path, HEADER + ROWS))
    assert not report.ok and report.rolled_back and report.created == 0
    assert "database refused the import" in report.errors[0].message and "release_fts" in report.errors[0].message
    assert count(sqlite_engine, Release) == 0 and count(sqlite_engine, Party) == 0


def test_partial_commits_every_batch_so_others_can_write(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """With --partial each batch is its own transaction: another writer gets in between batches."""
    from stardust_tui.domain.delivery_models import Target
    from stardust_tui.store.db import make_engine, session_scope

    rows = [HEADER.rstrip("\n")]
    for i in range(1, 41):
        from stardust_tui.domain.identifiers import gtin_check_digit

        body = f"{i:011d}"
        rows.append(f"{body}{gtin_check_digit(body)},R{i},A,L,2024-01-01,,1,T,QZABC24{i:05d},1:00,no")
    src = write(tmp_path, "\n".join(rows) + "\n")
    other = make_engine(str(sqlite_engine.url.database))
    written: list[int] = []

    def progress(done: int, total: int | None) -> None:  # runs inside the import, between rows
        if not written:
            with session_scope(other) as s:  # would wait for the whole import if it held one transaction
                s.add(Target(name="t", url="file:///tmp/x"))
            written.append(1)

    report = run_import(sqlite_engine, src, ImportOptions(partial=True, batch_releases=5), progress=progress)
    assert report.ok and report.created == 40 and written
    with Session(sqlite_engine) as s:
        assert s.execute(select(func.count()).select_from(ReleaseRevision)).scalar_one() == 40
    other.dispose()


def test_gc_thresholds_raised_during_the_run_and_restored(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import gc

    from stardust_tui.importexport.importer import GC_THRESHOLD

    before = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []
    report = run_import(sqlite_engine, write(tmp_path, HEADER + ROWS),
                        progress=lambda done, total: seen.append(gc.get_threshold()))
    assert report.ok and report.created == 2
    assert seen and all(t[0] >= GC_THRESHOLD[0] for t in seen)
    assert gc.get_threshold() == before and gc.isenabled()
    bad = run_import(sqlite_engine, write(tmp_path, HEADER + "x,y\n", "bad.csv"))
    assert not bad.ok and gc.get_threshold() == before


def test_track_numbers_stored_with_the_column_types(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    assert run_import(sqlite_engine, write(tmp_path, HEADER + ROWS)).ok
    with Session(sqlite_engine) as s:
        rows = s.execute(text("SELECT isrc, typeof(duration_seconds), duration_seconds, typeof(explicit), explicit, "
                              "typeof(preview_start_seconds) FROM track ORDER BY isrc")).all()
    assert [tuple(r) for r in rows] == [("GBXYZ2400001", "real", 120.0, "integer", 0, "null"),
                                        ("USABC2400001", "real", 225.0, "integer", 0, "null"),
                                        ("USABC2400002", "real", 240.0, "integer", 1, "null")]


def test_isrc_fast_path_equals_normalize_isrc() -> None:
    from stardust_tui.domain.identifiers import normalize_isrc
    from stardust_tui.importexport.cells import parser_for

    parse = parser_for("isrc")
    cases = ["USABC2400001", "usabc2400001", "US-ABC-24-00001", "USABC240000", "USABC24000011", "US1BC2400001",
             "U1ABC2400001", "USABC24O0001", "ISRCUSABC2400001", "USABC２400001", "USÄBC2400001", " USABC2400001"]
    for text in cases:
        try:
            expected: object = normalize_isrc(text)
        except ValidationError as exc:
            expected = exc.message
        try:
            got: object = parse(text)
        except ValidationError as exc:
            got = exc.message
        assert got == expected, text


def test_track_field_limits_checked_by_the_grouper(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    header = HEADER.rstrip("\n") + ",track_version\n"
    rows = [r + ("," + "v" * 501 if i == 1 else ",") for i, r in enumerate(ROWS.replace('"Song\nTwo"', "Two")
                                                                          .splitlines())]
    report = run_import(sqlite_engine, write(tmp_path, header + "\n".join(rows) + "\n"))
    assert not report.ok and count(sqlite_engine, Release) == 0
    assert [(e.line, e.column) for e in report.errors] == [(3, "version")]
    assert "track version is 501 characters long (at most 500)" in report.errors[0].message
