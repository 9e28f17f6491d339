"""What copying to the clipboard over a terminal (OSC 52) can promise, said honestly.

``App.copy_to_clipboard`` writes an OSC 52 escape; whether it reaches the user's clipboard depends on the
terminal, and inside tmux on tmux's ``set-clipboard`` option (only ``on`` accepts OSC 52 from programs;
``external`` and ``off`` drop it). :func:`clipboard_note` asks tmux (a short subprocess: call it from a
thread) and returns the line to show instead of claiming "Copied" when nothing can have been copied.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping


def tmux_set_clipboard(env: Mapping[str, str]) -> str | None:
    """tmux's ``set-clipboard`` value for the server in ``$TMUX`` (None when unknown)."""
    if not env.get("TMUX") or shutil.which("tmux") is None:
        return None
    try:
        out = subprocess.run(["tmux", "show-options", "-gv", "set-clipboard"], capture_output=True, text=True,
                             timeout=3, env=dict(env))
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def clipboard_note(what: str, env: Mapping[str, str] | None = None) -> tuple[bool, str]:
    """(probably copied, the line to show) after sending ``what`` with OSC 52."""
    env = os.environ if env is None else env
    if env.get("TMUX"):
        setting = tmux_set_clipboard(env)
        if setting != "on":
            return False, (f"Not copied: inside tmux, OSC 52 from programs needs `set -g set-clipboard on` "
                           f"(it is {setting or 'unknown'}). Save the file instead (ctrl+s).")
        return True, (f"Copied {what} through tmux (OSC 52; your terminal must allow clipboard writes).")
    if env.get("STY"):
        return False, "Not copied: GNU screen does not pass OSC 52 on. Save the file instead (ctrl+s)."
    return True, f"Copied {what} (OSC 52; your terminal must allow clipboard writes)."
