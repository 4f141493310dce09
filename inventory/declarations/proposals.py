"""The scans' suggestions on a draft (:class:`~inventory.models.DeclarationProposal`):
adopt one (it becomes an ordinary item, 新規, linked to its files) or reject it with a
reason (kept, audited; undone by :func:`restore`).  A suggestion declares nothing: only
items count in the reconciliation and the progress.  Deleting an item that was adopted
puts its suggestion back to pending (:func:`~inventory.declarations.editing.delete_item`).

Who may act is the item editors' rule (the department's clerks and head, while the
declaration is a draft or returned).  Two people acting on one suggestion at once: the
first wins, the second gets :class:`~inventory.declarations.workflow.StaleError`.
Nothing here commits.
"""
from __future__ import annotations

from sqlalchemy import select, update

from inventory.declarations import editing
from inventory.declarations.fields import published_flag
from inventory.declarations.workflow import DeclarationError, StaleError
from inventory.models import (
    Asset,
    AssetStatus,
    Declaration,
    DeclarationCampaign,
    DeclarationItem,
    DeclarationItemAsset,
    DeclarationProposal,
    DeclarationProposalAsset,
    Department,
    FileType,
    ProposalStatus,
    User,
    record_change,
    utcnow,
)

P = ProposalStatus
REASON_MAX = 2000


def proposals_of(session, declaration_id: int) -> list[DeclarationProposal]:
    """Every suggestion of a declaration: pending first, then adopted and rejected, by name."""
    order = {P.pending: 0, P.rejected: 1, P.adopted: 2}
    found = list(session.execute(select(DeclarationProposal)
                                 .where(DeclarationProposal.declaration_id == declaration_id)
                                 .order_by(DeclarationProposal.id)).scalars())
    return sorted(found, key=lambda p: (order.get(p.status, 3), p.folder, p.file_name, p.id))


def proposal_assets(session, proposal_ids: list[int]) -> dict[int, list[Asset]]:
    """Proposal id -> its files (folder, name order), one query."""
    if not proposal_ids:
        return {}
    rows = session.execute(select(DeclarationProposalAsset.proposal_id, Asset)
                           .join(Asset, Asset.id == DeclarationProposalAsset.asset_id)
                           .where(DeclarationProposalAsset.proposal_id.in_(proposal_ids))
                           .order_by(Asset.folder, Asset.name, Asset.id))
    found: dict[int, list[Asset]] = {}
    for proposal_id, asset in rows:
        found.setdefault(proposal_id, []).append(asset)
    return found


def _claim(session, proposal: DeclarationProposal, source: str, values: dict) -> None:
    """Move the suggestion from ``source`` atomically (one UPDATE ... WHERE status = source)."""
    result = session.execute(update(DeclarationProposal)
                             .where(DeclarationProposal.id == proposal.id, DeclarationProposal.status == source)
                             .values(**values))
    if result.rowcount != 1:
        session.rollback()
        raise StaleError("proposal")
    session.refresh(proposal)


def _check(session, user: User, declaration: Declaration, proposal: DeclarationProposal) -> None:
    if proposal.declaration_id != declaration.id:
        raise DeclarationError("not_found", "the suggestion is not part of this declaration")
    editing._require_editable(session, user, declaration)


def adopt(session, user: User, declaration: Declaration, proposal: DeclarationProposal):
    """Make the suggestion an item of the declaration (新規, origin "scan"), linked to its live
    files.  The item holds what the scans know (name, organisation, business, categories,
    要配慮, the largest record count as 本人の数); the person completes the rest before
    submitting.  Returns the item."""
    _check(session, user, declaration, proposal)
    _claim(session, proposal, P.pending, {"status": P.adopted, "decided_by_id": user.id,
                                          "decided_at": utcnow()})
    campaign = session.get(DeclarationCampaign, declaration.campaign_id)
    department = session.get(Department, declaration.department_id)
    values = {"file_name": proposal.file_name[:200], "organisation": (department.name if department else "")[:200],
              "business_name": proposal.business_name or "", "record_categories": list(proposal.record_categories or []),
              "sensitive": bool(proposal.sensitive), "subject_count": proposal.subject_count,
              "file_type": FileType.electronic, "exemption": ""}
    values["published"] = published_flag(values["subject_count"], "", campaign.publish_threshold)
    item = editing._new_item(session, declaration, values, origin="scan")
    live = session.execute(select(DeclarationProposalAsset.asset_id)
                           .join(Asset, Asset.id == DeclarationProposalAsset.asset_id)
                           .where(DeclarationProposalAsset.proposal_id == proposal.id,
                                  Asset.status != AssetStatus.removed)).scalars().all()
    for asset_id in dict.fromkeys(live):
        session.add(DeclarationItemAsset(item_id=item.id, asset_id=asset_id))
    proposal.item_id = item.id
    session.add(proposal)
    session.flush()
    record_change(session, user, proposal, "status", P.pending, P.adopted)
    record_change(session, user, item, "adopted", None, proposal.file_name)
    editing.touch(session, user, declaration)
    return item


def reject(session, user: User, declaration: Declaration, proposal: DeclarationProposal, reason: str) -> None:
    """Reject the suggestion: ``reason`` is required and kept with it (and in the audit)."""
    _check(session, user, declaration, proposal)
    reason = (reason or "").strip()
    if not reason:
        raise DeclarationError("reason_required", "a rejection needs a reason")
    if len(reason) > REASON_MAX:
        raise DeclarationError("reason_too_long", "the reason is too long")
    _claim(session, proposal, P.pending, {"status": P.rejected, "reason": reason, "decided_by_id": user.id,
                                          "decided_at": utcnow()})
    record_change(session, user, proposal, "status", P.pending, P.rejected)
    record_change(session, user, proposal, "reason", None, reason)
    editing.touch(session, user, declaration)


def restore(session, user: User, declaration: Declaration, proposal: DeclarationProposal) -> None:
    """Undo a rejection: the suggestion is pending again (the reason stays in the audit)."""
    _check(session, user, declaration, proposal)
    before = proposal.reason
    _claim(session, proposal, P.rejected, {"status": P.pending, "reason": None, "decided_by_id": None,
                                           "decided_at": None})
    record_change(session, user, proposal, "status", P.rejected, P.pending)
    record_change(session, user, proposal, "reason", before, None)
    editing.touch(session, user, declaration)


def refresh(session, user: User, declaration: Declaration) -> int:
    """Suggest the department's files scanned since the draft was opened: those no item links
    and no suggestion (pending, adopted or rejected) holds, grouped as at the opening.
    Returns the number of new suggestions."""
    from inventory.declarations.campaigns import add_suggestions

    editing._require_editable(session, user, declaration)
    taken = set(session.execute(select(DeclarationItemAsset.asset_id)
                                .join(DeclarationItem, DeclarationItem.id == DeclarationItemAsset.item_id)
                                .where(DeclarationItem.declaration_id == declaration.id,
                                       DeclarationItem.abolished.is_(False))).scalars())
    taken |= set(session.execute(select(DeclarationProposalAsset.asset_id)
                                 .join(DeclarationProposal, DeclarationProposal.id == DeclarationProposalAsset.proposal_id)
                                 .where(DeclarationProposal.declaration_id == declaration.id)).scalars())
    made = add_suggestions(session, declaration, session.get(Department, declaration.department_id), taken)
    if made:
        editing.touch(session, user, declaration)
    return len(made)


def pending_counts(session, declaration_ids: list[int]) -> dict[int, int]:
    """Declaration id -> its pending suggestions (one query)."""
    from sqlalchemy import func
    if not declaration_ids:
        return {}
    return dict(session.execute(
        select(DeclarationProposal.declaration_id, func.count())
        .where(DeclarationProposal.declaration_id.in_(declaration_ids), DeclarationProposal.status == P.pending)
        .group_by(DeclarationProposal.declaration_id)).all())
