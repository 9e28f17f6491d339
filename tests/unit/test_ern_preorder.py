"""Pre-orders in the ERN (issue 20): per-territory pre-order deals with their instant-gratification tracks
are written in 3.8.2, 4.2 and 4.3 (InstantGratificationResourceList; 3.8.2 also PreOrderReleaseDate and
PreOrderPreviewDate), XSD-valid, and read back by the ERN import as the same deals; a DSP's date shift moves
the pre-order's days too."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy.engine import Engine
from sqlmodel import Session

from stardust_tui.delivery.deal_policy import deals_for_profile
from stardust_tui.delivery.profiles import load_profile
from stardust_tui.domain.models import Deal
from stardust_tui.ern.common import Party
from stardust_tui.ern.registry import build_message
from stardust_tui.ern.release_view import view_from_release
from stardust_tui.ern.sample_catalog import add_sample_release
from stardust_tui.ern.schemas import schema_for
from stardust_tui.importexport.ern_ingest import import_message
from stardust_tui.store.db import make_engine
from stardust_tui.store.migrate import upgrade
from stardust_tui.store.releases import load_release, save_release
from tests.conftest import XSD_DIR

VERSIONS = ("3.8.2", "4.2", "4.3")
RELEASE_DAY = datetime(2025, 3, 14, tzinfo=UTC)


def _midnight(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, tzinfo=UTC)


@pytest.fixture
def release_id(sqlite_engine: Engine) -> int:
    with Session(sqlite_engine) as s:
        rel = add_sample_release(s, seed=11, tracks=4)
        isrcs = [t.isrc for t in sorted(rel.tracks, key=lambda t: t.track_number)]
        rel.deals.append(Deal(territories=["US", "CA"], commercial_models=["PayAsYouGoModel"],
                              use_types=["PermanentDownload"], start=_midnight(2025, 1, 10), end=RELEASE_DAY,
                              is_preorder=True, instant_gratification=[isrcs[0]]))
        rel.deals.append(Deal(territories=["GB"], commercial_models=["PayAsYouGoModel"],
                              use_types=["PermanentDownload"], start=_midnight(2025, 1, 17), end=RELEASE_DAY,
                              is_preorder=True, instant_gratification=[isrcs[0], isrcs[2]],
                              details={"preorder_preview_date": "2025-01-03"}))
        save_release(s, rel, actor="test")
        s.commit()
        return int(rel.id)


def _build(engine: Engine, rid: int, version: str) -> bytes:
    with Session(engine) as s:
        release = load_release(s, rid)
        return build_message(release, version, message_id="M1", timestamp=_midnight(2025, 1, 1),
                             sender=Party("PADPIDA0000000000Z", "S"), recipients=[Party("PADPIDA2011072101T", "R")])


def _preorder_terms(root: etree._Element) -> list[etree._Element]:
    return [t for t in root.iter("DealTerms") if t.findtext("IsPreOrderDeal") == "true"]


def _isrc_of(root: etree._Element) -> dict[str, str]:
    out = {}
    for sr in root.iter("SoundRecording"):
        ref = sr.findtext("ResourceReference")
        isrc = sr.findtext(".//ISRC")  # SoundRecordingId (3.8.2), ResourceId or its edition (4.x)
        out[ref] = isrc
    return out


def _deal_facts(release: object) -> list[tuple]:
    return sorted((tuple(d.territories), d.start.replace(tzinfo=None), d.end.replace(tzinfo=None) if d.end else None,
                   d.is_preorder, tuple(d.instant_gratification or ()),
                   (d.details or {}).get("preorder_preview_date"), (d.details or {}).get("preorder_release_date"))
                  for d in release.deals)  # type: ignore[attr-defined]


@pytest.mark.parametrize("version", VERSIONS)
def test_preorder_deals_are_written_valid_and_read_back(sqlite_engine: Engine, release_id: int, version: str,
                                                        tmp_path: Path) -> None:
    data = _build(sqlite_engine, release_id, version)
    root = etree.fromstring(data)
    schema = schema_for(version, XSD_DIR)
    assert schema.validate(root), [f"line {e.line}: {e.message}" for e in schema.error_log][:5]
    with Session(sqlite_engine) as s:
        source = load_release(s, release_id)
        isrcs = [t.isrc for t in sorted(source.tracks, key=lambda t: t.track_number)]
        expected = _deal_facts(source)

    isrc_of = _isrc_of(root)
    written = {tuple(sorted(t.text for t in terms.findall("TerritoryCode"))):
               [isrc_of[r.text] for r in terms.findall("InstantGratificationResourceList/DealResourceReference")]
               for terms in _preorder_terms(root)}
    assert written == {("CA", "US"): [isrcs[0]], ("GB",): [isrcs[0], isrcs[2]]}
    gb = next(t for t in _preorder_terms(root) if t.findtext("TerritoryCode") == "GB")
    if version == "3.8.2":
        assert gb.findtext("PreOrderReleaseDate") == "2025-03-14"
        assert gb.findtext("PreOrderPreviewDate") == "2025-01-03"
    else:  # 4.x has neither element: the validity period and the release's own deals say it
        assert gb.find("PreOrderReleaseDate") is None and gb.find("PreOrderPreviewDate") is None

    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    upgrade(other)
    with Session(other) as s:
        result = import_message(s, data, actor="test", schema_dir=XSD_DIR)
        s.commit()
        assert not [n for n in result.skipped if "PreOrder" in n or "InstantGratification" in n], result.skipped
    with Session(other) as s:
        imported = load_release(s, result.release_id)
        got = _deal_facts(imported)
    if version != "3.8.2":  # only 3.8.2 carries the preview day
        expected = [(*e[:5], None, e[6]) for e in expected]
    assert got == expected
    rebuilt = _build(other, result.release_id, version)
    assert etree.tostring(etree.fromstring(rebuilt).find("DealList")) == etree.tostring(root.find("DealList"))
    other.dispose()


def test_a_release_date_other_than_the_preorder_end_is_kept(sqlite_engine: Engine, release_id: int,
                                                            tmp_path: Path) -> None:
    with Session(sqlite_engine) as s:
        rel = load_release(s, release_id)
        pre = next(d for d in rel.deals if d.territories == ["GB"])
        pre.end = None  # open-ended pre-order deal: the release date comes from the stored day
        pre.details = {**pre.details, "preorder_release_date": "2025-03-21"}
        save_release(s, rel, actor="test")
        s.commit()
    root = etree.fromstring(_build(sqlite_engine, release_id, "3.8.2"))
    gb = next(t for t in _preorder_terms(root) if t.findtext("TerritoryCode") == "GB")
    assert gb.findtext("PreOrderReleaseDate") == "2025-03-21"
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    upgrade(other)
    with Session(other) as s:
        result = import_message(s, etree.tostring(root), actor="test", schema_dir=XSD_DIR)
        s.commit()
        deal = next(d for d in load_release(s, result.release_id).deals if d.territories == ["GB"])
        assert deal.end is None and deal.details["preorder_release_date"] == "2025-03-21"
    other.dispose()


def test_a_dsp_date_shift_moves_the_preorder_days(sqlite_engine: Engine, release_id: int) -> None:
    with Session(sqlite_engine) as s:
        view = view_from_release(load_release(s, release_id))
    base = load_profile("generic-382")
    profile = replace(base, deals=replace(base.deals, date_shift_days=-1))
    moved = {d.territories: d for d in deals_for_profile(view, profile).deals if d.is_preorder}
    assert moved[("GB",)].preorder_release_date == date(2025, 3, 13)
    assert moved[("GB",)].preorder_preview_date == date(2025, 1, 2)
    assert moved[("GB",)].start == _midnight(2025, 1, 16)
    assert moved[("US", "CA")].instant_gratification == ("A1",)
