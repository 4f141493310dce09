"""Scan suggestions (issue 18): a suggestion is not a declaration; files of one dataset are
one suggestion; adopt, reject with a reason, undo; 本人の数 needed to submit; a head who
returned a declaration does not submit it; two sessions adding items at once get distinct
numbers.  On SQLite and PostgreSQL, through the real services.

The registry is the web fixtures' (tests/web_fixtures.py): 介護保険課 (301) holds two
personal-data files (認定者一覧, 台帳), 職員課 (101) one live (職員名簿).
"""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select
from test_declarations import OPENS, DUE, complete, declaration_of, user
from test_reconcile import current_records, scan_again
from web_fixtures import record

from inventory.declarations import editing, proposals
from inventory.declarations import workflow as decl
from inventory.declarations.campaigns import declared_counts
from inventory.declarations.reconcile import reconcile
from inventory.declarations.suggestions import dataset_folder, name_stem
from inventory.models import (Asset, AuditEvent, DeclarationItem, DeclarationItemAsset, DeclarationProposal,
                              DeclarationProposalAsset)


@pytest.fixture
def db(app):
    with app.extensions["registry"].sessions() as session:
        yield session


def open_campaign(db):
    campaign = decl.open_campaign(db, user(db, "privacy"), 2026, OPENS, DUE, publish_threshold=30)
    db.commit()
    return campaign


def pending(db, declaration) -> dict[str, DeclarationProposal]:
    return {p.file_name: p for p in proposals.proposals_of(db, declaration.id) if p.status == "pending"}


def files_of(db, proposal) -> list[str]:
    return sorted(db.execute(select(Asset.name).join(DeclarationProposalAsset,
                                                     DeclarationProposalAsset.asset_id == Asset.id)
                             .where(DeclarationProposalAsset.proposal_id == proposal.id)).scalars())


def undeclared_names(db, campaign) -> set[str]:
    return {a.name for a in reconcile(db, campaign).undeclared}


def test_a_department_that_has_not_started_shows_its_holdings_as_undeclared(db):
    campaign = open_campaign(db)
    d = declaration_of(db, campaign, "301")
    assert decl.items_of(db, d.id) == [] and d.started_at is None
    assert set(pending(db, d)) == {"認定者一覧", "台帳"}
    assert undeclared_names(db, campaign) == {"認定者一覧.xlsx", "台帳.xlsm", "職員名簿.xlsx"}
    assert declared_counts(db, campaign)[d.id] == (0, 2)


def test_adopt_makes_an_item_reject_needs_a_reason_and_both_can_be_undone(db):
    campaign = open_campaign(db)
    d = declaration_of(db, campaign, "301")
    clerk = user(db, "clerk_a")
    suggestion = pending(db, d)
    item = proposals.adopt(db, clerk, d, suggestion["認定者一覧"])
    db.commit()
    assert (item.origin, item.change, item.file_name, item.subject_count, item.sensitive) == (
        "scan", "new", "認定者一覧", 40, True)
    assert db.execute(select(Asset.name).join(DeclarationItemAsset, DeclarationItemAsset.asset_id == Asset.id)
                      .where(DeclarationItemAsset.item_id == item.id)).scalars().all() == ["認定者一覧.xlsx"]
    assert d.started_at is not None                      # a person's decision starts the declaration
    assert undeclared_names(db, campaign) == {"台帳.xlsm", "職員名簿.xlsx"}
    with pytest.raises(decl.StaleError):                 # the second click (another tab) changes nothing
        proposals.adopt(db, clerk, d, suggestion["認定者一覧"])
    ledger = pending(db, d)["台帳"]
    with pytest.raises(decl.DeclarationError) as exc:
        proposals.reject(db, clerk, d, ledger, "   ")
    assert exc.value.code == "reason_required"
    proposals.reject(db, clerk, d, ledger, "マクロの作業用ファイルで、台帳は基幹システムで届出済み")
    db.commit()
    db.refresh(ledger)
    assert (ledger.status, ledger.reason, ledger.decided_by_id) == (
        "rejected", "マクロの作業用ファイルで、台帳は基幹システムで届出済み", clerk.id)
    assert "台帳.xlsm" in undeclared_names(db, campaign)   # rejected: still not declared
    audit = db.execute(select(AuditEvent.field, AuditEvent.after).where(
        AuditEvent.object_type == "declaration_proposal", AuditEvent.object_id == ledger.id)).all()
    assert ("reason", "マクロの作業用ファイルで、台帳は基幹システムで届出済み") in audit
    proposals.restore(db, clerk, d, ledger)
    db.commit()
    assert pending(db, d).keys() == {"台帳"}
    # deleting the adopted item gives the suggestion back
    editing.delete_item(db, clerk, d, item, item.version)
    db.commit()
    assert pending(db, d).keys() == {"台帳", "認定者一覧"}
    assert "認定者一覧.xlsx" in undeclared_names(db, campaign)


def test_another_department_cannot_adopt_and_a_submitted_declaration_is_closed(db):
    campaign = open_campaign(db)
    d = declaration_of(db, campaign, "301")
    with pytest.raises(decl.DeclarationError) as exc:
        proposals.adopt(db, user(db, "clerk_b"), d, pending(db, d)["台帳"])
    assert exc.value.code == "forbidden"
    db.rollback()
    with pytest.raises(decl.DeclarationError) as exc:
        proposals.reject(db, user(db, "privacy"), d, pending(db, d)["台帳"], "理由")
    assert exc.value.code == "forbidden"


def test_files_of_one_dataset_are_one_suggestion(db):
    same = ["name", "address"]
    scan_again(db, current_records([
        record("健康福祉部/介護保険課/名簿_2024.xlsx", same),
        record("健康福祉部/介護保険課/名簿_令和7年度.csv", same),               # an export, next year
        record("健康福祉部/介護保険課/2023/名簿_2023.xlsx", same),              # a year folder
        record("健康福祉部/介護保険課/作業用/住所録_作業用.xlsx", same),         # a working copy
        record("健康福祉部/介護保険課/訪問記録.xlsx", ["name", "health"]),       # other columns
        record("健康福祉部/介護保険課/相談/名簿 - コピー.xlsx", same),           # a copy elsewhere
        record("健康福祉部/介護保険課/相談/名簿_2024.xlsx", ["name", "phone"]),  # same name, other columns
    ]))
    campaign = open_campaign(db)
    d = declaration_of(db, campaign, "301")
    found = sorted((p.file_name, files_of(db, p)) for p in proposals.proposals_of(db, d.id))
    assert found == [
        ("台帳", ["台帳.xlsm"]),
        ("名簿", sorted(["名簿_2024.xlsx", "名簿_令和7年度.csv", "名簿_2023.xlsx", "住所録_作業用.xlsx",
                         "名簿 - コピー.xlsx"])),
        ("名簿", ["名簿_2024.xlsx"]),                                   # 相談: other columns, apart
        ("訪問記録", ["訪問記録.xlsx"]),
        ("認定者一覧", ["認定者一覧.xlsx"]),
    ]


@pytest.mark.parametrize("name, stem", [
    ("名簿_2024.xlsx", "名簿"), ("名簿_令和7年度.csv", "名簿"), ("R6_受給者一覧(2).xlsx", "受給者一覧"),
    ("名簿 - コピー.xlsx", "名簿"), ("選挙人名簿_old.xlsx", "選挙人名簿"), ("台帳_20240401.xlsx", "台帳"),
    ("選挙人名簿_第1投票区.xlsx", "選挙人名簿_第1投票区"), ("chart2.xlsx", "chart2"),
])
def test_name_stems(name, stem):
    assert name_stem(name) == stem


@pytest.mark.parametrize("folder, dataset", [
    ("部/課/2023", "部/課"), ("部/課/令和5年度/バックアップ", "部/課"), ("部/課/作業用", "部/課"),
    ("部/課/選挙人名簿", "部/課/選挙人名簿"), ("2023", "2023"), ("部/課/R5", "部/課"),
])
def test_dataset_folders(folder, dataset):
    assert dataset_folder(folder) == dataset


def test_an_item_without_the_number_of_people_is_saved_but_stops_the_submission(db):
    campaign = open_campaign(db)
    d = declaration_of(db, campaign, "101")
    clerk = user(db, "clerk_b")
    item = proposals.adopt(db, clerk, d, pending(db, d)["職員名簿"])
    editing.save_item(db, clerk, d, item, complete(item, subject_count=None), item.version)
    db.commit()
    assert item.subject_count is None and not item.published
    assert decl.completeness_problems(decl.item_dict(item))[0].field == "subject_count"
    with pytest.raises(decl.DeclarationError) as exc:
        decl.act(db, clerk, d, "submit", d.version)
    assert exc.value.code == "incomplete"
    db.rollback()
    editing.save_item(db, clerk, d, item, complete(item, subject_count=250), item.version)
    decl.act(db, clerk, d, "submit", d.version)
    db.commit()
    assert d.status == "submitted"


def test_the_head_who_returned_a_declaration_does_not_submit_it(db):
    campaign = open_campaign(db)
    d = declaration_of(db, campaign, "101")
    clerk, head = user(db, "clerk_b"), user(db, "head_b")
    item = proposals.adopt(db, clerk, d, pending(db, d)["職員名簿"])
    editing.save_item(db, clerk, d, item, complete(item, subject_count=250), item.version)
    decl.act(db, clerk, d, "submit", d.version)
    decl.act(db, head, d, "return_head", d.version, comment="本人の数を確認してください")
    db.commit()
    assert "submit" not in decl.allowed_actions(db, head, d)
    assert decl.allowed_actions(db, clerk, d) == ["submit"]
    with pytest.raises(decl.DeclarationError) as exc:
        decl.act(db, head, d, "submit", d.version)
    assert exc.value.code == "forbidden"


def test_two_sessions_adding_items_at_once_get_distinct_numbers(app, db):
    """Session one adds an item and holds its transaction open; session two adds one meanwhile
    (on PostgreSQL it computes the same number, waits, is refused by the unique constraint
    and takes the next; on SQLite it waits for the writer).  Both are kept, numbered apart."""
    campaign = open_campaign(db)
    d = declaration_of(db, campaign, "301")
    sessions = app.extensions["registry"].sessions
    values = lambda name: complete(DeclarationItem(file_name=name, file_type="electronic", exemption=""),  # noqa: E731
                                   subject_count=10)
    failures = []
    with sessions() as one, sessions() as two:
        d1, d2 = one.get(type(d), d.id), two.get(type(d), d.id)
        first = editing.save_item(one, one.get(type(user(db, "clerk_a")), user(db, "clerk_a").id), d1, None,
                                  values("一つ目"), None)

        def second():
            try:
                clerk = two.get(type(user(db, "clerk_a")), user(db, "clerk_a").id)
                editing.save_item(two, clerk, d2, None, values("二つ目"), None)
                two.commit()
            except Exception as exc:          # reported below
                failures.append(exc)
                two.rollback()

        worker = threading.Thread(target=second)
        worker.start()
        time.sleep(0.5)                       # session two is waiting on session one's insert
        one.commit()
        worker.join(30)
        assert first.position == 1
    assert failures == []
    db.expire_all()
    numbers = sorted((i.position, i.file_name) for i in decl.items_of(db, d.id))
    assert numbers == [(1, "一つ目"), (2, "二つ目")]


def test_files_scanned_after_the_opening_are_suggested_on_request(db):
    campaign = open_campaign(db)
    d = declaration_of(db, campaign, "301")
    clerk = user(db, "clerk_a")
    proposals.reject(db, clerk, d, pending(db, d)["台帳"], "届出対象外")
    db.commit()
    scan_again(db, current_records([record("健康福祉部/介護保険課/訪問記録_2026.xlsx", ["name", "health"])]))
    assert proposals.refresh(db, clerk, d) == 1
    db.commit()
    assert set(pending(db, d)) == {"認定者一覧", "訪問記録"}          # the rejected one stays rejected
    assert proposals.refresh(db, clerk, d) == 0
