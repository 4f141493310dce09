"""What the asset page shows besides the asset row: a fixed number of queries, none per row.

Findings (personal-data columns and risks), copies (live assets with the
same content, named only within the user's scope and counted outside it),
the scan history (changes with their runs' dates), the people's history
(audit events on the asset and its findings), comments, and the names of
every user these mention (one query).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, func, not_, or_, select

from inventory.models import (
    Asset,
    AssetChange,
    AssetComment,
    AssetStatus,
    AuditEvent,
    Finding,
    ScanRun,
    Share,
    User,
)
from inventory.web.people import person_labels
from inventory.web.permissions import restrict_to_scope

HISTORY_LIMIT = 200
COPIES_LIMIT = 100


@dataclass
class AssetDetail:
    """Everything around one asset that its page lists."""
    share_name: str | None = None
    columns: list = field(default_factory=list)        # Finding rows, kind "column"
    risks: list = field(default_factory=list)          # Finding rows, kind "risk"
    copies: list = field(default_factory=list)         # (id, root, path, department_id)
    copies_elsewhere: int = 0                          # copies outside the user's scope
    scan_history: list = field(default_factory=list)   # (AssetChange, run started, run finished)
    audit: list = field(default_factory=list)          # AuditEvent rows, newest first
    comments: list = field(default_factory=list)       # AssetComment rows, oldest first
    user_names: dict = field(default_factory=dict)     # user id -> display name
    person_names: dict = field(default_factory=dict)   # person id -> 氏名（所属） (owner, deputy)


def load_detail(session, asset: Asset, scope: set[int] | None) -> AssetDetail:
    """The page's lists for ``asset`` (already checked to be in ``scope``)."""
    detail = AssetDetail()
    if asset.share_id is not None:
        detail.share_name = session.execute(
            select(Share.name).where(Share.id == asset.share_id)).scalar_one_or_none()
    findings = session.execute(select(Finding).where(Finding.asset_id == asset.id).order_by(
        Finding.kind, Finding.sheet, Finding.column, Finding.id)).scalars().all()
    detail.columns = [f for f in findings if f.kind == "column"]
    detail.risks = [f for f in findings if f.kind == "risk"]
    detail.copies, detail.copies_elsewhere = _copies(session, asset, scope)
    detail.scan_history = session.execute(
        select(AssetChange, ScanRun.started_at, ScanRun.finished_at)
        .join(ScanRun, ScanRun.id == AssetChange.run_id).where(AssetChange.asset_id == asset.id)
        .order_by(ScanRun.started_at.desc(), AssetChange.id.desc()).limit(HISTORY_LIMIT)).all()
    about_asset = and_(AuditEvent.object_type == Asset.__tablename__, AuditEvent.object_id == asset.id)
    finding_ids = [f.id for f in findings]
    if finding_ids:
        about_asset = or_(about_asset, and_(AuditEvent.object_type == Finding.__tablename__,
                                            AuditEvent.object_id.in_(finding_ids)))
    detail.audit = session.execute(select(AuditEvent).where(about_asset).order_by(
        AuditEvent.at.desc(), AuditEvent.id.desc()).limit(HISTORY_LIMIT)).scalars().all()
    detail.comments = session.execute(select(AssetComment).where(AssetComment.asset_id == asset.id)
                                      .order_by(AssetComment.created_at, AssetComment.id)).scalars().all()
    detail.user_names = _user_names(session, _mentioned_users(asset, detail))
    detail.person_names = person_labels(session, _mentioned_people(asset, detail))
    return detail


def _copies(session, asset: Asset, scope: set[int] | None) -> tuple[list, int]:
    """Live assets with ``asset``'s content: those in ``scope``, and how many lie outside it."""
    if not asset.sha256:
        return [], 0
    same = select(Asset.id, Asset.root, Asset.path, Asset.department_id).where(
        Asset.sha256 == asset.sha256, Asset.id != asset.id, Asset.status != AssetStatus.removed)
    shown = session.execute(restrict_to_scope(same, scope).order_by(Asset.root, Asset.path, Asset.id)
                            .limit(COPIES_LIMIT)).all()
    if scope is None:
        return shown, 0
    outside = same.with_only_columns(func.count()).where(
        or_(Asset.department_id.is_(None), not_(Asset.department_id.in_(sorted(scope or {-1})))))
    return shown, session.execute(outside).scalar_one()


def _mentioned_users(asset: Asset, detail: AssetDetail) -> set[int]:
    ids = {f.dismissed_by_id for f in detail.risks + detail.columns}
    ids |= {e.user_id for e in detail.audit} | {c.user_id for c in detail.comments}
    return {i for i in ids if i is not None}


def _mentioned_people(asset: Asset, detail: AssetDetail) -> set[int]:
    """The owner, the deputy and the people their history names (person ids since migration 0011)."""
    ids = {asset.owner_id, asset.deputy_id}
    ids |= {int(v) for e in detail.audit if e.field in ("owner_id", "deputy_id")
            for v in (e.before, e.after) if v and v.isdigit()}
    return {i for i in ids if i is not None}


def _user_names(session, ids: set[int]) -> dict[int, str]:
    """User id -> display name (or user name), in one query."""
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.display_name, User.username).where(User.id.in_(sorted(ids))))
    return {r.id: r.display_name or r.username for r in rows}
