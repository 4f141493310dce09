"""An asset page's risks and scan status in Japanese, in a real Chromium (issue 18): the details
the scanner writes in English ("column D of sheet 相談 is hidden", "12 hyperlink(s) to web
addresses (...)") and the reasons of unreadable files are read from the catalogue.

Screenshots at 1366x768 are saved under test-artifacts/screenshots/."""
from __future__ import annotations

import hashlib
import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import select
from web_fixtures import PASSWORD, seed_registry

from inventory import details
from inventory.db import upgrade
from inventory.models import Asset, Share
from inventory.registry.ingest import begin_run, finish_run, ingest_records
from inventory.web import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
ROOT = "/mnt/share"
LINKED = "健康福祉部/介護保険課/相談記録.xlsx"
BROKEN = "健康福祉部/介護保険課/送付用.xlsx"
RISKS = [
    {"code": "hidden-personal-data", "detail": "column D of sheet 相談 is hidden"},
    {"code": "hidden-personal-data", "detail": "sheet 元データ is veryHidden"},
    {"code": "external-link", "detail": "formulas link to workbook \\\\fs01\\…\\*.xlsx (4x)"},
    {"code": "external-link", "detail": "12 hyperlink(s) to web addresses (www.city.example.lg.jp, example.com)"},
    {"code": "external-data-connection", "detail": "connections.xml: ODBC connection to db01.example.lg.jp"},
    {"code": "macro-network-access", "detail": "VBA drives Outlook (can send e-mail) (2 places)"},
]


def _record(path: str, status: str = "ok", error: str | None = None, risks=()) -> dict:
    columns = [{"sheet": "相談", "column": "D", "header": "氏名", "category": "name", "confidence": 0.9,
                "hidden": True, "evidence": {"example": "** **"}}] if status == "ok" else []
    return {"root": ROOT, "path": path, "kind": "xlsx", "size": 4096, "mtime": "2026-04-01T09:12:00+09:00",
            "sha256": hashlib.sha256(path.encode()).hexdigest(), "status": status, "error": error,
            "personal": {"present": status == "ok", "categories": ["name"] if status == "ok" else [],
                         "sensitive": False, "my_number": False, "records": 12 if status == "ok" else 0,
                         "columns": columns},
            "app": {"is_app": False, "kind": None}, "risks": list(risks)}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, password_hash):
    from waitress.server import create_server

    url = f"sqlite:///{tmp_path_factory.mktemp('e2e-details') / 'inventory.db'}"
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "e2e secret"})
    with app.extensions["registry"].sessions() as session:
        seed_registry(session, password_hash)
        share = session.execute(select(Share)).scalars().first()
        run = begin_run(session, [ROOT], share=share)
        ingest_records(session, [_record(LINKED, risks=RISKS),
                                 _record(BROKEN, "error", "not a zip file or truncated zip")], run)
        finish_run(session, run, complete=False)          # the other files stay as they are
        session.commit()
        ids = {a.path: a.id for a in session.execute(select(Asset)).scalars()}
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    yield ids, f"http://127.0.0.1:{server.effective_port}"
    server.close()
    app.extensions["registry"].engine.dispose()


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium not installed: run `make system-deps` (Debian's chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(locale="ja-JP", viewport={"width": 1366, "height": 768})
        yield context.new_page()
        browser.close()


def _sign_in(page, base: str) -> None:
    page.goto(base + "/auth/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit], form input[type=submit]")
    page.wait_for_load_state()


def test_an_assets_risks_and_reasons_read_in_japanese(live_server, page):
    ids, base = live_server
    _sign_in(page, base)
    page.goto(f"{base}/assets/{ids[LINKED]}")
    risks = page.locator("ul.risks").inner_text()
    for expected in ("シート「相談」のD列が非表示", "シート「元データ」が完全に非表示",
                     "数式が別のブックを参照", "Web アドレスへのハイパーリンク 12 個",
                     "ODBC のデータ接続（接続先 db01.example.lg.jp）", "（2 箇所）"):
        assert expected in risks, expected
    assert not details.has_english_sentence(risks), risks
    page.locator("#risks-heading").scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "details_asset_risks.png"))
    page.goto(f"{base}/assets/{ids[BROKEN]}")
    status = page.locator("dd.status-error").inner_text()
    assert "ファイルが壊れているか" in status and "zip" not in status   # the unread pages' reason class
    page.screenshot(path=str(SHOTS / "details_unreadable.png"))
