"""Per-territory pre-order dates from a CSV/xlsx import (issue 20): the header vocabulary knows the column,
the cell is read as territory/date pairs, each date becomes a pre-order deal with the instant-gratification
tracks, bad cells are one error with line and column and nothing is written; the dates survive a CSV export
and re-import and reach the ERN."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sqlmodel import Session, select

from stardust_tui.domain.models import Release
from stardust_tui.importexport.cells import parse_value
from stardust_tui.importexport.fields import guess_field
from stardust_tui.importexport.headers import candidates
from stardust_tui.importexport.importer import ImportOptions, run_import
from stardust_tui.store.releases import get_release, load_release

UPC = "012345678905"
HEAD = "UPC,Album,Artist,Release Date,Territories,Pre-order Dates by Territory,Title,ISRC,Instant Grat\n"


def _rows(territories: str, dates: str) -> str:
    return (f'{UPC},Soon,Ada,2025-03-07,{territories},"{dates}",One,USAB12500001,Y\n'
            f'{UPC},Soon,Ada,2025-03-07,{territories},"{dates}",Two,USAB12500002,N\n')


def _release(engine: Any) -> Any:
    with Session(engine) as s:
        return load_release(s, get_release(s, UPC).id)


def _preorders(rel: Any) -> list[tuple]:
    return sorted((d.start.date(), tuple(d.territories), tuple(d.excluded_territories), d.end.date(),
                   tuple(d.instant_gratification)) for d in rel.deals if d.is_preorder)


@pytest.mark.parametrize(("header", "field"), [
    ("Pre-order Dates by Territory", "preorder_dates"), ("Presale Dates", "preorder_dates"),
    ("Preorder Date per Country", "preorder_dates"), ("preorder_dates", "preorder_dates"),
    ("Pre-order Date", "preorder_date"), ("Territories", "territories"), ("Excluded Territories",
                                                                         "excluded_territories"),
])
def test_header_vocabulary(header: str, field: str) -> None:
    assert guess_field(header) == field
    if header != "preorder_dates":
        assert candidates(header)[0] == field


def test_cell_forms_and_refusals() -> None:
    want = [("US", date(2025, 1, 3)), ("GB", date(2025, 1, 10))]
    for cell in ("US 2025-01-03; GB 2025-01-10", "US=2025-01-03, GB=2025-01-10", "us: 2025-01-03 | uk: 2025-01-10",
                 "US 2025-01-03\nGB 2025-01-10", "US Jan 3, 2025, GB Jan 10, 2025"):
        assert parse_value("territory_dates", cell) == want, cell
    assert parse_value("territory_dates", "US 01/03/2025", month_first=True) == [("US", date(2025, 1, 3))]
    assert parse_value("territory_dates", "WW 2025-01-10") == [("Worldwide", date(2025, 1, 10))]
    with pytest.raises(ValueError, match="'XX' is not an ISO 3166-1 territory code"):
        parse_value("territory_dates", "XX 2025-01-03")
    with pytest.raises(ValueError, match="US has two dates"):
        parse_value("territory_dates", "US 2025-01-03; US 2025-01-04")
    with pytest.raises(ValueError, match="is not 'TERRITORY DATE'"):
        parse_value("territory_dates", "2025-01-03")
    with pytest.raises(ValueError):
        parse_value("territory_dates", "US soon")


def test_each_date_is_a_preorder_deal_with_the_instant_tracks(sqlite_engine, tmp_path: Path) -> None:  # noqa: ANN001
    src = tmp_path / "p.csv"
    src.write_text(HEAD + _rows("WW", "WW 2025-01-17; US 2025-01-10; CA 2025-01-10; GB 2025-01-24"), encoding="utf-8")
    report = run_import(sqlite_engine, src, ImportOptions())
    assert report.ok, report.render()
    rel = _release(sqlite_engine)
    end, ig = date(2025, 3, 7), ("USAB12500001",)
    assert _preorders(rel) == [(date(2025, 1, 10), ("US", "CA"), (), end, ig),
                               (date(2025, 1, 17), ("Worldwide",), ("US", "CA", "GB"), end, ig),
                               (date(2025, 1, 24), ("GB",), (), end, ig)]
    regular = [d for d in rel.deals if not d.is_preorder]
    assert len(regular) == 1 and regular[0].start.date() == end and regular[0].territories == ["Worldwide"]

    # the ERN states each territory's pre-order with its instant-gratification track
    from stardust_tui.ern.common import Party
    from stardust_tui.ern.registry import build_message

    root = etree.fromstring(build_message(rel, "3.8.2", message_id="M", timestamp=datetime(2025, 1, 1, tzinfo=UTC),
                                          sender=Party("PADPIDA0000000000Z", "S"),
                                          recipients=[Party("PADPIDA2011072101T", "R")]))
    stated = sorted((t.find("ValidityPeriod/StartDateTime").text[:10],
                     tuple(c.text for c in t.findall("TerritoryCode") + t.findall("ExcludedTerritoryCode")),
                     t.findtext("PreOrderReleaseDate"),
                     tuple(r.text for r in t.findall("InstantGratificationResourceList/DealResourceReference")))
                    for t in root.iter("DealTerms") if t.findtext("IsPreOrderDeal") == "true")
    assert ("2025-01-24", ("GB",), "2025-03-07", ("A1",)) in stated
    assert ("2025-01-17", ("US", "CA", "GB"), "2025-03-07", ("A1",)) in stated


def test_listed_territories_take_their_own_dates_from_a_territory_list(sqlite_engine, tmp_path: Path) -> None:  # noqa: ANN001
    src = tmp_path / "p.csv"
    src.write_text(HEAD.replace("Pre-order Dates by Territory", "Pre-order Date,Presale Dates")
                   .replace("Territories,", "Territories,") +
                   _rows("US GB FR", '2025-01-17","GB 2025-01-24'), encoding="utf-8")
    report = run_import(sqlite_engine, src, ImportOptions())
    assert report.ok, report.render()
    got = [(s, t) for s, t, *_ in _preorders(_release(sqlite_engine))]
    assert got == [(date(2025, 1, 17), ("US", "FR")), (date(2025, 1, 24), ("GB",))]


@pytest.mark.parametrize(("territories", "dates", "message"), [
    ("US GB", "US 2025-01-10; DE 2025-01-10", "DE has a pre-order date but the release's deal does not cover it"),
    ("WW -DE", "DE 2025-01-10", "DE has a pre-order date but the release's deal does not cover it"),
    ("WW", "US 2025-03-07", "the pre-order date 2025-03-07 (US) is not before the release date 2025-03-07"),
    ("WW", "US 2025-01-10; ZZ 2025-01-03", "'ZZ' is not an ISO 3166-1 territory code"),
])
def test_bad_preorder_dates_are_one_error_and_nothing_is_written(sqlite_engine, tmp_path: Path,  # noqa: ANN001
                                                                 territories: str, dates: str, message: str) -> None:
    src = tmp_path / "bad.csv"
    src.write_text(HEAD + _rows(territories, dates), encoding="utf-8")
    report = run_import(sqlite_engine, src, ImportOptions())
    assert not report.ok
    errors = [e for e in report.errors if e.column in ("preorder_dates", "Pre-order Dates by Territory")]
    assert errors and message in errors[0].message, report.render()
    with Session(sqlite_engine) as s:
        assert s.exec(select(Release)).first() is None


def test_per_territory_dates_survive_csv_export_and_reimport(sqlite_engine, tmp_path: Path) -> None:  # noqa: ANN001
    from stardust_tui.importexport.export import export_catalog
    from stardust_tui.store.db import make_engine
    from stardust_tui.store.migrate import upgrade
    from stardust_tui.store.revisions import content_hash

    src = tmp_path / "p.csv"
    src.write_text(HEAD + _rows("WW", "WW 2025-01-17; US 2025-01-10; GB 2025-01-24"), encoding="utf-8")
    assert run_import(sqlite_engine, src, ImportOptions()).ok
    out = tmp_path / "out.csv"
    export_catalog(sqlite_engine, out, fmt="csv")
    assert "preorder_dates" in out.read_text(encoding="utf-8").splitlines()[0]
    other = make_engine(str(tmp_path / "other.db"))
    upgrade(other)
    report = run_import(other, out, ImportOptions())
    assert report.ok, report.render()
    assert _preorders(_release(other)) == _preorders(_release(sqlite_engine))
    assert content_hash(_release(other)) == content_hash(_release(sqlite_engine))
    other.dispose()
