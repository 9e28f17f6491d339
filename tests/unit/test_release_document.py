"""The release document (``release show --json``, ``GET /releases/{id}``) read with Core statements
(``store/release_view.py``) is exactly what the ORM's eager load gave, for releases with every kind of child;
it follows changes outside the release row at once (nothing is cached); label scoping still hides other
labels' releases; on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from stardust_tui.config import Settings
from stardust_tui.demo import build_demo
from stardust_tui.domain.models import Asset, Party, Release
from stardust_tui.domain.resource_models import ReleaseResource
from stardust_tui.errors import NotFoundError
from stardust_tui.services import Services
from stardust_tui.services.actor import Actor
from stardust_tui.services.release_document import asset_data
from stardust_tui.store.db import session_scope
from stardust_tui.store.releases import content_hash, load_release, save_release, snapshot_release


def _orm_document(engine: Engine, release_id: int) -> dict[str, Any]:
    """The document as ``ReleaseService.show`` built it from the ORM before (the reference)."""
    with session_scope(engine) as s:
        rel = load_release(s, release_id)
        data = {"id": rel.id, "revision": rel.revision, "content_hash": content_hash(rel), **snapshot_release(rel)}
        data["cover"] = asset_data(rel.cover)
        tracks = sorted(rel.tracks, key=lambda t: (t.disc_number, t.track_number))
        for t, out in zip(tracks, data["tracks"], strict=True):
            out["id"] = t.id
            out["audio"] = asset_data(t.audio)
    return data


@pytest.fixture
def catalog(settings: Settings, engine: Engine) -> Services:
    """The demo catalog (artists, featured track artists, credits, deals, covers, audio) plus a release with
    resources (one with an asset, one without) and details."""
    build_demo(engine, settings.paths)
    with session_scope(engine) as s:
        rel = s.exec(select(Release).order_by(Release.id)).first()
        asset = s.exec(select(Asset).order_by(Asset.id)).first()
        rel.resources.append(ReleaseResource(position=2, key="V1", kind="Video", title="Clip", asset_id=asset.id,
                                             resource_type="ShortFormMusicalWorkVideo", details={"x": [1, 2]}))
        rel.resources.append(ReleaseResource(position=1, key="T1", kind="Text", resource_type="NonInteractiveBooklet"))
        rel.details = {"proprietary_ids": [{"namespace": "ns", "value": "7"}]}
        save_release(s, rel, actor="test")
    return Services(settings, engine, actor=Actor("olga"))


def test_the_document_is_what_the_orm_load_gave(catalog: Services, engine: Engine) -> None:
    with session_scope(engine) as s:
        releases = [(int(r.id), r.upc) for r in s.exec(select(Release).order_by(Release.id))]
    assert len(releases) >= 4
    rich = 0
    for release_id, upc in releases:
        expected = _orm_document(engine, release_id)
        assert catalog.releases.show(release_id) == expected
        assert catalog.releases.show(str(release_id)) == expected
        assert catalog.releases.show(upc) == expected  # by UPC
        rich += bool(expected["credits"] and expected["deals"] and expected["cover"]
                     and any(t["credits"] and t["audio"] for t in expected["tracks"]))
    assert rich, "the demo has releases with credits, deals, a cover and track audio"
    assert _orm_document(engine, releases[0][0])["resources"]  # the resources were compared too
    with pytest.raises(NotFoundError, match="no release with id 999999"):
        catalog.releases.show(999999)
    with pytest.raises(NotFoundError, match="no release with id 0"):
        catalog.releases.show(0)


def test_changes_outside_the_release_row_show_at_once(catalog: Services, engine: Engine) -> None:
    with session_scope(engine) as s:
        rel = s.exec(select(Release).where(Release.label_id.is_not(None)).order_by(Release.id)).first()
        release_id, label_id = int(rel.id), rel.label_id
    before = catalog.releases.show(release_id)
    with session_scope(engine) as s:  # a party renamed (no new revision of the release)
        label = s.get(Party, label_id)
        label.name = "Renamed Records"
        s.add(label)
    after = catalog.releases.show(release_id)
    assert after["label"] == "Renamed Records" and after["revision"] == before["revision"]
    assert after == _orm_document(engine, release_id)


def test_label_scoping_hides_other_labels_releases(catalog: Services, settings: Settings, engine: Engine) -> None:
    with session_scope(engine) as s:
        rows = s.exec(select(Release.id, Party.name).join(Party, Party.id == Release.label_id)).all()
    labels = sorted({name for _, name in rows})
    assert len(labels) >= 2
    mine = Services(settings, engine, actor=Actor.api_key("star-only", scope="read", labels=(labels[0],)))
    for release_id, name in rows:
        if name == labels[0]:
            assert mine.releases.show(release_id)["label"] == name
        else:
            with pytest.raises(NotFoundError):
                mine.releases.show(release_id)
