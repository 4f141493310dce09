"""Registry database fixtures for tests/registry/test_models.py and tests/registry/test_ingest.py.

``db_url`` is a migrated, empty registry on SQLite (a new file per test) and on
PostgreSQL (127.0.0.1:5432; one database per test session, emptied per test,
dropped at the end; the server is started if it is down).
"""
from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from inventory.db import make_engine, session_factory, upgrade

PG_SERVER = "postgresql+psycopg://{user}@127.0.0.1:5432/{db}"


def _pg_admin_url() -> str:
    """A URL that reaches the server's maintenance database, starting the server if need be."""
    import psycopg

    for attempt in range(2):
        for user in ("postgres", "root"):
            try:
                with psycopg.connect(host="127.0.0.1", port=5432, user=user, dbname="postgres",
                                     connect_timeout=3):
                    return PG_SERVER.format(user=user, db="postgres")
            except psycopg.OperationalError:
                continue
        if attempt == 0:
            version = sorted(os.listdir("/etc/postgresql"))[-1]
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
                           check=False, capture_output=True, timeout=60)
    pytest.fail("PostgreSQL on 127.0.0.1:5432 is not reachable and could not be started")


@pytest.fixture(scope="session")
def pg_database():
    """A fresh, migrated PostgreSQL database for this test session; dropped afterwards."""
    admin_url = _pg_admin_url()
    name = f"inventory_test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.rsplit("/", 1)[0] + "/" + name
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _empty_pg(url: str) -> None:
    from sqlmodel import SQLModel

    engine = make_engine(url)
    names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path: Path) -> str:
    """The URL of an empty, migrated registry (SQLite, then PostgreSQL)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'inventory.db'}"
        upgrade(url)
        return url
    url = request.getfixturevalue("pg_database")
    _empty_pg(url)
    return url


@pytest.fixture
def factory(db_url):
    """A session factory on the registry of ``db_url``."""
    engine = make_engine(db_url)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def session(factory):
    """One session on the registry, closed after the test."""
    with factory() as s:
        yield s
