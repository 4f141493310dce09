"""What needs the signed-in person now, for the top of the dashboard: a few counts, each with
the link to the list it counts.

Per role (the IT division and admins: apps newly found, apps in use without an owner,
findings nobody confirmed or dismissed; a clerk: the department's declaration returned or
overdue, its findings to review; a 所属長: declarations awaiting approval and findings to
review; the privacy office: declarations overdue and those awaiting acceptance).  One or
two statements, of counts only (no GROUP BY over the assets, no rows), kept in the
dashboard's cache with its other counts while the registry's stamp holds.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, not_, or_, select

from inventory.declarations.campaigns import progress_state
from inventory.models import (
    Asset,
    AssetStatus,
    Declaration,
    DeclarationCampaign,
    DeclarationStatus,
    Finding,
    Lifecycle,
    Role,
)
from inventory.permissions import restrict_to_scope

LIVE = Asset.status != AssetStatus.removed
#: a finding nobody has confirmed or dismissed yet
PENDING_FINDING = and_(Finding.active, not_(Finding.dismissed), Finding.confirmed_at.is_(None))
#: apps still in use (not retired)
APP_IN_USE = and_(LIVE, Asset.is_app, or_(Asset.lifecycle.is_(None), Asset.lifecycle != Lifecycle.retired))
#: the items each role sees, in the order shown
ROLE_NEEDS = {
    Role.it_division: ("new_apps", "unowned_apps", "pending_findings"),
    Role.admin: ("new_apps", "unowned_apps", "pending_findings"),
    Role.clerk: ("returned", "overdue", "pending_findings"),
    Role.dept_head: ("awaiting_head", "returned", "pending_findings"),
    Role.privacy_office: ("overdue", "awaiting_office"),
}
ASSET_NEEDS = frozenset({"new_apps", "unowned_apps"})
DECLARATION_NEEDS = frozenset({"returned", "overdue", "awaiting_head", "awaiting_office"})


@dataclass(frozen=True)
class Needs:
    """The counts of one role and scope (plain values: kept across requests)."""
    counts: dict
    campaign_id: int | None = None
    #: the one declaration an item counts, when it counts exactly one (linked directly)
    single: dict | None = None


def count_needs(session, role: str, scope: set[int] | None, today: dt.date) -> Needs:
    """The counts of :data:`ROLE_NEEDS` ``[role]`` within ``scope`` (None: the whole city)."""
    wanted = ROLE_NEEDS.get(role, ())
    counts: dict[str, int] = {}
    asked = {}
    if ASSET_NEEDS & set(wanted):
        apps = restrict_to_scope(select(Asset.id).where(APP_IN_USE), scope)
        asked["new_apps"] = apps.where(Asset.lifecycle == Lifecycle.discovered)
        asked["unowned_apps"] = apps.where(Asset.owner_id.is_(None))
    if "pending_findings" in wanted:
        asked["pending_findings"] = restrict_to_scope(
            select(Finding.id).join(Asset, Asset.id == Finding.asset_id).where(LIVE, PENDING_FINDING), scope)
    if asked:                    # one statement: a count of each
        values = session.execute(select(*(
            select(func.count()).select_from(stmt.subquery()).scalar_subquery() for stmt in asked.values()))).one()
        counts.update(zip(asked, values))
    campaign_id, single = None, {}
    if DECLARATION_NEEDS & set(wanted):
        campaign_id, found = _declaration_needs(session, scope, today)
        for key in DECLARATION_NEEDS & set(wanted):
            ids = found.get(key, [])
            counts[key] = len(ids)
            if len(ids) == 1:
                single[key] = ids[0]
    return Needs({key: counts.get(key, 0) for key in wanted}, campaign_id, single)


def _declaration_needs(session, scope: set[int] | None, today: dt.date) -> tuple[int | None, dict]:
    """(the current campaign's id, need -> ids of its declarations in ``scope``), one query: the
    current campaign is the newest one not closed."""
    current = (select(DeclarationCampaign.id).where(DeclarationCampaign.closed_at.is_(None))
               .order_by(DeclarationCampaign.fiscal_year.desc()).limit(1).scalar_subquery())
    joined = Declaration.campaign_id == DeclarationCampaign.id
    if scope is not None:
        joined = and_(joined, Declaration.department_id.in_(sorted(scope) or [-1]))
    stmt = (select(DeclarationCampaign, Declaration).outerjoin(Declaration, joined)
            .where(DeclarationCampaign.id == current).order_by(Declaration.id))
    found: dict[str, list[int]] = {}
    campaign_id = None
    for campaign, declaration in session.execute(stmt):
        campaign_id = campaign.id
        if declaration is None:
            continue
        if declaration.status == DeclarationStatus.returned:
            found.setdefault("returned", []).append(declaration.id)
        if declaration.status == DeclarationStatus.submitted:
            found.setdefault("awaiting_head", []).append(declaration.id)
        if declaration.status == DeclarationStatus.reviewing:
            found.setdefault("awaiting_office", []).append(declaration.id)
        if progress_state(declaration, campaign, today) == "overdue":
            found.setdefault("overdue", []).append(declaration.id)
    return campaign_id, found
