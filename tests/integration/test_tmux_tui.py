"""End to end: the installed ``stardust`` in a real terminal (tmux) on a demo catalog.

Opens the workstation, searches the catalog, opens a release in the wizard, goes back and quits;
the screen text is asserted at each step through ``tmux capture-pane``.
"""

from __future__ import annotations

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


def _wait_for(socket: str, session: str, text: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = _tmux(socket, "capture-pane", "-p", "-t", session)
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared on screen:\n{screen}")


@pytest.fixture
def tmux_socket():
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    socket = f"stardust-test-{uuid.uuid4().hex[:8]}"
    yield socket
    subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, timeout=10)


def test_open_search_open_release_and_quit(isolated_home: Path, tmux_socket: str) -> None:
    assert STARDUST.exists(), f"the stardust command is not installed next to {sys.executable}"
    env = {**os.environ, "STARDUST_HOME": str(isolated_home)}
    subprocess.run([str(STARDUST), "demo", "--no-tui"], env=env, check=True, capture_output=True, timeout=120)
    session = "tui"
    exit_file = isolated_home.parent / "stardust-exit-status"
    # The shell records stardust's exit status itself: tmux may leave an exited pane process unreaped
    # (a zombie, seen under load) and then never reports #{pane_dead_status}.
    command = (f"sh -c 'env STARDUST_HOME={isolated_home} TERM=xterm-256color {STARDUST}; "
               f"echo $? > {exit_file}.tmp && mv {exit_file}.tmp {exit_file}'")
    subprocess.run(["tmux", "-L", tmux_socket, "new-session", "-d", "-s", session, "-x", "120", "-y", "40", command],
                   check=True, timeout=10, env=env)
    _tmux(tmux_socket, "set-option", "-t", session, "remain-on-exit", "on")

    _wait_for(tmux_socket, session, "Northern Lights Atlas")  # the first page shows before the count
    screen = _wait_for(tmux_socket, session, "of 4 releases")
    assert "Catalog" in screen and "Northern Lights Atlas" in screen

    time.sleep(0.5)  # let the first frame settle
    _tmux(tmux_socket, "send-keys", "-t", session, "/")
    _tmux(tmux_socket, "send-keys", "-t", session, "-l", "Glass Harbour")  # typed right after "/"
    screen = _wait_for(tmux_socket, session, "1–1 of 1 releases")
    assert "Glass Harbour" in screen and "Northern Lights Atlas" not in screen

    _tmux(tmux_socket, "send-keys", "-t", session, "Enter")  # from the search box into the table
    time.sleep(0.3)
    _tmux(tmux_socket, "send-keys", "-t", session, "Enter")  # open the release
    _wait_for(tmux_socket, session, "Basics")
    screen = _wait_for(tmux_socket, session, "Glass Harbour")  # the fields are filled from the store
    assert "Release " in screen and "Glass Harbour" in screen and "UPC / EAN" in screen

    _tmux(tmux_socket, "send-keys", "-t", session, "Escape")
    _wait_for(tmux_socket, session, "1–1 of 1 releases")
    _tmux(tmux_socket, "send-keys", "-t", session, "C-q")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not exit_file.exists():
        time.sleep(0.2)
    assert exit_file.exists(), "stardust did not exit after ctrl+q"
    assert exit_file.read_text().strip() == "0", f"stardust exited with status {exit_file.read_text().strip()!r}"
