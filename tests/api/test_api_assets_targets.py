"""Assets (streamed upload with size limit and SHA-256 check, download), targets (secrets write-only),
inbound ACKs authenticated by the target's ack_token, ERN build/validate and catalog imports over HTTP."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys

import numpy as np
import soundfile as sf

from tests.api.conftest import start_server
from tests.conftest import SAMPLES_DIR


def _wav(path, seconds=1.0):
    t = np.arange(int(44100 * seconds)) / 44100
    sf.write(path, (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), 44100, subtype="PCM_24")
    return path.read_bytes()


def test_upload_checks_sha256_and_download_gives_the_same_bytes(api, tmp_path) -> None:
    data = _wav(tmp_path / "a.wav")
    digest = hashlib.sha256(data).hexdigest()
    with api.client(api.key("write")) as c:
        before = c.get("/assets").json()["total"]
        bad = c.post("/assets", params={"filename": "a.wav", "sha256": "0" * 64}, content=data)
        assert bad.status_code == 422 and bad.json()["type"].endswith("/digest-mismatch")
        assert c.get("/assets").json()["total"] == before  # nothing stored
        header = {"Content-Digest": f"sha-256=:{base64.b64encode(bytes.fromhex(digest)).decode()}:"}
        r = c.post("/assets", params={"filename": "../../etc/a.wav"}, content=data, headers=header)
        assert r.status_code == 201, r.text
        asset = r.json()["asset"]
        assert asset["sha256"] == digest and asset["kind"] == "audio" and asset["original_name"] == "a.wav"
        again = c.post("/assets", params={"filename": "b.wav", "sha256": digest}, content=data)
        assert again.status_code == 200 and again.json()["already_stored"] is True
        down = c.get(f"/assets/{asset['id']}/content")
        assert down.status_code == 200 and down.content == data and down.headers["etag"] == f'"{digest}"'
        shown = c.get(f"/assets/{digest}").json()
        assert shown["asset"]["id"] == asset["id"] and "passed" in shown
    with api.client(api.key("read")) as reader:
        assert reader.post("/assets", content=data).status_code == 403


def test_an_upload_for_a_missing_track_stores_nothing(api, tmp_path) -> None:
    """The README's order mistake (audio before its track): 404 naming the track, no file left in the store."""
    data = _wav(tmp_path / "t.wav", seconds=0.7)
    digest = hashlib.sha256(data).hexdigest()
    rid = api.services.releases.create(title="No Tracks Yet", artists=["Orphan Test"])
    stored = api.settings.paths.assets_dir / digest[:2] / digest[2:4] / digest
    with api.client(api.key("write")) as c:
        r = c.post("/assets", params={"filename": "t.wav", "release": str(rid), "track": 1}, content=data)
        assert r.status_code == 404 and f"release {rid} has no track 1-1" in r.json()["detail"], r.text
        assert c.post("/assets", params={"filename": "t.wav", "cover": "999999"}, content=data).status_code == 404
        assert not stored.exists()
        assert c.get(f"/assets/{digest}").status_code == 404
        assert not list((api.settings.paths.assets_dir / ".incoming").glob("api-*"))


def test_upload_size_limit(tmp_path) -> None:
    served = start_server(tmp_path / "home", max_upload_mb=0.01)
    try:
        with served.client(served.key("write")) as c:
            big = b"\0" * 20_000
            r = c.post("/assets", params={"filename": "big.bin"}, content=big)
            assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"

            def chunks():  # no Content-Length: refused while streaming
                for _ in range(5):
                    yield b"\1" * 5000

            r = c.post("/assets", params={"filename": "big.bin"}, content=chunks())
            assert r.status_code == 413
            assert c.get("/assets").json()["total"] == 0
            assert not list((served.settings.paths.assets_dir / ".incoming").glob("api-*"))
    finally:
        served.stop()


def test_target_secrets_are_write_only(api) -> None:
    with api.client(api.key("admin")) as c:
        r = c.post("/targets", json={"name": "dsp-rest", "url": "https://dsp.example/api?auth=bearer",
                                     "profile": "generic-43", "secrets": {"token": "TOPSECRET-1", "ack_token": "ACK-1"},
                                     "password": "PW-SECRET-2"})
        assert r.status_code == 201, r.text
        assert set(r.json()["secrets_set"]) == {"token", "ack_token", "password"}
        for text in (r.text, c.get("/targets").text, c.get("/targets/dsp-rest").text):
            assert "TOPSECRET" not in text and "PW-SECRET" not in text and "ACK-1" not in text
        bad = c.post("/targets", json={"name": "x", "url": "file:///tmp", "secrets": {"nonsense": "v"}})
        assert bad.status_code == 422 and "unknown secret" in bad.json()["detail"]
        p = c.patch("/targets/dsp-rest", json={"secrets": {"token": ""}, "enabled": False})
        assert p.status_code == 200 and "token" not in p.json()["secrets_set"] and p.json()["enabled"] is False
        assert c.delete("/targets/dsp-rest").status_code == 204


def test_target_test_runs_the_probe(api, tmp_path) -> None:
    with api.client(api.key("admin")) as c:
        c.post("/targets", json={"name": "local-probe", "url": f"file://{tmp_path}"})
        r = c.post("/targets/local-probe/test")
        assert r.status_code == 200 and r.json()["ok"] is True
        assert [s["step"] for s in r.json()["steps"]][:2] == ["connect", "list"]


def _ack(upc: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ernc:FtpAcknowledgementMessage xmlns:ernc="http://ddex.net/xml/ern-c/15" MessageSchemaVersionId="ern-c/15">
  <MessageHeader><MessageId>ACK1</MessageId><MessageSender><PartyId>PADPIDA2014120301A</PartyId></MessageSender>
  <MessageRecipient><PartyId>PADPIDA2014120301A</PartyId></MessageRecipient>
  <MessageCreatedDateTime>2026-12-04T10:00:00</MessageCreatedDateTime></MessageHeader>
  <AcknowledgedFile><FileName>{upc}.xml</FileName><ReleaseId>{upc}</ReleaseId></AcknowledgedFile>
  <FileStatus>FileOK</FileStatus>
</ernc:FtpAcknowledgementMessage>""".encode()


def test_inbound_ack_needs_the_targets_token(api) -> None:
    with api.client(api.key("admin")) as c:
        rid = c.post("/releases", json={"title": "Acked", "artists": ["A"], "upc": "5012345678900"}).json()["id"]
        c.post("/targets", json={"name": "dsp-acks", "url": "file:///tmp", "secrets": {"ack_token": "s3cret-ack"}})
        c.post("/targets", json={"name": "dsp-no-token", "url": "file:///tmp"})
    with api.client() as dsp:
        assert dsp.post("/acks/dsp-acks", content=_ack("5012345678900")).status_code == 401
        wrong = dsp.post("/acks/dsp-acks", content=_ack("5012345678900"), headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        none = dsp.post("/acks/dsp-no-token", content=_ack("5012345678900"),
                        headers={"Authorization": "Bearer s3cret-ack"})
        assert none.status_code == 401 and "ack_token" in none.json()["detail"]
        auth = {"Authorization": "Bearer s3cret-ack"}
        ok = dsp.post("/acks/dsp-acks", content=_ack("5012345678900"), headers=auth)
        assert ok.status_code == 201, ok.text
        assert ok.json()["releases"][0]["outcome"] == "ack-ok"
        again = dsp.post("/acks/dsp-acks", content=_ack("5012345678900"), headers=auth)
        assert again.status_code == 200 and again.json()["recorded"] is False
        junk = dsp.post("/acks/dsp-acks", content=b"<not-an-ack/>", headers=auth)
        assert junk.status_code == 422
    with api.client(api.key("read")) as c:
        acks = c.get("/targets/dsp-acks/acks").json()
        assert len(acks) == 1 and acks[0]["release_id"] == rid and acks[0]["file_status"] == "FileOK"


def test_ern_build_and_validate_match_the_cli(api, tmp_path) -> None:
    sample = SAMPLES_DIR / "ern-43" / "ddexsuite__1_Audio.xml"
    with api.client(api.key("read")) as c:
        r = c.post("/ern/validate", params={"name": sample.name}, content=sample.read_bytes(),
                   headers={"Content-Type": "application/xml"})
        assert r.status_code == 200
        cli = subprocess.run([sys.executable, "-m", "stardust_tui", "--home", str(api.home), "ern", "validate",
                              str(sample), "--json", "--schemas", str(api.settings.ddex_schemas)],
                             capture_output=True, text=True, timeout=120)
        cli_report = json.loads(cli.stdout)
        api_report = r.json()
        assert api_report["valid"] == cli_report["valid"]
        assert [f.get("errors") for f in api_report["files"]] == [f.get("errors") for f in cli_report["files"]]
    with api.client(api.key("write")) as c:
        rid = c.post("/releases", json={"title": "Built", "artists": ["A"], "upc": "036000291469"}).json()["id"]
        xml = c.get(f"/releases/{rid}/ern", params={"version": "4.3"})
        assert xml.status_code == 200 and xml.headers["content-type"].startswith("application/xml")
        assert b"NewReleaseMessage" in xml.content and "036000291469" in xml.headers["content-disposition"]
        as_json = c.get(f"/releases/{rid}/ern", params={"format": "json", "version": "4.2"}).json()
        assert as_json["version"] == "4.2" and as_json["xml"].startswith("<?xml")
        assert c.get(f"/releases/{rid}/ern", params={"version": "9.9"}).status_code == 422


def test_catalog_import_dry_run_then_run(api) -> None:
    csv = (b"upc,title,artist,label,release_date,track_title,isrc\n"
           b"0886443927087,Imported Album,Import Artist,Import Label,2025-05-01,First Song,USRC17607839\n"
           b"0886443927087,Imported Album,Import Artist,Import Label,2025-05-01,Second Song,USRC17607840\n")
    with api.client(api.key("write")) as c:
        dry = c.post("/imports", params={"filename": "cat.csv"}, content=csv)
        assert dry.status_code == 200, dry.text
        assert dry.json()["created"] == 1 and dry.json()["dry_run"] is True
        assert c.get("/releases", params={"search": "Imported Album"}).json()["items"] == []
        run = c.post("/imports", params={"filename": "cat.csv", "dry_run": "false"}, content=csv)
        assert run.status_code == 200 and run.json()["created"] == 1
        found = c.get("/releases", params={"search": "Imported Album"}).json()["items"]
        assert len(found) == 1 and found[0]["upc"] in ("0886443927087", "886443927087")
        broken = c.post("/imports", params={"filename": "bad.csv", "dry_run": "false"},
                        content=b"upc,title\nnot-a-upc,X\n")
        assert broken.status_code == 422 and broken.json()["error_count"] >= 1


def test_an_ern_message_imports_like_import_ddex(api) -> None:
    data = (SAMPLES_DIR / "ern-43" / "ddexsuite__1_Audio.xml").read_bytes()
    with api.client(api.key("write")) as c:
        dry = c.post("/imports", params={"format": "ddex", "filename": "audio.xml"}, content=data).json()
        assert (dry["format"], dry["created"], dry["error_count"], dry["dry_run"]) == ("ddex", 1, 0, True)
        assert c.get("/releases/0094631432057").status_code == 404
        run = c.post("/imports", params={"format": "ddex", "filename": "audio.xml", "dry_run": "false"}, content=data)
        assert run.status_code == 200 and run.json()["created"] == 1
        assert c.get("/releases/0094631432057").json()["title"] == "Yume no Hajmari"
