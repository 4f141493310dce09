"""The assets area: the list (filters, search, sort, pages), its export, and one asset's page.

Every view starts from the user's scope (:func:`department_scope`): the
list and the export filter their SQL through it, the asset page fetches
through :func:`asset_or_404`, so another department's asset is a 404.
Nothing read from a file is shown but what the registry keeps (locations,
headers, categories, counts, masked examples).
"""
from __future__ import annotations

import math
from array import array
from dataclasses import replace

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from inventory.clock import city_today
from inventory.models import Asset
from inventory.web.assets.columns import (
    ASSET_COLUMNS,
    CHOOSER_ARG,
    COLUMN_ARG,
    DEFAULT_COLUMNS,
    chosen_columns,
    short_department,
    short_folder,
)
from inventory.web.assets.detail import load_detail
from inventory.web.assets.export import (
    EXPORT_FORMATS,
    category_labels,
    csv_chunks,
    export_columns,
    write_xlsx,
)
from inventory.web.assets.filters import AssetFilterForm
from inventory.web.assets.unread import UnreadTexts, template_context
from inventory.web.assets.queries import (PAGE_SIZE, AssetFilters, MatchCount, count_matching, departments_of,
                            export_rows, matching_ids, page_ids, rows_of)
from inventory.web.dashboard.views import cached_counts, cached_ids, department_names, scope_key
from inventory.web.extensions import get_session
from inventory.web.labels import (
    CATEGORY_LABELS,
    CHANGE_LABELS,
    COMPLEXITY_LABELS,
    FIELD_LABELS,
    GUIDELINE_LABELS,
    KIND_LABELS,
    LIFECYCLE_LABELS,
    RISK_LABELS,
    STATUS_LABELS,
    label,
    translated,
)
from inventory.web.permissions import (
    AREA_ROLES,
    FINDING_REVIEW_ROLES,
    asset_or_404,
    department_scope,
    may_use,
    require_roles,
    restrict_to_scope,
)

bp = Blueprint("assets", __name__, url_prefix="/assets")
bp.context_processor(template_context)
#: query-string keys that are not filters (kept out of page and sort links)
NON_FILTER_ARGS = ("page", "lang", "format", COLUMN_ARG, CHOOSER_ARG)
#: xlsx is written whole before it is sent (about 4,000 rows a second): larger views go to CSV
XLSX_MAX_ROWS = 100_000
#: the triage area's per-asset page, by the names it may have (the area is built separately)
TRIAGE_ENDPOINTS = ("triage.asset", "triage.detail", "triage.edit")
LABELS = {"category": CATEGORY_LABELS, "risk": RISK_LABELS, "status": STATUS_LABELS,
          "kind": KIND_LABELS, "complexity": COMPLEXITY_LABELS, "lifecycle": LIFECYCLE_LABELS,
          "guideline": GUIDELINE_LABELS, "change": CHANGE_LABELS, "field": FIELD_LABELS}


def _scope_and_form(session):
    """The user's scope, the department names, and the filter form bound to the query string."""
    scope = department_scope(session, current_user)
    names = department_names(session)
    choices = sorted(((d, n) for d, n in names.items() if scope is None or d in scope),
                     key=lambda item: item[1][0])
    departments = [(d, n[1]) for d, n in choices]
    if scope is None:
        departments.append((None, _("Unassigned")))
    return scope, names, AssetFilterForm(request.args, departments)


def _filter_args() -> dict:
    return {k: v for k, v in request.args.items() if k not in NON_FILTER_ARGS and v != ""}


@bp.route("/")
@require_roles(*AREA_ROLES["assets"])
def index():
    """The assets the user may see, filtered, searched, sorted, 50 a page."""
    session = get_session()
    scope, names, form = _scope_and_form(session)
    page = max(1, request.args.get("page", 1, type=int) or 1)
    rows, count, pages = [], None, None
    valid = form.validate()
    if valid:
        filters = form.filters(session, scope)
        base = restrict_to_scope(select(Asset.id), scope)
        count = cached_count(session, base, filters, scope)
        rows = _page(session, base, filters, scope, count, page)
        pages = math.ceil(count.value / PAGE_SIZE) if count.exact else None
    args = _filter_args()
    html = render_template(
        "assets/index.html", form=form, rows=rows, count=count, page=page, pages=pages,
        has_next=(page < pages) if pages is not None else len(rows) == PAGE_SIZE,
        page_window=_page_window(page, pages), departments=names, labels=translated(LABELS), label=label,
        category_labels=category_labels, size_text=size_text, args=args, sort_link=lambda key: _sort_link(args, key),
        page_link=lambda n: url_for("assets.index", **args, page=n),
        export_link=lambda fmt: url_for("assets.export", **args, format=fmt),
        columns=chosen_columns(request.args), column_labels=ASSET_COLUMNS, default_columns=DEFAULT_COLUMNS,
        short_folder=short_folder, short_department=short_department, full_path=full_path)
    return html, (200 if valid else 400)


def _page(session, base, filters: AssetFilters, scope: set[int] | None, count: MatchCount,
          page: int) -> list:
    """The rows of ``page``.  Nothing matched: no second pass over what the count just read.  A
    counted (at most COUNT_LIMIT) result is sorted once and its pages are cut from the cached ids:
    few matches of a costly filter (a category within a bureau) cost the whole join every time
    otherwise.  Many matches: read off a sort index (see ``page_ids``); risks are sparse and
    often clustered by folder, so their matches are sorted rather than met by walking an index.
    The ids of such a page are cached too, while the registry's stamp holds: a search matching
    10,000 files spread over the tree costs the server 50-150 ms for every page it cuts (the
    trigram index gives every match, which are then sorted), and a page is read again and
    again (back, reload, the next person opening the same view)."""
    if not count.value:
        return []
    if count.exact:
        key = ("ids", scope_key(scope), filters)
        ids = cached_counts(session, key, lambda: array("q", matching_ids(session, base, filters)),
                            cache="list_ids_cache", size=256)
        return rows_of(session, list(ids[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]))
    ids = cached_ids(session, ("page", scope_key(scope), filters, page), lambda: page_ids(
        session, base, filters, page, few=filters.risk is not None,
        departments=departments_of(scope, filters)), cache="list_page_cache", size=2048)
    return rows_of(session, ids)


def cached_count(session, base, filters: AssetFilters, scope: set[int] | None) -> MatchCount:
    """How many assets match, counted once per filters and scope until the registry changes
    (paging through a result, or many people opening the same view, counts once)."""
    key = ("assets", scope_key(scope), replace(filters, sort="path", descending=False))
    return cached_counts(session, key, lambda: count_matching(session, base, filters),
                         cache="list_count_cache", size=4096)


@bp.route("/export")
@require_roles(*AREA_ROLES["assets"])
def export():
    """The list's current view (same filters and sort, every page) as CSV or xlsx."""
    fmt = request.args.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        abort(400)
    session = get_session()
    scope, names, form = _scope_and_form(session)
    if not form.validate():
        abort(400)
    filters = form.filters(session, scope)
    stmt = restrict_to_scope(select(Asset.id), scope)
    columns = export_columns(names)
    encoding, media_type, extension = EXPORT_FORMATS[fmt]
    filename = f"assets-{city_today():%Y%m%d}.{extension}"
    if encoding is None:
        if not count_matching(session, stmt, filters, limit=XLSX_MAX_ROWS).exact:
            flash(_("Excel downloads hold at most %(rows)s files: narrow the filters, or download CSV.",
                    rows=f"{XLSX_MAX_ROWS:,}"), "error")
            return redirect(url_for("assets.index", **_filter_args()))
        target = write_xlsx(export_rows(session, stmt, filters), columns, _("Assets"))
        return send_file(target, mimetype=media_type, as_attachment=True, download_name=filename)
    response = Response(stream_with_context(_csv_stream(stmt, filters, columns, encoding)),
                        content_type=media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_stream(stmt, filters, columns, encoding: str):
    """The CSV in chunks, read through a session of its own: the request's session is closed
    when the view returns, before the response is streamed."""
    with current_app.extensions["registry"].sessions() as session:
        yield from csv_chunks(export_rows(session, stmt, filters), columns, encoding)


@bp.route("/<int:asset_id>")
@require_roles(*AREA_ROLES["assets"])
def detail(asset_id: int):
    """One asset: facts, personal-data columns, risks, app facts, triage, copies, history, comments."""
    session = get_session()
    asset = asset_or_404(session, asset_id, current_user)
    scope = department_scope(session, current_user)
    names = department_names(session)
    return render_template(
        "assets/detail.html", asset=asset, detail=load_detail(session, asset, scope),
        departments=names, labels=translated(LABELS), label=label, size_text=size_text,
        category_labels=category_labels, triage_link=_triage_link(asset.id) if asset.is_app or asset.lifecycle else None,
        review_link=_review_link(asset))


def _review_link(asset: Asset) -> str | None:
    """Where the user records what an unread file holds: the department view's page of the
    asset, for the roles that review findings."""
    if not UnreadTexts.is_unread(asset.status) or current_user.role not in FINDING_REVIEW_ROLES:
        return None
    return url_for("departments.asset", asset_id=asset.id, _anchor="content-review")


def _triage_link(asset_id: int) -> str | None:
    """The triage page of the asset, if the user's role may triage and the area exists."""
    if not may_use(current_user, "triage"):
        return None
    from werkzeug.routing import BuildError

    for endpoint in TRIAGE_ENDPOINTS:
        if endpoint in current_app.view_functions:
            try:
                return url_for(endpoint, asset_id=asset_id)
            except BuildError:
                continue
    return url_for("triage.index") if "triage.index" in current_app.view_functions else None


def _sort_link(args: dict, key: str) -> str:
    """The list sorted by ``key``; ascending first, the other way round when already sorted by it."""
    current, order = args.get("sort", "path"), args.get("order", "asc")
    wanted = "desc" if current == key and order == "asc" else "asc"
    return url_for("assets.index", **dict(args, sort=key, order=wanted))


def _page_window(page: int, pages: int | None, around: int = 3) -> list[int]:
    """Page numbers to link: the first, those around ``page``, and the last when known."""
    last = pages if pages is not None else page + 1
    shown = {1, *range(max(1, page - around), min(last, page + around) + 1)}
    if pages:
        shown.add(pages)
    return sorted(n for n in shown if n >= 1 and (pages is None or n <= max(pages, 1)))


def full_path(root: str | None, path: str) -> str:
    """The whole path of an asset (its share's root and its path), as shown on hover."""
    return f"{root.rstrip('/')}/{path}" if root else path


def size_text(size: int | None) -> str:
    """A file size for people: bytes, KB, MB or GB (1024-based, one decimal)."""
    if size is None:
        return ""
    value, unit = float(size), "B"
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            break
        value /= 1024
    return f"{int(value):,} B" if unit == "B" else f"{value:,.1f} {unit}"
