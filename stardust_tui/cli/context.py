"""Per-invocation state shared by CLI commands: settings, and the :class:`Services` every command calls.

Nothing is opened at construction: settings are read on first use, and the store is opened (and upgraded)
by the first service call that needs it, so ``stardust --help`` or ``ern validate`` never touch it.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import click

from stardust_tui.config import Settings, load_settings

if TYPE_CHECKING:
    from stardust_tui.services import Services
    from stardust_tui.services.actor import Actor


class StardustContext:
    """Lazily loads settings and builds the services for the acting user (``actor``, default the OS user)."""

    def __init__(self, home: str | None = None, db_url: str | None = None, *, actor: Actor | None = None) -> None:
        self._home = home
        self._db_url = db_url
        self._actor = actor

    @cached_property
    def settings(self) -> Settings:
        """The settings, read once; warnings about the config file (unknown keys) go to stderr."""
        settings = load_settings(self._home, self._db_url)
        for warning in settings.warnings:
            click.echo(f"warning: {warning}", err=True)
        return settings

    @cached_property
    def services(self) -> Services:
        """The application layer, acting as ``actor``; the store opens on the first call that needs it."""
        from stardust_tui.services import Services

        return Services.opening_store(self.settings, actor=self._actor)

    def act_as(self, actor: Actor) -> None:
        """Act as someone else (the worker daemon acts as ``worker@host``); before the services are built."""
        if "services" in self.__dict__:
            raise RuntimeError("act_as() after the services were built")
        self._actor = actor

    def close(self) -> None:
        if "services" in self.__dict__:
            self.services.close()
