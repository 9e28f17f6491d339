"""Label scoping (issue 15): a user or API key limited to labels sees and changes only those labels' releases in
every list, search, export and report, on SQLite and PostgreSQL; the queries are scoped in the store, so the CLI,
TUI and API cannot forget it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from stardust_tui.config import Settings
from stardust_tui.errors import NotFoundError, PermissionDenied
from stardust_tui.services import Services
from stardust_tui.services.actor import Actor
from stardust_tui.services.releases import ReleaseFilters
from stardust_tui.store.db import session_scope
from stardust_tui.store.releases import create_release


@pytest.fixture
def labels(settings: Settings, engine: Engine, tmp_path: Path) -> dict[str, Any]:
    """Releases of Star Records and Moon Music (each with a track and a delivery), a star-only editor and key."""
    owner = Services(settings, engine, actor=Actor("olga"))
    out = tmp_path / "dsp"
    out.mkdir()
    owner.targets.add(name="shop", url=f"file://{out}")
    ids = {}
    with session_scope(engine) as s:
        for label, title, isrc in (("Star Records", "Night Drive", "USS1Z2400001"),
                                   ("Moon Music", "Night Swim", "USS1Z2400002"),
                                   ("Star Records", "Day Trip", "USS1Z2400003")):
            rel = create_release(s, actor="olga", title=title, artists=["Luna Park"], label=label,
                                 tracks=[{"title": f"{title} (track)", "isrc": isrc}])
            ids[title] = int(rel.id)
    added = owner.users.add("stella", "releaser", ["star records"])
    assert added.users[-1].labels == ("Star Records",)  # the label as the catalog spells it
    target = owner.targets.get("shop").id
    deliveries = {t: owner.deliveries.enqueue(rid, target) for t, rid in ids.items()}
    return {"owner": owner, "ids": ids, "deliveries": deliveries, "settings": settings, "engine": engine}


def _star(w: dict[str, Any], kind: str) -> Services:
    actor = Actor("stella") if kind == "user" else Actor.api_key("star-shop", scope="deliver",
                                                                 labels=("Star Records",))
    return Services(w["settings"], w["engine"], actor=actor)


@pytest.mark.parametrize("kind", ["user", "apikey"])
def test_lists_and_searches_show_only_the_actors_labels(labels: dict[str, Any], kind: str) -> None:
    star, ids = _star(labels, kind), labels["ids"]
    page = star.releases.list()
    assert page.total == 2 and {r.title for r in page.releases} == {"Night Drive", "Day Trip"}
    assert [r.title for r in star.releases.list(ReleaseFilters(search="night")).releases] == ["Night Drive"]
    assert star.releases.list(ReleaseFilters(search="USS1Z2400002")).total == 0  # Moon's ISRC: nothing
    assert star.releases.list(ReleaseFilters(label="Moon Music")).total == 0
    assert labels["owner"].releases.list(ReleaseFilters(search="night")).total == 2  # the owner sees both
    with pytest.raises(NotFoundError, match=f"no release with id {ids['Night Swim']}"):
        star.releases.show(ids["Night Swim"])
    with pytest.raises(NotFoundError):
        star.ern.build(ids["Night Swim"], validate=False)
    assert {d.delivery.release_id for d in star.deliveries.find()} == {ids["Night Drive"], ids["Day Trip"]}
    assert sum(m.queued for m in star.deliveries.metrics()) == 2  # the report counts Star's deliveries only
    assert sum(m.queued for m in labels["owner"].deliveries.metrics()) == 3
    with pytest.raises(NotFoundError):
        star.deliveries.cancel(labels["deliveries"]["Night Swim"])
    audited = {e.entity_id for e in star.audit.list().entries if e.entity == "release"}
    assert audited == {str(ids["Night Drive"]), str(ids["Day Trip"])}


@pytest.mark.parametrize("kind", ["user", "apikey"])
def test_exports_hold_only_the_actors_labels(labels: dict[str, Any], kind: str, tmp_path: Path) -> None:
    star = _star(labels, kind)
    out = tmp_path / "star.json"
    assert star.imports.export(out) == 2
    exported = json.loads(out.read_text())
    titles = sorted(r["title"] for r in exported["releases"]) if isinstance(exported, dict) else sorted(
        r["title"] for r in exported)
    assert titles == ["Day Trip", "Night Drive"]
    with pytest.raises(NotFoundError):
        star.imports.export(tmp_path / "moon.json", refs=[labels["ids"]["Night Swim"]])
    assert not (tmp_path / "moon.json").exists()
    everyone = tmp_path / "all.json"
    assert labels["owner"].imports.export(everyone) == 3


def test_a_label_limited_user_changes_only_their_labels(labels: dict[str, Any]) -> None:
    star, ids = _star(labels, "user"), labels["ids"]
    star.releases.edit(ids["Night Drive"], genre="Pop")
    with pytest.raises(NotFoundError):
        star.releases.edit(ids["Night Swim"], genre="Pop")
    with pytest.raises(PermissionDenied, match=r"would have label 'Moon Music': you may change only releases of "
                                               r"Star Records"):
        star.releases.edit(ids["Night Drive"], label="Moon Music")
    with pytest.raises(PermissionDenied, match="a new release would have no label"):
        star.releases.create(title="Unlabelled", artists=["X"])
    rid = star.releases.create(title="Star Single", artists=["X"], label="Star Records")
    assert star.releases.show(rid)["label"] == "Star Records"
    assert labels["owner"].releases.show(ids["Night Drive"])["genre"] == "Pop"
    assert labels["owner"].releases.show(ids["Night Swim"])["label"] == "Moon Music"  # untouched


def test_a_label_limited_import_refuses_other_labels(labels: dict[str, Any], tmp_path: Path) -> None:
    from stardust_tui.importexport.importer import ImportOptions

    csv_file = tmp_path / "drop.csv"
    csv_file.write_text("upc,title,artist,label,track_title\n036000291452,Moon Rise,Ann Lee,Moon Music,Rise\n")
    report = _star(labels, "user").imports.catalog(csv_file, ImportOptions())
    assert report.error_count == 1 and "you may change only releases of Star Records" in report.render()
    assert labels["owner"].releases.list(ReleaseFilters(search="Moon Rise")).total == 0  # nothing written


@pytest.mark.parametrize("kind", ["user", "apikey"])
def test_the_weekly_report_counts_only_the_actors_labels(labels: dict[str, Any], kind: str) -> None:
    from datetime import timedelta

    from sqlmodel import col, update

    from stardust_tui.domain.delivery_models import Delivery
    from stardust_tui.domain.models import utcnow

    now = utcnow()
    done = [labels["deliveries"]["Night Drive"], labels["deliveries"]["Night Swim"]]
    with session_scope(labels["engine"]) as s:  # two ran yesterday (one per label); Day Trip still queued
        s.execute(update(Delivery).where(col(Delivery.id).in_(done)).values(
            state="succeeded", started_at=now - timedelta(days=1, seconds=30), finished_at=now - timedelta(days=1)))
    mine = _star(labels, kind).notifications.weekly()
    everyone = labels["owner"].notifications.weekly()
    assert (mine["totals"]["delivered"], mine["queue"]["queued"]) == (1, 1)
    assert (everyone["totals"]["delivered"], everyone["queue"]["queued"]) == (2, 1)
