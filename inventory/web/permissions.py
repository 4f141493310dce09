"""Who may see what: the one place the web app decides access.

Roles (``inventory.models.Role``): clerks and department heads see their
department and its sub-departments; the IT division, the privacy office and
admins see the whole city.  Areas of the app (dashboard, assets, ...) are
open to the roles in :data:`AREA_ROLES`.

Every view that reads assets filters its select through :func:`visible_assets`
or fetches one asset through :func:`asset_or_404`, so an asset outside the
user's scope answers 404 (its existence does not leak) by URL or API alike.
"""
from __future__ import annotations

from functools import wraps

from flask import abort, current_app
from flask_login import current_user
from sqlalchemy import false, select

from ..models import Asset, Department, Role

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


def asset_or_404(session, asset_id: int, user) -> Asset:
    """The asset ``asset_id`` if ``user`` may see it; 404 if it is missing or outside their scope."""
    stmt = visible_assets(select(Asset).where(Asset.id == asset_id), user, session)
    asset = session.execute(stmt).scalars().first()
    if asset is None:
        abort(404)
    return asset


def may_use(user, area: str) -> bool:
    """Whether ``user`` (signed in) may use ``area`` of the app."""
    if not getattr(user, "is_authenticated", False):
        return False
    return getattr(user, "role", None) in AREA_ROLES.get(area, frozenset())


def require_roles(*roles: str):
    """View decorator: sign-in required (redirect to the login page), then 403 unless the role is one of ``roles``."""
    allowed = frozenset(roles)

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)
        return guarded
    return decorate


def login_exempt(view):
    """Mark a view as reachable without a signed-in session (the login page; API views that
    check bearer tokens themselves).  Every other view needs a signed-in user."""
    view.login_exempt = True
    return view
