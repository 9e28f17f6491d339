"""Personal data (issue 15): export everything held about a person across releases, and erase it — pseudonymised
in drafts and undelivered revisions, delivered history kept, the takedowns and updates DSPs need named and (with
--queue) sent. Real demo catalog (audio, covers), real deliveries to a local folder through the in-process runner."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.engine import Engine

from stardust_tui.cli import cli
from stardust_tui.config import Settings
from stardust_tui.errors import NotFoundError
from stardust_tui.services import Services
from stardust_tui.services.actor import Actor
from stardust_tui.store import audit_chain


@pytest.fixture
def demo(settings: Settings, sqlite_engine: Engine, tmp_path: Path) -> dict[str, Any]:
    """The demo catalog, a local DSP folder, and release 1 (Aurora Vale's album) delivered there."""
    svc = Services(settings, sqlite_engine, actor=Actor("dpo"))
    svc.setup.demo()
    out = tmp_path / "dsp"
    out.mkdir()
    svc.targets.add(name="shop", url=f"file://{out}")
    queued = svc.deliveries.queue([1], "shop")
    assert svc.deliveries.wait([q.delivery_id for q in queued]) == {queued[0].delivery_id: "succeeded"}
    return {"svc": svc, "out": out, "engine": sqlite_engine}


def _texts(engine: Engine, sql: str, **params: Any) -> str:
    with engine.connect() as conn:
        return json.dumps([list(map(str, r)) for r in conn.execute(text(sql), params)], ensure_ascii=False)


def test_export_holds_everything_about_a_person_across_releases(demo: dict[str, Any], tmp_path: Path) -> None:
    doc = demo["svc"].personal_data.export("aurora vale")
    assert [(p["name"], p["kind"], p["isni"]) for p in doc["parties"]] == [
        ("Aurora Vale", "artist", "0000000047110013"), ("Aurora Vale", "contributor", None)]
    assert {(r["release_id"], r["as"], r["role"]) for r in doc["roles"]} >= {
        (1, "release artist", "MainArtist"), (4, "release artist", "MainArtist"), (1, "credit", "ComposerLyricist")}
    assert [r["title"] for r in doc["releases"]] == ["Northern Lights Atlas", "Paper Satellites"]
    assert len(doc["tracks"]) >= 12 and all(t["release_id"] in (1, 4) for t in doc["tracks"])
    assert [(d["release_id"], d["target"], d["state"], d["requested_by"]) for d in doc["deliveries"]] == [
        (1, "shop", "succeeded", "dpo")]
    assert {r["release_id"] for r in doc["revisions"]} == {1, 4} and doc["audit_entries"]
    last = demo["svc"].audit.list().entries[0]  # the export itself is audited, without the person's name
    assert (last.action, last.subject) == ("privacy-export", "party:7") and "Aurora" not in json.dumps(last.as_dict())
    out = tmp_path / "aurora.json"
    result = CliRunner().invoke(cli, ["privacy", "export", "0000 0000 4711 0013", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["parties"][0]["name"] == "Aurora Vale"  # found by ISNI
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    missing = CliRunner().invoke(cli, ["privacy", "export", "Nobody Known"])
    assert missing.exit_code == 1 and missing.stderr.startswith("error: no party named 'Nobody Known'")


def test_erase_pseudonymises_what_was_not_delivered_and_names_what_dsps_need(demo: dict[str, Any]) -> None:
    svc, engine = demo["svc"], demo["engine"]
    delivered_sql = ("SELECT number, snapshot FROM release_revision WHERE release_id = 1 AND content_hash IN "
                     "(SELECT content_hash FROM delivery WHERE state = 'succeeded') ORDER BY number")
    undelivered_sql = ("SELECT number, snapshot FROM release_revision WHERE release_id = 1 AND content_hash NOT IN "
                       "(SELECT content_hash FROM delivery WHERE state = 'succeeded') ORDER BY number")
    delivered_before = _texts(engine, delivered_sql)
    assert "Aurora Vale" in delivered_before and "Aurora Vale" in _texts(engine, undelivered_sql)

    plan = svc.personal_data.erase("Aurora Vale", dry_run=True)
    assert [(r.release_id, r.action, r.live_at) for r in plan.releases] == [(1, "takedown", ["shop"]),
                                                                            (4, "pseudonymise", [])]
    assert svc.releases.show(4)["display_artist"] == "Aurora Vale"  # a dry run changes nothing

    plan = svc.personal_data.erase("Aurora Vale")
    assert not plan.dry_run and plan.pseudonym == "Erased Person 3" and not plan.party_renamed
    draft = svc.releases.show(4)
    assert draft["display_artist"] == "Erased Person 3" and draft["artists"][0] == {
        "isni": None, "name": "Erased Person 3", "role": "MainArtist"}
    assert "Aurora" not in _texts(engine, "SELECT snapshot FROM release_revision WHERE release_id = 4")
    assert _texts(engine, delivered_sql) == delivered_before  # what the DSP received: kept as it was
    assert "Aurora" not in _texts(engine, undelivered_sql)  # the drafts before it: pseudonymised
    assert svc.releases.show(1)["display_artist"] == "Aurora Vale"  # on sale: left as delivered, takedown needed
    assert [r.release_id for r in plan.needed] == [1]
    written = [e for e in svc.audit.list().entries if e.action == "privacy-erase"]
    assert written and "Aurora" not in json.dumps([e.as_dict() for e in written])
    with engine.connect() as conn:
        assert audit_chain.verify(conn).ok


def test_erase_with_queue_updates_a_delivered_release_without_the_person(demo: dict[str, Any]) -> None:
    svc, engine, out = demo["svc"], demo["engine"], demo["out"]
    plan = svc.personal_data.erase("Lena Marsh", queue=True)  # the mixer credited on the delivered album only
    assert [(r.release_id, r.action) for r in plan.releases] == [(1, "update")]
    (item,) = plan.releases
    assert item.queued and not item.problems, item.problems
    assert svc.deliveries.wait(item.queued) == {item.queued[0]: "succeeded"}
    sent = [p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.xml"), key=lambda p: p.stat().st_mtime)]
    sent = [x for x in sent if "NewReleaseMessage" in x and "ManifestMessage" not in x]
    assert len(sent) == 2  # the first delivery, and the update
    update = sent[-1]
    pseudonym, (party_id,) = plan.pseudonym, plan.party_ids
    assert pseudonym == f"Erased Contributor {party_id}" and plan.party_renamed
    assert f"<FullName>{pseudonym}</FullName>" in update and "Lena Marsh" not in update  # what the DSP now holds
    assert "<FullName>Lena Marsh</FullName>" in sent[0]  # the first delivery, as it was sent
    with pytest.raises(NotFoundError):
        svc.personal_data.export("Lena Marsh")
    assert svc.personal_data.export(str(party_id))["parties"][0]["name"] == pseudonym
    kept = _texts(engine, "SELECT content_hash FROM release_revision WHERE release_id = 1 AND snapshot LIKE :n",
                  n="%Lena Marsh%")
    assert kept != "[]"  # the delivered revision still says what was delivered


def test_erase_on_the_command_line_needs_yes_or_a_dry_run(demo: dict[str, Any]) -> None:
    result = CliRunner().invoke(cli, ["privacy", "erase", "Aurora Vale"])
    assert result.exit_code == 1 and "refusing to erase without --yes" in result.stderr
    result = CliRunner().invoke(cli, ["privacy", "erase", "Aurora Vale", "--dry-run"])
    assert result.exit_code == 0
    assert "release 1 'Northern Lights Atlas' (delivered on sale at shop): needs a TAKEDOWN" in result.output
    assert "would pseudonymise as 'Erased Person 3' in 1 release(s); 1 takedown(s)" in result.output
