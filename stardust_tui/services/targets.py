"""Delivery targets: list with circuit state, show, add/edit/remove, enable/disable, test the connection,
read ACKs, and close a circuit breaker.

The one implementation behind ``stardust target …``, ``stardust deliveries targets`` and the TUI's targets
screen. Delegates to ``delivery.targets`` (validation, encrypted secrets), ``delivery.profiles``,
``delivery.probe`` (connect/list/write/remove, one callback per step), ``delivery.acks`` and
``worker.circuit``. Changes are audited under the actor's name; secret values never leave this layer
(only which secrets are set). A target is named by its name or id (``ref``).
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from stardust_tui.services.rows import stored_id
from stardust_tui.store.db import session_scope

if TYPE_CHECKING:
    from stardust_tui.domain.delivery_models import Acknowledgement, Target
    from stardust_tui.services import Services

TargetRef = int | str
_AUDITED = ("name", "url", "profile", "enabled", "max_concurrency", "key_file", "known_hosts_file", "host_key",
            "trust_unknown_host")


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
    circuit: str = ""
    """The circuit breaker described for people (``open, retry in 4m``); ``circuit_state`` is the raw state."""


@dataclass(frozen=True)
class TargetDetail:
    """A target as ``target show`` prints it: never a secret's value, only which secrets are set."""

    target: TargetRow
    secrets_set: list[str]
    last_ack_poll_at: datetime | None
    releases_by_status: dict[str, int] = field(default_factory=dict)


class AckPoll(NamedTuple):
    """What reading a target's ACK folder found: the folder and how many new ACK files were recorded."""

    folder: str
    new: int


def parse_secret_pairs(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``KEY=VALUE`` texts as a dict (a bad pair is a ValidationError naming it)."""
    from stardust_tui.delivery.targets import parse_secret_pairs as parse

    return parse(pairs)


def _row(t: Target) -> TargetRow:
    from stardust_tui.worker.circuit import CircuitPolicy, describe

    return TargetRow(stored_id(t), t.name, t.url, t.profile, t.enabled, t.circuit_state,
                     t.consecutive_failures, t.key_file, t.known_hosts_file, t.host_key, t.trust_unknown_host,
                     t.max_concurrency, describe(t, CircuitPolicy()))


def _public(t: Target) -> dict[str, Any]:
    return {k: getattr(t, k) for k in _AUDITED}


class TargetService:
    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def paths(self) -> Any:
        return self.services.settings.paths

    def _audit(self, session: Any, action: str, target: Target, before: dict[str, Any] | None,
               secrets: list[str] | None = None) -> None:
        from stardust_tui.store.revisions import write_audit

        note = f"{action} target {target.name!r}" + (f"; secrets changed: {', '.join(sorted(secrets))}"
                                                      if secrets else "")
        write_audit(session, actor=self.services.actor.name, action=action, entity="target", entity_id=target.id,
                    before=before, after=None if action == "remove-target" else _public(target), note=note)

    # -- reading ---------------------------------------------------------------------------------------------
    def list(self) -> list[TargetRow]:
        """Every target with its profile, enabled flag and circuit breaker."""
        from stardust_tui.delivery.targets import list_targets

        self.services.authorize("target.read")
        with session_scope(self.services.engine) as session:
            return [_row(t) for t in list_targets(session)]

    def get(self, ref: TargetRef) -> TargetRow:
        """One target by name or id."""
        from stardust_tui.delivery.targets import get_target

        self.services.authorize("target.read")
        with session_scope(self.services.engine) as session:
            return _row(get_target(session, ref))

    def show(self, ref: TargetRef) -> TargetDetail:
        """One target, which secrets are set, when ACKs were last read and its releases per delivery status."""
        from sqlmodel import func, select

        from stardust_tui.delivery.targets import get_target, secret_names
        from stardust_tui.domain.delivery_models import ReleaseTargetStatus as RTS

        self.services.authorize("target.read")
        with session_scope(self.services.engine) as session:
            t = get_target(session, ref)
            counts = dict(session.exec(select(RTS.status, func.count()).where(RTS.target_id == t.id)
                                       .group_by(RTS.status)).all())
        return TargetDetail(_row(t), secret_names(self.paths, t), t.last_ack_poll_at, dict(sorted(counts.items())))

    def profiles(self) -> builtins.list[tuple[str, str]]:
        """(name, description) of every shipped and user delivery profile."""
        profiles, _errors = self.services.profiles.list()
        return [(p.name, p.description or p.name) for p in profiles]

    # -- changing --------------------------------------------------------------------------------------------
    def add(self, *, name: str, url: str, profile: str = "generic-43", password: str | None = None,
            secrets: dict[str, str] | None = None, **settings: Any) -> TargetRow:
        """Add a target (``key_file``, ``known_hosts``, ``host_key``, ``trust_unknown_host``, ``max_concurrency``,
        ``enabled`` in ``settings``); the password and ``secrets`` are stored encrypted."""
        from stardust_tui.delivery.targets import add_target

        self.services.authorize("target.admin")
        with session_scope(self.services.engine) as session:
            t = add_target(session, self.paths, name=name, url=url, profile=profile, password=password,
                           secrets=secrets, **settings)
            self._audit(session, "add-target", t, None, [*(secrets or {}), *(["password"] if password else [])])
            return _row(t)

    def edit(self, ref: TargetRef, *, password: str | None = None, secrets: dict[str, str | None] | None = None,
             **changes: Any) -> TargetRow:
        """Change settings (None = keep); a secret set to None or "" is removed, ``rename`` renames it."""
        from stardust_tui.delivery.targets import edit_target, get_target

        self.services.authorize("target.admin")
        with session_scope(self.services.engine) as session:
            t = get_target(session, ref)
            before = _public(t)
            t = edit_target(session, self.paths, t, password=password, secrets=secrets, **changes)
            self._audit(session, "edit-target", t, before, [*(secrets or {}), *(["password"] if password else [])])
            return _row(t)

    def save(self, target_id: int | None, values: dict[str, Any]) -> int:
        """The TUI form's save: add a target (``target_id`` None) or change one; empty values are left out."""
        fields = {k: v for k, v in values.items() if v not in (None, "")}
        if target_id is None:
            return self.add(**fields).id
        return self.edit(target_id, rename=fields.pop("name", None), **fields).id

    def set_enabled(self, ref: TargetRef, enabled: bool) -> TargetRow:
        """Allow or pause deliveries to a target (queued ones wait)."""
        return self.edit(ref, enabled=enabled)

    def remove(self, ref: TargetRef) -> None:
        """Delete a target that has no delivery history (disable it otherwise)."""
        from stardust_tui.delivery.targets import get_target, remove_target

        self.services.authorize("target.admin")
        with session_scope(self.services.engine) as session:
            t = get_target(session, ref)
            self._audit(session, "remove-target", t, _public(t))
            remove_target(session, t)

    def reset_circuit(self, ref: TargetRef) -> TargetRow:
        """Close a target's circuit breaker now (the one place this is done)."""
        from stardust_tui.delivery.targets import get_target
        from stardust_tui.store.db import write_tx
        from stardust_tui.worker.circuit import reset

        self.services.authorize("target.admin")
        with session_scope(self.services.engine) as session:
            t = get_target(session, ref)
            self._audit(session, "reset-circuit", t, {"circuit_state": t.circuit_state})
        with write_tx(self.services.engine) as conn:
            reset(conn, stored_id(t))
        with session_scope(self.services.engine) as session:
            return _row(get_target(session, stored_id(t)))

    # -- talking to the target -------------------------------------------------------------------------------
    def _open(self, ref: TargetRef) -> tuple[Target, Any, Callable[[], Any]]:
        """The target, its profile and a transport opener (reads the store, profile files and the secret key)."""
        from stardust_tui.delivery.targets import get_target, open_target_transport

        with session_scope(self.services.engine) as session:
            t = get_target(session, ref)
        return t, self.services.profiles.get(t.profile), lambda: open_target_transport(self.paths, t)

    async def test(self, ref: TargetRef, on_step: Callable[[str, bool, str], None]) -> bool:
        """Connect, list, write and remove a probe file, then list the ACK folder when the profile has one;
        ``on_step(step, ok, detail)`` is called as each step finishes. True if all passed."""
        import asyncio

        from stardust_tui.delivery.probe import probe

        self.services.authorize("target.test")
        _t, profile, opener = await asyncio.to_thread(self._open, ref)
        results = await probe(await asyncio.to_thread(opener), on_step)
        if not results or not all(ok for _, ok, _ in results):
            return False
        folder = profile.ack_folder
        if folder:
            try:
                async with await asyncio.to_thread(opener) as transport:
                    entries = await transport.list(folder.strip("/"))
            except Exception as exc:  # noqa: BLE001 - reported as a failed step, like the probe's
                on_step("acks", False, f"{folder}: {exc}")
                return False
            on_step("acks", True, f"{folder}: {len(entries)} entries")
        return True

    async def poll_acks(self, ref: TargetRef) -> AckPoll:
        """Read new ACK files from the target's ACK folder now."""
        import asyncio

        from stardust_tui.delivery.acks import poll_target_acks
        from stardust_tui.errors import ValidationError

        self.services.authorize("target.test")
        t, profile, opener = await asyncio.to_thread(self._open, ref)
        folder = profile.ack_folder
        if not folder:
            raise ValidationError(f"profile {t.profile!r} has no ACK folder ([choreography] ack_folder)",
                                  where=t.name)
        async with await asyncio.to_thread(opener) as transport:
            new = await poll_target_acks(self.services.engine, t, transport, folder, profile.ack_format)
        return AckPoll(folder, len(new))

    def acks(self, ref: TargetRef, *, limit: int = 20) -> builtins.list[Acknowledgement]:
        """The most recent ACKs recorded for a target, newest first."""
        from sqlmodel import col, select

        from stardust_tui.delivery.targets import get_target
        from stardust_tui.domain.delivery_models import Acknowledgement

        self.services.authorize("target.read")
        with session_scope(self.services.engine) as session:
            t = get_target(session, ref)
            return list(session.exec(select(Acknowledgement).where(Acknowledgement.target_id == t.id)
                                     .order_by(col(Acknowledgement.id).desc()).limit(limit)))
