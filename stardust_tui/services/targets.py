"""Delivery targets for the TUI: list with circuit state, add/edit, enable/disable, test connection.

Delegates to ``stardust_tui.delivery.targets`` (validation, secrets), ``delivery.profiles`` (shipped
and user profiles) and ``delivery.probe`` (connect/list/write/remove, one callback per step).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stardust_tui.store.db import session_scope

if TYPE_CHECKING:
    from stardust_tui.services import Services


@dataclass(frozen=True)
class TargetRow:
    id: int
    name: str
    url: str
    profile: str
    enabled: bool
    circuit_state: str
    consecutive_failures: int
    key_file: str | None = None
    known_hosts: str | None = None
    host_key: str | None = None
    trust_unknown_host: bool = False
    max_concurrency: int = 2


class TargetService:
    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def paths(self):
        return self.services.settings.paths

    def list(self) -> list[TargetRow]:
        from stardust_tui.delivery.targets import list_targets

        with session_scope(self.services.engine) as session:
            return [TargetRow(int(t.id), t.name, t.url, t.profile, t.enabled, t.circuit_state,
                              t.consecutive_failures, t.key_file, t.known_hosts_file, t.host_key,
                              t.trust_unknown_host, t.max_concurrency) for t in list_targets(session)]

    def profiles(self) -> list[tuple[str, str]]:
        """(name, description) of every shipped and user delivery profile."""
        from stardust_tui.delivery.profiles import list_profiles

        return [(p.name, getattr(p, "description", "") or p.name) for p in list_profiles(self.paths.profiles_dir)]

    def save(self, target_id: int | None, values: dict[str, Any]) -> int:
        """Add a target (``target_id`` None) or change one; the password goes to the secret store."""
        from stardust_tui.delivery.targets import add_target, edit_target, get_target

        fields = {k: v for k, v in values.items() if v not in (None, "")}
        with session_scope(self.services.engine) as session:
            if target_id is None:
                target = add_target(session, self.paths, **fields)
            else:
                name = fields.pop("name", None)
                target = get_target(session, target_id)
                target = edit_target(session, self.paths, target, rename=name, **fields)
            return int(target.id)

    def set_enabled(self, target_id: int, enabled: bool) -> None:
        from stardust_tui.delivery.targets import edit_target, get_target

        with session_scope(self.services.engine) as session:
            edit_target(session, self.paths, get_target(session, target_id), enabled=enabled)

    def remove(self, target_id: int) -> str:
        """Delete a target with no delivery history (ConflictError otherwise: disable it); returns its name."""
        from stardust_tui.delivery.targets import get_target, remove_target

        self.services.authorize("target.admin")
        with session_scope(self.services.engine) as session:
            target = get_target(session, target_id)
            name = target.name
            remove_target(session, target)
        return name

    def reset_circuit(self, target_id: int) -> None:
        from stardust_tui.worker.circuit import reset
        from stardust_tui.worker.queue import write_tx

        with write_tx(self.services.engine) as conn:
            reset(conn, target_id)

    async def test(self, target_id: int, on_step: Callable[[str, bool, str], None]) -> bool:
        """Run the connection probe; ``on_step`` is called as each step finishes. True if all passed."""
        import asyncio

        from stardust_tui.delivery.probe import probe
        from stardust_tui.delivery.targets import get_target, open_target_transport

        def open_transport():
            with session_scope(self.services.engine) as session:
                return open_target_transport(self.paths, get_target(session, target_id))

        transport = await asyncio.to_thread(open_transport)
        results = await probe(transport, on_step)
        return bool(results) and all(ok for _, ok, _ in results)
