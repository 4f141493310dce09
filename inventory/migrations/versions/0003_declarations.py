"""Annual personal-data holdings declarations (個人情報ファイル簿): campaigns, each department's
declaration, its items, their links to scanned assets, workflow events and accepted snapshots.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

TABLES = ("declaration_item_asset", "declaration_snapshot", "declaration_item", "declaration_event",
          "declaration", "declaration_campaign")


def upgrade() -> None:
    op.create_table('declaration_campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('reference_date', sa.Date(), nullable=False),
    sa.Column('publish_threshold', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_declaration_campaign_created_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declaration_campaign')),
    sa.UniqueConstraint('fiscal_year', name=op.f('uq_declaration_campaign_fiscal_year'))
    )
    op.create_table('declaration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('history_no', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['declaration_campaign.id'], name=op.f('fk_declaration_campaign_id_declaration_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_declaration_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declaration')),
    sa.UniqueConstraint('campaign_id', 'department_id', name=op.f('uq_declaration_campaign_id_department_id'))
    )
    op.create_index(op.f('ix_declaration_campaign_id'), 'declaration', ['campaign_id'], unique=False)
    op.create_index(op.f('ix_declaration_department_id'), 'declaration', ['department_id'], unique=False)
    op.create_index(op.f('ix_declaration_status'), 'declaration', ['status'], unique=False)
    op.create_table('declaration_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=True),
    sa.Column('comment', sa.String(length=2000), nullable=True),
    sa.ForeignKeyConstraint(['declaration_id'], ['declaration.id'], name=op.f('fk_declaration_event_declaration_id_declaration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_declaration_event_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declaration_event'))
    )
    op.create_index(op.f('ix_declaration_event_declaration_id'), 'declaration_event', ['declaration_id'], unique=False)
    op.create_table('declaration_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('carried_from_id', sa.Integer(), nullable=True),
    sa.Column('lineage_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('change', sa.String(length=20), nullable=False),
    sa.Column('abolished', sa.Boolean(), nullable=False),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('business_name', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.String(length=2000), nullable=False),
    sa.Column('record_categories', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('record_items_other', sa.String(length=2000), nullable=False),
    sa.Column('record_scope', sa.String(length=1000), nullable=False),
    sa.Column('collection_method', sa.String(length=1000), nullable=False),
    sa.Column('sensitive', sa.Boolean(), nullable=False),
    sa.Column('regular_recipients', sa.String(length=1000), nullable=False),
    sa.Column('disclosure_office', sa.String(length=500), nullable=False),
    sa.Column('special_procedures', sa.String(length=1000), nullable=False),
    sa.Column('file_type', sa.String(length=20), nullable=False),
    sa.Column('subject_count', sa.Integer(), nullable=True),
    sa.Column('exemption', sa.String(length=10), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('retention', sa.String(length=200), nullable=False),
    sa.Column('contractor', sa.String(length=500), nullable=False),
    sa.Column('location_note', sa.String(length=1000), nullable=False),
    sa.Column('remarks', sa.String(length=1000), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['carried_from_id'], ['declaration_item.id'], name=op.f('fk_declaration_item_carried_from_id_declaration_item')),
    sa.ForeignKeyConstraint(['declaration_id'], ['declaration.id'], name=op.f('fk_declaration_item_declaration_id_declaration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declaration_item'))
    )
    op.create_index(op.f('ix_declaration_item_declaration_id'), 'declaration_item', ['declaration_id'], unique=False)
    op.create_index(op.f('ix_declaration_item_lineage_id'), 'declaration_item', ['lineage_id'], unique=False)
    op.create_table('declaration_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('history_no', sa.Integer(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('items', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['app_user.id'], name=op.f('fk_declaration_snapshot_accepted_by_id_app_user')),
    sa.ForeignKeyConstraint(['declaration_id'], ['declaration.id'], name=op.f('fk_declaration_snapshot_declaration_id_declaration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declaration_snapshot')),
    sa.UniqueConstraint('declaration_id', 'history_no', name=op.f('uq_declaration_snapshot_declaration_id_history_no'))
    )
    op.create_index(op.f('ix_declaration_snapshot_declaration_id'), 'declaration_snapshot', ['declaration_id'], unique=False)
    op.create_table('declaration_item_asset',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['asset_id'], ['asset.id'], name=op.f('fk_declaration_item_asset_asset_id_asset'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['declaration_item.id'], name=op.f('fk_declaration_item_asset_item_id_declaration_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', 'asset_id', name=op.f('pk_declaration_item_asset'))
    )
    op.create_index(op.f('ix_declaration_item_asset_asset_id'), 'declaration_item_asset', ['asset_id'], unique=False)


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
