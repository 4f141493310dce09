"""The registry's tables (SQLModel), for SQLite and PostgreSQL alike.

Who is who:
  :class:`Department` (組織, dated for annual reorganisations), :class:`User`
  (a role and a department), :class:`UserSession` (a signed-in browser),
  :class:`LoginThrottle` (failed sign-ins), :class:`ApiToken` (remote scanners).
What was scanned:
  :class:`Share` (a scan root; :class:`ShareMapping` maps path prefixes to
  departments), :class:`ScanRun`, :class:`Asset` (one file),
  :class:`AssetCategory` (an asset's personal-data categories, one row each,
  for fast filters), :class:`Finding` (a column or a risk, with its
  dismissal), :class:`AssetChange` (new / changed / moved / removed, per run),
  :class:`PendingRecord` (records whose fate is decided when a run finishes).
What people did:
  triage fields on :class:`Asset`, :class:`AssetComment`, :class:`AuditEvent`.

Rules every table follows:
  - nothing read from a scanned file is stored except what a scan record
    carries (headers, categories, counts, hashes, masked examples);
  - all timestamps are UTC (SQLite keeps them naive, PostgreSQL aware);
  - coded values are short English codes kept as plain strings (adding a
    code needs no migration); the Japanese labels are the ``*_LABELS`` dicts.
"""
from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, UniqueConstraint, text
from sqlalchemy import column as sql_column
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

# constraint names Alembic (and SQLite batch mode) can find again
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: JSON column: JSONB on PostgreSQL, JSON text elsewhere
JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> dt.datetime:
    """Now, in UTC."""
    return dt.datetime.now(dt.timezone.utc)


def _when(nullable: bool = True, index: bool = False, now: bool = False):
    """A UTC timestamp column; ``now``: defaults to the time the row is made."""
    default = {"default_factory": utcnow} if now else {"default": None}
    return Field(sa_type=DateTime(timezone=True), nullable=nullable, index=index, **default)


def _json(default=list):
    return Field(default_factory=default, sa_type=JSONType, nullable=False)


def _fk(target: str, index: bool = True):
    """A nullable integer foreign key."""
    return Field(default=None, foreign_key=target, index=index)


class Role(StrEnum):
    clerk = "clerk"                      # 各課の担当者
    dept_head = "dept_head"              # 所属長
    it_division = "it_division"          # 情報システム担当課
    privacy_office = "privacy_office"    # 個人情報保護担当課
    admin = "admin"


class Guideline(StrEnum):
    """How the IT division decides an app is to be run."""
    central = "central"                  # 集中管理
    department = "department"            # 所管課管理
    outsourced = "outsourced"            # 外部委託
    retire = "retire"                    # 廃止予定
    out_of_scope = "out_of_scope"        # 対象外


class Lifecycle(StrEnum):
    """Where an app is in its triage: 発見 → 確認中 → 分類済 → 移行中 → 廃止済."""
    discovered = "discovered"
    reviewing = "reviewing"
    classified = "classified"
    migrating = "migrating"
    retired = "retired"


class AssetStatus(StrEnum):
    ok = "ok"
    encrypted = "encrypted"
    error = "error"
    skipped = "skipped"
    removed = "removed"                  # not seen by a complete run over its root; kept for history


class ChangeKind(StrEnum):
    new = "new"
    changed = "changed"                  # same path, other content
    moved = "moved"                      # same content, other path (rename or move); id kept
    returned = "returned"                # a removed asset seen again
    removed = "removed"


ROLE_LABELS = {"clerk": "担当者", "dept_head": "所属長", "it_division": "情報システム担当課",
               "privacy_office": "個人情報保護担当課", "admin": "管理者"}


class Department(SQLModel, table=True):
    """A department (組織) for one period: a reorganisation ends it (``valid_to``) and starts
    new ones, which ``successor_id`` links, so history stays readable.  ``code`` is the
    city's organisation code; it may be reused in a later period."""
    __tablename__ = "department"
    __table_args__ = (UniqueConstraint("code", "valid_from"),)
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, index=True)
    name: str = Field(max_length=200)
    parent_id: int | None = _fk("department.id")
    #: the department head (所属長), a user; nullable until assigned
    head_id: int | None = Field(default=None, sa_column_args=[
        ForeignKey("app_user.id", use_alter=True)])
    valid_from: dt.date = Field(default_factory=lambda: dt.date(2000, 4, 1))
    #: last day the department exists; None while current
    valid_to: dt.date | None = None
    successor_id: int | None = _fk("department.id", index=False)


class User(SQLModel, table=True):
    """Someone who signs in.  ``password_hash`` is for local accounts (None with LDAP)."""
    __tablename__ = "app_user"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=100, unique=True)
    display_name: str = Field(default="", max_length=200)
    email: str | None = Field(default=None, max_length=254)
    role: str = Field(default=Role.clerk, max_length=20, index=True)
    department_id: int | None = _fk("department.id")
    password_hash: str | None = Field(default=None, max_length=255)
    active: bool = True
    created_at: dt.datetime | None = _when(nullable=False, now=True)


class UserSession(SQLModel, table=True):
    """One signed-in browser: its id lives in the signed session cookie, only its sha256 here,
    so that signing out, a password or role change or an idle or absolute time-out ends it on
    the server (a copied cookie is worth nothing afterwards)."""
    __tablename__ = "user_session"
    id: int | None = Field(default=None, primary_key=True)
    token_sha256: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="app_user.id", ondelete="CASCADE", index=True)
    created_at: dt.datetime | None = _when(nullable=False, now=True)
    last_seen_at: dt.datetime | None = _when(nullable=False, now=True)
    revoked_at: dt.datetime | None = _when()
    client_address: str | None = Field(default=None, max_length=100)


class LoginThrottle(SQLModel, table=True):
    """Failed sign-ins of one account (``kind`` "account", ``key`` the sha256 of the user name
    typed, so mistyped passwords in the name field are not kept) or one client address
    (``kind`` "address", ``key`` the address), counted in a window; ``retry_after`` refuses
    attempts until then, ``locked_at`` until an administrator unlocks."""
    __tablename__ = "login_throttle"
    __table_args__ = (UniqueConstraint("kind", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10)
    key: str = Field(max_length=100)
    failures: int = 0
    window_started_at: dt.datetime | None = _when(nullable=False, now=True)
    retry_after: dt.datetime | None = _when()
    locked_at: dt.datetime | None = _when()


#: how long an API token is valid unless its creator says otherwise
TOKEN_VALID_DAYS = 365


def token_expiry(days: int = TOKEN_VALID_DAYS) -> dt.datetime:
    """The expiry of a token made (or rotated) now and valid for ``days``."""
    return utcnow() + dt.timedelta(days=days)


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """A stored time as an aware UTC time (SQLite gives them back naive)."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value


class ApiToken(SQLModel, table=True):
    """A bearer token for remote scanners posting records; only its sha256 is stored.

    A token expires (``expires_at``: ``valid_days`` after it is made, a year by
    default); rotating it replaces the secret (and so its sha256) and starts a
    new period of ``valid_days``: the old secret is refused from then on.  ``last_used_at`` is written at most once a minute."""
    __tablename__ = "api_token"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    token_sha256: str = Field(max_length=64, unique=True)
    share_id: int | None = _fk("share.id")
    created_by_id: int | None = _fk("app_user.id", index=False)
    created_at: dt.datetime | None = _when(nullable=False, now=True)
    #: the length of a period: from creation, and from each rotation
    valid_days: int = Field(default=TOKEN_VALID_DAYS, sa_column_kwargs={"server_default": text("365")})
    expires_at: dt.datetime = Field(default_factory=token_expiry, sa_type=DateTime(timezone=True),
                                    nullable=False)
    rotated_at: dt.datetime | None = _when()
    last_used_at: dt.datetime | None = _when()
    revoked_at: dt.datetime | None = _when()


class Share(SQLModel, table=True):
    """A file share scanned as one root.  ``root`` is spelt as scanners give it
    ('/' separated, no trailing '/'); records under it are stored relative to it.

    ``inventory scan --share NAME`` scans the root without the paths matching
    ``exclusions`` (globs, as ``--exclude``).  ``schedule`` documents when the
    share is scanned (e.g. a systemd OnCalendar expression); cron or a systemd
    timer does the scheduling (docs/scheduling.md)."""
    __tablename__ = "share"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    root: str = Field(max_length=1000, unique=True)
    description: str = Field(default="", max_length=1000)
    active: bool = True
    exclusions: list = _json()
    schedule: str = Field(default="", max_length=200)


class ShareMapping(SQLModel, table=True):
    """Files under ``prefix`` (relative to the share root, '' = all) belong to a department;
    the longest matching prefix wins."""
    __tablename__ = "share_mapping"
    __table_args__ = (UniqueConstraint("share_id", "prefix"),)
    id: int | None = Field(default=None, primary_key=True)
    share_id: int = Field(foreign_key="share.id", ondelete="CASCADE", index=True)
    prefix: str = Field(default="", max_length=1000)
    department_id: int = Field(foreign_key="department.id")


class ScanRun(SQLModel, table=True):
    """One scan (or one ingested file) over some roots, with what it found changed.

    ``roots`` are the roots the run covers (normalised, as given); a run that
    finishes ``complete`` marks assets under them it did not see as removed.
    """
    __tablename__ = "scan_run"
    id: int | None = Field(default=None, primary_key=True)
    share_id: int | None = _fk("share.id")
    source: str = Field(default="cli", max_length=20)       # cli | ingest | api
    roots: list = _json()
    started_by_id: int | None = _fk("app_user.id", index=False)
    started_at: dt.datetime | None = _when(nullable=False, index=True, now=True)
    finished_at: dt.datetime | None = _when()
    status: str = Field(default="running", max_length=20)   # running | finished | partial | failed
    records: int = 0
    new: int = 0
    changed: int = 0
    moved: int = 0
    removed: int = 0
    unchanged: int = 0
    errors: int = 0      # records with status error or encrypted
    rejected: int = 0    # records not ingested: not a scan record (missing keys, wrong types)
    copies: int = 0      # live assets that are byte-identical copies of another, after the run


class Asset(SQLModel, table=True):
    """One file, identified by its location (``root`` + ``path``, unique as ``path_key``) and by
    its content (``sha256``).

    A re-scan that finds the same path updates it; the same content at a new
    path while the old path is gone is a move: the row (and every human
    decision on it) follows the file.  Never deleted: a file that disappears
    gets status ``removed``.  Byte-identical live files are copies:
    ``copy_of_id`` points at the oldest of them.

    Scan facts are overwritten by every scan; triage fields (guideline ..
    triage_note), ``department_id`` when ``department_manual``, and
    ``business_process`` are set by people only.
    """
    __tablename__ = "asset"
    __table_args__ = (
        Index("ix_asset_dept_status", "department_id", "status"),
        # the asset list's sorts (web.asset_queries.SORT_COLUMNS): a page read off an index
        Index("ix_asset_sort_path", text("substr(root, 1, 200)"), text("substr(path, 1, 300)"), "id"),
        Index("ix_asset_sort_size", "size", "id"),
        Index("ix_asset_sort_mtime", "mtime", "id"),
        Index("ix_asset_sort_records", "records", "id"),
        Index("ix_asset_sort_risk_count", "risk_count", "id"),
        Index("ix_asset_sort_last_seen", "last_seen_at", "id"),
        Index("ix_asset_dept_path", "department_id", text("substr(root, 1, 200)"),
              text("substr(path, 1, 300)"), "id"),     # path order within a department
        # the IT triage queue (web.triage_queue.QUEUE_ORDER over IN_QUEUE); the expressions are
        # spelt as PostgreSQL prints them back (line breaks included) so that autogenerate
        # compares them equal (SQLite cannot reflect expression indexes: not compared there)
        Index("ix_asset_triage_queue", text("(guideline IS NULL) DESC"), sql_column("risk_count").desc(),
              sql_column("sensitive").desc(), sql_column("my_number").desc(),
              text("(\nCASE complexity\n    WHEN 'High' THEN 3\n    WHEN 'Medium' THEN 2\n"
                   "    WHEN 'Low' THEN 1\n    ELSE 0\nEND) DESC"), "id",
              postgresql_where=text("status <> 'removed' AND (is_app OR personal_present)"),
              sqlite_where=text("status <> 'removed' AND (is_app OR personal_present)")),
        # a department's review list (web.department_review.review_page)
        Index("ix_asset_review", "department_id", sql_column("sensitive").desc(), sql_column("my_number").desc(),
              sql_column("risk_count").desc(), "id",
              postgresql_where=text("status <> 'removed' AND (personal_present OR risk_count > 0)"),
              sqlite_where=text("status <> 'removed' AND (personal_present OR risk_count > 0)")),
        Index("ix_asset_review_city", sql_column("sensitive").desc(), sql_column("my_number").desc(),
              sql_column("risk_count").desc(), "id",
              postgresql_where=text("status <> 'removed' AND (personal_present OR risk_count > 0)"),
              sqlite_where=text("status <> 'removed' AND (personal_present OR risk_count > 0)")),
        # the path search (ILIKE '%text%'); pg_trgm exists on PostgreSQL only
        Index("ix_asset_path_trgm", "path", postgresql_using="gin",
              postgresql_ops={"path": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
    )
    id: int | None = Field(default=None, primary_key=True)
    share_id: int | None = _fk("share.id")
    root: str = Field(max_length=1000, index=True)
    path: str = Field(max_length=2000)
    #: sha256 of root + NUL + path: the unique, indexable identity of a location
    #: (long Japanese paths do not fit a btree index themselves)
    path_key: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=400)
    folder: str = Field(default="", max_length=2000)
    kind: str = Field(max_length=20, index=True)
    size: int | None = Field(default=None, sa_type=BigInteger)
    mtime: dt.datetime | None = _when()
    sha256: str | None = Field(default=None, max_length=64, index=True)
    status: str = Field(default=AssetStatus.ok, max_length=20, index=True)
    error: str | None = Field(default=None, max_length=500)
    notes: list = _json()
    #: hash of the scan facts as last ingested: an identical re-scan touches nothing else
    facts_digest: str | None = Field(default=None, max_length=64)
    # --- personal data (from the record) ---
    personal_present: bool = Field(default=False)   # a large share of files: no index (0005)
    categories: list = _json()       # for display; filter through AssetCategory
    sensitive: bool = Field(default=False, index=True)
    my_number: bool = Field(default=False, index=True)
    records: int = 0
    # --- app facts (from the record) ---
    is_app: bool = Field(default=False, index=True)
    app_kind: str | None = Field(default=None, max_length=20)
    modules: int = 0
    forms: int = 0
    reports: int = 0
    queries: int = 0
    macros: int = 0
    procedures: int = 0
    code_lines: int = 0
    formulas: int = 0
    external_links: int = 0
    connections: int = 0
    auto_exec: bool = False
    vba: str | None = Field(default=None, max_length=100)    # parsed | unparsable: reason | None
    complexity: str | None = Field(default=None, max_length=10, index=True)  # High | Medium | Low
    risk_count: int = Field(default=0)   # indexed by ix_asset_sort_risk_count
    # --- where and when ---
    department_id: int | None = _fk("department.id", index=False)   # leads ix_asset_dept_*
    department_manual: bool = False   # set by a person: mappings no longer apply
    copy_of_id: int | None = _fk("asset.id")
    # the runs that first and last saw the file: plain ids, no foreign keys (migration 0005):
    # only ingest writes them, with the run it writes, and runs are never deleted
    first_seen_run_id: int | None = None
    last_seen_run_id: int | None = None       # unindexed: touches stay HOT
    first_seen_at: dt.datetime | None = _when()
    last_seen_at: dt.datetime | None = _when()
    removed_at: dt.datetime | None = _when()
    # --- triage (people only) ---
    business_process: str | None = Field(default=None, max_length=200)   # 業務名
    guideline: str | None = Field(default=None, max_length=20, index=True)
    lifecycle: str | None = Field(default=None, max_length=20, index=True)  # apps start "discovered"
    owner_id: int | None = _fk("app_user.id")      # 正担当
    deputy_id: int | None = _fk("app_user.id")     # 副担当 (successor)
    has_specification: bool = False                # 仕様書
    has_manual: bool = False                       # マニュアル
    next_review: dt.date | None = Field(default=None, index=True)
    triage_note: str | None = Field(default=None, max_length=2000)


class AssetCategory(SQLModel, table=True):
    """One personal-data category an asset holds (the record's ``personal.categories``)."""
    __tablename__ = "asset_category"
    __table_args__ = (Index("ix_asset_category_category", "category", "asset_id"),)
    asset_id: int = Field(foreign_key="asset.id", ondelete="CASCADE", primary_key=True)
    category: str = Field(max_length=40, primary_key=True)


class Finding(SQLModel, table=True):
    """A column judged personal (``kind`` "column") or a risk (``kind`` "risk") on an asset.

    ``key`` is a stable identity that holds no value: a hash of sheet, header
    and category for a column (not its letter, which shifts), of code and
    detail (counts blanked) for a risk.  Findings are refreshed by each scan;
    a dismissal is kept by key and re-applied.  A dismissed finding a scan no
    longer reports stays with ``active`` False, ready for its return.
    """
    __tablename__ = "finding"
    __table_args__ = (
        UniqueConstraint("asset_id", "key"),
        Index("ix_finding_category", "category", "asset_id"),
        Index("ix_finding_code", "code", "asset_id"),
        # an asset's open findings (counts of what is pending, the risk filter)
        Index("ix_finding_asset_open", "asset_id", postgresql_where=text("active AND NOT dismissed"),
              sqlite_where=text("active AND NOT dismissed")),
    )
    id: int | None = Field(default=None, primary_key=True)
    asset_id: int = Field(foreign_key="asset.id", ondelete="CASCADE")
    kind: str = Field(max_length=10)        # column | risk
    key: str = Field(max_length=64)
    active: bool = True
    # column findings
    sheet: str | None = Field(default=None, max_length=200)
    column: str | None = Field(default=None, max_length=200)
    header: str | None = Field(default=None, max_length=500)
    category: str | None = Field(default=None, max_length=40)
    confidence: float | None = None
    hidden: bool = False
    evidence: dict = _json(dict)            # matched term, ratios, fully masked example
    # risk findings
    code: str | None = Field(default=None, max_length=60)
    detail: str | None = Field(default=None, max_length=1000)
    #: the scan run that first reported the finding (a run's "new risks", alerts); a plain
    #: id like Asset's (migration 0005)
    first_seen_run_id: int | None = Field(default=None, index=True)
    # a person's dismissal of a false finding
    dismissed: bool = False
    dismissed_reason: str | None = Field(default=None, max_length=1000)
    dismissed_by_id: int | None = _fk("app_user.id", index=False)
    dismissed_at: dt.datetime | None = _when()
    # a person's confirmation (the AuditEvent finding/confirmed stays as its history)
    confirmed_at: dt.datetime | None = _when()
    confirmed_by_id: int | None = _fk("app_user.id", index=False)


class AssetChange(SQLModel, table=True):
    """What a scan run found changed about an asset (scan-level history, not an audit of people)."""
    __tablename__ = "asset_change"
    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="scan_run.id", ondelete="CASCADE", index=True)
    asset_id: int = Field(foreign_key="asset.id", ondelete="CASCADE", index=True)
    change: str = Field(max_length=20)     # a ChangeKind
    old_path: str | None = Field(default=None, max_length=2000)
    old_sha256: str | None = Field(default=None, max_length=64)


class PendingRecord(SQLModel, table=True):
    """A record at a new path whose content an unseen asset has: a move or a copy,
    decided when its run finishes.  Holds the record as ingested (no values)."""
    __tablename__ = "pending_record"
    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="scan_run.id", ondelete="CASCADE", index=True)
    sha256: str = Field(max_length=64)
    record: dict = _json(dict)


class AssetComment(SQLModel, table=True):
    """A comment on an asset by a person (triage discussion)."""
    __tablename__ = "asset_comment"
    id: int | None = Field(default=None, primary_key=True)
    asset_id: int = Field(foreign_key="asset.id", ondelete="CASCADE", index=True)
    user_id: int | None = _fk("app_user.id", index=False)
    created_at: dt.datetime | None = _when(nullable=False, now=True)
    body: str = Field(max_length=4000)


class AuditEvent(SQLModel, table=True):
    """Who changed what, when: one row per field a person changed (``record_change``),
    and one per scan run finished (``object_type`` "scan_run", ``field`` "finished")."""
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),)
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime | None = _when(nullable=False, index=True, now=True)
    user_id: int | None = _fk("app_user.id")
    object_type: str = Field(max_length=40)    # table name
    object_id: int | None = None
    field: str = Field(max_length=60)
    before: str | None = Field(default=None, max_length=4000)
    after: str | None = Field(default=None, max_length=4000)


def record_change(session, user: User | None, obj: SQLModel, field: str, before, after) -> AuditEvent | None:
    """Add an :class:`AuditEvent` for a person's change of ``obj.field``; None when nothing changed.

    Values are stored as text (dates ISO, None as NULL).  The caller commits.
    """
    if before == after:
        return None
    event = AuditEvent(user_id=user.id if user is not None else None,
                       object_type=obj.__tablename__, object_id=getattr(obj, "id", None),
                       field=field, before=_audit_text(before), after=_audit_text(after))
    session.add(event)
    return event


def set_field(session, user: User | None, obj: SQLModel, field: str, value) -> bool:
    """Set ``obj.field`` to ``value`` and audit it; False when it already had that value."""
    before = getattr(obj, field)
    if record_change(session, user, obj, field, before, value) is None:
        return False
    setattr(obj, field, value)
    session.add(obj)
    return True


def _audit_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)[:4000]


# --- annual personal-data holdings declarations (個人情報ファイル簿) ---------------------------

class DeclarationStatus(StrEnum):
    """Where a department's declaration is: draft → submitted (所属長決裁待ち) → reviewing
    (審査中, the head approved) → accepted (受理).  A head or the privacy office may return it
    (差戻し: ``returned``, editable again); an accepted declaration is reopened for a change
    during the year and takes the same path."""
    draft = "draft"
    submitted = "submitted"
    reviewing = "reviewing"
    returned = "returned"
    accepted = "accepted"


class ItemChange(StrEnum):
    """An item against last year's accepted declaration: 継続 / 変更 / 新規 / 廃止."""
    continued = "continued"
    changed = "changed"
    new = "new"
    abolished = "abolished"


class FileType(StrEnum):
    electronic = "electronic"     # 電算処理ファイル
    manual = "manual"             # マニュアル処理ファイル


DECLARATION_STATUS_LABELS = {"draft": "作成中", "submitted": "所属長決裁待ち", "reviewing": "審査中",
                             "returned": "差戻し", "accepted": "受理"}
ITEM_CHANGE_LABELS = {"continued": "継続", "changed": "変更", "new": "新規", "abolished": "廃止"}
FILE_TYPE_LABELS = {"electronic": "電算処理", "manual": "マニュアル処理"}


class DeclarationCampaign(SQLModel, table=True):
    """One fiscal year's call for declarations (年度照会) to every current department."""
    __tablename__ = "declaration_campaign"
    id: int | None = Field(default=None, primary_key=True)
    fiscal_year: int = Field(unique=True)          # 年度 (April start), e.g. 2026 for 令和8年度
    title: str = Field(default="", max_length=200)
    opens_on: dt.date
    due_on: dt.date
    #: the date the holdings are declared as of (基準日)
    reference_date: dt.date
    #: an item is published in the ファイル簿 from this many people (本人の数) up, unless exempt
    publish_threshold: int = 1000
    created_by_id: int | None = _fk("app_user.id", index=False)
    created_at: dt.datetime | None = _when(nullable=False, now=True)
    closed_at: dt.datetime | None = _when()


class Declaration(SQLModel, table=True):
    """A department's declaration in a campaign.  ``version`` grows with every change to it or its
    items (optimistic locking: a form carries the version it was drawn from); ``history_no``
    counts accepted versions (0 until the first acceptance)."""
    __tablename__ = "declaration"
    __table_args__ = (UniqueConstraint("campaign_id", "department_id"),)
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="declaration_campaign.id", ondelete="CASCADE", index=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    status: str = Field(default=DeclarationStatus.draft, max_length=20, index=True)
    version: int = 1
    history_no: int = 0
    #: first edit by a person (None: 未着手)
    started_at: dt.datetime | None = _when()
    submitted_at: dt.datetime | None = _when()
    approved_at: dt.datetime | None = _when()     # by the head
    accepted_at: dt.datetime | None = _when()     # by the privacy office
    last_reminded_at: dt.datetime | None = _when()
    updated_at: dt.datetime | None = _when(nullable=False, now=True)


class DeclarationItem(SQLModel, table=True):
    """One personal-information file declared (a line of the ファイル簿).

    ``lineage_id`` is shared by an item and its carried-forward copies in later years (the
    id of the first), so an item's history spans campaigns.  ``change`` is derived when the
    item is saved (継続 if every declared field equals the item it was carried from)
    unless ``abolished``.  ``published`` is derived from 本人の数, the threshold and the
    exemption.  Text fields are what people typed: nothing here is read from a file."""
    __tablename__ = "declaration_item"
    id: int | None = Field(default=None, primary_key=True)
    declaration_id: int = Field(foreign_key="declaration.id", ondelete="CASCADE", index=True)
    carried_from_id: int | None = _fk("declaration_item.id", index=False)
    lineage_id: int | None = Field(default=None, index=True)
    position: int = 0
    change: str = Field(default=ItemChange.new, max_length=20)
    abolished: bool = False
    #: "scan" for items suggested from scanned assets, "carried" from last year, "person", "import"
    origin: str = Field(default="person", max_length=20)
    file_name: str = Field(default="", max_length=200)                 # 個人情報ファイルの名称
    business_name: str = Field(default="", max_length=200)             # 事務の名称
    organisation: str = Field(default="", max_length=200)              # 事務をつかさどる組織の名称
    purpose: str = Field(default="", max_length=2000)                  # 利用目的
    record_categories: list = _json()                                  # 記録項目 (category codes)
    record_items_other: str = Field(default="", max_length=2000)       # 記録項目 (free items)
    record_scope: str = Field(default="", max_length=1000)             # 記録範囲
    collection_method: str = Field(default="", max_length=1000)        # 記録情報の収集方法
    sensitive: bool = False                                            # 要配慮個人情報の有無
    regular_recipients: str = Field(default="", max_length=1000)       # 経常的提供先
    disclosure_office: str = Field(default="", max_length=500)         # 開示請求等を受理する組織
    special_procedures: str = Field(default="", max_length=1000)       # 他法令による特別の手続
    file_type: str = Field(default=FileType.electronic, max_length=20)  # 電算処理 / マニュアル処理
    subject_count: int | None = None                                   # 本人の数
    exemption: str = Field(default="", max_length=10)                  # 法74条2項 各号 ("" none, "1".."10")
    published: bool = False
    retention: str = Field(default="", max_length=200)                 # 保存期間
    contractor: str = Field(default="", max_length=500)                # 委託先
    location_note: str = Field(default="", max_length=1000)            # 保管場所 (paper, free text)
    remarks: str = Field(default="", max_length=1000)                  # 備考
    version: int = 1
    updated_at: dt.datetime | None = _when(nullable=False, now=True)


class DeclarationItemAsset(SQLModel, table=True):
    """A scanned asset (file or app) where a declared item is kept."""
    __tablename__ = "declaration_item_asset"
    item_id: int = Field(foreign_key="declaration_item.id", ondelete="CASCADE", primary_key=True)
    asset_id: int = Field(foreign_key="asset.id", ondelete="CASCADE", primary_key=True, index=True)


class DeclarationEvent(SQLModel, table=True):
    """A step of a declaration's workflow (create, submit, approve, return, accept, reopen,
    import, remind) with its comment: the declaration's history."""
    __tablename__ = "declaration_event"
    id: int | None = Field(default=None, primary_key=True)
    declaration_id: int = Field(foreign_key="declaration.id", ondelete="CASCADE", index=True)
    at: dt.datetime | None = _when(nullable=False, now=True)
    user_id: int | None = _fk("app_user.id", index=False)
    action: str = Field(max_length=20)
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str | None = Field(default=None, max_length=20)
    comment: str | None = Field(default=None, max_length=2000)


class DeclarationSnapshot(SQLModel, table=True):
    """An accepted version of a declaration, frozen: its items as they were accepted."""
    __tablename__ = "declaration_snapshot"
    __table_args__ = (UniqueConstraint("declaration_id", "history_no"),)
    id: int | None = Field(default=None, primary_key=True)
    declaration_id: int = Field(foreign_key="declaration.id", ondelete="CASCADE", index=True)
    history_no: int
    accepted_at: dt.datetime | None = _when(nullable=False, now=True)
    accepted_by_id: int | None = _fk("app_user.id", index=False)
    items: list = _json()
