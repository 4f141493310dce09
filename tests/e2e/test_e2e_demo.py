"""`inventory demo`, then the IT division's first look in a real Chromium: business apps on the
dashboard and in the triage queue.  Screenshots go to test-artifacts/screenshots/ (demo-*.png)."""
from __future__ import annotations

import threading

import pytest

from test_e2e_browser import SHOTS, browser, sign_in  # noqa: F401 - the browser fixture

#: the demo's home-made apps (inventory/demo/share_files.py), as the queue names them
DEMO_APPS = ("訪問調査_日程管理.xlsm", "証明書交付_集計ツール.xlsm", "時間外勤務_集計.xls", "相談記録管理.mdb")


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """The registry `inventory demo --no-serve` fills, served on a free loopback port."""
    from waitress.server import create_server

    from inventory.cli.web import run_demo
    from inventory.web import create_app

    base = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{base / 'inventory.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INVENTORY_DATABASE_URL", url)
        accounts = run_demo(str(base / "share"), serve=False)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "e2e demo"})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    yield f"http://127.0.0.1:{server.effective_port}", {name: password for name, _role, password in accounts}
    server.close()
    app.extensions["registry"].engine.dispose()


@pytest.mark.slow
def test_the_it_division_finds_the_demo_apps(demo_server, browser):  # noqa: F811 - the fixture
    base, passwords = demo_server
    context = browser.new_context(locale="ja-JP", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        sign_in(page, base, "demo_it", passwords["demo_it"])
        page.goto(base + "/")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "demo-it-dashboard.png"))
        apps = page.locator("dt", has_text="業務アプリ").first.locator("xpath=following-sibling::dd[1]")
        assert int(apps.inner_text().replace(",", "")) >= len(DEMO_APPS)
        page.goto(base + "/triage/?kind=apps")
        page.screenshot(path=str(SHOTS / "demo-triage-apps.png"), full_page=True)
        queue = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
        assert all(name in queue for name in DEMO_APPS), queue[:500]
        page.goto(base + "/triage/")
        assert "訪問調査_持ち帰り.xlsx" in page.inner_text("body")      # the personal OneDrive copy
    finally:
        context.close()
