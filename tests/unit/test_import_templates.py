"""Exports written in the styles of public distributor templates and a label's own Excel sheet, each imported
WITHOUT a mapping file and checked field by field in the store.

The files are made here, in each template's style (its header words, delimiter, encoding, date order,
value spellings): The Orchard (comma CSV, UTF-8), FUGA (semicolon CSV with BOM, dd/mm/yyyy, ISO 8601
durations), Believe (Excel with a title row above multi-line headers, MM/DD/YYYY), CD Baby (Excel
"Unicode text": UTF-16 with tabs, durations in ms), DistroKid (Windows-1252 CSV, m/d/yyyy), TuneCore
(pipe-delimited, an 11-digit UPC whose leading zero a spreadsheet dropped, excluded territories) and a
label's own .xlsx (typed date/number/time/boolean cells, a notes sheet first, a compilation with
per-track artists and a per-track advisory).
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from stardust_tui.importexport.api import preview_source
from stardust_tui.importexport.importer import run_import
from stardust_tui.store.releases import get_release, load_release


def release(engine: Any, upc: str) -> Any:
    with Session(engine) as s:
        return load_release(s, get_release(s, upc).id)


def tracks(r: Any) -> list[Any]:
    return sorted(r.tracks, key=lambda t: (t.disc_number, t.track_number))


def artists(x: Any) -> list[tuple[str, str]]:
    return [(a.party.name, a.role) for a in x.artists]


def credits(t: Any) -> list[tuple[str, str]]:
    return [(c.party.name, c.role) for c in t.credits]


def imported(engine: Any, path: Path, **options: Any) -> Any:
    from stardust_tui.importexport.importer import ImportOptions

    report = run_import(engine, path, ImportOptions(**options))
    assert report.ok and report.error_count == 0, report.render()
    return report


def test_orchard_style_csv(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    head = ("Product UPC,Release Name,Primary Artist,Label Name,Release Date,Genre,Sub-Genre,(P) Year,(P) Owner,"
            "(C) Year,(C) Owner,Volume,Track No.,Track Name,Version,Featuring Artist(s),ISRC,Explicit (Y/N/C),"
            "Track Duration,Songwriter(s),Publisher(s),Territories,Price Band\n")
    rows = [
        "012345678905,Night Drive,The Comets,Orbit Records,2024-03-15,Electronic,Synthwave,2024,Orbit Records,"
        "2023,Orbit Music,1,1,Ignition,,,USAB12400001,N,3:41,\"Lennon, John; McCartney, Paul\",Orbit Publishing,"
        "WW,Mid\n",
        "012345678905,Night Drive,The Comets,Orbit Records,2024-03-15,Electronic,Synthwave,2024,Orbit Records,"
        "2023,Orbit Music,1,2,Overdrive,Extended Mix,\"Ann Guest, Bo Guest\",USAB12400002,Y,6:02,"
        "\"Lennon, John\",Orbit Publishing,WW,Mid\n",
        "012345678905,Night Drive,The Comets,Orbit Records,2024-03-15,Electronic,Synthwave,2024,Orbit Records,"
        "2023,Orbit Music,1,3,Overdrive,Radio Edit,\"Ann Guest, Bo Guest\",USAB12400003,C,3:10,"
        "\"Lennon, John\",Orbit Publishing,WW,Mid\n",
    ]
    src = tmp_path / "orchard_export.csv"
    src.write_text(head + "".join(rows), encoding="utf-8")
    imported(sqlite_engine, src)
    r = release(sqlite_engine, "012345678905")
    assert (r.title, r.display_artist, r.label.name, r.release_date) == ("Night Drive", "The Comets", "Orbit Records",
                                                                       date(2024, 3, 15))
    assert (r.genre, r.subgenre, r.p_line_year, r.p_line, r.c_line_year, r.c_line) == (
        "Electronic", "Synthwave", 2024, "Orbit Records", 2023, "Orbit Music")
    # a per-track Y/N/C column: the tracks carry it, the release is explicit because one track is
    assert r.parental_advisory == "explicit"
    t1, t2, t3 = tracks(r)
    assert [(t.disc_number, t.track_number, t.title, t.version, t.isrc) for t in (t1, t2, t3)] == [
        (1, 1, "Ignition", None, "USAB12400001"), (1, 2, "Overdrive", "Extended Mix", "USAB12400002"),
        (1, 3, "Overdrive", "Radio Edit", "USAB12400003")]
    assert [t.explicit for t in (t1, t2, t3)] == [False, True, False]
    assert [t.duration_seconds for t in (t1, t2, t3)] == [221, 362, 190]
    assert artists(t2) == [("The Comets", "MainArtist"), ("Ann Guest", "FeaturedArtist"),
                           ("Bo Guest", "FeaturedArtist")]
    assert credits(t1) == [("John Lennon", "Composer"), ("Paul McCartney", "Composer"),
                           ("Orbit Publishing", "Publisher")]
    assert [(d.territories, d.price_tier) for d in r.deals] == [(["Worldwide"], "Mid")]


def test_fuga_style_semicolon_bom(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    head = ("Product title;Product version;Catalog number;UPC;Label;Primary artist(s);Release date;Main genre;"
            "(C) year;(C) line;(P) year;(P) line;Volume;Track sequence;Track title;Track version;ISRC;"
            "Parental advisory;Duration;Lyrics language;Territories\n")
    rows = [
        "Sommer;Deluxe;FUGA-001;4006381333931;Kiez Musik;Die Ärzte;25/04/2024;Rock;2024;Kiez Musik;2024;"
        "Kiez Musik GmbH;1;1;Straße;;DEAA12400001;Not Explicit;PT3M41S;de;DE AT CH\n",
        "Sommer;Deluxe;FUGA-001;4006381333931;Kiez Musik;Die Ärzte;25/04/2024;Rock;2024;Kiez Musik;2024;"
        "Kiez Musik GmbH;2;1;Zugabe;Live;DEAA12400002;Clean;PT4M2.5S;de;DE AT CH\n",
        "Winter;;FUGA-002;5012345678900;Kiez Musik;Die Ärzte;01/02/2024;Rock;2024;Kiez Musik;2024;"
        "Kiez Musik GmbH;1;1;Schnee;;DEAA12400003;Not Explicit;PT2M;en;Worldwide\n",
    ]
    src = tmp_path / "fuga.csv"
    src.write_bytes(("\ufeff" + head + "".join(rows)).encode("utf-8"))
    report = imported(sqlite_engine, src)
    assert any("day/month/year" in d and "25/04/2024" in d for d in report.decisions), report.decisions
    r = release(sqlite_engine, "4006381333931")
    assert (r.title, r.version, r.catalog_number, r.label.name, r.display_artist) == (
        "Sommer", "Deluxe", "FUGA-001", "Kiez Musik", "Die Ärzte")
    assert (r.release_date, r.c_line_year, r.c_line, r.p_line_year, r.p_line) == (
        date(2024, 4, 25), 2024, "Kiez Musik", 2024, "Kiez Musik GmbH")
    assert r.parental_advisory == "edited"  # one clean track, none explicit
    assert [t.parental_advisory for t in tracks(r)] == [None, "edited"]  # the clean one is marked as such
    t1, t2 = tracks(r)
    assert [(t.disc_number, t.track_number, t.title, t.version, t.duration_seconds, t.language, t.explicit)
            for t in (t1, t2)] == [(1, 1, "Straße", None, 221, "de", False),
                                   (2, 1, "Zugabe", "Live", 242.5, "de", False)]
    assert r.deals[0].territories == ["DE", "AT", "CH"]
    w = release(sqlite_engine, "5012345678900")
    assert w.release_date == date(2024, 2, 1)  # day first, decided from 25/04/2024 above
    assert tracks(w)[0].language == "en" and w.deals[0].territories == ["Worldwide"]


def _xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


def test_believe_style_xlsx_title_row_and_month_first_header(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    head = ["Track number", "Track title", "Mixtitle / Version", "CD number", "Release title", "Label",
            "Production year", "℗ line (P line)", "© line (C line)", "Genre", "Parental advisory",
            "Digital release date\n(MM/DD/YYYY)", "ISRC Code\n(Leave blank if you want Believe to generate it)",
            "UPC Code (optional)", "Main artist", "Featuring", "Track catalog number", "Track price tier"]
    rows = [["Believe - Album Extended template"], [], head,
            [1, "Lune", None, 1, "Nocturne", "Label Lune", 2024, "Label Lune", "Label Lune", "Pop", "No",
             "04/05/2024", "FRAB12400001", "0886443927087", "Mila", None, "T-1", "Front"],
            [2, "Soleil", "Acoustic", 1, "Nocturne", "Label Lune", 2024, "Label Lune", "Label Lune", "Pop", "Yes",
             "04/05/2024", "FRAB12400002", "0886443927087", "Mila", "Rémi & Zoé", "T-2", "Mid"]]
    src = _xlsx(tmp_path / "believe.xlsx", {"Album": rows})
    pv = preview_source(src)
    by_header = {c.header.split("\n")[0]: c for c in pv.columns}
    assert by_header["Track catalog number"].field == "" and by_header["Track price tier"].field == ""
    assert by_header["Parental advisory"].field == "explicit" and pv.lines[:2] == [4, 5]
    assert pv.stored[1]["release_date"] == "2024-04-05" and pv.stored[1]["explicit"] == "explicit"
    imported(sqlite_engine, src)
    r = release(sqlite_engine, "0886443927087")
    assert (r.title, r.label.name, r.display_artist, r.release_date, r.p_line_year, r.p_line, r.c_line) == (
        "Nocturne", "Label Lune", "Mila", date(2024, 4, 5), 2024, "Label Lune", "Label Lune")
    t1, t2 = tracks(r)
    assert [(t.track_number, t.title, t.version, t.isrc, t.explicit) for t in (t1, t2)] == [
        (1, "Lune", None, "FRAB12400001", False), (2, "Soleil", "Acoustic", "FRAB12400002", True)]
    assert artists(t2) == [("Mila", "MainArtist"), ("Rémi", "FeaturedArtist"), ("Zoé", "FeaturedArtist")]
    assert r.parental_advisory == "explicit"


def test_cd_baby_style_utf16_tabs_milliseconds(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    head = "Artist Name\tAlbum Title\tUPC\tRelease Date\tTrack #\tSong Title\tISRC\tSongwriter(s)\tExplicit\t" \
           "Length (ms)\tGenre\n"
    rows = ("Jo Ko\tRivers\t012345678905\tMarch 5, 2024\t1\tSource\tUSCB12400001\tJo Ko / Al Bo\tfalse\t"
            "221000\tFolk\n"
            "Jo Ko\tRivers\t012345678905\tMarch 5, 2024\t2\tDelta\tUSCB12400002\tJo Ko\ttrue\t184500\tFolk\n")
    src = tmp_path / "cdbaby.txt"
    src.write_bytes((head + rows).encode("utf-16"))  # Excel "Unicode text": UTF-16 with a BOM, tabs
    report = imported(sqlite_engine, src)
    assert any("milliseconds" in d for d in report.decisions)
    r = release(sqlite_engine, "012345678905")
    assert (r.title, r.display_artist, r.release_date, r.genre) == ("Rivers", "Jo Ko", date(2024, 3, 5), "Folk")
    t1, t2 = tracks(r)
    assert [(t.title, t.isrc, t.duration_seconds, t.explicit) for t in (t1, t2)] == [
        ("Source", "USCB12400001", 221.0, False), ("Delta", "USCB12400002", 184.5, True)]
    assert credits(t1) == [("Jo Ko", "Composer"), ("Al Bo", "Composer")]


def test_distrokid_style_windows_1252_month_first(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    head = "Artist,Album,Title,Track,ISRC,UPC,Release date,Explicit,Songwriter,Language,Featured artist\n"
    rows = ("Beyoncé Café,Crème,Intro,1,QZAB12400001,4006381333931,3/15/2024,No,Renée Dupré,fr,\n"
            "Beyoncé Café,Crème,Brûlée,2,QZAB12400002,4006381333931,3/15/2024,Yes,Renée Dupré,fr,Zoë\n"
            "Beyoncé Café,Autre,Solo,1,QZAB12400003,5012345678900,4/1/2024,No,Renée Dupré,fr,\n")
    src = tmp_path / "distrokid.csv"
    src.write_bytes((head + rows).encode("cp1252"))
    report = imported(sqlite_engine, src)
    assert "encoding Windows-1252 (detected)" in report.decisions
    assert any("month/day/year" in d for d in report.decisions)
    r = release(sqlite_engine, "4006381333931")
    assert (r.title, r.display_artist, r.release_date, r.language) == ("Crème", "Beyoncé Café", date(2024, 3, 15),
                                                                      "fr")
    t1, t2 = tracks(r)
    assert [(t.track_number, t.title, t.explicit) for t in (t1, t2)] == [(1, "Intro", False), (2, "Brûlée", True)]
    assert credits(t1) == [("Renée Dupré", "Composer")]
    assert artists(t2) == [("Beyoncé Café", "MainArtist"), ("Zoë", "FeaturedArtist")]
    assert release(sqlite_engine, "5012345678900").release_date == date(2024, 4, 1)


def test_tunecore_style_pipes_dropped_zero_and_exclusions(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    head = "Album Name|Artist Name|UPC|Release Date|Song Name|Track Number|ISRC|Explicit (Y/N)|Song Length|" \
           "Price Tier|Territories Excluded|Songwriter(s)\n"
    rows = ("Tides|Sea Kin|12345678905|2024-06-01|Ebb|1|USTC12400001|N|00:03:41|Front|US, CA|Ana & Ben\n"
            "Tides|Sea Kin|12345678905|2024-06-01|Flow|2|USTC12400002|N|00:04:00|Front|US, CA|Ana\n")
    src = tmp_path / "tunecore.csv"
    src.write_text(head + rows, encoding="utf-8")
    imported(sqlite_engine, src)
    r = release(sqlite_engine, "012345678905")  # the leading zero the spreadsheet dropped is back
    assert (r.title, r.display_artist, r.release_date) == ("Tides", "Sea Kin", date(2024, 6, 1))
    assert [(d.territories, d.excluded_territories, d.price_tier) for d in r.deals] == [
        (["Worldwide"], ["US", "CA"], "Front")]
    t1, t2 = tracks(r)
    assert [(t.title, t.duration_seconds) for t in (t1, t2)] == [("Ebb", 221), ("Flow", 240)]
    assert credits(t1) == [("Ana", "Composer"), ("Ben", "Composer")]


def test_label_own_excel_sheet_typed_cells(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    head = ["Cat. No.", "EAN", "Album Artist", "Album", "Release Date", "Copyright Year", "Copyright Holder",
            "Disc", "No.", "Artist", "Track Title", "Time", "Explicit", "ISRC", "Composer", "Territory"]
    rows = [
        ["Moonlight Records - catalogue 2024"],
        head,
        ["MOON-7", 12345678905, None, "Summer Hits", datetime(2024, 7, 1), 2024, "Moonlight Records", 1, 1,
         "Ada Lux", "Sunburn", time(0, 3, 45), False, "GBML12400001", "Ada Lux", "GB, IE"],
        ["MOON-7", 12345678905, None, "Summer Hits", datetime(2024, 7, 1), 2024, "Moonlight Records", 1, 2,
         "Bo Vine feat. Cy", "Heatwave", time(0, 4, 2), True, "GBML12400002", "Bo Vine", "GB, IE"],
        ["MOON-7", 12345678905, None, "Summer Hits", datetime(2024, 7, 1), 2024, "Moonlight Records", 2, 1,
         "Ada Lux", "Dusk", time(0, 2, 59), False, "GBML12400003", "Ada Lux", "GB, IE"],
    ]
    src = _xlsx(tmp_path / "catalogue.xlsx", {"Notes": [["read me"], ["nothing to import here"]],
                                               "Catalogue": rows})
    pv = preview_source(src)
    assert pv.sheet == "Catalogue" and pv.sheets == ["Notes", "Catalogue"]
    cols = {c.header: c for c in pv.columns}
    assert (cols["Artist"].field, cols["Explicit"].field) == ("track_artist", "explicit")
    assert "'Album Artist'" in cols["Artist"].reason
    report = imported(sqlite_engine, src)
    assert report.created == 1 and report.tracks_seen == 3
    r = release(sqlite_engine, "012345678905")
    assert (r.catalog_number, r.title, r.release_date, r.c_line_year, r.c_line) == (
        "MOON-7", "Summer Hits", date(2024, 7, 1), 2024, "Moonlight Records")
    assert r.display_artist == "Various Artists" and (r.release_type, r.is_compilation) == ("Album", True)
    assert r.parental_advisory == "explicit"
    t = tracks(r)
    assert [(x.disc_number, x.track_number, x.title, x.display_artist, x.duration_seconds, x.explicit)
            for x in t] == [(1, 1, "Sunburn", "Ada Lux", 225, False), (1, 2, "Heatwave", "Bo Vine feat. Cy", 242, True),
                            (2, 1, "Dusk", "Ada Lux", 179, False)]
    assert artists(t[1]) == [("Bo Vine", "MainArtist"), ("Cy", "FeaturedArtist")]  # "feat." in the artist cell
    assert r.deals[0].territories == ["GB", "IE"]


@pytest.mark.parametrize("bad", ["wrong upc", "bad date"])
def test_template_errors_name_line_and_column(sqlite_engine, tmp_path: Path, bad: str) -> None:  # type: ignore[no-untyped-def]
    head = "UPC,Album,Artist,Release Date,Track,Title,ISRC\n"
    good = "012345678905,A,B,2024-01-02,1,T,USAB12400001\n"
    broken = good.replace("012345678905", "012345678906") if bad == "wrong upc" else \
        good.replace("2024-01-02", "2024-13-45")
    src = tmp_path / "bad.csv"
    src.write_text(head + good.replace("USAB12400001", "USAB12400009").replace("012345678905", "4006381333931")
                   + broken, encoding="utf-8")
    report = run_import(sqlite_engine, src)
    assert not report.ok and report.rolled_back and report.created == 0
    column = "UPC" if bad == "wrong upc" else "Release Date"
    assert any(str(i).startswith(f"{src}:3 [{column}]") for i in report.errors), report.render()


def test_cli_xlsx_sheet_print_map_and_import(tmp_path: Path) -> None:
    """As a user would: `stardust import catalog book.xlsx --sheet N --print-map`, then the import itself."""
    from click.testing import CliRunner

    from stardust_tui.cli import cli

    rows = [["UPC", "Album", "Artist", "Track", "Title", "Explicit"],
            ["012345678905", "Two Sheets", "Ada", 1, "First", "Y"],
            ["012345678905", "Two Sheets", "Ada", 2, "Second", "C"]]
    src = _xlsx(tmp_path / "book.xlsx", {"Old": [["UPC", "Album", "Artist", "Title"], ["4006381333931", "X", "Y", "Z"]],
                                         "New": rows})

    def run(*args: str) -> Any:
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    res = run("import", "catalog", str(src), "--sheet", "2", "--print-map")
    assert res.exit_code == 0 and '"Track" = "track_number"' in res.output and '"Explicit" = "explicit"' in res.output
    assert 'sheet = "New"' in res.output
    res = run("import", "catalog", str(src), "--sheet", "nope", "--dry-run")
    assert res.exit_code != 0 and "no sheet 'nope' (sheets: Old, New)" in res.output
    res = run("import", str(src), "--sheet", "New")
    assert res.exit_code == 0 and "1 created" in res.output, res.output
    assert "note: sheet 'New'" in res.output
    text = tmp_path / "book.csv"  # --sheet with a CSV was silently ignored: the user meant another file
    text.write_text("UPC,Album,Artist,Title\n4006381333931,X,Y,Z\n", encoding="utf-8")
    res = run("import", "catalog", str(text), "--sheet", "New", "--dry-run")
    assert res.exit_code != 0 and "--sheet: applies to Excel .xlsx workbooks; book.csv is read as csv" in res.output


def test_preorder_and_instant_gratification_columns(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A pre-order date column makes a pre-order deal ending on the release date; tracks flagged instant grat
    are its instant-gratification ISRCs; a flagged track without a pre-order is an error on its line."""
    head = "UPC,Album,Artist,Release Date,Pre-order Date,Territories,Title,ISRC,Instant Grat\n"
    rows = ("012345678905,Soon,Ada,2025-03-07,2025-01-10,WW,One,USAB12500001,Y\n"
            "012345678905,Soon,Ada,2025-03-07,2025-01-10,WW,Two,USAB12500002,N\n")
    src = tmp_path / "preorder.csv"
    src.write_text(head + rows, encoding="utf-8")
    imported(sqlite_engine, src)
    r = release(sqlite_engine, "012345678905")
    regular, pre = sorted(r.deals, key=lambda d: d.is_preorder)
    assert (regular.is_preorder, regular.start.date(), regular.territories) == (False, date(2025, 3, 7),
                                                                              ["Worldwide"])
    assert (pre.is_preorder, pre.start.date(), pre.end.date(), pre.instant_gratification) == (
        True, date(2025, 1, 10), date(2025, 3, 7), ["USAB12500001"])
    assert pre.commercial_models == ["PayAsYouGoModel"] and pre.use_types == ["PermanentDownload"]
    bad = tmp_path / "bad.csv"
    bad.write_text(head.replace(",Pre-order Date", "") + rows.replace(",2025-01-10", ""), encoding="utf-8")
    report = run_import(sqlite_engine, bad)
    assert not report.ok and any(i.line == 2 and i.column == "instant_gratification" for i in report.errors)


def test_preorder_survives_csv_export_and_reimport(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from stardust_tui.importexport.export import export_catalog
    from stardust_tui.store.db import make_engine
    from stardust_tui.store.migrate import upgrade
    from stardust_tui.store.revisions import content_hash

    src = tmp_path / "p.csv"
    src.write_text("UPC,Album,Artist,Release Date,Pre-order Date,Title,ISRC,Instant Grat\n"
                   "012345678905,Soon,Ada,2025-03-07,2025-01-10,One,USAB12500001,Y\n", encoding="utf-8")
    imported(sqlite_engine, src)
    out = tmp_path / "out.csv"
    export_catalog(sqlite_engine, out, fmt="csv")
    other = make_engine(str(tmp_path / "other.db"))
    upgrade(other)
    imported(other, out)
    assert content_hash(release(other, "012345678905")) == content_hash(release(sqlite_engine, "012345678905"))
    other.dispose()
