"""Scan suggestions apart from declared items; one number per item of a declaration.

``declaration_proposal`` (and its files, ``declaration_proposal_asset``) holds what
the scans suggest for a draft: a suggestion declares nothing until a person adopts
it.  ``declaration_item`` gets a unique (declaration_id, position): two people
adding an item at once no longer get the same number.

Data: duplicate numbers already stored are renumbered (in the order of number,
then id), and the suggestions a draft was prefilled with before this revision
(origin "scan", never edited, in a declaration nobody has started) become
pending suggestions with their files, one per former item.  The downgrade
drops the suggestions (the items they became on adoption stay).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 00:00:00.000000
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('declaration_proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('folder', sa.String(length=2000), nullable=False),
    sa.Column('business_name', sa.String(length=200), nullable=False),
    sa.Column('record_categories', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('sensitive', sa.Boolean(), nullable=False),
    sa.Column('subject_count', sa.Integer(), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=2000), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['declaration_id'], ['declaration.id'], name=op.f('fk_declaration_proposal_declaration_id_declaration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['declaration_item.id'], name=op.f('fk_declaration_proposal_item_id_declaration_item'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['app_user.id'], name=op.f('fk_declaration_proposal_decided_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declaration_proposal'))
    )
    op.create_index(op.f('ix_declaration_proposal_declaration_id'), 'declaration_proposal', ['declaration_id'], unique=False)
    op.create_table('declaration_proposal_asset',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['asset_id'], ['asset.id'], name=op.f('fk_declaration_proposal_asset_asset_id_asset'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['declaration_proposal.id'], name=op.f('fk_declaration_proposal_asset_proposal_id_declaration_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('proposal_id', 'asset_id', name=op.f('pk_declaration_proposal_asset'))
    )
    op.create_index(op.f('ix_declaration_proposal_asset_asset_id'), 'declaration_proposal_asset', ['asset_id'], unique=False)
    bind = op.get_bind()
    _untouched_suggestions_to_proposals(bind)
    _renumber_duplicates(bind)
    with op.batch_alter_table('declaration_item') as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_declaration_item_declaration_id_position'),
                                          ['declaration_id', 'position'])


def _untouched_suggestions_to_proposals(bind) -> None:
    rows = bind.execute(sa.text(
        "SELECT i.id, i.declaration_id, i.file_name, i.record_categories, i.sensitive, i.subject_count "
        "FROM declaration_item i JOIN declaration d ON d.id = i.declaration_id "
        "WHERE i.origin = 'scan' AND i.version = 1 AND i.carried_from_id IS NULL "
        "AND d.started_at IS NULL AND d.history_no = 0 AND d.status = 'draft' ORDER BY i.id")).all()
    proposal = sa.table('declaration_proposal', sa.column('id', sa.Integer), sa.column('declaration_id'),
                        sa.column('status'), sa.column('file_name'), sa.column('folder'),
                        sa.column('business_name'), sa.column('record_categories', sa.JSON),
                        sa.column('sensitive'), sa.column('subject_count'), sa.column('created_at'))
    if bind.dialect.name == 'postgresql':
        proposal.c.record_categories.type = postgresql.JSONB()
    for item_id, declaration_id, file_name, categories, sensitive, count in rows:
        if isinstance(categories, str):
            import json
            categories = json.loads(categories or "[]")
        folder = bind.execute(sa.text(
            "SELECT min(a.folder) FROM declaration_item_asset l JOIN asset a ON a.id = l.asset_id "
            "WHERE l.item_id = :item"), {"item": item_id}).scalar() or ""
        new_id = bind.execute(proposal.insert().values(
            declaration_id=declaration_id, status='pending', file_name=file_name, folder=folder[:2000],
            business_name='', record_categories=categories or [], sensitive=bool(sensitive),
            subject_count=count, created_at=sa.func.now()).returning(proposal.c.id)).scalar_one()
        bind.execute(sa.text(
            "INSERT INTO declaration_proposal_asset (proposal_id, asset_id) "
            "SELECT :proposal, asset_id FROM declaration_item_asset WHERE item_id = :item"),
            {"proposal": new_id, "item": item_id})
        bind.execute(sa.text("DELETE FROM declaration_item_asset WHERE item_id = :item"), {"item": item_id})
        bind.execute(sa.text("DELETE FROM declaration_item WHERE id = :item"), {"item": item_id})


def _renumber_duplicates(bind) -> None:
    """Give the items of a declaration distinct numbers, keeping their order (number, then id)."""
    duplicated = bind.execute(sa.text(
        "SELECT DISTINCT declaration_id FROM declaration_item GROUP BY declaration_id, position "
        "HAVING count(*) > 1")).scalars().all()
    for declaration_id in duplicated:
        ids = bind.execute(sa.text(
            "SELECT id FROM declaration_item WHERE declaration_id = :d ORDER BY position, id"),
            {"d": declaration_id}).scalars().all()
        for number, item_id in enumerate(ids, start=1):
            bind.execute(sa.text("UPDATE declaration_item SET position = :n WHERE id = :i"),
                         {"n": number, "i": item_id})


def downgrade() -> None:
    with op.batch_alter_table('declaration_item') as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_declaration_item_declaration_id_position'), type_='unique')
    op.drop_index(op.f('ix_declaration_proposal_asset_asset_id'), table_name='declaration_proposal_asset')
    op.drop_table('declaration_proposal_asset')
    op.drop_index(op.f('ix_declaration_proposal_declaration_id'), table_name='declaration_proposal')
    op.drop_table('declaration_proposal')
