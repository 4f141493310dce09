"""The org-chart import: checked row by row, all or nothing, idempotent; xlsx, cp932 and UTF-8 CSV."""
from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from web_fixtures import csrf_token, login

from inventory.models import AuditEvent, Department, Person, User
from inventory.web.admin.org_import import parse_date
from inventory.web.admin.import_read import DEPARTMENT_COLUMNS, STAFF_COLUMNS, USER_COLUMNS

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
DEPT_HEADER = ["組織コード", "組織名", "上位組織コード", "所属長ユーザー", "有効開始日", "有効終了日", "後継組織コード"]
USER_HEADER = ["ユーザー名", "氏名", "メール", "役割", "組織コード"]
DEPARTMENTS = [DEPT_HEADER,
               ["200", "市民生活部", "", "yamada", "2026-04-01", "", ""],
               ["201", "市民課", "200", "", "令和8年4月1日", "", ""],
               ["301", "介護保険課", "300", "", "", "2027-03-31", "202"],     # closed: a reorganisation
               ["202", "高齢介護課", "300", "", "2027-04-01", "", ""]]
USERS = [USER_HEADER,
         ["yamada", "山田 一郎", "yamada@example.jp", "所属長", "200"],
         ["kato", "加藤 二郎", "", "担当者", "201"],
         ["clerk_b", "", "", "clerk", "101"]]                                # as it is: unchanged


def workbook(**sheets) -> bytes:
    """An xlsx with one sheet per keyword (sheet title -> rows)."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows, encoding: str) -> bytes:
    return "\r\n".join(",".join(row) for row in rows).encode(encoding)


def upload(client, data: bytes, filename: str, check_only: bool = False):
    token = csrf_token(client.get("/admin/import").get_data(as_text=True))
    form = {"csrf_token": token, "file": (io.BytesIO(data), filename)}
    if check_only:
        form["check_only"] = "y"
    return client.post("/admin/import", data=form, content_type="multipart/form-data")


def snapshot(db) -> tuple:
    """Everything an import may touch, to prove that nothing changed."""
    depts = sorted(db.execute(select(Department.code, Department.name, Department.parent_id,
                                     Department.head_id, Department.valid_from, Department.valid_to,
                                     Department.successor_id)).all())
    users = sorted(db.execute(select(User.username, User.display_name, User.email, User.role,
                                     User.department_id, User.active)).all())
    return depts, users, db.scalar(select(func.count()).select_from(AuditEvent))


def dept(db, code: str) -> Department:
    return db.execute(select(Department).where(Department.code == code)).scalars().one()


def test_valid_workbook_is_imported_then_reimporting_changes_nothing(client, db):
    login(client, "admin")
    data = workbook(組織=DEPARTMENTS, ユーザー=USERS)
    response = upload(client, data, "org.xlsx")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "取り込みが完了しました。" in html
    db.expire_all()
    yamada = db.execute(select(User).where(User.username == "yamada")).scalar_one()
    assert (yamada.role, yamada.department_id, yamada.password_hash) == ("dept_head", dept(db, "200").id,
                                                                         None)
    assert dept(db, "200").head_id == yamada.id
    assert dept(db, "201").parent_id == dept(db, "200").id
    assert dept(db, "201").valid_from == dt.date(2026, 4, 1)          # 令和8年4月1日
    closed = dept(db, "301")
    assert (closed.valid_to, closed.successor_id) == (dt.date(2027, 3, 31), dept(db, "202").id)
    audit = {(e.object_type, e.field, e.before, e.after) for e in db.execute(
        select(AuditEvent).where(AuditEvent.object_id == closed.id,
                                 AuditEvent.object_type == "department")).scalars()}
    assert ("department", "valid_to", None, "2027-03-31") in audit
    before = snapshot(db)
    again = upload(client, data, "org.xlsx")
    assert again.status_code == 200
    db.expire_all()
    assert snapshot(db) == before                     # idempotent: no change, no audit event
    table = again.get_data(as_text=True)
    assert ">0</td>" in table and ">4</td>" in table and ">3</td>" in table


def test_counts_of_a_first_import(client):
    login(client, "admin")
    html = upload(client, workbook(組織=DEPARTMENTS, ユーザー=USERS), "org.xlsx").get_data(as_text=True)
    rows = html[html.index("<tbody>"):html.index("</tbody>")]
    # departments: 3 new, 1 changed (301 closed); users: 2 new, 1 unchanged
    assert [cells.count("</td>") for cells in rows.split("</tr>")[:2]] == [3, 3]
    assert ">3</td><td class=\"num\">1</td><td class=\"num\">0</td>" in rows
    assert ">2</td><td class=\"num\">0</td><td class=\"num\">1</td>" in rows


BAD_DEPARTMENTS = [DEPT_HEADER,
                   ["", "名無し", "", "", "", "", ""],                       # row 2
                   ["400", "新部", "999", "", "2026/13/01", "", ""],          # row 3
                   ["401", "循環A", "402", "", "", "", ""],                   # row 4
                   ["402", "循環B", "401", "", "", "", ""],                   # row 5
                   ["403", "終了", "", "nobody", "2026-04-01", "2025-03-31", ""]]  # row 6
BAD_USERS = [USER_HEADER,
             ["bad name", "", "", "担当者", "400"],                          # row 2
             ["ok_user", "", "not-an-email", "社長", "400"],                 # row 3
             ["clerk_x", "", "", "担当者", ""],                              # row 4
             ["ok_user", "", "", "担当者", "400"]]                           # row 5
EXPECTED_ISSUES = {
    ("組織", 2, "組織コード", "必須です。"),
    ("組織", 3, "上位組織コード", "組織コードが見つかりません。"),
    ("組織", 3, "有効開始日", "日付として読めません"),
    ("組織", 4, "上位組織コード", "循環"),
    ("組織", 5, "上位組織コード", "循環"),
    ("組織", 6, "所属長ユーザー", "ユーザー名が見つかりません。"),
    ("組織", 6, "有効終了日", "有効終了日が有効開始日より前です。"),
    ("ユーザー", 2, "ユーザー名", "英数字と . _ @ - だけ"),
    ("ユーザー", 3, "メール", "メールアドレスではありません。"),
    ("ユーザー", 3, "役割", "役割が不明です"),
    ("ユーザー", 4, "組織コード", "担当者と所属長には組織コードが必要です。"),
    ("ユーザー", 5, "ユーザー名", "ファイル内で重複"),
}


def issue_rows(html: str) -> list[tuple]:
    """(sheet, row, column, problem) of the problems table."""
    table = html[html.index('class="panel import-issues"'):]
    table = table[table.index("<tbody>") + 7:table.index("</tbody>")]
    found = []
    for row in table.split("</tr>")[:-1]:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
        found.append((cells[0], int(cells[1]), cells[2], cells[3]))
    return found


def test_errors_are_listed_per_row_and_column_and_nothing_is_imported(client, db):
    login(client, "admin")
    before = snapshot(db)
    # the valid rows of a good file plus bad rows: still nothing may be written
    data = workbook(組織=DEPARTMENTS + BAD_DEPARTMENTS[1:], ユーザー=USERS + BAD_USERS[1:])
    response = upload(client, data, "org.xlsx")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "何も取り込んでいません" in html
    offset = len(DEPARTMENTS) - 1, len(USERS) - 1
    expected = {(sheet, row + offset[sheet == "ユーザー"], column, text)
                for sheet, row, column, text in EXPECTED_ISSUES}
    found = issue_rows(html)
    for sheet, row, column, text in expected:
        assert any(f[:3] == (sheet, row, column) and text in f[3] for f in found), (sheet, row, column)
    assert len(found) == len(expected)
    assert [(sheet != "組織", row) for sheet, row, _c, _p in found] == sorted(
        (sheet != "組織", row) for sheet, row, _c, _p in found)          # listed in file order
    db.expire_all()
    assert snapshot(db) == before


def test_check_only_reports_without_writing(client, db):
    login(client, "admin")
    before = snapshot(db)
    response = upload(client, workbook(組織=DEPARTMENTS, ユーザー=USERS), "org.xlsx", check_only=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "検証に合格しました" in html
    db.expire_all()
    assert snapshot(db) == before


@pytest.mark.parametrize("encoding", ["cp932", "utf-8-sig", "utf-8"])
def test_csv_files_in_japanese_encodings(client, db, encoding):
    login(client, "admin")
    departments = [["組織コード", "組織名", "上位組織コード"], ["500", "上下水道局", ""],
                   ["501", "ｿﾞｰﾝ管理課", "500"]]                   # half-width kana in a name
    assert upload(client, csv_bytes(departments, encoding), "組織.csv").status_code == 200
    users = [USER_HEADER, ["ito", "伊藤 三郎", "", "担当者", "５０１"]]       # full-width digits
    response = upload(client, csv_bytes(users, encoding), "users.csv")
    assert response.status_code == 200, response.get_data(as_text=True)
    db.expire_all()
    assert dept(db, "501").name == "ｿﾞｰﾝ管理課"                     # names are kept as written
    assert dept(db, "501").parent_id == dept(db, "500").id
    ito = db.execute(select(User).where(User.username == "ito")).scalar_one()
    assert (ito.display_name, ito.department_id) == ("伊藤 三郎", dept(db, "501").id)


def test_unknown_columns_are_ignored_and_named(client, db):
    login(client, "admin")
    rows = [["組織コード", "組織名", "備考"], ["600", "会計課", "メモ"]]
    html = upload(client, csv_bytes(rows, "utf-8"), "org.csv").get_data(as_text=True)
    assert "テンプレートにない列は無視しました" in html and "備考" in html
    assert dept(db, "600").name == "会計課"


def test_the_template_round_trips(client, db):
    login(client, "admin")
    response = client.get("/admin/import/template.xlsx")
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    headers = {ws.title: [c.value for c in next(ws.iter_rows(max_row=1))] for ws in book.worksheets[:3]}
    assert headers == {"組織": [n[0] for n in DEPARTMENT_COLUMNS.values()],
                       "ユーザー": [n[0] for n in USER_COLUMNS.values()],
                       "職員": [n[0] for n in STAFF_COLUMNS.values()]}
    before = snapshot(db)
    assert upload(client, response.data, "template.xlsx").status_code == 200   # headers only
    assert snapshot(db) == before


HOSTILE = [
    "apache+poi/test-data/spreadsheet/54764.xlsx",              # XML entity expansion
    "apache+poi/test-data/spreadsheet/poc-xmlbomb.xlsx",
    "apache+poi/test-data/spreadsheet/58616.xlsx",              # encrypted OOXML
    "apache+poi/test-data/spreadsheet/clusterfuzz-testcase-minimized-XLSX2CSVFuzzer-5636439151607808.xlsx",
    "apache+poi/test-data/spreadsheet/clusterfuzz-testcase-minimized-POIXSSFFuzzer-5937385319563264.xlsx",
    "_derived/dummy_personal_ja_cp932.csv",                     # a real cp932 CSV, not our template
    "ExcelDataReader+ExcelDataReader/src/TestData/csv/utf16le_bom.csv",
]


@pytest.mark.corpus
@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_or_foreign_files_are_refused_with_a_reason(client, db, name):
    path = CORPUS / name
    if not path.is_file():
        pytest.fail(f"corpus file missing: {name}")
    login(client, "admin")
    before = snapshot(db)
    response = upload(client, path.read_bytes(), path.name)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'class="error" role="alert"' in html
    db.expire_all()
    assert snapshot(db) == before


@pytest.mark.parametrize("data, filename, message", [
    (b"PK\x03\x04garbage", "org.xlsx", "Excel ブックではありません"),
    (b"\x00\x01\x02", "org.csv", "UTF-8 でも Shift_JIS"),
    (b"code,name\n", "org.pdf", "Excel ブック（.xlsx）または CSV"),
    ("名前,住所\n".encode(), "org.csv", "テンプレートの見出し"),
])
def test_unreadable_uploads_get_a_japanese_reason(client, data, filename, message):
    login(client, "admin")
    response = upload(client, data, filename)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize("text, expected", [
    ("2026-04-01", dt.date(2026, 4, 1)), ("2026/4/1", dt.date(2026, 4, 1)),
    ("2026年4月1日", dt.date(2026, 4, 1)), ("令和8年4月1日", dt.date(2026, 4, 1)),
    ("R8.4.1", dt.date(2026, 4, 1)), ("令和元年5月1日", dt.date(2019, 5, 1)),
    ("平成31年3月31日", dt.date(2019, 3, 31)), ("２０２６－０４－０１", dt.date(2026, 4, 1)),
    ("2026-04-01 00:00:00", dt.date(2026, 4, 1)),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2026-13-01", "令和8年", "tomorrow", "2026-02-30"])
def test_parse_date_refuses(text):
    with pytest.raises(ValueError):
        parse_date(text)


# ---------------------------------------------------------------- the staff sheet (職員)
STAFF_HEADER = ["職員番号", "氏名", "カナ", "所属コード", "役職", "メール"]
STAFF = [STAFF_HEADER,
         ["012345", "山田 一郎", "ヤマダ イチロウ", "200", "部長", "yamada@example.jp"],
         ["012346", "小林　花子", "こばやし はなこ", "201", "", ""],          # full-width space, hiragana
         ["012347", "中村 三郎", "ﾅｶﾑﾗ ｻﾌﾞﾛｳ", "101", "主事", ""]]           # half-width kana, a registry code


def person(db, number: str) -> Person:
    return db.execute(select(Person).where(Person.staff_number == number)).scalar_one()


def test_staff_sheet_is_imported_with_the_org_chart_then_reimporting_changes_nothing(client, db):
    login(client, "admin")
    data = workbook(組織=DEPARTMENTS, ユーザー=USERS, 職員=STAFF)
    response = upload(client, data, "org.xlsx")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    rows = html[html.index("<tbody>"):html.index("</tbody>")]
    assert "<th scope=\"row\">職員</th><td class=\"num\">3</td><td class=\"num\">0</td><td class=\"num\">0</td>" in rows
    db.expire_all()
    yamada, kobayashi, nakamura = person(db, "012345"), person(db, "012346"), person(db, "012347")
    assert (yamada.name, yamada.kana, yamada.department_id, yamada.title, yamada.email, yamada.active,
            yamada.source) == ("山田 一郎", "ヤマダ イチロウ", dept(db, "200").id, "部長", "yamada@example.jp",
                               True, "import")
    assert (kobayashi.name, kobayashi.kana, kobayashi.title) == ("小林 花子", "コバヤシ ハナコ", None)
    assert (nakamura.kana, nakamura.department_id) == ("ナカムラ サブロウ", dept(db, "101").id)
    events = db.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.object_type == "person"))
    assert events > 0
    # the same file again: nothing changes
    response = upload(client, data, "org.xlsx")
    assert response.status_code == 200
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.object_type == "person")) \
        == events
    # someone leaves: 在職 0; they stay in the directory, inactive
    left = [STAFF_HEADER + ["在職"], ["012347", "中村 三郎", "ナカムラ サブロウ", "101", "主事", "", "0"]]
    assert upload(client, csv_bytes(left, "cp932"), "職員.csv").status_code == 200
    db.expire_all()
    assert person(db, "012347").active is False
    assert db.scalar(select(func.count()).select_from(Person)) == 3


def test_a_person_made_from_an_account_is_adopted_by_name(client, db):
    """Migration 0011 made people without numbers from the accounts that owned apps: the first
    staff import gives them their number instead of making a second person."""
    db.add(Person(name="山田 一郎", source="account"))
    db.add(Person(name="同名 太郎", source="account"))
    db.add(Person(name="同名 太郎", source="account"))           # two: neither is adopted
    db.commit()
    login(client, "admin")
    rows = [STAFF_HEADER, ["012345", "山田一郎", "", "101", "", ""], ["012399", "同名 太郎", "", "101", "", ""]]
    assert upload(client, csv_bytes(rows, "utf-8"), "staff.csv").status_code == 200
    db.expire_all()
    adopted = person(db, "012345")
    assert (adopted.name, adopted.source) == ("山田一郎", "import")       # the file's spelling, as for any column
    assert db.scalar(select(func.count()).select_from(Person)) == 4      # 同名 太郎: a new person
    assert db.scalar(select(func.count()).select_from(Person).where(Person.staff_number.is_(None))) == 2


BAD_STAFF = [STAFF_HEADER + ["在職"],
             ["", "名無し", "", "101", "", "", ""],                              # row 2
             ["9001", "", "", "101", "", "", ""],                               # row 3
             ["9002", "英字 カナ", "Eiji", "101", "", "", ""],                  # row 4
             ["9003", "所属 不明", "", "999", "", "", ""],                      # row 5
             ["9002", "重複 番号", "", "101", "", "bad-mail", "たぶん"],        # row 6
             ["90 04", "空白 番号", "", "101", "", "", ""]]                     # row 7
EXPECTED_STAFF_ISSUES = [
    ("職員", 2, "職員番号", "必須です。"),
    ("職員", 3, "氏名", "必須です。"),
    ("職員", 4, "カナ", "カナはカタカナ"),
    ("職員", 5, "所属コード", "組織コードが見つかりません。"),
    ("職員", 6, "職員番号", "この職員番号がファイル内に2回以上あります。"),
    ("職員", 6, "メール", "メールアドレスではありません。"),
    ("職員", 6, "在職", "1（在職）または 0（退職等）"),
    ("職員", 7, "職員番号", "半角英数字と . _ - だけ"),
]


def test_staff_errors_are_listed_per_row_in_japanese_and_nothing_is_imported(client, db):
    login(client, "admin")
    before = snapshot(db), db.scalar(select(func.count()).select_from(Person))
    staff = [BAD_STAFF[0]] + STAFF[1:] + BAD_STAFF[1:]
    response = upload(client, workbook(組織=DEPARTMENTS, ユーザー=USERS, 職員=staff), "org.xlsx")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "何も取り込んでいません" in html
    found = issue_rows(html)
    offset = len(STAFF) - 1
    for sheet, row, column, text in EXPECTED_STAFF_ISSUES:
        assert any(f[:3] == (sheet, row + offset, column) and text in f[3] for f in found), (row, column, found)
    assert len(found) == len(EXPECTED_STAFF_ISSUES)
    db.expire_all()
    assert (snapshot(db), db.scalar(select(func.count()).select_from(Person))) == before


def test_staff_csv_with_english_headers_and_full_width_numbers(client, db):
    login(client, "admin")
    rows = [["staff_number", "name", "kana", "department_code"], ["０１２３４８", "伊藤 四郎", "イトウ シロウ", "１０１"]]
    response = upload(client, csv_bytes(rows, "utf-8-sig"), "staff.csv")
    assert response.status_code == 200, response.get_data(as_text=True)
    db.expire_all()
    assert (person(db, "012348").name, person(db, "012348").department_id) == ("伊藤 四郎", dept(db, "101").id)
