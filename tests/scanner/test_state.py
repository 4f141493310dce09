"""The scanner's state cache (scanners/state.py, reuse.py): what is carried forward, rehashed, read, kept and pruned."""
from __future__ import annotations

import json
import os
import sqlite3
import unicodedata

import pytest

from scanners.pipeline import inspect_file
from scanners.record import iso_mtime
from scanners.state import (SCHEMA, Carried, ScanState, carried_line, lasting,
                            known_record, state_key, stored_form)
from scanners.walk import walk_root

ROSTER = "氏名,生年月日,電話番号\n" + "".join(f"試験 {n},1980/4/{n + 1},090-1234-{5600 + n:04d}\n"
                                            for n in range(12))


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "share"
    (root / "市民課").mkdir(parents=True)
    (root / "市民課" / "名簿.csv").write_text(ROSTER, encoding="utf-8")
    (root / "市民課" / "メモ.txt").write_text("会議メモ\n", encoding="utf-8")
    return root


def candidates(root) -> dict:
    return {c.path: c for c in walk_root(str(root))}


def fresh_state(tmp_path, name="state.db", key="v1", **kwargs) -> ScanState:
    return ScanState(tmp_path / name, key=key, **kwargs)


def remember_all(state: ScanState, root) -> dict:
    """Plan, inspect and settle every candidate as a scan does; return the records by path."""
    records = {}
    for path, cand in candidates(root).items():
        plan = state.plan(cand)
        record = plan.record if plan.record is not None else (
            known_record(plan.task)[0] or inspect_file(plan.task))
        state.settle(plan, record)
        records[path] = record.record() if isinstance(record, Carried) else record
    state.flush()
    return records


def test_walk_captures_inode_and_nanosecond_mtime(tree):
    cand = candidates(tree)["市民課/名簿.csv"]
    st = os.stat(tree / "市民課" / "名簿.csv")
    assert (cand.inode, cand.mtime_ns, cand.size) == (st.st_ino, st.st_mtime_ns, st.st_size)


def test_unchanged_files_are_carried_forward_as_they_were_recorded(tree, tmp_path):
    state = fresh_state(tmp_path)
    first = remember_all(state, tree)
    assert (state.counts.read, state.counts.reused) == (2, 0)
    again = fresh_state(tmp_path)
    plans = {p: again.plan(c) for p, c in candidates(tree).items()}
    assert all(isinstance(p.record, Carried) and p.task is None for p in plans.values())
    for path, plan in plans.items():
        assert plan.record.line == json.dumps(first[path], ensure_ascii=False)     # the line, unparsed
        assert plan.record.record() == first[path]
        assert (plan.record.sha256, plan.record.root, plan.record.path) == \
            (first[path]["sha256"], str(tree), path)
        assert plan.record.personal is first[path]["personal"]["present"]


def test_touched_file_is_rehashed_and_carried_forward_with_its_new_mtime(tree, tmp_path):
    remember_all(fresh_state(tmp_path), tree)
    path = tree / "市民課" / "名簿.csv"
    os.utime(path, (1_700_000_000, 1_700_000_000))
    cand = candidates(tree)["市民課/名簿.csv"]
    plan = fresh_state(tmp_path).plan(cand)
    assert plan.record is None and plan.task.prior_record is not None
    reused = known_record(plan.task)[0].record()
    fresh = inspect_file(cand)
    assert reused is not None and reused["mtime"] == fresh["mtime"]
    assert json.dumps(reused, ensure_ascii=False) == json.dumps(fresh, ensure_ascii=False)


def test_rewritten_file_of_the_same_size_is_read_again(tree, tmp_path):
    remember_all(fresh_state(tmp_path), tree)
    path = tree / "市民課" / "名簿.csv"
    path.write_text(ROSTER.replace("試験 1,", "試験 7,"), encoding="utf-8")     # same length
    cand = candidates(tree)["市民課/名簿.csv"]
    plan = fresh_state(tmp_path).plan(cand)
    assert plan.task.prior_record is not None and known_record(plan.task)[0] is None


def test_other_size_profile_or_scanner_version_means_reading(tree, tmp_path):
    remember_all(fresh_state(tmp_path), tree)
    cand = candidates(tree)["市民課/名簿.csv"]
    assert fresh_state(tmp_path).plan(cand).record is not None
    assert fresh_state(tmp_path).plan(cand, full=True).task == cand
    assert fresh_state(tmp_path).plan(cand, apps=False).task == cand          # another profile
    (tree / "市民課" / "名簿.csv").write_text(ROSTER + "試験 X,1990/1/1,090-0000-0000\n", encoding="utf-8")
    grown = candidates(tree)["市民課/名簿.csv"]
    assert fresh_state(tmp_path).plan(grown).task.prior_record is None      # size differs: no hashing
    newer = fresh_state(tmp_path, key="v2")
    assert newer.entries() == 0 and newer.plan(cand).record is None


def test_records_are_stored_without_root_path_or_values(tree, tmp_path):
    state = fresh_state(tmp_path)
    remember_all(state, tree)
    state.close()
    with sqlite3.connect(tmp_path / "state.db") as db:
        rows = db.execute("SELECT key, record FROM file ORDER BY key").fetchall()
    assert [k for k, _ in rows] == sorted(state_key(str(tree / "市民課" / n)) for n in ("メモ.txt", "名簿.csv"))
    for _key, text in rows:
        stored = json.loads(text)
        assert "root" not in stored and "path" not in stored
        assert "試験" not in text and "090-1234" not in text


def test_key_is_the_nfc_absolute_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    decomposed = unicodedata.normalize("NFD", "ガイド.csv")
    assert state_key(decomposed) == f"{tmp_path}/ガイド.csv"


def test_a_name_that_is_not_utf8_is_kept_under_an_escaped_key(tree, tmp_path):
    os.mkdir(os.fsencode(tree) + b"/\x8e\x73\x96\xaf")            # 市民 in cp932
    with open(os.fsencode(tree) + b"/\x8e\x73\x96\xaf/\x96\xbc.csv", "wb") as fh:
        fh.write(ROSTER.encode("cp932"))
    state = fresh_state(tmp_path)
    remember_all(state, tree)
    [key] = [k for k in (state_key(c.abspath) for c in candidates(tree).values()) if "\\x8e" in k]
    assert key.endswith("/\\x8es\\x96\\xaf/\\x96\\xbc.csv") and state.get(key) is not None
    again = fresh_state(tmp_path)
    assert all(again.plan(c).record is not None for c in candidates(tree).values())


def test_transient_errors_are_not_kept(tree, tmp_path):
    assert not lasting({"status": "error", "error": "timed out after 60 s"})
    assert not lasting({"status": "error", "error": "reader crashed (SIGSEGV)"})
    assert not lasting({"status": "error", "error": "cannot read file: Permission denied"})
    assert lasting({"status": "error", "error": "not a zip file"})
    assert lasting({"status": "encrypted", "error": "encrypted"})
    state = fresh_state(tmp_path)
    cand = candidates(tree)["市民課/メモ.txt"]
    state.settle(state.plan(cand), inspect_file(cand))
    timed_out = dict(inspect_file(cand), status="error", error="timed out after 60 s")
    state.settle(state.plan(cand, full=True), timed_out)
    state.flush()
    assert state.get(state_key(cand.abspath)) is None


def test_prune_forgets_unseen_files_under_the_scanned_root_only(tree, tmp_path):
    other = tmp_path / "share2"
    other.mkdir()
    (other / "表.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    sibling = tmp_path / "share-old"                    # shares a prefix with "share", not a folder
    sibling.mkdir()
    (sibling / "古い.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    state = fresh_state(tmp_path)
    for root in (tree, other, sibling):
        remember_all(state, root)
    (tree / "市民課" / "メモ.txt").unlink()
    second = fresh_state(tmp_path)
    remember_all(second, tree)
    assert second.prune([str(tree)]) == 1
    assert second.entries() == 3
    assert second.get(state_key(str(other / "表.csv"))) is not None
    assert second.get(state_key(str(sibling / "古い.csv"))) is not None


def test_writes_are_committed_in_batches_for_other_processes_to_see(tree, tmp_path):
    state = fresh_state(tmp_path, commit_every=2, commit_seconds=3600)
    cands = list(candidates(tree).values())
    state.settle(state.plan(cands[0]), inspect_file(cands[0]))

    def committed() -> int:
        with sqlite3.connect(tmp_path / "state.db") as db:
            return db.execute("SELECT count(*) FROM file").fetchone()[0]

    assert committed() == 0
    state.settle(state.plan(cands[1]), inspect_file(cands[1]))
    assert committed() == 2


def test_a_carried_record_keeps_the_fresh_key_order(tree):
    cand = candidates(tree)["市民課/名簿.csv"]
    fresh = inspect_file(cand)
    assert list(json.loads(carried_line(stored_form(fresh), cand))) == list(fresh)


@pytest.mark.parametrize("root, path", [
    ("/mnt/share", "市民課/名簿.csv"),
    ('C:\\共有\\"引用"', "タブ\tと改行\n/制御\x01文字/\u3000全角スペース.csv"),   # escapes json.dumps makes
    ("/mnt/share", "\udc8e\udc73.csv"),              # a lone surrogate: as json.dumps writes it
])
def test_carried_line_is_what_json_dumps_writes_of_the_carried_record(tree, root, path):
    from dataclasses import replace

    cand = replace(candidates(tree)["市民課/名簿.csv"], root=root, path=path, size=10 ** 12)
    fresh = inspect_file(candidates(tree)["市民課/名簿.csv"])
    for record in (fresh, {**{k: fresh[k] for k in ("root", "path", "kind", "size", "mtime")}}):
        stored = stored_form(record)
        expected = {"root": root, "path": path, "kind": cand.kind, "size": cand.size,
                    "mtime": iso_mtime(cand.mtime), **{k: v for k, v in record.items() if k not in
                                                       ("root", "path", "kind", "size", "mtime")}}
        assert carried_line(stored, cand) == json.dumps(expected, ensure_ascii=False)
        assert json.loads(carried_line(stored, cand)) == expected
    # a record that does not begin with the head keys is not stored (it would not splice back)
    assert stored_form({"path": "a.csv", "root": "/r", "kind": "csv", "size": 1, "mtime": "x"}) is None


def test_a_cache_of_another_schema_is_made_anew(tree, tmp_path):
    path = tmp_path / "state.db"
    with sqlite3.connect(path) as db:          # the layout of schema 1, with one entry
        db.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('scanner', 'v1')")
        db.execute("CREATE TABLE file (key TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER "
                   "NOT NULL, inode INTEGER NOT NULL, profile TEXT NOT NULL, sha256 TEXT, record TEXT "
                   "NOT NULL, seen INTEGER NOT NULL) WITHOUT ROWID")
        db.execute("INSERT INTO file VALUES ('/x/a.csv', 1, 1, 1, 'csv||apps', NULL, '{}', 1)")
    state = fresh_state(tmp_path)
    assert state.entries() == 0
    remember_all(state, tree)
    state.close()
    again = fresh_state(tmp_path)
    assert again.entries() == 2 and all(again.plan(c).record is not None for c in candidates(tree).values())
    meta = dict(sqlite3.connect(path).execute("SELECT name, value FROM meta"))
    assert meta["schema"] == str(SCHEMA)


def test_a_scan_that_finds_nothing_new_writes_nothing_into_the_cache_file(tree, tmp_path):
    """Which files a scan saw is kept in its own temporary table, not marked on every entry."""
    state = fresh_state(tmp_path)
    remember_all(state, tree)
    state.close()
    with sqlite3.connect(tmp_path / "state.db") as db:
        before = db.execute("SELECT key, size, mtime_ns, inode, profile, sha256, personal, record "
                            "FROM file ORDER BY key").fetchall()
    again = fresh_state(tmp_path)
    watcher = sqlite3.connect(tmp_path / "state.db")
    version = watcher.execute("PRAGMA data_version").fetchone()[0]
    remember_all(again, tree)
    assert again.prune([str(tree)]) == 0
    again.flush()
    # data_version moves when another connection commits a change to the file
    assert watcher.execute("PRAGMA data_version").fetchone()[0] == version
    watcher.close()
    again.close()
    with sqlite3.connect(tmp_path / "state.db") as db:
        after = db.execute("SELECT key, size, mtime_ns, inode, profile, sha256, personal, record "
                           "FROM file ORDER BY key").fetchall()
    assert after == before and again.counts.reused == 2


def test_smb_keys_are_canonical_urls_whatever_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    key = state_key("smb://suzuki@fs01/share/健康福祉部/名簿.csv")
    assert key == "smb://fs01/share/健康福祉部/名簿.csv"          # no user, not under the cwd
    assert state_key("smb://fs01:445/share/健康福祉部/名簿.csv") == key


def test_scanner_key_is_reused_while_its_fingerprint_holds(tmp_path, monkeypatch):
    from scanners import state as state_module

    path = tmp_path / "state.db"
    ScanState(path).close()
    key = dict(sqlite3.connect(path).execute("SELECT name, value FROM meta"))["scanner"]
    assert key == state_module.scanner_key()

    def refuse():
        raise AssertionError("the fingerprint held: the stored key must be reused")

    monkeypatch.setattr(state_module, "scanner_key", refuse)
    ScanState(path).close()                                   # no recomputation
    # a package installed or removed moves its folder's mtime: the key is computed again
    monkeypatch.setattr(state_module, "key_fingerprint", lambda: "another installation")
    monkeypatch.setattr(state_module, "scanner_key", lambda: "another scanner")
    state = ScanState(path)
    state.close()
    meta = dict(sqlite3.connect(path).execute("SELECT name, value FROM meta"))
    assert meta["scanner"] == "another scanner" and meta["fingerprint"] == "another installation"


def test_fingerprint_moves_with_an_installed_package(tmp_path, monkeypatch):
    import sys

    from scanners.state import key_fingerprint

    site = tmp_path / "site-packages"
    site.mkdir()
    monkeypatch.setattr(sys, "path", [*sys.path, str(site)])
    before = key_fingerprint()
    assert key_fingerprint() == before
    (site / "openpyxl-9.9.dist-info").mkdir()
    os.utime(site, ns=(1, 1))                                 # whatever the clock's resolution
    assert key_fingerprint() != before
