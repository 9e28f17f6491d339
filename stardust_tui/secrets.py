"""Secrets at rest: a Fernet key kept in the home (0600) or ``STARDUST_SECRET_KEY``.

Credentials are stored encrypted with :func:`encrypt` and read back with :func:`decrypt`; the
plaintext never goes to logs, job records or exports. :class:`Secret` hides its value in reprs.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from stardust_tui.errors import ConfigError
from stardust_tui.paths import Paths
from stardust_tui.privacy import make_private_dir


class Secret:
    """A secret string that never shows itself in ``repr``/``str`` (use ``.reveal()``)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)


def ensure_secret_key(paths: Paths) -> tuple[Path, bool]:
    """Create the key file (0600) if missing; returns (path, created)."""
    path = paths.secret_key_file
    if path.exists():
        return path, False
    make_private_dir(path.parent)
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)  # a leftover may have another mode; O_EXCL below makes a fresh 0600 file
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    os.fchmod(fd, 0o600)  # whatever the umask
    with os.fdopen(fd, "wb") as fh:
        fh.write(Fernet.generate_key())
    os.replace(tmp, path)
    return path, True


def _fernet(paths: Paths) -> Fernet:
    env = os.environ.get("STARDUST_SECRET_KEY")
    if env:
        key = env.encode()
    else:
        path, _ = ensure_secret_key(paths)
        key = path.read_bytes().strip()
    try:
        return Fernet(key)
    except ValueError:
        raise ConfigError("secret key is not a valid Fernet key", where="STARDUST_SECRET_KEY"
                          if env else str(paths.secret_key_file)) from None


def encrypt(paths: Paths, plaintext: str) -> str:
    return _fernet(paths).encrypt(plaintext.encode()).decode()


def decrypt(paths: Paths, token: str) -> Secret:
    try:
        return Secret(_fernet(paths).decrypt(token.encode()).decode())
    except InvalidToken:
        raise ConfigError("stored credential cannot be decrypted with this secret key",
                          where=str(paths.secret_key_file)) from None
