"""Sign in and out (local accounts, werkzeug password hashes, Flask-Login), one's own password.

The signed-in user is a :class:`SignedInUser`: a small copy of the
``app_user`` row, loaded once per request and detached from any session.
What Flask-Login keeps in the signed cookie is not the user's id but the id
of a server-side session (:mod:`inventory.accounts.sessions`): signing out, a
password, role, department or active-flag change and the idle and absolute
time-outs end it, and a copied cookie is refused from then on.  A
deactivated account is signed out at its next request.

Failed sign-ins are limited per account and per client address
(:mod:`inventory.accounts.login_throttle`); every refusal, whatever its cause (wrong
password, unknown or disabled account, too many attempts), gets the same
answer.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask import session as cookie_session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from inventory.web.form_base import FlaskForm  # clear messages, full-width digits
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from inventory.accounts.login_throttle import is_refused, record_failure, record_success
from inventory.models import User, record_change
from inventory.accounts.sessions import end_session, live_session, revoke_user_sessions, start_session
from inventory.web.extensions import get_session
from inventory.web.auth.forms import PasswordChangeForm
from inventory.web.i18n import SESSION_KEY as LANGUAGE_KEY
from inventory.web.permissions import login_exempt
from inventory.web.settings import session_limits, throttle_rules

bp = Blueprint("auth", __name__, url_prefix="/auth")
#: compared against when the user name is unknown, so both failures take the same time
_UNKNOWN_USER_HASH = generate_password_hash("not a password")


@dataclass(frozen=True)
class SignedInUser:
    """The signed-in user as Flask-Login sees it (``is_active``: only active users are loaded).
    ``session_id`` is what the cookie carries (:func:`get_id`), not the user's id."""
    id: int
    username: str
    display_name: str
    role: str
    department_id: int | None
    session_id: str = ""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    @classmethod
    def of(cls, user: User, session_id: str = "") -> SignedInUser:
        return cls(user.id, user.username, user.display_name or "", str(user.role), user.department_id,
                   session_id)

    def get_id(self) -> str:
        return self.session_id


def load_user(session_id: str) -> SignedInUser | None:
    """Flask-Login's user loader: the active user of this live session, else None (signed out)."""
    found = live_session(get_session(), session_id, session_limits(current_app.config))
    user = found[1] if found is not None else None
    if user is None or not user.active:
        return None
    return SignedInUser.of(user, session_id)


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


def attempt_sign_in(session, username: str, password: str, address: str | None) -> User | None:
    """The active user these credentials sign in, else None, counting the failure; an attempt
    refused by the limits is not checked (but costs the same hashing)."""
    if is_refused(session, username, address):
        check_password_hash(_UNKNOWN_USER_HASH, password)
        return None
    user = check_credentials(session, username, password)
    if user is None or not user.active:
        known = user.id if user else session.scalar(select(User.id).where(User.username == username))
        record_failure(session, throttle_rules(current_app.config), username, address, known)
        session.commit()
        return None
    record_success(session, username)
    return user


def begin_session(session, user: User) -> None:
    """Sign ``user`` in with a new server-side session and a fresh cookie (nothing kept from
    before sign-in but the language: no session fixation, a new CSRF token)."""
    token = start_session(session, user.id, request.remote_addr, session_limits(current_app.config))
    session.commit()
    language = cookie_session.get(LANGUAGE_KEY)
    cookie_session.clear()
    if language:
        cookie_session[LANGUAGE_KEY] = language
    login_user(SignedInUser.of(user, token))


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
        session = get_session()
        user = attempt_sign_in(session, form.username.data.strip(), form.password.data,
                               request.remote_addr)
        if user is None:
            error = _("The user name or password is incorrect, or signing in is paused for a "
                      "while. Try again later; if it goes on, ask the administrator.")
        else:
            begin_session(session, user)
            return redirect(target or url_for("dashboard.index"))
    status = 401 if error else 200
    return render_template("auth/login.html", form=form, next=target, error=error), status


@bp.route("/logout", methods=("POST",))
@login_exempt
def logout():
    """Sign out, ending the session on the server (a POST with the CSRF token, so another site
    cannot sign anyone out)."""
    if current_user.is_authenticated:
        session = get_session()
        end_session(session, current_user.session_id)
        session.commit()
    logout_user()
    flash(_("You have been signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=("GET", "POST"))
def password():
    """Change one's own password (the current one first); one's other sessions end."""
    session = get_session()
    user = session.get(User, current_user.id)
    form = PasswordChangeForm()
    form.policy_username = user.username
    if form.validate_on_submit():
        if check_credentials(session, user.username, form.current_password.data) is None:
            record_failure(session, throttle_rules(current_app.config), user.username,
                           request.remote_addr, user.id)
            session.commit()
            form.current_password.errors.append(_("The current password is incorrect."))
        else:
            user.password_hash = generate_password_hash(form.new_password.data)
            session.add(user)
            record_change(session, current_user, user, "password", None, "changed")
            revoke_user_sessions(session, user.id, keep_token=current_user.session_id)
            session.commit()
            flash(_("Your password was changed. Your other sessions have been signed out."), "info")
            return redirect(url_for("dashboard.index"))
    status = 400 if form.errors else 200
    return render_template("auth/password.html", form=form), status
