"""Scheduled shares and new risks: ``share.exclusions`` / ``share.schedule``,
``finding.first_seen_run_id``.

- ``share.exclusions``: globs ``inventory scan --share NAME`` leaves out;
  ``share.schedule``: when the share is scanned, for people (cron or a systemd
  timer schedules it; docs/scheduling.md).
- ``finding.first_seen_run_id``: the run that first reported a finding, so a
  run's diff lists its new risks and alerts go out once.  Findings that exist
  when this migration runs keep NULL (not new in any later run): no backfill,
  which on a registry of millions of findings would rewrite every row.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 09:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')
OPEN_WHERE = "active AND NOT dismissed"


def _open_findings_index(create: bool) -> None:
    """SQLite rebuilds the finding table in batch mode: its partial index is dropped first, made after."""
    if op.get_bind().dialect.name != 'sqlite':
        return
    if create:
        op.create_index('ix_finding_asset_open', 'finding', ['asset_id'], unique=False,
                        sqlite_where=sa.text(OPEN_WHERE))
    else:
        op.drop_index('ix_finding_asset_open', table_name='finding')


def upgrade() -> None:
    with op.batch_alter_table('share', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exclusions', JSON_TYPE, nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('schedule', sa.String(length=200), nullable=False, server_default=''))
    _open_findings_index(create=False)
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_seen_run_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_finding_first_seen_run_id_scan_run'),
                                    'scan_run', ['first_seen_run_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_finding_first_seen_run_id'), ['first_seen_run_id'], unique=False)
    _open_findings_index(create=True)


def downgrade() -> None:
    _open_findings_index(create=False)
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finding_first_seen_run_id'))
        batch_op.drop_constraint(batch_op.f('fk_finding_first_seen_run_id_scan_run'), type_='foreignkey')
        batch_op.drop_column('first_seen_run_id')
    _open_findings_index(create=True)
    with op.batch_alter_table('share', schema=None) as batch_op:
        batch_op.drop_column('schedule')
        batch_op.drop_column('exclusions')
