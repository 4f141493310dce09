"""Administration (admins only): departments, users; the staff directory (:mod:`.people`);
shares, mappings and API tokens (:mod:`.shares`); the org-chart import (:mod:`.import_views`).

Every change a person makes is written through ``set_field``/``record_change``
(one :class:`~inventory.models.AuditEvent` per field).  Departments are never
deleted: an annual reorganisation closes a department (``valid_to``) and
names its ``successor``.  Password hashes are never shown; a password the
app generates, like an API token, is shown once and never again.
"""
from __future__ import annotations

import secrets

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from werkzeug.security import generate_password_hash

from inventory.accounts.login_throttle import is_locked, locked_addresses, unlock
from inventory.models import (
    ApiToken,
    AuditEvent,
    Department,
    Person,
    Share,
    User,
    record_change,
    set_field,
)
from inventory.accounts.sessions import revoke_user_sessions
from inventory.web.admin import import_views  # noqa: F401  (its views are on ``bp``)
from inventory.web.admin import people  # noqa: F401  (its views are on ``bp``)
from inventory.web.admin import shares  # noqa: F401  (its views are on ``bp``)
from inventory.web.admin.audit_log import audit_rows
from inventory.web.admin.base import audit_created, bp, department_choices, department_labels, is_current, show_once
from inventory.web.admin.forms import AddressUnlockForm, ConfirmForm, DepartmentForm, PasswordResetForm, UserEditForm, UserForm
from inventory.web.extensions import get_session
from inventory.web.labels import ROLE_LABELS, label
from inventory.web.permissions import with_sub_departments

DEPARTMENT_FIELDS = ("code", "name", "parent_id", "head_id", "valid_from", "valid_to", "successor_id")
USER_FIELDS = ("display_name", "email", "role", "department_id", "active")
#: a change of any of these ends the user's sessions (what they may see changed)
SESSION_FIELDS = ("role", "department_id", "active")
USERS_PER_PAGE = 50
#: object types whose changes the start page lists
ADMIN_OBJECTS = ("department", "app_user", "person", "share", "share_mapping", "api_token")


@bp.route("/")
def index():
    """The administration start page: counts and the latest changes made here."""
    session = get_session()
    counts = {
        "departments": session.scalar(select(func.count()).select_from(Department)
                                      .where(Department.valid_to.is_(None))),
        "users": session.scalar(select(func.count()).select_from(User).where(User.active)),
        "shares": session.scalar(select(func.count()).select_from(Share).where(Share.active)),
        "tokens": session.scalar(select(func.count()).select_from(ApiToken)
                                 .where(ApiToken.revoked_at.is_(None))),
    }
    events = session.execute(
        select(AuditEvent, User.username).outerjoin(User, User.id == AuditEvent.user_id)
        .where(AuditEvent.object_type.in_(ADMIN_OBJECTS))
        .order_by(AuditEvent.id.desc()).limit(30)).all()
    return render_template("admin/index.html", counts=counts, events=audit_rows(session, events))


# ----- departments -----
@bp.route("/departments")
def departments():
    """Departments, current ones first; ``?all=1`` also lists closed ones."""
    session = get_session()
    show_all = request.args.get("all") == "1"
    stmt = select(Department).order_by(Department.code, Department.valid_from)
    depts = [d for d in session.execute(stmt).scalars() if show_all or is_current(d)]
    heads = dict(session.execute(select(User.id, User.username).where(
        User.id.in_({d.head_id for d in depts if d.head_id}))).all())
    return render_template("admin/departments.html", departments=depts, heads=heads,
                           names=department_labels(session), show_all=show_all)


@bp.route("/departments/new", methods=("GET", "POST"))
def department_new():
    """Create a department."""
    return _department_form(None)


@bp.route("/departments/<int:dept_id>", methods=("GET", "POST"))
def department_edit(dept_id: int):
    """Edit a department; close it with a last day and a successor (departments are never deleted)."""
    return _department_form(dept_id)


def _department_form(dept_id: int | None):
    session = get_session()
    dept = session.get(Department, dept_id) if dept_id is not None else None
    if dept_id is not None and dept is None:
        abort(404)
    form = DepartmentForm(obj=dept)
    if dept is not None and request.method == "GET":
        form.head_username.data = session.scalar(select(User.username).where(User.id == dept.head_id))
    below = with_sub_departments(session, dept.id) if dept else set()
    keep = {dept.parent_id, dept.successor_id} if dept else set()
    form.parent_id.choices = department_choices(session, keep, exclude=below)
    form.successor_id.choices = department_choices(session, keep, exclude={dept_id})
    if form.validate_on_submit():
        values = _department_values(session, form, dept)
        if values is not None:
            if dept is None:
                dept = Department(**values)
                session.add(dept)
                session.flush()
                audit_created(session, dept, DEPARTMENT_FIELDS)
            else:
                for field, value in values.items():
                    set_field(session, current_user, dept, field, value)
            session.commit()
            flash(_("Department %(code)s saved.", code=dept.code), "info")
            return redirect(url_for(".departments"))
    status = 400 if form.errors else 200
    return render_template("admin/department_form.html", form=form, department=dept), status


def _department_values(session, form: DepartmentForm, dept) -> dict | None:
    """The form's values, or None after adding errors that need the database to find."""
    values = {"code": form.code.data, "name": form.name.data, "parent_id": form.parent_id.data,
              "head_id": None, "valid_from": form.valid_from.data, "valid_to": form.valid_to.data,
              "successor_id": form.successor_id.data}
    if form.head_username.data:
        values["head_id"] = session.scalar(select(User.id).where(
            User.username == form.head_username.data))
        if values["head_id"] is None:
            form.head_username.errors.append(_("There is no user with this name."))
    clash = select(Department.id).where(Department.code == values["code"],
                                        Department.valid_from == values["valid_from"])
    if dept is not None:
        clash = clash.where(Department.id != dept.id)
    if session.scalar(clash) is not None:
        form.code.errors.append(_("A department with this code and first day already exists."))
    return None if form.errors else values


# ----- users -----
@bp.route("/users")
def users():
    """Users, by user name, 50 a page; ``?q=`` searches user names and full names."""
    session = get_session()
    query = request.args.get("q", "").strip()[:100]
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    stmt = select(User).order_by(User.username)
    if query:
        pattern = f"%{query}%"
        stmt = stmt.where(or_(User.username.ilike(pattern), User.display_name.ilike(pattern)))
    rows = list(session.execute(stmt.limit(USERS_PER_PAGE + 1)
                                .offset((page - 1) * USERS_PER_PAGE)).scalars())
    return render_template("admin/users.html", users=rows[:USERS_PER_PAGE], query=query, page=page,
                           more=len(rows) > USERS_PER_PAGE, names=department_labels(session),
                           role_label=lambda code: label(ROLE_LABELS, code),
                           locked=locked_addresses(session), unlock_form=AddressUnlockForm())


@bp.route("/users/new", methods=("GET", "POST"))
def user_new():
    """Create a local account; an empty password field generates one, shown once."""
    session = get_session()
    form = UserForm()
    form.department_id.choices = department_choices(session)
    if form.validate_on_submit():
        if session.scalar(select(User.id).where(User.username == form.username.data)):
            form.username.errors.append(_("This user name is taken."))
        else:
            password = form.password.data or secrets.token_urlsafe(12)
            user = User(username=form.username.data, password_hash=generate_password_hash(password),
                        **{field: getattr(form, field).data for field in USER_FIELDS})
            session.add(user)
            session.flush()
            audit_created(session, user, ("username",) + USER_FIELDS)
            session.commit()
            if form.password.data:
                flash(_("User %(name)s created.", name=user.username), "info")
                return redirect(url_for(".users"))
            return show_once(_("User %(name)s created. Their password:", name=user.username),
                             password, url_for(".users"))
    status = 400 if form.errors else 200
    return render_template("admin/user_form.html", form=form, user=None), status


@bp.route("/users/<int:user_id>", methods=("GET", "POST"))
def user_edit(user_id: int):
    """Change a user's name, email, role, department or whether they may sign in."""
    session = get_session()
    user = session.get(User, user_id) or abort(404)
    form = UserEditForm(obj=user)
    form.department_id.choices = department_choices(session, keep={user.department_id})
    if form.validate_on_submit():
        if user.id == current_user.id and (form.role.data != "admin" or not form.active.data):
            form.role.errors.append(_("You cannot remove your own administrator rights."))
        else:
            changed = {field for field in USER_FIELDS
                       if set_field(session, current_user, user, field, getattr(form, field).data)}
            if changed & set(SESSION_FIELDS):
                end_sessions_of(session, user)
            session.commit()
            flash(_("User %(name)s saved.", name=user.username), "info")
            return redirect(url_for(".users"))
    status = 400 if form.errors else 200
    return render_user_form(session, user, form, PasswordResetForm(), status)


def render_user_form(session, user, form, reset_form, status: int):
    """The user's page: settings, password reset, and the sign-in lock with its unlock button."""
    person = session.get(Person, user.person_id) if user.person_id else None
    return render_template("admin/user_form.html", form=form, user=user, reset_form=reset_form, person=person,
                           locked=is_locked(session, user.username), unlock_form=ConfirmForm()), status


def end_sessions_of(session, user) -> None:
    """End every session of ``user`` (an admin editing themself keeps the one in use)."""
    keep = current_user.session_id if user.id == current_user.id else None
    revoke_user_sessions(session, user.id, keep_token=keep)


@bp.route("/users/<int:user_id>/password", methods=("POST",))
def user_password(user_id: int):
    """Set a new password (an empty field generates one, shown once); the hash is never shown."""
    session = get_session()
    user = session.get(User, user_id) or abort(404)
    form = PasswordResetForm()
    form.policy_username = user.username
    if not form.validate_on_submit():
        edit = UserEditForm(obj=user)
        edit.department_id.choices = department_choices(session, keep={user.department_id})
        return render_user_form(session, user, edit, form, 400)
    password = form.new_password.data or secrets.token_urlsafe(12)
    user.password_hash = generate_password_hash(password)
    session.add(user)
    record_change(session, current_user, user, "password", None, "reset")
    end_sessions_of(session, user)
    session.commit()
    if form.new_password.data:
        flash(_("The password of %(name)s was changed.", name=user.username), "info")
        return redirect(url_for(".user_edit", user_id=user.id))
    return show_once(_("New password of %(name)s:", name=user.username), password,
                     url_for(".user_edit", user_id=user.id))


@bp.route("/users/unlock-address", methods=("POST",))
def address_unlock():
    """Lift the lock that failed sign-ins put on a client address (listed on the users page)."""
    session = get_session()
    form = AddressUnlockForm()
    if form.validate_on_submit() and unlock(session, current_user.id, address=form.address.data):
        session.commit()
        flash(_("Signing in from %(address)s is possible again.", address=form.address.data), "info")
    return redirect(url_for(".users"))


@bp.route("/users/<int:user_id>/unlock", methods=("POST",))
def user_unlock(user_id: int):
    """Lift the sign-in lock (and delay) that failed attempts put on the account."""
    session = get_session()
    user = session.get(User, user_id) or abort(404)
    if ConfirmForm().validate_on_submit() and unlock(session, current_user.id, username=user.username):
        session.commit()
        flash(_("Signing in as %(name)s is possible again.", name=user.username), "info")
    return redirect(url_for(".user_edit", user_id=user.id))
