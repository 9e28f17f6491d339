"""``stardust profile list|show NAME``: the delivery profiles shipped and in the user's profiles folder."""

from __future__ import annotations

import click

from stardust_tui.cli import params as P
from stardust_tui.cli.context import StardustContext
from stardust_tui.cli.output import echo_json, exit_with
from stardust_tui.errors import ExitCode


def register(cli: click.Group) -> None:
    cli.add_command(profile)


@click.group()
def profile() -> None:
    """Delivery profiles (per-DSP rules). User files in the profiles folder override shipped ones."""


@profile.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def profile_list(obj: StardustContext, as_json: bool) -> None:
    """List every delivery profile."""
    profiles, errors = obj.services.profiles.list()
    if as_json:
        echo_json(profiles)
        if errors:
            exit_with(ExitCode.FAILED)
        return
    click.echo(f"{'NAME':<18} {'VER':>3} {'ERN':<6} {'CHOREOGRAPHY':<19} {'MANIFEST':<10} {'TAKEDOWN':<13} RECIPIENTS")
    for p in profiles:
        names = ", ".join(r.name + (" (DPID not set)" if r.is_placeholder else "") for r in p.recipients)
        click.echo(f"{p.name:<18} {p.profile_version:>3} {p.ern_version:<6} {p.choreography:<19} {p.manifest:<10} "
                   f"{p.takedown:<13} {names}")
    click.echo(f"(user profiles: {obj.settings.paths.profiles_dir})")
    for exc in errors:
        click.echo(f"error: {exc}", err=True)
    if errors:
        exit_with(ExitCode.FAILED)


@profile.command("show")
@click.argument("name", type=P.NAME)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def profile_show(obj: StardustContext, name: str, as_json: bool) -> None:
    """Show one profile with every setting."""
    p = obj.services.profiles.get(name)
    if as_json:
        echo_json(p)
        return
    sender = f"{p.sender.name} ({p.sender.dpid})" if p.sender else (
        f"{obj.settings.sender_name} ({obj.settings.sender_dpid}) [from settings]")
    rows = [
        ("name", f"{p.name} (version {p.profile_version})"),
        ("description", p.description),
        ("source", p.source),
        ("ern version", p.ern_version),
        ("release profile", p.release_profile),
        ("sender", sender),
    ]
    for i, r in enumerate(p.recipients, 1):
        rows.append((f"recipient {i}", f"{r.name} ({r.dpid})" + ("  <- placeholder: set it" if r.is_placeholder
                                                                  else "")))
    a = p.audio
    rows += [
        ("choreography", p.choreography + (f" (priority prefix {p.batch_priority_prefix!r})"
                                           if p.batch_priority_prefix else "")),
        ("manifest", p.manifest if p.manifest == "none" else f"{p.manifest} (ERN-C {p.manifest_version})"),
        ("ack folder", p.ack_folder or "(none: ACKs not polled)"),
        ("ack format", p.ack_format),
        ("takedown", p.takedown + (f" (refuses {', '.join(p.refused_types)} messages)" if p.refused_types else "")),
        ("test messages", "yes" if p.test_message else "no"),
        ("live DPIDs", "must be real (placeholder or invalid sender/recipient DPIDs are refused)" if p.real_dpids
         else "placeholders are a warning while the recipient is a placeholder too"),
        ("audio", f"{'/'.join(p.audio.formats)}, {'/'.join(map(str, p.audio.bit_depths))}-bit, "
                  f">= {p.audio.min_sample_rate} Hz, {p.audio.channels} ch"
                  + (", plain PCM WAV only" if p.audio.plain_pcm_wav else "")
                  + (", one bit depth per release" if p.audio.same_bit_depth else "")),
        ("audio QC", f"lossy origin {a.lossy_origin}, clipping {a.clipping} (> {a.max_clipped_runs} runs), "
                     f"silence {a.silence} (> {a.max_leading_silence:g} s lead / {a.max_trailing_silence:g} s tail), "
                     f"duration vs metadata {a.duration_mismatch} (± {a.duration_tolerance:g} s), "
                     f"dual mono {a.dual_mono}"),
        ("artwork", f"{'/'.join(p.artwork.formats)}, >= {p.artwork.min_px} px"
                    + (", square" if p.artwork.square else "") + (", RGB" if p.artwork.rgb else "")),
        ("artwork QC", f"upscaled {p.artwork.upscaled}, borders {p.artwork.borders}, "
                       f"placeholder {p.artwork.placeholder}"),
        ("deals need", ", ".join(p.required_models + p.required_use_types) or "(nothing beyond the catalog rules)"),
        ("deals", ("pre-orders taken" if p.deals.preorders else "pre-orders left out")
                  + (f", at most {p.deals.max_instant_grat_share:.0%} instant gratification"
                     if p.deals.max_instant_grat_share is not None else "")
                  + (f", dates shifted {p.deals.date_shift_days:+d} day(s)" if p.deals.date_shift_days else "")),
        ("genre mapping", ", ".join(f"{k} -> {v}" for k, v in p.genres.items()) or "(none)"),
        ("file naming", ", ".join(f"{k}: {v}" for k, v in p.naming.items()) or "(ERN engine defaults)"),
        ("retries", f"{p.max_attempts} attempts, backoff {p.backoff_seconds:g} s"),
        ("lead time", f"{p.lead_time_days} days (new), {p.update_lead_time_days} days (update/takedown)"),
    ]
    for key, value in rows:
        click.echo(f"{key:<16} {value}")
