"""``stardust backup OUT`` and ``stardust restore FILE|DIR [--verify] [--force]``."""

from __future__ import annotations

from typing import Any

import click

from stardust_tui.cli import params as P
from stardust_tui.cli.context import StardustContext
from stardust_tui.cli.output import echo_json, exit_with
from stardust_tui.domain import limits as L
from stardust_tui.errors import ExitCode


def register(cli: click.Group) -> None:
    cli.add_command(backup_cmd)
    cli.add_command(restore_cmd)


@click.command("backup")
@click.argument("out", type=P.Directory(must_exist=False))
@click.option("--keep", type=P.Number(L.KEEP_SNAPSHOTS), default=None,
              help="After the backup, keep only the newest N snapshots in OUT.")
@click.pass_obj
def backup_cmd(obj: StardustContext, out: str, keep: int | None) -> None:
    """Snapshot the database (safe while the TUI and workers run) and the asset store into OUT.

    OUT is a backup root: each run adds OUT/snapshots/<time>/ with a manifest of SHA-256 checksums;
    assets already in OUT are not copied again. PostgreSQL is dumped with pg_dump when installed (otherwise
    the database is not included and the pg_dump command to run is printed). Put OUT on another disk.
    The asset store may be a bucket ([assets] url): its objects are streamed into OUT. An asset missing
    from the store is named on stderr and the command exits 1 (the snapshot is kept and says so).
    """
    result, removed = obj.services.backups.create(out, keep=keep)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    for line in result.missing_details[:50]:
        click.echo(f"error: {line}", err=True)
    if len(result.missing_details) > 50:
        click.echo(f"error: ... and {len(result.missing_details) - 50} more missing assets", err=True)
    click.echo(result.summary())
    if removed:
        click.echo(f"pruned {len(removed)} old snapshot(s)")
    if result.missing_assets:
        exit_with(ExitCode.FAILED)


@click.command("restore")
@click.argument("source", type=P.FileOrDirectory())
@click.option("--verify", "verify_only", is_flag=True, help="Only verify the checksums; restore nothing.")
@click.option("--force", is_flag=True, help="Restore into a home that already has a database or assets.")
@click.option("--json", "as_json", is_flag=True, help="Print the verification (and notes) as JSON.")
@click.pass_obj
def restore_cmd(obj: StardustContext, source: str, verify_only: bool, force: bool, as_json: bool) -> None:
    """Restore a backup (snapshot dir, its manifest.json, or a backup root = newest snapshot).

    Checksums are verified first; the home must be empty (use the global --home for a new one) unless --force
    (stop the TUI and workers of that home first; the old database is kept as stardust.db.before-restore-*).
    """
    backups = obj.services.backups
    if verify_only:
        result = backups.verify(source)
        if as_json:
            echo_json(_verified(result))
        else:
            for problem in result.problems[:50]:
                click.echo(f"error: {problem}", err=True)
            click.echo(result.summary())
        if not result.ok:
            exit_with(ExitCode.FAILED)
        return
    verified, notes = backups.restore(source, force=force)
    if as_json:
        echo_json(_verified(verified) | {"restored": True, "notes": notes})
        return
    click.echo(verified.summary())
    for note in notes:
        click.echo(note)


def _verified(result: Any) -> dict[str, Any]:
    return {"snapshot": result.snapshot, "checked": result.checked, "ok": result.ok, "problems": result.problems}
