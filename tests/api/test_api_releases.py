"""Releases over HTTP against a real uvicorn: create, search, cursor pages, ETag/If-Match, history/diff,
tracks, deals, readiness; refusals as RFC 9457 problems naming the field, worded as the CLI words them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from stardust_tui.store.db import session_scope
from stardust_tui.store.releases import get_release

PROBLEM = "application/problem+json"


def _create(c, title="Night Drive", **extra):
    body = {"title": title, "artists": ["Luna Park"], "label": "Star Records", "release_date": "2025-03-01", **extra}
    r = c.post("/releases", json=body)
    assert r.status_code == 201, r.text
    return r


def test_create_get_and_etag(api, admin) -> None:
    r = _create(admin, upc="036000291452")
    rid = r.json()["id"]
    assert r.headers["etag"] == '"1"' and r.headers["location"] == f"/releases/{rid}"
    got = admin.get(f"/releases/{rid}")
    assert got.status_code == 200 and got.json()["title"] == "Night Drive" and got.headers["etag"] == '"1"'
    assert admin.get("/releases/036000291452").json()["id"] == rid  # a UPC works as the reference
    assert admin.get(f"/releases/{rid}", headers={"If-None-Match": '"1"'}).status_code == 304
    assert admin.get("/releases/999999").status_code == 404


def test_update_needs_if_match_and_a_stale_one_loses_nothing(api, admin) -> None:
    rid = _create(admin, "Stale Test").json()["id"]
    r = admin.patch(f"/releases/{rid}", json={"genre": "Pop"})
    assert r.status_code == 428 and r.headers["content-type"] == PROBLEM
    ok = admin.patch(f"/releases/{rid}", json={"genre": "Pop"}, headers={"If-Match": '"1"'})
    assert ok.status_code == 200 and ok.headers["etag"] == '"2"' and ok.json()["genre"] == "Pop"
    stale = admin.patch(f"/releases/{rid}", json={"genre": "Rock"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    problem = stale.json()
    assert problem["status"] == 412 and problem["field"] == "If-Match" and "revision 2" in problem["detail"]
    assert admin.get(f"/releases/{rid}").json()["genre"] == "Pop"  # the stale write changed nothing
    history = admin.get(f"/releases/{rid}/history").json()
    assert [h["number"] for h in history] == [1, 2] and history[1]["actor"].startswith("admin-")
    diff = admin.get(f"/releases/{rid}/diff").json()
    assert any(c["path"] == "genre" and c["after"] == "Pop" for c in diff["changes"])


def test_the_tui_editor_and_the_api_do_not_overwrite_each_other(api, admin) -> None:
    """The TUI's draft service remembers the revision it loaded: an API change in between makes its save
    fail (nothing written), and an API client holding an old ETag after a TUI save gets 412."""
    from stardust_tui.errors import StaleRevisionError

    rid = _create(admin, "Shared Edit").json()["id"]
    tui = api.services  # the services object a TUI session holds
    tui.drafts.load(rid)  # the wizard opened the release at revision 1
    assert admin.patch(f"/releases/{rid}", json={"genre": "Jazz"}, headers={"If-Match": '"1"'}).status_code == 200
    with pytest.raises(StaleRevisionError):
        tui.drafts.save(rid, {"genre": "Blues"})
    assert admin.get(f"/releases/{rid}").json()["genre"] == "Jazz"
    tui.drafts.load(rid)  # the user reloads (revision 2) and saves: fine
    tui.drafts.save(rid, {"genre": "Blues"})
    r = admin.patch(f"/releases/{rid}", json={"genre": "Soul"}, headers={"If-Match": '"2"'})
    assert r.status_code == 412 and admin.get(f"/releases/{rid}").json()["genre"] == "Blues"


def test_search_filters_and_cursor_pages(api, admin) -> None:
    ids = [_create(admin, f"Cursor Album {i}", genre="Ambient").json()["id"] for i in range(5)]
    seen, cursor = [], None
    while True:
        params = {"search": "cursor album", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = admin.get("/releases", params=params).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(ids, reverse=True)  # newest first, each once
    counted = admin.get("/releases", params={"genre": "ambient", "count": "true"}).json()
    assert counted["total"] == 5
    bad = admin.get("/releases", params={"cursor": "garbage!"})
    assert bad.status_code == 422 and bad.json()["field"] == "cursor"


def test_tracks_deals_status_readiness_delete(api, admin) -> None:
    rid = _create(admin, "Track Test").json()["id"]
    t = admin.post(f"/releases/{rid}/tracks", json={"title": "Intro", "isrc": "USS1Z2400077"},
                   headers={"If-Match": '"1"'})
    assert t.status_code == 201 and t.json()["track_number"] == 1 and t.headers["etag"] == '"2"'
    assert [x["title"] for x in admin.get(f"/releases/{rid}/tracks").json()] == ["Intro"]
    d = admin.post(f"/releases/{rid}/deals", headers={"If-Match": '"2"'},
                   json={"commercial_models": ["subscriptionmodel"], "use_types": ["OnDemandStream"]})
    assert d.status_code == 201 and d.json()["deals"] == 1  # case forgiven, as `release add-deal --model`
    assert admin.get(f"/releases/{rid}").json()["deals"][0]["commercial_models"] == ["SubscriptionModel"]
    bogus = admin.post(f"/releases/{rid}/deals", headers={"If-Match": '"3"'},
                       json={"commercial_models": ["Bogus"], "use_types": ["OnDemandStream"]})
    assert bogus.status_code == 422 and "UserDefined:" in bogus.json()["detail"]
    report = admin.get(f"/releases/{rid}/readiness").json()
    assert report["release"] == rid and report["errors"]  # no audio, no UPC: blocking errors listed
    refused = admin.put(f"/releases/{rid}/status", json={"status": "ready"}, headers={"If-Match": '"3"'})
    assert refused.status_code == 422 and "cannot mark ready" in refused.json()["detail"]
    assert admin.delete(f"/releases/{rid}", headers={"If-Match": '"3"'}).status_code == 204
    assert admin.get(f"/releases/{rid}").status_code == 404


def test_a_track_is_edited_and_removed_with_if_match(api, admin) -> None:
    """A web store fixes an ISRC, credits a composer and drops a bonus track, as the TUI's track editor does."""
    rid = _create(admin, "Track Edits").json()["id"]
    for n, title in enumerate(["One", "Bonus", "Three"], 1):
        assert admin.post(f"/releases/{rid}/tracks", json={"title": title},
                          headers={"If-Match": f'"{n}"'}).status_code == 201
    one, bonus, three = admin.get(f"/releases/{rid}/tracks").json()
    url = f"/releases/{rid}/tracks/{one['id']}"
    assert admin.patch(url, json={"isrc": "USS1Z2400078"}).status_code == 428
    r = admin.patch(url, json={"isrc": "us-s1z-24-00078", "credits": [{"name": "Ann Lee", "role": "composer"}]},
                    headers={"If-Match": '"4"'})
    assert r.status_code == 200 and r.headers["etag"] == '"5"' and r.json()["revision"] == 5, r.text
    got = admin.get(f"/releases/{rid}/tracks").json()[0]
    assert got["isrc"] == "USS1Z2400078"  # normalised as everywhere else
    assert [(c["name"], c["role"]) for c in got["credits"]] == [("Ann Lee", "Composer")]
    stale = admin.patch(url, json={"title": "Lost"}, headers={"If-Match": '"4"'})
    assert stale.status_code == 412 and admin.get(f"/releases/{rid}/tracks").json()[0]["title"] == "One"
    bad = admin.patch(url, json={"credits": [{"name": "Bo", "role": "Juggler"}]}, headers={"If-Match": '"5"'})
    assert bad.status_code == 422 and bad.json()["field"] == "credits/0/role"
    bad = admin.patch(url, json={"isrc": "NOT-AN-ISRC"}, headers={"If-Match": '"5"'})
    assert bad.status_code == 422 and admin.get(f"/releases/{rid}").headers["etag"] == '"5"'
    other = _create(admin, "Other Release").json()["id"]
    assert admin.patch(f"/releases/{other}/tracks/{one['id']}", json={"title": "x"},
                       headers={"If-Match": '"1"'}).status_code == 404  # not that release's track
    with api.client(api.key("read")) as reader:
        assert reader.delete(f"/releases/{rid}/tracks/{bonus['id']}", headers={"If-Match": '"5"'}).status_code == 403
    gone = admin.delete(f"/releases/{rid}/tracks/{bonus['id']}", headers={"If-Match": '"5"'})
    assert gone.status_code == 204 and gone.headers["etag"] == '"6"'
    left = admin.get(f"/releases/{rid}/tracks").json()
    assert [(t["title"], t["track_number"]) for t in left] == [("One", 1), ("Three", 2)]
    history = admin.get(f"/releases/{rid}/history").json()
    assert history[-1]["actor"].startswith("admin-")


def _cli(home, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "stardust_tui", "--home", str(home), *args],
                          capture_output=True, text=True, timeout=120)


def test_refusals_name_the_field_as_the_cli_words_them(api, admin) -> None:
    rid = _create(admin, "Refusals").json()["id"]
    r = admin.patch(f"/releases/{rid}", json={"language": "klingon!"}, headers={"If-Match": '"1"'})
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    body = r.json()
    assert body["field"] == "language" and body["errors"][0]["pointer"] == "/language"
    cli = _cli(api.home, "release", "edit", str(rid), "--language", "klingon!")
    assert cli.returncode == 2 and body["errors"][0]["detail"].split(",")[0] in cli.stderr
    long_title = "x" * 1001
    r = admin.post("/releases", json={"title": long_title, "artists": ["A"]})
    assert r.status_code == 422 and r.json()["field"] == "title"
    cli = _cli(api.home, "release", "create", "--title", long_title, "--artist", "A")
    assert cli.returncode == 2 and r.json()["errors"][0]["detail"] in cli.stderr
    missing = admin.post("/releases", json={"artists": ["A"]})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "title"
    dup = admin.post("/releases", json={"title": "Dup", "artists": ["A"], "upc": "036000291452"})
    assert dup.status_code in (201, 409)
    if dup.status_code == 201:  # first in this module: the second one conflicts
        dup = admin.post("/releases", json={"title": "Dup", "artists": ["A"], "upc": "036000291452"})
    assert dup.status_code == 409 and dup.headers["content-type"] == PROBLEM
    broken = admin.post("/releases", content=b'{"title": "x", oops}', headers={"Content-Type": "application/json"})
    assert broken.status_code == 422 and broken.headers["content-type"] == PROBLEM
    assert broken.json()["detail"].startswith("the body is not valid JSON: ") and "at character 15" in broken.text
    assert "field" not in broken.json() and broken.json()["errors"][0]["pointer"] == ""


def test_an_internal_error_is_a_problem_without_a_traceback(api, admin, monkeypatch) -> None:
    from stardust_tui.services.releases import ReleaseService

    def broken(self, *a, **kw):
        raise RuntimeError("secret internals /etc/passwd line 42")

    monkeypatch.setattr(ReleaseService, "history", broken)
    rid = _create(admin, "Broken").json()["id"]
    r = admin.get(f"/releases/{rid}/history")
    assert r.status_code == 500 and r.headers["content-type"] == PROBLEM
    text = r.text
    assert "incident" in r.json()["detail"] and "Traceback" not in text and "secret internals" not in text
    assert json.loads(text)["type"].endswith("/internal")


def test_store_is_what_the_api_says(api, admin) -> None:
    rid = _create(admin, "Store Check", genre="Folk").json()["id"]
    with session_scope(api.services.engine) as s:
        rel = get_release(s, rid)
        assert (rel.title, rel.genre, rel.revision) == ("Store Check", "Folk", 1)
