"""Column planning by meaning and values: headers, levels, second columns, per-file decisions, cell values,
the preview the TUI's import screen shows, mapping files, and cancelling a run."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from stardust_tui.errors import StardustError
from stardust_tui.importexport import cells, values
from stardust_tui.importexport.api import preview_source
from stardust_tui.importexport.importer import ImportOptions, run_import
from stardust_tui.importexport.mapping import Mapping, load_mapping, plan_columns, save_mapping


def plan(headers: list[str], rows: list[list[str]], **mapping: object):  # type: ignore[no-untyped-def]
    return {c.header: c for c in plan_columns(headers, Mapping(**mapping), rows).columns}  # type: ignore[arg-type]


@pytest.mark.parametrize(("header", "field"), [
    ("Primary Artist Name(s)", "release_artist"), ("ALBUM_TITLE", "release_title"), ("songTitle", "track_title"),
    ("EAN/UPC", "upc"), ("Barcode", "upc"), ("ISRC Code", "isrc"), ("Street Date", "release_date"),
    ("Mix", "track_version"), ("(P) Year", "p_line_year"), ("℗ Owner", "p_line"), ("© Holder", "c_line"),
    ("Copyright Year", "c_line_year"), ("With", "featured_artist"), ("Writers", "composer"),
    ("Lyrics By", "lyricist"), ("Publishing", "publisher"), ("Parental Advisory", "parental_advisory"),
    ("Explicit (Y/N/C)", "explicit"),
    ("Album Explicit", "parental_advisory"), ("Running Time", "duration"), ("Vol.", "disc_number"),
    ("Excluded Countries", "excluded_territories"), ("Price Code", "price_tier"), ("Catalogue #", "catalog_number"),
    ("Language of Performance", "track_language"), ("Pre-Order Date", "preorder_date"),
    ("Instant Grat", "instant_gratification"), ("Remixed By", "remixer"),
    ("Track Artist(s)", "track_artist"), ("Original Release Date", "original_release_date"),
])
def test_header_meanings(header: str, field: str) -> None:
    assert plan([header], [])[header].field == field


@pytest.mark.parametrize("header", ["Artist Spotify ID", "Track Price Tier", "Total Tracks", "Lyrics", "ISWC",
                                    "Artist Country", "Notes", "Track Catalog Number"])
def test_headers_the_catalog_has_no_field_for(header: str) -> None:
    assert plan([header], [])[header].field == ""


def test_values_decide_ambiguous_and_unknown_headers() -> None:
    cols = plan(["Track", "Track ", "Code", "Ref"], [["1", "Intro", "USABC2400001", "x1"],
                                                     ["2", "Outro", "USABC2400002", "x2"]])
    assert cols["Track"].field == "track_number" and cols["Track "].field == "track_title"
    assert (cols["Code"].field, cols["Code"].origin) == ("isrc", "values") and cols["Ref"].field == ""
    cols = plan(["Format"], [["Digital"], ["Digital"], ["CD"]])
    assert cols["Format"].field == "" and "values do not read" in cols["Format"].reason


def test_a_column_varying_within_a_release_is_a_track_field() -> None:
    rows = [["012345678905", "Hits", "Ada", "Y", "One"], ["012345678905", "Hits", "Bo", "N", "Two"],
            ["4006381333931", "Solo", "Cy", "N", "Three"], ["4006381333931", "Solo", "Cy", "N", "Four"]]
    cols = plan(["UPC", "Album", "Artist", "Album Explicit", "Title"], rows)
    assert cols["Artist"].field == "track_artist" and "differ within a release" in cols["Artist"].reason
    assert cols["Album Explicit"].field == "explicit"
    constant = plan(["UPC", "Album", "Artist"], [r[:3] for r in rows[2:]])
    assert constant["Artist"].field == "release_artist"
    # an explicit mapping is never second-guessed
    assert plan(["UPC", "Album", "Artist"], rows, columns={"Artist": "release_artist"})["Artist"].field == \
        "release_artist"


def test_second_columns_join_lists_and_back_up_single_values(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "c.csv"
    src.write_text("UPC Code,EAN Code,Album,Artist,Title,Composer 1,Composer 2\n"
                   ",4006381333931,A,B,T,Ann Lee,Bo Ray & Cy Di\n", encoding="utf-8")
    pv = preview_source(src)
    assert [c.role for c in pv.columns] == ["main", "extra", "main", "main", "main", "main", "extra"]
    assert pv.stored[0]["upc"] == "4006381333931" and pv.stored[0]["composer"] == "Ann Lee; Bo Ray; Cy Di"
    report = run_import(sqlite_engine, src)
    assert report.ok and report.created == 1, report.render()


def test_per_file_decisions() -> None:
    cols = plan(["Release Date", "Length"], [["05/25/2024", "225000"], ["01/02/2024", "184500"]])
    p = plan_columns(["Release Date", "Length"], Mapping(), [["05/25/2024", "225000"], ["01/02/2024", "184500"]])
    assert p.month_first and any("month/day/year" in n for n in p.notes)
    assert cols["Length"].kind == "duration_ms"
    hinted = plan_columns(["Date (DD/MM/YYYY)"], Mapping(), [["01/02/2024"]])
    assert not hinted.month_first and "header" in hinted.notes[0]
    unknown = plan_columns(["Date"], Mapping(), [["01/02/2024"]])
    assert not unknown.month_first and "nothing in the file decides" in unknown.notes[0]
    mixed = plan_columns(["Date"], Mapping(), [["13/01/2024"], ["01/13/2024"], ["14/01/2024"]])
    assert not mixed.month_first and "disagree" in mixed.notes[0]
    asked = plan_columns(["Date"], Mapping(month_first=True), [["13/01/2024"]])
    assert asked.month_first
    writers = plan(["Writers"], [["Lennon, John; McCartney, Paul"]])
    assert writers["Writers"].options == {"surname_first": True}
    assert plan(["Writers"], [["John Lennon, Paul McCartney"]])["Writers"].options == {}


def test_cell_values() -> None:
    adv = cells.parser_for("advisory")
    assert [adv(x) for x in ("Y", "n", "C", "Clean", "Not Explicit", "true", "0", "ExplicitContentEdited")] == [
        "explicit", "not-explicit", "edited", "edited", "not-explicit", "explicit", "not-explicit", "edited"]
    terr = cells.parser_for("territories")
    assert terr("gb, fr;DE|it es") == ["GB", "FR", "DE", "IT", "ES"]
    assert terr("World") == ["Worldwide"] and terr("WW") == ["Worldwide"]
    assert terr("Worldwide except US, CA") == ["Worldwide", "-US", "-CA"] and terr("WW -US") == ["Worldwide", "-US"]
    assert terr("UK") == ["GB"]
    with pytest.raises(ValueError, match="'XX'"):
        terr("GB XX")
    dur = cells.parser_for("duration")
    assert [dur(x) for x in ("225", "3:45", "1:02:03", "PT3M41S", "3m41s", "225.5")] == [
        225, 225, 3723, 221, 221, 225.5]
    assert cells.parser_for("duration_ms")("225000") == 225
    upc = cells.parser_for("upc")
    assert upc("12345678905") == "012345678905" and upc("012345678905.0") == "012345678905"
    with pytest.raises(ValueError, match="scientific notation"):
        upc("1.23457E+11")
    with pytest.raises(StardustError):
        upc("12345678906")
    people = cells.parser_for("people", surname_first=True)
    assert people("Lennon, John; McCartney, Paul") == ["John Lennon", "Paul McCartney"]
    assert cells.parser_for("people")("A, B / C & D|E") == ["A", "B", "C", "D", "E"]
    assert values.parse_copyright_line("(P) 2024 Moon", "P") == (2024, "Moon")
    assert values.parse_copyright_line("Moon Records 2024", "P") == (2024, "Moon Records")
    assert cells.parser_for("credits")("Producer: Ann Lee; Bo Ray: Mastering Engineer; Cy (Guitar)") == [
        ("Ann Lee", "Producer", None, None), ("Bo Ray", "MasteringEngineer", None, None),
        ("Cy", "Musician", None, "Guitar")]
    assert cells.parser_for("credits")("UserDefined:Whistler: Di") == [("Di", "UserDefined:Whistler", None, None)]
    from stardust_tui.domain.credit_text import format_credit_text, parse_credit_text

    items = [("Ann Lee", "Producer"), ("Bo: Ray", "MasteringEngineer"), ("Cy", "UserDefined:Whistler")]
    assert parse_credit_text(format_credit_text(items)) == [("Ann Lee", "Producer"), ("Bo: Ray", "MasteringEngineer"),
                                                            ("Cy", "UserDefined:Whistler")]
    with pytest.raises(ValueError, match="write UserDefined:Whistler"):
        cells.parser_for("credits")("Whistler: Di")
    lang = cells.parser_for("language")
    assert [lang(x) for x in ("en", "ENG", "en-GB", "English", "spanish", "Castilian")] == [
        "en", "eng", "en-GB", "en", "es", "es"]
    assert cells.parser_for("year")("2024-05-01") == 2024 and cells.parser_for("int")("CD2") == 2


def test_header_row_below_a_title_and_stored_preview(tmp_path: Path) -> None:
    src = tmp_path / "t.csv"
    src.write_text("My label catalogue\nexported 2024\nUPC;Album;Artist;Title;Explicit;Territories;Length\n"
                   "012345678905;A;B;T;C;WW except US;3:45\n", encoding="utf-8")
    pv = preview_source(src)
    assert pv.delimiter == ";" and pv.headers[0] == "UPC" and pv.lines == [4]
    assert any("header row is line 3" in d for d in pv.decisions)
    assert pv.stored[0] == {"upc": "012345678905", "release_title": "A", "release_artist": "B", "track_title": "T",
                            "explicit": "edited", "territories": "Worldwide; -US", "duration": "3:45"}
    bad = tmp_path / "bad.csv"
    bad.write_text("UPC,Album,Artist,Title,ISRC\n012345678905,A,B,T,nope\n", encoding="utf-8")
    pv = preview_source(bad)
    assert [(p.line, p.column) for p in pv.problems] == [(2, "ISRC")]


def test_mapping_edit_save_and_reload(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "c.csv"
    src.write_text("UPC,Album,Who,Title,Internal\n012345678905,A,Band,T,x\n", encoding="utf-8")
    pv = preview_source(src)
    assert pv.mapping.columns["Who"] == "" and pv.mapping.columns["Internal"] == ""
    pv.mapping.columns["Who"] = "release_artist"
    saved = save_mapping(pv.mapping, tmp_path / "label.toml")
    again = preview_source(src, load_mapping(saved))
    assert {c.header: (c.field, c.origin) for c in again.columns}["Who"] == ("release_artist", "mapping")
    report = run_import(sqlite_engine, src, ImportOptions(mapping=load_mapping(saved)))
    assert report.ok and report.created == 1, report.render()


def test_cancel_rolls_back(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "c.csv"
    src.write_text("UPC,Album,Artist,Title\n012345678905,A,B,T\n4006381333931,C,D,E\n", encoding="utf-8")
    cancel = threading.Event()
    cancel.set()
    report = run_import(sqlite_engine, src, cancel=cancel)
    assert report.cancelled and report.rolled_back and report.created == 0 and "cancelled" in report.summary()
    assert run_import(sqlite_engine, src, ImportOptions(dry_run=True)).created == 2


def test_vocabularies_and_one_line_text() -> None:
    models = cells.parser_for("commercial_models")
    assert models("subscription model; Pay As You Go Model") == ["SubscriptionModel", "PayAsYouGoModel"]
    assert models("UserDefined:FollowGated") == ["UserDefined:FollowGated"]
    with pytest.raises(ValueError, match="write UserDefined:Bogus"):
        models("Bogus")
    assert cells.parser_for("use_types")("ondemandstream, PermanentDownload") == ["OnDemandStream",
                                                                                  "PermanentDownload"]
    assert cells.text("Song\r\n Two\tLive") == "Song Two Live"
    with pytest.raises(ValueError, match="control character"):
        cells.text("bad\x07bell")


def test_exact_field_names_stay_and_empty_columns_are_quiet(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [["012345678905", "Hits", "Ada", "One"], ["012345678905", "Hits", "Bo", "Two"]]
    named = plan(["upc", "release_title", "release_artist", "track_title"], rows)
    assert named["release_artist"].field == "release_artist"  # the field's own name: never second-guessed
    assert plan(["UPC", "Album", "Release Artist", "Title"], rows)["Release Artist"].field == "track_artist"
    src = tmp_path / "trailing.csv"
    src.write_text("UPC,Album,Artist,Title,,\n012345678905,A,B,T,,\n", encoding="utf-8")
    report = run_import(sqlite_engine, src, ImportOptions(dry_run=True))
    assert report.ok and report.warning_count == 0, report.render()


@pytest.mark.parametrize(("encoding", "delimiter", "note"), [
    ("utf-8", ",", None), ("utf-8-sig", ";", "byte-order mark"), ("utf-16", "\t", "UTF-16 (byte-order mark)"),
    ("utf-16-le", "\t", "UTF-16 LE (no byte-order mark; detected)"), ("utf-16-be", "|", "UTF-16 BE"),
    ("cp1252", ";", "Windows-1252 (detected)"),
])
def test_encodings_and_delimiters_detected(tmp_path: Path, encoding: str, delimiter: str, note: str | None) -> None:
    text = "UPC,Album,Artist,Title\n012345678905,Café Été,Zoë Ålf,Crème brûlée\n".replace(",", delimiter)
    src = tmp_path / "e.csv"
    src.write_bytes(text.encode(encoding))
    pv = preview_source(src)
    assert pv.delimiter == delimiter and pv.headers == ["UPC", "Album", "Artist", "Title"]
    assert pv.stored[0]["release_title"] == "Café Été" and pv.stored[0]["track_title"] == "Crème brûlée"
    if note:
        assert any(note in d for d in pv.decisions), pv.decisions
