"""``stardust profile list|show NAME|genres NAME``: the delivery profiles shipped, from plugins and in the user's
profiles folder, and a profile's genre mapping next to the catalog's genres (issue 16)."""

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


@profile.command("genres")
@click.argument("name", type=P.NAME)
@click.option("--export", "export_file", type=P.OutputFile(), default=None,
              help="Write the mapping and the catalog's unmapped genres to FILE (.csv, else TOML) to fill in.")
@click.option("--import", "import_file", type=P.InputFile(), default=None,
              help="Read a mapping (.csv with catalog_genre,dsp_genre columns, or a TOML [genres] table) into "
                   "your profile NAME.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def profile_genres(obj: StardustContext, name: str, export_file: str | None, import_file: str | None,
                   as_json: bool) -> None:
    """The genre mapping of profile NAME next to the catalog's genres: what each is sent as.

    Exit 1 when a catalog genre has no mapping and the profile is strict (a delivery would be refused).
    """
    from stardust_tui.services.genre_map import export_genres, genre_table, import_genres

    if export_file and import_file:
        raise click.UsageError("give --export or --import, not both")
    if import_file:
        written, count = import_genres(obj.services, name, import_file)
        click.echo(f"imported {count} genre mapping(s) into {written}")
        refused = genre_table(obj.services, name).refused
        if refused:
            click.echo(f"warning: {name} is strict and {len(refused)} catalog genre(s) still have no mapping: "
                       + ", ".join(r.genre for r in refused[:10]), err=True)
        return
    if export_file:
        rows = export_genres(obj.services, name, export_file)
        click.echo(f"wrote {rows} genre(s) to {export_file}")
        return
    table = genre_table(obj.services, name)
    if as_json:
        echo_json(table.as_dict())
    else:
        _print_genres(table)
    exit_with(ExitCode.FAILED if table.refused else ExitCode.OK)


def _print_genres(table) -> None:  # noqa: ANN001 - services.genre_map.GenreTable
    rules = table.rules
    policy = ("strict: an unmapped genre blocks readiness" if rules.strict else
              f"an unmapped genre is sent as {rules.fallback!r}" if rules.fallback else
              "an unmapped genre is sent as it is")
    listed = f"; {len(rules.accepted)} genre(s) in its list" if rules.accepted else ""
    click.echo(f"profile {table.profile}: {len(rules.map)} mapping(s); {policy}{listed}")
    if not table.rows:
        click.echo("(the catalog has no genres yet)")
        return
    width = max(13, *(len(r.genre) for r in table.rows)) + 2
    sent_width = max(7, *(len(r.sent or "-") for r in table.rows)) + 2
    click.echo(f"{'CATALOG GENRE':<{width}}{'RELEASES':>8}{'TRACKS':>8}  {'SENT AS':<{sent_width}}NOTE")
    notes = {"mapped": "mapped", "listed": "in the DSP's list", "fallback": "unmapped: fallback",
             "refused": "unmapped: BLOCKS", "unlisted": "unmapped, not in the DSP's list", "as-is": "as it is"}
    for r in table.rows:
        click.echo(f"{r.genre:<{width}}{r.releases:>8}{r.tracks:>8}  {r.sent or '-':<{sent_width}}"
                   f"{notes.get(r.how, r.how)}")
