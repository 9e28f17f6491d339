"""User-facing errors: one line that says what went wrong and where.

Anything raised as a :class:`StardustError` is printed by the CLI as a single line (no traceback)
and exits non-zero. Code deeper down raises the most specific subclass it can.
"""

from __future__ import annotations


class StardustError(Exception):
    """An error caused by the user's input or environment, shown as one line."""

    exit_code: int = 1

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


class NotFoundError(StardustError):
    """A release, track, target, delivery or file that does not exist."""


class ValidationError(StardustError):
    """Input that breaks a rule (bad identifier, missing field, bad value)."""


class ConflictError(StardustError):
    """Input that clashes with what is stored (duplicate UPC, ISRC of another recording...)."""


class StoreError(StardustError):
    """The database cannot be used: locked, corrupt, or a newer schema than this code knows."""

    exit_code = 3


class ConfigError(StardustError):
    """The configuration file or an environment setting is wrong."""

    exit_code = 2
