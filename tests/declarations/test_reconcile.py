"""Reconciliation of declarations with the scans (inventory/declarations/reconcile.py), on SQLite and PostgreSQL:
undeclared holdings (copies count as linked), declared files that disappeared, 本人の数 far
from the scanned counts, sensitive data not declared; per department and city-wide, in a
fixed number of statements.

Assets come from the web fixtures (tests/web_fixtures.py) plus records ingested here
through the real ingest code, after the campaign opened (so that nothing prefilled them).
"""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import event, select
from test_declarations import complete, declaration_of, dept, open_2026, user
from web_fixtures import RECORDS, REMOVED, record

from inventory.declarations import editing
from inventory.declarations import workflow as decl
from inventory.registry.ingest import begin_run, finish_run, ingest_records
from inventory.models import Asset, Share
from inventory.declarations.reconcile import count_reason, reconcile

SAME_AS_LIST = hashlib.sha256("健康福祉部/介護保険課/認定者一覧.xlsx".encode()).hexdigest()
NEW_RECORDS = [
    record("健康福祉部/介護保険課/新しい名簿.xlsx", ["name", "health"], sensitive=True),
    dict(record("健康福祉部/介護保険課/控え/認定者一覧のコピー.xlsx", ["name", "address", "health"], sensitive=True),
         sha256=SAME_AS_LIST),                                     # a byte-identical copy of a declared file
    record("健康福祉部/部の名簿.xlsx", ["name", "phone"]),            # the 部 (300) itself
    record("未整理/名簿.xlsx", ["name"]),                             # no department
]


@pytest.fixture
def db(app):
    with app.extensions["registry"].sessions() as session:
        yield session


def scan_again(db, records) -> None:
    """One more complete scan run over the share: what ``records`` lack is removed."""
    share = db.execute(select(Share)).scalar_one()
    run = begin_run(db, [share.root], share=share)
    ingest_records(db, records, run)
    finish_run(db, run)
    db.commit()


def current_records(extra=(), drop=()) -> list[dict]:
    return [r for r in RECORDS if r["path"] != REMOVED and r["path"] not in drop] + list(extra)


def asset(db, name: str) -> Asset:
    return db.execute(select(Asset).where(Asset.name == name)).scalar_one()


def item_named(db, declaration, name: str):
    return next(i for i in decl.items_of(db, declaration.id) if i.file_name == name)


def names(rows, db) -> list[str]:
    return [db.get(Asset, r.asset_id).name for r in rows]


def test_undeclared_holdings_per_department_and_city_wide(db):
    campaign = open_2026(db)
    scan_again(db, current_records(NEW_RECORDS))
    copy = asset(db, "認定者一覧のコピー.xlsx")
    assert copy.copy_of_id == asset(db, "認定者一覧.xlsx").id
    city = reconcile(db, campaign)
    assert names(city.undeclared, db) == ["部の名簿.xlsx", "新しい名簿.xlsx"]   # by department code
    assert [a.department_id for a in city.undeclared] == [dept(db, "300").id, dept(db, "301").id]
    assert names(city.sensitive_undeclared, db) == ["新しい名簿.xlsx"]
    assert city.unassigned == 1
    only_301 = reconcile(db, campaign, {dept(db, "301").id})
    assert names(only_301.undeclared, db) == ["新しい名簿.xlsx"] and only_301.unassigned == 0
    assert reconcile(db, campaign, set()).undeclared == []
    d = declaration_of(db, campaign, "301")                      # an item deleted: its file becomes undeclared
    ledger = item_named(db, d, "台帳")
    editing.delete_item(db, user(db, "clerk_a"), d, ledger, ledger.version)
    db.commit()
    assert names(reconcile(db, campaign, {dept(db, "301").id}).undeclared, db) == ["台帳.xlsm", "新しい名簿.xlsx"]
    per = dict(reconcile(db, campaign).per_department())
    assert per[dept(db, "301").id]["undeclared"] == 2 and per[dept(db, "301").id]["sensitive_undeclared"] == 1


def test_a_copy_is_declared_through_its_original_and_the_original_through_its_copy(db):
    campaign = open_2026(db)
    d = declaration_of(db, campaign, "301")
    scan_again(db, current_records(NEW_RECORDS))
    original, copy = asset(db, "認定者一覧.xlsx"), asset(db, "認定者一覧のコピー.xlsx")
    item = item_named(db, d, "認定者一覧")
    editing.set_item_assets(db, user(db, "clerk_a"), item, [copy.id])        # only the copy is linked now
    db.commit()
    assert original.id not in {a.asset_id for a in reconcile(db, campaign).undeclared}
    # an abolished item declares nothing
    editing.set_abolished(db, user(db, "clerk_a"), d, item, True, item.version)
    db.commit()
    listed = {a.asset_id for a in reconcile(db, campaign).undeclared}
    assert {original.id, copy.id} <= listed


def test_declared_electronic_files_that_disappeared_or_link_nothing(db):
    campaign = open_2026(db)
    clerk = user(db, "clerk_b")
    d101 = declaration_of(db, campaign, "101")
    staff = item_named(db, d101, "職員名簿")
    editing.save_item(db, clerk, d101, None, complete(staff, file_name="給与システム出力"), None, asset_ids=[])
    editing.save_item(db, clerk, d101, None, complete(staff, file_name="紙の名簿", file_type="manual"), None,
                      asset_ids=[])
    db.commit()
    assert [i.file_name for i in reconcile(db, campaign).vanished] == ["給与システム出力"]
    scan_again(db, current_records(drop={"総務部/職員課/職員名簿.xlsx"}))
    vanished = reconcile(db, campaign).vanished
    assert [(i.file_name, i.reason, i.linked) for i in vanished] == [
        ("職員名簿", "disappeared", 1), ("給与システム出力", "no_link", 0)]
    assert reconcile(db, campaign, {dept(db, "301").id}).vanished == []


def test_subject_counts_far_from_the_scanned_counts(db):
    campaign = open_2026(db)
    d = declaration_of(db, campaign, "301")
    clerk = user(db, "clerk_a")
    scan_again(db, current_records(NEW_RECORDS))
    listing, ledger = item_named(db, d, "認定者一覧"), item_named(db, d, "台帳")
    copy = asset(db, "認定者一覧のコピー.xlsx")
    editing.save_item(db, clerk, d, listing, complete(listing, subject_count=130), listing.version,
                      asset_ids=[asset(db, "認定者一覧.xlsx").id, copy.id])   # 40 rows, twice: counted once
    editing.save_item(db, clerk, d, ledger, complete(ledger, subject_count=10), ledger.version)
    staff_d = declaration_of(db, campaign, "101")
    staff = item_named(db, staff_d, "職員名簿")
    editing.save_item(db, user(db, "clerk_b"), staff_d, staff, complete(staff, subject_count=None), staff.version)
    db.commit()
    gaps = {g.file_name: (g.reason, g.subject_count, g.max_records, g.sum_records)
            for g in reconcile(db, campaign).count_gaps}
    assert gaps == {"認定者一覧": ("above", 130, 40, 40), "台帳": ("below", 10, 40, 40),
                    "職員名簿": ("missing", None, 40, 40)}
    assert {g.file_name for g in reconcile(db, campaign, factor=4).count_gaps} == {"職員名簿"}   # 130 <= 160, 10*4 >= 40
    editing.save_item(db, clerk, d, listing, complete(listing, subject_count=100), listing.version)
    db.commit()
    assert "認定者一覧" not in {g.file_name for g in reconcile(db, campaign).count_gaps}


@pytest.mark.parametrize("declared, most, total, reason", [
    (40, 40, 40, ""), (14, 40, 40, ""), (13, 40, 40, "below"), (120, 40, 40, ""), (121, 40, 40, "above"),
    (None, 40, 40, "missing"), (None, 0, 0, ""), (0, 0, 0, ""), (500, 100, 200, ""),
])
def test_count_rule(declared, most, total, reason):
    assert count_reason(declared, most, total, 3) == reason


def test_sensitive_data_found_but_not_declared(db):
    campaign = open_2026(db)
    d = declaration_of(db, campaign, "301")
    listing = item_named(db, d, "認定者一覧")
    assert reconcile(db, campaign).sensitive_gaps == []                 # prefilled 要配慮 有 from the scan
    editing.save_item(db, user(db, "clerk_a"), d, listing, complete(listing, sensitive=False), listing.version)
    db.commit()
    gaps = reconcile(db, campaign).sensitive_gaps
    assert [(g.file_name, g.sensitive_assets) for g in gaps] == [("認定者一覧", 1)]
    assert reconcile(db, campaign, {dept(db, "101").id}).sensitive_gaps == []


def test_the_lists_take_a_fixed_number_of_statements(app, db):
    campaign = open_2026(db)
    engine = app.extensions["registry"].engine
    statements = []

    def count(*_args):
        statements.append(1)

    def measured() -> int:
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            reconcile(db, campaign)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        db.rollback()
        return len(statements)

    few = measured()
    many = [record(f"健康福祉部/介護保険課/名簿{n:03d}.xlsx", ["name", "address"], sensitive=n % 2 == 0)
            for n in range(60)]
    scan_again(db, current_records(NEW_RECORDS + many))
    found = reconcile(db, campaign)
    assert len(found.undeclared) == 62 and len(found.sensitive_undeclared) == 31
    assert measured() == few == 6
