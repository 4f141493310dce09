"""The published ファイル簿 printed from headless Chromium (print emulation and a real PDF).

介護保険課's declaration (two scanned files and 30 more items typed by the clerk, long texts
included) is accepted; the privacy office opens the campaign, follows the link to the page
to print, and the page is looked at on a 1366×768 screen and as printed: the toolbar hidden,
A4 landscape pages, the column headings on every page, page numbers in the footer.
Screenshots (and the PDF) go to test-artifacts/screenshots/ (2x_*) and, when the directory
/tmp/h exists, to /tmp/h/shots-publish/.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from declaration_helpers import adopt_suggestions
from test_declarations import complete

from inventory.declarations import editing
from inventory.declarations import workflow as decl
from inventory.models import Declaration, Department, User
from test_e2e_browser import SHOTS, browser, live_server, page, shot, sign_in  # noqa: F401 (fixtures)

EXTRA_ITEMS = 30
REVIEW = Path("/tmp/h/shots-publish")


def keep(name: str) -> None:
    """Copy a screenshot for a person to review (when the review folder's parent exists)."""
    if REVIEW.parent.is_dir():
        REVIEW.mkdir(exist_ok=True)
        shutil.copy(SHOTS / name, REVIEW / name)


@pytest.fixture(scope="module")
def campaign_id(live_server):  # noqa: F811
    """The 2026 campaign with 介護保険課's declaration accepted (32 published items)."""
    app, _base = live_server
    app.config["INVENTORY_AGENCY_NAME"] = "みどり市長"
    app.config["INVENTORY_DISCLOSURE_OFFICE"] = "総務部 総務課 情報公開係（みどり市本町1-1）"
    with app.extensions["registry"].sessions() as session:
        users = {u.username: u for u in session.execute(select(User)).scalars()}
        campaign = decl.open_campaign(session, users["privacy"], 2026, dt.date(2026, 4, 1),
                                      dt.date(2026, 6, 30), publish_threshold=30)
        adopt_suggestions(session, campaign)
        dept = session.execute(select(Department).where(Department.code == "301")).scalar_one()
        d = session.execute(select(Declaration).where(Declaration.campaign_id == campaign.id,
                                                      Declaration.department_id == dept.id)).scalar_one()
        for item in decl.items_of(session, d.id):
            editing.save_item(session, users["clerk_a"], d, item, complete(item), item.version)
        template = decl.items_of(session, d.id)[0]
        for n in range(1, EXTRA_ITEMS + 1):
            long = "、".join(["介護保険の給付管理及び保険料の賦課徴収"] * (1 + n % 4))
            editing.save_item(session, users["clerk_a"], d, None, complete(
                template, file_name=f"介護保険ファイル{n:02d}", purpose=long, subject_count=1000 + n,
                record_scope="要介護・要支援認定を受けた者及びその家族", sensitive=bool(n % 2),
                regular_recipients="国民健康保険団体連合会" if n % 3 == 0 else "",
                file_type="manual" if n % 5 == 0 else "electronic"), None)
        for who, action in (("clerk_a", "submit"), ("head_a", "approve"), ("privacy", "accept")):
            decl.act(session, users[who], d, action, d.version)
        session.commit()
        return campaign.id


def test_the_privacy_office_prints_the_published_register(live_server, page, campaign_id):  # noqa: F811
    app, base = live_server
    sign_in(page, base, "privacy")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{base}/privacy/campaigns/{campaign_id}")
    page.screenshot(path=str(SHOTS / "19_campaign_filebook_links.png"))
    keep("19_campaign_filebook_links.png")
    page.click("text=印刷用ページ（A4 横）")
    page.wait_for_load_state()
    assert page.url.endswith(f"/privacy/campaigns/{campaign_id}/filebook")
    assert page.title() == "みどり市長 令和8年度 個人情報ファイル簿"
    assert page.locator("nav.toolbar").is_visible()
    assert page.locator("table.register tbody tr").count() == EXTRA_ITEMS + 2
    page.screenshot(path=str(SHOTS / "20_filebook_screen.png"))           # the first screen, as seen
    keep("20_filebook_screen.png")
    # the table fits the window: no horizontal scrolling at 1366 px
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.emulate_media(media="print")
    assert not page.locator("nav.toolbar").is_visible()                   # the toolbar is not printed
    assert page.eval_on_selector("table.register thead", "e => getComputedStyle(e).display") \
        == "table-header-group"
    page.set_viewport_size({"width": 1123, "height": 794})                 # A4 landscape at 96 dpi
    page.screenshot(path=str(SHOTS / "21_filebook_print_first_page.png"))
    keep("21_filebook_print_first_page.png")

    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (SHOTS / "22_filebook.pdf").write_bytes(pdf)
    keep("22_filebook.pdf")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes, "no page in the PDF"
    width, height = (float(v) for v in boxes[0])
    assert (round(width), round(height)) == (842, 595)                    # A4 landscape, in points
    assert len(boxes) >= 2                                                 # 32 files: more than a page
    viewer = page.context.new_page()                                       # the PDF as Chromium shows it
    viewer.set_viewport_size({"width": 1200, "height": 900})
    viewer.goto((SHOTS / "22_filebook.pdf").as_uri())
    viewer.wait_for_timeout(2500)
    viewer.screenshot(path=str(SHOTS / "23_filebook_pdf_pages.png"))
    keep("23_filebook_pdf_pages.png")
