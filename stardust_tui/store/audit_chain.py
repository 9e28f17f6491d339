"""The audit log's hash chain: every entry names the hash of the one before it, so an edit or a deletion shows.

An entry's hash is SHA-256 over its sequence number, the previous entry's hash and its content: time, actor,
action, entity, note (JSON strings) and before/after as the JSON text stored (:func:`entry_hash`). Entries
are written with no ``seq`` and *sealed* when their transaction commits (:func:`seal`, run from a
``before_commit`` session event): the writer locks the one ``audit_chain`` row (``UPDATE … SET seq = seq``:
PostgreSQL's row lock, SQLite's database write lock), reads the head, numbers its own unsealed entries after
it and moves the head. The lock is held only from there to the commit, and a concurrent PostgreSQL
transaction waits for it and then reads the new head (READ COMMITTED), so concurrent writers always form
one chain.

Core writers mark their connection with :func:`mark_unsealed`; on SQLite, where the importing transaction
already holds the database, the bulk importer seals its rows as it inserts them (:func:`chain_values`).
Retention cuts the chain only from its start and records where (``pruned_seq``/``pruned_hash``,
:func:`prune_before`). :func:`verify` walks the chain and names every entry that was changed, removed or
slipped in.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from json.encoder import encode_basestring
from typing import Any

from sqlalchemy import Text, bindparam, cast, event, func, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from stardust_tui.domain.access_models import GENESIS, AuditChain
from stardust_tui.domain.models import AuditEntry

FLAG = "stardust_audit_unsealed"
_A = AuditEntry.__table__  # type: ignore[attr-defined]
_H = AuditChain.__table__  # type: ignore[attr-defined]
_CONTENT = (_A.c.id, _A.c.at, _A.c.actor, _A.c.action, _A.c.entity, _A.c.entity_id,
            cast(_A.c.before, Text).label("before"), cast(_A.c.after, Text).label("after"), _A.c.note)
"""An entry as hashed: before/after as the JSON text stored (SQLite TEXT, PostgreSQL ``json`` keeps it verbatim),
so sealing and verifying never parse or re-serialise a snapshot."""


def canonical(value: Any) -> str:
    """JSON with sorted keys and no spaces (what the store's JSON columns give back, serialised the same way)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def at_text(at: datetime) -> str:
    """A moment as UTC ISO 8601 with microseconds (naive values are UTC, as SQLite returns them)."""
    aware = at if at.utcoffset() is not None else at.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def _text(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)


def entry_hash(seq: int, prev_hash: str, at: datetime, actor: str, action: str, entity: str,
               entity_id: str | None, before: str | None, after: str | None, note: str | None) -> str:
    """The hash of one entry at position ``seq`` after an entry hashed ``prev_hash``; ``before``/``after`` are
    the JSON texts as stored (None: SQL NULL). Text fields are JSON-quoted, so no field can run into another."""
    head = "\x1f".join((str(seq), prev_hash, at_text(at), _text(actor), _text(action), _text(entity),
                        _text(entity_id), _text(note)))
    body = f"{head}\n{'' if before is None else before}\n{'' if after is None else after}"
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _row_hash(seq: int, prev: str, row: Any) -> str:
    return entry_hash(seq, prev, row.at, row.actor, row.action, row.entity, row.entity_id, row.before, row.after,
                      row.note)


# -- writing ----------------------------------------------------------------------------------------------
def mark_unsealed(conn: Connection) -> None:
    """A Core writer inserted audit rows on ``conn``: seal them when its session commits."""
    conn.info[FLAG] = True


def chain_values(conn: Connection, entries: list[tuple[Any, ...]]) -> list[tuple[int, str, str]]:
    """``(seq, prev_hash, hash)`` for new entries ``(at, actor, action, entity, entity_id, before_text,
    after_text, note)`` a Core writer inserts itself, in order (the texts exactly as they will be stored: a JSON
    column stores None as ``null``); moves the head. Only for a transaction that
    already holds the database's write lock (SQLite): elsewhere insert them unsealed and :func:`mark_unsealed`."""
    seq, prev = lock_head(conn)
    out = []
    for at, actor, action, entity, entity_id, before, after, note in entries:
        seq += 1
        digest = entry_hash(seq, prev, at, actor, action, entity, entity_id, before, after, note)
        out.append((seq, prev, digest))
        prev = digest
    if out:
        conn.execute(update(_H).where(_H.c.id == 1).values(seq=seq, hash=prev, updated_at=datetime.now(UTC)))
    return out


def lock_head(conn: Connection) -> tuple[int, str]:
    """Take the chain's lock (held until the transaction ends) and return the head ``(seq, hash)``."""
    locked = conn.execute(update(_H).where(_H.c.id == 1).values(seq=_H.c.seq)).rowcount
    if not locked:  # a store created without migration 0009's row (tests building tables directly)
        conn.execute(_H.insert().values(id=1, seq=0, hash=GENESIS, pruned_seq=0, pruned_hash=GENESIS,
                                        updated_at=datetime.now(UTC)))
    row = conn.execute(select(_H.c.seq, _H.c.hash).where(_H.c.id == 1)).one()
    return int(row.seq), row.hash


def seal(conn: Connection, *, batch: int = 2000) -> int:
    """Number and hash every audit entry of this transaction that has no ``seq`` yet; returns how many."""
    seq, prev = lock_head(conn)
    sealed = 0
    while True:
        rows = conn.execute(select(*_CONTENT).where(_A.c.seq.is_(None)).order_by(_A.c.id).limit(batch)).all()
        if not rows:
            break
        values = []
        for row in rows:
            seq += 1
            digest = _row_hash(seq, prev, row)
            values.append({"_id": row.id, "_seq": seq, "_prev": prev, "_hash": digest})
            prev = digest
        conn.execute(update(_A).where(_A.c.id == bindparam("_id"))
                     .values(seq=bindparam("_seq"), prev_hash=bindparam("_prev"), hash=bindparam("_hash")), values)
        sealed += len(rows)
    if sealed:
        conn.execute(update(_H).where(_H.c.id == 1).values(seq=seq, hash=prev, updated_at=datetime.now(UTC)))
    return sealed


@event.listens_for(Session, "after_flush")
def _note_flushed_entries(session: Session, _ctx: Any) -> None:
    if any(isinstance(obj, AuditEntry) for obj in session.new):
        session.info[FLAG] = True


@event.listens_for(Session, "before_commit")
def _seal_on_commit(session: Session) -> None:
    trans = session.get_transaction()
    core = [c for c in (trans.connections if trans is not None else ()) if c.info.pop(FLAG, False)]
    if session.info.get(FLAG) or session.new:
        session.flush()  # entries still pending are written now, so they are sealed with the rest
    if session.info.pop(FLAG, False) or core:
        seal(session.connection())


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, _previous: Any) -> None:
    session.info.pop(FLAG, None)


# -- reading ----------------------------------------------------------------------------------------------
@dataclass
class ChainReport:
    """What :func:`verify` found: ``ok`` when the chain is whole from its (pruned) start to its head."""

    checked: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    pruned_seq: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "checked": self.checked, "head_seq": self.head_seq, "head_hash": self.head_hash,
                "pruned_through": self.pruned_seq, "problems": list(self.problems)}


def _chain_rows(conn: Connection, after_seq: int, batch: int) -> Iterator[Any]:
    last = after_seq
    while True:
        rows = conn.execute(select(*_CONTENT, _A.c.seq, _A.c.prev_hash, _A.c.hash)
                            .where(_A.c.seq > last).order_by(_A.c.seq).limit(batch)).all()
        yield from rows
        if len(rows) < batch:
            return
        last = rows[-1].seq


def verify(conn: Connection, *, batch: int = 5000, limit_problems: int = 200) -> ChainReport:
    """Walk the chain from where retention cut it to the head; every break is one line in ``problems``."""
    head = conn.execute(select(_H).where(_H.c.id == 1)).first()
    report = ChainReport()
    if head is None:
        report.problems.append("the audit chain has no head row (the store was not migrated to 0009)")
        return report
    report.head_seq, report.head_hash, report.pruned_seq = int(head.seq), head.hash, int(head.pruned_seq)
    problems = report.problems

    def say(text: str) -> None:
        if len(problems) < limit_problems:
            problems.append(text)
        elif len(problems) == limit_problems:
            problems.append("... (more problems not listed)")

    expected_seq, prev = report.pruned_seq + 1, head.pruned_hash
    before_cut = conn.execute(select(func.count()).select_from(_A).where(_A.c.seq <= report.pruned_seq)).scalar_one()
    if before_cut:
        say(f"{before_cut} entr{'y' if before_cut == 1 else 'ies'} numbered at or before the retention cut "
            f"(#{report.pruned_seq}) are still stored (put back after pruning?)")
    for row in _chain_rows(conn, report.pruned_seq, batch):
        report.checked += 1
        if row.seq > expected_seq:
            gap = row.seq - expected_seq
            say(f"entr{'y' if gap == 1 else 'ies'} #{expected_seq}" + (f" to #{row.seq - 1}" if gap > 1 else "")
                + f" deleted (the chain jumps from #{expected_seq - 1} to #{row.seq})")
        elif row.prev_hash != prev:
            say(f"entry #{row.seq} (id {row.id}) does not link to the entry before it")
        if _row_hash(int(row.seq), row.prev_hash or "", row) != row.hash:
            say(f"entry #{row.seq} (id {row.id}, {row.action} {row.entity} {row.entity_id or ''}) was changed "
                "after it was written: its content does not match its hash")
        expected_seq, prev = int(row.seq) + 1, row.hash or ""
    last = expected_seq - 1
    if last < report.head_seq:
        n = report.head_seq - last
        say(f"the newest {n} entr{'y was' if n == 1 else 'ies were'} deleted (#{last + 1} to #{report.head_seq}; "
            "the chain's head names them)")
    elif last > report.head_seq:
        say(f"entries after the chain's head #{report.head_seq} (to #{last}) were added outside Stardust")
    elif prev != report.head_hash and report.checked:
        say(f"entry #{last} is not the one the chain's head recorded")
    unsealed = conn.execute(select(func.count()).select_from(_A).where(_A.c.seq.is_(None))).scalar_one()
    if unsealed:
        say(f"{unsealed} entr{'y is' if unsealed == 1 else 'ies are'} outside the chain (written without "
            "Stardust's audit writer)")
    return report


def prune_before(conn: Connection, cutoff: datetime, *, dry_run: bool = False) -> tuple[int, int]:
    """Delete the chain's oldest entries written before ``cutoff``, only as a prefix, and record the cut.

    Entries are cut up to (not including) the first one at or after ``cutoff``, so the rest still links to
    the recorded ``pruned_hash``. Returns ``(entries, last seq cut)``; ``dry_run`` only counts."""
    if not dry_run:
        lock_head(conn)
    head = conn.execute(select(_H.c.pruned_seq).where(_H.c.id == 1)).scalar_one_or_none() or 0
    first_kept = conn.execute(select(func.min(_A.c.seq)).where(_A.c.at >= cutoff, _A.c.seq > head)).scalar()
    top = conn.execute(select(func.max(_A.c.seq))).scalar() or 0
    cut = (first_kept - 1) if first_kept is not None else top
    if cut <= head:
        return 0, head
    count = conn.execute(select(func.count()).select_from(_A).where(_A.c.seq > head, _A.c.seq <= cut)).scalar_one()
    if dry_run:
        return int(count), cut
    last_hash = conn.execute(select(_A.c.hash).where(_A.c.seq == cut)).scalar_one()
    conn.execute(_A.delete().where(_A.c.seq <= cut))
    conn.execute(update(_H).where(_H.c.id == 1).values(pruned_seq=cut, pruned_hash=last_hash,
                                                        updated_at=datetime.now(UTC)))
    return int(count), cut
