"""Genre mapping per DSP (issue 16, core): ``stardust profile genres NAME [--export FILE|--import FILE]`` as a
user runs it, the mapped genre in the ERN message, a strict profile's unmapped genre blocking readiness, a
fallback genre, and a bad mapping file refused in one line with nothing written."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from lxml import etree
from sqlalchemy.engine import Engine

from stardust_tui.cli import cli
from stardust_tui.config import Settings
from tests.integration.delivery_release import make_release


def run(*args: str, code: int = 0):  # noqa: ANN201
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, (args, result.output, result.stderr)
    assert "Traceback" not in result.output + result.stderr
    return result


def genres_in(xml: str) -> set[str]:
    root = etree.fromstring(xml.encode())
    return {el.text for el in root.iter() if isinstance(el.tag, str) and etree.QName(el).localname == "GenreText"}


def test_export_fill_import_then_the_ern_sends_the_mapped_genre(sqlite_engine: Engine, settings: Settings,
                                                                tmp_path: Path) -> None:
    rid = make_release(sqlite_engine, settings, tmp_path / "src")
    table = run("profile", "genres", "generic-43").stdout.splitlines()
    assert table[0] == "profile generic-43: 0 mapping(s); an unmapped genre is sent as it is"
    assert table[2].split() == ["Electronic", "1", "2", "Electronic", "as", "it", "is"]
    sheet = tmp_path / "genres.csv"
    run("profile", "genres", "generic-43", "--export", str(sheet))
    assert sheet.read_text(encoding="utf-8").splitlines() == [
        "catalog_genre,dsp_genre,releases,tracks,note", "Electronic,,1,2,unmapped: sent as it is"]
    sheet.write_text("catalog_genre,dsp_genre,releases,tracks,note\nElectronic,Dance,1,2,\n", encoding="utf-8")
    run("profile", "genres", "generic-43", "--import", str(sheet))
    user_profile = settings.paths.profiles_dir / "generic-43.toml"
    assert 'extends = "generic-43"' in user_profile.read_text(encoding="utf-8")
    assert run("profile", "genres", "generic-43").stdout.splitlines()[2].split() == [
        "Electronic", "1", "2", "Dance", "mapped"]
    xml = run("ern", "build", str(rid), "--profile", "generic-43").stdout
    assert genres_in(xml) == {"Dance"}
    assert genres_in(run("ern", "build", str(rid)).stdout) == {"Electronic"}  # no profile: the catalog's genre


def test_strict_blocks_readiness_and_fallback_sends_its_genre(sqlite_engine: Engine, settings: Settings,
                                                              tmp_path: Path) -> None:
    rid = make_release(sqlite_engine, settings, tmp_path / "src")
    out = tmp_path / "dsp"
    out.mkdir()
    strict = tmp_path / "strict.toml"
    strict.write_text('[genres]\nstrict = true\naccepted = ["Dance", "Pop"]\n[genres.map]\nHouse = "Dance"\n',
                      encoding="utf-8")
    run("profile", "genres", "generic-43", "--import", str(strict))
    run("target", "add", "dsp", "--url", f"file://{out}", "--profile", "generic-43")
    blocked = run("check", str(rid), "--target", "dsp", code=1)
    assert ("error: genre: generic-43 takes mapped genres only and 'Electronic' has no mapping in its [genres] "
            "[genre-unmapped]") in blocked.stdout.splitlines()
    refused = run("deliver", str(rid), "--target", "dsp", code=1)
    assert refused.stderr == ("error: release 1: not ready for generic-43: genre: generic-43 takes mapped genres "
                              "only and 'Electronic' has no mapping in its [genres]\n")
    assert list(out.iterdir()) == []  # nothing was sent

    fallback = tmp_path / "fallback.toml"
    fallback.write_text('[genres]\nfallback = "Pop"\naccepted = ["Dance", "Pop"]\n', encoding="utf-8")
    run("profile", "genres", "generic-43", "--import", str(fallback))
    ok = run("check", str(rid), "--target", "dsp")
    assert ("warning: genre: 'Electronic' has no mapping: sent to generic-43 as 'Pop' (the profile's fallback) "
            "[genre-fallback]") in ok.stdout.splitlines()
    assert genres_in(run("ern", "build", str(rid), "--profile", "generic-43").stdout) == {"Pop"}


def test_a_bad_mapping_file_is_one_line_and_changes_nothing(sqlite_engine: Engine, settings: Settings,
                                                            tmp_path: Path) -> None:
    make_release(sqlite_engine, settings, tmp_path / "src")
    good = tmp_path / "good.csv"
    good.write_text("catalog_genre,dsp_genre\nElectronic,Dance\n", encoding="utf-8")
    run("profile", "genres", "generic-43", "--import", str(good))
    user_profile = settings.paths.profiles_dir / "generic-43.toml"
    before = user_profile.read_bytes()
    for name, text in (("cols.csv", "genre;dsp\nElectronic;Dance\n"),
                       ("bad.toml", "[genres]\nstrict = \"yes\"\n")):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        bad = CliRunner().invoke(cli, ["profile", "genres", "generic-43", "--import", str(path)])
        assert bad.exit_code != 0, (name, bad.output)
        assert len(bad.stderr.strip().splitlines()) == 1 and bad.stderr.startswith("error: "), (name, bad.stderr)
        assert user_profile.read_bytes() == before, name
    assert sorted(p.name for p in settings.paths.profiles_dir.iterdir()) == ["generic-43.toml"]
    missing = CliRunner().invoke(cli, ["profile", "genres", "no-such-dsp"])
    assert missing.exit_code != 0 and "no-such-dsp" in missing.stderr
