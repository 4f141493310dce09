"""The staff directory: owners and deputies of apps are people, not accounts.

New table ``person`` (職員: 職員番号, 氏名, カナ, 所属, 役職, メール, active, source);
``app_user.person_id`` links an account to its person (unique);
``asset.owner_id`` and ``asset.deputy_id`` now refer to ``person`` instead of
``app_user``.

Data: every user an asset names as owner or deputy, or that the history of
those fields names, gets a person (氏名 = the display name, else the user
name; the user's department, e-mail and active flag; ``source`` "account",
no staff number yet: the first staff import adopts it by name, or an
administrator fills it in) and is linked to it.  The owner and deputy
columns and the before/after values of their audit events are rewritten
from user ids to person ids, so the history keeps naming the same people.
The downgrade maps people back to their linked accounts; an owner who is
a person without an account becomes empty.

On SQLite a foreign key changes only with a rebuild of ``asset`` (batch
mode); its expression and partial indexes, which SQLAlchemy cannot reflect,
are dropped before and made again after (as in 0005).

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-07 23:50:00.000000
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

LIVE = "status <> 'removed'"
TRIAGE_WHERE = f"{LIVE} AND (is_app OR personal_present)"
REVIEW_WHERE = f"{LIVE} AND (personal_present OR risk_count > 0)"
COMPLEXITY_RANK = "CASE complexity WHEN 'High' THEN 3 WHEN 'Medium' THEN 2 WHEN 'Low' THEN 1 ELSE 0 END"
#: asset's indexes SQLAlchemy cannot reflect on SQLite: made again after a rebuild (as 0005)
ASSET_UNREFLECTED = [
    ('ix_asset_sort_path', ['substr(root, 1, 200)', 'substr(path, 1, 300)', 'id'], None),
    ('ix_asset_dept_path', ['department_id', 'substr(root, 1, 200)', 'substr(path, 1, 300)', 'id'], None),
    ('ix_asset_triage_queue', ['(guideline IS NULL) DESC', 'risk_count DESC', 'sensitive DESC',
                               'my_number DESC', f'({COMPLEXITY_RANK}) DESC', 'id'], TRIAGE_WHERE),
    ('ix_asset_review', ['department_id', 'sensitive DESC', 'my_number DESC', 'risk_count DESC', 'id'],
     REVIEW_WHERE),
    ('ix_asset_review_city', ['sensitive DESC', 'my_number DESC', 'risk_count DESC', 'id'], REVIEW_WHERE),
]
PEOPLE_FIELDS = ('owner_id', 'deputy_id')


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def _unreflected(create: bool) -> None:
    if not _sqlite():
        return
    for name, columns, where in ASSET_UNREFLECTED:
        if create:
            conditions = {'sqlite_where': sa.text(where)} if where else {}
            op.create_index(name, 'asset', [sa.text(c) if not c.isidentifier() else c for c in columns],
                            unique=False, **conditions)
        else:
            op.drop_index(name, table_name='asset')


def _owner_keys(target: str | None) -> None:
    """Drop the owner/deputy foreign keys (``target`` None) or make them point at ``target``."""
    _unreflected(create=False)
    with op.batch_alter_table('asset', schema=None) as batch_op:
        for column in PEOPLE_FIELDS:
            if target is None:
                for old in ('app_user', 'person'):
                    name = f'fk_asset_{column}_{old}'
                    if name in _foreign_key_names():
                        batch_op.drop_constraint(name, type_='foreignkey')
            else:
                batch_op.create_foreign_key(f'fk_asset_{column}_{target}', target, [column], ['id'])
    _unreflected(create=True)


def _foreign_key_names() -> set[str]:
    return {fk['name'] for fk in sa.inspect(op.get_bind()).get_foreign_keys('asset')}


def upgrade() -> None:
    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_number', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kana', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_person_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person')),
    sa.UniqueConstraint('staff_number', name=op.f('uq_person_staff_number'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_department_id'), ['department_id'], unique=False)
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_app_user_person_id'), ['person_id'])
        batch_op.create_foreign_key(batch_op.f('fk_app_user_person_id_person'), 'person', ['person_id'], ['id'])
    _owner_keys(None)
    _users_to_people(op.get_bind())
    _owner_keys('person')


def downgrade() -> None:
    _owner_keys(None)
    _people_to_users(op.get_bind())
    _owner_keys('app_user')
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_app_user_person_id_person'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_app_user_person_id'), type_='unique')
        batch_op.drop_column('person_id')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_department_id'))
    op.drop_table('person')


# ----- data -----
_asset = sa.table('asset', sa.column('id', sa.Integer), sa.column('owner_id', sa.Integer),
                  sa.column('deputy_id', sa.Integer))
_user = sa.table('app_user', sa.column('id', sa.Integer), sa.column('username', sa.String),
                 sa.column('display_name', sa.String), sa.column('email', sa.String),
                 sa.column('department_id', sa.Integer), sa.column('active', sa.Boolean),
                 sa.column('person_id', sa.Integer))
_person = sa.table('person', sa.column('id', sa.Integer), sa.column('staff_number', sa.String),
                   sa.column('name', sa.String), sa.column('kana', sa.String),
                   sa.column('department_id', sa.Integer), sa.column('email', sa.String),
                   sa.column('active', sa.Boolean), sa.column('source', sa.String),
                   sa.column('updated_at', sa.DateTime(timezone=True)))
_audit = sa.table('audit_event', sa.column('id', sa.Integer), sa.column('object_type', sa.String),
                  sa.column('field', sa.String), sa.column('before', sa.String), sa.column('after', sa.String))


def _people_events(connection):
    return connection.execute(sa.select(_audit.c.id, _audit.c.before, _audit.c.after).where(
        _audit.c.object_type == 'asset', _audit.c.field.in_(PEOPLE_FIELDS))).all()


def _rewrite(connection, mapping: dict[int, int | None]) -> None:
    """Owner and deputy columns and their audit values: old id -> new id (unmapped: NULL), in
    one UPDATE per column (ids may swap: a row must not be mapped twice)."""
    for column in PEOPLE_FIELDS:
        target = sa.case(mapping, value=_asset.c[column], else_=None) if mapping else sa.null()
        connection.execute(_asset.update().where(_asset.c[column].is_not(None)).values({column: target}))

    def text(value):
        if value is None or not value.isdigit():
            return value
        new = mapping.get(int(value))
        return None if new is None else str(new)

    for event_id, before, after in _people_events(connection):
        connection.execute(_audit.update().where(_audit.c.id == event_id)
                           .values(before=text(before), after=text(after)))


def _users_to_people(connection) -> None:
    import datetime as dt

    referenced = set()
    for column in PEOPLE_FIELDS:
        referenced |= {v for v in connection.execute(sa.select(_asset.c[column]).distinct()).scalars() if v}
    for _id, before, after in _people_events(connection):
        referenced |= {int(v) for v in (before, after) if v and v.isdigit()}
    users = connection.execute(sa.select(_user).where(_user.c.id.in_(sorted(referenced) or [-1]))
                               .order_by(_user.c.id)).all()
    now = dt.datetime.now(dt.timezone.utc)
    mapping = {}
    for user in users:
        person_id = connection.execute(_person.insert().values(
            staff_number=None, name=(user.display_name or user.username)[:200], kana='',
            department_id=user.department_id, email=user.email, active=bool(user.active),
            source='account', updated_at=now).returning(_person.c.id)).scalar_one()
        connection.execute(_user.update().where(_user.c.id == user.id).values(person_id=person_id))
        mapping[user.id] = person_id
    _rewrite(connection, mapping)


def _people_to_users(connection) -> None:
    linked = connection.execute(sa.select(_user.c.person_id, _user.c.id)
                                .where(_user.c.person_id.is_not(None))).all()
    _rewrite(connection, dict(linked))
