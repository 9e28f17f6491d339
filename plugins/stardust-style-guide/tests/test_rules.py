"""The rule pack's own tests: plain values in, findings with their fix lines out (no store, no CLI), then the
pack loaded by Stardust through its entry points. Run with the plugin installed: ``pytest tests``."""

from __future__ import annotations

from datetime import date

from stardust_style_guide.rules import AllCaps, FeatPlacement, LineOwner, VersionInParentheses, line_owner, title_case

from stardust_tui.plugin import ReleaseFacts, RuleContext, TrackFacts

CONTEXT = RuleContext(today=date(2026, 1, 1))


def release(**kw) -> ReleaseFacts:  # noqa: ANN003
    values = dict(id=1, title="Night Drive", display_artist="Luna Park", label="Star Records",
                  p_line="2025 Star Records", p_line_year=2025, c_line="2025 Star Records", c_line_year=2025,
                  tracks=(TrackFacts(disc=1, number=1, title="Intro"),))
    values.update(kw)
    return ReleaseFacts(**values)


def found(rule, facts: ReleaseFacts) -> list[tuple[str, str, str, str | None]]:  # noqa: ANN001
    return [(f.code, f.field, f.severity, f.fix) for f in rule.check(facts, CONTEXT)]


def test_a_release_in_house_style_has_no_findings() -> None:
    clean = release(version="Radio Edit", display_artist="Luna Park feat. Ann Lee")
    for rule in (FeatPlacement(), AllCaps(), VersionInParentheses(), LineOwner()):
        assert found(rule, clean) == [], rule.name


def test_featured_artists_go_in_the_artist_spelt_feat() -> None:
    assert found(FeatPlacement(), release(title="Night Drive (feat. Ann Lee)")) == [
        ("style.feat-in-title", "title", "warning", 'title "Night Drive", artist "Luna Park feat. Ann Lee"')]
    assert found(FeatPlacement(), release(display_artist="Luna Park ft. Ann Lee")) == [
        ("style.feat-spelling", "display_artist", "warning", 'artist "Luna Park feat. Ann Lee"')]


def test_all_caps_titles_get_title_case_but_acronyms_and_numerals_stay() -> None:
    assert found(AllCaps(), release(title="NIGHT DRIVE OF THE CITY")) == [
        ("style.all-caps", "title", "warning", 'title "Night Drive of the City"')]
    assert found(AllCaps(), release(title="DJ EP II")) == []
    assert title_case("LIVE IN NYC PART II") == "Live in NYC Part II"


def test_a_version_belongs_in_the_version_field() -> None:
    assert found(VersionInParentheses(), release(title="Night Drive - Radio Edit")) == [
        ("style.version", "title", "warning", 'title "Night Drive", version "Radio Edit"')]
    assert found(VersionInParentheses(), release(version="(Live)")) == [
        ("style.version", "version", "warning", 'version "Live"')]
    tracks = (TrackFacts(disc=1, number=2, title="Highway [2024 Remaster]"),)
    assert found(VersionInParentheses(), release(tracks=tracks)) == [
        ("style.version", "tracks[1-2].title", "warning", 'title "Highway", version "2024 Remaster"')]


def test_the_p_and_c_line_owner_is_the_label() -> None:
    assert line_owner("℗ 2024 Star Records") == "Star Records" and line_owner("(C) 2024 Star Records") == "Star Records"
    assert found(LineOwner(), release(c_line="2025 Someone Else")) == [
        ("style.line-owner", "c_line", "error", 'C line "2025 Star Records"')]


def test_stardust_loads_the_pack() -> None:
    from stardust_tui import plugin_loader, plugin_points

    plugin_loader.reset()
    names = {item.name for item, _ in plugin_points.rules() if item.plugin == "stardust-style-guide"}
    assert names == {"feat-placement", "all-caps", "version-in-parentheses", "line-owner"}
