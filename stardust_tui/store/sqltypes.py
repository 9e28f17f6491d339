"""SQLModel class attributes as SQLAlchemy sees them at run time, for the type checker.

mypy reads ``Release.upc`` as a ``str`` and ``Release.tracks`` as a ``list[Track]`` (the Python field types),
while at run time they are instrumented attributes: ``Release.upc.in_(...)`` and ``selectinload(Release.tracks)``
work but do not type-check. :func:`col` (sqlmodel's) gives a column, :func:`rel` a relationship for loader
options, :func:`table` a model's ``Table``; each checks at run time that it got what it says.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import QueryableAttribute
from sqlmodel import SQLModel, col

__all__ = ["col", "rel", "table"]


def rel(attr: object) -> QueryableAttribute[Any]:
    """A relationship attribute of a model class (``Release.tracks``), typed for ``selectinload``/``joinedload``."""
    if not isinstance(attr, QueryableAttribute):
        raise TypeError(f"{attr!r} is not a mapped attribute")
    return attr


def table(model: type[SQLModel]) -> Table:
    """The ``Table`` a table model maps (``Target.__table__``, which the type checker does not know)."""
    found = sa_inspect(model).local_table
    if not isinstance(found, Table):
        raise TypeError(f"{model.__name__} does not map a table")
    return found
