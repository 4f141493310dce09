"""Declarations (個人情報ファイル簿): campaigns, prefill from scans and last year, editing with
optimistic locking, the workflow and its permissions, on SQLite and PostgreSQL.

The registry is the web fixtures' (tests/web_fixtures.py): 介護保険課 (301) holds two
personal-data files, 職員課 (101) one live and one removed.
"""
from __future__ import annotations

import datetime as dt

import pytest
from declaration_helpers import adopt_suggestions
from sqlalchemy import select

from inventory.declarations import editing
from inventory.declarations import workflow as decl
from inventory.declarations.campaigns import campaign_progress, progress_state
from inventory.declarations.fields import FIELDS, published_flag
from inventory.models import (Asset, AssetStatus, AuditEvent, Declaration, DeclarationEvent,
                              DeclarationItem, DeclarationItemAsset, DeclarationSnapshot,
                              Department, User)

OPENS, DUE = dt.date(2026, 5, 1), dt.date(2026, 6, 30)


@pytest.fixture
def db(app):
    with app.extensions["registry"].sessions() as session:
        yield session


def user(db, name: str) -> User:
    return db.execute(select(User).where(User.username == name)).scalar_one()


def dept(db, code: str) -> Department:
    return db.execute(select(Department).where(Department.code == code)).scalar_one()


def declaration_of(db, campaign, code: str) -> Declaration:
    return db.execute(select(Declaration).where(Declaration.campaign_id == campaign.id,
                                                Declaration.department_id == dept(db, code).id)).scalar_one()


def complete(item: DeclarationItem, **changes) -> dict:
    """The item's values with every required field filled."""
    values = decl.item_dict(item)
    values.update(business_name=values["business_name"] or "介護認定事務",
                  organisation=values["organisation"] or "介護保険課",
                  purpose=values["purpose"] or "要介護認定の審査のため",
                  record_scope=values["record_scope"] or "要介護認定の申請者")
    values.update(changes)
    return {f.name: values[f.name] for f in FIELDS}


def open_2026(db, adopt: bool = True):
    """The 2026 campaign; ``adopt``: every scan suggestion adopted (the declarations stay 未着手)."""
    campaign = decl.open_campaign(db, user(db, "privacy"), 2026, OPENS, DUE, publish_threshold=30)
    db.commit()
    if adopt:
        adopt_suggestions(db, campaign)
    return campaign


def fill_and_accept(db, campaign, code="301") -> Declaration:
    d = declaration_of(db, campaign, code)
    clerk = user(db, "clerk_a" if code == "301" else "clerk_b")
    for item in decl.items_of(db, d.id):
        editing.save_item(db, clerk, d, item, complete(item), item.version)
    decl.act(db, clerk, d, "submit", d.version)
    decl.act(db, user(db, "head_a" if code == "301" else "head_b"), d, "approve", d.version)
    decl.act(db, user(db, "privacy"), d, "accept", d.version)
    db.commit()
    return d


def test_campaign_prefills_each_department_from_its_scanned_personal_data(db):
    campaign = open_2026(db, adopt=False)
    for code in ("100", "101", "300", "301"):
        d = declaration_of(db, campaign, code)
        assert d.status == "draft" and d.started_at is None
        assert decl.items_of(db, d.id) == []            # suggestions are not items
    assert adopt_suggestions(db, campaign) == 3
    counts = {}
    for code in ("100", "101", "300", "301"):
        d = declaration_of(db, campaign, code)
        counts[code] = [(i.origin, i.change, i.file_name) for i in decl.items_of(db, d.id)]
    assert counts["300"] == [] and counts["100"] == []
    assert sorted(name for _o, _c, name in counts["301"]) == ["台帳", "認定者一覧"]
    assert counts["101"] == [("scan", "new", "職員名簿")]          # the removed file is not suggested
    item = next(i for i in decl.items_of(db, declaration_of(db, campaign, "301").id)
                if i.file_name == "認定者一覧")
    assert item.sensitive and item.subject_count == 40 and item.published   # threshold 30
    assert sorted(item.record_categories) == ["address", "health", "name"]
    linked = db.execute(select(Asset.name).join(DeclarationItemAsset, DeclarationItemAsset.asset_id == Asset.id)
                        .where(DeclarationItemAsset.item_id == item.id)).scalars().all()
    assert linked == ["認定者一覧.xlsx"]


def test_a_fiscal_year_has_one_campaign_and_dates_must_be_in_order(db):
    open_2026(db)
    with pytest.raises(decl.DeclarationError) as exc:
        decl.open_campaign(db, None, 2026, OPENS, DUE)
    assert exc.value.code == "duplicate"
    db.rollback()
    with pytest.raises(decl.DeclarationError) as exc:
        decl.open_campaign(db, None, 2027, DUE, OPENS)
    assert exc.value.code == "dates"


def test_invalid_values_are_refused_field_by_field(db):
    campaign = open_2026(db)
    d = declaration_of(db, campaign, "301")
    item = decl.items_of(db, d.id)[0]
    values = complete(item, purpose="", subject_count=-3, file_type="paper", file_name="x" * 201)
    with pytest.raises(editing.InvalidItem) as exc:
        editing.save_item(db, user(db, "clerk_a"), d, item, values, item.version)
    assert {(p.field, p.code) for p in exc.value.problems} == {
        ("purpose", "required"), ("subject_count", "not_count"), ("file_type", "choice"),
        ("file_name", "too_long")}


def test_submit_needs_complete_items_then_head_and_office_take_it_to_accepted(db):
    campaign = open_2026(db)
    d = declaration_of(db, campaign, "301")
    clerk, head, office = user(db, "clerk_a"), user(db, "head_a"), user(db, "privacy")
    with pytest.raises(decl.DeclarationError) as exc:
        decl.act(db, clerk, d, "submit", d.version)
    assert exc.value.code == "incomplete"
    for item in decl.items_of(db, d.id):
        editing.save_item(db, clerk, d, item, complete(item), item.version)
    assert d.started_at is not None
    assert decl.allowed_actions(db, clerk, d) == ["submit"]
    decl.act(db, clerk, d, "submit", d.version)
    assert decl.allowed_actions(db, clerk, d) == []
    with pytest.raises(decl.DeclarationError) as exc:
        decl.act(db, head, d, "return_head", d.version, comment="  ")
    assert exc.value.code == "comment_required"
    decl.act(db, head, d, "return_head", d.version, comment="利用目的を具体的に")
    assert d.status == "returned" and decl.may_edit(db, clerk, d)
    item = decl.items_of(db, d.id)[0]
    editing.save_item(db, clerk, d, item, complete(item, purpose="要介護認定の審査及び通知のため"), item.version)
    decl.act(db, clerk, d, "submit", d.version)
    decl.act(db, head, d, "approve", d.version)
    assert d.status == "reviewing" and not decl.may_edit(db, clerk, d)
    decl.act(db, office, d, "accept", d.version)
    db.commit()
    assert (d.status, d.history_no) == ("accepted", 1)
    snapshot = db.execute(select(DeclarationSnapshot).where(DeclarationSnapshot.declaration_id == d.id)).scalar_one()
    assert len(snapshot.items) == 2 and all(i["asset_ids"] for i in snapshot.items)
    actions = db.execute(select(DeclarationEvent.action).where(DeclarationEvent.declaration_id == d.id)
                         .order_by(DeclarationEvent.id)).scalars().all()
    assert actions == ["create", "submit", "return_head", "submit", "approve", "accept"]
    steps = db.execute(select(DeclarationEvent.from_status, DeclarationEvent.to_status)
                       .where(DeclarationEvent.declaration_id == d.id).order_by(DeclarationEvent.id)).all()
    assert steps == [(None, "draft"), ("draft", "submitted"), ("submitted", "returned"),
                     ("returned", "submitted"), ("submitted", "reviewing"), ("reviewing", "accepted")]
    comment = db.execute(select(DeclarationEvent.comment).where(DeclarationEvent.action == "return_head")).scalar_one()
    assert comment == "利用目的を具体的に"


def test_a_change_during_the_year_takes_the_same_path_and_gets_the_next_history_number(db):
    campaign = open_2026(db)
    d = fill_and_accept(db, campaign)
    clerk = user(db, "clerk_a")
    decl.act(db, clerk, d, "reopen", d.version, comment="委託先の変更")
    item = decl.items_of(db, d.id)[0]
    editing.save_item(db, clerk, d, item, complete(item, contractor="株式会社テスト"), item.version)
    decl.act(db, clerk, d, "submit", d.version)
    decl.act(db, user(db, "head_a"), d, "approve", d.version)
    decl.act(db, user(db, "privacy"), d, "accept", d.version)
    db.commit()
    numbers = db.execute(select(DeclarationSnapshot.history_no).where(DeclarationSnapshot.declaration_id == d.id)
                         .order_by(DeclarationSnapshot.history_no)).scalars().all()
    assert numbers == [1, 2]
    audit = db.execute(select(AuditEvent.before, AuditEvent.after).where(
        AuditEvent.object_type == "declaration_item", AuditEvent.object_id == item.id,
        AuditEvent.field == "contractor")).all()
    assert audit == [("", "株式会社テスト")]


@pytest.mark.parametrize("username, action", [
    ("clerk_b", "submit"),          # another department
    ("clerk_a", "approve"),         # a clerk does not approve
    ("it", "submit"),               # the IT division reads only
    ("privacy", "approve"),         # the office does not approve for the head
])
def test_who_may_act_is_enforced(db, username, action):
    campaign = open_2026(db)
    d = declaration_of(db, campaign, "301")
    if action == "approve":
        for item in decl.items_of(db, d.id):
            editing.save_item(db, user(db, "clerk_a"), d, item, complete(item), item.version)
        decl.act(db, user(db, "clerk_a"), d, "submit", d.version)
    with pytest.raises(decl.DeclarationError) as exc:
        decl.act(db, user(db, username), d, action, d.version)
    assert exc.value.code == "forbidden"


def test_another_department_cannot_edit_items(db):
    campaign = open_2026(db)
    d = declaration_of(db, campaign, "301")
    item = decl.items_of(db, d.id)[0]
    with pytest.raises(decl.DeclarationError) as exc:
        editing.save_item(db, user(db, "clerk_b"), d, item, complete(item), item.version)
    assert exc.value.code == "forbidden"


def test_two_clerks_editing_one_item_never_overwrite_each_other(app):
    sessions = app.extensions["registry"].sessions
    with sessions() as db:
        campaign = open_2026(db)
        d_id = declaration_of(db, campaign, "301").id
        item_id = decl.items_of(db, d_id)[0].id
    with sessions() as first, sessions() as second:
        d1, i1 = first.get(Declaration, d_id), first.get(DeclarationItem, item_id)
        d2, i2 = second.get(Declaration, d_id), second.get(DeclarationItem, item_id)
        seen = i1.version
        assert i2.version == seen
        editing.save_item(first, user(first, "clerk_a"), d1, i1, complete(i1, purpose="一人目の入力"), seen)
        first.commit()
        with pytest.raises(decl.StaleError):
            editing.save_item(second, user(second, "clerk_a"), d2, i2, complete(i2, purpose="二人目の入力"), seen)
    with sessions() as db:
        assert db.get(DeclarationItem, item_id).purpose == "一人目の入力"


def test_a_stale_workflow_action_is_refused(app):
    sessions = app.extensions["registry"].sessions
    with sessions() as db:
        campaign = open_2026(db)
        d = declaration_of(db, campaign, "301")
        seen = d.version
        item = decl.items_of(db, d.id)[0]
        editing.save_item(db, user(db, "clerk_a"), d, item, complete(item), item.version)
        db.commit()
        with pytest.raises(decl.StaleError):
            decl.act(db, user(db, "clerk_a"), d, "submit", seen)


def test_next_year_carries_accepted_items_forward_and_classifies_changes(db):
    d2026 = fill_and_accept(db, open_2026(db))
    first_ids = {i.file_name: i.id for i in decl.items_of(db, d2026.id)}
    c2027 = decl.open_campaign(db, user(db, "privacy"), 2027, dt.date(2027, 5, 1), dt.date(2027, 6, 30),
                               publish_threshold=30)
    db.commit()
    d = declaration_of(db, c2027, "301")
    items = {i.file_name: i for i in decl.items_of(db, d.id)}
    assert set(items) == {"台帳", "認定者一覧"}           # no duplicate suggestion for linked assets
    assert all(i.origin == "carried" and i.change == "continued" for i in items.values())
    assert {n: i.lineage_id for n, i in items.items()} == first_ids
    clerk = user(db, "clerk_a")
    changed = items["認定者一覧"]
    editing.save_item(db, clerk, d, changed, complete(changed, purpose="変更後の目的"), changed.version)
    assert changed.change == "changed"
    editing.save_item(db, clerk, d, changed, complete(changed, purpose=decl.item_dict(changed)["purpose"]),
                      changed.version)
    abolished = items["台帳"]
    editing.set_abolished(db, clerk, d, abolished, True, abolished.version)
    assert abolished.change == "abolished"
    with pytest.raises(decl.DeclarationError) as exc:
        editing.delete_item(db, clerk, d, abolished, abolished.version)
    assert exc.value.code == "carried"
    new = editing.save_item(db, clerk, d, None, complete(items["台帳"], file_name="紙の申請書綴り",
                                                         file_type="manual", subject_count=None), None)
    assert new.change == "new" and not new.published


def test_a_removed_file_is_not_carried_as_a_link(db):
    campaign = open_2026(db)
    d = fill_and_accept(db, campaign, "101")
    asset_id = db.execute(select(DeclarationItemAsset.asset_id).join(
        DeclarationItem, DeclarationItem.id == DeclarationItemAsset.item_id)
        .where(DeclarationItem.declaration_id == d.id)).scalar_one()
    db.get(Asset, asset_id).status = AssetStatus.removed
    db.commit()
    c2027 = decl.open_campaign(db, None, 2027, dt.date(2027, 5, 1), dt.date(2027, 6, 30))
    item = decl.items_of(db, declaration_of(db, c2027, "101").id)[0]
    assert item.origin == "carried"
    assert db.execute(select(DeclarationItemAsset).where(DeclarationItemAsset.item_id == item.id)).first() is None


@pytest.mark.parametrize("count, exemption, threshold, published", [
    (1000, "", 1000, True), (999, "", 1000, False), (5000, "3", 1000, False), (None, "", 0, False),
    (0, "", 0, True),
])
def test_published_flag(count, exemption, threshold, published):
    assert published_flag(count, exemption, threshold) is published


def test_progress_states(db):
    campaign = open_2026(db)
    d = declaration_of(db, campaign, "301")
    assert progress_state(d, campaign, OPENS) == "not_started"
    item = decl.items_of(db, d.id)[0]
    editing.save_item(db, user(db, "clerk_a"), d, item, complete(item), item.version)
    assert progress_state(d, campaign, OPENS) == "drafting"
    assert progress_state(d, campaign, DUE + dt.timedelta(days=1)) == "overdue"
    states = {dept.code: s for _d, dept, s in campaign_progress(db, campaign, DUE + dt.timedelta(days=1))}
    assert states == {"100": "overdue", "101": "overdue", "300": "overdue", "301": "overdue"}
