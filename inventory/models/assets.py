"""What was scanned: :class:`Share` (a scan root; :class:`ShareMapping` maps path prefixes
to departments), :class:`ScanRun`, :class:`Asset` (one file), :class:`AssetCategory` (an
asset's personal-data categories, one row each, for fast filters), :class:`Finding` (a
column or a risk, with its dismissal), :class:`AssetChange` (new / changed / moved / removed,
per run), :class:`PendingRecord` (records whose fate is decided when a run finishes); and
what people add to them: the triage fields on :class:`Asset`, :class:`AssetComment`."""
from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, Index, UniqueConstraint, text
from sqlalchemy import column as sql_column
from sqlmodel import Field, SQLModel

from inventory.models.base import _fk, _json, _when


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
    triage_note, content_review), ``department_id`` when ``department_manual``, and
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
    owner_id: int | None = _fk("person.id")        # 正担当: a Person (staff directory), since 0011
    deputy_id: int | None = _fk("person.id")       # 副担当 (successor): a Person
    has_specification: bool = False                # 仕様書
    has_manual: bool = False                       # マニュアル
    next_review: dt.date | None = Field(default=None, index=True)
    triage_note: str | None = Field(default=None, max_length=2000)
    #: a person's check of a file the scanner could not read (status encrypted or error):
    #: "personal" | "none"; None: not checked (labels.CONTENT_REVIEW_LABELS)
    content_review: str | None = Field(default=None, max_length=20)


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
