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
SHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
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
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.effective_port}"
    server.close()
    app.extensions["registry"].engine.dispose()


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
