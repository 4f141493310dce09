"""IT triage: the queue of business apps and personal-data files, one asset's triage, bulk assignment.

Open to the IT division and admins (:data:`~inventory.web.permissions.AREA_ROLES`).
Every change goes through ``set_field`` (one AuditEvent per field and asset).
Nothing here is logged; the pages show file names, headers and codes, never values.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms.validators import ValidationError

from inventory.models import Asset, AssetComment, Finding, User, set_field
from inventory.web.assets.columns import short_department, short_folder
from inventory.web.assets.unread import needs_person_counts, template_context
from inventory.web.dashboard.views import cached_counts, department_names, scope_key
from inventory.web.extensions import get_session
from inventory.web.people import StaffChoices
from inventory.web.triage.forms import (
    BulkTriageForm,
    CommentForm,
    TriageForm,
    check_stage,
    triage_digest,
)
from inventory.web.labels import (
    CATEGORY_LABELS,
    COMPLEXITY_LABELS,
    GUIDELINE_LABELS,
    LIFECYCLE_LABELS,
    RISK_LABELS,
    STATUS_LABELS,
    label,
    translated,
)
from inventory.web.permissions import (
    AREA_ROLES,
    asset_or_404,
    department_scope,
    require_roles,
    visible_assets,
    with_sub_departments,
)
from inventory.web.triage.queue import (
    COMPLEXITIES,
    NONE,
    QueueFilters,
    page_count,
    people_of,
    queue_page,
    shown_total,
)

bp = Blueprint("triage", __name__, url_prefix="/triage")
bp.context_processor(template_context)
guard = require_roles(*AREA_ROLES["triage"])
LABELS = {"categories": CATEGORY_LABELS, "risks": RISK_LABELS, "guidelines": GUIDELINE_LABELS,
          "lifecycles": LIFECYCLE_LABELS, "complexities": COMPLEXITY_LABELS, "statuses": STATUS_LABELS}
KIND_LABELS = {"all": _l("Apps and personal-data files"), "apps": _l("Business apps only"),
               "personal": _l("Personal-data files only"),
               "unread": _l("Files whose contents could not be checked (needs a person)")}


def staff_for(session, asset: Asset) -> StaffChoices:
    """The people ``asset``'s owner and deputy may name: the active staff and its present ones."""
    return StaffChoices.load(session, keep=(asset.owner_id, asset.deputy_id))


@bp.route("/")
@guard
def index():
    """The triage queue: unclassified first, then by risk; filters and pages."""
    session = get_session()
    return _render_queue(session, BulkTriageForm(formdata=None).setup(StaffChoices.load(session)))


def _render_queue(session, bulk: BulkTriageForm, status: int = 200):
    scope = department_scope(session, current_user)
    names = department_names(session)
    choosable = set(names) if scope is None else scope & set(names)
    filters = QueueFilters.from_args(request.args, choosable)
    chosen = with_sub_departments(session, filters.department) if filters.department else None
    total, assets = queue_page(session, filters, scope, chosen)
    departments = sorted((names[d][0], d, names[d][1]) for d in choosable)
    selected = set(bulk.selected_ids())
    unread_total = sum(cached_counts(session, ("unread", scope_key(scope)),
                                     lambda: needs_person_counts(session, scope)).values())
    if request.method == "GET" and request.args.get("select") == "all":
        selected = {a.id for a in assets}
    return render_template(
        "triage/index.html", assets=assets, total=shown_total(total), filters=filters, pages=page_count(total),
        people=people_of(session, assets), names=names, departments=departments, bulk=bulk,
        selected=selected, failed=getattr(bulk, "failed_ids", set()), unread_total=unread_total,
        staff=bulk.staff, kinds=KIND_LABELS, none_code=NONE, complexities=COMPLEXITIES,
        labels=translated(LABELS), label=label, short_folder=short_folder,
        short_department=short_department), status


@bp.route("/bulk", methods=("POST",))
@guard
def bulk():
    """Set guideline, owner, deputy and/or stage on the selected assets (all or none)."""
    session = get_session()
    form = BulkTriageForm().setup(StaffChoices.load(session))
    if not form.validate():
        return _render_queue(session, form, 400)
    ids = set(form.selected_ids())
    assets = session.execute(visible_assets(select(Asset).where(Asset.id.in_(sorted(ids))),
                                            current_user, session)).scalars().all()
    if len(assets) != len(ids):
        abort(404)
    order = {asset_id: n for n, asset_id in enumerate(form.selected_ids())}
    assets.sort(key=lambda a: order[a.id])          # as the queue showed them: refusals name them so
    changes = form.changes()
    refused, failed = refused_bulk_changes(assets, changes)
    if refused:
        form.form_errors.append(refused)
        form.failed_ids = {a.id for a in failed}
        return _render_queue(session, form, 400)
    changed = sum(set_field(session, current_user, asset, name, value)
                  for asset in assets for name, value in changes.items())
    session.commit()
    flash(_("%(fields)d changes saved on %(assets)d assets.", fields=changed, assets=len(assets)), "info")
    kept = {k: v for k, v in request.args.items() if k in QueueFilters.__dataclass_fields__}
    return redirect(url_for("triage.index", **kept))


#: a refusal names at most this many of the files it concerns ("… and 3 more")
NAMED_FILES = 5


def refused_bulk_changes(assets, changes: dict) -> tuple[str | None, list]:
    """(why ``changes`` cannot apply to every one of ``assets``, naming the files concerned, and
    those assets); (None, []) if they can.  Stage moves first, then owner = deputy."""
    bad_stage, bad_people = [], []
    for asset in assets:
        if "lifecycle" in changes:
            try:
                check_stage(asset.lifecycle, changes["lifecycle"], changes.get("guideline", asset.guideline))
            except ValidationError:
                bad_stage.append(asset)
        owner = changes.get("owner_id", asset.owner_id)
        if owner is not None and owner == changes.get("deputy_id", asset.deputy_id):
            bad_people.append(asset)
    if bad_stage:
        return _("%(count)d of the selected assets cannot move to %(wanted)s from their stage "
                 "(or need a guideline first): %(files)s. Nothing was changed.", count=len(bad_stage),
                 wanted=label(LIFECYCLE_LABELS, changes["lifecycle"]), files=named_files(bad_stage)), bad_stage
    if bad_people:
        return _("For %(count)d of the selected assets the owner and the deputy would be the same "
                 "person: %(files)s. Nothing was changed.", count=len(bad_people),
                 files=named_files(bad_people)), bad_people
    return None, []


def named_files(assets) -> str:
    """「a.xlsm」「b.accdb」 (and how many more): the files a refusal concerns, by name."""
    names = "".join(f"「{a.name}」" for a in assets[:NAMED_FILES])
    if len(assets) > NAMED_FILES:
        names += _(" and %(count)d more", count=len(assets) - NAMED_FILES)
    return names


@bp.route("/<int:asset_id>", methods=("GET", "POST"))
@guard
def asset(asset_id: int):
    """One asset's triage form (POST saves it, unless someone else saved in between) and comments."""
    session = get_session()
    found = asset_or_404(session, asset_id, current_user)
    form = TriageForm().setup(found, staff_for(session, found))
    if request.method == "GET":
        form.fill_from(found)
        return _render_asset(session, found, form, CommentForm(formdata=None))
    if form.version.data != triage_digest(found):       # first: checks against a stale stage mislead
        form.form_errors.append(_l("Someone else changed this asset after you opened it. Your input "
                                   "is kept below: compare it with the current values and save again."))
        form.version.data = triage_digest(found)
        return _render_asset(session, found, form, CommentForm(formdata=None), 409)
    if not form.validate():
        return _render_asset(session, found, form, CommentForm(formdata=None), 400)
    changed = sum(set_field(session, current_user, found, name, value)
                  for name, value in form.values().items())
    session.commit()
    flash(_("%(count)d changes saved.", count=changed) if changed else _("Nothing was changed."), "info")
    return redirect(url_for("triage.asset", asset_id=asset_id))


@bp.route("/<int:asset_id>/comments", methods=("POST",))
@guard
def comment(asset_id: int):
    """Add a comment to an asset."""
    session = get_session()
    found = asset_or_404(session, asset_id, current_user)
    form = CommentForm()
    if not form.validate():
        triage = TriageForm(formdata=None).setup(found, staff_for(session, found))
        triage.fill_from(found)
        return _render_asset(session, found, triage, form, 400)
    session.add(AssetComment(asset_id=found.id, user_id=current_user.id, body=form.body.data.strip()))
    session.commit()
    flash(_("Comment added."), "info")
    return redirect(url_for("triage.asset", asset_id=asset_id, _anchor="comments"))


def _render_asset(session, found: Asset, form: TriageForm, comment_form: CommentForm, status: int = 200):
    comments = session.execute(
        select(AssetComment.created_at, AssetComment.body, User.username, User.display_name)
        .outerjoin(User, User.id == AssetComment.user_id)
        .where(AssetComment.asset_id == found.id).order_by(AssetComment.created_at, AssetComment.id)).all()
    findings = session.execute(select(Finding).where(Finding.asset_id == found.id, Finding.active)
                               .order_by(Finding.kind, Finding.id)).scalars().all()
    names = department_names(session)
    return render_template(
        "triage/asset.html", asset=found, form=form, staff=form.staff, comment_form=comment_form, comments=comments,
        findings=findings, people=people_of(session, [found]),
        department=names.get(found.department_id, (None, _("Unassigned")))[1],
        labels=translated(LABELS), label=label), status
