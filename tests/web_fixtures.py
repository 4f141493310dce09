"""Web app fixtures (pytest-flask), registered by ``pytest_plugins`` in tests/conftest.py.

``app`` is ``create_app`` on a fresh registry per test, on SQLite and on
PostgreSQL (127.0.0.1:5432, through tests/registry_db.py), holding:

- departments: 健康福祉部 (300) > 介護保険課 (301), 総務部 (100) > 職員課 (101);
- one user per role and department (``clerk_a`` 301, ``head_a`` 300, ``clerk_b`` 101,
  ``head_b`` 100, ``it`` 101, ``privacy`` 101, ``admin``), ``retired`` (inactive, 301),
  all with the password :data:`PASSWORD`;
- assets ingested through the real ingest code from scanner-like records
  (:data:`RECORDS`), in two runs so that one file is removed.

``login(client, username)`` signs a test client in without the form (fast, but through a
real server-side session);
tests of the form itself post it.
"""
from __future__ import annotations

import hashlib
import re
import shutil

import pytest

from sqlalchemy import select
from sqlmodel import SQLModel
from werkzeug.security import generate_password_hash

from inventory.db import make_engine, upgrade
from inventory.registry.ingest import begin_run, finish_run, ingest_records
from inventory.models import Asset, Department, Share, ShareMapping, User
from inventory.accounts.sessions import start_session
from inventory.web import create_app


PASSWORD = "correct horse battery"
ROOT = "/mnt/share"
DEPARTMENTS = (("300", "健康福祉部", None), ("301", "介護保険課", "300"),
               ("100", "総務部", None), ("101", "職員課", "100"))
MAPPINGS = (("健康福祉部", "300"), ("健康福祉部/介護保険課", "301"), ("総務部/職員課", "101"))
#: username -> (role, department code or None, active)
USERS = {
    "clerk_a": ("clerk", "301", True), "head_a": ("dept_head", "300", True),
    "clerk_b": ("clerk", "101", True), "head_b": ("dept_head", "100", True),
    "it": ("it_division", "101", True), "privacy": ("privacy_office", "101", True),
    "admin": ("admin", None, True), "retired": ("clerk", "301", False),
}


def record(path: str, categories=(), risks=(), status="ok", app=None, sensitive=False) -> dict:
    """A scan record as the scanner writes it (headers, categories, counts; no values)."""
    columns = [{"sheet": "名簿", "column": chr(65 + i), "header": f"見出し{cat}", "category": cat,
                "confidence": 0.9, "hidden": False, "evidence": {"example": "** **"}}
               for i, cat in enumerate(categories)]
    return {"root": ROOT, "path": path, "kind": path.rsplit(".", 1)[-1], "size": 4096,
            "mtime": "2026-04-01T09:12:00+09:00",
            "sha256": hashlib.sha256(path.encode()).hexdigest(), "status": status,
            "error": "not a zip file" if status == "error" else None,
            "personal": {"present": bool(categories), "categories": list(categories),
                         "sensitive": sensitive, "my_number": "my_number" in categories,
                         "records": 40 if categories else 0, "columns": columns},
            "app": app or {"is_app": False, "kind": None},
            "risks": [{"code": code, "detail": "sheet 元データ is veryHidden"} for code in risks]}


EXCEL_APP = {"is_app": True, "kind": "excel-vba", "modules": 3, "code_lines": 420,
             "auto_exec": True, "complexity": "High"}
RECORDS = [
    record("健康福祉部/介護保険課/認定者一覧.xlsx", ["name", "address", "health"],
           ["hidden-personal-data"], sensitive=True),
    record("健康福祉部/介護保険課/台帳.xlsm", ["name", "my_number"], ["autoexec-macro"], app=EXCEL_APP),
    record("健康福祉部/介護保険課/壊れた.xlsx", status="error"),
    record("健康福祉部/会議資料.csv"),
    record("総務部/職員課/職員名簿.xlsx", ["name", "birth_date"]),
    record("総務部/職員課/給与.xlsx", status="encrypted", risks=["encrypted"]),
    record("総務部/職員課/古い名簿.xlsx", ["name"]),          # removed by the second run
    record("未整理/メモ.txt"),                                # no mapping: unassigned
]
REMOVED = "総務部/職員課/古い名簿.xlsx"
#: strings from the records that no page may show (paths, file names, headers, examples)
RECORD_STRINGS = sorted({r["path"] for r in RECORDS} | {r["path"].rsplit("/", 1)[1] for r in RECORDS}
                        | {c["header"] for r in RECORDS for c in r["personal"]["columns"]}
                        | {"元データ", "見出し", ROOT})


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One cheap hash for every test user (the real default is deliberately slow)."""
    return generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A migrated, empty SQLite registry, copied for each test (migrating per test is slow)."""
    path = tmp_path_factory.mktemp("web_registry") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def web_db_url(request, tmp_path) -> str:
    """An empty, migrated registry: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "inventory.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_database")
    empty_registry(url)
    return url


def empty_registry(url: str) -> None:
    """Delete every row (child tables first): on a registry this small, much faster than TRUNCATE."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(Department.__table__.update().values(head_id=None))
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()


@pytest.fixture
def app(web_db_url, password_hash, tmp_path):
    """The web app on a registry holding the departments, users and assets described above."""
    app = create_app({"TESTING": True, "DATABASE_URL": web_db_url, "SECRET_KEY": "test secret",
                      "SERVER_NAME": None})
    with app.extensions["registry"].sessions() as session:
        seed_registry(session, password_hash)
    yield app
    app.extensions["registry"].engine.dispose()


def seed_registry(session, password_hash: str) -> None:
    """Departments, users, a share with mappings, and two scan runs of :data:`RECORDS`."""
    depts: dict[str, Department] = {}
    for code, name, parent in DEPARTMENTS:
        depts[code] = Department(code=code, name=name, parent_id=depts[parent].id if parent else None)
        session.add(depts[code])
        session.flush()
    for username, (role, code, active) in USERS.items():
        session.add(User(username=username, role=role, active=active, password_hash=password_hash,
                         department_id=depts[code].id if code else None))
    share = Share(name="本庁舎", root=ROOT)
    session.add(share)
    session.flush()
    for prefix, code in MAPPINGS:
        session.add(ShareMapping(share_id=share.id, prefix=prefix, department_id=depts[code].id))
    session.commit()
    for records in (RECORDS, [r for r in RECORDS if r["path"] != REMOVED]):
        run = begin_run(session, [ROOT], share=share)
        ingest_records(session, records, run)
        finish_run(session, run)
        session.commit()


@pytest.fixture
def db(app):
    """A session on the app's registry, for looking things up in tests."""
    with app.extensions["registry"].sessions() as session:
        yield session


def user_id(app, username: str) -> int:
    with app.extensions["registry"].sessions() as session:
        return session.execute(select(User.id).where(User.username == username)).scalar_one()


def asset_id(app, path: str) -> int:
    with app.extensions["registry"].sessions() as session:
        return session.execute(select(Asset.id).where(Asset.path == path)).scalar_one()


def login(client, username: str) -> str:
    """Sign ``client`` in as ``username`` directly (no form, no hash): a new server-side session,
    its id in the session cookie.  Returns that id."""
    with client.application.extensions["registry"].sessions() as session:
        uid = session.execute(select(User.id).where(User.username == username)).scalar_one()
        token = start_session(session, uid, "127.0.0.1")
        session.commit()
    with client.session_transaction() as sess:
        sess["_user_id"] = token
        sess["_fresh"] = True
    return token


def csrf_token(html: str) -> str:
    """The CSRF token of the first form in ``html``."""
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
        re.search(r'type="hidden" name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def login_with_form(client, username: str, password: str = PASSWORD, next_url: str | None = None):
    """Post the login form (with its CSRF token) and return the response."""
    page = client.get("/auth/login" + (f"?next={next_url}" if next_url else ""))
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)), "username": username,
            "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/auth/login", data=data)
