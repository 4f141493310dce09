"""Who may see what, in the web app: view guards on top of the registry's rules
(:mod:`inventory.permissions`, imported from here by the views).

Every view that reads assets filters its select through :func:`visible_assets`
or fetches one asset through :func:`asset_or_404`, so an asset outside the
user's scope answers 404 (its existence does not leak) by URL or API alike.
"""
from __future__ import annotations

from functools import wraps

from flask import abort, current_app
from flask_login import current_user
from sqlalchemy import select

from inventory.models import Asset
from inventory.permissions import (
    ALL_ROLES,
    AREA_ROLES,
    CITY_WIDE_ROLES,
    DEPARTMENT_ROLES,
    FINDING_REVIEW_ROLES,
    department_scope,
    may_use,
    restrict_to_scope,
    visible_assets,
    with_sub_departments,
)

#: the registry's rules and this module's guards: what views import from here
__all__ = ["ALL_ROLES", "AREA_ROLES", "CITY_WIDE_ROLES", "DEPARTMENT_ROLES", "FINDING_REVIEW_ROLES",
           "asset_or_404", "department_scope", "login_exempt", "may_use", "require_roles",
           "restrict_to_scope", "visible_assets", "with_sub_departments"]

def asset_or_404(session, asset_id: int, user) -> Asset:
    """The asset ``asset_id`` if ``user`` may see it; 404 if it is missing or outside their scope."""
    stmt = visible_assets(select(Asset).where(Asset.id == asset_id), user, session)
    asset = session.execute(stmt).scalars().first()
    if asset is None:
        abort(404)
    return asset


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
