"""First registry tables: every table of inventory.models.

Department and app_user refer to each other: department.head_id gets its
foreign key once app_user exists (batch mode rebuilds the table on SQLite).

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 06:35:04.321446
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
from sqlalchemy.dialects import postgresql

# JSONB on PostgreSQL, JSON text on SQLite (inventory.models.JSONType)
JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('department',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('head_id', sa.Integer(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('successor_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['department.id'], name=op.f('fk_department_parent_id_department')),
    sa.ForeignKeyConstraint(['successor_id'], ['department.id'], name=op.f('fk_department_successor_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department')),
    sa.UniqueConstraint('code', 'valid_from', name=op.f('uq_department_code_valid_from'))
    )
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_department_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_department_parent_id'), ['parent_id'], unique=False)

    op.create_table('share',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('root', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share')),
    sa.UniqueConstraint('name', name=op.f('uq_share_name')),
    sa.UniqueConstraint('root', name=op.f('uq_share_root'))
    )
    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_app_user_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('username', name=op.f('uq_app_user_username'))
    )
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_app_user_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_app_user_role'), ['role'], unique=False)
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_department_head_id_app_user'), 'app_user', ['head_id'], ['id'])

    op.create_table('share_mapping',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('share_id', sa.Integer(), nullable=False),
    sa.Column('prefix', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_share_mapping_department_id_department')),
    sa.ForeignKeyConstraint(['share_id'], ['share.id'], name=op.f('fk_share_mapping_share_id_share'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_mapping')),
    sa.UniqueConstraint('share_id', 'prefix', name=op.f('uq_share_mapping_share_id_prefix'))
    )
    with op.batch_alter_table('share_mapping', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_mapping_share_id'), ['share_id'], unique=False)

    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('token_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('share_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_api_token_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['share_id'], ['share.id'], name=op.f('fk_api_token_share_id_share')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_sha256', name=op.f('uq_api_token_token_sha256'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_share_id'), ['share_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('object_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('before', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True),
    sa.Column('after', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_audit_event_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_event_object', ['object_type', 'object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_user_id'), ['user_id'], unique=False)

    op.create_table('scan_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('share_id', sa.Integer(), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('roots', JSON_TYPE, nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('records', sa.Integer(), nullable=False),
    sa.Column('new', sa.Integer(), nullable=False),
    sa.Column('changed', sa.Integer(), nullable=False),
    sa.Column('moved', sa.Integer(), nullable=False),
    sa.Column('removed', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('errors', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('copies', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['share_id'], ['share.id'], name=op.f('fk_scan_run_share_id_share')),
    sa.ForeignKeyConstraint(['started_by_id'], ['app_user.id'], name=op.f('fk_scan_run_started_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scan_run'))
    )
    with op.batch_alter_table('scan_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scan_run_share_id'), ['share_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scan_run_started_at'), ['started_at'], unique=False)

    op.create_table('asset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('share_id', sa.Integer(), nullable=True),
    sa.Column('root', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('path', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('path_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('folder', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=True),
    sa.Column('mtime', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('notes', JSON_TYPE, nullable=False),
    sa.Column('facts_digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('personal_present', sa.Boolean(), nullable=False),
    sa.Column('categories', JSON_TYPE, nullable=False),
    sa.Column('sensitive', sa.Boolean(), nullable=False),
    sa.Column('my_number', sa.Boolean(), nullable=False),
    sa.Column('records', sa.Integer(), nullable=False),
    sa.Column('is_app', sa.Boolean(), nullable=False),
    sa.Column('app_kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('modules', sa.Integer(), nullable=False),
    sa.Column('forms', sa.Integer(), nullable=False),
    sa.Column('reports', sa.Integer(), nullable=False),
    sa.Column('queries', sa.Integer(), nullable=False),
    sa.Column('macros', sa.Integer(), nullable=False),
    sa.Column('procedures', sa.Integer(), nullable=False),
    sa.Column('code_lines', sa.Integer(), nullable=False),
    sa.Column('formulas', sa.Integer(), nullable=False),
    sa.Column('external_links', sa.Integer(), nullable=False),
    sa.Column('connections', sa.Integer(), nullable=False),
    sa.Column('auto_exec', sa.Boolean(), nullable=False),
    sa.Column('vba', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('complexity', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('risk_count', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('department_manual', sa.Boolean(), nullable=False),
    sa.Column('copy_of_id', sa.Integer(), nullable=True),
    sa.Column('first_seen_run_id', sa.Integer(), nullable=True),
    sa.Column('last_seen_run_id', sa.Integer(), nullable=True),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('business_process', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('guideline', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('lifecycle', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('deputy_id', sa.Integer(), nullable=True),
    sa.Column('has_specification', sa.Boolean(), nullable=False),
    sa.Column('has_manual', sa.Boolean(), nullable=False),
    sa.Column('next_review', sa.Date(), nullable=True),
    sa.Column('triage_note', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.ForeignKeyConstraint(['copy_of_id'], ['asset.id'], name=op.f('fk_asset_copy_of_id_asset')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_asset_department_id_department')),
    sa.ForeignKeyConstraint(['deputy_id'], ['app_user.id'], name=op.f('fk_asset_deputy_id_app_user')),
    sa.ForeignKeyConstraint(['first_seen_run_id'], ['scan_run.id'], name=op.f('fk_asset_first_seen_run_id_scan_run')),
    sa.ForeignKeyConstraint(['last_seen_run_id'], ['scan_run.id'], name=op.f('fk_asset_last_seen_run_id_scan_run')),
    sa.ForeignKeyConstraint(['owner_id'], ['app_user.id'], name=op.f('fk_asset_owner_id_app_user')),
    sa.ForeignKeyConstraint(['share_id'], ['share.id'], name=op.f('fk_asset_share_id_share')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_asset')),
    sa.UniqueConstraint('path_key', name=op.f('uq_asset_path_key'))
    )
    with op.batch_alter_table('asset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_asset_complexity'), ['complexity'], unique=False)
        batch_op.create_index(batch_op.f('ix_asset_copy_of_id'), ['copy_of_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_asset_department_id'), ['department_id'], unique=False)
        batch_op.create_index('ix_asset_dept_status', ['department_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_asset_deputy_id'), ['deputy_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_asset_guideline'), ['guideline'], unique=False)
        batch_op.create_index(batch_op.f('ix_asset_is_app'), ['is_app'], unique=False)
        batch_op.create_index(batch_op.f('ix_asset_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_asset_lifecycle'), ['lifecycle'], unique=False)
        batch_op.create_index(batch_op.f('ix_asset_my_number'), ['my_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_asset_next_review'), ['next_review'], unique=False)
        batch_op.create_index(batch_op.f('ix_asset_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_asset_personal_present'), ['personal_present'], unique=False)
        batch_op.create_index(batch_op.f('ix_asset_risk_count'), ['risk_count'], unique=False)
        batch_op.create_index(batch_op.f('ix_asset_root'), ['root'], unique=False)
        batch_op.create_index(batch_op.f('ix_asset_sensitive'), ['sensitive'], unique=False)
        batch_op.create_index(batch_op.f('ix_asset_sha256'), ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_asset_share_id'), ['share_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_asset_status'), ['status'], unique=False)

    op.create_table('pending_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('record', JSON_TYPE, nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['scan_run.id'], name=op.f('fk_pending_record_run_id_scan_run'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_record'))
    )
    with op.batch_alter_table('pending_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_record_run_id'), ['run_id'], unique=False)

    op.create_table('asset_category',
    sa.Column('asset_id', sa.Integer(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.ForeignKeyConstraint(['asset_id'], ['asset.id'], name=op.f('fk_asset_category_asset_id_asset'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('asset_id', 'category', name=op.f('pk_asset_category'))
    )
    with op.batch_alter_table('asset_category', schema=None) as batch_op:
        batch_op.create_index('ix_asset_category_category', ['category', 'asset_id'], unique=False)

    op.create_table('asset_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=False),
    sa.Column('change', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('old_path', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('old_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.ForeignKeyConstraint(['asset_id'], ['asset.id'], name=op.f('fk_asset_change_asset_id_asset'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['scan_run.id'], name=op.f('fk_asset_change_run_id_scan_run'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_asset_change'))
    )
    with op.batch_alter_table('asset_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_asset_change_asset_id'), ['asset_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_asset_change_run_id'), ['run_id'], unique=False)

    op.create_table('asset_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.ForeignKeyConstraint(['asset_id'], ['asset.id'], name=op.f('fk_asset_comment_asset_id_asset'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_asset_comment_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_asset_comment'))
    )
    with op.batch_alter_table('asset_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_asset_comment_asset_id'), ['asset_id'], unique=False)

    op.create_table('finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sheet', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('column', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('header', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('evidence', JSON_TYPE, nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('dismissed', sa.Boolean(), nullable=False),
    sa.Column('dismissed_reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('dismissed_by_id', sa.Integer(), nullable=True),
    sa.Column('dismissed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['asset_id'], ['asset.id'], name=op.f('fk_finding_asset_id_asset'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['dismissed_by_id'], ['app_user.id'], name=op.f('fk_finding_dismissed_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finding')),
    sa.UniqueConstraint('asset_id', 'key', name=op.f('uq_finding_asset_id_key'))
    )
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.create_index('ix_finding_category', ['category', 'asset_id'], unique=False)
        batch_op.create_index('ix_finding_code', ['code', 'asset_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_department_head_id_app_user'), type_='foreignkey')
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.drop_index('ix_finding_code')
        batch_op.drop_index('ix_finding_category')

    op.drop_table('finding')
    with op.batch_alter_table('asset_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_asset_comment_asset_id'))

    op.drop_table('asset_comment')
    with op.batch_alter_table('asset_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_asset_change_run_id'))
        batch_op.drop_index(batch_op.f('ix_asset_change_asset_id'))

    op.drop_table('asset_change')
    with op.batch_alter_table('asset_category', schema=None) as batch_op:
        batch_op.drop_index('ix_asset_category_category')

    op.drop_table('asset_category')
    with op.batch_alter_table('pending_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_record_run_id'))

    op.drop_table('pending_record')
    with op.batch_alter_table('asset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_asset_status'))
        batch_op.drop_index(batch_op.f('ix_asset_share_id'))
        batch_op.drop_index(batch_op.f('ix_asset_sha256'))
        batch_op.drop_index(batch_op.f('ix_asset_sensitive'))
        batch_op.drop_index(batch_op.f('ix_asset_risk_count'))
        batch_op.drop_index(batch_op.f('ix_asset_root'))
        batch_op.drop_index(batch_op.f('ix_asset_personal_present'))
        batch_op.drop_index(batch_op.f('ix_asset_owner_id'))
        batch_op.drop_index(batch_op.f('ix_asset_next_review'))
        batch_op.drop_index(batch_op.f('ix_asset_my_number'))
        batch_op.drop_index(batch_op.f('ix_asset_lifecycle'))
        batch_op.drop_index(batch_op.f('ix_asset_kind'))
        batch_op.drop_index(batch_op.f('ix_asset_is_app'))
        batch_op.drop_index(batch_op.f('ix_asset_guideline'))
        batch_op.drop_index(batch_op.f('ix_asset_deputy_id'))
        batch_op.drop_index('ix_asset_dept_status')
        batch_op.drop_index(batch_op.f('ix_asset_department_id'))
        batch_op.drop_index(batch_op.f('ix_asset_copy_of_id'))
        batch_op.drop_index(batch_op.f('ix_asset_complexity'))

    op.drop_table('asset')
    with op.batch_alter_table('scan_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scan_run_started_at'))
        batch_op.drop_index(batch_op.f('ix_scan_run_share_id'))

    op.drop_table('scan_run')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_user_id'))
        batch_op.drop_index('ix_audit_event_object')
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))

    op.drop_table('audit_event')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_share_id'))

    op.drop_table('api_token')
    with op.batch_alter_table('share_mapping', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_mapping_share_id'))

    op.drop_table('share_mapping')
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_app_user_role'))
        batch_op.drop_index(batch_op.f('ix_app_user_department_id'))

    op.drop_table('app_user')
    op.drop_table('share')
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_department_parent_id'))
        batch_op.drop_index(batch_op.f('ix_department_code'))

    op.drop_table('department')
