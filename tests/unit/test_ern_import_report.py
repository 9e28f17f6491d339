"""What the catalog cannot represent is listed by element path in the import report (issue 18's round-trip rule).

Over every shared sample: each 'not kept' line names an element path that is really in the message, at the
line it says, and no element is both kept and listed; the elements the round trip now keeps (other
languages' titles and artist names, preview length and expression type, pre-order terms) are not listed,
while those it does not keep (Keywords, Synopsis, RelatedRelease...) are, in the CLI's report as well."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from sqlalchemy.engine import Engine
from sqlmodel import Session

from stardust_tui.cli import cli
from stardust_tui.importexport.ern_ingest import import_message
from tests.conftest import SAMPLES_DIR, XSD_DIR

ROWS = [r for r in csv.DictReader((SAMPLES_DIR / "EXPECTED.tsv").open(encoding="utf-8"), delimiter="\t")
        if r["root"] == "NewReleaseMessage" and r["lxml"] == "PASS"]
_LINE = re.compile(r"^(?P<path>[A-Za-z/]+) \((?:(?P<n>\d+)x, first at )?line (?P<line>\d+)\): not kept by the catalog$")
KEPT_NOW = ("DisplayTitle", "DisplayTitleText", "DisplayArtistName", "PreviewDetails", "ClipDetails",
            "InstantGratificationResourceList", "PreOrderReleaseDate", "PreOrderPreviewDate", "IsPreOrderDeal")


def _kept_now(path: str) -> bool:
    """A release's or resource's own title/name variants, previews and pre-order terms (not a group's titles)."""
    parts = path.split("/")
    return parts[-1] in KEPT_NOW and "ResourceGroup" not in parts


def _paths(root: etree._Element) -> dict[str, list[int]]:
    """Every element path of the message (below the root) with the lines it occurs on."""
    out: dict[str, list[int]] = {}
    for el in root.iter():
        if not isinstance(el.tag, str) or el is root:
            continue
        parts = []
        node = el
        while node is not None and node is not root:
            parts.append(etree.QName(node).localname)
            node = node.getparent()
        out.setdefault("/".join(reversed(parts)), []).append(el.sourceline or 0)
    return out


@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_every_listed_path_is_in_the_message_where_it_says(sqlite_engine: Engine, row: dict[str, str]) -> None:
    path = SAMPLES_DIR / row["file"]
    with Session(sqlite_engine) as s:
        result = import_message(s, path, actor="test", schema_dir=XSD_DIR)
    listed = [n for n in result.skipped if n.endswith("not kept by the catalog")]
    paths = _paths(etree.parse(str(path)).getroot())
    for note in listed:
        m = _LINE.match(note)
        assert m, note
        assert m["path"] in paths, note
        assert min(paths[m["path"]]) <= int(m["line"]) and int(m["line"]) in paths[m["path"]], note
        assert int(m["n"] or 1) <= len(paths[m["path"]]), note
        assert not _kept_now(m["path"]), note


@pytest.mark.parametrize(("sample", "expected"), [
    ("ern-43/ddexsuite__6_Ringtone.xml", ["ReleaseList/Release/Keywords", "ReleaseList/Release/RelatedRelease"]),
    ("ern-42/ddexsuite__7_LongformMusicalWorkVideo.xml", ["ReleaseList/Release/Synopsis", "ChapterList",
                                                          "CueSheetList"]),
    ("ern-382/ddexCRT14__Profile_MixedMediaBundle.xml", ["ReleaseList/Release/ReleaseDetailsByTerritory/"
                                                         "RelatedRelease"]),
])
def test_the_cli_report_lists_what_is_not_kept(sample: str, expected: list[str]) -> None:
    result = CliRunner().invoke(cli, ["ern", "import", str(SAMPLES_DIR / sample), "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    skipped = json.loads(result.stdout)[0]["result"]["skipped"]
    listed = {m["path"] for n in skipped if (m := _LINE.match(n))}
    assert set(expected) <= listed, skipped
    assert not [p for p in listed if _kept_now(p)]


def test_localized_titles_are_kept_not_listed(sqlite_engine: Engine) -> None:
    path: Path = SAMPLES_DIR / "ern-43/ddexsuite__1_Audio.xml"
    with Session(sqlite_engine) as s:
        result = import_message(s, path, actor="test", schema_dir=XSD_DIR)
    assert not [n for n in result.skipped if "DisplayTitle" in n or "DisplayArtistName" in n], result.skipped
