"""Read an SFTP server's host key (type and SHA256 fingerprint) without logging in, so a target can pin it.

The target form shows the fingerprint and asks the user to check it with the DSP before pinning it in
the target (``host_key``). Nothing is written to any known_hosts file: the old "trust an unknown host
key" box recorded whatever key answered in ``~/.ssh/known_hosts`` without saying so, and pinned nothing.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from stardust_tui.errors import StardustError, ValidationError

if TYPE_CHECKING:
    from stardust_tui.services import Services


@dataclass(frozen=True)
class HostKey:
    host: str
    port: int
    key_type: str  # e.g. ssh-ed25519
    fingerprint: str  # SHA256:... as ssh-keygen -lf prints it


def server_address(url: str) -> tuple[str, int]:
    """(host, port) of an ``sftp://`` target URL; ValidationError for anything else."""
    parts = urlsplit(url.strip())
    if parts.scheme != "sftp" or not parts.hostname:
        raise ValidationError("only an sftp:// target has an SSH host key", where=url)
    try:
        return parts.hostname, parts.port or 22
    except ValueError:
        raise ValidationError("the port is not a number", where=url) from None


def fetch_host_key(services: Services, url: str, *, timeout: float = 10.0) -> HostKey:
    """Connect to the server of ``url``, read the key it offers in the SSH handshake, disconnect."""
    import paramiko

    from stardust_tui.delivery.hostkeys import fingerprint

    services.authorize("target.admin")
    host, port = server_address(url)
    where = f"{host}:{port}"
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except OSError as exc:
        raise StardustError(f"cannot connect ({exc.strerror or exc})", where=where) from None
    transport = paramiko.Transport(sock)
    try:
        transport.start_client(timeout=timeout)
        key = transport.get_remote_server_key()
    except (paramiko.SSHException, EOFError, OSError) as exc:
        raise StardustError(f"no SSH handshake ({exc})", where=where) from None
    finally:
        transport.close()
    return HostKey(host, port, key.get_name(), fingerprint(key))
