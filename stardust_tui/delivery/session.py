"""Transports that hold one stateful connection: an FTP control channel, an SSH session (SFTP).

The connection is opened on first use and reused for a whole delivery. It is dropped after an error
that leaves it out of step (a broken or cancelled transfer) and reopened on the next call; a reused
connection the server closed while it sat idle between two files is reopened once, transparently.
Library errors are mapped to transport errors by the subclass's :meth:`SessionTransport._map`.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from stardust_tui.delivery.base import Transport
from stardust_tui.delivery.errors import TransportError

T = TypeVar("T")


class SessionTransport(Transport):
    """A :class:`Transport` over one connection object (``self._conn``) used by one thread at a time."""

    LIBRARY_ERRORS: ClassVar[tuple[type[BaseException], ...]] = (OSError, EOFError)  # mapped by _map

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._conn: Any = None

    @abstractmethod
    def _open(self) -> Any:
        """Connect, verify, log in (blocking); return the connection."""

    @abstractmethod
    def _shut(self, conn: Any, *, polite: bool) -> None:
        """Close a connection (``polite``: say goodbye first, as on a normal close)."""

    @abstractmethod
    def _died_idle(self, exc: BaseException, conn: Any) -> bool:
        """True when ``exc`` means the server had closed this reused connection (worth one new try)."""

    @abstractmethod
    def _keeps(self, exc: BaseException) -> bool:
        """True when the connection is still usable after this library error (a refused command)."""

    @abstractmethod
    def _map(self, exc: BaseException, where: str) -> TransportError: ...

    async def _call(self, fn: Callable[[Any], T], where: str = "") -> T:
        """Run ``fn(connection)`` in the transport's thread, connecting first when needed."""
        def work() -> T:
            conn = self._conn
            fresh = conn is None
            if conn is None:
                conn = self._conn = self._open()
            try:
                return fn(conn)
            except Exception as exc:
                # Dropped meanwhile (a cancel) or a fresh connection failing: no retry.
                if fresh or self._conn is not conn or not self._died_idle(exc, conn):
                    raise
                self._drop()
                conn = self._conn = self._open()
                return fn(conn)

        try:
            return await self._blocking(work)
        except TransportError:
            raise
        except self.LIBRARY_ERRORS as exc:
            if not self._keeps(exc):
                self._drop()
            raise self._map(exc, where or self.spec.display) from exc
        except BaseException:
            self._drop()  # aborted mid-transfer (cancel, a progress callback raising): out of step
            raise

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                self._shut(conn, polite=False)
            except Exception:  # noqa: BLE001 - closing a broken connection may fail in any way
                pass

    def _on_cancel(self) -> None:
        super()._on_cancel()
        self._drop()  # cut the cancelled transfer off (unblocks its thread); the next call reconnects

    async def connect(self) -> None:
        await self._call(lambda conn: None)

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            await self._blocking(lambda: self._shut(conn, polite=True))
            self._made_dirs.clear()
