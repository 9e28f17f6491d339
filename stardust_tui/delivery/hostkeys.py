"""SSH host key verification for the SFTP transport: pinned fingerprints and known_hosts files.

A pinned ``SHA256:`` fingerprint (``--host-key``) wins. Otherwise the key must be in the target's
known_hosts file (or ``~/.ssh/known_hosts``). An unknown key is refused, naming its fingerprint, unless
the target says ``trust_unknown_host`` (then it is recorded in that file); a key that differs from the
recorded one is always refused.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import paramiko

from stardust_tui.delivery.base import HostKeyError, TransportPermanentError
from stardust_tui.delivery.urls import TargetSpec


def fingerprint(key: paramiko.PKey) -> str:
    """OpenSSH-style ``SHA256:...`` fingerprint (as ``ssh-keygen -lf`` prints it)."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def host_id(spec: TargetSpec) -> str:
    """The known_hosts name of a host: ``host`` on port 22, else ``[host]:port``."""
    port = spec.port or 22
    return spec.host if port == 22 else f"[{spec.host}]:{port}"


def known_hosts_path(spec: TargetSpec) -> Path:
    return Path(spec.known_hosts or Path.home() / ".ssh" / "known_hosts").expanduser()


def check_host_key(spec: TargetSpec, key: paramiko.PKey) -> None:
    """Accept the server's key or raise :class:`HostKeyError` (with the fingerprint to check)."""
    fp = fingerprint(key)
    where = f"{spec.host}:{spec.port}"
    if spec.host_key:
        if fp != spec.host_key:
            raise HostKeyError(f"host key {key.get_name()} {fp} does not match the pinned {spec.host_key}",
                               where=where)
        return
    path = known_hosts_path(spec)
    known = paramiko.HostKeys()
    if path.is_file():
        try:
            known.load(str(path))
        except (OSError, paramiko.SSHException) as exc:
            raise TransportPermanentError(f"cannot read known_hosts: {exc}", where=str(path)) from None
    entry = known.lookup(host_id(spec))
    if entry:
        if key.get_name() in entry and entry[key.get_name()] == key:
            return
        if key.get_name() in entry or not spec.trust_unknown_host:
            raise HostKeyError(
                f"host key CHANGED: server offers {key.get_name()} {fp}, {path} has another key; "
                "if this is expected, fix the known_hosts entry", where=where,
            )
    if not spec.trust_unknown_host:
        raise HostKeyError(
            f"unknown host key {key.get_name()} {fp} (not in {path}); check it with the DSP, then pin it "
            f"with --host-key {fp} or add it to the known_hosts file", where=where,
        )
    known.add(host_id(spec), key.get_name(), key)
    path.parent.mkdir(parents=True, exist_ok=True)
    known.save(str(path))
