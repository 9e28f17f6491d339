"""Backup and restore with the asset store in a bucket (issue 12), as a user runs them, against a real S3
server (rclone serve s3: it checks Content-MD5 and keeps objects as plain files we can look at and remove).

``stardust backup`` streams the bucket's objects into the backup root and writes a manifest naming the
store and each asset's key, SHA-256, MD5 and size; an object missing from the bucket is named on stderr
and the command exits 1 (``restore --verify`` reports it too). ``stardust restore`` into a new home puts
the assets back into the bucket the snapshot's configuration names (credentials read from the snapshot's
database with the snapshot's key), each upload checked, and the restored home's ``asset verify`` passes.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import soundfile as sf
from servers import S3_KEY, S3_SECRET, S3Server

REPO = Path(__file__).resolve().parents[2]
STARDUST = str(REPO / ".venv" / "bin" / "stardust")


def _run(home: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STARDUST_", "AWS_"))}
    return subprocess.run([STARDUST, "--home", str(home), *args], env=env, input=input, capture_output=True,
                          text=True, timeout=300)


def _ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, f"{result.args[3:]}: {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _wav(path: Path, seconds: float, freq: float) -> Path:
    t = np.arange(int(seconds * 44_100)) / 44_100
    sf.write(path, np.stack([0.2 * np.sin(2 * np.pi * freq * t)] * 2, axis=1).astype(np.float32), 44_100,
             subtype="PCM_16")
    return path


def test_backup_and_restore_of_a_bucket_store(rclone_s3: S3Server, tmp_path: Path) -> None:
    bucket = f"backup-assets-{os.getpid()}"
    rclone_s3.client().create_bucket(Bucket=bucket)
    assert rclone_s3.root is not None
    objects = rclone_s3.root / bucket
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(
        f'[assets]\nurl = "s3://{bucket}/store?endpoint={rclone_s3.endpoint}&region=us-east-1"\n', encoding="utf-8")
    _ok(_run(home, "init"))
    _ok(_run(home, "asset", "credentials", "--access-key-id", S3_KEY))
    _ok(_run(home, "asset", "credentials", "--secret-stdin", input=S3_SECRET))
    # one file above the store's multipart size (8 MiB), two small ones
    files = [_wav(tmp_path / "long.wav", 100.0, 220), _wav(tmp_path / "a.wav", 2.0, 330),
             _wav(tmp_path / "b.wav", 3.0, 440)]
    _ok(_run(home, "asset", "add", *map(str, files)))
    shas = {hashlib.sha256(f.read_bytes()).hexdigest(): f for f in files}
    stored = {p.name: p for p in objects.rglob("*") if p.is_file()}
    assert set(stored) == set(shas)
    assert not [p for p in (home / "assets").rglob("*") if p.is_file()], "nothing kept locally"

    # -- backup: the objects are streamed into the backup root, the manifest names store, keys, hashes --
    out = tmp_path / "backups"
    done = _ok(_run(home, "backup", str(out)))
    assert "3 assets (3 copied" in done and "0 missing" in done, done
    snap = sorted((out / "snapshots").iterdir())[-1]
    manifest = json.loads((snap / "manifest.json").read_text())
    assert manifest["asset_store"] == {"kind": "s3", "url": f"s3://{bucket}/store/"}
    by_sha = {a["sha256"]: a for a in manifest["assets"]}
    assert set(by_sha) == set(shas)
    for sha, src in shas.items():
        a = by_sha[sha]
        assert a["key"] == f"store/{sha[:2]}/{sha[2:4]}/{sha}"
        assert a["md5"] == hashlib.md5(src.read_bytes()).hexdigest() and a["size"] == src.stat().st_size
        assert (out / "assets" / sha[:2] / sha[2:4] / sha).read_bytes() == src.read_bytes()
    verified = _run(home, "restore", str(out), "--verify")
    assert verified.returncode == 0 and ": OK" in verified.stdout, verified.stdout + verified.stderr
    again = _ok(_run(home, "backup", str(out)))  # incremental: nothing copied again
    assert "0 copied, 3 already there, 0 missing" in again, again

    # -- an object missing from the bucket is named and the backup exits 1; verify reports it ------------
    lost_sha = hashlib.sha256(files[1].read_bytes()).hexdigest()
    rclone_s3.client().delete_object(Bucket=bucket, Key=by_sha[lost_sha]["key"])
    out2 = tmp_path / "backups-2"
    bad = _run(home, "backup", str(out2))
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert f"asset {lost_sha[:12]} (a.wav) is missing in the asset store at s3://{bucket}/store/" in bad.stderr
    assert "1 missing" in bad.stdout
    checked = _run(home, "restore", str(out2), "--verify")
    assert checked.returncode == 1 and lost_sha[:12] in checked.stderr, checked.stdout + checked.stderr
    refused = _run(tmp_path / "other-home", "restore", str(out2))
    assert refused.returncode != 0 and "nothing restored" in refused.stderr, refused.stderr
    assert not (tmp_path / "other-home" / "stardust.db").exists()

    # -- the bucket lost everything: restore the complete backup into a new home ------------------------
    for a in manifest["assets"]:  # through the S3 API: rclone caches its directory listings
        rclone_s3.client().delete_object(Bucket=bucket, Key=a["key"])
    assert not [p for p in objects.rglob("*") if p.is_file()]
    new_home = tmp_path / "restored"
    restored = _ok(_run(new_home, "restore", str(out)))
    assert f"3 assets in the asset store s3://{bucket}/store/ (3 uploaded, 0 already there)" in restored, restored
    back = {p.name: p.read_bytes() for p in objects.rglob("*") if p.is_file()}
    assert back == {sha: f.read_bytes() for sha, f in shas.items()}
    assert not [p for p in (new_home / "assets").rglob("*") if p.is_file()], "restored into the bucket only"
    report = json.loads(_ok(_run(new_home, "asset", "verify", "--json")))
    assert report["checked"] == 3 and not report["bad"], report
    # restoring again finds every object there (content-addressed) and still checks each one
    again = _ok(_run(tmp_path / "restored-2", "restore", str(out)))
    assert "(0 uploaded, 3 already there), each checked present" in again, again
