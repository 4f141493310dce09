"""Nothing unread may look clean (issue 18): a file the scanner could not read (status encrypted or
error) says so with a Japanese reason and what to do on the asset page, the asset list, its export,
the department view and the triage queue; it is listed as needing a person until someone of its
department records what it holds, and that record survives re-scans, renames and moves."""
from __future__ import annotations

import copy
import csv
import io

import pytest
from sqlalchemy import select
from web_fixtures import RECORDS, REMOVED, ROOT, asset_id, csrf_token, login, user_id

from inventory.models import Asset, AuditEvent, Share
from inventory.registry.ingest import begin_run, finish_run, ingest_records

SALARY = "総務部/職員課/給与.xlsx"                 # 101: encrypted
BROKEN = "健康福祉部/介護保険課/壊れた.xlsx"       # 301: error "not a zip file"
STAFF = "総務部/職員課/職員名簿.xlsx"              # 101: read, personal data
CLEAN = "健康福祉部/会議資料.csv"                  # 300: read, nothing found
ENCRYPTED_SENTENCE = "このファイルは内容を確認できませんでした（暗号化またはパスワード保護されています）。"
BROKEN_SENTENCE = "このファイルは内容を確認できませんでした（ファイルが壊れているか、途中までしかありません）。"
NOTHING_FOUND = "個人情報は見つかりませんでした"
RAW_ERROR = "not a zip file"


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def record_review(client, app, path: str, decision: str):
    target = asset_id(app, path)
    token = csrf_token(page(client, f"/departments/assets/{target}"))
    return client.post(f"/departments/assets/{target}/content-review",
                       data={"csrf_token": token, "decision": decision})


def rescan(app, records) -> None:
    with app.extensions["registry"].sessions() as session:
        share = session.execute(select(Share)).scalar_one()
        run = begin_run(session, [ROOT], share=share)
        ingest_records(session, records, run)
        finish_run(session, run)
        session.commit()


def live_records() -> list[dict]:
    return [copy.deepcopy(r) for r in RECORDS if r["path"] != REMOVED]


# ---------------------------------------------------------------- the asset page

@pytest.mark.parametrize("path, sentence, advice", [
    (SALARY, ENCRYPTED_SENTENCE, "パスワードを解除してもらう"),
    (BROKEN, BROKEN_SENTENCE, "ファイルを開いて内容を確認し"),
])
def test_asset_page_of_an_unread_file_says_so_and_what_to_do(app, client, path, sentence, advice):
    login(client, "admin")
    html = page(client, f"/assets/{asset_id(app, path)}")
    assert sentence in html and advice in html and "人による確認が必要です" in html
    assert NOTHING_FOUND not in html and RAW_ERROR not in html
    assert "/content-review" not in html and "内容の確認結果を記録する" not in html   # admin does not record it


def test_asset_page_links_reviewers_to_the_record(app, client):
    login(client, "clerk_b")
    html = page(client, f"/assets/{asset_id(app, SALARY)}")
    assert f'href="/departments/assets/{asset_id(app, SALARY)}#content-review">内容の確認結果を記録する' in html


def test_a_read_file_without_findings_still_says_nothing_was_found(app, client):
    login(client, "admin")
    html = page(client, f"/assets/{asset_id(app, CLEAN)}")
    assert "このファイルに個人情報は見つかりませんでした。" in html and "内容を確認できませんでした" not in html


# ---------------------------------------------------------------- the asset list and its export

def test_asset_list_marks_unread_files_and_filters_them(app, client):
    login(client, "admin")
    html = page(client, "/assets/")
    assert "内容未確認（暗号化）" in html and "内容未確認（破損）" in html and "不明（要確認）" in html
    assert RAW_ERROR not in html
    html = page(client, "/assets/?status=unread")
    assert "2 件のファイルが該当します。" in html
    assert "給与.xlsx" in html and "壊れた.xlsx" in html and "職員名簿.xlsx" not in html
    assert '<option selected value="unread">内容を確認できなかったファイル（要確認）</option>' in html


def export_rows(client, query: str = "") -> dict[str, dict]:
    data = client.get("/assets/export?format=csv" + query).get_data().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    return {r["パス"]: r for r in rows}


def test_export_never_says_no_personal_data_for_an_unread_file(app, client):
    login(client, "admin")
    rows = export_rows(client)
    assert rows[SALARY]["個人情報"] == "不明（内容を確認できませんでした）"
    assert rows[SALARY]["内容を確認できなかった理由"] == "暗号化またはパスワード保護されています"
    assert rows[BROKEN]["個人情報"] == "不明（内容を確認できませんでした）"
    assert rows[CLEAN]["個人情報"] == "いいえ" and rows[CLEAN]["内容を確認できなかった理由"] == ""
    assert set(export_rows(client, "&status=unread")) == {SALARY, BROKEN}


# ---------------------------------------------------------------- the department view

def unread_section(html: str) -> str:
    start = html.index('id="unread-heading"')
    return html[start:html.index("</section>", start)]


@pytest.mark.parametrize("username, shown, hidden", [
    ("clerk_a", ["壊れた.xlsx"], ["給与.xlsx"]),
    ("clerk_b", ["給与.xlsx"], ["壊れた.xlsx"]),
    ("privacy", ["給与.xlsx", "壊れた.xlsx"], []),
])
def test_department_view_lists_unread_files_as_needing_a_person(app, client, username, shown, hidden):
    login(client, username)
    section = unread_section(page(client, "/departments/"))
    assert "内容を確認できなかったファイル" in section
    for name in shown:
        assert name in section
    for name in hidden:
        assert name not in section
    assert RAW_ERROR not in section
    assert f'<span class="count-badge">{len(shown)}</span>' in section


def test_heads_count_unread_files_among_what_is_pending(app, client):
    login(client, "head_b")
    html = page(client, "/departments/")
    pending = html[html.index('id="pending-heading"'):html.index("</section>")]
    assert "<dt>内容を確認できなかったファイル</dt><dd>1</dd>" in pending


def test_a_clerk_records_what_an_unread_file_holds(app, db, client):
    login(client, "clerk_b")
    target = asset_id(app, SALARY)
    html = page(client, f"/departments/assets/{target}")
    assert ENCRYPTED_SENTENCE in html and 'value="personal"' in html and 'value="none"' in html
    response = record_review(client, app, SALARY, "none")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/departments/assets/{target}#content-review")
    assert db.get(Asset, target).content_review == "none"
    assert [tuple(r) for r in db.execute(select(AuditEvent.field, AuditEvent.before, AuditEvent.after, AuditEvent.user_id)
                                         .where(AuditEvent.object_type == "asset", AuditEvent.object_id == target))] == [
        ("content_review", None, "none", user_id(app, "clerk_b"))]
    html = page(client, f"/departments/assets/{target}")
    assert "記録しました: 内容を確認した: 個人情報なし。" in html and "clerk_b" in html
    assert "給与.xlsx" not in unread_section(page(client, "/departments/"))
    # everywhere else: checked, not unknown; never "nothing found" by the scan
    detail = page(client, f"/assets/{target}")
    assert "内容を確認した: 個人情報なし" in detail and NOTHING_FOUND not in detail
    assert "内容の確認（担当者）" in detail                      # the history's label
    assert "確認済（個人情報なし）" in page(client, "/assets/")
    assert export_rows(client)[SALARY]["個人情報"] == "いいえ（担当者が確認）"
    # a change of mind is one more event
    record_review(client, app, SALARY, "personal")
    db.expire_all()
    assert db.get(Asset, target).content_review == "personal"
    assert "個人情報あり（担当者が確認）" in page(client, "/assets/")


@pytest.mark.parametrize("decision", ["", "maybe"])
def test_bad_decision_answers_in_japanese(app, db, client, decision):
    login(client, "clerk_b")
    response = record_review(client, app, SALARY, decision)
    assert response.status_code == 400
    assert "個人情報が含まれるかどうかを選んでください。" in response.get_data(as_text=True)
    assert db.get(Asset, asset_id(app, SALARY)).content_review is None


@pytest.mark.parametrize("username, path, status", [
    ("clerk_a", SALARY, 404),          # another department's file
    ("privacy", SALARY, 403), ("it", SALARY, 403), ("admin", SALARY, 403),
    ("clerk_b", STAFF, 400),           # a file that was read
    ("head_b", SALARY, 302),
])
def test_who_may_record_it(app, db, client, username, path, status):
    login(client, username)
    token = csrf_token(page(client, "/"))
    response = client.post(f"/departments/assets/{asset_id(app, path)}/content-review",
                           data={"csrf_token": token, "decision": "personal"})
    assert response.status_code == status


def moved(records):
    for r in records:
        if r["path"] == SALARY:
            r["path"] = "総務部/職員課/保管/給与_2025.xlsx"
    return records


def changed(records):
    for r in records:
        if r["path"] == SALARY:
            r["sha256"], r["size"] = "ef" * 32, 9999
    return records


@pytest.mark.parametrize("scenario", [lambda r: r, changed, moved], ids=["unchanged", "changed", "moved"])
def test_the_record_survives_re_scans_renames_and_moves(app, db, client, scenario):
    login(client, "clerk_b")
    target = asset_id(app, SALARY)
    record_review(client, app, SALARY, "personal")
    rescan(app, scenario(live_records()))
    db.expire_all()
    after = db.get(Asset, target)
    assert (after.status, after.content_review) == ("encrypted", "personal")
    html = page(client, f"/departments/assets/{target}")
    assert "内容を確認した: 個人情報あり" in html


# ---------------------------------------------------------------- the triage queue

def test_triage_queue_has_a_filter_of_unread_files(app, client):
    login(client, "it")
    html = page(client, "/triage/")
    assert "2 件のファイルは内容を読み取れず" in html and 'href="/triage/?kind=unread"' in html
    html = page(client, "/triage/?kind=unread")
    assert "給与.xlsx" in html and "壊れた.xlsx" in html and "職員名簿.xlsx" not in html
    assert "不明（要確認）" in html and "暗号化またはパスワード保護されています" in html and RAW_ERROR not in html
    assert '<option value="unread" selected>内容を確認できなかったファイル（要確認）</option>' in html
    triage = page(client, f"/triage/{asset_id(app, BROKEN)}")
    assert "ファイルが壊れているか" in triage and RAW_ERROR not in triage


def test_a_checked_file_leaves_the_triage_filter(app, client):
    login(client, "head_b")
    record_review(client, app, SALARY, "none")
    login(client, "it")
    html = page(client, "/triage/?kind=unread")
    assert "給与.xlsx" not in html and "壊れた.xlsx" in html
    assert "1 件のファイルは内容を読み取れず" in page(client, "/triage/")
