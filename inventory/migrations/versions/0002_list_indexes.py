"""Indexes for the big lists; finding confirmations as columns.

Indexes (each checked with EXPLAIN on a million assets, PostgreSQL):
  - the asset list's sorts: one ``(sort key, id)`` btree per sort
    (inventory.web.assets.queries.SORT_COLUMNS) so a page is read off an index;
  - ``ix_asset_triage_queue``: the IT triage queue's order over its rows only
    (inventory.web.triage.queue.QUEUE_ORDER / IN_QUEUE);
  - ``ix_asset_review``: a department's review list
    (inventory.web.departments.review.review_page); ``ix_asset_review_city``
    the same list city-wide (no department first);
  - ``ix_finding_asset_open``: open (active, not dismissed) findings of an asset;
  - ``ix_asset_path_trgm`` (PostgreSQL only): pg_trgm for the path search (ILIKE '%text%').

``finding.confirmed_at`` / ``confirmed_by_id``: a clerk's confirmation was
only an AuditEvent (``finding``/``confirmed``), which every "pending" count had
to look up; the events stay as the history and fill the columns here.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 09:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

LIVE = "status <> 'removed'"
TRIAGE_WHERE = f"{LIVE} AND (is_app OR personal_present)"
REVIEW_WHERE = f"{LIVE} AND (personal_present OR risk_count > 0)"
OPEN_WHERE = "active AND NOT dismissed"
COMPLEXITY_RANK = "CASE complexity WHEN 'High' THEN 3 WHEN 'Medium' THEN 2 WHEN 'Low' THEN 1 ELSE 0 END"

#: (name, columns or SQL expressions) of the asset list's sort indexes
SORT_INDEXES = [
    ('ix_asset_sort_path', ['substr(root, 1, 200)', 'substr(path, 1, 300)', 'id']),
    ('ix_asset_sort_size', ['size', 'id']),
    ('ix_asset_sort_mtime', ['mtime', 'id']),
    ('ix_asset_sort_records', ['records', 'id']),
    ('ix_asset_sort_risk_count', ['risk_count', 'id']),
    ('ix_asset_sort_last_seen', ['last_seen_at', 'id']),
    # the path order within one department (departments own folders: see
    # inventory.web.assets.queries._path_page_by_department)
    ('ix_asset_dept_path', ['department_id', 'substr(root, 1, 200)', 'substr(path, 1, 300)', 'id']),
]


def _columns(names):
    """Plain names as they are, SQL expressions as text."""
    return [sa.text(n) if not n.isidentifier() else n for n in names]


def _where(condition: str) -> dict:
    """The same partial-index condition on both databases."""
    return {'postgresql_where': sa.text(condition), 'sqlite_where': sa.text(condition)}


def upgrade() -> None:
    # first: on SQLite the batch rebuilds the finding table (its partial index is made after)
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('confirmed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_finding_confirmed_by_id_app_user'),
                                    'app_user', ['confirmed_by_id'], ['id'])
    _fill_confirmations()
    for name, columns in SORT_INDEXES:
        op.create_index(name, 'asset', _columns(columns), unique=False)
    op.create_index('ix_asset_triage_queue', 'asset', [
        sa.text('(guideline IS NULL) DESC'), sa.text('risk_count DESC'), sa.text('sensitive DESC'),
        sa.text('my_number DESC'), sa.text(f'({COMPLEXITY_RANK}) DESC'), 'id'],
        unique=False, **_where(TRIAGE_WHERE))
    op.create_index('ix_asset_review', 'asset', [
        'department_id', sa.text('sensitive DESC'), sa.text('my_number DESC'),
        sa.text('risk_count DESC'), 'id'], unique=False, **_where(REVIEW_WHERE))
    op.create_index('ix_asset_review_city', 'asset', [
        sa.text('sensitive DESC'), sa.text('my_number DESC'), sa.text('risk_count DESC'), 'id'],
        unique=False, **_where(REVIEW_WHERE))
    op.create_index('ix_finding_asset_open', 'finding', ['asset_id'], unique=False, **_where(OPEN_WHERE))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        op.create_index('ix_asset_path_trgm', 'asset', ['path'], unique=False,
                        postgresql_using='gin', postgresql_ops={'path': 'gin_trgm_ops'})


def _fill_confirmations() -> None:
    """Confirmed findings (not dismissed since) get the time and user of their latest confirmation."""
    latest = ("SELECT {column} FROM audit_event e WHERE e.object_type = 'finding' "
              "AND e.field = 'confirmed' AND e.object_id = finding.id ORDER BY e.at DESC, e.id DESC LIMIT 1")
    op.execute(
        f"UPDATE finding SET confirmed_at = ({latest.format(column='e.at')}), "
        f"confirmed_by_id = ({latest.format(column='e.user_id')}) "
        "WHERE NOT dismissed AND EXISTS (SELECT 1 FROM audit_event e WHERE e.object_type = 'finding' "
        "AND e.field = 'confirmed' AND e.object_id = finding.id)")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_asset_path_trgm', table_name='asset')
    op.drop_index('ix_finding_asset_open', table_name='finding')
    op.drop_index('ix_asset_review_city', table_name='asset')
    op.drop_index('ix_asset_review', table_name='asset')
    op.drop_index('ix_asset_triage_queue', table_name='asset')
    for name, _columns_ in reversed(SORT_INDEXES):
        op.drop_index(name, table_name='asset')
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_finding_confirmed_by_id_app_user'), type_='foreignkey')
        batch_op.drop_column('confirmed_by_id')
        batch_op.drop_column('confirmed_at')
