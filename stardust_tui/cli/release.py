"""``stardust release ...`` (list, show, create, add-track, history, set-status, duplicate, delete, reindex)
and the top-level ``stardust check``: thin wrappers over ``stardust_tui.store.releases`` and the rules."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any

import click

from stardust_tui.cli.context import StardustContext

DATE = click.DateTime(formats=["%Y-%m-%d"])


def register(cli: click.Group) -> None:
    from stardust_tui.cli.release_edit import add_deal, edit

    release.add_command(edit)
    release.add_command(add_deal)
    cli.add_command(release)
    cli.add_command(check)


def _day(value: Any) -> date | None:
    return value.date() if value is not None else None


def _dump(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


@click.group()
def release() -> None:
    """Catalog releases: list, search, show, edit, history."""


@release.command("list")
@click.option("--search", "-s", "query", default=None, help="Full-text search (titles, artists, label, UPC, ISRC).")
@click.option("--status", default=None, help="draft, ready, delivered or taken-down.")
@click.option("--label", default=None, help="Label name (exact, case-insensitive).")
@click.option("--type", "release_type", default=None, help="album, ep, single or compilation.")
@click.option("--from", "date_from", type=DATE, default=None, help="Release date on or after YYYY-MM-DD.")
@click.option("--to", "date_to", type=DATE, default=None, help="Release date on or before YYYY-MM-DD.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def list_cmd(obj: StardustContext, query: str | None, status: str | None, label: str | None,
             release_type: str | None, date_from: Any, date_to: Any, limit: int, offset: int, as_json: bool) -> None:
    """List releases, newest first."""
    from stardust_tui.store.db import session_scope
    from stardust_tui.store.releases import count_releases, list_releases

    filters = dict(search=query, status=status, label=label, release_type=release_type,
                   date_from=_day(date_from), date_to=_day(date_to))
    with session_scope(obj.engine) as s:
        rows = list_releases(s, limit=limit, offset=offset, **filters)
        total = count_releases(s, **filters)
    if as_json:
        _dump({"total": total, "offset": offset, "releases": [r.__dict__ for r in rows]})
        return
    if not rows:
        click.echo("no releases" + (" match" if any(filters.values()) else ""))
        return
    click.echo(f"{'ID':>6}  {'UPC':<13}  {'TYPE':<11}  {'STATUS':<10}  {'DATE':<10}  {'DELIVERY':<9}  ARTIST — TITLE")
    for r in rows:
        click.echo(f"{r.id:>6}  {r.upc or '-':<13}  {r.release_type:<11}  {r.status:<10}  "
                   f"{str(r.release_date or '-'):<10}  {r.last_delivery_state or '-':<9}  "
                   f"{r.display_artist} — {r.title}" + (f"  [{r.label_name}]" if r.label_name else ""))
    click.echo(f"{offset + 1}-{offset + len(rows)} of {total}")


def _show_data(rel: Any) -> dict[str, Any]:
    from stardust_tui.store.releases import content_hash, snapshot_release

    def asset(a: Any) -> dict[str, Any] | None:
        if a is None:
            return None
        keys = ("id", "sha256", "size", "kind", "original_name", "container", "codec", "sample_rate", "bit_depth",
                "channels", "duration_seconds", "width", "height", "color_mode")
        return {k: getattr(a, k) for k in keys}

    data = {"id": rel.id, "revision": rel.revision, "content_hash": content_hash(rel), **snapshot_release(rel)}
    data["cover"] = asset(rel.cover)
    for t, out in zip(sorted(rel.tracks, key=lambda t: (t.disc_number, t.track_number)), data["tracks"],
                      strict=True):
        out["id"] = t.id
        out["audio"] = asset(t.audio)
    return data


@release.command("show")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def show(obj: StardustContext, ref: str, as_json: bool) -> None:
    """Show a release (by id or UPC) with its tracks, deals and assets."""
    from stardust_tui.store.db import session_scope
    from stardust_tui.store.releases import get_release, load_release

    with session_scope(obj.engine) as s:
        data = _show_data(load_release(s, get_release(s, ref).id))
    if as_json:
        _dump(data)
        return
    click.echo(f"#{data['id']}  {data['display_artist']} — {data['title']}"
               + (f" ({data['version']})" if data.get("version") else ""))
    for key in ("upc", "catalog_number", "release_type", "status", "label", "release_date", "original_release_date",
                "genre", "language", "parental_advisory", "p_line", "c_line", "revision"):
        click.echo(f"  {key:<22} {data.get(key) if data.get(key) is not None else '-'}")
    cover = data["cover"]
    click.echo(f"  {'cover':<22} " + (f"{cover['original_name']} {cover['width']}x{cover['height']} "
                                       f"sha256:{cover['sha256'][:12]}" if cover else "-"))
    click.echo(f"tracks ({len(data['tracks'])})")
    for t in data["tracks"]:
        a = t["audio"]
        audio = f"{a['container'] or a['kind']} {a['sample_rate'] or '?'}Hz/{a['bit_depth'] or '?'}bit" if a else "-"
        secs = t["duration_seconds"]
        dur = f"{int(secs // 60)}:{int(secs % 60):02d}" if secs else "-"
        click.echo(f"  {t['disc_number']}-{t['track_number']:<3} {t['isrc'] or '-':<12}  {dur:>6}  "
                   f"{t['display_artist']} — {t['title']}  [{audio}]")
    click.echo(f"deals ({len(data['deals'])})")
    for d in data["deals"]:
        click.echo(f"  {','.join(d['territories'])}  {','.join(d['commercial_models'])}  {','.join(d['use_types'])}"
                   f"  from {d['start'][:10]}" + (f" until {d['end'][:10]}" if d["end"] else ""))


@release.command("create")
@click.option("--title", required=True)
@click.option("--artist", "artists", multiple=True, required=True, help="Main artist (repeat for several).")
@click.option("--label", default=None)
@click.option("--upc", default=None)
@click.option("--type", "release_type", type=click.Choice(["album", "ep", "single", "compilation"]), default="album")
@click.option("--date", "release_date", type=DATE, default=None, help="Release date YYYY-MM-DD.")
@click.option("--genre", default=None)
@click.option("--p-line", default=None, help='e.g. "2024 Star Records"')
@click.option("--c-line", default=None)
@click.pass_obj
def create(obj: StardustContext, title: str, artists: tuple[str, ...], label: str | None, upc: str | None,
           release_type: str, release_date: Any, genre: str | None, p_line: str | None, c_line: str | None) -> None:
    """Create a draft release and print its id."""
    from stardust_tui.store.db import session_scope
    from stardust_tui.store.releases import create_release

    fields: dict[str, Any] = dict(title=title, artists=list(artists), label=label, upc=upc, release_type=release_type,
                                  release_date=_day(release_date), genre=genre)
    for name, line in (("p_line", p_line), ("c_line", c_line)):
        if line:
            year = line.split()[0]
            fields[name] = line
            if year.isdigit() and len(year) == 4:
                fields[f"{name}_year"] = int(year)
    with session_scope(obj.engine) as s:
        rel = create_release(s, actor=obj.actor, **fields)
        click.echo(rel.id)


@release.command("add-track")
@click.argument("ref")
@click.option("--title", required=True)
@click.option("--isrc", default=None)
@click.option("--artist", default=None, help="Track display artist (default: the release's).")
@click.option("--duration", type=float, default=None, help="Seconds.")
@click.option("--disc", type=click.IntRange(1), default=1)
@click.option("--number", type=click.IntRange(1), default=None, help="Track number (default: next).")
@click.option("--explicit", is_flag=True)
@click.option("--audio", "audio_id", type=int, default=None, help="Asset id of the audio file.")
@click.pass_obj
def add_track_cmd(obj: StardustContext, ref: str, title: str, isrc: str | None, artist: str | None,
                  duration: float | None, disc: int, number: int | None, explicit: bool, audio_id: int | None) -> None:
    """Append a track to a release and print its position."""
    from stardust_tui.domain.models import Asset
    from stardust_tui.errors import NotFoundError
    from stardust_tui.store.db import session_scope
    from stardust_tui.store.releases import add_track, get_release, save_release

    with session_scope(obj.engine) as s:
        rel = get_release(s, ref)
        if audio_id is not None and s.get(Asset, audio_id) is None:
            raise NotFoundError(f"no asset with id {audio_id}", where="--audio")
        fields: dict[str, Any] = dict(title=title, isrc=isrc, display_artist=artist or "", duration_seconds=duration,
                                      disc_number=disc, explicit=explicit, audio_asset_id=audio_id)
        if number is not None:
            if any(t.disc_number == disc and t.track_number == number for t in rel.tracks):
                from stardust_tui.errors import ConflictError

                raise ConflictError(f"release {rel.id} already has track {disc}-{number}")
            fields["track_number"] = number
        track = add_track(s, rel, **fields)
        save_release(s, rel, actor=obj.actor, action="add-track")
        click.echo(f"{track.disc_number}-{track.track_number}")


@release.command("history")
@click.argument("ref")
@click.argument("revisions", nargs=-1, type=int)
@click.option("--diff", "show_diff", is_flag=True, help="Show field changes between revisions A B (default: last two).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def history_cmd(obj: StardustContext, ref: str, revisions: tuple[int, ...], show_diff: bool, as_json: bool) -> None:
    """List a release's revisions, or with --diff [A B] the changes between two of them."""
    from stardust_tui.errors import ValidationError
    from stardust_tui.store.db import session_scope
    from stardust_tui.store.releases import get_release
    from stardust_tui.store.revisions import diff_revisions, history

    if revisions and (not show_diff or len(revisions) != 2):
        raise ValidationError("give two revision numbers after --diff, e.g. `history 12 --diff 3 5`")
    with session_scope(obj.engine) as s:
        rid = get_release(s, ref).id
        assert rid is not None
        if show_diff:
            a, b, changes = diff_revisions(s, rid, *(revisions or (None, None)))
        else:
            entries = history(s, rid)
    if show_diff:
        if as_json:
            _dump({"from": a, "to": b, "changes": [c.__dict__ for c in changes]})
            return
        click.echo(f"revision {a} -> {b}: {len(changes)} change(s)")
        for c in changes:
            before, after = (json.dumps(v, ensure_ascii=False) for v in (c.before, c.after))
            click.echo(f"  {c.path}: {before} -> {after}")
        return
    if as_json:
        _dump([e.__dict__ for e in entries])
        return
    for e in entries:
        click.echo(f"{e.number:>4}  {e.at:%Y-%m-%d %H:%M:%S}  {e.actor:<16}  {e.action:<11}  {e.summary}")


@release.command("set-status")
@click.argument("ref")
@click.argument("status")
@click.pass_obj
def set_status_cmd(obj: StardustContext, ref: str, status: str) -> None:
    """Set the status (draft, ready, delivered, taken-down); "ready" needs a clean check."""
    from stardust_tui.store.db import session_scope
    from stardust_tui.store.releases import get_release, set_status

    with session_scope(obj.engine) as s:
        rel = get_release(s, ref)
        set_status(s, rel, status, actor=obj.actor)
        click.echo(f"release {rel.id} is {status} (revision {rel.revision})")


@release.command("duplicate")
@click.argument("ref")
@click.pass_obj
def duplicate_cmd(obj: StardustContext, ref: str) -> None:
    """Copy a release as a new draft without UPC; prints the new id."""
    from stardust_tui.store.db import session_scope
    from stardust_tui.store.releases import duplicate_release, get_release

    with session_scope(obj.engine) as s:
        copy = duplicate_release(s, get_release(s, ref), actor=obj.actor)
        click.echo(copy.id)


@release.command("delete")
@click.argument("ref")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def delete_cmd(obj: StardustContext, ref: str, yes: bool) -> None:
    """Delete a release that was never delivered (its last snapshot stays in the audit log)."""
    from stardust_tui.store.db import session_scope
    from stardust_tui.store.releases import delete_release, get_release

    with session_scope(obj.engine) as s:
        rel = get_release(s, ref)
        if not yes:
            if not sys.stdin.isatty():
                from stardust_tui.errors import ValidationError

                raise ValidationError("refusing to delete without --yes when not on a terminal")
            click.confirm(f"delete release {rel.id} {rel.display_artist} — {rel.title}?", abort=True)
        delete_release(s, rel, actor=obj.actor)
        click.echo(f"deleted release {rel.id}")


@release.command("reindex")
@click.pass_obj
def reindex_cmd(obj: StardustContext) -> None:
    """Rebuild the full-text search index from the catalog."""
    from stardust_tui.store.db import session_scope
    from stardust_tui.store.search import rebuild_index

    with session_scope(obj.engine) as s:
        click.echo(f"indexed {rebuild_index(s)} release(s)")


@click.command()
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def check(obj: StardustContext, ref: str, as_json: bool) -> None:
    """Check a release is ready for delivery; exit 0 when nothing blocks, 1 otherwise."""
    from stardust_tui.domain.rules import check_release
    from stardust_tui.store.db import session_scope
    from stardust_tui.store.duplicates import find_duplicates
    from stardust_tui.store.releases import get_release, load_release

    with session_scope(obj.engine) as s:
        rel = load_release(s, get_release(s, ref).id)
        report = check_release(rel)
        report.extend(find_duplicates(s, rel))
    if as_json:
        _dump({"release": rel.id, **report.as_dict()})
    else:
        for f in report.errors + report.warnings + report.infos:
            click.echo(str(f))
        verdict = "ready" if report.ok else "not ready"
        click.echo(f"release {rel.id}: {verdict} — {len(report.errors)} error(s), {len(report.warnings)} warning(s)")
    click.get_current_context().exit(0 if report.ok else 1)
