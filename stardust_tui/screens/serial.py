"""One write at a time, in order: the editors' saves and track changes queue here.

Two saves of the same record running in two threads could land in either order (the older value last)
or, for a release not created yet, create it twice. :class:`SerialWriter` runs each job in a thread
worker only after the previous one finished, then hands the job's result to the screen's ``written``
on the main thread. The workers belong to the app, so a save asked for just before leaving a screen
still completes after the screen is gone.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from functools import partial
from typing import Any, Protocol


class WritingScreen(Protocol):
    @property
    def app(self) -> Any: ...
    @property
    def is_attached(self) -> bool: ...

    def written(self, result: Any) -> None: ...


class SerialWriter:
    """A FIFO of blocking jobs for one screen, run one after another off the event loop."""

    def __init__(self, screen: WritingScreen, group: str = "editor-write") -> None:
        self.screen = screen
        self.group = group
        self.jobs: deque[Callable[[], Any]] = deque()
        self.busy = False

    @property
    def idle(self) -> bool:
        """Nothing running and nothing waiting."""
        return not self.busy and not self.jobs

    def submit(self, job: Callable[[], Any]) -> None:
        """Queue ``job`` (called in a worker thread); its result goes to ``screen.written``."""
        self.jobs.append(job)
        self._next()

    def _next(self) -> None:
        if self.busy or not self.jobs:
            return
        job = self.jobs.popleft()
        self.busy = True
        self.screen.app.run_worker(partial(self._run, job), thread=True, group=self.group, name="save",
                                   exit_on_error=False)

    def _run(self, job: Callable[[], Any]) -> None:
        app = self.screen.app
        try:
            result = job()
        except BaseException:
            app.call_from_thread(self._done, None)
            raise  # the app's worker error handler reports it
        app.call_from_thread(self._done, result)

    def _done(self, result: Any) -> None:
        self.busy = False
        try:
            if self.screen.is_attached:
                self.screen.written(result)
        finally:
            self._next()
