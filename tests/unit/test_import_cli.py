"""The CLI: stardust import / import audio / export / watch --once, exit codes and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from stardust_tui.cli import cli

CSV = ("UPC,Release Title,Artist,Track Title,ISRC,Internal Ref\n"
       "012345678905,CLI Album,Band,One,USABC2400001,x1\n012345678905,CLI Album,Band,Two,USABC2400002,x2\n")


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_import_export_cli(tmp_path: Path) -> None:
    src = tmp_path / "cat.csv"
    src.write_text(CSV, encoding="utf-8")
    res = run("import", "--fields")
    assert res.exit_code == 0 and "track_title" in res.output  # type: ignore[attr-defined]
    res = run("import", str(src), "--print-map")
    assert '"Release Title" = "release_title"' in res.output and '"Internal Ref" = ""' in res.output  # type: ignore[attr-defined]
    res = run("import", str(src), "--dry-run")
    assert res.exit_code == 0 and "1 would be created" in res.output and "dry run" in res.output  # type: ignore[attr-defined]
    res = run("import", str(src), "--json", "--report", str(tmp_path / "r.json"))
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["created"] == 1
    data = json.loads(res.stdout)  # type: ignore[attr-defined]
    assert res.exit_code == 0 and data["created"] == 1 and data["warning_count"] == 1  # the ignored column
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV.replace("USABC2400002", "nope"), encoding="utf-8")
    res = run("import", str(bad), "--update")
    assert res.exit_code == 1 and f"error: {bad}:3 [ISRC]" in res.output  # type: ignore[attr-defined]
    res = run("import", "--history")
    assert res.exit_code == 0 and "cat.csv" in res.output and "failed" in res.output  # type: ignore[attr-defined]
    res = run("import", str(tmp_path / "missing.csv"))
    assert res.exit_code == 2 and res.output.startswith("error: FILE:")  # type: ignore[attr-defined]
    out = tmp_path / "out.csv"
    res = run("export", str(out))
    assert res.exit_code == 0 and "exported 1 releases" in res.output and out.read_text().startswith("upc,")  # type: ignore[attr-defined]
    res = run("export", str(tmp_path / "sel.json"), "--release", "012345678905")
    assert res.exit_code == 0 and json.loads(
        (tmp_path / "sel.json").read_text(encoding="utf-8").splitlines()[1])["title"] == "CLI Album"  # type: ignore[attr-defined]
    audio = tmp_path / "audio"
    audio.mkdir()
    (audio / "unknown.wav").write_bytes(b"RIFF")
    res = run("import", "audio", str(audio))
    assert res.exit_code == 0 and "unmatched" in res.output  # type: ignore[attr-defined]


def test_watch_once_cli(tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "cat.csv").write_text(CSV, encoding="utf-8")
    res = run("watch", str(drop), "--once", "--stable", "0.1")
    assert res.exit_code == 0 and res.output.startswith("done      cat.csv")  # type: ignore[attr-defined]
    assert (drop / "done" / "cat.csv.report.txt").is_file()
