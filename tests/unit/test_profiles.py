"""Delivery profiles: shipped TOML files, user overrides/extends, and clear errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from stardust_tui.cli import cli
from stardust_tui.delivery.profiles import ProfileError, list_profiles, load_profile
from stardust_tui.errors import NotFoundError


def test_shipped_profiles_load_with_public_rules() -> None:
    names = {p.name for p in list_profiles()}
    assert {"generic-382", "generic-42", "generic-43", "spotify", "youtube", "meta", "audius"} <= names
    spotify = load_profile("spotify")
    assert spotify.ern_version == "4.3"
    assert spotify.choreography == "batch" and spotify.manifest == "non-empty"
    assert spotify.takedown != "purge"
    assert spotify.audio.plain_pcm_wav is True
    assert spotify.artwork.min_px == 640
    assert (spotify.lead_time_days, spotify.update_lead_time_days) == (5, 2)
    youtube = load_profile("youtube")
    assert len(youtube.recipients) == 3 and all(r.is_placeholder for r in youtube.recipients)
    meta = load_profile("meta")
    assert meta.ern_version == "4.2" and meta.ack_folder == "/acknowledgements"
    audius = load_profile("audius")
    assert audius.ern_version == "3.8.2" and audius.takedown == "purge"
    assert load_profile("generic-382").ern_version == "3.8.2"
    assert load_profile("generic-43").placeholder_recipients() == []


def test_shipped_profile_extends_another() -> None:
    rbr = load_profile("generic-43-rbr")
    assert rbr.choreography == "release-by-release" and rbr.manifest == "none"
    assert rbr.ern_version == "4.3" and rbr.artwork.min_px == 3000  # inherited


def test_user_profile_extends_and_overrides(tmp_path: Path) -> None:
    user = tmp_path / "profiles"
    user.mkdir()
    (user / "spotify.toml").write_text(
        'name = "spotify"\nextends = "spotify"\nprofile_version = 2\n'
        '[[recipients]]\ndpid = "PADPIDA2011072101T"\nname = "Spotify"\n'
        "[retry]\nmax_attempts = 9\n", encoding="utf-8")
    (user / "mydsp.toml").write_text(
        'extends = "generic-42"\nprofile_version = 1\n[choreography]\nack_folder = "acks"\n', encoding="utf-8")
    spotify = load_profile("spotify", user)
    assert spotify.profile_version == 2 and spotify.max_attempts == 9
    assert spotify.recipients[0].dpid == "PADPIDA2011072101T" and not spotify.placeholder_recipients()
    assert spotify.audio.plain_pcm_wav is True  # kept from the shipped profile
    assert spotify.source.endswith("spotify.toml") and str(user) in spotify.source
    mine = load_profile("mydsp", user)
    assert mine.name == "mydsp" and mine.ern_version == "4.2" and mine.ack_folder == "acks"
    assert mine.manifest == "non-empty"
    assert "mydsp" in {p.name for p in list_profiles(user)}


def test_bad_toml_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text('name = "bad"\nprofile_version = \n', encoding="utf-8")
    with pytest.raises(ProfileError) as exc:
        load_profile("bad", tmp_path)
    assert f"{tmp_path / 'bad.toml'}:2" in str(exc.value)


@pytest.mark.parametrize(("body", "needle"), [
    ('ern_version = "4.4"', "'ern_version' must be one of"),
    ('ern_version = "4.3"\n[choreography]\nmode = "zip"', "'mode' must be one of"),
    ('ern_version = "4.3"\n[audio]\nbit_depths = [16, "24"]', "'bit_depths' must hold only int"),
    ('ern_version = "4.3"\ncolour = "red"', "unknown field 'colour'"),
])
def test_bad_field_names_file_line_and_field(tmp_path: Path, body: str, needle: str) -> None:
    text = 'name = "bad"\nprofile_version = 1\n[[recipients]]\ndpid = "PADPIDA0000000000R"\nname = "R"\n'
    # top-level keys must come before the first table
    text = body.split("\n[")[0] + "\n" + text + ("\n[" + body.split("\n[", 1)[1] if "\n[" in body else "")
    (tmp_path / "bad.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as exc:
        load_profile("bad", tmp_path)
    assert needle in str(exc.value)
    assert str(tmp_path / "bad.toml") in str(exc.value)
    if "unknown" not in needle:
        assert ".toml:" in str(exc.value)  # the line number of the field


def test_bad_dpid_and_missing_recipient(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('name = "a"\nprofile_version = 1\nern_version = "4.3"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="recipients"):
        load_profile("a", tmp_path)
    (tmp_path / "b.toml").write_text('name = "b"\nprofile_version = 1\nern_version = "4.3"\n'
                                     '[[recipients]]\ndpid = "12345"\nname = "X"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="DDEX Party ID"):
        load_profile("b", tmp_path)


def test_unknown_profile_and_cycle(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        load_profile("nope", tmp_path)
    (tmp_path / "c1.toml").write_text('extends = "c2"\n', encoding="utf-8")
    (tmp_path / "c2.toml").write_text('extends = "c1"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="cycle"):
        load_profile("c1", tmp_path)


def test_cli_profile_list_and_show(isolated_home: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["profile", "list"])
    assert result.exit_code == 0, result.output
    assert "spotify" in result.output and "generic-43" in result.output
    result = runner.invoke(cli, ["profile", "show", "youtube"])
    assert result.exit_code == 0
    assert result.output.count("<- placeholder: set it") == 3  # the three YouTube recipients
    assert "refuses" not in result.output and "live DPIDs       must be real" in result.output
    result = runner.invoke(cli, ["profile", "show", "nope"])
    assert result.exit_code != 0 and "no delivery profile named 'nope'" in result.output


def test_user_profile_changes_are_picked_up(tmp_path: Path) -> None:
    import os

    path = tmp_path / "mine.toml"
    path.write_text('extends = "generic-43"\nprofile_version = 1\n', encoding="utf-8")
    assert load_profile("mine", tmp_path).profile_version == 1
    path.write_text('extends = "generic-43"\nprofile_version = 22\n', encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert load_profile("mine", tmp_path).profile_version == 22


def test_a_broken_user_file_only_breaks_its_own_profile(tmp_path: Path, isolated_home: Path) -> None:
    (tmp_path / "broken.toml").write_text('name = "broken"\nprofile_version = \n', encoding="utf-8")
    (tmp_path / "spotify.toml").write_text("extends = [\n", encoding="utf-8")
    assert load_profile("generic-43", tmp_path).name == "generic-43"
    with pytest.raises(ProfileError, match="broken.toml:2"):
        load_profile("broken", tmp_path)
    with pytest.raises(ProfileError, match="spotify.toml"):  # never silently the shipped one
        load_profile("spotify", tmp_path)
    errors: list[ProfileError] = []
    names = {p.name for p in list_profiles(tmp_path, errors)}
    assert "generic-43" in names and "broken" not in names and "spotify" not in names
    assert len(errors) == 2
    with pytest.raises(ProfileError):
        list_profiles(tmp_path)
    profiles = isolated_home / "profiles"
    profiles.mkdir(parents=True)
    (profiles / "broken.toml").write_text("x = \n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["profile", "list"])
    assert result.exit_code == 1 and "generic-43" in result.output and "broken.toml:1" in result.output


def test_dsp_profiles_need_real_dpids_and_spotify_refuses_purge() -> None:
    names = {p.name for p in list_profiles()}
    assert {"amazon-music", "deezer", "tidal", "beatport"} <= names
    for name in ("spotify", "youtube", "meta", "audius", "amazon-music", "deezer", "tidal", "beatport"):
        p = load_profile(name)
        assert p.real_dpids and p.placeholder_recipients(), name  # SETME recipients until the user sets them
    spotify = load_profile("spotify")
    assert spotify.refuses("purge") and not spotify.refuses("takedown")
    assert spotify.audio.plain_pcm_wav and spotify.artwork.min_px == 640 and spotify.artwork.upscaled == "error"
    assert not load_profile("generic-43").real_dpids


def test_undocumented_dsp_profiles_say_so_in_their_comments() -> None:
    from stardust_tui.delivery.profiles import _shipped_dir

    for name in ("amazon-music", "deezer", "tidal"):
        header = (_shipped_dir() / f"{name}.toml").read_text(encoding="utf-8").split("\nname =")[0]
        assert "not public" in header and "nothing here is claimed" in header, name


def test_qc_severities_deal_rules_and_refused_types_are_read_and_checked(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text(
        'extends = "generic-43"\nprofile_version = 3\n'
        '[audio]\nchannels = 1\nclipping = "error"\nmax_leading_silence = 0.5\nlossy_origin = "off"\n'
        '[artwork]\nmin_px = 1400\nrecommended_px = 2000\nborders = "error"\n'
        '[deals]\npreorders = false\nmax_instant_grat_share = 0.5\ndate_shift_days = -1\n'
        '[takedown]\nrefuses = ["purge"]\n', encoding="utf-8")
    p = load_profile("mine", tmp_path)
    assert (p.audio.channels, p.audio.clipping, p.audio.max_leading_silence, p.audio.lossy_origin) == (
        1, "error", 0.5, "off")
    assert (p.artwork.min_px, p.artwork.recommended_px, p.artwork.borders) == (1400, 2000, "error")
    assert (p.deals.preorders, p.deals.max_instant_grat_share, p.deals.date_shift_days) == (False, 0.5, -1)
    assert p.refused_types == ("purge",)
    bad = [('[audio]\nclipping = "fatal"\n', "clipping"), ('[audio]\nchannels = 6\n', "channels"),
           ('[audio]\nmax_leading_silence = -1\n', "negative"), ('[deals]\nmax_instant_grat_share = 2.0\n', "0 and 1"),
           ('[deals]\nwhatever = 1\n', "unknown field 'whatever'"), ('[takedown]\nrefuses = ["delete"]\n', "refuses"),
           ('[takedown]\nstrategy = "purge"\nrefuses = ["purge"]\n', "refuses purge"),
           ('[artwork]\nupscale = "error"\n', "unknown field 'upscale'")]
    for text, message in bad:
        (tmp_path / "broken.toml").write_text('extends = "generic-43"\nprofile_version = 1\n' + text, encoding="utf-8")
        with pytest.raises(ProfileError, match=message):
            load_profile("broken", tmp_path)


def test_ern_build_refuses_a_purge_the_profile_refuses() -> None:
    runner = CliRunner()
    rid = runner.invoke(cli, ["release", "create", "--title", "T", "--artist", "A"]).output.strip()
    for args in (["--type", "purge"], ["--type", "takedown", "--takedown-strategy", "purge"]):
        res = runner.invoke(cli, ["ern", "build", rid, "--profile", "spotify", *args])
        assert res.exit_code != 0 and res.output == ("error: --type: spotify refuses purge messages; it takes "
                                                     "releases down by remove-deals\n"), res.output
