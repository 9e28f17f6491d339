"""Transport errors, split so the worker can decide what to do (see worker/retry.py).

:class:`TransportAuthError` and other :class:`TransportPermanentError` fail a delivery at once;
:class:`TransportTransientError` (network, timeouts, a busy server, a dropped connection) and
:class:`TransportIntegrityError` (the remote copy differs from the local file) are retried.
:mod:`stardust_tui.delivery.base` re-exports them as part of the transport contract.
"""

from __future__ import annotations

from typing import ClassVar

from stardust_tui.errors import StardustError


class TransportError(StardustError):
    """A delivery transport failed; the subclass says whether retrying can help."""

    retryable: ClassVar[bool] = False
    permanent: ClassVar[bool] = False  # the worker fails fast when True (see worker/retry.py)


class TransportTransientError(TransportError):
    """Network trouble, timeouts, a busy server, a dropped connection: retry later."""

    retryable = True


class TransportIntegrityError(TransportTransientError):
    """The remote copy does not match the local file (size or hash): the file is sent again."""


class TransportPermanentError(TransportError):
    """Retrying cannot help (bad configuration, permission denied, missing library...)."""

    permanent = True


class TransportAuthError(TransportPermanentError):
    """The server refused our credentials."""


class HostKeyError(TransportPermanentError):
    """An SSH host key is unknown or does not match the pinned/known key."""


class TlsVerifyError(TransportPermanentError):
    """A TLS certificate could not be verified."""
