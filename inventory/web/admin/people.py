"""The staff directory (職員, :class:`~inventory.models.Person`): list, search, add and edit
(views on ``admin_base.bp``).  People need no account; one may be linked to its account.
Nobody is deleted: a person who leaves is made inactive, and the apps they owned keep
showing their name (marked 退職等) until someone else is chosen.  The staff sheet of the
org-chart import (:mod:`.import_views`) fills the same table, matched by 職員番号, as a
later directory sync will."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from inventory.models import Person, PersonSource, User, set_field, utcnow
from inventory.web.admin.base import audit_created, bp, department_choices, department_labels
from inventory.web.admin.forms import PersonForm
from inventory.web.admin.org_import import katakana
from inventory.web.extensions import get_session
from inventory.web.people import folded

PERSON_FIELDS = ("staff_number", "name", "kana", "department_id", "title", "email", "active")
PEOPLE_PER_PAGE = 50


@bp.route("/people")
def people():
    """The staff, by kana, 50 a page; ``?q=`` searches 職員番号, 氏名 and カナ (spaces ignored),
    ``?all=1`` lists those who left too."""
    session = get_session()
    query = request.args.get("q", "").strip()[:100]
    show_all = request.args.get("all") == "1"
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    stmt = select(Person, User.username).outerjoin(User, User.person_id == Person.id)
    if not show_all:
        stmt = stmt.where(Person.active)
    if query:
        pattern = "%" + folded(query).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(*(func.replace(func.replace(column, " ", ""), "　", "").ilike(pattern, escape="\\")
                                for column in (Person.staff_number, Person.name, Person.kana))))
    stmt = stmt.order_by(Person.kana, Person.name, Person.id)
    rows = session.execute(stmt.limit(PEOPLE_PER_PAGE + 1).offset((page - 1) * PEOPLE_PER_PAGE)).all()
    return render_template("admin/people.html", rows=rows[:PEOPLE_PER_PAGE], query=query, page=page,
                           more=len(rows) > PEOPLE_PER_PAGE, show_all=show_all,
                           names=department_labels(session))


@bp.route("/people/new", methods=("GET", "POST"))
def person_new():
    """Add a member of staff."""
    return _person_form(None)


@bp.route("/people/<int:person_id>", methods=("GET", "POST"))
def person_edit(person_id: int):
    """Edit a member of staff; mark them as having left (never deleted); link their account."""
    return _person_form(person_id)


def _person_form(person_id: int | None):
    session = get_session()
    person = session.get(Person, person_id) if person_id is not None else None
    if person_id is not None and person is None:
        abort(404)
    linked = session.execute(select(User).where(User.person_id == person.id)).scalar_one_or_none() \
        if person else None
    form = PersonForm(obj=person)
    if request.method == "GET" and linked is not None:
        form.account.data = linked.username
    form.department_id.choices = department_choices(session, keep={person.department_id} if person else set())
    if form.validate_on_submit():
        values, account = _person_values(session, form, person)
        if values is not None:
            if person is None:
                person = Person(source=PersonSource.manual, **values)
                session.add(person)
                session.flush()
                audit_created(session, person, PERSON_FIELDS)
            else:
                if any([set_field(session, current_user, person, f, v) for f, v in values.items()]):
                    person.updated_at = utcnow()
            if account is not linked:
                if linked is not None:
                    set_field(session, current_user, linked, "person_id", None)
                    session.flush()
                if account is not None:
                    set_field(session, current_user, account, "person_id", person.id)
            session.commit()
            flash(_("%(name)s saved.", name=person.name), "info")
            return redirect(url_for(".people"))
    status = 400 if form.errors else 200
    return render_template("admin/person_form.html", form=form, person=person), status


def _person_values(session, form: PersonForm, person) -> tuple[dict | None, User | None]:
    """The form's values and the account to link, or (None, None) after adding the errors that
    need the database to find."""
    values = {f: getattr(form, f).data for f in PERSON_FIELDS}
    values["kana"] = katakana(values["kana"] or "")
    values["staff_number"] = values["staff_number"] or None
    values["title"] = values["title"] or None
    values["email"] = values["email"] or None
    if values["staff_number"] is None and (person is None or person.staff_number):
        form.staff_number.errors.append(_("Enter the staff number."))
    elif values["staff_number"] is not None:
        clash = select(Person.id).where(Person.staff_number == values["staff_number"])
        if person is not None:
            clash = clash.where(Person.id != person.id)
        if session.scalar(clash) is not None:
            form.staff_number.errors.append(_("Another member of staff has this staff number."))
    account = None
    if form.account.data:
        account = session.execute(select(User).where(User.username == form.account.data)).scalar_one_or_none()
        if account is None:
            form.account.errors.append(_("There is no user with this name."))
        elif account.person_id is not None and (person is None or account.person_id != person.id):
            form.account.errors.append(_("This account already belongs to another member of staff."))
    return (None, None) if form.errors else (values, account)
