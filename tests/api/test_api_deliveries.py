"""Deliveries over HTTP: queue with Idempotency-Key, list/show, cancel/retry, and the event log as
Server-Sent Events arriving live while a real `stardust worker` delivers to a file:// target."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import pytest

from tests.integration.delivery_release import make_release


@pytest.fixture(scope="module")
def release_and_target(api, tmp_path_factory):
    out = tmp_path_factory.mktemp("inbox")
    rid = make_release(api.services.engine, api.settings, tmp_path_factory.mktemp("media"))
    api.services.targets.add(name="inbox", url=f"file://{out}", profile="generic-43")
    return rid, out


def _deliver(c, rid, key=None, **extra):
    headers = {"Idempotency-Key": key} if key else {}
    return c.post("/deliveries", json={"releases": [str(rid)], "target": "inbox", **extra}, headers=headers)


def test_idempotency_key_replays_the_first_answer(api, release_and_target) -> None:
    rid, _ = release_and_target
    with api.client(api.key("deliver")) as c:
        first = _deliver(c, rid, "order-42", priority=5)
        assert first.status_code == 201, first.text
        again = _deliver(c, rid, "order-42", priority=5)
        assert again.status_code == 201 and again.json() == first.json()
        assert again.headers["idempotent-replayed"] == "true"
        other = _deliver(c, rid, "order-42", priority=6)
        assert other.status_code == 422 and other.json()["field"] == "Idempotency-Key"
        plain = _deliver(c, rid)  # no key: the queue itself is idempotent (same content, target, type)
        assert plain.status_code == 200 and plain.json()[0]["fresh"] is False
        did = first.json()[0]["delivery_id"]
        assert [d["id"] for d in c.get("/deliveries", params={"target": "inbox"}).json()] == [did]
        shown = c.get(f"/deliveries/{did}").json()
        assert shown["id"] == did and shown["fields"]["state"] == "queued"
        assert c.get("/deliveries/999999").status_code == 404
        assert c.get("/deliveries/999999/events").status_code == 404


def test_refused_delivery_is_all_or_nothing(api, release_and_target) -> None:
    with api.client(api.key("deliver")) as c:
        rid = c.post("/releases", json={"title": "Not Ready", "artists": ["A"]}).json()["id"]
        before = len(c.get("/deliveries").json())
        r = c.post("/deliveries", json={"releases": [str(release_and_target[0]), str(rid)], "target": "inbox",
                                        "type": "update"})
        assert r.status_code == 422 and "not ready" in r.json()["detail"]
        assert len(c.get("/deliveries").json()) == before


def test_sse_events_arrive_while_a_real_worker_delivers(api, release_and_target) -> None:
    rid, inbox = release_and_target
    with api.client(api.key("deliver")) as c:
        did = _deliver(c, rid, type="update").json()[0]["delivery_id"]
    received: list[tuple[float, str, dict]] = []
    done = threading.Event()

    def listen() -> None:
        with api.client(api.key("read")) as c, c.stream("GET", f"/deliveries/{did}/events") as r:
            assert r.headers["content-type"].startswith("text/event-stream")
            event = None
            for line in r.iter_lines():
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    received.append((time.monotonic(), event or "", json.loads(line[6:])))
                    if event == "end":
                        break
        done.set()

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    time.sleep(1.0)  # the stream is open before the worker starts
    worker = subprocess.run([sys.executable, "-m", "stardust_tui", "--home", str(api.home), "worker", "--once",
                             "--ack-poll", "0", "--grace", "0", "--quiet"], capture_output=True, text=True,
                            timeout=300, env={**__import__("os").environ, "STARDUST_DDEX_SCHEMAS": str(
                                api.settings.ddex_schemas)})
    worker_done = time.monotonic()
    assert worker.returncode == 0, worker.stderr
    assert done.wait(60), "the stream did not end after the delivery"
    events = [d for _, kind, d in received if kind == "delivery"]
    assert events and received[-1][1] == "end" and received[-1][2]["state"] == "succeeded"
    assert received[0][0] < worker_done  # the first events came while the worker was still running
    assert any("upload" in (e.get("step") or "") or "upload" in e["message"].lower() for e in events)
    assert any(inbox.rglob("*.xml"))


def test_cancel_and_retry(api, release_and_target) -> None:
    rid, _ = release_and_target
    with api.client(api.key("deliver")) as c:
        did = _deliver(c, rid, type="update", resend=True, at="2100-01-01T00:00:00Z").json()[0]["delivery_id"]
        r = c.post(f"/deliveries/{did}/cancel")
        assert r.status_code == 200 and r.json()["state"] == "cancelled"
        r = c.post(f"/deliveries/{did}/retry")
        assert r.status_code == 200 and r.json()["state"] == "queued"
        c.post(f"/deliveries/{did}/cancel")
    with api.client(api.key("read")) as reader:
        assert reader.post(f"/deliveries/{did}/retry").status_code == 403


def test_a_client_leaving_the_stream_frees_its_reader_thread(api, release_and_target, monkeypatch) -> None:
    """A delivery that will not run soon: the stream waits (keep-alive comments); when the client disconnects,
    the thread reading the log stops within seconds instead of waiting for the delivery forever."""
    from stardust_tui.api import routes_deliveries

    monkeypatch.setattr(routes_deliveries, "KEEPALIVE_S", 0.5)
    rid, _ = release_and_target
    with api.client(api.key("deliver")) as c:
        did = _deliver(c, rid, type="update", resend=True, at="2100-01-01T00:00:00Z").json()[0]["delivery_id"]

    with api.client(api.key("read")) as c:
        with c.stream("GET", f"/deliveries/{did}/events") as r:
            lines = r.iter_lines()
            assert next(lines).startswith(": stardust")
            assert any(line == ": keep-alive" for line, _ in zip(lines, range(6), strict=False))
            assert any(_in_follow(t) for t in threading.enumerate())  # a thread is reading the log
        # the connection is closed here; the server notices and sets the stop flag
    deadline = time.monotonic() + 10
    busy = None
    while time.monotonic() < deadline:
        busy = [t for t in threading.enumerate() if _in_follow(t)]
        if not busy:
            break
        time.sleep(0.2)
    assert not busy, f"reader threads still following the log: {busy}"


def _in_follow(thread: threading.Thread) -> bool:
    import sys
    import traceback

    frame = sys._current_frames().get(thread.ident)
    return frame is not None and any(f.name == "follow_file" for f in traceback.extract_stack(frame))


def test_a_key_of_another_label_sees_none_of_it(api, release_and_target) -> None:
    """Label scope over every resource of the API: another label's key gets 404 for the release, its
    tracks, readiness, ERN, assets, deliveries and their event stream, and an empty list; the label's own
    key (read scope) sees all of it."""
    rid, _ = release_and_target
    with api.client(api.key("deliver")) as c:
        did = _deliver(c, rid, type="update", resend=True, at="2100-01-01T00:00:00Z").json()[0]["delivery_id"]
        release = c.get(f"/releases/{rid}").json()
    audio = release["tracks"][0]["audio"]["sha256"]
    track = release["tracks"][0]["id"]
    own = api.services.apikeys.create("nebula-reader", scope="read", labels=["Nebula Records"]).token
    other = api.services.apikeys.create("moon-admin", scope="admin", labels=["Moon Music"]).token
    reads = [f"/releases/{rid}", f"/releases/{rid}/tracks", f"/releases/{rid}/readiness", f"/releases/{rid}/ern",
             f"/releases/{rid}/history", f"/assets/{audio}", f"/assets/{audio}/content", f"/deliveries/{did}",
             f"/deliveries/{did}/events?live=false"]
    with api.client(own) as c:
        for url in reads:
            assert c.get(url).status_code == 200, url
        assert did in [d["id"] for d in c.get("/deliveries").json()]
        assert audio in [a["sha256"] for a in c.get("/assets", params={"limit": 500}).json()["items"]]
    with api.client(other) as c:
        for url in reads:
            r = c.get(url)
            assert r.status_code == 404 and "Nebula" not in r.text, (url, r.text)
        assert c.get("/deliveries").json() == []
        assert c.get("/releases", params={"search": "Signals"}).json()["items"] == []
        assert audio not in [a["sha256"] for a in c.get("/assets", params={"limit": 500}).json()["items"]]
        assert c.post(f"/deliveries/{did}/cancel").status_code == 404
        assert c.patch(f"/releases/{rid}/tracks/{track}", json={"title": "Mine"},
                       headers={"If-Match": f'"{release["revision"]}"'}).status_code == 404
        queued = c.post("/deliveries", json={"releases": [str(rid)], "target": "inbox"})
        assert queued.status_code == 404
    assert api.services.deliveries.state_of(did) == "queued"  # the other label's cancel changed nothing
    api.services.deliveries.cancel(did)
