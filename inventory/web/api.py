"""The JSON API (``/api``): remote scanners post scan records; people and scanners read assets.

Authentication
  ``POST /api/scan-records`` takes ``Authorization: Bearer <token>`` only (an
  :class:`~inventory.models.ApiToken` made on the admin page; looked up by its
  sha256; revoked and expired tokens are refused, the secret a token had before
  its rotation matches nothing).  The GET endpoints take either the
  signed-in session cookie (the user's department scope, as in the web pages)
  or a bearer token bound to a share (that share's assets only; a token bound
  to no share may post but not read).  No session, no token: 401.  CSRF does
  not apply to this blueprint: it takes no cookie-authenticated writes.

Posting a scan in batches (``POST /api/scan-records``)
  body: a JSON array of records, or JSON lines (one record per line); at most
  :data:`MAX_BODY` bytes.  Query parameters:

  - ``run=<id>``: append to a running run this token began; without it a new
    run begins (``root=<root>`` may be repeated to name the roots it covers;
    records add theirs);
  - ``finish=complete|partial``: after this batch, finish the run (complete:
    files under its roots that it did not see are marked removed).

  Answer: ``{"run": id, "status", "received", "ingested", "rejected":
  [{"index", "reason"}], "totals": {...}}``; reasons are ours, never a record's
  content.  A token bound to a share begins runs on that share and may not
  name another share's root (``root=``: 403) nor post records under one
  (rejected); its records are moves only of assets of its own share.
"""
from __future__ import annotations

import datetime as dt
import json

from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from scanners.record import RecordError, check_record

from inventory.registry.ingest import begin_run, finish_run, ingest_records
from inventory.registry.rows import normalise_root
from inventory.registry.shares import ShareIndex
from inventory.models import (
    ApiToken,
    Asset,
    AssetCategory,
    AuditEvent,
    Finding,
    ScanRun,
    Share,
    as_utc,
    utcnow,
)
from inventory.web.admin.shares import token_digest
from inventory.web.extensions import csrf, get_session
from inventory.web.permissions import asset_or_404, login_exempt, may_use, visible_assets

bp = Blueprint("api", __name__, url_prefix="/api")
csrf.exempt(bp)

MAX_BODY = 32 * 1024 * 1024
MAX_RECORDS = 100_000
PAGE_SIZE, MAX_PAGE_SIZE = 100, 1000
RUN_TOTALS = ("records", "new", "changed", "moved", "removed", "unchanged", "errors", "rejected")
#: ``api_token.last_used_at`` is written at most this often
LAST_USED_EVERY = dt.timedelta(minutes=1)
#: the audit event that ties a run to the token that began it
RUN_TOKEN_FIELD = "api_token"


class ApiError(HTTPException):
    """An error answered as JSON: ``{"error": reason}`` with the HTTP status ``code``."""

    def __init__(self, code: int, reason: str):
        super().__init__(reason)
        self.code, self.reason = code, reason


@bp.errorhandler(HTTPException)
def _json_error(error: HTTPException):
    reason = getattr(error, "reason", None) or error.name.lower()
    response = jsonify(error=reason)
    response.status_code = error.code or 500
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="inventory"'
    return response


for _code in (400, 401, 403, 404, 405, 409, 413):      # ahead of the app's HTML pages for these codes
    bp.register_error_handler(_code, _json_error)


@bp.errorhandler(Exception)
def _unexpected_error(error: Exception):
    """Any other failure: JSON 500, nothing half-written, and only the error's type in the log
    (database errors quote the records' values)."""
    get_session().rollback()
    current_app.logger.error("API request failed: %s", type(error).__name__)
    return jsonify(error="internal error"), 500


def bearer_token(session) -> ApiToken | None:
    """The token of the ``Authorization: Bearer`` header (401 if bad or revoked); None without one."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise ApiError(401, "malformed authorization header")
    token = session.execute(select(ApiToken).where(
        ApiToken.token_sha256 == token_digest(value.strip()))).scalars().first()
    if token is None or token.revoked_at is not None:
        raise ApiError(401, "invalid or revoked token")
    now = utcnow()
    if as_utc(token.expires_at) <= now:
        raise ApiError(401, f"token expired on {as_utc(token.expires_at):%Y-%m-%d} (UTC); "
                            "an administrator can rotate it on the API tokens page")
    note_use(session, token, now)
    return token


def note_use(session, token: ApiToken, now) -> None:
    """Record when ``token`` was last used: at most once a minute (every batch of a scan
    would otherwise write the token's row)."""
    last = as_utc(token.last_used_at)
    if last is None or now - last >= LAST_USED_EVERY:
        token.last_used_at = now
        session.add(token)


@bp.route("/scan-records", methods=("POST",))
@login_exempt
def post_scan_records():
    """Ingest a batch of scan records into a new or running run; optionally finish it."""
    session = get_session()
    token = bearer_token(session)
    if token is None:
        raise ApiError(401, "bearer token required")
    finish = request.args.get("finish")
    if finish not in (None, "complete", "partial"):
        raise ApiError(400, "finish must be complete or partial")
    records = read_records()
    run = _run_for(session, token)
    rejected, accepted = _sort_records(session, records, token)
    ingested = ingest_records(session, [r for _, r in accepted], run) if accepted else 0
    run.rejected += len(rejected)
    if finish:
        finish_run(session, run, complete=finish == "complete")
    session.commit()
    return jsonify(run=run.id, status=run.status, received=len(records), ingested=ingested,
                   rejected=[{"index": i, "reason": reason} for i, reason in rejected],
                   totals={name: getattr(run, name) for name in RUN_TOTALS})


def read_records() -> list:
    """The body's records: a JSON array, or JSON lines (a bad line stays in as None)."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise ApiError(413, f"body larger than {MAX_BODY} bytes")
    request.max_content_length = MAX_BODY
    body = request.get_data(cache=False)
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApiError(400, "body is not UTF-8") from None
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            records = json.loads(stripped)
        except ValueError:
            raise ApiError(400, "body is not valid JSON") from None
    else:
        records = [_json_line(line) for line in text.splitlines() if line.strip()]
    if len(records) > MAX_RECORDS:
        raise ApiError(413, "more than 100000 records in one batch")
    return records


def _json_line(line: str):
    try:
        return json.loads(line)
    except ValueError:
        return None


def _run_for(session, token: ApiToken) -> ScanRun:
    """The run named by ``?run=`` (running, begun by this token; locked), else a new one."""
    wanted = request.args.get("run")
    if wanted is None:
        share = session.get(Share, token.share_id) if token.share_id else None
        roots = [r for r in request.args.getlist("root") if r.strip()]
        if share is not None:
            _check_roots(session, roots, share.id)
        run = begin_run(session, roots, share=share, source="api")
        session.add(AuditEvent(object_type="scan_run", object_id=run.id, field=RUN_TOKEN_FIELD,
                               after=str(token.id)))
        return run
    if not wanted.isdigit():
        raise ApiError(400, "run must be a run id")
    begun_by = select(AuditEvent.id).where(
        AuditEvent.object_type == "scan_run", AuditEvent.object_id == int(wanted),
        AuditEvent.field == RUN_TOKEN_FIELD, AuditEvent.after == str(token.id))
    run = session.get(ScanRun, int(wanted), with_for_update=True) \
        if session.scalar(begun_by) is not None else None
    if run is None:
        raise ApiError(404, "no run with this id was begun by this token")
    if run.status != "running":
        raise ApiError(409, "the run is already finished")
    return run


def _check_roots(session, roots: list[str], share_id: int) -> None:
    """403 unless every ``root=`` lies in the token's share (or in no share: the share's own
    root as the scanner's machine mounts it).  A complete run marks removed what it did not
    see under its roots, and moves assets unseen under them: another share's root is out."""
    shares = ShareIndex.load(session)
    for root in roots:
        if shares.locate_root(normalise_root(root), share_id)[0] != share_id:
            raise ApiError(403, "root belongs to another share than this token's")


def _sort_records(session, records: list, token: ApiToken) -> tuple[list, list]:
    """(rejected (index, reason), accepted (index, record)); a share-bound token stays in its share."""
    shares = ShareIndex.load(session) if token.share_id else None
    rejected, accepted = [], []
    for index, record in enumerate(records):
        try:
            if record is None:
                raise RecordError("not valid JSON")
            check_record(record)
            if shares is not None:
                share_id = shares.locate_root(normalise_root(record["root"]), token.share_id)[0]
                if share_id != token.share_id:
                    raise RecordError("root belongs to another share")
        except RecordError as exc:
            rejected.append((index, str(exc)))
        else:
            accepted.append((index, record))
    return rejected, accepted


# ----- reading assets -----
def _reader_filter(session, stmt):
    """``stmt`` limited to what the caller may read: the session user's scope, or a token's share."""
    token = bearer_token(session)
    if token is not None:
        if token.share_id is None:
            raise ApiError(403, "this token is not bound to a share")
        return stmt.where(Asset.share_id == token.share_id)
    if not current_user.is_authenticated:
        raise ApiError(401, "sign in or send a bearer token")
    if not may_use(current_user, "api"):
        raise ApiError(403, "your role may not use the API")
    return visible_assets(stmt, current_user, session)


@bp.route("/assets")
@login_exempt
def list_assets():
    """Assets the caller may read, by id: ``?after=<id>&limit=<n>`` (keyset pages), filters
    ``status``, ``kind``, ``category``, ``personal=1``, ``app=1``, ``department=<id>``."""
    session = get_session()
    limit = min(max(request.args.get("limit", PAGE_SIZE, type=int) or PAGE_SIZE, 1), MAX_PAGE_SIZE)
    after = request.args.get("after", 0, type=int) or 0
    stmt = _reader_filter(session, select(Asset).where(Asset.id > after))
    args = request.args
    for name, column in (("status", Asset.status), ("kind", Asset.kind)):
        if args.get(name):
            stmt = stmt.where(column == args[name])
    if args.get("department", type=int):
        stmt = stmt.where(Asset.department_id == args.get("department", type=int))
    if args.get("personal") == "1":
        stmt = stmt.where(Asset.personal_present)
    if args.get("app") == "1":
        stmt = stmt.where(Asset.is_app)
    if args.get("category"):
        stmt = stmt.where(select(AssetCategory.asset_id).where(
            AssetCategory.asset_id == Asset.id, AssetCategory.category == args["category"]).exists())
    rows = session.execute(stmt.order_by(Asset.id).limit(limit + 1)).scalars().all()
    session.commit()                       # keeps a token's last_used_at
    page = rows[:limit]
    return jsonify(assets=[asset_json(a) for a in page],
                   next_after=page[-1].id if len(rows) > limit else None)


@bp.route("/assets/<int:asset_id>")
@login_exempt
def get_asset(asset_id: int):
    """One asset with its findings; 404 when it is missing or outside what the caller may read."""
    session = get_session()
    token = bearer_token(session)
    if token is None and not current_user.is_authenticated:
        raise ApiError(401, "sign in or send a bearer token")
    if token is None:
        if not may_use(current_user, "api"):
            raise ApiError(403, "your role may not use the API")
        asset = asset_or_404(session, asset_id, current_user)
    else:
        if token.share_id is None:
            raise ApiError(403, "this token is not bound to a share")
        asset = session.get(Asset, asset_id)
        if asset is None or asset.share_id != token.share_id:
            abort(404)
    findings = session.execute(select(Finding).where(Finding.asset_id == asset.id)
                               .order_by(Finding.kind, Finding.id)).scalars().all()
    session.commit()
    return jsonify(dict(asset_json(asset), findings=[finding_json(f) for f in findings]))


def _iso(value):
    return value.isoformat() if value is not None else None


def asset_json(asset: Asset) -> dict:
    """An asset as the API shows it: location, scan facts, department and triage."""
    return {
        "id": asset.id, "share_id": asset.share_id, "root": asset.root, "path": asset.path,
        "name": asset.name, "kind": asset.kind, "size": asset.size, "mtime": _iso(asset.mtime),
        "sha256": asset.sha256, "status": asset.status, "error": asset.error,
        "personal": {"present": asset.personal_present, "categories": asset.categories,
                     "sensitive": asset.sensitive, "my_number": asset.my_number,
                     "records": asset.records},
        "app": {"is_app": asset.is_app, "kind": asset.app_kind, "complexity": asset.complexity,
                "modules": asset.modules, "forms": asset.forms, "queries": asset.queries,
                "macros": asset.macros, "code_lines": asset.code_lines, "auto_exec": asset.auto_exec},
        "risk_count": asset.risk_count, "department_id": asset.department_id,
        "department_manual": asset.department_manual, "copy_of_id": asset.copy_of_id,
        "first_seen_at": _iso(asset.first_seen_at), "last_seen_at": _iso(asset.last_seen_at),
        "removed_at": _iso(asset.removed_at),
        "triage": {"business_process": asset.business_process, "guideline": asset.guideline,
                   "lifecycle": asset.lifecycle, "owner_id": asset.owner_id,
                   "deputy_id": asset.deputy_id, "next_review": _iso(asset.next_review)},
    }


def finding_json(finding: Finding) -> dict:
    """A finding: a column judged personal (header, category; masked evidence) or a risk."""
    return {"kind": finding.kind, "active": finding.active, "sheet": finding.sheet,
            "column": finding.column, "header": finding.header, "category": finding.category,
            "confidence": finding.confidence, "hidden": finding.hidden, "evidence": finding.evidence,
            "code": finding.code, "detail": finding.detail, "dismissed": finding.dismissed}
