"""The department view: each role's scope, confirming and dismissing findings (audited, with a
required reason), dismissals and confirmations surviving re-scans, what heads see pending."""
from __future__ import annotations

import copy
import datetime as dt
import logging
import re

import pytest
from sqlalchemy import event, select, update
from web_fixtures import RECORDS, REMOVED, ROOT, asset_id, csrf_token, login, user_id

from inventory.clock import city_today
from inventory.registry.ingest import begin_run, finish_run, ingest_records
from inventory.models import Asset, AuditEvent, Finding, Person, Share

CARE_LIST = "健康福祉部/介護保険課/認定者一覧.xlsx"     # 301: name, address, health + hidden-personal-data
LEDGER = "健康福祉部/介護保険課/台帳.xlsm"            # 301: app; name, my_number + autoexec-macro
STAFF = "総務部/職員課/職員名簿.xlsx"                 # 101: name, birth_date
SALARY = "総務部/職員課/給与.xlsx"                    # 101: encrypted (a risk)
A_FILES = ["認定者一覧.xlsx", "台帳.xlsm"]
B_FILES = ["職員名簿.xlsx", "給与.xlsx"]
ALL_FILES = A_FILES + B_FILES
DISMISS_REASON = "施設の代表電話の列で、個人の情報ではない"


def listed(client, query: str = "") -> list[str]:
    html = client.get("/departments/" + query).get_data(as_text=True)
    return re.findall(r'<a href="/departments/assets/\d+">([^<]+)</a> <small', html)


def finding(db, path: str, category: str | None = None, code: str | None = None) -> Finding:
    stmt = select(Finding).join(Asset, Asset.id == Finding.asset_id).where(Asset.path == path)
    stmt = stmt.where(Finding.category == category) if category else stmt.where(Finding.code == code)
    db.expire_all()
    return db.execute(stmt).scalar_one()


def page_token(client, path_id: int) -> str:
    return csrf_token(client.get(f"/departments/assets/{path_id}").get_data(as_text=True))


def dismiss(client, app, found: Finding, reason: str):
    token = csrf_token(client.get("/").get_data(as_text=True))
    return client.post(f"/departments/findings/{found.id}/dismiss",
                       data={"csrf_token": token, f"finding-{found.id}-reason": reason})


def confirm(client, found: Finding):
    token = csrf_token(client.get("/").get_data(as_text=True))
    return client.post(f"/departments/findings/{found.id}/confirm", data={"csrf_token": token})


def events(db, found: Finding) -> list[tuple[str, str | None, str | None]]:
    return [tuple(r) for r in db.execute(
        select(AuditEvent.field, AuditEvent.before, AuditEvent.after)
        .where(AuditEvent.object_type == "finding", AuditEvent.object_id == found.id).order_by(AuditEvent.id))]


# ---------------------------------------------------------------- scope

@pytest.mark.parametrize("username, expected, pending_shown", [
    ("clerk_a", A_FILES, False),
    ("head_a", A_FILES, True),          # 健康福祉部's own file (会議資料.csv) holds nothing
    ("clerk_b", B_FILES, False),
    ("head_b", B_FILES, True),
    ("privacy", ALL_FILES, True), ("it", ALL_FILES, True), ("admin", ALL_FILES, True),
])
def test_each_role_sees_its_scope(client, username, expected, pending_shown):
    login(client, username)
    assert sorted(listed(client)) == sorted(expected)
    html = client.get("/departments/").get_data(as_text=True)
    assert ("未確認の検出結果" in html and 'id="pending-heading"' in html) is pending_shown
    assert REMOVED.rsplit("/", 1)[1] not in html           # removed files are not reviewed


@pytest.mark.parametrize("username, path, status", [
    ("clerk_a", CARE_LIST, 200), ("clerk_a", STAFF, 404), ("clerk_b", CARE_LIST, 404),
    ("head_a", LEDGER, 200), ("head_b", LEDGER, 404), ("privacy", STAFF, 200),
])
def test_asset_page_is_404_outside_the_scope(app, client, username, path, status):
    login(client, username)
    assert client.get(f"/departments/assets/{asset_id(app, path)}").status_code == status


def test_department_filter_for_city_wide_roles(app, db, client):
    from inventory.models import Department

    dept = db.execute(select(Department.id).where(Department.code == "100")).scalar_one()
    login(client, "privacy")
    assert sorted(listed(client, f"?department={dept}")) == sorted(B_FILES)
    assert sorted(listed(client, "?department=999999")) == sorted(ALL_FILES)    # unknown: ignored


def test_clerk_cannot_filter_on_another_department(app, db, client):
    from inventory.models import Department

    other = db.execute(select(Department.id).where(Department.code == "101")).scalar_one()
    login(client, "clerk_a")
    assert sorted(listed(client, f"?department={other}")) == sorted(A_FILES)


# ---------------------------------------------------------------- dismiss and confirm

def test_dismissal_is_stored_on_the_finding_and_audited(app, db, client):
    login(client, "clerk_a")
    target = finding(db, CARE_LIST, category="address")
    response = dismiss(client, app, target, DISMISS_REASON)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/departments/assets/{target.asset_id}#finding-{target.id}")
    found = finding(db, CARE_LIST, category="address")
    assert (found.dismissed, found.dismissed_reason, found.dismissed_by_id) == \
        (True, DISMISS_REASON, user_id(app, "clerk_a"))
    assert found.dismissed_at is not None
    assert events(db, found) == [("dismissed", "False", "True"), ("dismissed_reason", None, DISMISS_REASON)]
    assert db.execute(select(AuditEvent.user_id).where(AuditEvent.object_id == found.id,
                                                       AuditEvent.object_type == "finding")
                      ).scalars().all() == [user_id(app, "clerk_a")] * 2
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "検出結果を誤検知として除外しました。" in html and DISMISS_REASON in html


@pytest.mark.parametrize("reason, message", [
    ("", "誤検知とする理由（個人情報やリスクに当たらない理由）を入力してください。"),
    ("   ", "誤検知とする理由（個人情報やリスクに当たらない理由）を入力してください。"),
    ("理" * 1001, "1000文字以内で入力してください。"),
])
def test_dismissal_needs_a_reason(app, db, client, reason, message):
    login(client, "clerk_a")
    target = finding(db, CARE_LIST, category="address")
    response = dismiss(client, app, target, reason)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert f'id="finding-{target.id}-reason"' in html and 'aria-invalid="true"' in html
    if reason.strip():
        assert f"{reason}</textarea>" in html                  # what the user typed is kept
    found = finding(db, CARE_LIST, category="address")
    assert not found.dismissed and events(db, found) == []


def test_confirming_is_audited_and_leaves_the_pending_count(app, db, client):
    login(client, "head_a")
    before = pending_totals(client)
    target = finding(db, LEDGER, code="autoexec-macro")
    assert confirm(client, target).status_code == 302
    assert confirm(client, target).status_code == 302              # twice: no second event
    assert events(db, target) == [("confirmed", "False", "True")]
    assert int(pending_totals(client)["未確認の検出結果"]) == int(before["未確認の検出結果"]) - 1
    html = client.get(f"/departments/assets/{target.asset_id}").get_data(as_text=True)
    block = html[html.index(f'id="finding-{target.id}"'):]
    assert 'class="state state-confirmed">確認済<' in block[:400]


def test_confirming_a_dismissed_finding_withdraws_the_dismissal(app, db, client):
    login(client, "clerk_a")
    target = finding(db, CARE_LIST, category="health")
    dismiss(client, app, target, DISMISS_REASON)
    assert confirm(client, target).status_code == 302
    found = finding(db, CARE_LIST, category="health")
    assert (found.dismissed, found.dismissed_reason, found.dismissed_by_id, found.dismissed_at) == \
        (False, None, None, None)
    assert events(db, found) == [
        ("dismissed", "False", "True"), ("dismissed_reason", None, DISMISS_REASON),
        ("dismissed", "True", "False"), ("dismissed_reason", DISMISS_REASON, None),
        ("confirmed", "False", "True")]


@pytest.mark.parametrize("username, path, status", [
    ("clerk_b", CARE_LIST, 404),          # another department's finding, by URL
    ("head_b", LEDGER, 404),
    ("clerk_a", STAFF, 404),
    ("head_a", CARE_LIST, 302),           # a sub-department's finding
    ("privacy", CARE_LIST, 403),          # read-only roles
    ("it", CARE_LIST, 403), ("admin", CARE_LIST, 403),
])
def test_who_may_dismiss_or_confirm(app, db, client, username, path, status):
    login(client, username)
    target = finding(db, path, category="name")
    assert dismiss(client, app, target, DISMISS_REASON).status_code == status
    assert confirm(client, target).status_code == status
    if status != 302:
        assert events(db, target) == [] and not finding(db, path, category="name").dismissed


def test_missing_finding_is_404(client):
    login(client, "clerk_a")
    assert confirm(client, Finding(id=10**9)).status_code == 404


def test_read_only_roles_see_no_forms(app, client):
    login(client, "privacy")
    html = client.get(f"/departments/assets/{asset_id(app, CARE_LIST)}").get_data(as_text=True)
    assert "検出結果の閲覧のみできます" in html and "/dismiss" not in html and "/confirm" not in html


# ---------------------------------------------------------------- re-scans keep decisions

def rescan(app, records, complete: bool = True) -> None:
    with app.extensions["registry"].sessions() as session:
        share = session.execute(select(Share)).scalar_one()
        run = begin_run(session, [ROOT], share=share)
        ingest_records(session, records, run)
        finish_run(session, run, complete=complete)
        session.commit()


def live_records() -> list[dict]:
    return [copy.deepcopy(r) for r in RECORDS if r["path"] != REMOVED]


def changed_content(records):
    """The care list saved again: other bytes, same columns."""
    for r in records:
        if r["path"] == CARE_LIST:
            r["sha256"], r["size"] = "ab" * 32, 8192
    return [records]


def column_gone_then_back(records):
    """A scan without the address column, then one with it again."""
    without = copy.deepcopy(records)
    for r in without:
        if r["path"] == CARE_LIST:
            r["personal"]["columns"] = [c for c in r["personal"]["columns"] if c["category"] != "address"]
            r["personal"]["categories"].remove("address")
            r["sha256"] = "cd" * 32
    return [without, records]


@pytest.mark.parametrize("scenario", [
    lambda records: [records],                       # the same records again: unchanged
    changed_content,
    column_gone_then_back,
    lambda records: [records, records],
], ids=["unchanged", "changed-content", "column-gone-then-back", "twice"])
def test_dismissal_survives_re_ingest(app, db, client, scenario):
    login(client, "clerk_a")
    dismissed = finding(db, CARE_LIST, category="address")
    confirmed = finding(db, CARE_LIST, category="name")
    dismiss(client, app, dismissed, DISMISS_REASON)
    confirm(client, confirmed)
    for records in scenario(live_records()):
        rescan(app, records)
    after = finding(db, CARE_LIST, category="address")
    assert (after.id, after.active, after.dismissed, after.dismissed_reason, after.dismissed_by_id) == \
        (dismissed.id, True, True, DISMISS_REASON, user_id(app, "clerk_a"))
    assert finding(db, CARE_LIST, category="name").id == confirmed.id      # its confirmation with it
    html = client.get(f"/departments/assets/{dismissed.asset_id}").get_data(as_text=True)
    assert html.count("state-dismissed") == 1 and html.count("state-confirmed") == 1


@pytest.mark.parametrize("scenario", [changed_content, column_gone_then_back],
                         ids=["changed-content", "column-gone-then-back"])
def test_confirmation_survives_re_scan(app, db, client, scenario):
    login(client, "clerk_a")
    confirmed = finding(db, CARE_LIST, category="address")
    confirm(client, confirmed)
    before = finding(db, CARE_LIST, category="address").confirmed_at
    for records in scenario(live_records()):
        rescan(app, records)
    after = finding(db, CARE_LIST, category="address")
    assert (after.id, after.active, after.confirmed_by_id, after.confirmed_at) == (
        confirmed.id, True, user_id(app, "clerk_a"), before)
    html = client.get(f"/departments/assets/{after.asset_id}").get_data(as_text=True)
    block = html[html.index(f'id="finding-{after.id}"'):]
    assert 'class="state state-confirmed">' in block[:400]
    assert events(db, after) == [("confirmed", "False", "True")]     # the history, once


def test_dismissing_clears_a_confirmation(app, db, client):
    login(client, "clerk_a")
    target = finding(db, CARE_LIST, category="name")
    confirm(client, target)
    assert finding(db, CARE_LIST, category="name").confirmed_by_id == user_id(app, "clerk_a")
    dismiss(client, app, target, DISMISS_REASON)
    after = finding(db, CARE_LIST, category="name")
    assert (after.dismissed, after.confirmed_at, after.confirmed_by_id) == (True, None, None)


def test_a_dismissed_finding_no_longer_reported_is_kept_inactive(app, db, client):
    login(client, "clerk_a")
    dismiss(client, app, finding(db, CARE_LIST, category="address"), DISMISS_REASON)
    rescan(app, column_gone_then_back(live_records())[0])
    gone = finding(db, CARE_LIST, category="address")
    assert (gone.active, gone.dismissed) == (False, True)
    html = client.get(f"/departments/assets/{gone.asset_id}").get_data(as_text=True)
    assert f'id="finding-{gone.id}"' not in html                      # not shown while gone


# ---------------------------------------------------------------- what is pending

def pending_totals(client) -> dict[str, str]:
    html = client.get("/departments/").get_data(as_text=True)
    section = html[html.index('id="pending-heading"'):html.index("</section>")]
    return dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", section))


TODAY = city_today()          # the day the registry decides with: Japan's


@pytest.mark.parametrize("username, ledger, expected", [
    # 7 findings on the two files of 介護保険課; the ledger has neither owner nor deputy
    ("head_a", {}, {"未確認の検出結果": "7", "正担当・副担当のいない業務アプリ": "1",
                    "見直し期限を過ぎた業務アプリ": "0"}),
    ("head_a", {"owner": "clerk_a"}, {"正担当・副担当のいない業務アプリ": "1"}),
    ("head_a", {"owner": "clerk_a", "deputy": "head_a"}, {"正担当・副担当のいない業務アプリ": "0"}),
    ("head_a", {"owner": "clerk_a", "deputy": "head_a", "next_review": TODAY - dt.timedelta(days=1)},
     {"正担当・副担当のいない業務アプリ": "0", "見直し期限を過ぎた業務アプリ": "1"}),
    ("head_a", {"next_review": TODAY}, {"見直し期限を過ぎた業務アプリ": "0"}),
    ("head_a", {"lifecycle": "retired"}, {"正担当・副担当のいない業務アプリ": "0"}),   # retired apps need nobody
    ("head_b", {}, {"未確認の検出結果": "3", "正担当・副担当のいない業務アプリ": "0"}),
    ("admin", {}, {"未確認の検出結果": "10", "正担当・副担当のいない業務アプリ": "1"}),
])
def test_pending_work(app, client, username, ledger, expected):
    values = {"next_review": ledger.get("next_review"), "lifecycle": ledger.get("lifecycle", "discovered")}
    with app.extensions["registry"].sessions() as session:
        for role in ("owner", "deputy"):
            if role in ledger:                  # owners are people of the staff directory
                person = Person(name=ledger[role])
                session.add(person)
                session.flush()
                values[f"{role}_id"] = person.id
        session.execute(update(Asset).where(Asset.path == LEDGER).values(**values))
        session.commit()
    login(client, username)
    totals = pending_totals(client)
    for name, count in expected.items():
        assert totals[name] == count


def test_pending_per_sub_department(app, db, client):
    login(client, "admin")
    html = client.get("/departments/").get_data(as_text=True)
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td class="num">(\d+)</td>\s*'
                      r'<td class="num">(\d+)</td><td class="num">(\d+)</td>\s*<td class="num">(\d+)</td></tr>',
                      html)
    # in the order of the organisation codes (100 総務部 before 300 健康福祉部); the last column:
    # files whose contents could not be checked (給与.xlsx, 壊れた.xlsx)
    assert rows == [("総務部 職員課", "3", "0", "0", "1"), ("健康福祉部 介護保険課", "7", "1", "0", "1")]
    dismiss_as = finding(db, STAFF, category="name")
    login(client, "clerk_b")
    dismiss(client, app, dismiss_as, DISMISS_REASON)
    login(client, "head_b")
    assert pending_totals(client)["未確認の検出結果"] == "2"
    assert listed(client, "?pending=1") == ["給与.xlsx", "職員名簿.xlsx"]   # risks first


def test_pending_only_filter(app, db, client):
    login(client, "clerk_b")
    dismiss(client, app, finding(db, SALARY, code="encrypted"), "パスワード付きの給与計算表で、所管課で管理している")
    assert listed(client, "?pending=1") == ["職員名簿.xlsx"]
    assert sorted(listed(client)) == sorted(B_FILES)


def test_department_view_takes_a_fixed_number_of_queries(app, client):
    statements = []
    engine = app.extensions["registry"].engine
    listener = lambda *args: statements.append(args[2])
    login(client, "admin")
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get("/departments/").status_code == 200
        first = len(statements)
        assert client.get("/departments/").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    # user, the registry stamp, department names, count, the page's ids, its assets, finding
    # counts, four pending queries (the fourth: unread files per department), the unread files
    # with their total; the second time names, count, ids, pending work and the unread files
    # come from the app's caches (same stamp)
    assert first <= 12 and len(statements) - first <= 4


def test_pending_counts_follow_a_decision_made_after_they_were_cached(app, db, client):
    login(client, "head_b")
    assert pending_totals(client)["未確認の検出結果"] == "3"
    login(client, "clerk_b")
    confirm(client, finding(db, STAFF, category="name"))
    login(client, "head_b")
    assert pending_totals(client)["未確認の検出結果"] == "2"


# ---------------------------------------------------------------- languages and logs

@pytest.mark.parametrize("lang, texts", [
    ("ja", ["所属の確認", "未確認", "確認済にする", "誤検知として除外", "誤検知とする理由"]),
    ("en", ["Department review", "To review", "Confirm", "Dismiss as a false finding", "Reason for dismissing"]),
])
def test_department_pages_in_japanese_and_english(app, client, lang, texts):
    login(client, "clerk_a")
    html = client.get(f"/departments/?lang={lang}").get_data(as_text=True)
    html += client.get(f"/departments/assets/{asset_id(app, CARE_LIST)}").get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    for text in texts:
        assert text in html


def test_nothing_from_the_records_is_logged(app, db, client, caplog):
    caplog.set_level(logging.DEBUG)
    login(client, "clerk_a")
    target = finding(db, CARE_LIST, category="address")
    dismiss(client, app, target, "")
    dismiss(client, app, target, DISMISS_REASON)
    confirm(client, finding(db, CARE_LIST, category="name"))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for rec in RECORDS:
        assert rec["path"].rsplit("/", 1)[1] not in logged
        for column in rec["personal"]["columns"]:
            assert column["header"] not in logged


def test_a_heads_pages_read_department_by_department_keep_the_review_order(app, db):
    """A head's pages are merged from one ordered read per department: the same order as one
    sort over all of them, page after page."""
    import hashlib

    from sqlalchemy import insert

    from inventory.models import Department
    from inventory.web.departments.review import REVIEW_ORDER, REVIEWED, review_page

    ids = dict(db.execute(select(Department.code, Department.id)).all())
    db.execute(insert(Asset), [
        {"root": ROOT, "path": f"健康福祉部/生成/{i:03d}.csv", "name": f"{i:03d}.csv", "kind": "csv",
         "status": "ok", "department_id": ids["300" if i % 3 else "301"], "personal_present": True,
         "sensitive": i % 4 == 0, "my_number": i % 7 == 0, "risk_count": i % 3, "notes": [],
         "categories": [], "path_key": hashlib.sha256(f"gen{i}".encode()).hexdigest()} for i in range(130)])
    db.commit()
    scope = {ids["300"], ids["301"]}
    expected = db.execute(select(Asset.id).where(*REVIEWED, Asset.department_id.in_(scope))
                          .order_by(*REVIEW_ORDER)).scalars().all()
    pages = [[a.id for a in review_page(db, scope, page)[1]] for page in (1, 2, 3, 4)]
    assert sum(pages, []) == expected and len(pages[0]) == 50 and pages[3] == []


# ---------------------------------------------------------------- files confirmed at once (issue 18)

def confirm_files(client, asset_ids=(), only=None, query: str = ""):
    token = csrf_token(client.get("/").get_data(as_text=True))
    data = {"csrf_token": token, "asset_ids": [str(i) for i in asset_ids]}
    if only is not None:
        data["only"] = str(only)
    return client.post("/departments/confirm" + query, data=data)


def states(db, path: str) -> dict[str, str]:
    db.expire_all()
    rows = db.execute(select(Finding).join(Asset, Asset.id == Finding.asset_id)
                      .where(Asset.path == path, Finding.active)).scalars()
    return {f.category or f.code: "dismissed" if f.dismissed else "confirmed" if f.confirmed_at else "pending"
            for f in rows}


def test_the_selected_files_findings_are_confirmed_in_one_action(app, db, client):
    login(client, "clerk_a")
    dismissed = finding(db, CARE_LIST, category="health")
    dismiss(client, app, dismissed, DISMISS_REASON)
    response = confirm_files(client, [asset_id(app, CARE_LIST), asset_id(app, LEDGER)],
                             query="?pending=1&page=1&next=http://evil.example")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/departments/?pending=1&page=1")
    # every finding still to review is confirmed and audited; the dismissed one stays dismissed
    assert states(db, CARE_LIST) == {"name": "confirmed", "address": "confirmed", "health": "dismissed",
                                     "hidden-personal-data": "confirmed"}
    assert set(states(db, LEDGER).values()) == {"confirmed"}
    assert events(db, finding(db, LEDGER, code="autoexec-macro")) == [("confirmed", "False", "True")]
    assert "2件のファイルの検出6件を確認しました。" in client.get("/departments/").get_data(as_text=True)
    # again: nothing left to confirm, no second event
    confirm_files(client, [asset_id(app, LEDGER)])
    assert "これらのファイルに未確認の検出はありません。" in client.get("/departments/").get_data(as_text=True)
    assert events(db, finding(db, LEDGER, code="autoexec-macro")) == [("confirmed", "False", "True")]


def test_one_files_button_confirms_that_file_only(app, db, client):
    login(client, "head_a")
    page = client.get("/departments/").get_data(as_text=True)
    assert f'name="only" value="{asset_id(app, LEDGER)}"' in page
    # the row's button wins over the ticked boxes
    response = confirm_files(client, [asset_id(app, CARE_LIST)], only=asset_id(app, LEDGER))
    assert response.status_code == 303
    assert set(states(db, LEDGER).values()) == {"confirmed"}
    assert set(states(db, CARE_LIST).values()) == {"pending"}


def test_the_file_page_confirms_all_its_findings(app, db, client):
    login(client, "clerk_a")
    target = asset_id(app, CARE_LIST)
    page = client.get(f"/departments/assets/{target}").get_data(as_text=True)
    assert "未確認の検出4件をすべて確認" in page
    response = confirm_files(client, only=target, query="?back=asset")
    assert response.headers["Location"].endswith(f"/departments/assets/{target}")
    assert set(states(db, CARE_LIST).values()) == {"confirmed"}
    assert "件をすべて確認" not in client.get(f"/departments/assets/{target}").get_data(as_text=True)


@pytest.mark.parametrize("username, path, status", [
    ("clerk_b", CARE_LIST, 404),          # another department's file: nothing is confirmed
    ("clerk_a", STAFF, 404),
    ("it", CARE_LIST, 403), ("privacy", CARE_LIST, 403), ("admin", CARE_LIST, 403),
])
def test_files_outside_the_scope_or_read_only_roles_are_refused(app, db, client, username, path, status):
    login(client, username)
    mine = {"clerk_b": STAFF, "clerk_a": CARE_LIST}.get(username, CARE_LIST)
    response = confirm_files(client, [asset_id(app, mine), asset_id(app, path)])
    assert response.status_code == status
    assert set(states(db, path).values()) == {"pending"} and set(states(db, mine).values()) == {"pending"}


@pytest.mark.parametrize("ids, message", [
    ([], "検出を確認するファイルを選んでください。"),
    (["x"], "選択が正しくありません"),
    ([str(n) for n in range(1, 202)], "一度に選べるのは200件までです。"),
])
def test_a_bad_selection_is_answered_in_japanese(app, client, ids, message):
    login(client, "clerk_a")
    response = confirm_files(client, ids)
    assert response.status_code == 303
    assert message in client.get("/departments/").get_data(as_text=True)


def test_select_all_ticks_every_file_with_findings_to_review(app, client):
    login(client, "head_a")
    page = client.get("/departments/?select=all").get_data(as_text=True)
    ticked = re.findall(r'name="asset_ids" value="(\d+)" id="select-\d+" checked', page)
    assert sorted(map(int, ticked)) == sorted([asset_id(app, CARE_LIST), asset_id(app, LEDGER)])
    assert "name=\"asset_ids\"" not in client.get("/departments/?select=all").get_data(as_text=True) \
        .split("<tbody>")[0]
    plain = client.get("/departments/").get_data(as_text=True)
    assert not re.findall(r'id="select-\d+" checked', plain)
