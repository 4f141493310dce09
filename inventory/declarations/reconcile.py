"""Reconciliation of a campaign's declarations with what the scans found: the lists the
privacy office works through, per department or city-wide.

What counts as declared is the campaign's declarations as they stand now (their items,
drafts included; abolished items declare nothing): an office that waits for acceptance
to see a gap would see it too late.  Only items declare: an item a person added, adopted
from a scan suggestion, imported or carried from last year's accepted declaration.  The
scans' suggestions (``DeclarationProposal``, pending or rejected) declare nothing, so a
department that has not started shows all its scanned holdings as undeclared.  Assets are live when their status is not
``removed``.

(a) undeclared holdings: live personal-data assets of a department that no live item of
    *its own* declaration links.  Byte-identical copies are one holding: an asset counts
    as linked when any asset of its copy group (``coalesce(copy_of_id, id)``) is linked by
    that declaration.  Assets without a department are counted apart (``unassigned``):
    no declaration can cover them until a share mapping gives them one;
(b) declared electronic items (電算処理) whose linked assets have all disappeared, or that
    link none;
(c) 本人の数 far from the scanned record counts.  A scan counts rows about people per
    file: a file may hold only part of the people (the declared number may be larger),
    or several rows per person (smaller), and copies hold the same rows.  With ``records``
    taken once per copy group over the item's live linked assets, the item is listed when
    its 本人の数 is below ``max(records) / factor`` or above ``sum(records) * factor``
    (``factor`` default 3, app config ``INVENTORY_RECONCILE_FACTOR``), or empty while the
    scans counted people.  Items whose files report no records (encrypted, unreadable)
    are not judged;
(d) sensitive data (要配慮) found in a live linked asset of an item that declares 要配慮 無;
    and the undeclared assets of (a) holding sensitive data (``sensitive_undeclared``).

Each list is one SQL statement (grouped in the database), whatever the number of assets:
six statements in all.  Nothing read from a file is used: flags, categories and counts.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, false, func, select
from sqlalchemy.orm import aliased

from inventory.models import (
    Asset,
    AssetStatus,
    Declaration,
    DeclarationCampaign,
    DeclarationItem,
    DeclarationItemAsset,
    Department,
    FileType,
)

DEFAULT_FACTOR = 3.0
LIVE = Asset.status != AssetStatus.removed


@dataclass
class UndeclaredAsset:
    """(a) a live personal-data asset no item of its department's declaration links."""
    asset_id: int
    department_id: int
    name: str
    folder: str
    records: int
    sensitive: bool
    my_number: bool
    categories: list


@dataclass
class ItemGap:
    """An item of (b), (c) or (d): which item, and the numbers that put it on the list."""
    item_id: int
    declaration_id: int
    department_id: int
    position: int
    file_name: str
    linked: int = 0                 # (b) links, removed assets included
    subject_count: int | None = None  # (c) declared 本人の数
    max_records: int = 0            # (c) largest scanned count of one file
    sum_records: int = 0            # (c) scanned counts of the item's files (copies once)
    reason: str = ""                # (b) "disappeared" / "no_link"; (c) "below" / "above" / "missing"
    sensitive_assets: int = 0       # (d) linked live assets with sensitive data


@dataclass
class Reconciliation:
    """The lists of one campaign for one scope, and the departments they name."""
    undeclared: list[UndeclaredAsset] = field(default_factory=list)
    vanished: list[ItemGap] = field(default_factory=list)
    count_gaps: list[ItemGap] = field(default_factory=list)
    sensitive_gaps: list[ItemGap] = field(default_factory=list)
    unassigned: int = 0
    departments: dict[int, tuple[str, str]] = field(default_factory=dict)   # id -> (code, name)

    @property
    def sensitive_undeclared(self) -> list[UndeclaredAsset]:
        return [a for a in self.undeclared if a.sensitive]

    def per_department(self) -> list[tuple[int, Counter]]:
        """(department id, counts of each list) for the departments with something listed, by code."""
        counts: dict[int, Counter] = {}
        for key, rows in (("undeclared", self.undeclared), ("vanished", self.vanished),
                          ("count_gaps", self.count_gaps), ("sensitive_gaps", self.sensitive_gaps),
                          ("sensitive_undeclared", self.sensitive_undeclared)):
            for row in rows:
                counts.setdefault(row.department_id, Counter())[key] += 1
        return sorted(counts.items(), key=lambda kv: (self.departments.get(kv[0], ("~", ""))[0], kv[0]))


def reconcile(session, campaign: DeclarationCampaign, scope: set[int] | None = None,
              factor: float = DEFAULT_FACTOR) -> Reconciliation:
    """The reconciliation lists of ``campaign`` for the departments in ``scope`` (None: the city)."""
    if factor < 1:
        raise ValueError("the factor must be at least 1")
    found = Reconciliation(
        undeclared=undeclared_assets(session, campaign, scope),
        vanished=vanished_items(session, campaign, scope),
        count_gaps=count_gaps(session, campaign, scope, factor),
        sensitive_gaps=sensitive_gaps(session, campaign, scope),
        unassigned=unassigned_count(session) if scope is None else 0)
    found.departments = {d_id: (code, name) for d_id, code, name in session.execute(
        select(Department.id, Department.code, Department.name))}
    return found


def _in_scope(stmt, column, scope: set[int] | None):
    if scope is None:
        return stmt
    return stmt.where(column.in_(sorted(scope))) if scope else stmt.where(false())


def _live_items(campaign: DeclarationCampaign):
    """Conditions for the campaign's items that declare something (not abolished)."""
    return and_(Declaration.campaign_id == campaign.id, DeclarationItem.abolished.is_(False))


def undeclared_assets(session, campaign: DeclarationCampaign, scope: set[int] | None) -> list[UndeclaredAsset]:
    """(a): one statement, ``NOT EXISTS`` a link from the department's declaration to the copy group."""
    linked_asset = aliased(Asset)
    declared = (select(DeclarationItemAsset.asset_id)
                .join(DeclarationItem, DeclarationItem.id == DeclarationItemAsset.item_id)
                .join(Declaration, Declaration.id == DeclarationItem.declaration_id)
                .join(linked_asset, linked_asset.id == DeclarationItemAsset.asset_id)
                .where(_live_items(campaign), Declaration.department_id == Asset.department_id,
                       func.coalesce(linked_asset.copy_of_id, linked_asset.id)
                       == func.coalesce(Asset.copy_of_id, Asset.id)))
    stmt = (select(Asset.id, Asset.department_id, Asset.name, Asset.folder, Asset.records, Asset.sensitive,
                   Asset.my_number, Asset.categories)
            .join(Department, Department.id == Asset.department_id)
            .where(Asset.personal_present, LIVE, ~exists(declared))
            .order_by(Department.code, Asset.department_id, Asset.folder, Asset.name, Asset.id))
    return [UndeclaredAsset(*row[:7], categories=list(row[7] or []))
            for row in session.execute(_in_scope(stmt, Asset.department_id, scope))]


def _item_columns():
    return (DeclarationItem.id, Declaration.id, Declaration.department_id, DeclarationItem.position,
            DeclarationItem.file_name)


def _item_gap(row, **numbers) -> ItemGap:
    item_id, declaration_id, department_id, position, file_name = row[:5]
    return ItemGap(item_id, declaration_id, department_id, position, file_name, **numbers)


def _ordered(stmt):
    return (stmt.join(Department, Department.id == Declaration.department_id)
            .order_by(Department.code, Declaration.department_id, DeclarationItem.position, DeclarationItem.id))


def vanished_items(session, campaign: DeclarationCampaign, scope: set[int] | None) -> list[ItemGap]:
    """(b): electronic items with no live linked asset (grouped per item in the database)."""
    live = func.count(Asset.id).filter(LIVE)
    stmt = (select(*_item_columns(), func.count(DeclarationItemAsset.asset_id), live)
            .select_from(DeclarationItem)
            .join(Declaration, Declaration.id == DeclarationItem.declaration_id)
            .outerjoin(DeclarationItemAsset, DeclarationItemAsset.item_id == DeclarationItem.id)
            .outerjoin(Asset, Asset.id == DeclarationItemAsset.asset_id)
            .where(_live_items(campaign), DeclarationItem.file_type == FileType.electronic)
            .group_by(*_item_columns()).having(live == 0))
    stmt = _ordered(_in_scope(stmt, Declaration.department_id, scope)).group_by(Department.code)
    return [_item_gap(row, linked=row[5], reason="disappeared" if row[5] else "no_link")
            for row in session.execute(stmt)]


def count_gaps(session, campaign: DeclarationCampaign, scope: set[int] | None,
               factor: float = DEFAULT_FACTOR) -> list[ItemGap]:
    """(c): per item, the largest and the summed record counts of its live files (copies once)."""
    group = func.coalesce(Asset.copy_of_id, Asset.id)
    per_group = (select(DeclarationItemAsset.item_id.label("item_id"), func.max(Asset.records).label("records"))
                 .join(Asset, Asset.id == DeclarationItemAsset.asset_id)
                 .join(DeclarationItem, DeclarationItem.id == DeclarationItemAsset.item_id)
                 .join(Declaration, Declaration.id == DeclarationItem.declaration_id)
                 .where(_live_items(campaign), LIVE)
                 .group_by(DeclarationItemAsset.item_id, group).subquery())
    per_item = (select(per_group.c.item_id, func.max(per_group.c.records).label("most"),
                       func.sum(per_group.c.records).label("total"))
                .group_by(per_group.c.item_id).subquery())
    stmt = (select(*_item_columns(), DeclarationItem.subject_count, per_item.c.most, per_item.c.total)
            .select_from(DeclarationItem)
            .join(per_item, per_item.c.item_id == DeclarationItem.id)
            .join(Declaration, Declaration.id == DeclarationItem.declaration_id)
            .where(per_item.c.most > 0))
    gaps = []
    for row in session.execute(_ordered(_in_scope(stmt, Declaration.department_id, scope))):
        declared, most, total = row[5], int(row[6] or 0), int(row[7] or 0)
        reason = count_reason(declared, most, total, factor)
        if reason:
            gaps.append(_item_gap(row, subject_count=declared, max_records=most, sum_records=total,
                                  reason=reason))
    return gaps


def count_reason(declared: int | None, most: int, total: int, factor: float = DEFAULT_FACTOR) -> str:
    """Why a declared 本人の数 is far from the scanned counts ("" when it is not): see (c)."""
    if most <= 0:
        return ""
    if declared is None:
        return "missing"
    if declared * factor < most:
        return "below"
    if declared > total * factor:
        return "above"
    return ""


def sensitive_gaps(session, campaign: DeclarationCampaign, scope: set[int] | None) -> list[ItemGap]:
    """(d): items declaring 要配慮 無 with live linked assets where scans found sensitive data."""
    stmt = (select(*_item_columns(), func.count(Asset.id))
            .select_from(DeclarationItem)
            .join(Declaration, Declaration.id == DeclarationItem.declaration_id)
            .join(DeclarationItemAsset, DeclarationItemAsset.item_id == DeclarationItem.id)
            .join(Asset, Asset.id == DeclarationItemAsset.asset_id)
            .where(_live_items(campaign), DeclarationItem.sensitive.is_(False), LIVE, Asset.sensitive)
            .group_by(*_item_columns()))
    stmt = _ordered(_in_scope(stmt, Declaration.department_id, scope)).group_by(Department.code)
    return [_item_gap(row, sensitive_assets=row[5]) for row in session.execute(stmt)]


def unassigned_count(session) -> int:
    """Live personal-data assets that belong to no department (no declaration covers them)."""
    return session.scalar(select(func.count()).select_from(Asset).where(
        Asset.personal_present, LIVE, Asset.department_id.is_(None))) or 0
