"""An encrypted file in a real Chromium at an office screen's size (1366x768): its asset page says
its contents could not be checked and what to do; the department view lists it as needing a
person; a clerk records what it holds and it leaves that list.  Screenshots under
test-artifacts/screenshots/ (and $UNREAD_SHOTS, when set)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_e2e_browser import SHOTS, browser, live_server, sign_in  # noqa: F401  (fixtures)
from web_fixtures import asset_id

SALARY = "総務部/職員課/給与.xlsx"


@pytest.fixture
def office_page(browser):  # noqa: F811
    context = browser.new_context(locale="ja-JP", viewport={"width": 1366, "height": 768})
    yield context.new_page()
    context.close()


def shot(page, name: str) -> None:
    for folder in filter(None, (SHOTS, os.environ.get("UNREAD_SHOTS"))):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_lists_show_unread_files_as_needing_a_person(live_server, office_page):  # noqa: F811
    _app, base = live_server
    page = office_page
    sign_in(page, base, "it")
    page.goto(f"{base}/assets/?status=unread")
    assert "内容未確認（暗号化）" in page.content() and "不明（要確認）" in page.content()
    shot(page, "unread_00a_asset_list_filter")
    page.goto(f"{base}/triage/")
    page.get_by_role("link", name="一覧を表示").click()
    page.wait_for_load_state()
    assert "kind=unread" in page.url and "給与.xlsx" in page.content()
    shot(page, "unread_00b_triage_filter")


def test_an_encrypted_file_needs_a_person_until_its_department_checks_it(live_server, office_page):  # noqa: F811
    app, base = live_server
    page = office_page
    target = asset_id(app, SALARY)
    sign_in(page, base, "head_b")
    page.goto(f"{base}/assets/{target}")
    notice = page.locator(".notice.unread")
    assert "このファイルは内容を確認できませんでした（暗号化またはパスワード保護されています）。" in notice.inner_text()
    assert "個人情報は見つかりませんでした" not in page.content()
    shot(page, "unread_01_asset_page_encrypted")

    page.goto(f"{base}/departments/")
    section = page.locator("section.unread")
    assert "給与.xlsx" in section.inner_text()
    shot(page, "unread_02_department_view")

    section.get_by_role("link", name="給与.xlsx").click()
    page.wait_for_load_state()
    shot(page, "unread_03_department_asset_form")
    page.get_by_role("button", name="内容を確認した: 個人情報あり").click()
    page.wait_for_load_state()
    assert "記録しました: 内容を確認した: 個人情報あり。" in page.content()
    shot(page, "unread_04_recorded")

    page.goto(f"{base}/departments/")
    assert "給与.xlsx" not in page.locator("section.unread").inner_text()
    page.goto(f"{base}/assets/{target}")
    assert "内容を確認した: 個人情報あり" in page.locator(".notice.unread").inner_text()
    shot(page, "unread_05_asset_page_checked")
