"""``stardust sandbox target|serve``: a DSP on your own machine, to rehearse a delivery offline.

``sandbox target NAME --profile P`` adds a local target whose profile (``sandbox-P``) is P with the sandbox's
DPIDs; ``sandbox serve --profile P`` acts as that DSP on the inbox (the local folder by default, or
``--inbox`` an SFTP/S3/Azure/FTP URL), checks every complete batch as P's DSP would and writes ACKs and a
report into the ACK folder. Then ``stardust target acks NAME`` records what the DSP said.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

import click

from stardust_tui.cli import params as P
from stardust_tui.cli.context import StardustContext
from stardust_tui.domain import limits as L


def register(cli: click.Group) -> None:
    cli.add_command(sandbox)


@click.group()
def sandbox() -> None:
    """A sandbox DSP: rehearse deliveries, ACKs and statuses offline."""


@sandbox.command("target")
@click.argument("name", type=P.NAME)
@click.option("--profile", "profile", type=P.NAME, required=True, help="The DSP to rehearse (stardust profile list).")
@click.option("--dir", "folder", type=P.Directory(must_exist=False), default=None,
              help="Inbox folder (default: <data dir>/sandbox/<profile>).")
@click.pass_obj
def sandbox_target(obj: StardustContext, name: str, profile: str, folder: str | None) -> None:
    """Add a local target delivering to the sandbox DSP of PROFILE."""
    from pathlib import Path

    made = obj.services.sandbox.target(name, profile=profile, folder=Path(folder) if folder else None)
    verb = "added" if made.created else "kept"
    click.echo(f"{verb} target {made.name} ({made.url}, profile {made.profile} = {made.base_profile}'s rules "
               f"with the sandbox's DPIDs; ACKs in {made.ack_folder}/)")
    click.echo(f"profile written to {made.profile_file}")
    if made.sandbox_sender:
        click.echo("note: sender_dpid in config.toml is a placeholder: the rehearsal sends as the sandbox's sender; "
                   "set your DDEX party ID before a live delivery", err=True)
    click.echo(f"next: stardust sandbox serve --profile {made.base_profile}   (in another terminal), then "
               f"stardust deliver REF --target {made.name} --wait; stardust target acks {made.name}")


@sandbox.command("serve")
@click.option("--profile", "profile", type=P.NAME, required=True, help="The DSP to act as (stardust profile list).")
@click.option("--inbox", type=P.Text(L.TARGET["url"], nonempty=True), default=None, metavar="URL|DIR",
              help="Where deliveries arrive (default: the profile's local sandbox folder).")
@click.option("--once", is_flag=True, help="Answer what is complete now, then exit.")
@click.option("--interval", type=P.Number(L.Span(0.5, 3600.0), integer=False), default=5.0, show_default=True,
              help="Seconds between polls.")
@click.option("--key", "key_file", type=P.InputFile(), help="SSH private key file (sftp inbox).")
@click.option("--known-hosts", type=P.InputFile(), help="known_hosts file (sftp inbox).")
@click.option("--host-key", type=P.Text(L.TARGET["host_key"], nonempty=True), help="Pinned SSH host key SHA256:...")
@click.option("--secret", "secrets", type=P.Text(L.SECRET_VALUE), multiple=True, metavar="KEY=VALUE",
              help="Inbox credentials (password, aws_secret_access_key...); VALUE '-' reads it from stdin.")
@click.pass_obj
def sandbox_serve(obj: StardustContext, profile: str, inbox: str | None, once: bool, interval: float,
                  key_file: str | None, known_hosts: str | None, host_key: str | None,
                  secrets: tuple[str, ...]) -> None:
    """Act as the DSP of PROFILE: check each complete batch, write ACKs and a report."""
    from stardust_tui.cli.target import _read_stdin_values

    _, values = _read_stdin_values(False, secrets)
    stop = threading.Event()
    if not once and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())

    def show(result: Any) -> None:
        for verdict, ack in zip(result.verdicts, result.acks, strict=True):
            what = verdict.icpn or verdict.grid or verdict.message_path
            if verdict.accepted:
                click.echo(f"{result.folder}: release {what} accepted (ACK {ack})")
            else:
                click.echo(f"{result.folder}: release {what} REJECTED {verdict.status}: {verdict.error_text(2)} "
                           f"(ACK {ack})")
        click.echo(f"{result.folder}: report {result.report_path}")

    if not once:
        click.echo(f"sandbox {profile}: polling every {interval:g} s (Ctrl+C to stop)", err=True)
    try:
        results = obj.services.sandbox.serve(profile, inbox=inbox, once=once, interval=interval, key_file=key_file,
                                             known_hosts=known_hosts, host_key=host_key, secrets=values,
                                             on_result=show, stop=stop.is_set)
    except KeyboardInterrupt:
        click.echo("sandbox stopped", err=True)
        return
    if once and not results:
        click.echo("nothing complete to answer")
    if once and any(not v.accepted for r in results for v in r.verdicts):
        raise click.exceptions.Exit(1)
