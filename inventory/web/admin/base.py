"""The administration area's blueprint and what its pages share (department choices, the
audit of new objects, the show-once page of a generated secret).

The area's views live in :mod:`.pages` (departments, users), :mod:`.people`
(the staff directory), :mod:`.shares` (shares, mappings, API tokens) and
:mod:`.import_views` (the org-chart import); each registers on :data:`bp` from
here, and :mod:`.pages`, the area's module, imports the others so that all are
registered with it.
"""
from __future__ import annotations

from flask import Blueprint, make_response, render_template
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from inventory.models import Department, record_change, utcnow
from inventory.web.permissions import AREA_ROLES, require_roles

bp = Blueprint("admin", __name__, url_prefix="/admin")
#: every view of the area is for these roles only (checked before each request of the blueprint)
bp.before_request(require_roles(*AREA_ROLES["admin"])(lambda: None))


def audit_created(session, obj, fields) -> None:
    """Audit a new object (flushed, so it has an id): one event per field that has a value."""
    for field in fields:
        record_change(session, current_user, obj, field, None, getattr(obj, field))


def is_current(dept, today=None) -> bool:
    """Whether a department exists today (no last day, or one not yet passed)."""
    today = today or utcnow().date()
    return dept.valid_to is None or dept.valid_to >= today


def department_labels(session) -> dict[int, str]:
    """Department id -> "code name (closed)" for select boxes and tables."""
    today = utcnow().date()
    names = {}
    for dept in session.execute(select(Department).order_by(Department.code, Department.valid_from)
                                ).scalars():
        closed = "" if is_current(dept, today) else _(" (closed %(day)s)", day=dept.valid_to)
        names[dept.id] = f"{dept.code} {dept.name}{closed}"
    return names


def department_choices(session, keep: set = frozenset(), exclude: set = frozenset()) -> list:
    """("", none) then the current departments, plus those in ``keep`` (an object's present value)."""
    today = utcnow().date()
    depts = session.execute(select(Department).order_by(Department.code)).scalars()
    names = department_labels(session)
    return [("", _("(none)"))] + [(d.id, names[d.id]) for d in depts
                                  if (is_current(d, today) or d.id in keep) and d.id not in exclude]


def show_once(title: str, secret: str, back: str):
    """A page showing a generated password or token once; never cached."""
    response = make_response(render_template("admin/secret_once.html", title=title, secret=secret,
                                             back=back))
    response.headers["Cache-Control"] = "no-store"
    return response
