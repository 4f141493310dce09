"""IT triage: queue order and filters, the triage form and its validation, stale forms, bulk
assignment with audit events, comments, permissions, Japanese and English pages."""
from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from sqlalchemy import select, update
from web_fixtures import RECORDS, ROOT, asset_id, csrf_token, login, record, user_id

from inventory.registry.ingest import begin_run, finish_run, ingest_records
from inventory.models import Asset, AssetComment, AuditEvent, Department, Person
from inventory.web.triage import queue as triage_queue
from inventory.web.triage.forms import may_move, parse_date

CARE_LIST = "健康福祉部/介護保険課/認定者一覧.xlsx"     # personal, sensitive, 1 risk
LEDGER = "健康福祉部/介護保険課/台帳.xlsm"            # app, High, My Number, 1 risk, stage 発見
STAFF = "総務部/職員課/職員名簿.xlsx"                 # personal, no risk
EXTRA = [
    record("他課/低.xlsm", app={"is_app": True, "kind": "excel-vba", "complexity": "Low"}),
    record("他課/中.xlsm", app={"is_app": True, "kind": "excel-vba", "complexity": "Medium"}),
    record("他課/高.xlsm", app={"is_app": True, "kind": "excel-vba", "complexity": "High"}),
    record("他課/二つのリスク.xlsx", ["name"], ["hidden-personal-data", "external-link"]),
    record("他課/番号.xlsx", ["name", "my_number"]),
]
#: the queue with nothing classified: most risks, sensitive, My Number, complexity, then id
DEFAULT_ORDER = ["二つのリスク.xlsx", "認定者一覧.xlsx", "台帳.xlsm", "番号.xlsx", "高.xlsm", "中.xlsm",
                 "低.xlsm", "職員名簿.xlsx"]
NEVER_QUEUED = {"壊れた.xlsx", "会議資料.csv", "給与.xlsx", "古い名簿.xlsx", "メモ.txt"}


#: the staff directory of these tests: 職員番号 -> (氏名, カナ, department code, active); nobody has
#: an account, two people share a name, 1003 has left
PEOPLE = {"1001": ("山田 太郎", "ヤマダ タロウ", "301", True), "1002": ("佐藤 花子", "サトウ ハナコ", "300", True),
          "1003": ("鈴木 一郎", "スズキ イチロウ", "301", False), "1004": ("山田 太郎", "ヤマダ タロウ", "101", True),
          "5001": ("高橋 次郎", "タカハシ ジロウ", "101", True)}


@pytest.fixture
def staff(app):
    """The people of :data:`PEOPLE` in the staff directory."""
    with app.extensions["registry"].sessions() as session:
        depts = dict(session.execute(select(Department.code, Department.id)).all())
        for number, (name, kana, code, active) in PEOPLE.items():
            session.add(Person(staff_number=number, name=name, kana=kana, department_id=depts[code],
                               active=active, source="import"))
        session.commit()


def person_id(app, number: str) -> int:
    with app.extensions["registry"].sessions() as session:
        return session.execute(select(Person.id).where(Person.staff_number == number)).scalar_one()


@pytest.fixture
def more_assets(app):
    """Five more queued assets (apps of each complexity, risks, My Number), unassigned."""
    with app.extensions["registry"].sessions() as session:
        run = begin_run(session, [ROOT])
        ingest_records(session, EXTRA, run)
        finish_run(session, run, complete=False)
        session.commit()


def queue_names(client, query: str = "") -> list[str]:
    html = client.get("/triage/" + query).get_data(as_text=True)
    return re.findall(r'<a href="/triage/\d+">([^<]+)</a>', html)


def set_values(app, path: str, **values) -> None:
    with app.extensions["registry"].sessions() as session:
        session.execute(update(Asset).where(Asset.path == path).values(**values))
        session.commit()


def audit(app, path: str) -> list[tuple[str, str | None, str | None, int | None]]:
    wanted = asset_id(app, path)
    with app.extensions["registry"].sessions() as session:
        rows = session.execute(select(AuditEvent.field, AuditEvent.before, AuditEvent.after, AuditEvent.user_id)
                               .where(AuditEvent.object_type == "asset", AuditEvent.object_id == wanted)
                               .order_by(AuditEvent.id))
        return [tuple(r) for r in rows]


def asset_row(app, path: str) -> Asset:
    with app.extensions["registry"].sessions() as session:
        return session.execute(select(Asset).where(Asset.path == path)).scalar_one()


# ---------------------------------------------------------------- the queue

@pytest.mark.parametrize("classified, expected", [
    ({}, DEFAULT_ORDER),
    # a guideline sends an asset behind every unclassified one, whatever its risks
    ({"他課/二つのリスク.xlsx": "central"}, DEFAULT_ORDER[1:] + ["二つのリスク.xlsx"]),
    ({"他課/高.xlsm": "retire", CARE_LIST: "department"},
     ["二つのリスク.xlsx", "台帳.xlsm", "番号.xlsx", "中.xlsm", "低.xlsm", "職員名簿.xlsx",
      "認定者一覧.xlsx", "高.xlsm"]),
])
def test_queue_order(app, client, more_assets, classified, expected):
    for path, guideline in classified.items():
        set_values(app, path, guideline=guideline)
    login(client, "it")
    names = queue_names(client)
    assert names == expected
    assert not NEVER_QUEUED & set(names)


@pytest.mark.parametrize("query, expected", [
    ("?kind=apps", ["台帳.xlsm", "高.xlsm", "中.xlsm", "低.xlsm"]),
    ("?kind=personal", ["二つのリスク.xlsx", "認定者一覧.xlsx", "台帳.xlsm", "番号.xlsx", "職員名簿.xlsx"]),
    ("?complexity=High", ["台帳.xlsm", "高.xlsm"]),
    ("?complexity=none&kind=apps", []),
    ("?lifecycle=discovered", ["台帳.xlsm", "高.xlsm", "中.xlsm", "低.xlsm"]),
    ("?lifecycle=none", ["二つのリスク.xlsx", "認定者一覧.xlsx", "番号.xlsx", "職員名簿.xlsx"]),
    ("?guideline=central", ["低.xlsm"]),
    ("?guideline=none&kind=apps", ["台帳.xlsm", "高.xlsm", "中.xlsm"]),
    # unknown values are ignored: the whole queue, the classified app last
    ("?lifecycle=bogus&complexity=<b>&department=x&page=-1", DEFAULT_ORDER[:6] + ["職員名簿.xlsx", "低.xlsm"]),
])
def test_queue_filters(app, client, more_assets, query, expected):
    set_values(app, "他課/低.xlsm", guideline="central")
    login(client, "it")
    assert queue_names(client, query) == expected


@pytest.mark.parametrize("department, expected", [
    ("300", ["認定者一覧.xlsx", "台帳.xlsm"]),          # the department and its sub-departments
    ("301", ["認定者一覧.xlsx", "台帳.xlsm"]),
    ("101", ["職員名簿.xlsx"]),
    ("100", ["職員名簿.xlsx"]),
])
def test_queue_department_filter(app, client, db, department, expected):
    from inventory.models import Department

    dept_id = db.execute(select(Department.id).where(Department.code == department)).scalar_one()
    login(client, "it")
    assert queue_names(client, f"?department={dept_id}") == expected


def test_queue_pages(app, client, more_assets, monkeypatch):
    monkeypatch.setattr(triage_queue, "PAGE_SIZE", 3)
    login(client, "it")
    pages = [queue_names(client, f"?page={n}") for n in (1, 2, 3, 4)]
    assert pages == [DEFAULT_ORDER[:3], DEFAULT_ORDER[3:6], DEFAULT_ORDER[6:], []]
    html = client.get("/triage/?page=2&kind=all").get_data(as_text=True)
    assert "2 / 3 ページ（全8件）" in html
    assert 'href="/triage/?page=3"' in html and 'href="/triage/"' in html


def test_queue_takes_a_fixed_number_of_queries(app, client, more_assets, staff):
    from sqlalchemy import event

    statements = []
    engine = app.extensions["registry"].engine
    listener = lambda *args: statements.append(args[2])
    set_values(app, LEDGER, owner_id=person_id(app, "1001"), deputy_id=person_id(app, "5001"))
    login(client, "it")
    assert client.get("/triage/?page=2").status_code == 200     # department names now cached
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get("/triage/").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    # user, active staff, registry stamp (for the cached names), count, page, the page's people
    assert len(statements) <= 6


# ---------------------------------------------------------------- one asset's triage

def open_form(client, app, path: str) -> tuple[int, dict]:
    """The triage form of ``path`` as a browser would post it back unchanged."""
    wanted = asset_id(app, path)
    html = client.get(f"/triage/{wanted}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="([^"]*)"', html).group(1)
    return wanted, {"csrf_token": csrf_token(html), "version": version}


def test_triage_form_saves_and_audits_each_changed_field(app, client, staff):
    login(client, "it")
    wanted, data = open_form(client, app, LEDGER)
    owner, deputy = person_id(app, "1001"), person_id(app, "5001")
    # the owner as the list offers it; the deputy typed: a staff member without an account, by name
    data.update(guideline="department", lifecycle="reviewing", owner="1001 山田 太郎（介護保険課）",
                deputy=" 高橋次郎 ",
                has_specification="y", next_review="令和8年4月1日", business_process="介護認定事務",
                triage_note="")
    response = client.post(f"/triage/{wanted}", data=data)
    assert response.status_code == 302
    saved = asset_row(app, LEDGER)
    assert (saved.guideline, saved.lifecycle, saved.owner_id, saved.deputy_id) == \
        ("department", "reviewing", owner, deputy)
    assert (saved.has_specification, saved.has_manual, saved.next_review, saved.business_process) == \
        (True, False, dt.date(2026, 4, 1), "介護認定事務")
    it = user_id(app, "it")
    assert audit(app, LEDGER) == [
        ("guideline", None, "department", it), ("lifecycle", "discovered", "reviewing", it),
        ("owner_id", None, str(owner), it), ("deputy_id", None, str(deputy), it),
        ("has_specification", "False", "True", it), ("next_review", None, "2026-04-01", it),
        ("business_process", None, "介護認定事務", it)]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "7項目を保存しました。" in page
    assert 'id="owner" list="staff-list"' in page
    assert 'name="owner" placeholder="氏名か職員番号を入力" type="text" value="1001 山田 太郎（介護保険課）"' in page
    assert 'value="5001 高橋 次郎（職員課）"' in page
    assert "山田 太郎（介護保険課） / 高橋 次郎（職員課）" in page           # names, never ids
    assert '<option value="1003 ' not in page                              # who left is not offered


@pytest.mark.parametrize("typed, number", [
    ("1001", "1001"), ("１００１", "1001"), (" 5001 ", "5001"),            # a staff number
    ("高橋 次郎", "5001"), ("高橋　次郎", "5001"), ("タカハシジロウ", "5001"),   # a name or its kana
    ("1004 山田 太郎（総務部）", "1004"),     # an option whose department label has since changed
])
def test_owner_is_chosen_by_staff_number_or_name(app, client, staff, typed, number):
    login(client, "it")
    wanted, data = open_form(client, app, LEDGER)
    data.update(lifecycle="discovered", owner=typed)
    assert client.post(f"/triage/{wanted}", data=data).status_code == 302
    assert asset_row(app, LEDGER).owner_id == person_id(app, number)


def test_an_owner_who_left_stays_until_changed(app, client, staff):
    set_values(app, LEDGER, owner_id=person_id(app, "1003"))
    login(client, "it")
    wanted, data = open_form(client, app, LEDGER)
    html = client.get(f"/triage/{wanted}").get_data(as_text=True)
    assert 'value="1003 鈴木 一郎（介護保険課・退職等）"' in html
    data.update(lifecycle="discovered", owner="1003 鈴木 一郎（介護保険課・退職等）", business_process="介護")
    assert client.post(f"/triage/{wanted}", data=data).status_code == 302    # kept while unchanged
    assert asset_row(app, LEDGER).owner_id == person_id(app, "1003")


USER_ERROR = "この氏名・職員番号の在職者はいません。"
SAME_NAME = "山田 太郎という職員は複数います"
DATE_ERROR = "日付は 2026-04-01 のように入力してください"


@pytest.mark.parametrize("start, changes, message", [
    (None, {"next_review": "2026-02-30"}, DATE_ERROR),
    (None, {"next_review": "来年の春"}, DATE_ERROR),
    (None, {"next_review": "1999-04-01"}, DATE_ERROR),
    (None, {"owner": "nobody_here"}, USER_ERROR),
    (None, {"owner": "鈴木 一郎"}, USER_ERROR),                   # left the staff
    (None, {"owner": "1003"}, USER_ERROR),
    (None, {"owner": "clerk_a"}, USER_ERROR),                     # user names are not staff
    (None, {"deputy": "1"}, USER_ERROR),                          # ids are not staff numbers
    (None, {"owner": "山田 太郎"}, SAME_NAME),                     # two people: the number decides
    (None, {"owner": "1001", "deputy": "山田 太郎（介護保険課）"}, "副担当には正担当と別の人を選んでください。"),
    (None, {"owner": "1002", "deputy": "サトウハナコ"}, "副担当には正担当と別の人を選んでください。"),
    (None, {"guideline": "someday"}, "管理区分を一覧から選んでください。"),
    (None, {"lifecycle": "migrating"}, "状況を「発見」から「移行中」に変えることはできません。"),
    (None, {"lifecycle": "retired"}, "状況を「発見」から「廃止済」に変えることはできません。"),
    ("reviewing", {"lifecycle": "classified"}, "「分類済」にする前に管理区分を選んでください。"),
    (None, {"business_process": "業" * 201}, "200文字以内で入力してください。"),
])
def test_triage_form_refuses_bad_input_in_japanese_keeping_it(app, client, staff, start, changes, message):
    if start:
        set_values(app, LEDGER, lifecycle=start)
    login(client, "it")
    wanted, data = open_form(client, app, LEDGER)
    data.update(lifecycle=start or "discovered", business_process="介護認定事務",
                triage_note="来月の打合せで確認する")
    for name, value in changes.items():
        data[name] = value
    response = client.post(f"/triage/{wanted}", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert 'aria-invalid="true"' in html
    assert "来月の打合せで確認する</textarea>" in html                      # typed input kept
    for name in ("next_review", "business_process", "owner"):
        if name in changes:
            assert f'value="{changes[name]}"' in html
    assert audit(app, LEDGER) == []                                        # nothing saved


def test_a_stale_form_does_not_overwrite(app, client):
    login(client, "it")
    wanted, data = open_form(client, app, LEDGER)
    set_values(app, LEDGER, guideline="central", triage_note="他の人の判断")   # someone saves meanwhile
    data.update(guideline="retire", lifecycle="discovered", triage_note="私の判断")
    response = client.post(f"/triage/{wanted}", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "他の人がこの資産を変更しました" in html
    assert "私の判断</textarea>" in html                     # the user's input is kept on the page
    assert asset_row(app, LEDGER).guideline == "central"   # and nothing was overwritten
    # the refreshed form carries the current version: saving again is a deliberate overwrite
    data["version"] = re.search(r'name="version" type="hidden" value="([^"]*)"', html).group(1)
    assert client.post(f"/triage/{wanted}", data=data).status_code == 302
    assert (asset_row(app, LEDGER).guideline, asset_row(app, LEDGER).triage_note) == ("retire", "私の判断")


@pytest.mark.parametrize("current, wanted, allowed", [
    (None, "discovered", True), (None, "reviewing", True), (None, "classified", False),
    ("discovered", "reviewing", True), ("discovered", "classified", False),
    ("reviewing", "classified", True), ("reviewing", "discovered", True), ("reviewing", "migrating", False),
    ("classified", "migrating", True), ("classified", "retired", True), ("classified", "reviewing", True),
    ("migrating", "retired", True), ("migrating", "discovered", False), ("retired", "reviewing", True),
    ("retired", "migrating", False), ("migrating", "migrating", True), ("discovered", None, False),
])
def test_lifecycle_transitions(current, wanted, allowed):
    assert may_move(current, wanted) is allowed


@pytest.mark.parametrize("text, expected", [
    ("2026-04-01", dt.date(2026, 4, 1)), ("2026/4/1", dt.date(2026, 4, 1)),
    ("2026年4月1日", dt.date(2026, 4, 1)), ("令和8年4月1日", dt.date(2026, 4, 1)),
    ("R8.4.1", dt.date(2026, 4, 1)), ("令和元年5月1日", dt.date(2019, 5, 1)),
    ("平成31年4月30日", dt.date(2019, 4, 30)), (" 2026-12-31 ", dt.date(2026, 12, 31)),
    ("2026-02-30", None), ("2026-13-01", None), ("tomorrow", None), ("", None), ("20260401", None),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


# ---------------------------------------------------------------- comments

def test_comments_are_added_and_listed(app, client):
    login(client, "it")
    wanted = asset_id(app, LEDGER)
    token = csrf_token(client.get(f"/triage/{wanted}").get_data(as_text=True))
    for body in ("作成者に仕様を確認中", "来週回答予定"):
        assert client.post(f"/triage/{wanted}/comments", data={"csrf_token": token, "body": body}
                           ).status_code == 302
    html = client.get(f"/triage/{wanted}").get_data(as_text=True)
    assert html.index("作成者に仕様を確認中") < html.index("来週回答予定")
    assert html.count('<p class="meta">it ·') == 2
    with app.extensions["registry"].sessions() as session:
        assert session.execute(select(AssetComment.user_id).where(AssetComment.asset_id == wanted)
                               ).scalars().all() == [user_id(app, "it")] * 2


@pytest.mark.parametrize("body, message", [
    ("", "コメントを入力してください。"),
    ("   ", "コメントを入力してください。"),
    ("長" * 4001, "4000文字以内で入力してください。"),
])
def test_bad_comments_are_refused(app, client, body, message):
    login(client, "it")
    wanted = asset_id(app, LEDGER)
    token = csrf_token(client.get(f"/triage/{wanted}").get_data(as_text=True))
    response = client.post(f"/triage/{wanted}/comments", data={"csrf_token": token, "body": body})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.extensions["registry"].sessions() as session:
        assert session.execute(select(AssetComment)).first() is None


# ---------------------------------------------------------------- bulk assignment

def post_bulk(client, app, paths, **fields):
    token = csrf_token(client.get("/triage/").get_data(as_text=True))
    data = {"csrf_token": token, "asset_ids": [str(asset_id(app, p)) for p in paths],
            "guideline": "", "owner": "", "deputy": "", "lifecycle": ""}
    data.update(fields)
    return client.post("/triage/bulk?kind=personal", data=data)


def test_bulk_assignment_sets_each_asset_and_audits_each_field(app, client, staff):
    login(client, "it")
    response = post_bulk(client, app, [CARE_LIST, STAFF], guideline="department", owner="5001",
                         lifecycle="reviewing")
    assert response.status_code == 302
    assert response.headers["Location"] == "/triage/?kind=personal"
    it, owner = user_id(app, "it"), person_id(app, "5001")
    for path in (CARE_LIST, STAFF):
        assert audit(app, path) == [("guideline", None, "department", it),
                                    ("lifecycle", None, "reviewing", it),
                                    ("owner_id", None, str(owner), it)]
        saved = asset_row(app, path)
        assert (saved.guideline, saved.owner_id, saved.lifecycle, saved.deputy_id) == \
            ("department", owner, "reviewing", None)
    assert audit(app, LEDGER) == []
    html = client.get("/triage/").get_data(as_text=True)
    assert "2件の資産で6項目を変更しました。" in html
    assert html.count('<option value="5001 高橋 次郎（職員課）">') == 1     # one list of staff for both fields
    assert "高橋 次郎（職員課） / —" in html


@pytest.mark.parametrize("paths, fields, message", [
    ([], {"guideline": "central"}, "資産を1件以上選んでください。"),
    ([CARE_LIST], {}, "変更する項目を1つ以上選んでください。"),
    ([CARE_LIST], {"owner": "1003"}, USER_ERROR),
    ([CARE_LIST], {"owner": "山田 太郎"}, SAME_NAME),
    ([CARE_LIST], {"owner": "5001", "deputy": "高橋次郎"}, "副担当には正担当と別の人を選んでください。"),
    # neither 発見 (the ledger) nor no stage (the care list) may jump to 分類済: nothing changes
    ([CARE_LIST, LEDGER], {"guideline": "central", "lifecycle": "classified"},
     "選択した資産のうち2件は、現在の状況から「分類済」に移せません"),
    # neither may jump to 廃止済
    ([CARE_LIST, LEDGER], {"lifecycle": "retired"}, "選択した資産のうち2件は"),
    ([LEDGER], {"lifecycle": "reviewing", "deputy": "1002"}, None),   # valid: control case
])
def test_bulk_assignment_refuses_bad_input(app, client, staff, paths, fields, message):
    login(client, "it")
    response = post_bulk(client, app, paths, **fields)
    if message is None:
        assert response.status_code == 302
        return
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    for path in paths:                                      # the selection is kept
        assert re.search(rf'value="{asset_id(app, path)}" id="select-\d+"\s+checked', html)
        assert audit(app, path) == []


def test_bulk_deputy_who_is_already_the_owner_is_refused(app, client, staff):
    set_values(app, LEDGER, owner_id=person_id(app, "1002"))
    login(client, "it")
    response = post_bulk(client, app, [CARE_LIST, LEDGER], deputy="1002")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    ledger = LEDGER.rsplit("/", 1)[-1]
    # the refusal names the file concerned, and its row is marked
    assert f"選択した資産のうち1件で、正担当と副担当が同じ人になります：「{ledger}」。何も変更していません。" in html
    assert re.search(rf'<tr class="failed">\s*<td><input type="checkbox" name="asset_ids" value="{asset_id(app, LEDGER)}"', html)
    assert len(re.findall(r'<tr class="failed">', html)) == 1
    assert audit(app, CARE_LIST) == [] and audit(app, LEDGER) == []


def test_a_bulk_refusal_names_at_most_five_files(app, client, more_assets):
    login(client, "it")
    paths = [CARE_LIST, LEDGER, "他課/低.xlsm", "他課/中.xlsm", "他課/高.xlsm", "他課/二つのリスク.xlsx", "他課/番号.xlsx"]
    response = post_bulk(client, app, paths, guideline="central", lifecycle="classified")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    named = re.search(r"選択した資産のうち(\d+)件は、現在の状況から「分類済」に移せません"
                      r"（または先に管理区分を決める必要があります）：((?:「[^」]+」)+) ほか(\d+)件。", html)
    assert named, html[:3000]
    assert int(named.group(1)) == len(paths) and named.group(2).count("「") == 5 and named.group(3) == "2"


def test_bulk_assignment_of_a_missing_asset_is_404(app, client):
    login(client, "it")
    token = csrf_token(client.get("/triage/").get_data(as_text=True))
    response = client.post("/triage/bulk", data={"csrf_token": token, "asset_ids": ["999999"],
                                                 "guideline": "central"})
    assert response.status_code == 404


# ---------------------------------------------------------------- permissions and languages

@pytest.mark.parametrize("username, status", [
    ("clerk_a", 403), ("head_a", 403), ("clerk_b", 403), ("privacy", 403), ("it", 200), ("admin", 200),
])
def test_only_the_it_division_and_admins_may_triage(app, client, username, status):
    login(client, username)
    wanted = asset_id(app, CARE_LIST)
    assert client.get("/triage/").status_code == status
    assert client.get(f"/triage/{wanted}").status_code == status
    if status == 403:
        token = csrf_token(client.get("/").get_data(as_text=True))      # the sign-out form's token
        for url, data in ((f"/triage/{wanted}", {"guideline": "central"}),
                          (f"/triage/{wanted}/comments", {"body": "x"}),
                          ("/triage/bulk", {"asset_ids": [str(wanted)], "guideline": "central"})):
            assert client.post(url, data=dict(data, csrf_token=token)).status_code == 403
        assert audit(app, CARE_LIST) == []


def test_signed_out_users_are_sent_to_the_login_page(client):
    response = client.get("/triage/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


def test_missing_asset_is_404(client):
    login(client, "it")
    assert client.get("/triage/999999").status_code == 404


@pytest.mark.parametrize("lang, texts", [
    ("ja", ["業務アプリの仕分け", "管理区分", "正担当", "未分類", "選択した資産に適用", "発見"]),
    ("en", ["Triage", "Guideline", "Owner (main)", "Not classified", "Apply to the selected assets",
            "Discovered"]),
])
def test_triage_pages_in_japanese_and_english(app, client, lang, texts):
    login(client, "it")
    html = client.get(f"/triage/?lang={lang}").get_data(as_text=True)
    html += client.get(f"/triage/{asset_id(app, LEDGER)}").get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    for text in texts:
        assert text in html


def test_nothing_from_the_records_is_logged(app, client, caplog):
    caplog.set_level(logging.DEBUG)
    login(client, "it")
    wanted, data = open_form(client, app, LEDGER)
    client.post(f"/triage/{wanted}", data=dict(data, next_review="bad", business_process="x"))
    post_bulk(client, app, [CARE_LIST], guideline="central")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for rec in RECORDS:
        assert rec["path"].rsplit("/", 1)[1] not in logged


@pytest.mark.parametrize("rows, cap, count, shown", [
    (8, 10, 8, "8"), (8, 8, 8, "8"), (8, 7, 8, "7+"), (8, 2, 3, "2+"),
])
def test_counts_stop_at_the_cap(app, db, more_assets, monkeypatch, rows, cap, count, shown):
    monkeypatch.setattr(triage_queue, "COUNT_CAP", cap)
    total, _page = triage_queue.queue_page(db, triage_queue.QueueFilters(), None, None)
    assert (total, triage_queue.shown_total(total)) == (count, shown)


# ---------------------------------------------------------------- the queue on an office screen (issue 18)

def test_owner_filter_lists_apps_in_use_without_an_owner(app, client, more_assets, staff):
    login(client, "it")
    assert queue_names(client, "?kind=apps") == ["台帳.xlsm", "高.xlsm", "中.xlsm", "低.xlsm"]
    set_values(app, "他課/高.xlsm", owner_id=person_id(app, "5001"))    # owners are people of the directory
    set_values(app, "他課/中.xlsm", lifecycle="retired")                 # retired apps need no owner
    assert queue_names(client, "?kind=apps&owner=none") == ["台帳.xlsm", "低.xlsm"]
    assert queue_names(client, "?owner=bogus") == queue_names(client)     # an unknown value is ignored


def test_select_all_ticks_the_page_and_the_bulk_bar_stays_on_screen(app, client, more_assets):
    login(client, "it")
    html = client.get("/triage/?select=all&kind=apps").get_data(as_text=True)
    ticked = re.findall(r'name="asset_ids" value="(\d+)" id="select-\d+" checked', html)
    assert len(ticked) == 4
    assert 'href="/triage/?kind=apps"' in html                                     # clear the selection
    assert '<fieldset class="bulk sticky">' in html
    assert not re.findall(r'id="select-\d+" checked', client.get("/triage/").get_data(as_text=True))
