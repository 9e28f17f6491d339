"""SFTP transport on paramiko: verified host keys, key or password auth, pipelined resumable writes.

Host keys are checked by :mod:`stardust_tui.delivery.hostkeys` before any credential is sent. One
SSH connection serves a whole delivery (:mod:`stardust_tui.delivery.session`). Primitives for the
upload sequence in :mod:`stardust_tui.delivery.base`: the temporary file is written from its remote
size (resume) with pipelined 255 KiB requests, verified by size (SFTP servers such as OpenSSH offer no
file hash) and ``posix-rename``-d onto the final name. The URL path is absolute;
``sftp://user@host/~/incoming`` means ``incoming`` in the login folder.
"""

from __future__ import annotations

import socket
import stat as statmod
from pathlib import Path
from typing import BinaryIO

import paramiko

from stardust_tui.delivery.base import (
    RemoteEntry,
    Staged,
    TransportAuthError,
    TransportError,
    TransportPermanentError,
    TransportTransientError,
    Written,
    join,
    login_relative,
)
from stardust_tui.delivery.hostkeys import check_host_key
from stardust_tui.delivery.session import SessionTransport
from stardust_tui.delivery.transfer import ProgressMeter, Source

REQUEST = 255 * 1024


class SftpTransport(SessionTransport):
    SCHEMES = ("sftp",)
    CAN_RESUME = True
    LIBRARY_ERRORS = (paramiko.SSHException, OSError, EOFError)

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
        sftp.get_channel().settimeout(spec.timeout)  # type: ignore[union-attr]
        return sftp

    def _shut(self, conn: paramiko.SFTPClient, *, polite: bool) -> None:
        ssh = conn.get_channel().get_transport()  # type: ignore[union-attr]
        conn.close()
        ssh.close()

    def _died_idle(self, exc: BaseException, conn: paramiko.SFTPClient) -> bool:
        if isinstance(exc, PermissionError | FileNotFoundError):
            return False
        return not conn.get_channel().get_transport().is_active()  # type: ignore[union-attr]

    def _keeps(self, exc: BaseException) -> bool:
        return isinstance(exc, PermissionError | FileNotFoundError)  # refused by the server, session fine

    def _map(self, exc: BaseException, where: str) -> TransportError:
        if isinstance(exc, TransportError):
            return exc
        if isinstance(exc, paramiko.AuthenticationException):
            return TransportAuthError(f"SSH authentication refused: {exc}", where=where)
        if isinstance(exc, PermissionError):
            return TransportPermanentError(f"permission denied: {exc}", where=where)
        return TransportTransientError(f"{type(exc).__name__}: {exc}", where=where)

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

    async def _write_stage(self, stage: str, src: Source, staged: Staged, meter: ProgressMeter) -> Written:
        tmp = self._abs(stage)

        def _put(sftp: paramiko.SFTPClient) -> None:
            with sftp.open(tmp, "r+b" if staged.offset else "wb") as dst:
                dst.MAX_REQUEST_SIZE = REQUEST  # instance override: fewer, larger SSH_FXP_WRITEs
                dst.set_pipelined(True)
                dst.seek(staged.offset)
                for block in src.blocks(staged.offset, meter):
                    dst.write(block)

        await self._call(_put, tmp)
        return Written(staged.offset)

    async def _read_into(self, path: str, sink: BinaryIO) -> None:
        source = self._abs(path)

        def _get(sftp: paramiko.SFTPClient) -> None:
            try:
                fh = sftp.open(source, "rb")
            except FileNotFoundError:
                raise TransportPermanentError("remote file not found", where=source) from None
            with fh:  # large requests, no prefetch thread (it would outlive a cancelled download)
                fh.MAX_REQUEST_SIZE = REQUEST
                while block := fh.read(REQUEST):
                    sink.write(block)

        await self._call(_get, source)
