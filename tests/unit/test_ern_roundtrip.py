"""Round trip rule (issue 18): import every shared sample, rebuild it in its own version, compare field by field.

Each valid NewReleaseMessage under shared/ddex/samples (EXPECTED.tsv) is imported into a fresh catalog and
built again in its version. The rebuilt message must be XSD-valid and state the same facts as the source
(:mod:`tests.unit.ern_facts`): releases with their types, identifiers (GRid, ICPN, catalog number,
proprietary ids), titles, display artists with sequence and role, P/C lines, parental warnings and
resource groups; every resource by kind with its identifiers, titles, artists, contributors, duration,
P/C lines, parental warnings and technical details; deals as territory x model x use x validity.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy.engine import Engine
from sqlmodel import Session

from stardust_tui.ern.common import Party
from stardust_tui.ern.registry import build_message
from stardust_tui.ern.schemas import schema_for
from stardust_tui.importexport.ern_ingest import import_message
from stardust_tui.store.db import make_engine
from stardust_tui.store.migrate import upgrade
from stardust_tui.store.releases import load_release
from tests.conftest import SAMPLES_DIR, XSD_DIR
from tests.unit.ern_facts import differences, message_facts

VERSIONS = {"382": "3.8.2", "42": "4.2", "43": "4.3"}
ROWS = [r for r in csv.DictReader((SAMPLES_DIR / "EXPECTED.tsv").open(encoding="utf-8"), delimiter="\t")
        if r["root"] == "NewReleaseMessage" and r["lxml"] == "PASS"]


@pytest.fixture(scope="module")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("roundtrip-db") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture
def db_copy(migrated_db: Path, tmp_path: Path) -> Iterator[Engine]:
    target = tmp_path / "catalog.db"
    shutil.copyfile(migrated_db, target)
    engine = make_engine(f"sqlite:///{target}")
    yield engine
    engine.dispose()


def rebuild(engine: Engine, path: Path, version: str) -> tuple[etree._Element, list[str]]:
    """Import ``path`` into the catalog, build it again in ``version``; returns (rebuilt root, import notes)."""
    with Session(engine) as session:
        result = import_message(session, path, actor="test", schema_dir=XSD_DIR)
        session.commit()
    with Session(engine) as session:
        release = load_release(session, result.release_id)
    data = build_message(release, version, message_id="RT", timestamp=datetime(2026, 1, 1, tzinfo=UTC),
                         sender=Party("PADPIDA0000000000Z", "S"), recipients=[Party("PADPIDA2011072101T", "R")])
    return etree.fromstring(data), result.skipped



@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_sample_round_trips_field_by_field(db_copy: Engine, row: dict[str, str]) -> None:
    path = SAMPLES_DIR / row["file"]
    version = VERSIONS[row["version"]]
    rebuilt, notes = rebuild(db_copy, path, version)
    schema = schema_for(version, XSD_DIR)
    assert schema.validate(rebuilt), [f"line {e.line}: {e.message}" for e in schema.error_log][:5]
    diff = differences(message_facts(etree.parse(str(path)).getroot()), message_facts(rebuilt))
    assert not diff, f"{len(diff)} difference(s):\n" + "\n".join(diff[:60])
