"""The administration's audit log as a person reads it: names, not ids; labels, not field names;
times in the UI's time zone (JST), not UTC.

An :class:`~inventory.models.AuditEvent` stores the table, the row id, the field and the values
as text (ids for references, ISO times in UTC).  :func:`audit_rows` looks up, in one query per
table, every user, department, share, mapping and token the events name, and writes each event
as "who", "what" (the object's kind and name), the field's label and both values.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from inventory import labels as msgids
from inventory.models import ApiToken, Department, Share, ShareMapping, User
from inventory.web.i18n import datetimeformat, translate

#: fields whose values are ids of another table's rows
USER_FIELDS = frozenset({"head_id", "owner_id", "deputy_id", "created_by_id"})
DEPARTMENT_FIELDS = frozenset({"parent_id", "successor_id", "department_id"})
SHARE_FIELDS = frozenset({"share_id"})
TIME_FIELDS = frozenset({"expires_at", "revoked_at", "rotated_at", "locked_at"})
TIME_FORMAT = "yyyy-MM-dd HH:mm"


@dataclass(frozen=True)
class AuditRow:
    when: str
    who: str
    what: str
    field: str
    before: str
    after: str


def _ids(events, object_type: str, fields: frozenset) -> set[int]:
    found = set()
    for event in events:
        if event.object_type == object_type and event.object_id is not None:
            found.add(event.object_id)
        if event.field in fields:
            found.update(int(v) for v in (event.before, event.after) if v and v.isdigit())
    return found


def _names(session, column_id, columns, ids: set[int]) -> dict[int, tuple]:
    if not ids:
        return {}
    rows = session.execute(select(column_id, *columns).where(column_id.in_(sorted(ids)))).all()
    return {row[0]: tuple(row[1:]) for row in rows}


def audit_rows(session, events) -> list[AuditRow]:
    """``events``: (AuditEvent, username) pairs, newest first, as the start page selects them."""
    events = [event for event, _username in events]
    user_ids = _ids(events, "app_user", USER_FIELDS) | {e.user_id for e in events if e.user_id}
    users = {i: (display or username) for i, (username, display)
             in _names(session, User.id, (User.username, User.display_name), user_ids).items()}
    departments = {i: f"{name}（{code}）" for i, (code, name) in _names(
        session, Department.id, (Department.code, Department.name),
        _ids(events, "department", DEPARTMENT_FIELDS)).items()}
    shares = {i: name for i, (name,) in _names(session, Share.id, (Share.name,),
                                                _ids(events, "share", SHARE_FIELDS)).items()}
    mappings = _names(session, ShareMapping.id, (ShareMapping.share_id, ShareMapping.prefix),
                      _ids(events, "share_mapping", frozenset()))
    tokens = {i: name for i, (name,) in _names(session, ApiToken.id, (ApiToken.name,),
                                                _ids(events, "api_token", frozenset())).items()}
    lookups = {"app_user": users, "department": departments, "share": shares, "api_token": tokens}

    def object_name(event) -> str:
        kind = translate(msgids.AUDIT_OBJECT_LABELS.get(event.object_type, event.object_type))
        if event.object_id is None:
            return kind
        if event.object_type == "share_mapping" and event.object_id in mappings:
            share_id, prefix = mappings[event.object_id]
            return f"{kind}: {shares.get(share_id, '')} /{prefix}"
        name = lookups.get(event.object_type, {}).get(event.object_id)
        return f"{kind}: {name}" if name else f"{kind}: {_('(deleted, number %(id)s)', id=event.object_id)}"

    def value(event, text: str | None) -> str:
        if text is None or text == "":
            return ""
        field = event.field
        if text.isdigit() and field in USER_FIELDS:
            return users.get(int(text), text)
        if text.isdigit() and field in DEPARTMENT_FIELDS:
            return departments.get(int(text), text)
        if text.isdigit() and field in SHARE_FIELDS:
            return shares.get(int(text), text)
        if field == "role":
            return translate(msgids.ROLE_LABELS.get(text, text))
        if field == "sign_in":
            word, _sep, rest = text.partition(" ")
            said = translate(msgids.AUDIT_VALUE_LABELS[word]) if word in msgids.AUDIT_VALUE_LABELS else word
            return f"{said} {rest}".strip()
        if field in TIME_FIELDS:
            return _time(text)
        if text in msgids.AUDIT_VALUE_LABELS:
            return translate(msgids.AUDIT_VALUE_LABELS[text])
        return text

    return [AuditRow(when=datetimeformat(event.at, TIME_FORMAT) if event.at else "",
                     who=users.get(event.user_id, _("Unknown user")) if event.user_id else _("(system)"),
                     what=object_name(event),
                     field=translate(msgids.ADMIN_FIELD_LABELS.get(event.field, event.field)),
                     before=value(event, event.before), after=value(event, event.after))
            for event in events]


def _time(text: str) -> str:
    try:
        return datetimeformat(dt.datetime.fromisoformat(text), TIME_FORMAT)
    except ValueError:
        return text
