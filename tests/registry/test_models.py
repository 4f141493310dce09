"""Models, migrations, database helpers and the pure record → rows functions."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect, text
from sqlmodel import SQLModel, select

from inventory.db import database_url, make_engine, normalise_url
from inventory.registry.rows import blank_counts, finding_rows, normalise_root, parse_mtime
from inventory.models import (Asset, AuditEvent, Department, Finding, User, record_change,
                              set_field)
from scanners.record import RecordError, check_record


def test_migration_matches_models(db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from inventory.db import include_for

    engine = make_engine(db_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": include_for(conn.dialect.name)})
        assert compare_metadata(context, SQLModel.metadata) == []
        tables = set(inspect(conn).get_table_names())
        head_fk = [fk["referred_table"] for fk in inspect(conn).get_foreign_keys("department")
                   if fk["constrained_columns"] == ["head_id"]]
    engine.dispose()
    assert tables == set(SQLModel.metadata.tables) | {"alembic_version"}
    assert head_fk == ["app_user"]


def test_downgrade_and_upgrade_again(tmp_path):
    from alembic import command

    from inventory.db import alembic_config, current_revision, upgrade

    url = f"sqlite:///{tmp_path / 'r.db'}"
    upgrade(url)
    command.downgrade(alembic_config(url), "base")
    assert current_revision(url) is None
    upgrade(url)
    assert current_revision(url) == _head_revision()


def test_migration_0002_fills_confirmations_from_audit_events(tmp_path):
    from inventory.db import upgrade

    url = f"sqlite:///{tmp_path / 'r.db'}"
    upgrade(url, "0001")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO app_user (id, username, display_name, role, active, created_at) "
                          "VALUES (7, 'clerk1', '', 'clerk', 1, '2026-01-01 00:00:00')"))
        conn.execute(text(
            "INSERT INTO asset (id, root, path, path_key, name, folder, kind, status, notes, categories,"
            " personal_present, sensitive, my_number, records, is_app, modules, forms, reports, queries,"
            " macros, procedures, code_lines, formulas, external_links, connections, auto_exec,"
            " risk_count, department_manual, has_specification, has_manual)"
            " VALUES (1, '/r', 'a', 'k', 'a', '', 'xlsx', 'ok', '[]', '[]', 1, 0, 0, 0, 0, 0, 0, 0, 0,"
            " 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)"))
        for fid, dismissed in ((1, 0), (2, 1), (3, 0)):     # confirmed; confirmed then dismissed; pending
            conn.execute(text("INSERT INTO finding (id, asset_id, kind, key, active, hidden, evidence,"
                              " dismissed) VALUES (:id, 1, 'column', :key, 1, 0, '{}', :d)"),
                         {"id": fid, "key": f"k{fid}", "d": dismissed})
        for fid, at in ((1, "2026-02-01 09:00:00"), (1, "2026-03-01 09:00:00"), (2, "2026-02-01 09:00:00")):
            conn.execute(text("INSERT INTO audit_event (at, user_id, object_type, object_id, field, before,"
                              " after) VALUES (:at, 7, 'finding', :id, 'confirmed', 'False', 'True')"),
                         {"at": at, "id": fid})
    upgrade(url, "0002")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, confirmed_at, confirmed_by_id FROM finding ORDER BY id")).all()
    engine.dispose()
    assert [(r[0], str(r[1])[:19] if r[1] else None, r[2]) for r in rows] == [
        (1, "2026-03-01 09:00:00", 7), (2, None, None), (3, None, None)]


def test_migration_0005_keeps_every_row_through_the_sqlite_rebuild(tmp_path):
    """0005 rebuilds ``asset`` on SQLite: no finding, category or change may go with the old
    table (ON DELETE CASCADE), the unreflectable indexes come back, enforcement is on after."""
    from alembic import command

    from inventory.db import alembic_config, session_factory, upgrade
    from inventory.registry.ingest import RegistryWriter
    from tests.web_fixtures import RECORDS, ROOT

    url = f"sqlite:///{tmp_path / 'r.db'}"
    upgrade(url, "0004")
    engine = make_engine(url)
    with RegistryWriter(session_factory(engine), [ROOT], absolute_roots=False) as writer:
        for record in RECORDS:
            writer.add(record)
    tables = ("asset", "finding", "asset_category", "asset_change", "scan_run")

    def counts():
        with engine.connect() as conn:
            return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in tables}

    def run_keys():
        with engine.connect() as conn:
            return sorted((table, fk["constrained_columns"][0]) for table in ("asset", "finding")
                          for fk in inspect(conn).get_foreign_keys(table) if fk["referred_table"] == "scan_run")

    def indexes():
        with engine.connect() as conn:
            return {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'index'"))}

    before, before_indexes = counts(), indexes()
    assert before["finding"] > 0 and before["asset_category"] > 0
    assert len(run_keys()) == 3
    upgrade(url, "0005")                                # later revisions add tables and indexes of their own
    assert counts() == before
    assert run_keys() == []
    spare = {"ix_asset_department_id", "ix_asset_risk_count", "ix_asset_personal_present"}
    assert indexes() == before_indexes - spare
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
    command.downgrade(alembic_config(url), "0004")
    assert counts() == before
    assert len(run_keys()) == 3 and indexes() == before_indexes
    engine.dispose()


def _head_revision() -> str:
    from alembic.script import ScriptDirectory

    from inventory.db import alembic_config

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def test_sqlite_pragmas(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


@pytest.mark.parametrize("env, instance, expected_end", [
    (None, None, "/instance/inventory.db"),
    (None, "app-instance", "/app-instance/inventory.db"),
    ("postgresql://u@h/db", None, "postgresql+psycopg://u@h/db"),
])
def test_database_url(monkeypatch, tmp_path, env, instance, expected_end):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("INVENTORY_INSTANCE_PATH", raising=False)
    if env:
        monkeypatch.setenv("INVENTORY_DATABASE_URL", env)
    else:
        monkeypatch.delenv("INVENTORY_DATABASE_URL", raising=False)
    url = database_url(tmp_path / instance if instance else None)
    assert url.endswith(expected_end)
    if not env:
        assert (tmp_path / (instance or "instance")).is_dir()


def test_the_registry_lives_in_the_instance_folder_the_environment_names(monkeypatch, tmp_path):
    """``$INVENTORY_INSTANCE_PATH`` is where the web app, the state cache and the spool live:
    the CLI's registry is there too, whatever the current folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("INVENTORY_DATABASE_URL", raising=False)
    monkeypatch.setenv("INVENTORY_INSTANCE_PATH", str(tmp_path / "shared-instance"))
    assert database_url() == f"sqlite:///{tmp_path / 'shared-instance' / 'inventory.db'}"
    assert not (tmp_path / "instance").exists()


@pytest.mark.parametrize("url, expected", [
    ("postgres://a@b/c", "postgresql+psycopg://a@b/c"),
    ("postgresql+psycopg://a@b/c", "postgresql+psycopg://a@b/c"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_normalise_url(url, expected):
    assert normalise_url(url) == expected


@pytest.mark.parametrize("before, after, stored", [
    (None, "retire", (None, "retire")),
    ("central", "retire", ("central", "retire")),
    (None, dt.date(2027, 4, 1), (None, "2027-04-01")),
    ("same", "same", None),
])
def test_record_change(session, before, after, stored):
    user = User(username="u1", role="privacy_office")
    asset = Asset(root="/r", path="a", path_key="k-a", name="a", kind="xlsx")
    session.add_all([user, asset])
    session.flush()
    event = record_change(session, user, asset, "guideline", before, after)
    session.commit()
    if stored is None:
        assert event is None
    else:
        saved = session.exec(select(AuditEvent)).one()
        assert (saved.before, saved.after, saved.object_type, saved.object_id, saved.user_id) == (
            *stored, "asset", asset.id, user.id)


def test_set_field_audits_only_changes(session):
    asset = Asset(root="/r", path="a", path_key="k-a", name="a", kind="xlsx")
    session.add(asset)
    session.flush()
    assert set_field(session, None, asset, "lifecycle", "reviewing") is True
    assert set_field(session, None, asset, "lifecycle", "reviewing") is False
    session.commit()
    assert [e.after for e in session.exec(select(AuditEvent))] == ["reviewing"]


def test_findings_go_with_their_asset_and_foreign_keys_hold(session):
    from sqlalchemy.exc import IntegrityError

    asset = Asset(root="/r", path="a", path_key="k-a", name="a", kind="xlsx")
    session.add(asset)
    session.flush()
    session.add(Finding(asset_id=asset.id, kind="risk", key="k", code="encrypted"))
    session.commit()
    session.delete(asset)
    session.commit()
    assert session.exec(select(Finding)).all() == []
    session.add(Finding(asset_id=9999, kind="risk", key="k"))
    with pytest.raises(IntegrityError):
        session.commit()


def test_departments_are_dated_and_heads_are_users(session):
    old = Department(code="100", name="福祉課", valid_from=dt.date(2020, 4, 1),
                     valid_to=dt.date(2026, 3, 31))
    session.add(old)
    session.flush()
    new = Department(code="100", name="福祉総務課", valid_from=dt.date(2026, 4, 1))
    session.add(new)
    session.flush()
    head = User(username="head", role="dept_head", department_id=new.id)
    session.add(head)
    session.flush()
    old.successor_id, new.head_id = new.id, head.id
    session.commit()
    current = session.exec(select(Department).where(Department.valid_to.is_(None))).all()
    assert [(d.name, d.head_id) for d in current] == [("福祉総務課", head.id)]


def _column(**kw):
    col = {"sheet": "名簿", "column": "C", "header": "氏名", "category": "name"}
    col.update(kw)
    return {"personal": {"columns": [col]}}


@pytest.mark.parametrize("a, b, same", [
    (_column(), _column(column="F"), True),                 # the column letter may shift
    (_column(), _column(header="氏　名"), True),             # spaces, U+3000
    (_column(header="ＴＥＬ"), _column(header="tel"), True),  # NFKC and case
    (_column(), _column(category="name_kana"), False),
    (_column(), _column(sheet="名簿2"), False),
    (_column(header=None), _column(header=None, column="D"), False),  # no header: the letter
    ({"risks": [{"code": "x", "detail": "VBA opens ADODB connections (3 places)"}]},
     {"risks": [{"code": "x", "detail": "VBA opens ADODB connections (12 places)"}]}, True),
    ({"risks": [{"code": "x", "detail": "formulas link to workbook a.xls"}]},
     {"risks": [{"code": "x", "detail": "formulas link to workbook b.xls"}]}, False),
])
def test_finding_keys(a, b, same):
    assert (finding_rows(a)[0]["key"] == finding_rows(b)[0]["key"]) is same


def test_same_header_twice_gets_two_keys():
    record = {"personal": {"columns": [{"sheet": "s", "header": "氏名", "category": "name"}] * 2}}
    assert len({f["key"] for f in finding_rows(record)}) == 2


@pytest.mark.parametrize("detail, expected", [
    ("VBA drives Outlook (can send e-mail) (7 places)", "VBA drives Outlook (can send e-mail) (#)"),
    ("3 hyperlink(s) to web addresses (https://github.com)", "# hyperlink(s) to web addresses (https://github.com)"),
    ("connections.xml: ODBC connection to a.accdb (2x)", "connections.xml: ODBC connection to a.accdb (#)"),
    ("and 14 more linked tables", "and # more linked tables"),
    ("formulas link to workbook 2023年度.xlsx", "formulas link to workbook 2023年度.xlsx"),
])
def test_blank_counts(detail, expected):
    assert blank_counts(detail) == expected


@pytest.mark.parametrize("value, expected", [
    ("2026-04-01T09:12:00+09:00", dt.datetime(2026, 4, 1, 0, 12, tzinfo=dt.timezone.utc)),
    ("2026-04-01T00:12:00Z", dt.datetime(2026, 4, 1, 0, 12, tzinfo=dt.timezone.utc)),
    ("2026-04-01T00:12:00", dt.datetime(2026, 4, 1, 0, 12, tzinfo=dt.timezone.utc)),
    ("yesterday", None),
    (1234, None),
])
def test_parse_mtime(value, expected):
    assert parse_mtime(value) == expected


@pytest.mark.parametrize("root, expected", [
    ("/mnt/share/", "/mnt/share"),
    ("\\\\filesv01\\share\\", "//filesv01/share"),
    ("/", "/"),
    ("../shared/corpus", "../shared/corpus"),
])
def test_normalise_root(root, expected):
    assert normalise_root(root) == expected


@pytest.mark.parametrize("record, reason", [
    ([], "record is not an object"),
    ({"root": "/r", "path": "a", "kind": "xlsx"}, "missing or empty status"),
    ({"root": "/r", "path": "a", "kind": "xlsx", "status": "fine"}, "unknown status"),
    ({"root": "/r", "path": "a", "kind": "xlsx", "status": "ok", "sha256": "abc"},
     "sha256 is not a hex digest"),
    ({"root": "/r", "path": "a", "kind": "xlsx", "status": "ok", "app": "yes"}, "app is not an object"),
])
def test_check_record(record, reason):
    with pytest.raises(RecordError, match=reason):
        check_record(record)


@pytest.fixture(params=["sqlite", "postgresql"])
def unmigrated_url(request, tmp_path):
    """An empty database of each kind, with no tables yet (PostgreSQL: made and dropped here)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'r.db'}"
        return
    from registry_db import _pg_admin_url

    admin_url = _pg_admin_url()
    name = f"inventory_mig_{tmp_path.name[-20:].lower().replace('-', '_')}"
    admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_migration_0007_gives_existing_tokens_a_year_and_goes_back(unmigrated_url):
    from alembic import command

    from inventory.db import alembic_config, current_revision, upgrade

    url = unmigrated_url
    upgrade(url, "0005")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO api_token (name, token_sha256, created_at) "
                          "VALUES ('old scanner', :digest, :made)"),
                     {"digest": "a" * 64, "made": dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)})
    upgrade(url, "0007")
    with engine.connect() as conn:
        days, expires, rotated = conn.execute(text(
            "SELECT valid_days, expires_at, rotated_at FROM api_token")).one()
    expires = dt.datetime.fromisoformat(str(expires))                  # SQLite gives text
    expires = expires if expires.tzinfo else expires.replace(tzinfo=dt.timezone.utc)
    expected = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=365)
    assert days == 365 and rotated is None and abs(expires - expected) < dt.timedelta(minutes=5)
    command.downgrade(alembic_config(url), "0005")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM api_token")).scalar_one() == "old scanner"
        assert "expires_at" not in {c["name"] for c in inspect(conn).get_columns("api_token")}
    engine.dispose()
    assert current_revision(url) == "0005"


def test_migration_0011_makes_owners_people_and_goes_back(unmigrated_url):
    """Owners and deputies were user ids: each user they name (or their history names) becomes a
    person linked to the account; owner ids and their audit values become person ids."""
    from alembic import command

    from inventory.db import alembic_config, upgrade

    url = unmigrated_url
    upgrade(url, "0008")
    engine = make_engine(url)
    asset_columns = ("root, path, path_key, name, folder, kind, status, notes, categories, personal_present,"
                     " sensitive, my_number, records, is_app, modules, forms, reports, queries, macros,"
                     " procedures, code_lines, formulas, external_links, connections, auto_exec, risk_count,"
                     " department_manual, has_specification, has_manual")
    asset_values = ("'/r', :path, :path, :path, '', 'xlsm', 'ok', '[]', '[]', false, false, false, 0, true,"
                    " 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, 0, false, false, false")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO department (id, code, name, valid_from) VALUES (5, '301', '介護保険課', '2000-04-01')"))
        for uid, name, shown in ((3, "clerk1", "山田 太郎"), (4, "head1", ""), (8, "former", "鈴木 一郎"),
                                 (9, "bystander", "関係 なし")):
            conn.execute(text("INSERT INTO app_user (id, username, display_name, role, department_id, active,"
                              " created_at) VALUES (:id, :name, :shown, 'clerk', 5, :active, :at)"),
                         {"id": uid, "name": name, "shown": shown, "active": uid != 8,
                          "at": dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)})
        for aid, path, owner, deputy in ((1, "a.xlsm", 4, 3), (2, "b.xlsm", 3, None), (3, "c.xlsm", None, None)):
            conn.execute(text(f"INSERT INTO asset (id, {asset_columns}, owner_id, deputy_id) "
                              f"VALUES (:id, {asset_values}, :owner, :deputy)"),
                         {"id": aid, "path": path, "owner": owner, "deputy": deputy})
        # the history names user 8 (an owner before 3) and user 4
        for field, before, after in (("owner_id", None, "8"), ("owner_id", "8", "3"), ("deputy_id", None, "4"),
                                     ("guideline", None, "3")):
            conn.execute(text("INSERT INTO audit_event (at, user_id, object_type, object_id, field, before, after)"
                              " VALUES (:at, 9, 'asset', 2, :field, :before, :after)"),
                         {"at": dt.datetime(2026, 2, 1, tzinfo=dt.timezone.utc), "field": field,
                          "before": before, "after": after})
    upgrade(url, "0011")
    with engine.connect() as conn:
        people = {row.id: row for row in conn.execute(text(
            "SELECT p.id, p.name, p.staff_number, p.department_id, p.active, p.source, u.username"
            " FROM person p JOIN app_user u ON u.person_id = p.id"))}
        by_user = {row.username: row for row in people.values()}
        assert set(by_user) == {"clerk1", "head1", "former"}                   # not the bystander
        assert (by_user["clerk1"].name, by_user["head1"].name, by_user["former"].name) == \
            ("山田 太郎", "head1", "鈴木 一郎")                                  # no display name: the user name
        assert {(r.staff_number, r.department_id, r.source) for r in people.values()} == {(None, 5, "account")}
        assert not by_user["former"].active
        owners = dict((r[0], (r[1], r[2])) for r in conn.execute(text("SELECT id, owner_id, deputy_id FROM asset")))
        assert owners == {1: (by_user["head1"].id, by_user["clerk1"].id), 2: (by_user["clerk1"].id, None),
                          3: (None, None)}
        history = conn.execute(text("SELECT field, before, after FROM audit_event ORDER BY id")).all()
        assert [tuple(r) for r in history] == [
            ("owner_id", None, str(by_user["former"].id)),
            ("owner_id", str(by_user["former"].id), str(by_user["clerk1"].id)),
            ("deputy_id", None, str(by_user["head1"].id)), ("guideline", None, "3")]
        keys = {fk["referred_table"] for fk in inspect(conn).get_foreign_keys("asset")
                if fk["constrained_columns"] in (["owner_id"], ["deputy_id"])}
        assert keys == {"person"}
    command.downgrade(alembic_config(url), "0008")
    with engine.connect() as conn:
        owners = dict((r[0], (r[1], r[2])) for r in conn.execute(text("SELECT id, owner_id, deputy_id FROM asset")))
        assert owners == {1: (4, 3), 2: (3, None), 3: (None, None)}
        history = conn.execute(text("SELECT field, before, after FROM audit_event ORDER BY id")).all()
        assert [tuple(r) for r in history][:3] == [("owner_id", None, "8"), ("owner_id", "8", "3"),
                                                   ("deputy_id", None, "4")]
        assert "person" not in inspect(conn).get_table_names()
    engine.dispose()


def test_staff_numbers_are_unique_and_an_account_belongs_to_one_person(session):
    from sqlalchemy.exc import IntegrityError

    from inventory.models import Person

    session.add(Person(staff_number="1001", name="山田 太郎"))
    session.add(Person(name="番号 なし"))
    session.add(Person(name="番号 なし 2"))         # several people may lack a number
    session.commit()
    session.add(Person(staff_number="1001", name="別人"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    person = session.execute(select(Person).where(Person.staff_number == "1001")).scalar_one()
    assert (person.active, person.source, person.kana) == (True, "manual", "")
    user = User(username="yamada", person_id=person.id)
    session.add(user)
    session.commit()
    session.add(User(username="yamada2", person_id=person.id))      # one account per person
    with pytest.raises(IntegrityError):
        session.commit()
