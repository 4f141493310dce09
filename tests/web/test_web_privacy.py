"""The privacy office's pages (/privacy) and a declaration's Excel export and import
(/declarations/<id>/excel, /import), through the test client on SQLite and PostgreSQL:
who may use them, the campaign form's Japanese errors, progress and reconciliation,
the ファイル簿 downloads, the reminders button (a real local SMTP server), and the import's
errors by row and column with nothing imported.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from aiosmtpd.controller import Controller
from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import func, select
from test_declaration_excel import edit_template, row_of
from test_declarations import complete, declaration_of, open_2026, user
from test_reminders import EMAILS, Inbox, free_port
from web_fixtures import RECORDS, REMOVED, csrf_token, login, record

from inventory.declarations import excel_export, excel_import, excel_layout, publication
from inventory.declarations import editing
from inventory.declarations import workflow as decl
from inventory.registry.ingest import begin_run, finish_run, ingest_records
from inventory.models import DeclarationCampaign, DeclarationItem, Share, User
from inventory.web.declarations.files import FILE_TEXTS, ISSUE_TEXTS, issue_text


@pytest.fixture
def db(app):
    with app.extensions["registry"].sessions() as session:
        yield session


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def accept_301(db, campaign, **changes) -> None:
    d = declaration_of(db, campaign, "301")
    for item in decl.items_of(db, d.id):
        editing.save_item(db, user(db, "clerk_a"), d, item, complete(item, **changes.get(item.file_name, {})),
                          item.version)
    decl.act(db, user(db, "clerk_a"), d, "submit", d.version)
    decl.act(db, user(db, "head_a"), d, "approve", d.version)
    decl.act(db, user(db, "privacy"), d, "accept", d.version)
    db.commit()


# --- access ------------------------------------------------------------------------------------

@pytest.mark.parametrize("username, status", [("privacy", 200), ("admin", 200), ("clerk_a", 403),
                                              ("head_a", 403), ("it", 403)])
def test_the_privacy_pages_are_for_the_office_and_admins(client, db, username, status):
    campaign = open_2026(db)
    login(client, username)
    for url in ("/privacy/", "/privacy/campaigns/new", f"/privacy/campaigns/{campaign.id}",
                f"/privacy/campaigns/{campaign.id}/filebook.xlsx"):
        assert client.get(url).status_code == status, url
    token = csrf_token(page(client, "/"))                      # the sign-out form's token
    reminded = client.post(f"/privacy/campaigns/{campaign.id}/remind", data={"csrf_token": token})
    assert reminded.status_code == (303 if status == 200 else 403)
    nav = page(client, "/")
    nav = nav[nav.index("<nav"):nav.index("</nav>")]
    assert ("/privacy/" in nav) is (status == 200)


def test_a_campaign_is_listed_and_unknown_ones_are_404(client, db):
    campaign = open_2026(db)
    login(client, "privacy")
    html = page(client, "/privacy/")
    assert "年度照会" in html and f"/privacy/campaigns/{campaign.id}" in html
    page(client, "/privacy/campaigns/9999", 404)
    page(client, f"/privacy/campaigns/{campaign.id}/filebook.pdf", 404)


# --- opening a campaign ----------------------------------------------------------------------

def post_campaign(client, **fields):
    token = csrf_token(page(client, "/privacy/campaigns/new"))
    data = {"csrf_token": token, "fiscal_year": "2026", "title": "令和8年度 年度照会", "opens_on": "2026-05-01",
            "due_on": "2026-06-30", "reference_date": "", "publish_threshold": "1000"}
    data.update(fields)
    return client.post("/privacy/campaigns/new", data=data)


def test_campaign_form_errors_are_japanese_and_the_input_is_kept(client, db):
    login(client, "privacy")
    response = post_campaign(client, fiscal_year="", opens_on="2026-05-01", due_on="2026-04-30",
                             publish_threshold="-5", title="入力した件名")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in ("年度を入力してください（例: 2026）。", "提出期限は照会開始日以降の日付にしてください。",
                    "0 以上の数を入力してください。"):
        assert message in html
    assert 'value="入力した件名"' in html and 'value="2026-04-30"' in html
    response = post_campaign(client, opens_on="5月1日")
    assert response.status_code == 400 and "入力した件名" not in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(DeclarationCampaign)) == 0


def test_opening_a_campaign_creates_the_drafts_and_a_year_is_opened_once(client, db):
    login(client, "privacy")
    response = post_campaign(client)
    assert response.status_code == 303
    campaign = db.execute(select(DeclarationCampaign)).scalar_one()
    assert response.headers["Location"].endswith(f"/privacy/campaigns/{campaign.id}")
    assert (campaign.publish_threshold, campaign.reference_date) == (1000, dt.date(2026, 5, 1))
    html = page(client, response.headers["Location"])
    assert "2026年度の照会を開始しました。4 所属に届出の下書きを作成しました。" in html
    again = post_campaign(client)
    assert again.status_code == 400 and "この年度の照会はすでにあります。" in again.get_data(as_text=True)


# --- the campaign page -------------------------------------------------------------------------

def test_campaign_page_shows_progress_as_table_and_chart(client, db, app):
    campaign = open_2026(db)
    accept_301(db, campaign)
    login(client, "privacy")
    html = page(client, f"/privacy/campaigns/{campaign.id}")
    assert '<svg class="chart" id="chart-progress"' in html
    text = text_of(html)
    for state in ("未着手", "作成中", "所属長決裁待ち", "審査中", "受理", "期限超過"):
        assert state in text
    overdue = page(client, f"/privacy/campaigns/{campaign.id}")          # the real clock is past 2026-06-30
    assert text_of(overdue).count("期限超過") >= 4                        # chart, table and three departments
    if "declarations.show" in app.view_functions:
        d = declaration_of(db, campaign, "301")
        assert f'href="/declarations/{d.id}"' in html


def test_reconciliation_lists_city_wide_and_by_department(client, db):
    campaign = open_2026(db)
    share = db.execute(select(Share)).scalar_one()
    run = begin_run(db, [share.root], share=share)
    extra = [record("健康福祉部/介護保険課/新しい名簿.xlsx", ["name", "health"], sensitive=True),
             record("総務部/職員課/研修名簿.xlsx", ["name"])]
    ingest_records(db, [r for r in RECORDS if r["path"] != REMOVED] + extra, run)
    finish_run(db, run)
    db.commit()
    login(client, "privacy")
    html = page(client, f"/privacy/campaigns/{campaign.id}")
    assert "新しい名簿.xlsx" in html and "研修名簿.xlsx" in html
    dept_301 = declaration_of(db, campaign, "301").department_id
    only = page(client, f"/privacy/campaigns/{campaign.id}?department={dept_301}")
    undeclared = only[only.index('id="undeclared"'):only.index('id="vanished"')]
    assert "新しい名簿.xlsx" in undeclared and "研修名簿.xlsx" not in undeclared
    assert "要配慮個人情報を含む未届出のファイル" in only


# --- downloads ---------------------------------------------------------------------------------

def test_filebook_downloads_have_the_right_types_and_content(client, db, monkeypatch):
    campaign = open_2026(db)
    accept_301(db, campaign, 台帳={"record_scope": "4月〜3月の申請者"})
    monkeypatch.setitem(client.application.config, "INVENTORY_AGENCY_NAME", "みどり市長")
    login(client, "privacy")
    base = f"/privacy/campaigns/{campaign.id}/filebook"
    xlsx = client.get(base + ".xlsx")
    assert xlsx.status_code == 200 and xlsx.mimetype == excel_export.XLSX_TYPE
    assert "attachment" in xlsx.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.data)).worksheets[0]
    assert sheet["A1"].value == "みどり市長 令和8年度 個人情報ファイル簿"      # the app's INVENTORY_AGENCY_NAME
    rows = [r for r in sheet.iter_rows(min_row=publication.HEADER_ROW, values_only=True) if r[1]]
    assert list(rows[0]) == list(publication.HEADERS) and len(rows) == 3
    utf8 = client.get(base + ".csv")
    assert utf8.headers["Content-Type"] == "text/csv; charset=utf-8" and utf8.data.startswith(b"\xef\xbb\xbf")
    sjis = client.get(base + ".csv-cp932")
    assert sjis.headers["Content-Type"] == "text/csv; charset=Shift_JIS"
    table = list(csv.reader(io.StringIO(sjis.data.decode("cp932"))))
    assert table[0][1] == "個人情報ファイルの名称" and any("4月～3月の申請者" in row for row in table)


def test_a_shift_jis_download_that_cannot_hold_a_character_says_where(client, db):
    campaign = open_2026(db)
    accept_301(db, campaign, 台帳={"record_scope": "𠮷野台地区の住民"})
    login(client, "privacy")
    response = client.get(f"/privacy/campaigns/{campaign.id}/filebook.csv-cp932")
    assert response.status_code == 303
    html = page(client, response.headers["Location"])
    assert "Shift_JIS の CSV では" in html and "「記録範囲」" in html and "𠮷" not in html


# --- reminders ---------------------------------------------------------------------------------

@pytest.fixture
def smtp_app(app, db):
    """The app configured for a real SMTP server on a free local port; users with addresses."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(INVENTORY_SMTP_HOST="127.0.0.1", INVENTORY_SMTP_PORT=controller.port,
                      INVENTORY_SMTP_FROM="kojin@city.example")
    for username, address in EMAILS.items():
        db.execute(select(User).where(User.username == username)).scalar_one().email = address
    db.commit()
    yield inbox
    controller.stop()


def test_the_reminders_button_emails_overdue_departments_once_a_day(client, db, smtp_app):
    campaign = open_2026(db)                                   # due 2026-06-30: overdue by the real clock
    login(client, "privacy")
    url = f"/privacy/campaigns/{campaign.id}"
    token = csrf_token(page(client, url))
    response = client.post(url + "/remind", data={"csrf_token": token})
    assert response.status_code == 303
    html = page(client, response.headers["Location"])
    assert "督促メールを送信しました: 4 所属。本日送信済み: 0 所属。" in html
    assert len(smtp_app.messages) == 4
    assert all("提出期限を過ぎています" in m["Subject"] for _r, m in smtp_app.messages)
    client.post(url + "/remind", data={"csrf_token": token})
    assert "本日送信済み: 4 所属" in page(client, url) and len(smtp_app.messages) == 4
    client.post(url + "/remind", data={"csrf_token": token, "force": "y"})
    assert len(smtp_app.messages) == 8
    assert client.post(url + "/remind", data={}).status_code == 400          # no CSRF token


def test_without_smtp_the_page_says_so_and_nothing_is_sent(client, db, app, monkeypatch):
    monkeypatch.delenv("INVENTORY_SMTP_HOST", raising=False)
    campaign = open_2026(db)
    login(client, "privacy")
    url = f"/privacy/campaigns/{campaign.id}"
    html = page(client, url)
    assert "メール送信が設定されていません" in html
    token = csrf_token(page(client, "/privacy/campaigns/new"))
    response = client.post(url + "/remind", data={"csrf_token": token})
    assert response.status_code == 303 and "メール送信が設定されていません" in page(client, url)


# --- a declaration's Excel export and import -------------------------------------------------

@pytest.mark.parametrize("username, status", [("clerk_a", 200), ("head_a", 200), ("privacy", 200),
                                              ("it", 200), ("clerk_b", 404)])
def test_the_export_is_for_those_who_may_see_the_declaration(client, db, username, status):
    campaign = open_2026(db)
    d = declaration_of(db, campaign, "301")
    login(client, username)
    response = client.get(f"/declarations/{d.id}/excel")
    assert response.status_code == status
    if status == 200:
        assert response.mimetype == excel_export.XLSX_TYPE
        assert excel_layout.SHEET_META in load_workbook(io.BytesIO(response.data)).sheetnames


@pytest.mark.parametrize("username, status", [("clerk_a", 200), ("head_a", 200), ("privacy", 403),
                                              ("it", 403), ("clerk_b", 404)])
def test_the_import_is_for_those_who_may_edit_it(client, db, username, status):
    campaign = open_2026(db)
    d = declaration_of(db, campaign, "301")
    login(client, username)
    assert client.get(f"/declarations/{d.id}/import").status_code == status


def upload(client, declaration_id: int, data: bytes, name: str = "届出.xlsx", lang: str = ""):
    url = f"/declarations/{declaration_id}/import"
    token = csrf_token(page(client, url + lang))
    return client.post(url + lang, data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def item_rows(db, d) -> list[tuple]:
    db.expire_all()
    return sorted(db.execute(select(DeclarationItem.id, DeclarationItem.version, DeclarationItem.purpose)
                             .where(DeclarationItem.declaration_id == d.id)).all())


def test_an_import_with_errors_lists_them_in_japanese_and_imports_nothing(client, db):
    campaign = open_2026(db)
    d = declaration_of(db, campaign, "301")
    login(client, "clerk_a")
    data = client.get(f"/declarations/{d.id}/excel").data
    row = row_of(data, "認定者一覧")
    edited = edit_template(data, {row: {"本人の数": "たくさん", "個人情報ファイルの種別": "紙袋"}},
                           new_rows=[{"個人情報ファイルの名称": "追加のファイル"}])
    before = item_rows(db, d)
    response = upload(client, d.id, edited)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "10 件の問題があるため、何も取り込んでいません。" in html
    text = text_of(html)
    assert f"{row} 本人の数 0 以上の整数（人数）を入力してください。" in text
    assert f"{row} 個人情報ファイルの種別 選択肢の中から入力してください。" in text
    assert f"{row + 1} 事務の名称 入力が必要です。" in text
    assert "たくさん" not in html and "紙袋" not in html
    assert item_rows(db, d) == before
    english = upload(client, d.id, edited, lang="?lang=en").get_data(as_text=True)
    assert "Number of people" in english and "Enter a whole number of people (0 or more)." in english


def test_a_valid_import_is_applied_and_a_foreign_file_is_refused(client, db):
    campaign = open_2026(db)
    d = declaration_of(db, campaign, "301")
    login(client, "clerk_a")
    data = client.get(f"/declarations/{d.id}/excel").data
    values = {"事務の名称": "要介護認定事務", "個人情報ファイルが利用に供される事務をつかさどる組織の名称": "介護保険課",
              "個人情報ファイルの利用目的": "要介護認定の審査", "記録範囲": "申請者"}
    edited = edit_template(data, {row_of(data, "認定者一覧"): values})
    response = upload(client, d.id, edited)
    assert response.status_code == 303
    assert "取り込みました。追加 0 件、変更 1 件、変更なし 1 件。" in page(client, response.headers["Location"])
    assert "要介護認定の審査" in [p for _i, _v, p in item_rows(db, d)]
    other = declaration_of(db, campaign, "101")
    assert client.get(f"/declarations/{other.id}/excel").status_code == 404     # not clerk_a's to see
    foreign = upload(client, d.id, excel_export.declaration_workbook(db, other))
    assert foreign.status_code == 400
    assert "別の届出（別の年度または所属）から書き出したファイルです。" in foreign.get_data(as_text=True)
    not_excel = upload(client, d.id, "項目ID,区分\n".encode("utf-8"), "届出.csv")
    assert not_excel.status_code == 400 and "Excel ブック（.xlsx）を選んでください。" in not_excel.get_data(as_text=True)


def test_the_web_messages_say_in_japanese_what_the_service_says(app):
    with app.test_request_context("/"), force_locale("ja"):
        for code in excel_import.ISSUE_MESSAGES:
            issue = excel_import.ImportIssue(2, "本人の数", code, limit=200, number=3)
            assert issue_text(issue) == issue.message, code
        for code, message in excel_import.FILE_MESSAGES.items():
            assert str(FILE_TEXTS[code]) == message, code
    assert set(ISSUE_TEXTS) == set(excel_import.ISSUE_MESSAGES)
    assert set(FILE_TEXTS) == set(excel_import.FILE_MESSAGES)


def test_progress_and_reconciliation_count_only_items_as_declared(client, db):
    """A department that has not started shows its scanned holdings as undeclared: the scans'
    suggestions declare nothing until a clerk adopts them (issue 18)."""
    campaign = open_2026(db, adopt=False)
    login(client, "privacy")
    html = page(client, f"/privacy/campaigns/{campaign.id}")
    d = declaration_of(db, campaign, "301")
    row = html[html.index(f'/declarations/{d.id}"'):]
    row = row[:row.index("</tr>")]
    assert re.findall(r'class="num (declared|pending|undeclared)">(\d+)<', row) == [
        ("declared", "0"), ("pending", "2"), ("undeclared", "2")]
    undeclared = html[html.index('id="undeclared"'):html.index('id="vanished"')]
    assert "認定者一覧.xlsx" in undeclared and "台帳.xlsm" in undeclared and "職員名簿.xlsx" in undeclared
    assert "採用されていないスキャン結果からの提案は届出になりません" in html
