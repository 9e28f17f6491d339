"""Test a rule on its own (plain values in, findings out), then inside Stardust (installed plugin)."""

from __future__ import annotations

from datetime import date

from stardust_myplugin.rules import NoTrailingPeriod

from stardust_tui.plugin import ReleaseFacts, RuleContext, TrackFacts

CONTEXT = RuleContext(today=date(2026, 1, 1))


def test_a_title_with_a_full_stop_gets_a_fix() -> None:
    release = ReleaseFacts(id=1, title="Night Drive.", tracks=(TrackFacts(disc=1, number=2, title="Intro"),))
    findings = list(NoTrailingPeriod().check(release, CONTEXT))
    assert [(f.field, f.severity, f.fix) for f in findings] == [("title", "warning", 'title "Night Drive"')]


def test_an_ellipsis_and_clean_titles_pass() -> None:
    release = ReleaseFacts(id=1, title="And Then...", tracks=(TrackFacts(disc=1, number=1, title="Outro"),))
    assert list(NoTrailingPeriod().check(release, CONTEXT)) == []


def test_stardust_loads_the_rule() -> None:
    """Installed (pip install .), the plugin is found through its entry point and runs in readiness."""
    from stardust_tui import plugin_loader, plugin_points

    plugin_loader.reset()
    names = [item.name for item, _ in plugin_points.rules()]
    assert "no-trailing-period" in names
    assert not [p for p in plugin_loader.host().problems if "stardust-myplugin" in p]
