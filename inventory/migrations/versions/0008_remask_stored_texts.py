"""Mask what was stored before the registry enforced masking (no schema change).

Evidence, risk details, notes and sheet names stored before revision 0008 are
run through the guard ingest now applies (:mod:`inventory.registry.remask`): link
targets lose their folder and file names, sheets named like a person get a
neutral label, anything that is not a masked shape or one of the scanner's
phrases is masked.  Changed findings get the key the next scan will give
them, so decisions made before the upgrade still match.  Nothing to undo:
the downgrade leaves the masked texts (the values are not to come back).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 20:30:00.000000
"""
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from inventory.registry.remask import remask_registry

    remask_registry(op.get_bind())


def downgrade() -> None:
    pass
