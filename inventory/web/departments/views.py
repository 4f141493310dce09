"""The department view: a department's assets with personal data or risks, and the review of each finding.

Clerks and department heads confirm findings or dismiss them as false
(with a reason); everyone else sees the view read-only, for their scope.
Heads (and city-wide roles) also see what is pending: unreviewed findings,
apps without owner or deputy or past their review date, per department.
A dismissal is kept on the Finding (ingest keeps it by key across re-scans);
so is a confirmation (``confirmed_at``, with an AuditEvent ``finding``/``confirmed`` as
its history); a dismissal clears a confirmation and a confirmation withdraws a dismissal.
"""
from __future__ import annotations


from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from inventory.clock import city_today
from inventory.models import Asset, AuditEvent, Finding, Role, User, record_change, set_field, utcnow
from inventory.web.dashboard.views import cached_counts, department_names, scope_key
from inventory.web.departments.review import (
    PENDING,
    finding_counts,
    findings_of,
    pending_work,
    review_page,
)
from inventory.web.extensions import get_session
from inventory.web.assets.columns import short_department, short_folder
from inventory.web.departments.forms import (
    MAX_FILES,
    ConfirmFilesForm,
    ConfirmFindingForm,
    ContentReviewForm,
    DismissFindingForm,
    dismiss_prefix,
)
from inventory.web.assets.unread import UnreadTexts, needs_person, template_context
from inventory.web.labels import (
    CATEGORY_LABELS,
    COMPLEXITY_LABELS,
    LIFECYCLE_LABELS,
    RISK_LABELS,
    label,
    translated,
)
from inventory.web.permissions import (
    AREA_ROLES,
    FINDING_REVIEW_ROLES,
    asset_or_404,
    department_scope,
    require_roles,
    visible_assets,
    with_sub_departments,
)
from inventory.web.triage.queue import MAX_PAGE, page_count, shown_total

bp = Blueprint("departments", __name__, url_prefix="/departments")
bp.context_processor(template_context)
guard = require_roles(*AREA_ROLES["departments"])
reviewers_only = require_roles(*FINDING_REVIEW_ROLES)
LABELS = {"categories": CATEGORY_LABELS, "risks": RISK_LABELS, "lifecycles": LIFECYCLE_LABELS,
          "complexities": COMPLEXITY_LABELS}


def _page_arg() -> int:
    page = request.args.get("page", "")
    return min(int(page), MAX_PAGE) if page.isdigit() and int(page) > 0 else 1


@bp.route("/")
@guard
def index():
    """The department's assets with personal data or risks; for heads, also what is pending."""
    session = get_session()
    scope = department_scope(session, current_user)
    names = department_names(session)
    choosable = set(names) if scope is None else scope & set(names)
    wanted = request.args.get("department", "")
    department = int(wanted) if wanted.isdigit() and int(wanted) in choosable else None
    shown_scope = scope if department is None else with_sub_departments(session, department) & choosable
    pending_only = request.args.get("pending") == "1"
    page = _page_arg()
    total, assets = review_page(session, shown_scope, page, pending_only)
    args = {k: v for k, v in (("department", department), ("pending", "1" if pending_only else None))
            if v is not None}
    work, pending_order, today = None, [], city_today()
    if current_user.role != Role.clerk:
        work = cached_counts(session, ("pending", scope_key(shown_scope), today),
                             lambda: pending_work(session, shown_scope, today))
        unassigned = ("~", _("Unassigned"))
        pending_order = sorted((*names.get(d, unassigned), d) for d in work.departments())
    unread_total, unread_files = cached_counts(session, ("unread_files", scope_key(shown_scope)),
                                               lambda: needs_person(session, shown_scope))
    may_review = current_user.role in FINDING_REVIEW_ROLES
    selected = {a.id for a in assets} if request.args.get("select") == "all" else set()
    return render_template(
        "departments/index.html", unread_files=unread_files, unread_total=unread_total,
        may_review=may_review, selected=selected,
        confirm_form=ConfirmFilesForm(formdata=None), short_folder=short_folder,
        short_department=short_department, assets=assets, total=shown_total(total), page=page,
        pages=page_count(total), args=args, counts=finding_counts(session, [a.id for a in assets]),
        names=names, departments=sorted((names[d][0], d, names[d][1]) for d in choosable),
        department=department, pending_only=pending_only, work=work, pending_order=pending_order,
        today=today, city_wide=scope is None,
        labels=translated(LABELS), label=label)


@bp.route("/assets/<int:asset_id>")
@guard
def asset(asset_id: int):
    """One asset's findings, each with its state and (for reviewers) confirm and dismiss forms."""
    session = get_session()
    return _render_asset(session, asset_or_404(session, asset_id, current_user))


def _render_asset(session, found: Asset, failed: DismissFindingForm | None = None,
                  failed_id: int | None = None, status: int = 200,
                  review_form: ContentReviewForm | None = None):
    findings = findings_of(session, found.id)
    dismiss_forms = {f.id: DismissFindingForm(formdata=None, prefix=dismiss_prefix(f.id))
                     for f, _state in findings}
    if failed is not None:
        dismiss_forms[failed_id] = failed
    deciders = {f.dismissed_by_id for f, _state in findings if f.dismissed_by_id}
    review_event = None
    if UnreadTexts.is_unread(found.status) and found.content_review:
        review_event = session.execute(select(AuditEvent).where(
            AuditEvent.object_type == Asset.__tablename__, AuditEvent.object_id == found.id,
            AuditEvent.field == "content_review").order_by(AuditEvent.id.desc()).limit(1)).scalar()
        if review_event is not None and review_event.user_id:
            deciders.add(review_event.user_id)
    people = dict(session.execute(select(User.id, User.username).where(User.id.in_(deciders))).all()) \
        if deciders else {}
    names = department_names(session)
    return render_template(
        "departments/asset.html", asset=found, findings=findings, dismiss_forms=dismiss_forms,
        confirm_form=ConfirmFindingForm(formdata=None), people=people, review_event=review_event,
        review_form=review_form or ContentReviewForm(formdata=None),
        department=names.get(found.department_id, (None, _("Unassigned")))[1],
        may_review=current_user.role in FINDING_REVIEW_ROLES, labels=translated(LABELS), label=label), status


def finding_or_404(session, finding_id: int, user) -> tuple[Finding, Asset]:
    """The finding ``finding_id`` and its asset, if ``user`` may see the asset; else 404."""
    stmt = visible_assets(select(Finding, Asset).join(Asset, Asset.id == Finding.asset_id)
                          .where(Finding.id == finding_id), user, session)
    row = session.execute(stmt).first()
    if row is None:
        abort(404)
    return row[0], row[1]


@bp.route("/findings/<int:finding_id>/confirm", methods=("POST",))
@reviewers_only
def confirm(finding_id: int):
    """Confirm a finding: it is what the scan says (a dismissal, if any, is withdrawn)."""
    session = get_session()
    finding, found = finding_or_404(session, finding_id, current_user)
    if not ConfirmFindingForm().validate():
        abort(400)
    was_confirmed = finding.confirmed_at is not None and not finding.dismissed
    if finding.dismissed:
        set_field(session, current_user, finding, "dismissed", False)
        set_field(session, current_user, finding, "dismissed_reason", None)
        finding.dismissed_by_id = finding.dismissed_at = None
    if record_change(session, current_user, finding, "confirmed", was_confirmed, True):
        finding.confirmed_at, finding.confirmed_by_id = utcnow(), current_user.id
    session.commit()
    flash(_("The finding was confirmed."), "info")
    return redirect(url_for("departments.asset", asset_id=found.id, _anchor=f"finding-{finding.id}"))


@bp.route("/findings/<int:finding_id>/dismiss", methods=("POST",))
@reviewers_only
def dismiss(finding_id: int):
    """Dismiss a finding as false, with a reason (kept across re-scans)."""
    session = get_session()
    finding, found = finding_or_404(session, finding_id, current_user)
    form = DismissFindingForm(prefix=dismiss_prefix(finding.id))
    if not form.validate():
        return _render_asset(session, found, form, finding.id, 400)
    set_field(session, current_user, finding, "dismissed", True)
    set_field(session, current_user, finding, "dismissed_reason", form.reason.data.strip())
    finding.dismissed_by_id, finding.dismissed_at = current_user.id, utcnow()
    finding.confirmed_at = finding.confirmed_by_id = None       # a false finding is not confirmed
    session.add(finding)
    session.commit()
    flash(_("The finding was dismissed."), "info")
    return redirect(url_for("departments.asset", asset_id=found.id, _anchor=f"finding-{finding.id}"))


@bp.route("/assets/<int:asset_id>/content-review", methods=("POST",))
@reviewers_only
def content_review(asset_id: int):
    """Record what a file the scanner could not read holds: personal data or none (a person's
    decision: scans keep it, and it follows the file when it is renamed or moved)."""
    session = get_session()
    found = asset_or_404(session, asset_id, current_user)
    if not UnreadTexts.is_unread(found.status):
        abort(400)
    form = ContentReviewForm()
    if not form.validate():
        return _render_asset(session, found, status=400, review_form=form)
    if set_field(session, current_user, found, "content_review", form.decision.data):
        session.commit()
        flash(_("Recorded: %(decision)s.", decision=UnreadTexts.review(found.content_review)), "info")
    return redirect(url_for("departments.asset", asset_id=found.id, _anchor="content-review"))


@bp.route("/confirm", methods=("POST",))
@reviewers_only
def confirm_files():
    """Confirm every finding still to review of the chosen files (dismissed findings stay
    dismissed: withdrawing a dismissal is a decision of its own, one finding at a time)."""
    session = get_session()
    form = ConfirmFilesForm()
    if not form.validate() and form.csrf_token.errors:
        abort(400)
    back = _back_url()
    ids = form.chosen_ids()
    if isinstance(ids, str):
        flash(_("Select at most %(count)d files at once.", count=MAX_FILES) if ids == "too_many"
              else _("The selection is not valid. Select the assets again."), "error")
        return redirect(back, 303)
    if not ids:
        flash(_("Select the files whose findings you confirm first."), "error")
        return redirect(back, 303)
    found = session.execute(visible_assets(select(Asset.id).where(Asset.id.in_(ids)), current_user,
                                           session)).scalars().all()
    if len(found) != len(ids):
        abort(404)
    findings = session.execute(select(Finding).where(Finding.asset_id.in_(ids), PENDING)
                               .order_by(Finding.asset_id, Finding.id)).scalars().all()
    now = utcnow()
    for finding in findings:
        if record_change(session, current_user, finding, "confirmed", False, True):
            finding.confirmed_at, finding.confirmed_by_id = now, current_user.id
    session.commit()
    if findings:
        flash(_("%(findings)d findings of %(files)d files were confirmed.", findings=len(findings),
                files=len({f.asset_id for f in findings})), "info")
    else:
        flash(_("These files have no findings to review."), "info")
    return redirect(back, 303)


def _back_url() -> str:
    """Where a bulk confirmation returns: the file's page (``back=asset`` with one file), else
    the department view with the filters and page it was sent from."""
    only = request.form.get("only", "")
    if request.args.get("back") == "asset" and only.isdigit():
        return url_for("departments.asset", asset_id=int(only))
    kept = {k: v for k, v in request.args.items() if k in ("department", "pending", "page") and v.isdigit()}
    return url_for("departments.index", **kept)
