"""The smaller defects of issue 17: the ERN save dialog has focus, copying inside tmux says what OSC 52
needs, a theme switch recolours rows and is remembered, the 80-column footer shows whole keys on every
screen, checkbox state reads without colour, ctrl+r always means refresh."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid

import pytest
from tui_helpers import screen_text, seed_deliveries, settle, wait_until

pytestmark = pytest.mark.anyio


async def test_the_ern_save_dialog_takes_typing_at_once(seeded, app_factory) -> None:
    engine, ids = seeded
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_ern(ids[0])
        await settle(app, pilot)
        assert await wait_until(pilot, lambda: app.screen.message is not None, timeout=60)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("end", *"-copy")
        path = app.screen.query_one("#save-path").value
        assert path.endswith("-copy")


@pytest.fixture
def tmux_server():
    if shutil.which("tmux") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("tmux is not installed (CI=true)")
        pytest.skip("tmux is not installed")
    name = f"stardust-clip-{uuid.uuid4().hex[:8]}"
    subprocess.run(["tmux", "-L", name, "new-session", "-d", "-s", "clip"], check=True, timeout=10)
    socket = subprocess.run(["tmux", "-L", name, "display-message", "-p", "#{socket_path}"], capture_output=True,
                            text=True, check=True, timeout=10).stdout.strip()
    yield name, socket
    subprocess.run(["tmux", "-L", name, "kill-server"], capture_output=True, timeout=10)


async def test_copy_inside_tmux_says_what_osc52_needs(seeded, app_factory, monkeypatch, tmux_server) -> None:
    name, socket = tmux_server
    monkeypatch.setenv("TMUX", f"{socket},1,0")
    subprocess.run(["tmux", "-L", name, "set-option", "-g", "set-clipboard", "off"], check=True, timeout=10)
    engine, ids = seeded
    app = app_factory(engine)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        app.open_ern(ids[0])
        await settle(app, pilot)
        assert await wait_until(pilot, lambda: app.screen.message is not None, timeout=60)
        await pilot.press("y")
        assert await wait_until(pilot, lambda: app._notifications, timeout=10)
        await settle(app, pilot)
        text = " ".join(n.message for n in app._notifications)
        assert "set-clipboard" in text and "Copied" not in text
        app.clear_notifications()
        subprocess.run(["tmux", "-L", name, "set-option", "-g", "set-clipboard", "on"], check=True, timeout=10)
        await pilot.press("y")
        assert await wait_until(pilot, lambda: app._notifications, timeout=10)
        await settle(app, pilot)
        assert any("Copied" in n.message for n in app._notifications)


async def test_a_theme_switch_recolours_rows_and_is_remembered(seeded, settings, app_factory) -> None:
    from stardust_tui.app import make_app
    from stardust_tui.config import load_settings
    from stardust_tui.widgets.styling import state_colour

    engine, ids = seeded
    settings.paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    settings.paths.config_file.write_text('# mine\nsender_name = "Me"\n\n[worker]\nconcurrency = 2\n')
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#releases")
        dark = state_colour(app, "release", "draft")
        assert str(table.get_row_at(0)[2].style.color.name).lower() == dark.lower()
        app.theme = "stardust-light"
        await settle(app, pilot)
        light = state_colour(app, "release", "draft")
        assert light != dark
        assert await wait_until(pilot, lambda: str(table.get_row_at(0)[2].style.color.name).lower() == light.lower())
        await settle(app, pilot)
    text = settings.paths.config_file.read_text()
    assert 'theme = "stardust-light"' in text and "# mine" in text and "concurrency = 2" in text
    again = load_settings()
    assert again.theme == "stardust-light" and again.worker_concurrency == 2
    assert make_app(again, engine, start_workers=False).theme == "stardust-light"


def _footer(app) -> str:
    return screen_text(app).rstrip("\n").splitlines()[-1]


async def test_the_footer_shows_whole_keys_at_80_columns_on_every_screen(seeded, settings, app_factory) -> None:
    engine, ids = seeded
    seed_deliveries(engine, settings, ids)
    app = app_factory(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        visits = [("catalog", lambda: None), ("targets", lambda: app.switch_mode("targets")),
                  ("deliveries", lambda: app.switch_mode("deliveries")),
                  ("wizard", lambda: (app.switch_mode("catalog"), app.open_release(ids[0]))),
                  ("tracks", lambda: (app.pop_screen(), app.open_tracks(ids[0]))),
                  ("ern", lambda: (app.pop_screen(), app.open_ern(ids[0])))]
        for name, go in visits:
            go()
            await settle(app, pilot)
            await pilot.pause(0.3)
            footer = _footer(app)
            assert "^p Commands" in footer, (name, footer)
            shown = {b.binding.description for b in app.screen.active_bindings.values()
                     if b.binding.show and b.enabled and b.binding.description}
            for description in shown:  # every key the footer shows is there in full, none cut at the edge
                assert any(f" {description}{end}" in footer for end in ("  ", " ▏", "▏")), (name, description, footer)


async def test_checkbox_state_reads_without_colour(seeded, app_factory) -> None:
    engine, ids = seeded
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_tracks(ids[0])
        await settle(app, pilot)
        box = app.screen.query_one("#t-explicit")
        box.value = False
        await pilot.pause()
        unticked = str(box.render())
        box.value = True
        await pilot.pause()
        ticked = str(box.render())
        assert unticked != ticked and "X" in ticked and "X" not in unticked


async def test_ctrl_r_means_refresh_on_every_screen() -> None:
    import importlib
    import pkgutil

    from stardust_tui import screens

    for info in pkgutil.iter_modules(screens.__path__, screens.__name__ + "."):
        module = importlib.import_module(info.name)
        for cls in [c for c in vars(module).values() if isinstance(c, type) and "BINDINGS" in vars(c)]:
            for binding in cls.BINDINGS:
                if "ctrl+r" in binding.key.split(","):
                    assert binding.description in ("Refresh", "Rebuild", "Reload"), (cls, binding)


async def test_typing_in_a_form_does_not_relayout_the_screen_and_still_scrolls(seeded, app_factory) -> None:
    from textual.widget import Widget

    engine, ids = seeded
    app = app_factory(engine)
    layouts: list[str] = []
    original = Widget.refresh

    def counting(self, *regions, repaint=True, layout=False, recompose=False):  # noqa: ANN001, ANN002
        if layout:
            layouts.append(type(self).__name__)
        return original(self, *regions, repaint=repaint, layout=layout, recompose=recompose)

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_release(ids[0])
        await settle(app, pilot)
        title = app.screen.query_one("#f-title")
        await wait_until(pilot, lambda: title.value != "")
        app.screen.set_focus(title)
        await pilot.press("end")
        await pilot.pause()
        Widget.refresh = counting
        try:
            await pilot.press(*" and a much longer title that runs past the edge of the field QZX")
            await pilot.pause()
        finally:
            Widget.refresh = original
        assert type(title).__name__ not in layouts  # a keystroke repaints the input, it does not lay out the screen
        assert "edge of the field QZX" in screen_text(app)  # the end is in view: it still scrolls
