"""``stardust itmsp verify PACKAGE... [--json]`` (a ``stardust.commands`` entry point)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from stardust_itmsp.verify import verify_package


@click.group("itmsp")
def itmsp() -> None:
    """iTunes Store packages (.itmsp) written by `stardust export --format itmsp`."""


@itmsp.command("verify")
@click.argument("packages", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def verify(packages: tuple[Path, ...], as_json: bool) -> None:
    """Check each package's structure: names, metadata.xml, track numbers, every file's size and MD5.

    Exit 1 when a package has a problem. (Apple's Transporter validates the metadata itself.)"""
    verdicts = [verify_package(p) for p in packages]
    if as_json:
        click.echo(json.dumps([{"package": str(v.package), "ok": v.ok, "tracks": v.tracks, "files": v.files,
                                "problems": v.problems} for v in verdicts], indent=2))
    else:
        for v in verdicts:
            if v.ok:
                click.echo(f"ok: {v.package} ({v.tracks} track(s), {v.files} file(s))")
            for problem in v.problems:
                click.echo(f"error: {v.package}: {problem}")
    if not all(v.ok for v in verdicts):
        raise SystemExit(1)
