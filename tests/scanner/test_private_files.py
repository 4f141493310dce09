"""Files holding where personal data lives are their owner's only (issue 16, item 10): the
SQLite registry with its -wal/-shm files, the scan state cache, the remote spool and the
secret key are 0600 in 0700 folders, whatever the umask."""
from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import text

from inventory.db import database_url, make_engine
from inventory.scanning.spool import Spool
from inventory.web import _instance_secret
from scanners.state import ScanState


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def open_umask():
    """The laxest usual umask, so that only the code's own care makes the files private."""
    old = os.umask(0o000)
    yield
    os.umask(old)


def test_the_sqlite_registry_and_its_wal_and_shm_files(tmp_path, monkeypatch):
    monkeypatch.delenv("INVENTORY_DATABASE_URL", raising=False)
    instance = tmp_path / "instance"
    engine = make_engine(database_url(instance))
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
        conn.execute(text("INSERT INTO t VALUES (1)"))
        names = sorted(p.name for p in instance.iterdir())
        assert {"inventory.db", "inventory.db-wal", "inventory.db-shm"} <= set(names)
        assert {name: mode(instance / name) for name in names} == {name: 0o600 for name in names}
    engine.dispose()
    assert mode(instance) == 0o700


def test_a_rollback_journal_is_private_too(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'registry.db'}")
    with engine.begin() as conn:
        conn.execute(text("PRAGMA journal_mode=DELETE"))
        conn.execute(text("PRAGMA locking_mode=EXCLUSIVE"))
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
        conn.execute(text("INSERT INTO t VALUES (1)"))
        journal = tmp_path / "data" / "registry.db-journal"
        if journal.exists():
            assert mode(journal) == 0o600
    engine.dispose()
    assert mode(tmp_path / "data") == 0o700 and mode(tmp_path / "data" / "registry.db") == 0o600


def test_an_existing_instance_folder_is_tightened(tmp_path, monkeypatch):
    monkeypatch.delenv("INVENTORY_DATABASE_URL", raising=False)
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    os.chmod(instance, 0o755)
    database_url(instance)
    assert mode(instance) == 0o700


def test_the_scan_state_cache(tmp_path):
    state = ScanState(tmp_path / "state" / "scan-state.db")
    state.close()
    files = list((tmp_path / "state").iterdir())
    assert files and all(mode(f) == 0o600 for f in files)
    assert mode(tmp_path / "state") == 0o700


def test_the_spool(tmp_path):
    spool = Spool.create(tmp_path / "spool", "http://127.0.0.1:1", ["/mnt/share"])
    spool.append([b'{"path": "a.xlsx"}\n'])
    spool.save_acked(0)
    folders = [tmp_path / "spool", spool.path]
    files = [p for p in spool.path.rglob("*") if p.is_file()]
    assert files and {mode(f) for f in files} == {0o600}
    assert {mode(f) for f in folders} == {0o700}
    spool.remove()


def test_the_secret_key(tmp_path):
    _instance_secret(str(tmp_path / "instance"))
    assert mode(tmp_path / "instance" / "secret_key") == 0o600
    assert mode(tmp_path / "instance") == 0o700
