"""The table of the object-store asset store's credentials (issue 12; migration 0013).

One row per store (its endpoint and bucket): the S3 keys as a Fernet-encrypted JSON object, like
``target.credentials``. Only :mod:`stardust_tui.assets.store_config` reads or writes it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from stardust_tui.domain.models import utcnow


class StoreCredential(SQLModel, table=True):
    """Encrypted S3 credentials of one asset store."""

    __tablename__ = "store_credential"

    store: str = Field(primary_key=True, max_length=500)
    credentials: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)
