"""End to end: the installed ``stardust`` in a real terminal (tmux) on a demo catalog.

Keys go through tmux exactly as a user's terminal sends them (``alt+n`` arrives as ESC n, text is typed
one key at a time) and the screen is read with ``tmux capture-pane``. Covered: search and open a
release; the wizard's step keys from an input (alt+n must not type an ``n``) and from the tracks table;
typing slowly into a track title while autosave runs; deleting a release titled ``Mix [/] Edition``
(the markup crash); each run must end with exit status 0 after ctrl+q.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

STARDUST = Path(sys.executable).parent / "stardust"


def _tmux(socket: str, *args: str) -> str:
    out = subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True, timeout=10)
    return out.stdout


class Terminal:
    """A 120×40 tmux pane running ``stardust`` in a demo home."""

    def __init__(self, socket: str, home: Path) -> None:
        self.socket, self.home, self.session = socket, home, "tui"
        self.env = {**os.environ, "STARDUST_HOME": str(home)}
        self.exit_file = home.parent / "stardust-exit-status"

    def start(self) -> None:
        # The shell records stardust's exit status itself: tmux may leave an exited pane process unreaped
        # (a zombie, seen under load) and then never reports #{pane_dead_status}.
        command = (f"sh -c 'env STARDUST_HOME={self.home} TERM=xterm-256color {STARDUST}; "
                   f"echo $? > {self.exit_file}.tmp && mv {self.exit_file}.tmp {self.exit_file}'")
        subprocess.run(["tmux", "-L", self.socket, "new-session", "-d", "-s", self.session, "-x", "120", "-y", "40",
                        command], check=True, timeout=10, env=self.env)
        _tmux(self.socket, "set-option", "-t", self.session, "remain-on-exit", "on")

    def screen(self) -> str:
        return _tmux(self.socket, "capture-pane", "-p", "-t", self.session)

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared on screen:\n{screen}")

    def keys(self, *keys: str) -> None:
        _tmux(self.socket, "send-keys", "-t", self.session, *keys)

    def type(self, text: str, per_key_s: float = 0.0) -> None:
        for ch in text:
            _tmux(self.socket, "send-keys", "-t", self.session, "-l", ch)
            time.sleep(per_key_s)

    def stardust(self, *args: str) -> str:
        out = subprocess.run([str(STARDUST), *args], env=self.env, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        return out.stdout

    def quit(self) -> None:
        self.keys("C-q")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not self.exit_file.exists():
            time.sleep(0.2)
        assert self.exit_file.exists(), f"stardust did not exit after ctrl+q:\n{self.screen()}"
        status = self.exit_file.read_text().strip()
        assert status == "0", f"stardust exited with status {status!r}:\n{self.screen()}"


@pytest.fixture
def terminal(isolated_home: Path):
    if shutil.which("tmux") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("tmux is not installed (CI=true)")
        pytest.skip("tmux is not installed")
    assert STARDUST.exists(), f"the stardust command is not installed next to {sys.executable}"
    socket = f"stardust-test-{uuid.uuid4().hex[:8]}"
    term = Terminal(socket, isolated_home)
    term.stardust("demo", "--no-tui")
    yield term
    subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, timeout=10)


def test_open_search_open_release_and_quit(terminal: Terminal) -> None:
    terminal.start()
    terminal.wait_for("Northern Lights Atlas")  # the first page shows before the count
    screen = terminal.wait_for("of 4 releases")
    assert "Catalog" in screen and "Northern Lights Atlas" in screen
    time.sleep(0.5)  # let the first frame settle
    terminal.keys("/")
    terminal.keys("-l", "Glass Harbour")  # typed right after "/"
    screen = terminal.wait_for("1–1 of 1 releases")
    assert "Glass Harbour" in screen and "Northern Lights Atlas" not in screen
    terminal.keys("Enter")  # from the search box into the table
    time.sleep(0.3)
    terminal.keys("Enter")  # open the release
    terminal.wait_for("Basics")
    screen = terminal.wait_for("Glass Harbour")  # the fields are filled from the store
    assert "Release " in screen and "UPC / EAN" in screen
    terminal.keys("Escape")
    terminal.wait_for("1–1 of 1 releases")
    terminal.quit()


def test_step_keys_move_between_steps_and_never_type(terminal: Terminal) -> None:
    terminal.start()
    terminal.wait_for("of 4 releases")
    time.sleep(0.5)
    terminal.keys("/")
    terminal.keys("-l", "Glass Harbour")
    terminal.wait_for("1–1 of 1 releases")
    terminal.keys("Enter")
    time.sleep(0.3)
    terminal.keys("Enter")
    terminal.wait_for("All changes saved")  # loaded; the title field has focus with its text selected
    terminal.keys("M-n")  # ESC n, as a terminal sends alt+n
    screen = terminal.wait_for("ctrl+t opens the track editor")  # the Tracks step
    assert "UPC / EAN" not in screen
    terminal.keys("PageDown")  # from the tracks table (it used to scroll the table instead)
    terminal.wait_for("Path to the cover image")  # the Artwork step, its path field focused
    terminal.keys("M-p", "M-p")
    screen = terminal.wait_for("UPC / EAN")
    time.sleep(1.0)  # longer than the autosave delay: nothing was typed, nothing may be saved
    assert "Glass Harbour" in terminal.screen()
    terminal.keys("Escape")
    terminal.wait_for("1–1 of 1 releases")
    terminal.quit()
    rows = json.loads(terminal.stardust("release", "list", "--search", "Glass Harbour", "--json"))["releases"]
    assert [r["title"] for r in rows] == ["Glass Harbour"]  # alt+n did not replace the title with "n"


def test_typing_slowly_in_the_track_editor_while_autosave_runs(terminal: Terminal) -> None:
    terminal.start()
    terminal.wait_for("of 4 releases")
    time.sleep(0.5)
    terminal.keys("/")
    terminal.keys("-l", "Northern Lights Atlas")
    terminal.wait_for("1–1 of 1 releases")
    terminal.keys("Enter")
    time.sleep(0.3)
    terminal.keys("t")  # the track editor
    terminal.wait_for("Enter edits ·")
    terminal.wait_for("QZ-SD1-25-00002")  # the list has loaded (the form takes no keys before a track is in it)
    terminal.keys("Down", "Enter")  # the second track, its title field
    time.sleep(0.5)
    terminal.keys("End")
    before = next(line for line in terminal.screen().splitlines() if line.strip().startswith("Title"))
    title = before.split("Title", 1)[1].strip()
    terminal.type(" Remix", per_key_s=0.6)  # slower than the autosave delay: every key lands after a save
    time.sleep(1.5)
    screen = terminal.wait_for(f"{title} Remix")
    assert f"{title} Remix" in screen
    terminal.keys("Escape")
    terminal.wait_for("1–1 of 1 releases")
    terminal.quit()
    upc = json.loads(terminal.stardust("release", "list", "--search", "Northern Lights Atlas", "--json"))[
        "releases"][0]["upc"]
    shown = json.loads(terminal.stardust("release", "show", upc, "--json"))
    assert f"{title} Remix" in [t["title"] for t in shown["tracks"]]


def test_deleting_a_release_with_a_bracketed_title(terminal: Terminal) -> None:
    terminal.stardust("release", "create", "--title", "Mix [/] Edition", "--artist", "Nova [Live]")
    terminal.start()
    terminal.wait_for("of 5 releases")
    screen = terminal.wait_for("Mix [/] Edition")
    assert "Nova [Live]" in screen
    time.sleep(0.5)
    terminal.keys("/")
    terminal.keys("-l", "Mix")
    terminal.wait_for("1–1 of 1 releases")
    terminal.keys("Enter")
    time.sleep(0.3)
    terminal.keys("x")
    terminal.wait_for("Delete “Mix [/] Edition”")  # the confirmation crashed with a MarkupError here
    terminal.keys("y")
    terminal.wait_for("deleted")
    terminal.quit()
    listing = terminal.stardust("release", "list", "--search", "Mix", "--json")
    assert "Mix [/] Edition" not in listing
