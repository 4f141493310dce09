"""The published ファイル簿's printable page (/privacy/campaigns/<id>/filebook) through the test
client: the privacy office's only, linked from the campaign page, the title with the
行政機関等の名称 (or a warning to set it), the law's columns, only accepted published items
and never an unpublished field; its print stylesheet has a width for every column and the
page rules (A4 landscape, page numbers).  Printed in Chromium: tests/e2e/test_e2e_filebook.py.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_declarations import declaration_of, open_2026
from test_web_privacy import accept_301, page, text_of
from web_fixtures import login

from inventory.declarations import publication

CSS = Path(publication.__file__).resolve().parents[1] / "web" / "static" / "filebook.css"


@pytest.fixture
def db(app):
    with app.extensions["registry"].sessions() as session:
        yield session


@pytest.mark.parametrize("username, status", [("privacy", 200), ("admin", 200), ("clerk_a", 403),
                                              ("head_a", 403), ("it", 403)])
def test_the_page_is_for_the_privacy_office(client, db, username, status):
    campaign = open_2026(db)
    login(client, username)
    assert client.get(f"/privacy/campaigns/{campaign.id}/filebook").status_code == status


def test_the_page_shows_the_register_as_published(client, db, monkeypatch):
    campaign = open_2026(db)
    accept_301(db, campaign, 台帳={"exemption": "3"},
               認定者一覧={"purpose": "要介護認定の審査のため", "retention": "5年", "contractor": "株式会社ひみつ",
                           "business_name": "介護認定事務", "organisation": "介護保険課 認定係"})
    declaration_of(db, campaign, "101")
    monkeypatch.setitem(client.application.config, "INVENTORY_AGENCY_NAME", "みどり市長")
    login(client, "privacy")
    campaign_page = page(client, f"/privacy/campaigns/{campaign.id}")
    assert f'href="/privacy/campaigns/{campaign.id}/filebook"' in campaign_page
    assert "印刷用ページ（A4 横）" in campaign_page
    html = page(client, f"/privacy/campaigns/{campaign.id}/filebook")
    assert '<html lang="ja">' in html and "filebook.css" in html
    assert "<title>みどり市長 令和8年度 個人情報ファイル簿</title>" in html
    assert '<h1 class="doc-title">みどり市長 令和8年度 個人情報ファイル簿</h1>' in html
    assert "基準日 令和8年5月1日（2026年5月1日）" in html
    heads = re.findall(r'<th scope="col">([^<]*)</th>', html)
    assert heads == list(publication.HEADERS)
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    assert body.count("<tr>") == 1
    words = text_of(body)
    assert "認定者一覧" in words and "健康福祉部 介護保険課" in words and "みどり市長" in words
    for hidden in ("台帳", "5年", "株式会社ひみつ", "介護認定事務", "認定係", "本人の数"):
        assert hidden not in html, hidden
    assert "行政機関等の名称が設定されていません" not in html
    assert "xlsx" in html and "csv-cp932" in html                      # the downloads, from the toolbar


def test_without_the_agency_name_the_page_asks_for_it(client, db, monkeypatch):
    campaign = open_2026(db)
    monkeypatch.delenv("INVENTORY_AGENCY_NAME", raising=False)
    login(client, "privacy")
    html = page(client, f"/privacy/campaigns/{campaign.id}/filebook")
    assert "行政機関等の名称が設定されていません。INVENTORY_AGENCY_NAME" in html
    assert "<title>令和8年度 個人情報ファイル簿</title>" in html
    assert "掲載する個人情報ファイルはありません" in html and "<tbody>" not in html


def test_the_print_stylesheet_sets_a4_landscape_page_numbers_and_every_columns_width():
    css = CSS.read_text(encoding="utf-8")
    assert re.search(r"@page\s*{[^}]*size:\s*A4 landscape", css)
    assert "counter(page)" in css and "counter(pages)" in css
    assert "thead { display: table-header-group; }" in css
    for column in publication.COLUMNS:
        assert f".register col.c-{column.key} {{ width:" in css, column.key
    total = sum(float(w) for w in re.findall(r"col\.c-\w+ \{ width: ([\d.]+)%", css))
    assert abs(total - 100) < 0.2
