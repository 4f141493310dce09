"""End to end in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

A real server (waitress) serves the app on a free loopback port over a
SQLite registry seeded like the other web tests.  Screenshots are saved
under test-artifacts/screenshots/ for people to look at.
"""
from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from inventory.db import upgrade
from inventory.web import create_app
from web_fixtures import PASSWORD, asset_id, seed_registry

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, password_hash):
    """The app served for real on 127.0.0.1 (CSRF on, as in production)."""
    from waitress.server import create_server

    url = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'inventory.db'}"
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "e2e secret"})
    with app.extensions["registry"].sessions() as session:
        seed_registry(session, password_hash)
        seed_staff(session)
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.effective_port}"
    server.close()
    app.extensions["registry"].engine.dispose()


#: the staff directory: 職員番号 -> (氏名, カナ, department code, account); most staff have no account
STAFF = {"012345": ("山田 太郎", "ヤマダ タロウ", "301", None), "012346": ("佐藤 花子", "サトウ ハナコ", "301", "clerk_a"),
         "012347": ("山田 次郎", "ヤマダ ジロウ", "101", None), "012348": ("高橋 三郎", "タカハシ サブロウ", "300", "head_a")}


def seed_staff(session) -> None:
    from sqlmodel import select

    from inventory.models import Department, Person, User

    depts = dict(session.exec(select(Department.code, Department.id)).all())
    for number, (name, kana, code, username) in STAFF.items():
        person = Person(staff_number=number, name=name, kana=kana, department_id=depts[code], source="import")
        session.add(person)
        session.flush()
        if username:
            session.exec(select(User).where(User.username == username)).one().person_id = person.id
    session.commit()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium not installed: run `make system-deps` (Debian's chromium)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(base + "/auth/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit], form input[type=submit]")
    page.wait_for_load_state()


def test_login_shows_the_japanese_dashboard(live_server, page):
    _, base = live_server
    sign_in(page, base, "it", "wrong password")
    assert page.locator("input[name=username]").input_value() == "it"   # what was typed is kept
    shot(page, "01_login_refused")
    sign_in(page, base, "it")
    assert page.url.rstrip("/") == base
    assert "ダッシュボード" in page.content()
    shot(page, "02_dashboard_it")


def test_clerk_is_refused_another_departments_asset(live_server, page):
    app, base = live_server
    other = asset_id(app, "健康福祉部/介護保険課/認定者一覧.xlsx")     # clerk_b works in 職員課
    sign_in(page, base, "clerk_b")
    response = page.goto(f"{base}/assets/{other}")
    assert response.status == 404
    assert "認定者一覧" not in page.content()
    shot(page, "03_clerk_refused")


def test_it_division_triages_an_app(live_server, page):
    from sqlmodel import select

    from inventory.models import Asset, AuditEvent

    app, base = live_server
    target = asset_id(app, "健康福祉部/介護保険課/台帳.xlsm")
    sign_in(page, base, "it")
    page.goto(f"{base}/triage/")
    assert "台帳.xlsm" in page.content()                      # the app waits in the queue
    shot(page, "04_triage_queue")
    page.goto(f"{base}/triage/{target}")
    page.select_option("select[name=guideline]", "central")
    page.select_option("select[name=lifecycle]", label="確認中")
    page.fill("input[name=owner]", "佐藤 花子")
    page.fill("input[name=deputy]", "012348")
    page.fill("input[name=next_review]", "2027-04-01")          # a date input: ISO from the picker
    page.click("form.triage button[type=submit]")
    page.wait_for_load_state()
    shot(page, "05_triage_saved")
    with app.extensions["registry"].sessions() as session:
        asset = session.get(Asset, target)
        assert (asset.guideline, asset.lifecycle, str(asset.next_review)) == \
            ("central", "reviewing", "2027-04-01")
        fields = set(session.exec(select(AuditEvent.field).where(
            AuditEvent.object_type == "asset", AuditEvent.object_id == target)).all())
    assert {"guideline", "lifecycle", "owner_id", "deputy_id"} <= fields


def test_clerk_dismisses_a_false_finding(live_server, page):
    from sqlmodel import select

    from inventory.models import Finding

    app, base = live_server
    target = asset_id(app, "健康福祉部/介護保険課/認定者一覧.xlsx")
    sign_in(page, base, "clerk_a")
    page.goto(f"{base}/departments/assets/{target}")
    page.locator("form.dismiss button[type=submit]").first.click()      # no reason: refused
    page.wait_for_load_state()
    assert "理由" in page.content()
    form = page.locator("form.dismiss").first
    form.locator("textarea").fill("見出しの誤認識: 施設の一覧で個人ではない")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    shot(page, "06_finding_dismissed")
    with app.extensions["registry"].sessions() as session:
        dismissed = session.exec(select(Finding).where(Finding.asset_id == target,
                                                       Finding.dismissed)).all()
    assert len(dismissed) == 1 and dismissed[0].dismissed_reason.startswith("見出しの誤認識")


#: pages of every area, as the admin sees them ({a}: an asset id)
CSP_PAGES = ("/", "/assets/", "/assets/{a}", "/assets/?category=name", "/triage/", "/triage/{a}",
             "/departments/", "/departments/assets/{a}", "/declarations/", "/privacy/",
             "/privacy/campaigns/new", "/admin/", "/admin/users", "/admin/users/new",
             "/admin/departments", "/admin/shares", "/admin/tokens", "/admin/import", "/admin/people",
             "/admin/people/new",
             "/no/such/page")


def test_no_page_breaks_the_content_security_policy(live_server, page):
    """The policy allows no inline script or style: Chromium reports none refused, and the
    style sheet still applies."""
    app, base = live_server
    target = asset_id(app, "健康福祉部/介護保険課/台帳.xlsm")
    refused = []
    page.on("console", lambda message: refused.append((page.url, message.text))
            if "Content Security Policy" in message.text else None)
    page.goto(base + "/auth/login")
    sign_in(page, base, "admin")
    for path in CSP_PAGES:
        response = page.goto(base + path.format(a=target))
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert page.evaluate("getComputedStyle(document.body).fontFamily") != "" and \
            page.evaluate("document.styleSheets[0].cssRules.length") > 0, path
    shot(page, "07_csp_admin_tokens")
    assert refused == []


def test_it_division_chooses_an_owner_without_an_account_by_name(live_server, browser):
    """The owner field offers the staff directory (a datalist, no script): typing part of the
    reading narrows it, an option is taken with the keyboard, and the pages show 氏名（所属）."""
    from sqlmodel import select

    from inventory.models import Asset, Person

    app, base = live_server
    target = asset_id(app, "健康福祉部/介護保険課/認定者一覧.xlsx")
    context = browser.new_context(locale="ja-JP", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        sign_in(page, base, "it")
        page.goto(f"{base}/triage/{target}")
        owner = page.locator("input[name=owner]")
        assert owner.get_attribute("list") == "staff-list"
        assert owner.get_attribute("placeholder") == "氏名か職員番号を入力"
        options = page.locator("#staff-list option")
        values = [options.nth(i).get_attribute("value") for i in range(options.count())]
        assert "012345 山田 太郎（介護保険課）" in values and "012347 山田 次郎（職員課）" in values
        owner.click()
        owner.type("ヤマダ タロウ")          # the reading, as typed (the datalist narrows to one)
        shot_at(page, "people_01_owner_typed")
        page.fill("input[name=deputy]", "山田")                          # 山田 alone names nobody
        page.click("form.triage button[type=submit]")
        page.wait_for_load_state()
        assert "この氏名・職員番号の在職者はいません。" in page.content()
        assert page.locator("input[name=owner]").input_value() == "ヤマダ タロウ"      # what was typed is kept
        page.fill("input[name=deputy]", "山田 太郎")                     # the same person as the owner
        page.click("form.triage button[type=submit]")
        page.wait_for_load_state()
        assert "副担当には正担当と別の人を選んでください。" in page.content()
        shot_at(page, "people_02_deputy_refused")
        page.fill("input[name=deputy]", "山田 次郎")
        page.click("form.triage button[type=submit]")
        page.wait_for_load_state()
        assert "山田 太郎（介護保険課） / 山田 次郎（職員課）" in page.content()
        assert "2項目を保存しました。" in page.content()
        assert page.locator("input[name=owner]").input_value() == "012345 山田 太郎（介護保険課）"
        shot_at(page, "people_03_owner_saved")
        with app.extensions["registry"].sessions() as session:
            asset = session.get(Asset, target)
            owner_number = session.get(Person, asset.owner_id).staff_number
            deputy_number = session.get(Person, asset.deputy_id).staff_number
        assert (owner_number, deputy_number) == ("012345", "012347")
        page.goto(f"{base}/triage/?kind=personal")
        assert "山田 太郎（介護保険課） / 山田 次郎（職員課）" in page.content()
        shot_at(page, "people_04_queue")
        page.goto(f"{base}/assets/{target}")
        assert "山田 太郎（介護保険課）" in page.content() and "山田 次郎（職員課）" in page.content()
        shot_at(page, "people_05_asset_page")
    finally:
        context.close()


def test_admin_manages_the_staff_directory(live_server, browser):
    _app, base = live_server
    context = browser.new_context(locale="ja-JP", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        sign_in(page, base, "admin")
        page.goto(f"{base}/admin/people")
        assert "職員名簿" in page.content() and "山田 太郎" in page.content()
        page.fill("input[name=q]", "ヤマダ")
        page.click("form.search button[type=submit]")
        page.wait_for_load_state()
        assert "山田 太郎" in page.content() and "佐藤 花子" not in page.content()
        shot_at(page, "people_06_admin_list")
        page.goto(f"{base}/admin/people/new")
        page.fill("input[name=staff_number]", "012399")
        page.fill("input[name=name]", "新人 一郎")
        page.fill("input[name=kana]", "Shinjin")
        page.click("form.admin-form input[type=submit]")
        page.wait_for_load_state()
        assert "カナはカタカナ（またはひらがな）で入力してください。" in page.content()
        assert page.locator("input[name=name]").input_value() == "新人 一郎"
        shot_at(page, "people_07_admin_form_error")
    finally:
        context.close()


def shot_at(page, name: str) -> None:
    """A screenshot of what a 1366x768 screen shows (not the whole page)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_admin_maps_a_folder_typed_in_full_and_is_warned_of_a_typo(live_server, browser):
    from sqlmodel import select

    from inventory.models import Share

    app, base = live_server
    with app.extensions["registry"].sessions() as session:
        share_id = session.exec(select(Share.id)).first()
    context = browser.new_context(locale="ja-JP", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        sign_in(page, base, "admin")
        page.goto(f"{base}/admin/shares/{share_id}")
        page.fill("input[name=prefix]", "\\\\fs01\\honcho\\総務部")         # a UNC path for a mounted root
        page.select_option("select[name=department_id]", label="100 総務部")
        page.click("form.admin-form input[type=submit]")
        page.wait_for_load_state()
        assert "この共有のルート /mnt/share は UNC パスではありません。" in page.content()
        assert page.locator("input[name=prefix]").input_value() == "\\\\fs01\\honcho\\総務部"
        page.fill("input[name=prefix]", "/mnt/share/総務部/職員科")           # in full, misspelt
        page.select_option("select[name=department_id]", label="100 総務部")
        page.click("form.admin-form input[type=submit]")
        page.wait_for_load_state()
        assert "「総務部/職員科」の対応付けを追加しました。" in page.content()
        assert page.locator(".flash.warning").inner_text().startswith("「総務部/職員科」の下にスキャン済みのファイルがありません。")
        shot_at(page, "people_08_mapping_warning")
    finally:
        context.close()
