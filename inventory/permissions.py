"""Who may see what: the access rules of the registry, the same for every way in (web pages,
JSON API, declarations).

Roles (``inventory.models.Role``): clerks and department heads see their
department and its sub-departments; the IT division, the privacy office and
admins see the whole city.  Areas of the app (dashboard, assets, ...) are
open to the roles in :data:`AREA_ROLES`.  Plain functions of a user and a
session, below the web layer: :mod:`inventory.declarations.workflow` applies them too,
and :mod:`inventory.web.permissions` turns them into view guards.
"""
from __future__ import annotations

from sqlalchemy import false, select

from inventory.models import Asset, Department, Role

ALL_ROLES = frozenset(Role)
#: roles whose scope is the whole city
CITY_WIDE_ROLES = frozenset({Role.it_division, Role.privacy_office, Role.admin})
#: roles whose scope is their own department and its sub-departments
DEPARTMENT_ROLES = frozenset({Role.clerk, Role.dept_head})

#: the roles each area of the app is open to (navigation and view guards)
AREA_ROLES: dict[str, frozenset[str]] = {
    "dashboard": ALL_ROLES,
    "assets": ALL_ROLES,
    "departments": ALL_ROLES,
    "declarations": ALL_ROLES,
    "privacy": frozenset({Role.privacy_office, Role.admin}),
    "declaration_files": ALL_ROLES,
    "triage": frozenset({Role.it_division, Role.admin}),
    "admin": frozenset({Role.admin}),
    "api": ALL_ROLES,
}
#: roles that confirm or dismiss findings in their department (the department view);
#: other roles see the department view read-only
FINDING_REVIEW_ROLES = DEPARTMENT_ROLES


def department_scope(session, user) -> set[int] | None:
    """Ids of the departments ``user`` may see; None means every department (and unassigned assets).

    Clerks and heads get their department and all its sub-departments; a user
    without a department, or with an unknown role, gets the empty set.
    """
    role = getattr(user, "role", None)
    if role in CITY_WIDE_ROLES:
        return None
    home = getattr(user, "department_id", None)
    if role not in DEPARTMENT_ROLES or home is None:
        return set()
    return with_sub_departments(session, home)


def with_sub_departments(session, department_id: int) -> set[int]:
    """``department_id`` and every department below it (one query; the tree is small)."""
    children: dict[int, list[int]] = {}
    for dept_id, parent_id in session.execute(select(Department.id, Department.parent_id)):
        children.setdefault(parent_id, []).append(dept_id)
    found, todo = set(), [department_id]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children.get(current, ()))
    return found


def restrict_to_scope(stmt, scope: set[int] | None):
    """``stmt`` (a select involving :class:`Asset`) limited to assets of the departments in ``scope``."""
    if scope is None:
        return stmt
    if not scope:
        return stmt.where(false())
    return stmt.where(Asset.department_id.in_(sorted(scope)))


def visible_assets(stmt, user, session):
    """``stmt`` (any select involving :class:`Asset`) filtered to the assets ``user`` may see."""
    return restrict_to_scope(stmt, department_scope(session, user))


def may_use(user, area: str) -> bool:
    """Whether ``user`` (signed in) may use ``area`` of the app."""
    if not getattr(user, "is_authenticated", False):
        return False
    return getattr(user, "role", None) in AREA_ROLES.get(area, frozenset())
