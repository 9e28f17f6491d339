"""SFTP transport on paramiko: verified host keys, key or password auth, pipelined resumable writes.

Host keys are checked by :mod:`stardust_tui.delivery.hostkeys` before any credential is sent. One
SSH connection serves a whole delivery. Uploads write ``.name.<md5>.part`` from its remote size
(resume), with pipelined 255 KiB requests, check the size and ``posix-rename`` it onto the final name.
The URL path is absolute; ``sftp://user@host/~/incoming`` means ``incoming`` in the login folder.
"""

from __future__ import annotations

import asyncio
import os
import socket
import stat as statmod
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import paramiko

from stardust_tui.delivery.base import (
    CHUNK,
    ProgressCallback,
    ProgressMeter,
    RemoteEntry,
    Transport,
    TransportAuthError,
    TransportError,
    TransportPermanentError,
    TransportTransientError,
    UploadResult,
    check_size,
    clean_path,
    join,
    login_relative,
    temp_name,
)
from stardust_tui.delivery.hostkeys import check_host_key

T = TypeVar("T")
REQUEST = 255 * 1024


class SftpTransport(Transport):
    SCHEMES = ("sftp",)
    CAN_RESUME = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ssh: paramiko.Transport | None = None
        self._sftp: paramiko.SFTPClient | None = None
        self._lock = asyncio.Lock()

    # -- connection -------------------------------------------------------------------------------
    def _load_key(self, path: str) -> paramiko.PKey:
        try:
            return paramiko.PKey.from_path(path, self.secret("key_passphrase"))
        except FileNotFoundError:
            raise TransportPermanentError("SSH key file not found", where=path) from None
        except paramiko.PasswordRequiredException:
            raise TransportAuthError("SSH key is encrypted: give its passphrase", where=path) from None
        except (paramiko.SSHException, ValueError) as exc:
            raise TransportAuthError(f"cannot load SSH key: {exc}", where=path) from None

    def _auth(self, ssh: paramiko.Transport) -> None:
        """Key file (or, with no key and no password, the user's default ~/.ssh keys), then password.

        A server that wants both (``AuthenticationMethods publickey,password``) gets both."""
        user = self.spec.user or ""
        password = self.secret("password")
        keys = [self.spec.key_file] if self.spec.key_file else []
        if not keys and password is None:
            ssh_dir = Path.home() / ".ssh"
            keys = [str(ssh_dir / n) for n in ("id_ed25519", "id_ecdsa", "id_rsa") if (ssh_dir / n).is_file()]
            if not keys:
                raise TransportAuthError("no SSH key file or password configured for this target")
        for path in keys:
            try:
                ssh.auth_publickey(user, self._load_key(path))
            except paramiko.AuthenticationException:
                if path == keys[-1] and password is None:
                    raise
            if ssh.is_authenticated():
                return
        if password is not None and not ssh.is_authenticated():
            ssh.auth_password(user, password)  # falls back to keyboard-interactive when the server wants it

    def _open(self) -> paramiko.SFTPClient:
        spec = self.spec
        sock = socket.create_connection((spec.host, spec.port or 22), timeout=spec.timeout)
        ssh = paramiko.Transport(sock)
        try:
            ssh.start_client(timeout=spec.timeout)
            check_host_key(spec, ssh.get_remote_server_key())
            self._auth(ssh)
            if not ssh.is_authenticated():
                raise TransportAuthError("SSH authentication failed", where=spec.display)
            sftp = paramiko.SFTPClient.from_transport(ssh)
            if sftp is None:
                raise TransportTransientError("could not open the SFTP channel", where=spec.display)
        except BaseException:
            ssh.close()
            raise
        self._ssh = ssh
        sftp.get_channel().settimeout(spec.timeout)  # type: ignore[union-attr]
        return sftp

    def _map(self, exc: BaseException, where: str) -> TransportError:
        if isinstance(exc, TransportError):
            return exc
        if isinstance(exc, paramiko.AuthenticationException):
            return TransportAuthError(f"SSH authentication refused: {exc}", where=where)
        if isinstance(exc, PermissionError):
            return TransportPermanentError(f"permission denied: {exc}", where=where)
        if isinstance(exc, paramiko.SSHException | OSError | EOFError):
            return TransportTransientError(f"{type(exc).__name__}: {exc}", where=where)
        return TransportTransientError(f"{type(exc).__name__}: {exc}", where=where)

    async def _call(self, fn: Callable[[paramiko.SFTPClient], T], where: str = "") -> T:
        async with self._lock:
            def work() -> T:
                fresh = self._sftp is None
                if self._sftp is None:
                    self._sftp = self._open()
                try:
                    return fn(self._sftp)
                except (paramiko.SSHException, EOFError, ConnectionError, OSError) as exc:
                    # A reused connection that died while idle (between files): one new try.
                    if fresh or isinstance(exc, PermissionError | FileNotFoundError) or \
                            (self._ssh is not None and self._ssh.is_active()):
                        raise
                    self._drop()
                    self._sftp = self._open()
                    return fn(self._sftp)

            try:
                return await asyncio.to_thread(work)
            except (PermissionError, FileNotFoundError) as exc:
                raise self._map(exc, where or self.spec.display) from exc
            except (paramiko.SSHException, OSError, EOFError) as exc:
                self._drop()
                raise self._map(exc, where or self.spec.display) from exc

    def _on_cancel(self) -> None:
        self._drop()  # cut the cancelled transfer off; the next call reconnects

    def _drop(self) -> None:
        sftp, ssh, self._sftp, self._ssh = self._sftp, self._ssh, None, None
        if sftp is not None:
            sftp.close()
        if ssh is not None:
            ssh.close()

    async def connect(self) -> None:
        await self._call(lambda sftp: None)

    async def close(self) -> None:
        async with self._lock:
            await asyncio.to_thread(self._drop)

    # -- helpers (worker thread) --------------------------------------------------------------------
    def _abs(self, path: str) -> str:
        return join(login_relative(self.spec.path), path)

    @staticmethod
    def _size(sftp: paramiko.SFTPClient, path: str) -> int | None:
        try:
            st = sftp.stat(path)
        except FileNotFoundError:
            return None
        return None if statmod.S_ISDIR(st.st_mode or 0) else st.st_size

    @staticmethod
    def _rename(sftp: paramiko.SFTPClient, src: str, dst: str) -> None:
        try:
            sftp.posix_rename(src, dst)  # OpenSSH extension: atomically replaces dst
        except OSError:
            try:
                sftp.remove(dst)
            except FileNotFoundError:
                pass
            sftp.rename(src, dst)

    # -- operations ---------------------------------------------------------------------------------
    async def list(self, path: str = "") -> list[RemoteEntry]:
        target = self._abs(path)

        def _list(sftp: paramiko.SFTPClient) -> list[RemoteEntry]:
            try:
                attrs = sftp.listdir_attr(target)
            except FileNotFoundError:
                return []
            out = []
            for a in attrs:
                is_dir = statmod.S_ISDIR(a.st_mode or 0)
                out.append(RemoteEntry(a.filename, is_dir, None if is_dir else a.st_size))
            return sorted(out, key=lambda e: e.name)

        return await self._call(_list, target)

    async def stat(self, path: str) -> int | None:
        return await self._call(lambda sftp: self._size(sftp, self._abs(path)))

    async def mkdir(self, path: str) -> None:
        target = self._abs(path)

        def _mkdir(sftp: paramiko.SFTPClient) -> None:
            missing: list[str] = []  # deepest first: most calls find the folder at once
            current = target
            while current not in ("", "/"):
                try:
                    st = sftp.stat(current)
                except FileNotFoundError:
                    missing.append(current)
                    head, sep, _ = current.rpartition("/")
                    current = (head or "/") if sep else ""  # relative paths end at "" (the login folder)
                    continue
                if not statmod.S_ISDIR(st.st_mode or 0):
                    raise TransportPermanentError("exists and is not a folder", where=current)
                break
            for folder in reversed(missing):
                try:
                    sftp.mkdir(folder)
                except OSError:
                    if not statmod.S_ISDIR(sftp.stat(folder).st_mode or 0):  # made meanwhile by someone else?
                        raise

        await self._call(_mkdir, target)

    async def remove(self, path: str) -> None:
        target = self._abs(path)

        def _remove(sftp: paramiko.SFTPClient) -> None:
            try:
                st = sftp.stat(target)
            except FileNotFoundError:
                return
            if statmod.S_ISDIR(st.st_mode or 0):
                sftp.rmdir(target)
            else:
                sftp.remove(target)

        await self._call(_remove, target)

    async def rename(self, src: str, dst: str) -> None:
        await self._call(lambda sftp: self._rename(sftp, self._abs(src), self._abs(dst)), self._abs(src))

    async def download(self, remote_path: str, local_path: str | Path) -> int:
        local = Path(local_path)
        tmp = local.with_name(f".{local.name}.part")
        src = self._abs(remote_path)
        await self._call(lambda sftp: sftp.get(src, str(tmp)), src)
        os.replace(tmp, local)
        return local.stat().st_size

    async def upload(
        self,
        local_path: str | Path,
        remote_path: str,
        *,
        md5: str | None = None,
        size: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> UploadResult:
        local, md5, size = await self._prepare(local_path, md5, size)
        await self.ensure_parent(remote_path)
        final, tmp = self._abs(remote_path), self._abs(temp_name(remote_path, md5))
        t0 = time.monotonic()
        cancel = threading.Event()

        def _put(sftp: paramiko.SFTPClient) -> int:
            offset = self._size(sftp, tmp) or 0
            if offset > size:
                offset = 0
            meter = ProgressMeter(progress, size, offset, cancel, self.max_rate)
            with open(local, "rb") as src, sftp.open(tmp, "r+b" if offset else "wb") as dst:
                dst.MAX_REQUEST_SIZE = REQUEST  # instance override: fewer, larger SSH_FXP_WRITEs
                dst.set_pipelined(True)
                src.seek(offset)
                dst.seek(offset)
                while block := src.read(CHUNK):
                    dst.write(block)
                    meter.add(len(block))
            remote = self._size(sftp, tmp)
            if remote != size:
                sftp.remove(tmp)
            check_size(remote, size, final)
            self._rename(sftp, tmp, final)
            return offset

        resumed = await self._cancellable(self._call(_put, final), cancel)
        return UploadResult(clean_path(remote_path), size, md5, False, resumed, time.monotonic() - t0)
