"""Sign in and out (local accounts, werkzeug password hashes, Flask-Login).

The signed-in user is a :class:`SignedInUser`: a small copy of the
``app_user`` row, loaded once per request and detached from any session.
A deactivated account is signed out at its next request.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from ..models import User
from . import get_session
from .permissions import login_exempt

bp = Blueprint("auth", __name__, url_prefix="/auth")
#: compared against when the user name is unknown, so both failures take the same time
_UNKNOWN_USER_HASH = generate_password_hash("not a password")


@dataclass(frozen=True)
class SignedInUser:
    """The signed-in user as Flask-Login sees it (``is_active``: only active users are loaded)."""
    id: int
    username: str
    display_name: str
    role: str
    department_id: int | None

    is_authenticated = True
    is_active = True
    is_anonymous = False

    @classmethod
    def of(cls, user: User) -> SignedInUser:
        return cls(user.id, user.username, user.display_name or "", str(user.role), user.department_id)

    def get_id(self) -> str:
        return str(self.id)


def load_user(user_id: str) -> SignedInUser | None:
    """Flask-Login's user loader: the active user with this id, else None (signed out)."""
    if not user_id.isdigit():
        return None
    user = get_session().get(User, int(user_id))
    if user is None or not user.active:
        return None
    return SignedInUser.of(user)


def check_credentials(session, username: str, password: str) -> User | None:
    """The user whose name and password these are (active or not), else None."""
    user = session.execute(select(User).where(User.username == username)).scalars().first()
    if user is None or not user.password_hash:
        check_password_hash(_UNKNOWN_USER_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def is_local_path(target: str | None) -> bool:
    """Whether ``target`` is a path on this site (``/x?y``), not another site or scheme."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and not any(ord(c) < 32 for c in target)


class LoginForm(FlaskForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=100)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Sign in"))


@bp.route("/login", methods=("GET", "POST"))
@login_exempt
def login():
    """Sign in with a user name and password; back to ``next`` (a local path) or the dashboard."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    target = request.values.get("next")
    target = target if is_local_path(target) else None
    error = None
    if form.validate_on_submit():
        user = check_credentials(get_session(), form.username.data.strip(), form.password.data)
        if user is None:
            error = _("The user name or password is incorrect.")
        elif not user.active:
            error = _("This account has been disabled. Ask the administrator.")
        else:
            login_user(SignedInUser.of(user))
            return redirect(target or url_for("dashboard.index"))
    status = 401 if error else 200
    return render_template("auth/login.html", form=form, next=target, error=error), status


@bp.route("/logout", methods=("POST",))
@login_exempt
def logout():
    """Sign out (a POST with the CSRF token, so another site cannot sign anyone out)."""
    logout_user()
    flash(_("You have been signed out."), "info")
    return redirect(url_for("auth.login"))
