"""User-facing errors: one line that says what went wrong and where, and the exit codes of ``stardust``.

Anything raised as a :class:`StardustError` is printed by the CLI as a single line (no traceback)
and exits with its :class:`ExitCode`. Code deeper down raises the most specific subclass it can.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Every exit status ``stardust`` uses (the README's table lists them)."""

    OK = 0
    FAILED = 1
    """A check failed (invalid ERN, release not ready, a delivery failed, a bad asset), or the command was
    refused: something not found, invalid input, a conflict with what is stored."""
    USAGE = 2
    """Bad command line (click's usage errors), bad configuration, or a tool that cannot run (no schemas)."""
    STORE = 3
    """The database cannot be used: locked, corrupt, unreachable, or newer than this Stardust."""
    INTERNAL = 70
    """A bug: an unexpected exception (EX_SOFTWARE in sysexits.h)."""
    INTERRUPTED = 130
    """Stopped with Ctrl+C (128 + SIGINT)."""
    BROKEN_PIPE = 141
    """The reader of the output went away (``stardust release list | head``; 128 + SIGPIPE)."""


class StardustError(Exception):
    """An error caused by the user's input or environment, shown as one line."""

    exit_code: int = ExitCode.FAILED

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

    exit_code = ExitCode.STORE


class ConfigError(StardustError):
    """The configuration file or an environment setting is wrong."""

    exit_code = ExitCode.USAGE


class StaleRevisionError(ConflictError):
    """A change based on an older revision of a release than the stored one (optimistic concurrency).

    Nothing was saved; the caller reloads and applies its change again (the HTTP API answers 412)."""


class AuthenticationError(StardustError):
    """No, an unknown, a revoked or an expired API key (the HTTP API answers 401)."""


class PermissionDenied(StardustError):
    """The actor may not do this: an API key's scope (or, with issue 15, a role) is too low."""
