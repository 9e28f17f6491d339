"""``stardust asset add|show|list|verify``: put files in the asset store, attach them, inspect facts and QC."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from stardust_tui.cli.context import StardustContext

BAR_THRESHOLD = 50 * 1024 * 1024


def register(cli: click.Group) -> None:
    cli.add_command(asset)


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
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


def _add_one(store: Any, session: Any, path: Path) -> Any:
    size = path.stat().st_size if path.is_file() else 0
    if size < BAR_THRESHOLD:
        return store.add(session, path)
    with click.progressbar(length=size, label=path.name, show_pos=False, show_percent=True, show_eta=True,
                           file=sys.stderr) as bar:
        last = [0]

        def progress(done: int, total: int) -> None:
            bar.update(done - last[0])
            last[0] = done

        return store.add(session, path, progress=progress)


@asset.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--release", "release_ref", default=None, help="Release id or UPC to attach audio to.")
@click.option("--track", "track_no", type=click.IntRange(1), default=None,
              help="Track number for the first file (further files go to the next tracks).")
@click.option("--disc", type=click.IntRange(1), default=1, show_default=True, help="Disc of --track.")
@click.option("--cover", "cover_ref", default=None, help="Release id or UPC whose cover this image becomes.")
@click.pass_obj
def add_cmd(obj: StardustContext, paths: tuple[Path, ...], release_ref: str | None, track_no: int | None,
            disc: int, cover_ref: str | None) -> None:
    """Copy files into the asset store (stored once per content) and optionally attach them."""
    from stardust_tui.assets.qc import check_asset
    from stardust_tui.assets.store import AssetStore
    from stardust_tui.domain.models import utcnow
    from stardust_tui.errors import ValidationError
    from stardust_tui.store.db import session_scope

    if cover_ref and (release_ref or track_no):
        raise ValidationError("use either --cover or --release/--track, not both", where="asset add")
    if bool(release_ref) != bool(track_no):
        raise ValidationError("--release and --track go together", where="asset add")
    if cover_ref and len(paths) != 1:
        raise ValidationError("--cover takes exactly one image", where="asset add")
    store = AssetStore(obj.settings.paths.ensure())
    for i, path in enumerate(paths):
        with session_scope(obj.engine) as s:
            started = utcnow()
            a = _add_one(store, s, path)
            known = a.created_at < started
            if release_ref:
                _attach_audio(obj, s, a, release_ref, disc, track_no + i)  # type: ignore[operator]
            elif cover_ref:
                _attach_cover(obj, s, a, cover_ref)
            findings = check_asset(a)
        click.echo(f"{a.id:>6}  {a.sha256[:12]}  {describe(a)}  {path.name}" + ("  (already stored)" if known else ""))
        for f in findings:
            click.echo(f"        {f.severity}: {f.field}: {f.message} [{f.code}]")


def _attach_audio(obj: StardustContext, s: Any, a: Any, ref: str, disc: int, number: int) -> None:
    from stardust_tui.errors import NotFoundError, ValidationError
    from stardust_tui.store.releases import get_release, save_release

    if a.kind != "audio":
        raise ValidationError(f"{a.original_name} is {a.kind}, not audio: cannot attach to a track", where="asset add")
    rel = get_release(s, ref)
    track = next((t for t in rel.tracks if t.disc_number == disc and t.track_number == number), None)
    if track is None:
        raise NotFoundError(f"release {rel.id} has no track {disc}-{number}", where="asset add")
    track.audio_asset_id = a.id
    track.audio = a
    if a.duration_seconds:
        track.duration_seconds = a.duration_seconds
    save_release(s, rel, actor=obj.actor, action="attach-audio")
    click.echo(f"attached to release {rel.id} track {disc}-{number} ({track.title})")


def _attach_cover(obj: StardustContext, s: Any, a: Any, ref: str) -> None:
    from stardust_tui.errors import ValidationError
    from stardust_tui.store.releases import get_release, save_release

    if a.kind != "image":
        raise ValidationError(f"{a.original_name} is {a.kind}, not an image: cannot be a cover", where="asset add")
    rel = get_release(s, ref)
    rel.cover_asset_id = a.id
    rel.cover = a
    save_release(s, rel, actor=obj.actor, action="attach-cover")
    click.echo(f"cover of release {rel.id} ({rel.title})")


@asset.command("show")
@click.argument("ref")
@click.option("--strict", is_flag=True, help="Apply strict-profile QC (plain-PCM WAV required).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def show_cmd(obj: StardustContext, ref: str, strict: bool, as_json: bool) -> None:
    """Facts and QC verdict of one asset (by id, SHA-256 or a SHA-256 prefix)."""
    from sqlmodel import select

    from stardust_tui.assets.qc import check_asset
    from stardust_tui.assets.store import AssetStore
    from stardust_tui.domain.models import Release, Track
    from stardust_tui.errors import StardustError
    from stardust_tui.store.db import session_scope

    store = AssetStore(obj.settings.paths)
    with session_scope(obj.engine) as s:
        a = store.get(s, ref)
        used = [f"release {t.release_id} track {t.disc_number}-{t.track_number}"
                for t in s.exec(select(Track).where(Track.audio_asset_id == a.id)).all()]
        used += [f"release {r.id} cover" for r in s.exec(select(Release).where(Release.cover_asset_id == a.id))]
    try:
        extra = store.facts(a)
        problem = None
    except StardustError as exc:
        extra, problem = {}, str(exc)
    findings = check_asset(a, strict=strict, facts=extra)
    data = a.model_dump(mode="json") | {"path": str(store.path_for(a)), "used_by": used,
                                         "wav_trailing_bytes": extra.get("wav_trailing_bytes"),
                                         "qc": [f.__dict__ for f in findings], "file_problem": problem}
    if as_json:
        click.echo(json.dumps(data, indent=2, default=str))
        return
    rows = [("id", a.id), ("sha256", a.sha256), ("md5", a.md5), ("size", f"{_size(a.size)} ({a.size} bytes)"),
            ("name", a.original_name), ("facts", describe(a)), ("path", data["path"])]
    if a.wav_format_tag is not None:
        tag = {1: "1 (plain PCM)", 3: "3 (IEEE float)", 0xFFFE: "0xFFFE (WAVE_FORMAT_EXTENSIBLE)"}
        rows.append(("wav format", tag.get(a.wav_format_tag, hex(a.wav_format_tag))))
    rows.append(("used by", ", ".join(used) or "-"))
    for k, v in rows:
        click.echo(f"{k:<11} {v}")
    if problem:
        click.echo(f"error: {problem}")
    errors = [f for f in findings if f.severity == "error"]
    verdict = "FAIL" if errors or problem else ("PASS with warnings" if findings else "PASS")
    click.echo(f"QC          {verdict}")
    for f in findings:
        click.echo(f"  {f.severity}: {f.field}: {f.message} [{f.code}]")


@asset.command("list")
@click.option("--kind", type=click.Choice(["audio", "image", "other"]), default=None)
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def list_cmd(obj: StardustContext, kind: str | None, limit: int, offset: int, as_json: bool) -> None:
    """Stored assets, newest first."""
    from sqlalchemy import func
    from sqlmodel import select

    from stardust_tui.domain.models import Asset
    from stardust_tui.store.db import session_scope

    stmt = select(Asset).order_by(Asset.id.desc())  # type: ignore[union-attr]
    count = select(func.count()).select_from(Asset)
    if kind:
        stmt, count = stmt.where(Asset.kind == kind), count.where(Asset.kind == kind)
    with session_scope(obj.engine) as s:
        rows = s.exec(stmt.offset(offset).limit(limit)).all()
        total = s.exec(count).one()
    if as_json:
        click.echo(json.dumps({"total": total, "assets": [a.model_dump(mode="json") for a in rows]}, indent=2))
        return
    for a in rows:
        click.echo(f"{a.id:>6}  {a.sha256[:12]}  {_size(a.size):>10}  {describe(a):<44}  {a.original_name}")
    click.echo(f"{len(rows)} of {total} asset(s)")


@asset.command("verify")
@click.argument("refs", nargs=-1)
@click.pass_obj
def verify_cmd(obj: StardustContext, refs: tuple[str, ...]) -> None:
    """Re-hash stored files (all, or the given ids/SHA-256s); exit 1 if any is missing or changed."""
    from sqlmodel import select

    from stardust_tui.assets.store import AssetStore
    from stardust_tui.domain.models import Asset
    from stardust_tui.store.db import session_scope

    store = AssetStore(obj.settings.paths)
    bad = checked = 0
    with session_scope(obj.engine) as s:
        ids = [store.get(s, r).id for r in refs] if refs else list(s.exec(select(Asset.id)).all())
    for asset_id in ids:
        with session_scope(obj.engine) as s:
            a = s.get(Asset, asset_id)
        ok = a is not None and store.verify(a)
        checked += 1
        if not ok and a is not None:
            bad += 1
            click.echo(f"BAD  {a.id:>6}  {a.sha256[:12]}  {a.original_name}  (missing or changed: {store.path_for(a)})")
    click.echo(f"{checked} checked, {bad} bad")
    if bad:
        raise SystemExit(1)
