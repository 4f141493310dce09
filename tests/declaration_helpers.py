"""Helpers of the declaration tests: adopt every scan suggestion of a campaign, as each
department's own clerk would, for tests about items (the suggestions themselves are
tested in tests/declarations/test_proposals.py)."""
from __future__ import annotations

from sqlalchemy import select

from inventory.declarations import proposals
from inventory.models import Declaration, DeclarationProposal, ProposalStatus, Role, User


def adopt_suggestions(session, campaign, unstarted: bool = True) -> int:
    """Adopt every pending suggestion of ``campaign``; ``unstarted``: the declarations stay
    未着手 (as if the items had been there from the start).  Commits; returns the count."""
    adopted = 0
    for declaration in session.execute(select(Declaration).where(Declaration.campaign_id == campaign.id)
                                       .order_by(Declaration.id)).scalars().all():
        pending = session.execute(select(DeclarationProposal).where(
            DeclarationProposal.declaration_id == declaration.id,
            DeclarationProposal.status == ProposalStatus.pending).order_by(DeclarationProposal.id)).scalars().all()
        if not pending:
            continue
        editor = session.execute(select(User).where(User.department_id == declaration.department_id,
                                                    User.role.in_([Role.clerk, Role.dept_head]))
                                 .order_by(User.role, User.id)).scalars().first()
        started = declaration.started_at
        for proposal in pending:
            proposals.adopt(session, editor, declaration, proposal)
            adopted += 1
        if unstarted:
            declaration.started_at = started
            session.add(declaration)
    session.commit()
    return adopted
