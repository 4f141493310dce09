"""The assets area: list filters, search, sort, pages, export (CSV/xlsx), the asset page, scopes."""
from __future__ import annotations

import csv
import hashlib
import io
import html
import re

import openpyxl
import pytest
from sqlalchemy import event, insert, select, update
from web_fixtures import RECORDS, REMOVED, ROOT, asset_id, login, record, user_id

from inventory.registry.ingest import begin_run, finish_run, ingest_records
from inventory.models import (
    Asset,
    AssetComment,
    Department,
    Finding,
    Share,
    User,
    set_field,
    utcnow,
)
from inventory.web.assets import queries as asset_queries

A1 = "健康福祉部/介護保険課/認定者一覧.xlsx"
A2 = "健康福祉部/介護保険課/台帳.xlsm"
A3 = "健康福祉部/介護保険課/壊れた.xlsx"
A_PARENT = "健康福祉部/会議資料.csv"
B1 = "総務部/職員課/職員名簿.xlsx"
B2 = "総務部/職員課/給与.xlsx"
MEMO = "未整理/メモ.txt"
LIVE = {A1, A2, A3, A_PARENT, B1, B2, MEMO}
A_PATHS = {A1, A2, A3}
#: a row of the list: its whole path on hover (the share's root, then the path) and its link
LINK = re.compile(r'<td class="path" title="([^"]+)"><div class="clip"><a class="asset-link" href="/assets/(\d+)">')


def listed(client, query: str = "") -> list[str]:
    """The paths the list shows for ``query`` (in order)."""
    response = client.get("/assets/" + query)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return [html.unescape(path).removeprefix(ROOT + "/") for path, _id in LINK.findall(response.get_data(as_text=True))]


def department_id(db, code: str) -> int:
    return db.execute(select(Department.id).where(Department.code == code)).scalar_one()


# ----- the list: filters, each alone, as a city-wide user -----
@pytest.mark.parametrize("query, expected", [
    ("", LIVE),
    ("?status=removed", {REMOVED}),
    ("?status=all", LIVE | {REMOVED}),
    ("?status=error", {A3}),
    ("?status=encrypted", {B2}),
    ("?kind=xlsm", {A2}),
    ("?kind=csv", {A_PARENT}),
    ("?category=name", {A1, A2, B1}),                 # the removed file's name column not listed
    ("?category=name&status=all", {A1, A2, B1, REMOVED}),
    ("?category=health", {A1}),
    ("?sensitive=yes", {A1}),
    ("?sensitive=no", LIVE - {A1}),
    ("?my_number=yes", {A2}),
    ("?risk=hidden-personal-data", {A1}),
    ("?risk=encrypted", {B2}),
    ("?risk=autoexec-macro", {A2}),
    ("?risk=p2p-file-sharing", set()),
    ("?app=yes", {A2}),
    ("?app=no", LIVE - {A2}),
    ("?complexity=High", {A2}),
    ("?complexity=none", LIVE - {A2}),
    ("?lifecycle=discovered", {A2}),
    ("?lifecycle=none", LIVE - {A2}),
    ("?guideline=none", LIVE),
    ("?guideline=central", set()),
    ("?department=none", {MEMO}),
    ("?q=名簿", {B1}),
    ("?q=名簿&status=all", {B1, REMOVED}),
    ("?q=XLSM", {A2}),                                # case does not matter
    ("?q=介護保険課/台", {A2}),                        # folders are searched too
    ("?q=%25", set()),                                # LIKE wildcards are taken literally
    ("?q=_", set()),
    ("?q=%5C", set()),                                # and so is the escape character
    ("?category=name&sensitive=no&app=no", {B1}),      # filters combine
])
def test_each_filter(client, query, expected):
    login(client, "admin")
    assert set(listed(client, query)) == expected


@pytest.mark.parametrize("code, expected", [("300", {A1, A2, A3, A_PARENT}), ("301", A_PATHS),
                                            ("100", {B1, B2}), ("101", {B1, B2})])
def test_department_filter_includes_sub_departments(client, db, code, expected):
    login(client, "admin")
    assert set(listed(client, f"?department={department_id(db, code)}")) == expected


def test_guideline_filter(client, db):
    db.execute(update(Asset).where(Asset.path == A2).values(guideline="central"))
    db.commit()
    login(client, "it")
    assert listed(client, "?guideline=central") == [A2]
    assert A2 not in listed(client, "?guideline=none")


def test_dismissed_risks_do_not_match_the_risk_filter(client, db):
    db.execute(update(Finding).where(Finding.code == "autoexec-macro").values(dismissed=True))
    db.commit()
    login(client, "admin")
    assert listed(client, "?risk=autoexec-macro") == []


# ----- scopes -----
@pytest.mark.parametrize("username, query, expected", [
    ("clerk_a", "", A_PATHS),
    ("clerk_a", "?status=all", A_PATHS),
    ("clerk_a", "?q=名簿&status=all", set()),           # another department's files are never found
    ("head_a", "", A_PATHS | {A_PARENT}),
    ("clerk_b", "", {B1, B2}),
    ("clerk_b", "?status=all", {B1, B2, REMOVED}),
    ("head_b", "?category=name", {B1}),
    ("privacy", "", LIVE),
])
def test_list_shows_only_the_users_scope(client, username, query, expected):
    login(client, username)
    assert set(listed(client, query)) == expected


@pytest.mark.parametrize("username, code, status", [
    ("clerk_a", "101", 400),          # another department: not a choice
    ("clerk_a", "300", 400),          # the parent department: not in a clerk's scope
    ("clerk_a", "301", 200),
    ("head_a", "301", 200),
    ("clerk_a", "none", 400),         # unassigned files: city-wide roles only
])
def test_department_choices_are_the_scope(client, db, username, code, status):
    login(client, username)
    value = code if code == "none" else department_id(db, code)
    response = client.get(f"/assets/?department={value}")
    assert response.status_code == status
    if status == 400:
        html = response.get_data(as_text=True)
        assert "一覧にある値を選んでください。" in html
        assert not LINK.search(html)


def test_the_department_menu_lists_the_scope_only(client):
    login(client, "clerk_a")
    html = client.get("/assets/").get_data(as_text=True)
    menu = html[html.index('name="department"'):]
    menu = menu[:menu.index("</select>")]
    assert "介護保険課" in menu and "職員課" not in menu and "所属未設定" not in menu


@pytest.mark.parametrize("query, message", [
    ("?q=" + "長" * 201, "検索語は200文字以内で入力してください。"),
    ("?kind=exe", "一覧にある値を選んでください。"),
    ("?sort=name", "一覧にある値を選んでください。"),
])
def test_bad_input_gets_a_japanese_message_and_keeps_the_text(client, query, message):
    login(client, "admin")
    response = client.get("/assets/" + query)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html and 'aria-invalid="true"' in html
    if query.startswith("?q="):
        assert 'value="' + "長" * 201 + '"' in html


# ----- sort and pages -----
SIZES = {A1: 300, A2: 100, A3: None, A_PARENT: 200, B1: 50, B2: 1000, MEMO: 200}


@pytest.mark.parametrize("query, key, descending", [
    ("?sort=size", "size", False),
    ("?sort=size&order=desc", "size", True),
    ("?sort=path", "path", False),
    ("?sort=path&order=desc", "path", True),
    ("?order=desc", "path", True),                      # path is the default sort
])
def test_sort(client, db, app, query, key, descending):
    for path, size in SIZES.items():
        db.execute(update(Asset).where(Asset.path == path).values(size=size))
    db.commit()
    by_id = {p: asset_id(app, p) for p in LIVE}
    if key == "size":    # ties by id, the same way; no size: last ascending, first descending
        sized = sorted((p for p in LIVE if SIZES[p] is not None), key=lambda p: (SIZES[p], by_id[p]),
                       reverse=descending)
        expected = [A3] + sized if descending else sized + [A3]
    else:
        expected = sorted(LIVE, reverse=descending)
    login(client, "admin")
    assert listed(client, query) == expected


def test_sort_by_risks_puts_risky_files_first(client, app):
    login(client, "admin")
    got = listed(client, "?sort=risk_count&order=desc&app=no&status=ok")
    assert got[0] == A1
    assert got[1:] == sorted({A_PARENT, B1, MEMO}, key=lambda p: asset_id(app, p), reverse=True)


@pytest.mark.parametrize("query, expected", [
    ("?sort=records&order=desc", {A1, A2, B1}),     # 40 records each, first three
    ("?sort=mtime", LIVE), ("?sort=last_seen&order=desc", LIVE),
])
def test_other_sorts_answer(client, query, expected):
    login(client, "admin")
    got = listed(client, query)
    assert set(got[:len(expected)]) == expected


def add_assets(db, n: int, department_code: str, prefix: str = "生成") -> None:
    """``n`` live assets in a department, inserted directly (paths 生成/00000.csv ...)."""
    dept = department_id(db, department_code)
    now = utcnow()
    db.execute(insert(Asset), [
        {"root": ROOT, "path": f"{prefix}/{i:05d}.csv", "name": f"{i:05d}.csv", "folder": prefix,
         "kind": "csv", "size": i, "status": "ok", "department_id": dept,
         "path_key": hashlib.sha256(f"{prefix}/{i}".encode()).hexdigest(), "notes": [],
         "categories": [], "first_seen_at": now, "last_seen_at": now} for i in range(n)])
    db.commit()


@pytest.mark.parametrize("page, shown, first", [(1, 50, "生成/00000.csv"), (2, 50, "生成/00050.csv"),
                                                 (3, 20, "生成/00100.csv"), (4, 0, None)])
def test_pages(client, db, page, shown, first):
    add_assets(db, 120, "301")
    login(client, "clerk_a")
    response = client.get(f"/assets/?q=生成&page={page}")
    html = response.get_data(as_text=True)
    paths = [p.removeprefix(ROOT + "/") for p, _id in LINK.findall(html)]
    assert len(paths) == shown
    assert (paths[0] if paths else None) == first
    assert "120 件のファイルが該当します。" in html
    if page == 2:
        assert 'href="/assets/?q=%E7%94%9F%E6%88%90&amp;page=3"' in html     # filters kept in links
        assert 'rel="prev"' in html and 'rel="next"' in html


def test_count_beyond_the_limit_is_bounded(client, db, monkeypatch):
    monkeypatch.setattr(asset_queries, "COUNT_LIMIT", 100)
    monkeypatch.setattr(asset_queries.count_matching, "__defaults__", (100,))
    add_assets(db, 120, "301")
    login(client, "admin")
    html = client.get("/assets/?q=生成&page=2").get_data(as_text=True)
    assert "100 件以上のファイルが該当します" in html
    assert 'rel="next"' in html          # pages go on while they are full
    if db.get_bind().dialect.name == "postgresql":
        assert "（約" in html


def test_list_takes_a_fixed_number_of_queries(app, client, db):
    add_assets(db, 60, "301")
    statements = []
    engine = app.extensions["registry"].engine
    listener = lambda *args: statements.append(args[2])
    login(client, "clerk_a")
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert len(listed(client, "?category=name&sort=size")) == 2
        few = len(statements)
        statements.clear()
        assert len(listed(client, "")) == 50
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    # user, department tree x2, names (then cached: the second request does without), registry
    # stamp (count cache), count, ids, rows
    assert len(statements) <= few <= 7


# ----- export -----
def csv_rows(data: bytes, encoding: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(encoding))))


@pytest.mark.parametrize("fmt, encoding, bom", [("csv", "utf-8-sig", True), ("csv-cp932", "cp932", False)])
def test_csv_export_of_the_current_view(client, fmt, encoding, bom):
    login(client, "admin")
    response = client.get(f"/assets/export?format={fmt}&category=name&sort=path")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf") is bom
    rows = csv_rows(response.data, encoding)
    header = rows[0]
    assert header[:5] == ["ID", "所属", "ルート", "パス", "ファイル名"]
    paths = [r[header.index("パス")] for r in rows[1:]]
    assert paths == sorted({A1, A2, B1})
    first = dict(zip(header, rows[1 + paths.index(A1)]))
    assert first["個人情報の項目"] == "氏名、住所、心身の状況（障害・病歴・要介護度など）"
    assert first["要配慮個人情報"] == "はい" and first["所属"] == "健康福祉部 介護保険課"
    assert re.fullmatch(r"2026-04-01 09:12", first["更新日時"])         # shown in Japan time


@pytest.mark.parametrize("username, expected", [("clerk_a", A_PATHS), ("clerk_b", {B1, B2}),
                                                ("admin", LIVE)])
def test_export_stays_in_scope(client, username, expected):
    login(client, username)
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/assets/export?format={fmt}")
        assert response.status_code == 200
        if fmt == "csv":
            rows = csv_rows(response.data, "utf-8-sig")
            paths = {r[3] for r in rows[1:]}
        else:
            sheet = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True).active
            paths = {r[3] for r in list(sheet.iter_rows(values_only=True))[1:]}
        assert paths == expected


@pytest.mark.parametrize("username, query, status", [
    ("clerk_a", "?format=csv&department={b}", 400),     # a department outside the scope
    ("clerk_a", "?format=pdf", 400),
    ("clerk_b", "?format=xlsx&department={b}", 200),
])
def test_export_refuses_bad_requests(client, db, username, query, status):
    login(client, username)
    assert client.get("/assets/export" + query.format(b=department_id(db, "101"))).status_code == status


def test_xlsx_export(client):
    login(client, "admin")
    response = client.get("/assets/export?format=xlsx&status=all&sort=path&order=desc")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book.active
    assert sheet.title == "資産一覧"
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[3] == "パス" and "更新日時" in header and "リスク数" in header
    assert [r[3] for r in rows[1:]] == sorted(LIVE | {REMOVED}, reverse=True)
    row = dict(zip(header, rows[1 + [r[3] for r in rows[1:]].index(A1)]))
    assert row["サイズ（バイト）"] == 4096 and row["リスク数"] == 1
    assert row["更新日時"].strftime("%Y-%m-%d %H:%M") == "2026-04-01 09:12"


def test_export_defuses_formula_like_names(client, db):
    db.execute(update(Asset).where(Asset.path == MEMO).values(name="=HYPERLINK(1)", path="未整理/=HYPERLINK(1)"))
    db.commit()
    login(client, "admin")
    rows = csv_rows(client.get("/assets/export?format=csv&department=none").data, "utf-8-sig")
    assert rows[1][3] == "'未整理/=HYPERLINK(1)" or rows[1][4] == "'=HYPERLINK(1)"
    assert rows[1][4] == "'=HYPERLINK(1)"
    book = openpyxl.load_workbook(io.BytesIO(client.get("/assets/export?format=xlsx&department=none").data))
    cell = book.active.cell(row=2, column=5)
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"


def test_xlsx_rows_continue_on_another_sheet():
    from inventory.web.assets.export import Column, write_xlsx

    rows = [{"n": i} for i in range(5)]
    with write_xlsx(rows, [Column("N", lambda r: r["n"])], "資産", sheet_rows=3) as target:
        book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["資産", "資産2", "資産3"]
    assert [c.value for c in book["資産2"]["A"]] == ["N", 2, 3]


def test_cp932_export_replaces_characters_it_lacks(client, db):
    db.execute(update(Asset).where(Asset.path == MEMO).values(path="未整理/🐟.txt"))
    db.commit()
    login(client, "admin")
    data = client.get("/assets/export?format=csv-cp932&department=none").data
    assert csv_rows(data, "cp932")[1][3] == "未整理/?.txt"


# ----- the asset page -----
@pytest.mark.parametrize("path, shown", [
    (A1, ["認定者一覧.xlsx", "Excel", "見出しname", "見出しhealth", "** **", "90%", "氏名", "心身の状況",
          "非表示のシート・行・列にある個人情報", "シート「元データ」が完全に非表示", "要配慮", "本庁舎",
          "健康福祉部 介護保険課", hashlib.sha256(A1.encode()).hexdigest(), "約 40 件"]),
    (A2, ["業務アプリ", "excel-vba", "420", "開くと実行されるマクロ", "高", "発見", "マイナンバー"]),
    (A3, ["読取不可", "ファイルが壊れているか、途中までしかありません",
          "このファイルは内容を確認できませんでした（ファイルが壊れているか、途中までしかありません）。"]),
    (REMOVED, ["削除済", "見つからなくなった", "新たに見つかった"]),
])
def test_detail_shows_the_assets_facts(client, path, shown):
    login(client, "admin")
    html = client.get(f"/assets/{asset_id(client.application, path)}").get_data(as_text=True)
    for text in shown:
        if text != "Excel":
            assert text in html, text


def test_detail_shows_dismissed_risks_with_who_when_and_why(client, db, app):
    it = user_id(app, "it")
    db.execute(update(User).where(User.id == it).values(display_name="情報 太郎"))
    db.execute(update(Finding).where(Finding.code == "autoexec-macro").values(
        dismissed=True, dismissed_reason="承認済みの集計マクロ", dismissed_by_id=it, dismissed_at=utcnow()))
    db.commit()
    login(client, "clerk_a")
    html = client.get(f"/assets/{asset_id(app, A2)}").get_data(as_text=True)
    item = html[html.index('class="dismissed"'):]
    item = item[:item.index("</li>")]
    assert "開くと実行されるマクロ" in item and "情報 太郎" in item and "承認済みの集計マクロ" in item


@pytest.mark.parametrize("username, copies_shown, elsewhere", [
    ("clerk_a", [], 2),                       # both copies lie in other departments
    ("head_a", [A_PARENT], 1),
    ("admin", [A_PARENT, B1], 0),
])
def test_copies_within_scope_and_counted_outside(client, db, app, username, copies_shown, elsewhere):
    sha = hashlib.sha256(A1.encode()).hexdigest()
    db.execute(update(Asset).where(Asset.path.in_([A_PARENT, B1, REMOVED])).values(sha256=sha))
    db.commit()
    login(client, username)
    html = client.get(f"/assets/{asset_id(app, A1)}").get_data(as_text=True)
    section = html[html.index('id="copies-heading"'):html.index('id="history-heading"')]
    assert [p for p in re.findall(r'<a href="/assets/\d+">([^<]+)</a>', section)] == copies_shown
    assert (f"ほかに {elsewhere} 件の複製が" in section) is bool(elsewhere)
    assert B1 not in section or username == "admin"


def test_history_shows_scans_moves_and_people(client, db, app):
    share = db.execute(select(Share)).scalar_one()
    moved = dict(record("総務部/職員課/名簿2026.xlsx", ["name", "birth_date"]))
    moved["sha256"] = hashlib.sha256(B1.encode()).hexdigest()
    records = [r for r in RECORDS if r["path"] not in (B1, REMOVED)] + [moved]
    run = begin_run(db, [ROOT], share=share)
    ingest_records(db, records, run)
    finish_run(db, run)
    db.commit()
    asset = db.get(Asset, asset_id(app, "総務部/職員課/名簿2026.xlsx"))
    it = db.get(User, user_id(app, "it"))
    set_field(db, it, asset, "business_process", "職員台帳の管理")
    db.add(AssetComment(asset_id=asset.id, user_id=it.id, body="来年度に移行予定"))
    db.commit()
    login(client, "clerk_b")
    html = client.get(f"/assets/{asset.id}").get_data(as_text=True)
    history = html[html.index('id="history-heading"'):]
    assert "見つかった" in history and "移動・名前の変更" in history
    assert f"{B1} から" in history
    assert "業務名" in history and "職員台帳の管理" in history and "it" in history
    assert "来年度に移行予定" in html


@pytest.mark.parametrize("username, path, status", [
    ("clerk_a", A1, 200), ("clerk_a", B1, 404), ("clerk_a", A_PARENT, 404), ("clerk_a", MEMO, 404),
    ("head_a", A_PARENT, 200), ("clerk_b", A1, 404), ("clerk_b", REMOVED, 200),
    ("privacy", MEMO, 200), ("it", B2, 200),
])
def test_detail_is_404_outside_the_scope(client, app, username, path, status):
    login(client, username)
    assert client.get(f"/assets/{asset_id(app, path)}").status_code == status


def test_missing_asset_is_404(client):
    login(client, "admin")
    assert client.get("/assets/999999999").status_code == 404


@pytest.mark.parametrize("url", ["/assets/", "/assets/1", "/assets/export?format=csv"])
def test_signed_out_users_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize("username, linked", [("clerk_a", False), ("it", True)])
def test_triage_link_only_for_roles_that_triage(client, app, username, linked):
    login(client, username)
    html = client.get(f"/assets/{asset_id(app, A2)}").get_data(as_text=True)
    registered = "triage.index" in app.view_functions
    assert ("この業務アプリを仕分ける" in html) is (linked and registered)


# ----- languages -----
@pytest.mark.parametrize("url, texts", [
    ("/assets/", ["資産", "該当します", "絞り込み", "個人情報の項目"]),
    ("/assets/?lang=en", ["Assets", "files match", "Filters", "Personal-data category", "Health or disability"]),
    ("/assets/{a1}?lang=en", ["Columns judged personal", "Masked example", "Copies elsewhere", "History"]),
    ("/assets/{a1}", ["個人情報と判定された列", "マスクした例", "複製", "履歴"]),
])
def test_pages_in_japanese_and_english(client, app, url, texts):
    login(client, "admin")
    html = client.get(url.format(a1=asset_id(app, A1))).get_data(as_text=True)
    for text in texts:
        assert text in html, text


def test_english_export_headers(client):
    login(client, "admin")
    client.get("/assets/?lang=en")
    rows = csv_rows(client.get("/assets/export?format=csv").data, "utf-8-sig")
    assert rows[0][:4] == ["ID", "Department", "Root", "Path"]


@pytest.mark.parametrize("sort, descending", [("path", False), ("path", True), ("size", True),
                                              ("risk_count", True), ("last_seen", False)])
def test_both_page_plans_give_the_same_rows(db, sort, descending):
    from inventory.web.assets.queries import AssetFilters, page_rows

    add_assets(db, 70, "301")
    filters = AssetFilters(sort=sort, descending=descending)
    for page in (1, 2):
        sorted_all = [r.id for r in page_rows(db, select(Asset.id), filters, page, few=True)]
        by_index = [r.id for r in page_rows(db, select(Asset.id), filters, page, few=False)]
        assert sorted_all == by_index and len(by_index) == (50 if page == 1 else 27)


def test_large_xlsx_exports_are_sent_back_to_the_list(client, db, monkeypatch):
    from inventory.web.assets import views as assets

    monkeypatch.setattr(assets, "XLSX_MAX_ROWS", 3)       # 4 live xlsx files
    login(client, "admin")
    response = client.get("/assets/export?format=xlsx&kind=xlsx")
    assert response.status_code == 302 and response.headers["Location"] == "/assets/?kind=xlsx"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Excel でダウンロードできるのは 3 件まで" in html
    assert client.get("/assets/export?format=xlsx&kind=xlsm").status_code == 200


@pytest.mark.parametrize("descending", [False, True])
def test_path_pages_read_by_department_match_the_plain_sort(db, descending):
    """The department-by-department reading of path-ordered pages (used when the matches are
    too many to sort) gives the pages the plain sort gives, in both directions."""
    from inventory.web.assets.queries import AssetFilters, departments_of, page_rows
    from inventory.web.permissions import with_sub_departments

    add_assets(db, 70, "301", prefix="健康福祉部/介護保険課/生成")
    add_assets(db, 60, "300", prefix="健康福祉部/生成")
    scope = with_sub_departments(db, department_id(db, "300"))
    filters = AssetFilters(sort="path", descending=descending)
    base = select(Asset.id).where(Asset.department_id.in_(sorted(scope)))
    departments = departments_of(scope, filters)
    assert departments == frozenset(scope) and len(departments) == 2
    merged, plain = [], []
    for page in (1, 2, 3, 4):
        merged.append([r.path for r in page_rows(db, base, filters, page, departments=departments)])
        plain.append([r.path for r in page_rows(db, base, filters, page, few=True)])
    assert merged == plain
    assert [len(p) for p in merged[:2]] == [50, 50] and merged[3] == []
    live = db.execute(select(Asset.path).where(Asset.department_id.in_(sorted(scope)),
                                               Asset.status != "removed")).scalars().all()
    assert sum(merged, []) == sorted(live, reverse=descending)


def test_cached_counts_and_pages_follow_a_scan(app, client):
    login(client, "admin")
    before = client.get("/assets/?q=職員").get_data(as_text=True)
    with app.extensions["registry"].sessions() as session:
        from inventory.models import Share

        run = begin_run(session, [ROOT], share=session.execute(select(Share)).scalar_one())
        ingest_records(session, [record("総務部/職員課/職員追加.xlsx", categories=["name"])], run)
        session.commit()                       # one batch written: the registry's stamp moved
        finish_run(session, run, complete=False)
        session.commit()
    after = client.get("/assets/?q=職員").get_data(as_text=True)
    count = re.compile(r"(\d+) 件のファイルが該当します。")
    assert int(count.search(after).group(1)) == int(count.search(before).group(1)) + 1
    assert "職員追加.xlsx" in after and "職員追加.xlsx" not in before


@pytest.mark.parametrize("data", [{}, {"a": "x&y"}, {"a": "1"}])
def test_fast_select_writes_what_wtforms_writes(data):
    from wtforms import Form, SelectField
    from wtforms.widgets import Select

    from inventory.web.assets.filters import FastSelect

    class Chooser(Form):
        a = SelectField(choices=[("", "Any"), ("1", "総務部 <職員課>"), ("x&y", "A&B"), ("none", "未設定")])

    field = Chooser(data=data).a
    assert FastSelect()(field) == Select()(field)
    assert FastSelect()(field, **{"aria-invalid": "true"}) == Select()(field, **{"aria-invalid": "true"})


def test_pages_of_a_large_result_are_cut_once_until_the_registry_changes(app, client, db, monkeypatch):
    from inventory.models import AuditEvent
    from inventory.web.assets import views as assets_view

    add_assets(db, 120, "301")
    counted = assets_view.count_matching
    monkeypatch.setattr(assets_view, "count_matching",             # 40 counted: "more than 40"
                        lambda session, stmt, filters: counted(session, stmt, filters, limit=40))
    statements = []
    engine = app.extensions["registry"].engine
    listener = lambda *args: statements.append(args[2])
    login(client, "clerk_a")
    assert listed(client, "?sort=size&page=3")                 # count and names now cached
    event.listen(engine, "before_cursor_execute", listener)
    try:
        shown = []
        for _ in range(2):
            statements.clear()
            shown.append(listed(client, "?sort=size&page=2"))
            shown.append(len(statements))
        db.add(AuditEvent(object_type="asset", object_id=1, field="comment", action="update"))
        db.commit()                                                # any change: a new stamp
        statements.clear()
        shown.append(listed(client, "?sort=size&page=2"))
        shown.append(len(statements))
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    first, first_queries, again, again_queries, after, after_queries = shown
    assert len(first) == 50 and first == again == after
    assert again_queries == first_queries - 1                     # the page's ids came from the cache
    assert after_queries > first_queries                          # all counted and cut again


# ----- the list on an office screen: columns, cut paths (issue 18) -----

HEADERS = re.compile(r'<th scope="col" class="col-(\w+)')


def test_default_columns_and_the_whole_path_on_hover(client):
    login(client, "admin")
    page = client.get("/assets/").get_data(as_text=True)
    assert HEADERS.findall(page) == ["path", "department", "mtime", "status", "personal", "risks"]
    # the file name is the link, its folder beside it, the whole path (root included) in the title
    assert re.search(r'<td class="path" title="/mnt/share/健康福祉部/介護保険課/台帳.xlsm"><div class="clip">'
                     r'<a class="asset-link" href="/assets/\d+">台帳.xlsm</a> <span class="folder">健康福祉部/介護保険課</span>',
                     page)


def test_the_column_chooser_is_a_get_form_kept_in_the_session(client):
    login(client, "admin")
    page = client.get("/assets/?columns=1&col=size&col=records&q=xlsx").get_data(as_text=True)
    assert HEADERS.findall(page) == ["path", "size", "records"]            # the path is always shown
    assert re.search(r'name="col" value="size" checked', page)
    assert not re.search(r'name="col" value="status" checked', page)
    # the choice holds on the next visit, and is not carried in the list's links
    page = client.get("/assets/?sort=size").get_data(as_text=True)
    assert HEADERS.findall(page) == ["path", "size", "records"]
    assert "col=" not in re.search(r'<nav class="pages".*?</nav>|$', page, re.S).group(0)
    # ticking nothing leaves the path; ticking the default columns forgets the choice
    assert HEADERS.findall(client.get("/assets/?columns=1").get_data(as_text=True)) == ["path"]
    default = "&".join(f"col={c}" for c in ("department", "mtime", "status", "personal", "risks"))
    client.get("/assets/?columns=1&" + default)
    with client.session_transaction() as session:
        assert "asset_columns" not in session
    # an unknown column is ignored
    assert HEADERS.findall(client.get("/assets/?columns=1&col=password").get_data(as_text=True)) == ["path"]


def test_rows_show_the_chosen_cells(client):
    login(client, "admin")
    page = client.get("/assets/?columns=1&col=size&col=kind&col=app&col=last_seen&q=台帳").get_data(as_text=True)
    row = re.search(r"<tbody>(.*?)</tbody>", page, re.S).group(1)
    assert "4.0 KB" in row and "はい (高)" in row and row.count("<td") == 5


@pytest.mark.parametrize("folder, width, shown", [
    ("健康福祉部/介護保険課", 34, "健康福祉部/介護保険課"),
    ("健康福祉部/介護保険課/令和6年度/申請書/スキャン済み", 24, "…/申請書/スキャン済み"),
    ("abcdefghijklmnopqrstuvwxyz", 10, "…rstuvwxyz"),
    ("", 10, ""),
])
def test_short_folder_keeps_the_end(folder, width, shown):
    from inventory.web.assets.columns import short_folder, keep_end

    assert short_folder(folder, width) == shown
    assert sum(2 if ord(c) > 0x2000 and c != "…" else 1 for c in keep_end(folder, width)) <= width + 1


@pytest.mark.parametrize("name, shown", [
    ("健康福祉部 介護保険課", "健康福祉部 介護保険課"),
    ("教育委員会事務局 学校教育部 学校教育課 学務係", "…学校教育課 学務係"),
])
def test_short_department_keeps_the_last_levels(name, shown):
    from inventory.web.assets.columns import short_department

    assert short_department(name, 24) == shown  # (pages use 28)
