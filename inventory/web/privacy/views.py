"""The privacy office's pages (個人情報保護担当課; privacy_office and admin only): the campaigns,
opening a campaign, a campaign's progress by department (table and SVG chart), reminders to
overdue departments, the reconciliation lists, and the published ファイル簿 (xlsx, CSV and a
printable page).

Every rule is the services': campaigns ``inventory.declarations.workflow`` and ``campaigns``,
reconciliation ``inventory.declarations.reconcile``, reminders ``inventory.declarations.reminders``, the
published register ``inventory.declarations.publication``.  Links to a department's declaration go to the
``declarations`` area when it is there (written separately).  The pages show file names
and counts, never a value read from a file.
"""
from __future__ import annotations

import datetime as dt
import io
from collections import Counter

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from inventory.declarations import publication
from inventory.declarations import workflow as decl
from inventory.declarations.campaigns import PROGRESS_STATES, campaign_progress, declared_counts
from inventory.clock import city_today
from inventory.mailer import MailError
from inventory.models import Declaration, DeclarationCampaign
from inventory.declarations.reconcile import DEFAULT_FACTOR, reconcile
from inventory.declarations.reminders import ReminderError, send_reminders, smtp_settings
from inventory.web.dashboard.charts import bar_chart
from inventory.web.dashboard.views import department_names
from inventory.web.extensions import get_session
from inventory.web.privacy.forms import CampaignForm, ReminderForm
from inventory.web.labels import CATEGORY_LABELS, DECLARATION_STATUS_LABELS, label
from inventory.web.permissions import AREA_ROLES, require_roles

bp = Blueprint("privacy", __name__, url_prefix="/privacy")
#: every view of the area is for these roles only (checked before each request of the blueprint)
bp.before_request(require_roles(*AREA_ROLES["privacy"])(lambda: None))

#: the office's progress states (inventory.declarations.campaigns.PROGRESS_STATES)
PROGRESS_LABELS = {"not_started": _l("Not started"), "drafting": _l("Drafting"),
                   "awaiting_head": _l("Awaiting the head's approval"), "reviewing": _l("Under review"),
                   "accepted": _l("Accepted"), "overdue": _l("Overdue")}
#: why an item is on a reconciliation list (inventory.declarations.reconcile.ItemGap.reason)
REASON_LABELS = {"disappeared": _l("Its files were all removed"), "no_link": _l("No file is linked"),
                 "below": _l("Fewer people declared than the scans count"),
                 "above": _l("Far more people declared than the scans count"),
                 "missing": _l("Number of people not filled in")}
#: the ファイル簿 downloads: format -> (media type, file name suffix)
FILEBOOK_FORMATS = {"xlsx": (publication.XLSX_TYPE, ".xlsx"), "csv": ("text/csv; charset=utf-8", ".csv"),
                    "csv-cp932": ("text/csv; charset=Shift_JIS", "_sjis.csv")}
#: reminder outcomes, in the order the summary names them
REMINDER_STATUSES = ("sent", "already_today", "no_recipients", "failed")


def today() -> dt.date:
    return city_today()


def view_url(endpoint: str, **values) -> str | None:
    """``url_for(endpoint)`` if another area (written separately) provides it, else None."""
    return url_for(endpoint, **values) if endpoint in current_app.view_functions else None


def campaign_or_404(session, campaign_id: int) -> DeclarationCampaign:
    found = session.get(DeclarationCampaign, campaign_id)
    if found is None:
        abort(404)
    return found


@bp.route("/")
def index():
    """The campaigns, newest first, each with how many declarations are accepted and overdue."""
    session = get_session()
    campaigns = session.execute(select(DeclarationCampaign)
                                .order_by(DeclarationCampaign.fiscal_year.desc())).scalars().all()
    day = today()
    counts = {c.id: Counter(state for _d, _dept, state in campaign_progress(session, c, day))
              for c in campaigns}
    return render_template("privacy/index.html", campaigns=campaigns, counts=counts,
                           declarations_url=view_url("declarations.index"))


@bp.route("/campaigns/new", methods=("GET", "POST"))
def new_campaign():
    """Open a fiscal year's campaign: a prefilled draft for every current department."""
    session = get_session()
    form = CampaignForm()
    if request.method == "GET":
        year = today().year if today().month >= 4 else today().year - 1
        form.fiscal_year.data = year
    if form.validate_on_submit():
        try:
            campaign = decl.open_campaign(
                session, current_user, form.fiscal_year.data, form.opens_on.data, form.due_on.data,
                form.reference_date.data, form.publish_threshold.data, form.title.data or "")
        except decl.DeclarationError as exc:
            session.rollback()
            _service_error(form, exc)
        else:
            created = session.scalar(select(func.count()).select_from(Declaration)
                                     .where(Declaration.campaign_id == campaign.id))
            session.commit()
            flash(_("The campaign of fiscal year %(year)s is open: %(count)s departments have a draft "
                    "declaration.", year=campaign.fiscal_year, count=created), "success")
            return redirect(url_for("privacy.campaign", campaign_id=campaign.id), 303)
    status = 400 if form.errors else 200
    return render_template("privacy/campaign_form.html", form=form), status


def _service_error(form: CampaignForm, exc: decl.DeclarationError) -> None:
    """Put the service's refusal at the field it concerns."""
    where = {"duplicate": (form.fiscal_year, _l("A campaign for this fiscal year already exists.")),
             "dates": (form.due_on, _l("The due date must not be before the opening date.")),
             "threshold": (form.publish_threshold, _l("Enter 0 or a larger number."))}
    field, message = where.get(exc.code, (form.fiscal_year, _l("The campaign could not be opened.")))
    field.errors = [*field.errors, str(message)]


@bp.route("/campaigns/<int:campaign_id>")
def campaign(campaign_id: int):
    """Progress by department (table and chart), reminders, reconciliation, downloads."""
    session = get_session()
    found = campaign_or_404(session, campaign_id)
    rows = campaign_progress(session, found, today())
    counts = Counter(state for _d, _dept, state in rows)
    chart_rows = [(label(PROGRESS_LABELS, s), counts[s]) for s in PROGRESS_STATES]
    names = department_names(session)
    departments = [(dept.id, names.get(dept.id, ("", dept.name))[1]) for _d, dept, _s in rows]
    wanted = request.args.get("department", "")
    chosen = int(wanted) if wanted.isdigit() and int(wanted) in dict(departments) else None
    factor = float(current_app.config.get("INVENTORY_RECONCILE_FACTOR", DEFAULT_FACTOR))
    found_lists = reconcile(session, found, {chosen} if chosen else None, factor=factor)
    links = {d.id: view_url("declarations.show", declaration_id=d.id) for d, _dept, _s in rows}
    undeclared = Counter(a.department_id for a in found_lists.undeclared)
    return render_template(
        "privacy/campaign.html", campaign=found, rows=rows, counts=counts,
        chart=bar_chart("chart-progress", _("Declarations by progress"), chart_rows), chart_rows=chart_rows,
        names=names, departments=departments, chosen=chosen, lists=found_lists, factor=factor,
        links=links, declared=declared_counts(session, found), undeclared=undeclared,
        reminder_form=ReminderForm(formdata=None), mail_ready=_mail_ready(),
        assets_url=(lambda asset_id: view_url("assets.detail", asset_id=asset_id)),
        progress_labels=PROGRESS_LABELS, status_labels=DECLARATION_STATUS_LABELS,
        reason_labels=REASON_LABELS, category_labels=CATEGORY_LABELS, label=label,
        formats=FILEBOOK_FORMATS)


def _mail_ready() -> bool:
    try:
        return smtp_settings(current_app.config) is not None
    except MailError:
        return False


@bp.route("/campaigns/<int:campaign_id>/remind", methods=("POST",))
def remind(campaign_id: int):
    """Email the overdue departments now (at most once a day each unless forced)."""
    session = get_session()
    found = campaign_or_404(session, campaign_id)
    form = ReminderForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        outcomes = send_reminders(session, found, smtp_settings(current_app.config),
                                  force=form.force.data, user=current_user, link=_declaration_link)
    except (ReminderError, MailError):
        flash(_("Email is not configured: set INVENTORY_SMTP_HOST (see the README)."), "error")
        return redirect(url_for("privacy.campaign", campaign_id=campaign_id), 303)
    done = Counter(o.status for o in outcomes)
    if not outcomes:
        flash(_("No department is overdue: no reminder was sent."), "info")
    else:
        flash(_("Reminders sent: %(sent)s. Already reminded today: %(already)s. Without an email "
                "address: %(none)s. Failed: %(failed)s.", sent=done["sent"], already=done["already_today"],
                none=done["no_recipients"], failed=done["failed"]),
              "error" if done["failed"] else "success")
    return redirect(url_for("privacy.campaign", campaign_id=campaign_id), 303)


def _declaration_link(declaration: Declaration) -> str | None:
    if "declarations.show" not in current_app.view_functions:
        return None
    return url_for("declarations.show", declaration_id=declaration.id, _external=True)


def register_of(session, campaign: DeclarationCampaign) -> publication.Register:
    """The campaign's published register with the city's settings (行政機関等の名称, the office
    receiving disclosure requests): the app's config, else the environment."""
    return publication.register(
        session, campaign, agency=publication.setting(publication.AGENCY_SETTING, current_app.config),
        disclosure_office=publication.setting(publication.DISCLOSURE_SETTING, current_app.config))


@bp.route("/campaigns/<int:campaign_id>/filebook")
def filebook_page(campaign_id: int):
    """The published ファイル簿 as a page to print (or save as PDF) from the browser: A4
    landscape, the header repeated on each page, page numbers."""
    session = get_session()
    found = campaign_or_404(session, campaign_id)
    return render_template("privacy/filebook.html", campaign=found, register=register_of(session, found),
                           columns=publication.COLUMNS, none_mark=publication.NONE_MARK,
                           notes=publication.NOTES, empty_text=publication.EMPTY_TEXT,
                           agency_setting=publication.AGENCY_SETTING, formats=FILEBOOK_FORMATS)


@bp.route("/campaigns/<int:campaign_id>/filebook.<fmt>")
def filebook(campaign_id: int, fmt: str):
    """The published ファイル簿: xlsx, CSV (UTF-8 with BOM) or CSV (Shift_JIS, ``csv-cp932``)."""
    session = get_session()
    found = campaign_or_404(session, campaign_id)
    if fmt not in FILEBOOK_FORMATS:
        abort(404)
    media_type, suffix = FILEBOOK_FORMATS[fmt]
    register = register_of(session, found)
    try:
        if fmt == "xlsx":
            data = publication.register_xlsx(register)
        else:
            data = publication.register_csv(register, "cp932" if fmt == "csv-cp932" else "utf-8-sig")
    except publication.CsvEncodingError as exc:
        flash(_("The Shift_JIS CSV cannot hold a character in row %(row)s, column “%(column)s”. "
                "Download the UTF-8 CSV or the Excel file, or correct the text.",
                row=exc.row, column=exc.column), "error")
        return redirect(url_for("privacy.campaign", campaign_id=campaign_id), 303)
    response = send_file(io.BytesIO(data), mimetype=media_type, as_attachment=True,
                         download_name=f"個人情報ファイル簿_{found.fiscal_year}{suffix}")
    response.headers["Content-Type"] = media_type       # send_file would add a second charset to text/*
    return response
