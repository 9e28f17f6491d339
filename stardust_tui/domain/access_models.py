"""SQLModel tables of issue 15: the users of a shared installation and the head of the audit hash chain.

:class:`StardustUser` gives a name (an OS login, as the CLI and TUI act as it) one role and optionally the
labels it is limited to. While the table is empty the installation is single-user: whoever runs it is
admin. :class:`AuditChain` is one row (id 1): the sequence number and hash of the newest audit entry, and
where retention last cut the chain (entries up to ``pruned_seq`` were deleted on purpose; the first kept
entry links to ``pruned_hash``). Writers lock this row to append, so the chain stays one line even with
concurrent PostgreSQL transactions (see :mod:`stardust_tui.store.audit_chain`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Column
from sqlmodel import Field, SQLModel

from stardust_tui.domain.models import utcnow

USER: dict[str, int] = {"name": 200, "role": 16, "label": 500}
GENESIS = "0" * 64
"""The ``prev_hash`` of the first audit entry ever written."""


class StardustUser(SQLModel, table=True):
    """Someone who may use this installation, with one role and optionally only some labels."""

    __tablename__ = "stardust_user"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True, max_length=USER["name"])
    role: str = Field(max_length=USER["role"])  # viewer | editor | releaser | admin
    labels: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))  # None: every label
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class AuditChain(SQLModel, table=True):
    """The head of the audit log's hash chain (a single row, id 1)."""

    __tablename__ = "audit_chain"

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    hash: str = Field(default=GENESIS, max_length=64)
    pruned_seq: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    pruned_hash: str = Field(default=GENESIS, max_length=64)
    updated_at: datetime = Field(default_factory=utcnow)
