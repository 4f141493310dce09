"""API tokens expire and can be rotated: ``api_token.valid_days``, ``expires_at``, ``rotated_at``.

- ``valid_days``: the length of a token's period, chosen when it is made
  (365 for existing tokens); a rotation starts a new period of this length.
- ``expires_at``: the API refuses a token after it (401).  New tokens get a
  year unless their creator chooses otherwise.  Tokens that exist when this
  migration runs get a year from now (one UPDATE with the time computed
  here, the same on SQLite and PostgreSQL), so no scanner stops overnight;
  then the column becomes NOT NULL.
- ``rotated_at``: when the token's secret was last replaced (its sha256 is
  the one in ``token_sha256``: the old secret no longer matches).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-14 09:00:00.000000
"""
import datetime as dt

from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

#: the validity existing tokens are given, from the time of the upgrade
EXISTING_TOKENS_DAYS = 365


def upgrade() -> None:
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('valid_days', sa.Integer(), nullable=False,
                                      server_default=sa.text('365')))
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('rotated_at', sa.DateTime(timezone=True), nullable=True))
    expiry = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=EXISTING_TOKENS_DAYS)
    token = sa.table('api_token', sa.column('expires_at', sa.DateTime(timezone=True)))
    op.execute(token.update().values(expires_at=expiry))
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.alter_column('expires_at', existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('rotated_at')
        batch_op.drop_column('expires_at')
        batch_op.drop_column('valid_days')
