"""``stardust release ...`` (list, show, create, add-track, history, set-status, duplicate, delete, reindex)
and the top-level ``stardust check``: argument parsing and printing around ``services.releases``."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any

import click

from stardust_tui.cli import params as P
from stardust_tui.cli.context import StardustContext
from stardust_tui.cli.output import echo_json, exit_with
from stardust_tui.cli.release_type_param import RELEASE_TYPE
from stardust_tui.domain import limits as L
from stardust_tui.domain.enums import MESSAGE_TYPES, ReleaseStatus
from stardust_tui.errors import ExitCode, ValidationError

DATE = P.DAY  # YYYY-MM-DD within the catalog's dates (a datetime at midnight)


def register(cli: click.Group) -> None:
    from stardust_tui.cli.release_edit import add_deal, edit

    release.add_command(edit)
    release.add_command(add_deal)
    cli.add_command(release)
    cli.add_command(check)


def _day(value: Any) -> date | None:
    return value.date() if value is not None else None


@click.group()
def release() -> None:
    """Catalog releases: list, search, show, edit, history."""


@release.command("list")
@click.option("--search", "-s", "query", type=P.Text(L.SEARCH_QUERY), default=None,
              help="Full-text search (titles, artists, label, UPC, ISRC, catalog number).")
@click.option("--status", type=P.Vocabulary([s.value for s in ReleaseStatus], "release status", "STATUS"), default=None,
              help="draft, ready, delivered or taken-down.")
@click.option("--label", type=P.Text(L.PARTY["name"]), default=None, help="Label name (exact, case-insensitive).")
@click.option("--type", "release_type", type=RELEASE_TYPE,
              default=None, help="album, ep, single or compilation.")
@click.option("--from", "date_from", type=DATE, default=None, help="Release date on or after YYYY-MM-DD.")
@click.option("--to", "date_to", type=DATE, default=None, help="Release date on or before YYYY-MM-DD.")
@click.option("--genre", type=P.Text(L.RELEASE["genre"]), default=None,
              help="Genre or subgenre (exact, case-insensitive).")
@click.option("--limit", type=P.PAGE_SIZE, default=50, show_default=True)
@click.option("--offset", type=P.OFFSET, default=0)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def list_cmd(obj: StardustContext, query: str | None, status: str | None, label: str | None,
             release_type: str | None, date_from: Any, date_to: Any, genre: str | None, limit: int, offset: int,
             as_json: bool) -> None:
    """List releases, newest first (--search also finds catalog numbers: STAR-001)."""
    from stardust_tui.services.releases import ReleaseFilters

    filters = ReleaseFilters(search=query, status=status, label=label, release_type=release_type,
                             date_from=_day(date_from), date_to=_day(date_to), genre=genre)
    page = obj.services.releases.list(filters, limit=limit, offset=offset)
    rows, total = page.releases, page.total
    if as_json:
        echo_json(page)
        return
    if not rows:
        click.echo("no releases" + (" match" if filters.any() else ""))
        return
    click.echo(f"{'ID':>6}  {'UPC':<13}  {'TYPE':<11}  {'STATUS':<10}  {'DATE':<10}  {'DELIVERY':<9}  ARTIST — TITLE")
    for r in rows:
        click.echo(f"{r.id:>6}  {r.upc or '-':<13}  {r.release_type:<11}  {r.status:<10}  "
                   f"{str(r.release_date or '-'):<10}  {r.last_delivery_state or '-':<9}  "
                   f"{r.display_artist} — {r.title}" + (f"  [{r.label_name}]" if r.label_name else ""))
    click.echo(f"{offset + 1}-{offset + len(rows)} of {total}")


@release.command("show")
@click.argument("ref", type=P.RELEASE_REF)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def show(obj: StardustContext, ref: str, as_json: bool) -> None:
    """Show a release (by id or UPC) with its tracks, deals and assets."""
    data = obj.services.releases.show(ref)
    if as_json:
        echo_json(data)
        return
    click.echo(f"#{data['id']}  {data['display_artist']} — {data['title']}"
               + (f" ({data['version']})" if data.get("version") else ""))
    for key in ("upc", "grid", "catalog_number", "release_type", "is_compilation", "status", "label", "release_date",
                "original_release_date", "genre", "language", "parental_advisory", "p_line", "c_line", "revision"):
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
    if data.get("resources"):  # videos, images, booklets, MIDI... (issue 18)
        click.echo(f"other resources ({len(data['resources'])})")
        for r in data["resources"]:
            click.echo(f"  {r['key']:<6} {r['kind']:<14} {r['resource_type']:<28} {r['title'] or '-'}"
                       f"  [{'sha256:' + r['asset_sha256'][:12] if r['asset_sha256'] else 'no file'}]")
    click.echo(f"deals ({len(data['deals'])})")
    for d in data["deals"]:
        click.echo(f"  {','.join(d['territories'])}  {','.join(d['commercial_models'])}  {','.join(d['use_types'])}"
                   f"  from {d['start'][:10]}" + (f" until {d['end'][:10]}" if d["end"] else ""))


@release.command("create")
@click.option("--title", type=P.Text(L.RELEASE["title"], nonempty=True), required=True)
@click.option("--artist", "artists", type=P.Text(L.PARTY["name"], nonempty=True), multiple=True, required=True,
              help="Main artist (repeat for several).")
@click.option("--label", type=P.Text(L.PARTY["name"]), default=None)
@click.option("--upc", type=P.Text(32), default=None)
@click.option("--type", "release_type", type=RELEASE_TYPE, default="Album", show_default=True,
              help="DDEX ReleaseType: Album, EP, Single, ClassicalAlbum, DjMix, Bundle, VideoSingle, VideoAlbum, "
                   "RingtoneRelease... (compilation = an Album marked multi-artist compilation).")
@click.option("--grid", type=P.Text(L.RELEASE["grid"]), default=None, help="GRid (a release may have one instead "
              "of a UPC).")
@click.option("--date", "release_date", type=DATE, default=None, help="Release date YYYY-MM-DD.")
@click.option("--genre", type=P.Text(L.RELEASE["genre"]), default=None)
@click.option("--p-line", type=P.Text(L.RELEASE["p_line"]), default=None, help='e.g. "2024 Star Records"')
@click.option("--c-line", type=P.Text(L.RELEASE["c_line"]), default=None)
@click.pass_obj
def create(obj: StardustContext, title: str, artists: tuple[str, ...], label: str | None, upc: str | None,
           release_type: str, grid: str | None, release_date: Any, genre: str | None, p_line: str | None,
           c_line: str | None) -> None:
    """Create a draft release and print its id."""
    click.echo(obj.services.releases.create(title=title, artists=list(artists), label=label, upc=upc, grid=grid,
                                            release_type=release_type, release_date=_day(release_date),
                                            genre=genre, p_line=p_line, c_line=c_line))


@release.command("add-track")
@click.argument("ref", type=P.RELEASE_REF)
@click.option("--title", type=P.Text(L.TRACK["title"], nonempty=True), required=True)
@click.option("--isrc", type=P.Text(32), default=None)
@click.option("--artist", type=P.Text(L.TRACK["display_artist"]), default=None,
              help="Track display artist (default: the release's).")
@click.option("--duration", type=P.Number(L.DURATION_SECONDS, integer=False), default=None, help="Seconds.")
@click.option("--disc", type=P.Number(L.DISC_NUMBER), default=1)
@click.option("--number", type=P.Number(L.TRACK_NUMBER), default=None, help="Track number (default: next).")
@click.option("--explicit", is_flag=True)
@click.option("--audio", "audio_id", type=P.ID, default=None, help="Asset id of the audio file.")
@click.pass_obj
def add_track_cmd(obj: StardustContext, ref: str, title: str, isrc: str | None, artist: str | None,
                  duration: float | None, disc: int, number: int | None, explicit: bool, audio_id: int | None) -> None:
    """Append a track to a release and print its position."""
    track = obj.services.releases.add_track(ref, title=title, isrc=isrc, artist=artist, duration=duration, disc=disc,
                                            number=number, explicit=explicit, audio_id=audio_id)
    click.echo(f"{track.disc_number}-{track.track_number}")


@release.command("history")
@click.argument("ref", type=P.RELEASE_REF)
@click.argument("revisions", nargs=-1, type=P.Number(L.REVISION))
@click.option("--diff", "show_diff", is_flag=True, help="Show field changes between revisions A B (default: last two).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def history_cmd(obj: StardustContext, ref: str, revisions: tuple[int, ...], show_diff: bool, as_json: bool) -> None:
    """List a release's revisions, or with --diff [A B] the changes between two of them."""
    if revisions and (not show_diff or len(revisions) != 2):
        raise ValidationError("give two revision numbers after --diff, e.g. `history 12 --diff 3 5`")
    if show_diff:
        diff = obj.services.releases.diff(ref, *(revisions or (None, None)))
        if as_json:
            echo_json({"from": diff.from_revision, "to": diff.to_revision, "changes": diff.changes})
            return
        click.echo(f"revision {diff.from_revision} -> {diff.to_revision}: {len(diff.changes)} change(s)")
        for c in diff.changes:
            before, after = (json.dumps(v, ensure_ascii=False) for v in (c.before, c.after))
            click.echo(f"  {c.path}: {before} -> {after}")
        return
    entries = obj.services.releases.history(ref)
    if as_json:
        echo_json(entries)
        return
    for e in entries:
        click.echo(f"{e.number:>4}  {e.at:%Y-%m-%d %H:%M:%S}  {e.actor:<16}  {e.action:<11}  {e.summary}")


@release.command("set-status")
@click.argument("ref", type=P.RELEASE_REF)
@click.argument("status", type=P.Vocabulary([s.value for s in ReleaseStatus], "release status", "STATUS"))
@click.pass_obj
def set_status_cmd(obj: StardustContext, ref: str, status: str) -> None:
    """Set the status (draft, ready, delivered, taken-down); "ready" needs a clean check."""
    saved = obj.services.releases.set_status(ref, status)
    click.echo(f"release {saved.release_id} is {status} (revision {saved.revision})")


@release.command("duplicate")
@click.argument("ref", type=P.RELEASE_REF)
@click.pass_obj
def duplicate_cmd(obj: StardustContext, ref: str) -> None:
    """Copy a release as a new draft without UPC; prints the new id."""
    click.echo(obj.services.releases.duplicate(ref))


@release.command("delete")
@click.argument("ref", type=P.RELEASE_REF)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def delete_cmd(obj: StardustContext, ref: str, yes: bool) -> None:
    """Delete a release that was never delivered (its last snapshot stays in the audit log)."""
    releases = obj.services.releases
    chosen: str | int = ref
    if not yes:
        if not sys.stdin.isatty():
            raise ValidationError("refusing to delete without --yes when not on a terminal")
        head = releases.head(ref)
        click.confirm(f"delete release {head.id} {head.display_artist} — {head.title}?", abort=True)
        chosen = head.id  # the release confirmed, even if its UPC changed meanwhile
    click.echo(f"deleted release {releases.delete(chosen).id}")


@release.command("reindex")
@click.pass_obj
def reindex_cmd(obj: StardustContext) -> None:
    """Rebuild the full-text search index from the catalog."""
    click.echo(f"indexed {obj.services.releases.reindex()} release(s)")


@click.command()
@click.argument("ref", type=P.RELEASE_REF)
@click.option("--target", "target_name", type=P.NAME, default=None,
              help="Run exactly the checks a delivery to this target runs (its profile's rules, file QC, DPIDs, "
                   "the message validated).")
@click.option("--type", "message_type", type=click.Choice(MESSAGE_TYPES), default="new", show_default=True,
              help="With --target: the message type to check for.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def check(obj: StardustContext, ref: str, target_name: str | None, message_type: str, as_json: bool) -> None:
    """Check a release is ready for delivery; exit 0 when nothing blocks, 1 otherwise."""
    readiness = obj.services.releases.check(ref, target=target_name, message_type=message_type)
    report = readiness.report
    if as_json:
        echo_json(readiness.as_dict())
    else:
        for f in report.errors + report.warnings + report.infos:
            click.echo(str(f))
            if f.fix:  # a rule's suggestion (issue 16: plugin rule packs, genre mapping)
                click.echo(f"  fix: {f.fix}")
        verdict = ("ready" if report.ok else "not ready") + (f" for {target_name}" if target_name else "")
        click.echo(f"release {readiness.release_id}: {verdict} — {len(report.errors)} error(s), "
                   f"{len(report.warnings)} warning(s)")
    exit_with(ExitCode.OK if report.ok else ExitCode.FAILED)
