"""Ingest: runs, new/changed/moved/removed/copies, decisions that survive, shares, rejects."""
from __future__ import annotations

import hashlib
import json
import sys

import pytest
from sqlmodel import select

from inventory.registry.ingest import RegistryWriter, begin_run, finish_run, ingest_records
from inventory.registry.rows import EMPTY_SHA256
from inventory.models import (Asset, AssetCategory, AssetChange, AuditEvent, Department, Finding, Person,
                              PendingRecord, ScanRun, Share, ShareMapping, User, set_field)

ROOT = "/mnt/share"


def sha(content: str) -> str:
    return EMPTY_SHA256 if content == "" else hashlib.sha256(content.encode()).hexdigest()


def rec(path: str, content: str = "x", root: str = ROOT, **extra) -> dict:
    """A scan record for ``path`` whose bytes are named ``content``."""
    record = {"root": root, "path": path, "kind": "xlsx", "size": len(content) * 100,
              "mtime": "2026-04-01T09:12:00+09:00", "sha256": sha(content), "status": "ok",
              "error": None,
              "personal": {"present": True, "categories": ["address", "name"], "sensitive": False,
                           "my_number": False, "records": 12,
                           "columns": [{"sheet": "名簿", "column": "C", "header": "氏　名",
                                        "category": "name", "confidence": 0.98, "hidden": False,
                                        "evidence": {"example": "** **"}}]},
              "app": {"is_app": False, "kind": None},
              "risks": []}
    record.update(extra)
    return record


def scan(factory, records, complete=True, share=None) -> ScanRun:
    with factory() as s:
        run = begin_run(s, [ROOT], share=share)
        ingest_records(s, records, run, batch_size=3)
        finish_run(s, run, complete=complete)
        s.commit()
        return run


def assets(factory) -> dict[str, Asset]:
    with factory() as s:
        return {a.path: a for a in s.exec(select(Asset))}


def changes(factory, run: ScanRun) -> list[tuple[str, str | None]]:
    with factory() as s:
        rows = s.exec(select(AssetChange).where(AssetChange.run_id == run.id)).all()
        paths = {a.id: a.path for a in s.exec(select(Asset))}
        return sorted((c.change, paths[c.asset_id], c.old_path) for c in rows)


# (name, earlier runs, last run, expected last run's changes, expected statuses after it)
SCENARIOS = [
    ("unchanged", [[("a", "X")]], [("a", "X")], [], {"a": "ok"}),
    ("changed", [[("a", "X")]], [("a", "Y")], [("changed", "a", None)], {"a": "ok"}),
    ("removed", [[("a", "X"), ("b", "Y")]], [("a", "X")], [("removed", "b", None)],
     {"a": "ok", "b": "removed"}),
    ("moved", [[("d1/a", "X"), ("k", "K")]], [("d2/a", "X"), ("k", "K")],
     [("moved", "d2/a", "d1/a")], {"d2/a": "ok", "k": "ok"}),
    ("renamed", [[("a", "X"), ("k", "K")]], [("k", "K"), ("b", "X")], [("moved", "b", "a")],
     {"b": "ok", "k": "ok"}),
    ("copy, original later in the stream", [[("a", "X")]], [("b", "X"), ("a", "X")],
     [("new", "b", None)], {"a": "ok", "b": "ok"}),
    ("returned", [[("a", "X"), ("k", "K")], [("k", "K")]], [("a", "X"), ("k", "K")],
     [("returned", "a", None)], {"a": "ok", "k": "ok"}),
    ("moved after being removed", [[("a", "X"), ("k", "K")], [("k", "K")]],
     [("b", "X"), ("k", "K")], [("moved", "b", "a")], {"b": "ok", "k": "ok"}),
    ("empty files are never moves", [[("a", ""), ("k", "K")]], [("b", ""), ("k", "K")],
     [("new", "b", None), ("removed", "a", None)], {"a": "removed", "b": "ok", "k": "ok"}),
    ("two copies moved keep their names", [[("d1/a", "X"), ("d1/b", "X")]],
     [("d2/b", "X"), ("d2/a", "X")], [("moved", "d2/a", "d1/a"), ("moved", "d2/b", "d1/b")],
     {"d2/a": "ok", "d2/b": "ok"}),
]


@pytest.mark.parametrize("name, earlier, last, expected_changes, expected_status", SCENARIOS,
                         ids=[s[0] for s in SCENARIOS])
def test_run_changes(factory, name, earlier, last, expected_changes, expected_status):
    ids_before = {}
    for files in earlier:
        scan(factory, [rec(p, c) for p, c in files])
        for a in assets(factory).values():
            ids_before.setdefault(a.sha256, set()).add(a.id)
    run = scan(factory, [rec(p, c) for p, c in last])
    assert changes(factory, run) == expected_changes
    found = assets(factory)
    assert {p: a.status for p, a in found.items()} == expected_status
    for change, path, old_path in expected_changes:
        if change in ("moved", "returned"):   # the same row followed the file
            assert found[path].id in ids_before[found[path].sha256]
    if name == "two copies moved keep their names":
        assert [found[p].id for p in ("d2/a", "d2/b")] == [1, 2]
    with factory() as s:
        assert s.exec(select(PendingRecord)).all() == []


def test_copies_are_linked_to_the_oldest(factory):
    scan(factory, [rec("a", "X"), rec("b", "X"), rec("c", "X"), rec("e1", ""), rec("e2", "")])
    found = assets(factory)
    assert found["a"].copy_of_id is None
    assert found["b"].copy_of_id == found["c"].copy_of_id == found["a"].id
    assert found["e2"].copy_of_id is None          # empty files are not copies
    run = scan(factory, [rec("b", "X"), rec("c", "X"), rec("e1", ""), rec("e2", "")])
    found = assets(factory)
    assert found["a"].status == "removed"
    assert found["b"].copy_of_id is None and found["c"].copy_of_id == found["b"].id
    assert run.copies == 1


def test_idempotent_and_counted(factory):
    records = [rec(f"f{i}.xlsx", str(i)) for i in range(10)]
    first = scan(factory, records)
    second = scan(factory, records)
    assert (first.new, first.unchanged, first.records) == (10, 0, 10)
    assert (second.new, second.unchanged, second.changed, second.removed) == (0, 10, 0, 0)
    with factory() as s:
        assert len(s.exec(select(Asset)).all()) == 10
        assert len(s.exec(select(Finding)).all()) == 10
        assert len(s.exec(select(AssetCategory)).all()) == 20
        events = s.exec(select(AuditEvent).where(AuditEvent.object_type == "scan_run")).all()
        assert [e.after.split()[1] for e in events] == ["new=10", "new=0"]


def _decide(factory, path: str) -> None:
    """A person triages the asset at ``path`` and dismisses its finding."""
    with factory() as s:
        user = User(username="it1", role="it_division")
        s.add(user)
        s.flush()
        asset = s.exec(select(Asset).where(Asset.path == path)).one()
        set_field(s, user, asset, "guideline", "retire")
        owner = Person(staff_number="1001", name="山田 太郎")
        s.add(owner)
        s.flush()
        set_field(s, user, asset, "owner_id", owner.id)
        finding = s.exec(select(Finding).where(Finding.asset_id == asset.id)).one()
        for field, value in (("dismissed", True), ("dismissed_reason", "施設の名称")):
            set_field(s, user, finding, field, value)
        s.commit()


@pytest.mark.parametrize("then", [
    [rec("a", "Y")],                                         # content changed, finding still there
    [rec("sub/b", "X")],                                     # moved
    [rec("a", "Z", personal={"present": False}), rec("a", "Y")],  # finding gone, then back
])
def test_decisions_survive_rescans(factory, then):
    scan(factory, [rec("a", "X")])
    _decide(factory, "a")
    for record in then:
        scan(factory, [record])
    with factory() as s:
        asset = s.exec(select(Asset).where(Asset.status != "removed")).one()
        assert (asset.guideline, asset.owner_id is not None) == ("retire", True)
        finding = s.exec(select(Finding).where(Finding.asset_id == asset.id)).one()
        assert (finding.dismissed, finding.dismissed_reason, finding.active) == (True, "施設の名称", True)
        audited = s.exec(select(AuditEvent.field).where(AuditEvent.object_type != "scan_run")).all()
        assert sorted(audited) == ["dismissed", "dismissed_reason", "guideline", "owner_id"]


def test_dismissed_finding_kept_inactive_while_absent(factory):
    scan(factory, [rec("a", "X")])
    _decide(factory, "a")
    scan(factory, [rec("a", "Z", personal={"present": False})])
    with factory() as s:
        finding = s.exec(select(Finding)).one()
        assert (finding.dismissed, finding.active) == (True, False)


def test_finding_keys_ignore_column_letters_and_counts(factory):
    risk = [{"code": "external-data-connection", "detail": "VBA opens ADODB connections (3 places)"}]
    scan(factory, [rec("a", "X", risks=risk)])
    with factory() as s:
        ids = sorted(f.id for f in s.exec(select(Finding)))
    moved_column = rec("a", "Y", risks=[dict(risk[0], detail="VBA opens ADODB connections (4 places)")])
    moved_column["personal"]["columns"][0]["column"] = "D"
    scan(factory, [moved_column])
    with factory() as s:
        found = s.exec(select(Finding).order_by(Finding.id)).all()
        assert [f.id for f in found] == ids
        assert [f.column for f in found if f.kind == "column"] == ["D"]
        assert [f.detail for f in found if f.kind == "risk"][0].endswith("(4 places)")


@pytest.mark.parametrize("path, expected", [
    ("福祉部/介護保険課/台帳.xlsx", "kaigo"),
    ("福祉部/障害福祉課/台帳.xlsx", "fukushi"),
    ("福祉部介護/x.xlsx", "all"),                 # a prefix matches whole folders only
    ("総務部/x.xlsx", "all"),
])
def test_department_from_longest_prefix(factory, path, expected):
    with factory() as s:
        share = Share(name="本庁", root=ROOT + "/")
        depts = {c: Department(code=c, name=c) for c in ("all", "fukushi", "kaigo")}
        s.add_all([share, *depts.values()])
        s.flush()
        s.add_all([ShareMapping(share_id=share.id, prefix=p, department_id=depts[c].id)
                   for p, c in (("", "all"), ("福祉部", "fukushi"), ("福祉部/介護保険課/", "kaigo"))])
        s.commit()
        codes = {d.id: d.code for d in depts.values()}
    scan(factory, [rec(path)])
    asset = assets(factory)[path]
    assert codes[asset.department_id] == expected
    assert asset.share_id is not None


def test_manual_department_is_kept(factory):
    with factory() as s:
        share, a, b = Share(name="s", root=ROOT), Department(code="a", name="A"), Department(code="b", name="B")
        s.add_all([share, a, b])
        s.flush()
        s.add(ShareMapping(share_id=share.id, prefix="", department_id=a.id))
        s.commit()
    scan(factory, [rec("x", "X")])
    with factory() as s:
        asset = s.exec(select(Asset)).one()
        asset.department_id, asset.department_manual = b.id, True
        s.add(asset)
        s.commit()
    scan(factory, [rec("x", "Y")])
    assert assets(factory)["x"].department_id == b.id


def test_subfolder_scan_keys_by_share_root(factory):
    with factory() as s:
        s.add(Share(name="s", root=ROOT))
        s.commit()
    scan(factory, [rec("福祉部/a.xlsx", "X"), rec("総務部/b.xlsx", "Y")])
    with factory() as s:           # scanning only 福祉部: 総務部 is out of the run's scope
        run = begin_run(s, [ROOT + "/福祉部"])
        ingest_records(s, [rec("a.xlsx", "X", root=ROOT + "/福祉部")], run)
        ingest_records(s, [rec("a.xlsx", "X", root=ROOT + "/福祉部/a.xlsx")], run)  # a file root
        finish_run(s, run)
        s.commit()
    found = assets(factory)
    assert sorted(found) == ["福祉部/a.xlsx", "総務部/b.xlsx"]
    assert {a.status for a in found.values()} == {"ok"}
    assert (run.records, run.unchanged, run.removed) == (2, 2, 0)


@pytest.mark.parametrize("complete, second, removed", [
    (False, [rec("a", "X")], 0),       # a partial run marks nothing removed
    (True, [], 0),                     # a run that saw nothing (unmounted share) neither
    (True, [rec("a", "X")], 1),
])
def test_removal_needs_a_complete_run_that_saw_something(factory, complete, second, removed):
    scan(factory, [rec("a", "X"), rec("b", "Y")])
    run = scan(factory, second, complete=complete)
    assert run.removed == removed
    assert run.status == ("finished" if complete else "partial")


@pytest.mark.parametrize("bad", [
    "not a dict", {"path": "a"}, rec("a", status="weird"), rec("a", sha256="zz"),
    rec("a", personal=[1]), rec("a", risks="none"), rec("", "X"),
])
def test_rejected_records_are_counted_not_stored(factory, bad):
    run = scan(factory, [bad, rec("good", "G")])
    assert (run.rejected, run.records) == (1, 1)
    assert list(assets(factory)) == ["good"]


def test_long_and_odd_values_fit(factory):
    record = rec("長い/" + "あ" * 3000, "X", error="e" * 900, kind="x" * 40, size=2**40,
                 mtime="not a time", app={"is_app": True, "kind": "excel-vba", "modules": "3",
                                          "code_lines": 1.0e3, "complexity": "High"})
    record["personal"]["columns"].append({"sheet": "s" * 300, "header": None, "column": "Z",
                                          "category": "phone"})
    scan(factory, [record])
    asset = next(iter(assets(factory).values()))
    assert (len(asset.path), len(asset.error), asset.size, asset.mtime) == (2000, 500, 2**40, None)
    assert (asset.modules, asset.code_lines, asset.lifecycle) == (0, 1000, "discovered")


def test_hostile_text_is_cleaned_not_fatal(factory):
    """NUL characters and lone surrogates (undecodable names) would make PostgreSQL refuse a batch."""
    record = rec("名簿\udc8e.xlsx", "X", error="bad\x00byte", notes=["n\x00"])
    record["personal"]["columns"][0].update(header="氏\x00名", evidence={"example": "\ud800*"})
    run = scan(factory, [record, rec("ok.xlsx", "Y")])
    assert (run.new, run.rejected) == (2, 0)
    found = assets(factory)
    assert sorted(found) == ["ok.xlsx", "名簿?.xlsx"]
    assert found["名簿?.xlsx"].error == "badbyte"


def test_writer_commits_batches_and_absolute_roots(factory, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with RegistryWriter(factory, ["share"], batch_size=2) as writer:
        for i in range(5):
            writer.add(rec(f"f{i}", str(i), root="share"))
        writer.wait()               # batches are written by the writer's thread
        with factory() as s:        # two batches are visible before the run ends
            assert len(s.exec(select(Asset)).all()) == 4
    run = writer.run
    assert (run.status, run.new, run.roots) == ("finished", 5, [str(tmp_path / "share")])
    assert {a.root for a in assets(factory).values()} == {str(tmp_path / "share")}


def test_writer_closes_partial_on_error(factory):
    with pytest.raises(RuntimeError):
        with RegistryWriter(factory, [ROOT]) as writer:
            writer.add(rec("a"))
            raise RuntimeError("scan interrupted")
    assert writer.run.status == "partial"


def test_ingest_command(db_url, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from inventory.cli.main import main

    monkeypatch.setenv("INVENTORY_DATABASE_URL", db_url)
    path = tmp_path / "scan.jsonl"
    path.write_text("\n".join([json.dumps(rec("a", "X"), ensure_ascii=False), "{broken", ""]),
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", str(path)])
    assert result.exit_code == 0, result.output
    assert "新規 1" in result.output and "1 行は JSON ではありませんでした" in result.output
    result = CliRunner().invoke(main, ["ingest", str(path), "--share", "nosuch", "--lang", "en"])
    assert result.exit_code != 0 and "No share named 'nosuch'" in result.output


@pytest.mark.slow
def test_real_records_hold_no_personal_values(factory, municipal_share):
    """Scan the demo share, ingest twice, and find none of its personal values in the registry."""
    from scanners.scan import scan_roots

    records = list(scan_roots([str(municipal_share.root)], workers=2))
    for expected_new in (len(records), 0):
        run = scan(factory, [dict(r, root=ROOT) for r in records])
        assert run.new == expected_new
    dump = []
    with factory() as s:
        for model in (Asset, Finding, AssetChange, ScanRun, AuditEvent):
            for row in s.exec(select(model)):
                dump.append(json.dumps(row.model_dump(mode="json"), ensure_ascii=False))
    text = "\n".join(dump)
    assert municipal_share.personal_values
    leaked = [v for v in municipal_share.personal_values if len(str(v)) >= 4 and str(v) in text]
    assert leaked == []
    assert run.unchanged == len(records)


def _confirm(factory, path: str) -> tuple[int, int]:
    """A clerk confirms the finding of the asset at ``path``; (finding id, user id)."""
    from inventory.models import utcnow

    with factory() as s:
        user = User(username="clerk1", role="clerk")
        s.add(user)
        s.flush()
        finding = s.exec(select(Finding).join(Asset, Asset.id == Finding.asset_id)
                         .where(Asset.path == path)).one()
        finding.confirmed_at, finding.confirmed_by_id = utcnow(), user.id
        s.add(finding)
        s.commit()
        return finding.id, user.id


@pytest.mark.parametrize("then", [
    [rec("a", "Y")],                                         # content changed, finding still there
    [rec("sub/b", "X")],                                     # moved
    [rec("a", "Z", personal={"present": False}), rec("a", "Y")],  # finding gone, then back
])
def test_confirmation_survives_rescans(factory, then):
    scan(factory, [rec("a", "X")])
    finding_id, user_id = _confirm(factory, "a")
    for record in then:
        scan(factory, [record])
    with factory() as s:
        finding = s.exec(select(Finding)).one()
        assert (finding.id, finding.active, finding.confirmed_by_id, finding.dismissed) == (
            finding_id, True, user_id, False)
        assert finding.confirmed_at is not None


def test_confirmed_finding_kept_inactive_while_absent(factory):
    scan(factory, [rec("a", "X")])
    _confirm(factory, "a")
    scan(factory, [rec("a", "Z", personal={"present": False})])
    with factory() as s:
        finding = s.exec(select(Finding)).one()
        assert (finding.confirmed_at is not None, finding.active) == (True, False)


def test_undecided_finding_no_longer_reported_is_deleted(factory):
    scan(factory, [rec("a", "X")])
    scan(factory, [rec("a", "Z", personal={"present": False})])
    with factory() as s:
        assert s.exec(select(Finding)).all() == []


def test_a_failed_batch_is_raised_to_the_caller_and_the_run_left_partial(factory, monkeypatch):
    import inventory.registry.ingest as ingest

    written = ingest.write_batch
    calls = []

    def failing(session, rows, *args):
        calls.append(len(rows))
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return written(session, rows, *args)

    monkeypatch.setattr(ingest, "write_batch", failing)
    with pytest.raises(RuntimeError, match="database went away"):
        with RegistryWriter(factory, [ROOT], batch_size=2) as writer:
            for i in range(9):
                writer.add(rec(f"f{i}", str(i)))
    assert writer.run.status == "partial"
    assert sorted(assets(factory)) == ["f0", "f1"]          # the first batch, committed before
    assert sys.getswitchinterval() == pytest.approx(0.005)  # the GIL's default is back


@pytest.mark.parametrize("bound", [True, False])
def test_a_record_of_one_share_is_never_a_move_of_anothers_asset(factory, bound):
    """The CLI writer (``inventory ingest``/``scan``), with or without ``--share``: a removed
    asset of share A with the same content stays A's, with its department and findings."""
    with factory() as s:
        a, b = Share(name="A", root=ROOT), Share(name="B", root="/mnt/b")
        dept = Department(code="301", name="介護保険課")
        s.add_all([a, b, dept])
        s.flush()
        s.add(ShareMapping(share_id=a.id, prefix="", department_id=dept.id))
        s.commit()
        b_share = b if bound else None
        s.expunge_all()
    scan(factory, [rec("名簿.xlsx", "X"), rec("other.xlsx", "O")])
    scan(factory, [rec("other.xlsx", "O")])                       # 名簿.xlsx removed from A
    before = assets(factory)["名簿.xlsx"]
    assert before.status == "removed" and before.department_id is not None
    with RegistryWriter(factory, roots=["/mnt/b"], share=b_share, absolute_roots=False) as writer:
        writer.add(rec("受領/名簿.xlsx", "X", root="/mnt/b"))
    assert (writer.run.moved, writer.run.new) == (0, 1)
    after = assets(factory)
    assert (after["名簿.xlsx"].root, after["名簿.xlsx"].status, after["名簿.xlsx"].department_id) == (
        ROOT, "removed", before.department_id)
    assert after["受領/名簿.xlsx"].root == "/mnt/b" and after["受領/名簿.xlsx"].id != before.id
    with factory() as s:
        assert s.exec(select(Finding).where(Finding.asset_id == before.id)).all()
