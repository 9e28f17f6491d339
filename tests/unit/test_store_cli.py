"""``stardust release ...`` and ``stardust check`` through the real CLI on a real SQLite home."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from click.testing import CliRunner

from stardust_tui.cli import cli
from stardust_tui.config import load_settings
from stardust_tui.domain.models import Asset
from stardust_tui.store.db import make_engine, session_scope
from stardust_tui.store.releases import create_release


def run(*args: str, code: int = 0):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, (args, result.output, result.stderr)
    assert "Traceback" not in result.output + result.stderr
    return result


def make_ready_release() -> int:
    run("init")
    engine = make_engine(load_settings().db_url)
    with session_scope(engine) as s:
        assets = []
        for n, kind in enumerate(("image", "audio", "audio"), start=1):
            extra = (dict(container="JPEG", width=3000, height=3000, color_mode="RGB") if kind == "image" else
                     dict(container="FLAC", codec="FLAC", sample_rate=44100, bit_depth=24, channels=2,
                          duration_seconds=200.0))
            a = Asset(sha256=f"{n:064x}", md5=f"{n:032x}", size=10, kind=kind, original_name=f"{n}", **extra)
            s.add(a)
            s.flush()
            assets.append(a.id)
        rel = create_release(
            s, actor="t", title="Night Drive", artists=["Luna Park"], label="Star Records", upc="036000291452",
            release_date=date(2024, 5, 1), genre="Electronic", p_line="2024 Star", p_line_year=2024,
            c_line="2024 Star", c_line_year=2024, cover_asset_id=assets[0],
            tracks=[{"title": "Intro", "isrc": "USS1Z2400001", "audio_asset_id": assets[1]},
                    {"title": "Highway", "isrc": "USS1Z2400002", "audio_asset_id": assets[2]}],
            deals=[{"territories": ["Worldwide"], "commercial_models": ["SubscriptionModel"],
                    "use_types": ["OnDemandStream"], "start": datetime(2024, 5, 1, tzinfo=UTC)}])
        rid = rel.id
    engine.dispose()
    return rid


def test_create_add_track_list_show_history():
    rid = run("release", "create", "--title", "Blue Skies", "--artist", "Ann", "--label", "Moon",
              "--upc", "4006381333931", "--type", "single", "--date", "2023-02-01",
              "--p-line", "2023 Moon").output.strip()
    assert rid.isdigit()
    assert run("release", "add-track", rid, "--title", "Blue", "--isrc", "gb-aye-23-00001",
               "--duration", "201").output.strip() == "1-1"
    assert run("release", "add-track", "4006381333931", "--title", "Skies").output.strip() == "1-2"
    out = run("release", "list").output
    assert "4006381333931" in out and "Ann — Blue Skies  [Moon]" in out and "1-1 of 1" in out
    data = json.loads(run("release", "list", "--search", "blu", "--type", "single", "--json").output)
    assert data["total"] == 1 and data["releases"][0]["label_name"] == "Moon"
    assert json.loads(run("release", "list", "--status", "ready", "--json").output)["total"] == 0
    show = json.loads(run("release", "show", "4006381333931", "--json").output)
    assert show["p_line"] == "Moon" and show["p_line_year"] == 2023  # the year in its column, written once
    assert [t["isrc"] for t in show["tracks"]] == ["GBAYE2300001", None]
    assert show["revision"] == 3 and len(show["content_hash"]) == 64
    text = run("release", "show", rid).output
    assert "1-1   GBAYE2300001    3:21  Ann — Blue" in text
    hist = run("release", "history", rid).output.splitlines()
    assert len(hist) == 3 and "create" in hist[0] and "add-track" in hist[2]
    diff = run("release", "history", rid, "--diff").output
    assert diff.startswith("revision 2 -> 3: 1 change(s)") and "tracks[2]" in diff
    diff13 = json.loads(run("release", "history", rid, "--diff", "1", "3", "--json").output)
    assert {c["path"] for c in diff13["changes"]} == {"tracks[1]", "tracks[2]"}


def test_bad_input_gives_one_line_errors():
    run("init")
    r = run("release", "create", "--title", "X", "--artist", "Y", "--upc", "036000291453", code=1)
    assert r.stderr.strip() == "error: upc: '036000291453' has a wrong check digit 3 (expected 2)"
    r = run("release", "show", "42", code=1)
    assert r.stderr.strip() == "error: no release with id 42"
    rid = run("release", "create", "--title", "X", "--artist", "Y", "--upc", "036000291452").output.strip()
    r = run("release", "create", "--title", "Z", "--artist", "Y", "--upc", "0036000291452", code=1)
    assert r.stderr.strip() == f"error: UPC 0036000291452 already belongs to release {rid} ('X')"
    r = run("release", "add-track", rid, "--title", "T", "--isrc", "nope", code=1)
    assert r.stderr.startswith("error: isrc: 'nope' is not an ISRC")
    r = run("release", "set-status", rid, "shipped", code=2)  # refused at the edge, before the store
    assert r.stderr.startswith("error: STATUS: 'shipped' is not a release status")
    r = run("release", "history", rid, "1", "2", code=1)
    assert "--diff" in r.stderr
    assert run("release", "list", "--from", "2024-13-01", code=2).exit_code == 2


def test_check_and_ready_gate():
    draft = run("release", "create", "--title", "Draft", "--artist", "Y").output.strip() if run("init") else ""
    r = run("check", draft, code=1)
    assert "error: upc: UPC/EAN is required [missing]" in r.output
    assert r.output.strip().splitlines()[-1].startswith(f"release {draft}: not ready")
    report = json.loads(run("check", draft, "--json", code=1).output)
    assert report["ok"] is False and {"code": "missing", "field": "genre", "message": "genre is required",
                                      "severity": "error"} in report["errors"]
    r = run("release", "set-status", draft, "ready", code=1)
    assert r.stderr.startswith(f"error: release {draft}: cannot mark ready") and len(r.stderr.splitlines()) == 1

    rid = str(make_ready_release())
    report = json.loads(run("check", "036000291452", "--json").output)
    assert report["ok"] is True and report["errors"] == []
    assert run("release", "set-status", rid, "ready").output.strip() == f"release {rid} is ready (revision 2)"


def test_duplicate_and_delete():
    rid = str(make_ready_release())
    copy = run("release", "duplicate", rid).output.strip()
    report = json.loads(run("check", copy, "--json", code=1).output)
    assert {f["code"] for f in report["warnings"]} == {"near-duplicate"}
    assert {f["code"] for f in report["infos"]} == {"isrc-reused"}
    r = run("release", "delete", copy, code=1)  # not a terminal and no --yes
    assert r.stderr.strip() == "error: refusing to delete without --yes when not on a terminal"
    assert run("release", "delete", copy, "--yes").output.strip() == f"deleted release {copy}"
    assert json.loads(run("release", "list", "--json").output)["total"] == 1
    assert run("release", "reindex").output.strip() == "indexed 1 release(s)"


def test_release_built_entirely_from_the_cli_becomes_ready(tmp_path):
    import numpy as np
    import soundfile as sf
    from PIL import Image

    t = np.arange(44100) / 44100
    tone = np.stack([0.2 * np.sin(2 * np.pi * 440 * t)] * 2, axis=1)
    sf.write(tmp_path / "one.flac", tone, 44100, subtype="PCM_24")
    sf.write(tmp_path / "two.flac", tone * 0.5, 44100, subtype="PCM_24")
    Image.new("RGB", (3000, 3000), "navy").save(tmp_path / "cover.jpg", quality=70)

    rid = run("release", "create", "--title", "night drive", "--artist", "Someone").output.strip()
    assert run("release", "edit", rid, "--title", "Night Drive", "--artist", "Luna Park", "--artist", "Jo Rain",
               "--label", "Star Records", "--upc", "036000291452", "--date", "2024-05-01", "--genre", "Electronic",
               "--p-line", "2024 Star Records", "--c-line", "2024 Star Records", "--language", "en",
               ).output.strip() == f"release {rid} revision 2"
    run("release", "add-track", rid, "--title", "Intro", "--isrc", "USS1Z2400001")
    run("release", "add-track", rid, "--title", "Highway", "--isrc", "USS1Z2400002")
    run("asset", "add", str(tmp_path / "one.flac"), str(tmp_path / "two.flac"), "--release", rid, "--track", "1")
    run("asset", "add", str(tmp_path / "cover.jpg"), "--cover", rid)
    r = run("release", "add-deal", rid, "--territory", "XX", code=2)
    assert r.stderr.startswith("error: --territory: 'XX' is not an ISO 3166-1 territory code (or Worldwide)")
    run("release", "add-deal", rid, "--territory", "Worldwide", "--exclude", "CU")

    report = json.loads(run("check", rid, "--json").output)
    assert report["ok"] is True, report["errors"]
    assert run("release", "set-status", "036000291452", "ready").output.startswith(f"release {rid} is ready")
    show = json.loads(run("release", "show", rid, "--json").output)
    assert show["display_artist"] == "Luna Park & Jo Rain" and show["label"] == "Star Records"
    assert [a["name"] for a in show["artists"]] == ["Luna Park", "Jo Rain"]
    assert all(t["audio"]["container"] == "FLAC" for t in show["tracks"])
    assert show["deals"][0]["excluded_territories"] == ["CU"] and show["cover"]["width"] == 3000
    hist = run("release", "history", rid, "--json").output
    assert [e["action"] for e in json.loads(hist)] == [
        "create", "edit", "add-track", "add-track", "attach-audio", "attach-audio", "attach-cover", "add-deal",
        "set-status"]
    r = run("release", "edit", rid, "--language", "zz", code=2)
    assert r.stderr.startswith("error: --language: 'zz' is not an ISO 639 language code")
