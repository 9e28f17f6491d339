"""The workstation on a host of the two-host test (issue 12), driven by Textual's Pilot.

    python tests/integration/two_hosts_tui.py STOP_FILE

Opens the TUI of the home in ``$STARDUST_HOME`` (no in-process workers: deliveries are left to the
daemons), shows the Deliveries screen and prints every delivery event the app receives, as one JSON
object per line with ``recv`` (the time it arrived), until STOP_FILE exists. Then it prints the text
of the Deliveries screen's log panel as ``{"panel": [...]}``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from stardust_tui.app import make_app  # noqa: E402
from stardust_tui.config import load_settings  # noqa: E402
from stardust_tui.store.db import make_engine  # noqa: E402


async def main(stop: Path) -> None:
    settings = load_settings()
    engine = make_engine(settings.db_url)
    app = make_app(settings, engine, start_workers=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(1.0)
        await pilot.press("3")
        print(json.dumps({"ready": time.time()}), flush=True)
        seen = 0
        while not stop.exists():
            await pilot.pause(0.2)
            events = list(app.log_events)
            for e in events[seen:]:
                print(json.dumps({"recv": time.time(), **e}, default=str), flush=True)
            seen = len(events)
        panel = app.screen.query_one("#event-log")
        print(json.dumps({"panel": [str(line.text) if hasattr(line, "text") else str(line)
                                    for line in getattr(panel, "lines", [])]}), flush=True)
    engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
