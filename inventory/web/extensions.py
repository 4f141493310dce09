"""What every area of the web app shares: the CSRF guard, the login manager and the request's
database session.

:func:`inventory.web.create_app` sets these up and imports the areas; the
areas import them from here, not from the package, so no area imports the
module that imports it.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
login_manager = LoginManager()

#: per-request state kept on ``g``: ours, Flask-Login's user, Flask-Babel's locale, Flask-WTF's
#: CSRF token (of one browser's session: never to be offered to the next request's)
REQUEST_STATE = ("db_session", "_login_user", "_flask_babel", "csrf_token")


@dataclass
class Registry:
    """The app's database: its engine and a factory of sessions."""
    engine: object
    sessions: object


def get_session():
    """The current request's database session (opened on first use, closed at teardown)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["registry"].sessions()
    return g.db_session


def close_session(_exc=None) -> None:
    """Close the request's session and forget its user and language, so that an app context
    shared by several requests (tests, CLI) never carries one request's state into the next."""
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
    for name in REQUEST_STATE[1:]:
        g.pop(name, None)
