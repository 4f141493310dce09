"""Who changed what, when: :class:`AuditEvent`, one row per field a person changed, written
by :func:`record_change` and :func:`set_field`."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from inventory.models.accounts import User
from inventory.models.base import _fk, _when


class AuditEvent(SQLModel, table=True):
    """Who changed what, when: one row per field a person changed (``record_change``),
    and one per scan run finished (``object_type`` "scan_run", ``field`` "finished")."""
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),)
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime | None = _when(nullable=False, index=True, now=True)
    user_id: int | None = _fk("app_user.id")
    object_type: str = Field(max_length=40)    # table name
    object_id: int | None = None
    field: str = Field(max_length=60)
    before: str | None = Field(default=None, max_length=4000)
    after: str | None = Field(default=None, max_length=4000)


def record_change(session, user: User | None, obj: SQLModel, field: str, before, after) -> AuditEvent | None:
    """Add an :class:`AuditEvent` for a person's change of ``obj.field``; None when nothing changed.

    Values are stored as text (dates ISO, None as NULL).  The caller commits.
    """
    if before == after:
        return None
    event = AuditEvent(user_id=user.id if user is not None else None,
                       object_type=obj.__tablename__, object_id=getattr(obj, "id", None),
                       field=field, before=_audit_text(before), after=_audit_text(after))
    session.add(event)
    return event


def set_field(session, user: User | None, obj: SQLModel, field: str, value) -> bool:
    """Set ``obj.field`` to ``value`` and audit it; False when it already had that value."""
    before = getattr(obj, field)
    if record_change(session, user, obj, field, before, value) is None:
        return False
    setattr(obj, field, value)
    session.add(obj)
    return True


def _audit_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)[:4000]
