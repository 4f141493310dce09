"""End to end in headless Chromium: a year's declaration (個人情報ファイル簿) taken through its workflow.

A clerk of 介護保険課 adopts one suggestion of the scans and rejects the other with a
reason (a suggestion is not a declaration), completes the item and submits; the
department head returns it with a comment (the reason then leads the page and the
clerk's dashboard; the head no longer has a submit button); the clerk corrects the
item and submits again; the head approves and the privacy office accepts, each after
a confirmation step.  Screenshots go to test-artifacts/screenshots/ (1x_*), and at
1366x768 to $INVENTORY_SHOTS (if set).
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from inventory.declarations import workflow as decl
from inventory.clock import city_today
from inventory.models import Declaration, DeclarationEvent, DeclarationSnapshot, Department, User
from test_e2e_browser import browser, live_server, page, shot, sign_in  # noqa: F401 (fixtures)


@pytest.fixture(scope="module")
def declaration_id(live_server):  # noqa: F811
    """This year's campaign, open until a month from now; the id of 介護保険課's declaration."""
    app, _base = live_server
    today = city_today()
    with app.extensions["registry"].sessions() as session:
        privacy = session.execute(select(User).where(User.username == "privacy")).scalar_one()
        campaign = decl.open_campaign(session, privacy, today.year, today, today + dt.timedelta(days=30),
                                      publish_threshold=30)
        session.commit()
        dept = session.execute(select(Department).where(Department.code == "301")).scalar_one()
        return session.execute(select(Declaration.id).where(
            Declaration.campaign_id == campaign.id, Declaration.department_id == dept.id)).scalar_one()


def open_declaration(page, base: str, declaration_id: int) -> None:  # noqa: F811
    page.goto(f"{base}/declarations/{declaration_id}")
    assert page.url.endswith(f"/declarations/{declaration_id}")


def take_step(page, action: str, comment: str | None = None) -> None:  # noqa: F811
    form = page.locator(f"form.workflow-step[action$='/actions/{action}']")
    if comment is not None:
        form.locator("textarea").fill(comment)
    if form.locator("details.confirm").count():              # approve / accept: a confirm step first
        assert not form.locator("button[type=submit]").is_visible()
        form.locator("details.confirm summary").click()
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def office_shot(page, name: str) -> None:  # noqa: F811
    """A screenshot at an office screen's size (1366x768, the first screen only)."""
    folder = os.environ.get("INVENTORY_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        size = page.viewport_size
        page.set_viewport_size({"width": 1366, "height": 768})
        page.screenshot(path=str(Path(folder) / f"{name}.png"))
        page.set_viewport_size(size)


def item_links(page) -> list[str]:  # noqa: F811
    hrefs = page.eval_on_selector_all("a[href*='/declarations/items/']", "els => els.map(e => e.href)")
    return sorted({h for h in hrefs if h.rstrip("/").split("/")[-1].isdigit()})


def fill_item(page, url: str, purpose: str) -> None:  # noqa: F811
    page.goto(url)
    for name, value in (("business_name", "介護認定事務"), ("purpose", purpose),
                        ("record_scope", "要介護認定の申請者")):
        page.fill(f"[name={name}]", value)
    page.click("form.item-form button[type=submit]")
    page.wait_for_load_state()


def switch_user(page, base: str, username: str) -> None:  # noqa: F811
    """Sign out (forget the session cookie) and sign in as someone else."""
    page.context.clear_cookies()
    sign_in(page, base, username)


def status(app, declaration_id: int) -> tuple[str, int]:
    with app.extensions["registry"].sessions() as session:
        d = session.get(Declaration, declaration_id)
        return d.status, d.history_no


def test_clerk_files_head_returns_clerk_corrects_office_accepts(live_server, page, declaration_id):  # noqa: F811
    app, base = live_server
    sign_in(page, base, "clerk_a")
    page.goto(f"{base}/declarations/")
    shot(page, "10_declarations_index_clerk")
    open_declaration(page, base, declaration_id)
    assert item_links(page) == []                             # suggestions are not items
    suggestions = page.locator("table.proposal-list")
    assert "認定者一覧" in suggestions.inner_text() and "台帳" in suggestions.inner_text()
    shot(page, "12a_suggestions")
    office_shot(page, "suggestions")
    ledger = suggestions.locator("tr", has_text="台帳")
    ledger.locator("details.reject summary").click()
    ledger.locator("textarea").fill("基幹システムの帳票を出力した作業用ファイルのため")
    office_shot(page, "reject_with_reason")
    ledger.locator("details.reject button[type=submit]").click()
    page.wait_for_load_state()
    assert "基幹システムの帳票を出力した作業用ファイルのため" in page.content()
    suggestions.locator("tr", has_text="認定者一覧").locator("button.adopt").click()
    page.wait_for_load_state()
    assert "/declarations/items/" in page.url                 # the adopted item, to complete
    fill_item(page, page.url, "要介護認定の審査のため")
    shot(page, "11_item_saved")
    open_declaration(page, base, declaration_id)
    assert len(item_links(page)) == 1
    shot(page, "12_declaration_draft")
    office_shot(page, "declaration_after_adopt_and_reject")
    take_step(page, "submit")
    assert status(app, declaration_id) == ("submitted", 0)

    switch_user(page, base, "head_a")
    open_declaration(page, base, declaration_id)
    take_step(page, "return_head", "")                      # a return needs a reason
    assert "submitted" == status(app, declaration_id)[0]
    shot(page, "13_return_without_comment")
    take_step(page, "return_head", "利用目的をもう少し具体的に書いてください")
    assert status(app, declaration_id) == ("returned", 0)
    shot(page, "14_returned_by_head")
    assert page.locator(f"form[action$='/actions/submit']").count() == 0   # the head waits for the clerk

    switch_user(page, base, "clerk_a")
    page.goto(f"{base}/")
    notice = page.locator(".returned-notice")
    assert "利用目的をもう少し具体的に書いてください" in notice.inner_text()   # on the dashboard
    office_shot(page, "dashboard_returned")
    page.goto(f"{base}/declarations/")
    assert page.locator(".tag.status-returned").count() >= 1
    office_shot(page, "declarations_list_returned")
    open_declaration(page, base, declaration_id)
    top = page.locator(".returned-notice")
    assert "利用目的をもう少し具体的に書いてください" in top.inner_text()   # the head's reason, on top
    assert top.bounding_box()["y"] < page.locator("#items-heading").bounding_box()["y"]
    office_shot(page, "declaration_returned")
    fill_item(page, item_links(page)[0], "要介護認定の審査、結果通知及び給付管理のため")
    open_declaration(page, base, declaration_id)
    take_step(page, "submit")

    switch_user(page, base, "head_a")
    open_declaration(page, base, declaration_id)
    page.locator("details.confirm summary.approve").click()
    office_shot(page, "approve_confirm")
    page.reload()
    take_step(page, "approve")
    assert status(app, declaration_id) == ("reviewing", 0)

    switch_user(page, base, "privacy")
    open_declaration(page, base, declaration_id)
    take_step(page, "accept")
    shot(page, "15_accepted_by_privacy_office")
    assert status(app, declaration_id) == ("accepted", 1)
    with app.extensions["registry"].sessions() as session:
        actions = session.execute(select(DeclarationEvent.action).where(
            DeclarationEvent.declaration_id == declaration_id).order_by(DeclarationEvent.id)).scalars().all()
        snapshot = session.execute(select(DeclarationSnapshot).where(
            DeclarationSnapshot.declaration_id == declaration_id)).scalar_one()
    assert actions == ["create", "submit", "return_head", "submit", "approve", "accept"]
    assert [item["purpose"] for item in snapshot.items] == ["要介護認定の審査、結果通知及び給付管理のため"]
