"""Less upkeep per ingested record: three foreign keys to ``scan_run`` and three
indexes that no query needs.

Dropped (measured on PostgreSQL, 50,000 records into an empty registry:
13-20% of the server's CPU on a new pass, 14-28% on an unchanged one):

- foreign keys ``asset.first_seen_run_id``, ``asset.last_seen_run_id`` and
  ``finding.first_seen_run_id`` → ``scan_run``.  Only ingest writes these
  columns, with the id of the run it is writing, in the same transaction;
  scan runs are never deleted.  Every record paid two or three trigger
  checks for a fact that cannot be false.  The columns stay (and
  ``ix_finding_first_seen_run_id``: a run's new risks are looked up by it);
- ``ix_asset_department_id``: the leading column of ``ix_asset_dept_status``,
  ``ix_asset_dept_path`` and ``ix_asset_review``, which serve every lookup by
  department;
- ``ix_asset_risk_count``: the leading column of ``ix_asset_sort_risk_count``;
- ``ix_asset_personal_present``: true for a large share of the files, so a
  filter on it alone reads the table anyway; the asset list filters by
  category (``asset_category``), the review and triage pages by their
  partial indexes.

On SQLite a foreign key goes only with a rebuild of ``asset`` (batch mode).
SQLAlchemy cannot reflect the table's expression and partial indexes, so they
are dropped before the rebuild and made again after it.  The rebuild drops
the old table: with foreign keys enforced, that would delete the findings,
categories and changes of every asset (ON DELETE CASCADE), so the migration
environment (``migrations/env.py``) turns enforcement off while migrating
SQLite and checks the keys before it commits.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 09:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

LIVE = "status <> 'removed'"
TRIAGE_WHERE = f"{LIVE} AND (is_app OR personal_present)"
REVIEW_WHERE = f"{LIVE} AND (personal_present OR risk_count > 0)"
COMPLEXITY_RANK = "CASE complexity WHEN 'High' THEN 3 WHEN 'Medium' THEN 2 WHEN 'Low' THEN 1 ELSE 0 END"
OPEN_WHERE = "active AND NOT dismissed"

#: asset's indexes SQLAlchemy cannot reflect on SQLite (expressions, DESC, WHERE): made
#: again after the rebuild; (name, columns or SQL, partial-index condition)
ASSET_UNREFLECTED = [
    ('ix_asset_sort_path', ['substr(root, 1, 200)', 'substr(path, 1, 300)', 'id'], None),
    ('ix_asset_dept_path', ['department_id', 'substr(root, 1, 200)', 'substr(path, 1, 300)', 'id'], None),
    ('ix_asset_triage_queue', ['(guideline IS NULL) DESC', 'risk_count DESC', 'sensitive DESC',
                               'my_number DESC', f'({COMPLEXITY_RANK}) DESC', 'id'], TRIAGE_WHERE),
    ('ix_asset_review', ['department_id', 'sensitive DESC', 'my_number DESC', 'risk_count DESC', 'id'],
     REVIEW_WHERE),
    ('ix_asset_review_city', ['sensitive DESC', 'my_number DESC', 'risk_count DESC', 'id'], REVIEW_WHERE),
]
#: (constraint, table, column) of the foreign keys to scan_run this revision drops
RUN_KEYS = [
    ('fk_asset_first_seen_run_id_scan_run', 'asset', 'first_seen_run_id'),
    ('fk_asset_last_seen_run_id_scan_run', 'asset', 'last_seen_run_id'),
    ('fk_finding_first_seen_run_id_scan_run', 'finding', 'first_seen_run_id'),
]
#: (index, column) of the single-column asset indexes this revision drops
SPARE_INDEXES = [
    ('ix_asset_department_id', 'department_id'),
    ('ix_asset_risk_count', 'risk_count'),
    ('ix_asset_personal_present', 'personal_present'),
]


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def _columns(names):
    return [sa.text(n) if not n.isidentifier() else n for n in names]


def _unreflected(create: bool) -> None:
    """SQLite: drop (before a rebuild of ``asset``) or make again (after) the indexes it loses."""
    if not _sqlite():
        return
    for name, columns, where in ASSET_UNREFLECTED:
        if create:
            conditions = {'sqlite_where': sa.text(where)} if where else {}
            op.create_index(name, 'asset', _columns(columns), unique=False, **conditions)
        else:
            op.drop_index(name, table_name='asset')


def _open_findings_index(create: bool) -> None:
    """SQLite rebuilds ``finding`` too: its partial index is dropped first, made after."""
    if not _sqlite():
        return
    if create:
        op.create_index('ix_finding_asset_open', 'finding', ['asset_id'], unique=False,
                        sqlite_where=sa.text(OPEN_WHERE))
    else:
        op.drop_index('ix_finding_asset_open', table_name='finding')


def upgrade() -> None:
    _unreflected(create=False)
    _open_findings_index(create=False)
    with op.batch_alter_table('asset', schema=None) as batch_op:
        for name, _column in SPARE_INDEXES:
            batch_op.drop_index(name)
        for name, table, _column in RUN_KEYS:
            if table == 'asset':
                batch_op.drop_constraint(name, type_='foreignkey')
    with op.batch_alter_table('finding', schema=None) as batch_op:
        for name, table, _column in RUN_KEYS:
            if table == 'finding':
                batch_op.drop_constraint(name, type_='foreignkey')
    _open_findings_index(create=True)
    _unreflected(create=True)


def downgrade() -> None:
    _unreflected(create=False)
    _open_findings_index(create=False)
    with op.batch_alter_table('finding', schema=None) as batch_op:
        for name, table, column in RUN_KEYS:
            if table == 'finding':
                batch_op.create_foreign_key(name, 'scan_run', [column], ['id'])
    with op.batch_alter_table('asset', schema=None) as batch_op:
        for name, table, column in RUN_KEYS:
            if table == 'asset':
                batch_op.create_foreign_key(name, 'scan_run', [column], ['id'])
        for name, column in SPARE_INDEXES:
            batch_op.create_index(name, [column], unique=False)
    _open_findings_index(create=True)
    _unreflected(create=True)
