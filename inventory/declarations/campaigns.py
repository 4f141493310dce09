"""A campaign's side of the declarations (個人情報ファイル簿): which departments a campaign
calls, what each new draft starts with, and the progress the privacy office follows.

:func:`prefill` fills a new draft: last year's accepted items carried forward (継続, with
their links to assets still live), then the scans' suggestions (:class:`DeclarationProposal`):
one per dataset of the department's personal-data files that no carried item links,
pending until a person adopts (an item) or rejects it (:mod:`inventory.declarations.proposals`).  :func:`progress_state` is a
declaration's 未着手 / 作成中 / 所属長決裁待ち / 審査中 / 受理 / 期限超過.  Opening a campaign
(:func:`~inventory.declarations.workflow.open_campaign`) and every change of a declaration
after it are :mod:`inventory.declarations.workflow`'s.  Nothing here commits.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select

from inventory.declarations.fields import FIELDS, published_flag
from inventory.declarations.suggestions import suggestions
from inventory.models import (
    Asset,
    AssetStatus,
    Declaration,
    DeclarationCampaign,
    DeclarationItem,
    DeclarationItemAsset,
    DeclarationProposal,
    DeclarationProposalAsset,
    DeclarationSnapshot,
    DeclarationStatus,
    Department,
    ItemChange,
    ProposalStatus,
)

S = DeclarationStatus


# --- campaigns -------------------------------------------------------------------------------

def current_departments(session, on: dt.date) -> list[Department]:
    """Departments that exist on ``on`` (valid_from <= on <= valid_to), by code."""
    stmt = (select(Department).where(Department.valid_from <= on,
                                     or_(Department.valid_to.is_(None), Department.valid_to >= on))
            .order_by(Department.code, Department.id))
    return list(session.execute(stmt).scalars())


def previous_campaign(session, campaign: DeclarationCampaign) -> DeclarationCampaign | None:
    stmt = (select(DeclarationCampaign).where(DeclarationCampaign.fiscal_year < campaign.fiscal_year)
            .order_by(DeclarationCampaign.fiscal_year.desc()).limit(1))
    return session.execute(stmt).scalars().first()


# --- prefill ---------------------------------------------------------------------------------

def predecessor_ids(session, department: Department) -> set[int]:
    """Departments whose holdings ``department`` inherits: itself, those a reorganisation
    merged or renamed into it (``successor_id``), and earlier periods of its code."""
    stmt = select(Department.id).where(or_(
        Department.id == department.id, Department.successor_id == department.id,
        Department.code == department.code))
    return set(session.execute(stmt).scalars())


def latest_accepted_items(session, declaration_id: int) -> list[dict]:
    """The items of a declaration's latest accepted version (its newest snapshot), or []."""
    stmt = (select(DeclarationSnapshot.items).where(DeclarationSnapshot.declaration_id == declaration_id)
            .order_by(DeclarationSnapshot.history_no.desc()).limit(1))
    return session.execute(stmt).scalars().first() or []


def prefill(session, campaign: DeclarationCampaign, declaration: Declaration, department: Department,
            previous: DeclarationCampaign | None) -> None:
    """Fill a new declaration: last year's accepted items carried forward (継続, links to assets
    still live: the department declared them), then the scans' suggestions for the files no
    carried item links (:func:`add_suggestions`), kept apart until a person adopts them."""
    position = 0
    linked: set[int] = set()
    if previous is not None:
        sources = predecessor_ids(session, department)
        old = session.execute(select(Declaration.id).where(
            Declaration.campaign_id == previous.id, Declaration.department_id.in_(sorted(sources)))
            .order_by(Declaration.id)).scalars().all()
        for old_id in old:
            for frozen in latest_accepted_items(session, old_id):
                if frozen.get("abolished"):
                    continue
                position += 1
                item = _carried_item(frozen, declaration, position, campaign)
                session.add(item)
                session.flush()
                live = _live_assets(session, frozen.get("asset_ids") or [])
                _link(session, item.id, live)
                linked.update(live)
    add_suggestions(session, declaration, department, linked)


def add_suggestions(session, declaration: Declaration, department: Department,
                    linked: set[int]) -> list[DeclarationProposal]:
    """One pending suggestion per dataset of the department's files that ``linked`` does not
    hold (:mod:`inventory.declarations.suggestions`): a suggestion declares nothing."""
    made = []
    for found in suggestions(session, department.id, linked):
        proposal = DeclarationProposal(
            declaration_id=declaration.id, status=ProposalStatus.pending, file_name=found.file_name,
            folder=found.folder[:2000], business_name=(found.business or "")[:200],
            record_categories=list(found.categories), sensitive=found.sensitive,
            subject_count=found.records or None)
        session.add(proposal)
        session.flush()
        for asset_id in dict.fromkeys(found.asset_ids):
            session.add(DeclarationProposalAsset(proposal_id=proposal.id, asset_id=asset_id))
        made.append(proposal)
    session.flush()
    return made


def _carried_item(frozen: dict, declaration: Declaration, position: int,
                  campaign: DeclarationCampaign) -> DeclarationItem:
    values = {f.name: frozen.get(f.name) for f in FIELDS if f.name in frozen}
    item = DeclarationItem(declaration_id=declaration.id, position=position, origin="carried",
                           change=ItemChange.continued, carried_from_id=frozen.get("id"),
                           lineage_id=frozen.get("lineage_id") or frozen.get("id"), **values)
    item.published = published_flag(item.subject_count, item.exemption or "", campaign.publish_threshold)
    return item


def _live_assets(session, asset_ids: list[int]) -> list[int]:
    if not asset_ids:
        return []
    stmt = select(Asset.id).where(Asset.id.in_(asset_ids), Asset.status != AssetStatus.removed)
    return list(session.execute(stmt).scalars())


def _link(session, item_id: int, asset_ids) -> None:
    for asset_id in dict.fromkeys(asset_ids):
        session.add(DeclarationItemAsset(item_id=item_id, asset_id=asset_id))
    session.flush()


# --- progress --------------------------------------------------------------------------------

#: the privacy office's progress states, in display order
PROGRESS_STATES = ("not_started", "drafting", "awaiting_head", "reviewing", "accepted", "overdue")
PROGRESS_LABELS = {"not_started": "未着手", "drafting": "作成中", "awaiting_head": "所属長決裁待ち",
                   "reviewing": "審査中", "accepted": "受理", "overdue": "期限超過"}


def progress_state(declaration: Declaration, campaign: DeclarationCampaign, today: dt.date) -> str:
    """未着手 / 作成中 / 所属長決裁待ち / 審査中 / 受理, or 期限超過 when the due date has passed and
    the declaration has not reached the privacy office (a head's pending approval counts as
    the department's delay)."""
    status = declaration.status
    if status == S.accepted and declaration.history_no > 0:
        return "accepted"
    if status == S.reviewing:
        return "reviewing"
    if today > campaign.due_on:
        return "overdue"
    if status == S.submitted:
        return "awaiting_head"
    if declaration.started_at is None and declaration.history_no == 0:
        return "not_started"
    return "drafting"


def campaign_progress(session, campaign: DeclarationCampaign, today: dt.date,
                      scope: set[int] | None = None) -> list[tuple[Declaration, Department, str]]:
    """(declaration, department, progress state) for each declaration of the campaign in scope."""
    stmt = (select(Declaration, Department).join(Department, Department.id == Declaration.department_id)
            .where(Declaration.campaign_id == campaign.id).order_by(Department.code, Department.id))
    if scope is not None:
        stmt = stmt.where(Declaration.department_id.in_(sorted(scope) or [-1]))
    return [(d, dept, progress_state(d, campaign, today)) for d, dept in session.execute(stmt)]


def declared_counts(session, campaign: DeclarationCampaign) -> dict[int, tuple[int, int]]:
    """Declaration id -> (items declared: adopted, hand-made, imported or carried, not abolished;
    scan suggestions waiting for a decision).  Suggestions declare nothing.  Two queries."""
    from sqlalchemy import func

    items = dict(session.execute(
        select(DeclarationItem.declaration_id, func.count())
        .join(Declaration, Declaration.id == DeclarationItem.declaration_id)
        .where(Declaration.campaign_id == campaign.id, DeclarationItem.abolished.is_(False))
        .group_by(DeclarationItem.declaration_id)).all())
    pending = dict(session.execute(
        select(DeclarationProposal.declaration_id, func.count())
        .join(Declaration, Declaration.id == DeclarationProposal.declaration_id)
        .where(Declaration.campaign_id == campaign.id, DeclarationProposal.status == ProposalStatus.pending)
        .group_by(DeclarationProposal.declaration_id)).all())
    return {d: (items.get(d, 0), pending.get(d, 0)) for d in set(items) | set(pending)}
