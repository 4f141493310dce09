"""Sessions the server can end, and limits on password guessing.

- ``user_session``: one row per signed-in browser.  The browser's signed
  cookie carries a random id; the table keeps only its sha256, so a copy of
  the table signs no one in.  Signing out, a password, role, department or
  active-flag change, and the idle and absolute time-outs end a session here,
  after which a copied cookie is refused.
- ``login_throttle``: failed sign-ins counted per account (the sha256 of the
  name typed) and per client address, with the time before which the next
  attempt is refused and the moment of a lock only an administrator lifts.

Both tables are new and start empty: everyone signed in before the upgrade
signs in once more (their cookies name no session).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-14 09:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('user_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('client_address', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_user_session_user_id_app_user'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
    sa.UniqueConstraint('token_sha256', name=op.f('uq_user_session_token_sha256'))
    )
    op.create_index(op.f('ix_user_session_user_id'), 'user_session', ['user_id'], unique=False)
    op.create_table('login_throttle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retry_after', sa.DateTime(timezone=True), nullable=True),
    sa.Column('locked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_throttle')),
    sa.UniqueConstraint('kind', 'key', name=op.f('uq_login_throttle_kind_key'))
    )


def downgrade() -> None:
    op.drop_table('login_throttle')
    op.drop_index(op.f('ix_user_session_user_id'), table_name='user_session')
    op.drop_table('user_session')
