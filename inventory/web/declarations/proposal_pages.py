"""The scans' suggestions on a declaration page: adopt one (it becomes an item), reject one
with a reason, undo a rejection.  The rules are :mod:`inventory.declarations.proposals`';
a refusal comes back as a message on the declaration page (the typed reason is kept)."""
from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from inventory.declarations import proposals
from inventory.declarations import workflow as decl
from inventory.models import DeclarationProposal
from inventory.web.declarations.base import bp, guard
from inventory.web.declarations.forms import RejectForm, VersionForm
from inventory.web.declarations.queries import declaration_or_404
from inventory.web.extensions import get_session


def _proposal_or_404(session, proposal_id: int):
    found = session.get(DeclarationProposal, proposal_id)
    if found is None:
        abort(404)
    return found, declaration_or_404(session, found.declaration_id, current_user)


def _refused(declaration_id: int, exc: decl.DeclarationError, anchor: str = "proposals"):
    if exc.code == "forbidden":
        abort(403)
    messages = {
        "stale": _("Another staff member has already decided on this suggestion. Check the list again."),
        "not_editable": _("This declaration is not being drafted now, so its suggestions cannot be changed."),
        "reason_required": _("Write why the suggestion is rejected."),
        "reason_too_long": _("Use at most %(max)d characters.", max=proposals.REASON_MAX),
    }
    flash(messages.get(exc.code, _("This change cannot be made.")), "error")
    return redirect(url_for("declarations.show", declaration_id=declaration_id, _anchor=anchor))


@bp.route("/proposals/<int:proposal_id>/adopt", methods=("POST",))
@guard
def adopt_proposal(proposal_id: int):
    """Adopt a suggestion: it becomes an item of the declaration, to be completed."""
    session = get_session()
    found, declaration = _proposal_or_404(session, proposal_id)
    if not VersionForm().validate():
        abort(400)
    try:
        item = proposals.adopt(session, current_user, declaration, found)
    except decl.DeclarationError as exc:
        session.rollback()
        return _refused(declaration.id, exc)
    session.commit()
    flash(_("The suggestion is now item No. %(position)s. Complete its fields before submitting; "
            "to undo, delete the item.", position=item.position), "success")
    return redirect(url_for("declarations.item", item_id=item.id))


@bp.route("/proposals/<int:proposal_id>/reject", methods=("POST",))
@guard
def reject_proposal(proposal_id: int):
    """Reject a suggestion with a reason (kept with it, and in the audit)."""
    session = get_session()
    found, declaration = _proposal_or_404(session, proposal_id)
    form = RejectForm(prefix=f"reject-{proposal_id}")
    if not form.validate():
        if form.reason.errors and not form.csrf_token.errors:
            flash(form.reason.errors[0], "error")
            return redirect(url_for("declarations.show", declaration_id=declaration.id,
                                    _anchor=f"proposal-{proposal_id}"))
        abort(400)
    try:
        proposals.reject(session, current_user, declaration, found, form.reason.data or "")
    except decl.DeclarationError as exc:
        session.rollback()
        return _refused(declaration.id, exc, f"proposal-{proposal_id}")
    session.commit()
    flash(_("The suggestion was rejected. It is listed under the rejected suggestions, where the "
            "rejection can be undone."), "info")
    return redirect(url_for("declarations.show", declaration_id=declaration.id, _anchor="proposals"))


@bp.route("/proposals/<int:proposal_id>/restore", methods=("POST",))
@guard
def restore_proposal(proposal_id: int):
    """Undo a rejection: the suggestion waits for a decision again."""
    session = get_session()
    found, declaration = _proposal_or_404(session, proposal_id)
    if not VersionForm().validate():
        abort(400)
    try:
        proposals.restore(session, current_user, declaration, found)
    except decl.DeclarationError as exc:
        session.rollback()
        return _refused(declaration.id, exc)
    session.commit()
    flash(_("The rejection was undone: the suggestion waits for a decision again."), "info")
    return redirect(url_for("declarations.show", declaration_id=declaration.id, _anchor=f"proposal-{proposal_id}"))


@bp.route("/<int:declaration_id>/proposals/refresh", methods=("POST",))
@guard
def refresh_proposals(declaration_id: int):
    """Suggest the files scanned since the draft was opened (those nothing declares or suggests)."""
    session = get_session()
    declaration = declaration_or_404(session, declaration_id, current_user)
    if not VersionForm().validate():
        abort(400)
    try:
        made = proposals.refresh(session, current_user, declaration)
    except decl.DeclarationError as exc:
        session.rollback()
        return _refused(declaration.id, exc)
    session.commit()
    flash(_("New suggestions from the latest scans: %(count)s.", count=made), "info")
    return redirect(url_for("declarations.show", declaration_id=declaration.id, _anchor="proposals"))
