"""App shell: YAML themes, domain colour variables, keymap remapping, modes and the palette provider."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import settle

from stardust_tui.errors import ConfigError
from stardust_tui.themes import bundled_theme_dirs, load_theme_file, load_themes

pytestmark = pytest.mark.anyio


def test_bundled_themes_are_found_and_complete() -> None:
    assert any((d / "stardust-dark.yaml").is_file() for d in bundled_theme_dirs())
    themes = load_themes()
    assert {"stardust-dark", "stardust-light"} <= set(themes)
    assert themes["stardust-dark"].dark and not themes["stardust-light"].dark
    for theme in themes.values():
        assert "delivery-succeeded" in theme.variables and "delivery-failed" in theme.variables


def test_user_theme_overrides_and_bad_theme_names_file_and_line(tmp_path: Path) -> None:
    good = tmp_path / "mine.yaml"
    good.write_text("name: stardust-dark\nprimary: '#ff0000'\ndark: true\n", encoding="utf-8")
    assert load_themes(tmp_path)["stardust-dark"].primary == "#ff0000"
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nprimary: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.yaml:\d+: invalid YAML"):
        load_theme_file(bad)
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("name: x\nprimary: '#000000'\nsparkle: 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown key"):
        load_theme_file(unknown)


async def test_theme_from_config_and_domain_variables(sqlite_engine, settings, app_factory) -> None:
    settings.theme = "stardust-light"
    app = app_factory(sqlite_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "stardust-light"
        assert app.theme_variables["delivery-failed"] == "#c4264a"
        app.theme = "textual-dark"  # a theme without our variables still gets defaults
        await pilot.pause()
        assert app.theme_variables["delivery-failed"] == "red"


async def test_keymap_from_config_remaps_a_binding(sqlite_engine, settings, app_factory) -> None:
    settings.keymap = {"catalog-new": "f9"}
    app = app_factory(sqlite_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f9")
        await pilot.pause()
        assert type(app.screen).__name__ == "ReleaseWizardScreen"


async def test_every_binding_has_id_and_description(sqlite_engine, app_factory) -> None:
    import importlib
    import pkgutil

    from textual.binding import Binding
    from textual.dom import DOMNode

    from stardust_tui import screens, widgets
    from stardust_tui.app import StardustApp

    classes: list[type] = [StardustApp]
    for package in (screens, widgets):
        for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            module = importlib.import_module(info.name)
            classes += [c for c in vars(module).values() if isinstance(c, type) and issubclass(c, DOMNode)
                        and c.__module__ == module.__name__ and "BINDINGS" in vars(c)]
    assert len(classes) >= 12
    from textual.widgets import Input

    editing_chords = {k for b in Input.BINDINGS for k in b.key.split(",") if k.startswith("ctrl+")}
    for cls in classes:
        for binding in cls.BINDINGS:  # a focused input would swallow these, or tmux/screen would
            clash = set(binding.key.split(",")) & (editing_chords | {"ctrl+b", "ctrl+a"})
            assert not clash or cls is StardustApp, (cls, binding.key, clash)
    for cls in classes:
        for binding in cls.BINDINGS:
            assert isinstance(binding, Binding) and binding.id, (cls, binding)
            assert binding.description and (binding.tooltip or not binding.show), (cls, binding)
            assert "ctrl+enter" not in binding.key


async def test_palette_lists_screen_actions(seeded, app_factory) -> None:
    from stardust_tui.commands import ScreenCommands

    engine, _ = seeded
    app = app_factory(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        provider = ScreenCommands(app.screen)
        names = [hit.text async for hit in provider.discover()]
        assert {"Open", "New", "Delete", "Deliver", "ERN", "Readiness"} <= set(names)
        hits = [hit.text async for hit in provider.search("dupl")]
        assert hits == ["Duplicate"]
        await pilot.press("2")
        await pilot.pause()
        assert app.current_mode == "targets"
