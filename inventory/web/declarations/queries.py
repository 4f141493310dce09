"""What the declaration pages read, as SQL: declarations and items within the user's scope,
linked assets, the workflow history, and an item's history across fiscal years.

Access is decided by ``inventory.declarations.workflow.may_see`` (one rule, shared with the
service): a declaration or item outside it answers 404, so its existence does not
leak, by URL or by a posted form alike.  Pages show file names, folders, categories
and counts of linked assets, never a value read from a file.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass

from flask import abort
from sqlalchemy import and_, func, or_, select

from inventory.declarations import workflow as decl
from inventory.models import (
    Asset,
    AssetStatus,
    AuditEvent,
    Declaration,
    DeclarationCampaign,
    DeclarationEvent,
    DeclarationItem,
    DeclarationItemAsset,
    DeclarationSnapshot,
    User,
)
from inventory.web.permissions import visible_assets

ITEM_TABLE = DeclarationItem.__tablename__


def declaration_or_404(session, declaration_id: int, user) -> Declaration:
    """The declaration if ``user`` may see it; 404 if it is missing or outside their scope."""
    found = session.get(Declaration, declaration_id)
    if found is None or not decl.may_see(session, user, found):
        abort(404)
    return found


def item_or_404(session, item_id: int, user) -> tuple[DeclarationItem, Declaration]:
    """The item and its declaration if ``user`` may see the declaration; else 404."""
    item = session.get(DeclarationItem, item_id)
    if item is None:
        abort(404)
    return item, declaration_or_404(session, item.declaration_id, user)


def campaigns(session) -> list[DeclarationCampaign]:
    """Every campaign, the newest fiscal year first."""
    return list(session.execute(select(DeclarationCampaign)
                                .order_by(DeclarationCampaign.fiscal_year.desc())).scalars())


def linked_counts(session, item_ids: list[int]) -> dict[int, int]:
    """Item id -> number of assets linked to it (one query)."""
    if not item_ids:
        return {}
    stmt = (select(DeclarationItemAsset.item_id, func.count()).where(DeclarationItemAsset.item_id.in_(item_ids))
            .group_by(DeclarationItemAsset.item_id))
    return dict(session.execute(stmt).all())


def linked_asset_ids(session, item_id: int) -> list[int]:
    return list(session.execute(select(DeclarationItemAsset.asset_id)
                                .where(DeclarationItemAsset.item_id == item_id)
                                .order_by(DeclarationItemAsset.asset_id)).scalars())


def linkable_assets(session, declaration: Declaration, linked: list[int]) -> list[Asset]:
    """The assets an item of ``declaration`` may link: its department's live personal-data
    files (not its sub-departments': they declare for themselves, as the prefill does),
    plus whatever the item links already (a removed file stays visible until unlinked)."""
    mine = and_(Asset.department_id == declaration.department_id, Asset.personal_present,
                Asset.status != AssetStatus.removed)
    condition = or_(mine, Asset.id.in_(linked)) if linked else mine
    return list(session.execute(select(Asset).where(condition).order_by(Asset.folder, Asset.name, Asset.id))
                .scalars())


def last_return(session, declaration: Declaration):
    """The return (差戻し) that made the declaration ``returned`` now: when, by whom, why; else None."""
    if declaration.status != decl.S.returned:
        return None
    stmt = (select(DeclarationEvent.at, DeclarationEvent.action, DeclarationEvent.comment, User.username,
                   User.display_name)
            .outerjoin(User, User.id == DeclarationEvent.user_id)
            .where(DeclarationEvent.declaration_id == declaration.id,
                   DeclarationEvent.action.in_(("return_head", "return_office")))
            .order_by(DeclarationEvent.at.desc(), DeclarationEvent.id.desc()).limit(1))
    return session.execute(stmt).first()


def events_of(session, declaration_id: int) -> list:
    """The declaration's workflow history, oldest first, with who took each step."""
    stmt = (select(DeclarationEvent.at, DeclarationEvent.action, DeclarationEvent.from_status,
                   DeclarationEvent.to_status, DeclarationEvent.comment, User.username, User.display_name)
            .outerjoin(User, User.id == DeclarationEvent.user_id)
            .where(DeclarationEvent.declaration_id == declaration_id)
            .order_by(DeclarationEvent.at, DeclarationEvent.id))
    return session.execute(stmt).all()


def incomplete_positions(items: list[DeclarationItem]) -> set[int]:
    """Ids of live items that would stop a submission (a required field or 本人の数 left empty ...),
    as the service's own check sees them."""
    return {i.id for i in items if not i.abolished and decl.completeness_problems(decl.item_dict(i))}


# --- an item's history across fiscal years ---------------------------------------------------

@dataclass
class LineageItem:
    """One year's form of an item: the item row, its declaration and campaign."""
    item: DeclarationItem
    declaration: Declaration
    campaign: DeclarationCampaign


@dataclass
class SnapshotEntry:
    """An accepted version (history number) of a declaration holding one form of the item."""
    fiscal_year: int
    history_no: int
    accepted_at: object
    item_id: int
    change: str | None
    abolished: bool


def lineage_items(session, item: DeclarationItem, user) -> list[LineageItem]:
    """The item and the other years' forms of it (same ``lineage_id``) that ``user`` may see,
    plus every item it was carried from: what it came from is its own history, even when
    a reorganisation put last year's item in another department."""
    lineage = item.lineage_id or item.id
    rows = session.execute(
        select(DeclarationItem, Declaration, DeclarationCampaign)
        .join(Declaration, Declaration.id == DeclarationItem.declaration_id)
        .join(DeclarationCampaign, DeclarationCampaign.id == Declaration.campaign_id)
        .where(or_(DeclarationItem.lineage_id == lineage, DeclarationItem.id == lineage))).all()
    ancestors = _ancestor_ids(session, item)
    found = [LineageItem(i, d, c) for i, d, c in rows
             if i.id == item.id or i.id in ancestors or decl.may_see(session, user, d)]
    return sorted(found, key=lambda li: (li.campaign.fiscal_year, li.item.id))


def _ancestor_ids(session, item: DeclarationItem) -> set[int]:
    """Ids of the items ``item`` was carried from, year by year."""
    found, current = set(), item.carried_from_id
    while current is not None and current not in found:
        found.add(current)
        current = session.execute(select(DeclarationItem.carried_from_id)
                                  .where(DeclarationItem.id == current)).scalar()
    return found


def audit_of(session, item_ids: list[int]) -> list:
    """Every AuditEvent on the items, oldest first, with who made each change."""
    if not item_ids:
        return []
    stmt = (select(AuditEvent.at, AuditEvent.object_id, AuditEvent.field, AuditEvent.before,
                   AuditEvent.after, User.username, User.display_name)
            .outerjoin(User, User.id == AuditEvent.user_id)
            .where(AuditEvent.object_type == ITEM_TABLE, AuditEvent.object_id.in_(item_ids))
            .order_by(AuditEvent.at, AuditEvent.id))
    return session.execute(stmt).all()


def snapshot_entries(session, forms: list[LineageItem]) -> list[SnapshotEntry]:
    """The accepted versions (history numbers) that hold one of ``forms``, by year and number."""
    by_declaration: dict[int, LineageItem] = {}
    ids = {li.item.id for li in forms}
    for li in forms:
        by_declaration.setdefault(li.declaration.id, li)
    if not by_declaration:
        return []
    stmt = (select(DeclarationSnapshot).where(DeclarationSnapshot.declaration_id.in_(sorted(by_declaration)))
            .order_by(DeclarationSnapshot.declaration_id, DeclarationSnapshot.history_no))
    entries = []
    for snapshot in session.execute(stmt).scalars():
        year = by_declaration[snapshot.declaration_id].campaign.fiscal_year
        for frozen in snapshot.items or []:
            if frozen.get("id") in ids:
                entries.append(SnapshotEntry(year, snapshot.history_no, snapshot.accepted_at, frozen["id"],
                                             frozen.get("change"), bool(frozen.get("abolished"))))
    return sorted(entries, key=lambda e: (e.fiscal_year, e.history_no))


def audit_list(text: str | None) -> list[str]:
    """A list as ``record_change`` stored it (``"['name', 'address']"``), back as a list."""
    if not text:
        return []
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return [text]
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]


def asset_names(session, asset_ids: set[int], user) -> dict[int, str]:
    """Asset id -> file name for the assets ``user`` may see among ``asset_ids``."""
    if not asset_ids:
        return {}
    stmt = visible_assets(select(Asset.id, Asset.name).where(Asset.id.in_(sorted(asset_ids))), user, session)
    return dict(session.execute(stmt).all())


def was_deleted(session, item_id: int) -> bool:
    """Whether an item of this id existed and was deleted (its audit trail says so)."""
    return session.execute(select(AuditEvent.id).where(
        AuditEvent.object_type == ITEM_TABLE, AuditEvent.object_id == item_id,
        AuditEvent.field == "deleted").limit(1)).first() is not None
