"""What every table of the registry shares: the constraint names, the JSON column type, UTC
times and the column helpers the table modules use (``_when``, ``_json``, ``_fk``: the
package's own, not re-exported by :mod:`inventory.models`)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

# constraint names Alembic (and SQLite batch mode) can find again
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: JSON column: JSONB on PostgreSQL, JSON text elsewhere
JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> dt.datetime:
    """Now, in UTC."""
    return dt.datetime.now(dt.timezone.utc)


def _when(nullable: bool = True, index: bool = False, now: bool = False):
    """A UTC timestamp column; ``now``: defaults to the time the row is made."""
    default = {"default_factory": utcnow} if now else {"default": None}
    return Field(sa_type=DateTime(timezone=True), nullable=nullable, index=index, **default)


def _json(default=list):
    return Field(default_factory=default, sa_type=JSONType, nullable=False)


def _fk(target: str, index: bool = True):
    """A nullable integer foreign key."""
    return Field(default=None, foreign_key=target, index=index)


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """A stored time as an aware UTC time (SQLite gives them back naive)."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value
