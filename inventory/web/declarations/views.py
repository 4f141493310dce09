"""The declarations area (個人情報ファイル簿), the departments' side: the campaigns, a
department's declaration with its items and workflow, the item form, an item's history.

Every rule lives in ``inventory.declarations.workflow`` (the service): who may see
(``may_see``: 404 otherwise, by URL or posted form), who may edit and act
(``save_item`` / ``act`` refuse, answered 403), what is valid (``InvalidItem``
problems, shown at their fields) and what changed in between (``StaleError``:
the person's input is kept and shown beside the saved values, and the form
then carries the new version, so nobody overwrites anybody and nothing typed
is lost).  The IT division and the privacy office read every declaration; the
privacy office's own pages (progress, reconciliation) are the ``privacy`` area.

This module holds the campaigns, a declaration and its workflow steps; an item's pages are
:mod:`.item_pages`, and the blueprint they share is :mod:`.base`'s.
"""
from __future__ import annotations

import datetime as dt

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from inventory.declarations import workflow as decl
from inventory.declarations.campaigns import campaign_progress, progress_state
from inventory.clock import city_today
from sqlalchemy import select

from inventory.models import Declaration, DeclarationCampaign, Department
from inventory.web.dashboard.views import department_names
from inventory.declarations import proposals
from inventory.web.declarations import item_pages  # noqa: F401  (its views are on ``bp``)
from inventory.web.declarations import proposal_pages  # noqa: F401  (its views are on ``bp``)
from inventory.web.declarations.base import LABELS, bp, guard
from inventory.web.declarations.queries import (campaigns, declaration_or_404, events_of, incomplete_positions,
                                                 last_return, linked_counts)
from inventory.web.extensions import get_session
from inventory.web.declarations.forms import RejectForm, VersionForm, WorkflowForm
from inventory.web.labels import DECLARATION_ACTION_LABELS, label, translated
from inventory.web.permissions import department_scope

#: actions whose form offers a comment (required for the returns, optional for a reopening)
COMMENTED = frozenset({"return_head", "return_office", "reopen"})


def today() -> dt.date:
    return city_today()



def view_url(endpoint: str, **values) -> str | None:
    """``url_for(endpoint)`` if another area (written separately) provides it, else None."""
    return url_for(endpoint, **values) if endpoint in current_app.view_functions else None


@bp.app_template_global()
def returned_declarations() -> list:
    """(declaration, department name, its return) of the current user's own department that
    are returned now: the dashboard's notice (clerks and heads only; one query when none)."""
    if not current_user.is_authenticated or current_user.role not in decl.EDITOR_ROLES \
            or current_user.department_id is None:
        return []
    session = get_session()
    found = session.execute(select(Declaration, Department.name)
                            .join(Department, Department.id == Declaration.department_id)
                            .where(Declaration.status == decl.S.returned,
                                   Declaration.department_id == current_user.department_id)
                            .order_by(Declaration.id)).all()
    return [(d, name, last_return(session, d)) for d, name in found]


# --- the campaigns and the declarations in scope ----------------------------------------------

@bp.route("/")
@guard
def index():
    """The campaigns, newest first, and the declarations of one campaign the user may see."""
    session = get_session()
    found = campaigns(session)
    wanted = request.args.get("campaign", "")
    chosen = next((c for c in found if wanted.isdigit() and c.id == int(wanted)), found[0] if found else None)
    rows = campaign_progress(session, chosen, today(), department_scope(session, current_user)) \
        if chosen else []
    names = department_names(session)
    office = current_user.role in decl.OFFICE_ROLES
    return render_template("declarations/index.html", campaigns=found, chosen=chosen, rows=rows, names=names,
                           privacy_url=view_url("privacy.index") if office else None,
                           labels=translated(LABELS), label=label)


# --- one declaration --------------------------------------------------------------------------

@bp.route("/<int:declaration_id>")
@guard
def show(declaration_id: int):
    """A declaration: its items, the workflow steps the user may take, its history."""
    session = get_session()
    return _render_declaration(session, declaration_or_404(session, declaration_id, current_user))


def _render_declaration(session, declaration, failed: tuple[str, WorkflowForm] | None = None,
                        message: str | None = None, status: int = 200):
    """The declaration page; ``failed``: the workflow form that was refused, re-shown with the
    person's comment and the declaration's current version."""
    campaign = session.get(DeclarationCampaign, declaration.campaign_id)
    items = decl.items_of(session, declaration.id)
    actions = decl.allowed_actions(session, current_user, declaration)
    forms = {a: WorkflowForm(formdata=None, prefix=a, version=str(declaration.version)) for a in actions}
    lost_comment = None
    if failed is not None:
        action, form = failed
        form.version.data = str(declaration.version)
        if action in forms:
            forms[action] = form
        else:
            lost_comment = (form.comment.data or "").strip() or None
    found = proposals.proposals_of(session, declaration.id)
    may_edit = decl.may_edit(session, current_user, declaration)
    return render_template(
        "declarations/declaration.html", declaration=declaration, campaign=campaign, items=items,
        proposals=found, proposal_files=proposals.proposal_assets(session, [p.id for p in found]),
        reject_forms={p.id: RejectForm(formdata=None, prefix=f"reject-{p.id}") for p in found
                      if may_edit and p.status == "pending"},
        button_form=VersionForm(formdata=None), returned=last_return(session, declaration),
        department=department_names(session).get(declaration.department_id, ("", "—"))[1],
        state=progress_state(declaration, campaign, today()), actions=actions, forms=forms,
        commented=COMMENTED, message=message, lost_comment=lost_comment,
        may_edit=may_edit,
        linked=linked_counts(session, [i.id for i in items]), incomplete=incomplete_positions(items),
        events=events_of(session, declaration.id),
        export_url=view_url("declaration_files.export", declaration_id=declaration.id),
        import_url=view_url("declaration_files.import_form", declaration_id=declaration.id),
        labels=translated(LABELS), label=label), status


@bp.route("/<int:declaration_id>/actions/<action>", methods=("POST",))
@guard
def act(declaration_id: int, action: str):
    """Take a workflow step on the version of the declaration the person saw."""
    session = get_session()
    declaration = declaration_or_404(session, declaration_id, current_user)
    if action not in decl.TRANSITIONS:
        abort(404)
    form = WorkflowForm(prefix=action)
    if not form.validate() or form.seen_version() is None:
        return _render_declaration(session, declaration, (action, form), status=400)
    try:
        decl.act(session, current_user, declaration, action, form.seen_version(), form.comment.data or "")
    except decl.DeclarationError as exc:
        session.rollback()
        declaration = declaration_or_404(session, declaration_id, current_user)
        return _refused_action(session, declaration, action, form, exc)
    session.commit()
    flash(_("Done: %(action)s.", action=label(DECLARATION_ACTION_LABELS, action)), "info")
    return redirect(url_for("declarations.show", declaration_id=declaration_id))


def _refused_action(session, declaration, action: str, form: WorkflowForm, exc: decl.DeclarationError):
    """The declaration page again, saying why the step was refused, with what was typed."""
    if exc.code == "forbidden":
        abort(403)
    if exc.code == "comment_required":
        form.comment.errors = [_("Write why you return the declaration.")]
        return _render_declaration(session, declaration, (action, form), status=400)
    if exc.code == "incomplete":
        items = decl.items_of(session, declaration.id)
        missing = incomplete_positions(items)
        positions = ", ".join(str(i.position) for i in items if i.id in missing)
        return _render_declaration(session, declaration, (action, form), status=400, message=_(
            "Some items lack required fields (No. %(positions)s). Complete them, then submit.",
            positions=positions))
    if isinstance(exc, decl.StaleError):
        message = _("Another staff member changed this declaration after you opened it. "
                    "Check it, then try again.")
    else:
        message = _("This declaration has moved to another step since you opened it; "
                    "this action is no longer possible.")
    return _render_declaration(session, declaration, (action, form), message=message, status=409)
