"""``stardust asset add|show|list|verify``: put files in the asset store, attach them, inspect facts and QC
(``store``/``credentials``/``migrate``: :mod:`.asset_store`).

Printing and progress bars around ``services.assets``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from stardust_tui.cli import params as P
from stardust_tui.cli.context import StardustContext
from stardust_tui.cli.output import echo_json, exit_with
from stardust_tui.domain import limits as L
from stardust_tui.errors import ExitCode

BAR_THRESHOLD = 50 * 1024 * 1024


def register(cli: click.Group) -> None:
    from stardust_tui.cli import asset_store  # issue 12: asset store|credentials|migrate, stardust assets

    cli.add_command(asset)
    asset_store.register(asset, cli)


@click.group()
def asset() -> None:
    """The content-addressed asset store (audio and artwork)."""


def describe(a: Any) -> str:
    """One line of technical facts: ``audio WAV PCM 24-bit 48000 Hz 2ch 3.00s``."""
    if a.kind == "audio":
        depth = f"{a.bit_depth}-bit " if a.bit_depth else ""
        dur = f" {a.duration_seconds:.2f}s" if a.duration_seconds is not None else ""
        return f"audio {a.container} {a.codec or '?'} {depth}{a.sample_rate} Hz {a.channels}ch{dur}"
    if a.kind == "image":
        return f"image {a.container} {a.width}x{a.height} {a.color_mode}"
    return f"{a.kind} {a.container or ''}".rstrip()


def _size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)


class _Bars:
    """A progress bar per file of 50 MB or more, closed when the next file starts or at the end."""

    def __init__(self) -> None:
        self.bar: Any = None

    def __call__(self, path: Path) -> Callable[[int, int], None] | None:
        self.close()
        size = path.stat().st_size if path.is_file() else 0
        if size < BAR_THRESHOLD:
            return None
        self.bar = click.progressbar(length=size, label=path.name, show_pos=False, show_percent=True,
                                     show_eta=True, file=sys.stderr)
        bar = self.bar.__enter__()
        last = [0]

        def progress(done: int, total: int) -> None:
            bar.update(done - last[0])
            last[0] = done

        return progress

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@asset.command("add")
@click.argument("paths", nargs=-1, required=True, type=P.InputFile(path_type=Path))
@click.option("--release", "release_ref", type=P.RELEASE_REF, default=None,
              help="Release id or UPC to attach audio to.")
@click.option("--track", "track_no", type=P.Number(L.TRACK_NUMBER), default=None,
              help="Track number for the first file (further files go to the next tracks).")
@click.option("--disc", type=P.Number(L.DISC_NUMBER), default=1, show_default=True, help="Disc of --track.")
@click.option("--cover", "cover_ref", type=P.RELEASE_REF, default=None,
              help="Release id or UPC whose cover this image becomes.")
@click.option("--resource", type=P.Text(100), default=None, metavar="KIND[:TYPE]",
              help="With --release: attach as a resource of that release, e.g. Video, "
                   "Image:VideoScreenCapture, Text:NonInteractiveBooklet, MIDI.")
@click.pass_obj
def add_cmd(obj: StardustContext, paths: tuple[Path, ...], release_ref: str | None, track_no: int | None,
            disc: int, cover_ref: str | None, resource: str | None) -> None:
    """Copy files into the asset store (stored once per content) and optionally attach them."""

    def report(added: Any) -> None:
        bars.close()
        a = added.asset
        if added.attached:
            click.echo(f"{'attached to ' if a.kind == 'audio' or resource else ''}{added.attached}")
        click.echo(f"{a.id:>6}  {a.sha256[:12]}  {describe(a)}  {added.source.name}"
                   + ("  (already stored)" if added.already_stored else ""))
        for f in added.findings:
            click.echo(f"        {f.severity}: {f.field}: {f.message} [{f.code}]")

    bars = _Bars()
    try:
        obj.services.assets.add(list(paths), release=release_ref, track=track_no, disc=disc, cover=cover_ref,
                                resource=resource, progress=bars, on_added=report)
    finally:
        bars.close()


@asset.command("show")
@click.argument("ref", type=P.ASSET_REF)
@click.option("--strict", is_flag=True, help="Apply strict-profile QC (plain-PCM WAV required).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def show_cmd(obj: StardustContext, ref: str, strict: bool, as_json: bool) -> None:
    """Facts and QC verdict of one asset (by id, SHA-256 or a SHA-256 prefix)."""
    detail = obj.services.assets.show(ref, strict=strict)
    a, findings, problem = detail.asset, detail.findings, detail.file_problem
    if as_json:
        echo_json(a.model_dump(mode="json") | {"path": detail.path, "used_by": detail.used_by,
                                               "wav_trailing_bytes": detail.wav_trailing_bytes,
                                               "qc": findings, "file_problem": problem})
        return
    rows = [("id", a.id), ("sha256", a.sha256), ("md5", a.md5), ("size", f"{_size(a.size)} ({a.size} bytes)"),
            ("name", a.original_name), ("facts", describe(a)), ("path", detail.path)]
    if a.wav_format_tag is not None:
        tag = {1: "1 (plain PCM)", 3: "3 (IEEE float)", 0xFFFE: "0xFFFE (WAVE_FORMAT_EXTENSIBLE)"}
        rows.append(("wav format", tag.get(a.wav_format_tag, hex(a.wav_format_tag))))
    rows.append(("used by", ", ".join(detail.used_by) or "-"))
    for k, v in rows:
        click.echo(f"{k:<11} {v}")
    if problem:
        click.echo(f"error: {problem}")
    verdict = "FAIL" if not detail.passed else ("PASS with warnings" if findings else "PASS")
    click.echo(f"QC          {verdict}")
    for f in findings:
        click.echo(f"  {f.severity}: {f.field}: {f.message} [{f.code}]")


@asset.command("list")
@click.option("--kind", type=click.Choice(["audio", "image", "video", "text", "midi", "other"]), default=None)
@click.option("--limit", type=P.PAGE_SIZE, default=50, show_default=True)
@click.option("--offset", type=P.OFFSET, default=0)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def list_cmd(obj: StardustContext, kind: str | None, limit: int, offset: int, as_json: bool) -> None:
    """Stored assets, newest first."""
    page = obj.services.assets.list(kind=kind, limit=limit, offset=offset)
    rows, total = page.assets, page.total
    if as_json:
        echo_json({"total": total, "assets": [a.model_dump(mode="json") for a in rows]})
        return
    for a in rows:
        click.echo(f"{a.id:>6}  {a.sha256[:12]}  {_size(a.size):>10}  {describe(a):<44}  {a.original_name}")
    click.echo(f"{len(rows)} of {total} asset(s)")


@asset.command("verify")
@click.argument("refs", nargs=-1, type=P.ASSET_REF)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (how many were checked, the bad ones).")
@click.pass_obj
def verify_cmd(obj: StardustContext, refs: tuple[str, ...], as_json: bool) -> None:
    """Re-hash stored files (all, or the given ids/SHA-256s); exit 1 if any is missing or changed."""
    result = obj.services.assets.verify(list(refs))
    if as_json:
        echo_json({"checked": result.checked, "bad": [{"id": a.id, "sha256": a.sha256, "name": a.original_name,
                                                       "path": path} for a, path in result.bad]})
        if result.bad:
            exit_with(ExitCode.FAILED)
        return
    for a, path in result.bad:
        click.echo(f"BAD  {a.id:>6}  {a.sha256[:12]}  {a.original_name}  (missing or changed: {path})")
    click.echo(f"{result.checked} checked, {len(result.bad)} bad")
    if result.bad:
        exit_with(ExitCode.FAILED)
