"""The declarations area, the departments' side (inventory/web/declarations/views.py,
item_pages.py): pages for each role, a clerk filing a declaration through the head's return
and approval to the privacy office's acceptance, 404 for another department by URL and by
every POST, the stale-edit path (nothing overwritten, nothing lost), Japanese messages,
English, an item's history.

The registry is the web fixtures' (tests/web_fixtures.py): 介護保険課 (301) holds two
personal-data files, so its declaration opens with two suggested items; 職員課 (101) one.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select
from declaration_helpers import adopt_suggestions
from web_fixtures import csrf_token, login

from inventory.declarations import workflow as decl
from inventory.declarations.fields import FIELDS
from inventory.models import (
    Asset,
    Declaration,
    DeclarationEvent,
    DeclarationItem,
    DeclarationItemAsset,
    DeclarationProposal,
    Department,
    User,
)

OPENS, DUE = dt.date(2026, 5, 1), dt.date(2026, 6, 30)
REQUIRED = {"business_name": "介護認定事務", "organisation": "健康福祉部介護保険課",
            "purpose": "要介護認定の審査のため", "record_scope": "要介護認定の申請者"}
STALE = "他の職員がこの項目を更新しました"


@pytest.fixture
def campaign(app):
    """The 2026 campaign, opened by the privacy office: department id code -> declaration id."""
    with app.extensions["registry"].sessions() as session:
        office = session.execute(select(User).where(User.username == "privacy")).scalar_one()
        opened = decl.open_campaign(session, office, 2026, OPENS, DUE, publish_threshold=30)
        session.commit()
        adopt_suggestions(session, opened)
        rows = session.execute(select(Department.code, Declaration.id)
                               .join(Declaration, Declaration.department_id == Department.id)
                               .where(Declaration.campaign_id == opened.id)).all()
        return dict(rows)


def fresh(db, model, key):
    db.expire_all()
    return db.get(model, key)


def items(db, declaration_id: int) -> list[DeclarationItem]:
    db.expire_all()
    return decl.items_of(db, declaration_id)


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def token(client) -> str:
    return csrf_token(page(client, "/declarations/"))


def item_data(client, item: DeclarationItem | None, asset_ids=(), **changes) -> dict:
    """What the item form posts: the item's values (or none), the required fields, ``changes``."""
    values = decl.item_dict(item) if item is not None else {f.name: None for f in FIELDS}
    values.update({k: v for k, v in REQUIRED.items() if not values.get(k)})
    values.update(changes)
    data = {"csrf_token": token(client), "version": str(item.version) if item is not None else ""}
    for f in FIELDS:
        value = values[f.name]
        if f.kind == "bool":
            data[f.name] = "1" if value else "0"
        elif f.kind == "categories":
            data[f.name] = list(value or [])
        elif f.kind == "choice":
            data[f.name] = value or ("electronic" if f.name == "file_type" else "")
        else:
            data[f.name] = "" if value is None else str(value)
    data["assets"] = [str(i) for i in asset_ids]
    return data


def linked(db, item_id: int) -> list[int]:
    return sorted(db.execute(select(DeclarationItemAsset.asset_id)
                             .where(DeclarationItemAsset.item_id == item_id)).scalars())


def act(client, declaration_id: int, action: str, version: int, comment: str | None = None):
    data = {"csrf_token": token(client), f"{action}-version": str(version)}
    if comment is not None:
        data[f"{action}-comment"] = comment
    return client.post(f"/declarations/{declaration_id}/actions/{action}", data=data)


def complete_all(client, db, declaration_id: int) -> None:
    """Save each item of the declaration with its required fields filled (as a clerk would)."""
    for item in items(db, declaration_id):
        response = client.post(f"/declarations/items/{item.id}",
                                data=item_data(client, item, linked(db, item.id)))
        assert response.status_code == 302, response.get_data(as_text=True)


def status_of(db, declaration_id: int) -> str:
    return fresh(db, Declaration, declaration_id).status


# ---------------------------------------------------------------- pages for each role

@pytest.mark.parametrize("username, sees_301, listed", [
    ("clerk_a", True, ["健康福祉部 介護保険課"]),
    ("head_a", True, ["健康福祉部", "健康福祉部 介護保険課"]),          # and the sub-department
    ("clerk_b", False, ["総務部 職員課"]),
    ("head_b", False, ["総務部", "総務部 職員課"]),
    ("it", True, None), ("privacy", True, None), ("admin", True, None),   # the whole city
])
def test_pages_render_for_each_role(client, db, campaign, username, sees_301, listed):
    login(client, username)
    html = page(client, "/declarations/")
    assert "個人情報ファイル簿の届出" in html and "2026年度" in html
    shown = re.findall(r'<a href="/declarations/\d+">([^<]+)</a>', html)
    assert shown == (listed or ["総務部", "総務部 職員課", "健康福祉部", "健康福祉部 介護保険課"])
    assert re.search(r'href="/declarations/"[^>]*>ファイル簿の届出<', html)      # in the navigation
    d301 = campaign["301"]
    item = items(db, d301)[0]
    for url in (f"/declarations/{d301}", f"/declarations/items/{item.id}",
                f"/declarations/items/{item.id}/history"):
        page(client, url, 200 if sees_301 else 404)
    if sees_301:
        html = page(client, f"/declarations/{d301}")
        assert "作成中" in html and "2026-06-30" in html and "認定者一覧" in html and "台帳" in html
        assert ("所属長へ提出する" in html) is (username in ("clerk_a", "head_a"))
        assert ("ファイルを追加" in html) is (username in ("clerk_a", "head_a"))


def test_without_a_campaign_the_index_says_so(client):
    login(client, "clerk_a")
    assert "年度照会はまだ開始されていません" in page(client, "/declarations/")


def test_the_office_sees_the_privacy_area_link_only_when_it_exists(app, client, campaign):
    login(client, "privacy")
    html = page(client, "/declarations/")
    assert ("個人情報保護担当課: 照会の進捗と突合" in html) is ("privacy.index" in app.view_functions)
    login(client, "clerk_a")
    assert "照会の進捗と突合" not in page(client, "/declarations/")


def test_the_items_table_shows_the_register_columns(client, db, campaign):
    login(client, "clerk_a")
    html = page(client, f"/declarations/{campaign['301']}")
    for header in ("名称", "事務", "本人の数", "種別", "要配慮", "公表", "区分", "関連ファイル"):
        assert f">{header}</th>" in html
    care = next(i for i in items(db, campaign["301"]) if i.file_name == "認定者一覧")
    row = html[html.index(f'id="item-{care.id}"'):]
    row = row[:row.index("</tr>")]
    assert ">40<" in row and "電算処理ファイル" in row and ">有<" in row and "新規" in row
    assert ">公表<" in row and ">1<" in row and "未入力あり" in row      # 事務 etc. still empty


# ---------------------------------------------------------------- the whole workflow

def test_a_clerk_files_the_head_returns_then_approves_and_the_office_accepts(client, db, campaign):
    d = campaign["301"]
    login(client, "clerk_a")
    response = client.post(f"/declarations/{d}/items/new", data=item_data(
        client, None, file_name="紙の申請書綴り", file_type="manual", subject_count="１，２００",
        record_categories=["name", "address"], location_note="書庫 2 番棚"))
    assert response.status_code == 302
    new = items(db, d)[-1]
    assert (new.file_name, new.file_type, new.subject_count, new.origin) == ("紙の申請書綴り", "manual", 1200, "person")
    assert sorted(new.record_categories) == ["address", "name"] and new.published
    complete_all(client, db, d)
    care = next(i for i in items(db, d) if i.file_name == "認定者一覧")
    assert care.business_name == REQUIRED["business_name"] and len(linked(db, care.id)) == 1
    assert act(client, d, "submit", fresh(db, Declaration, d).version).status_code == 302
    assert status_of(db, d) == "submitted"

    login(client, "head_a")
    version = fresh(db, Declaration, d).version
    response = act(client, d, "return_head", version, "")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "差し戻す理由を入力してください。" in html
    assert status_of(db, d) == "submitted"
    long_comment = "理由" * 1001
    response = act(client, d, "return_head", version, long_comment)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "2000文字以内で入力してください。" in html
    assert f"{long_comment}</textarea>" in html                           # what was typed is kept
    response = act(client, d, "return_head", version, "利用目的をもっと具体的に")
    assert response.status_code == 302 and status_of(db, d) == "returned"

    login(client, "clerk_a")
    html = page(client, f"/declarations/{d}")
    assert "利用目的をもっと具体的に" in html and "差戻し" in html and "所属長差戻し" in html
    response = client.post(f"/declarations/items/{care.id}", data=item_data(
        client, fresh(db, DeclarationItem, care.id), linked(db, care.id), purpose="要介護認定の審査及び結果の通知のため"))
    assert response.status_code == 302
    assert act(client, d, "submit", fresh(db, Declaration, d).version).status_code == 302

    login(client, "head_a")
    assert act(client, d, "approve", fresh(db, Declaration, d).version).status_code == 302
    assert status_of(db, d) == "reviewing"
    login(client, "privacy")
    assert act(client, d, "accept", fresh(db, Declaration, d).version).status_code == 302
    accepted = fresh(db, Declaration, d)
    assert (accepted.status, accepted.history_no) == ("accepted", 1)
    html = page(client, f"/declarations/{d}")
    assert "「受理する」を行いました。" in html
    steps = db.execute(select(DeclarationEvent.action).where(DeclarationEvent.declaration_id == d)
                       .order_by(DeclarationEvent.id)).scalars().all()
    assert steps == ["create", "submit", "return_head", "submit", "approve", "accept"]
    events = html[html.index('id="events-heading"'):]
    assert events.index("所属長差戻し") < events.index("所属長承認") < events.index(">受理<")


def test_submitting_with_incomplete_items_names_them(client, db, campaign):
    d = campaign["301"]
    login(client, "clerk_a")
    response = act(client, d, "submit", fresh(db, Declaration, d).version)
    assert response.status_code == 400
    assert "必須項目が未入力のファイルがあります（No. 1, 2）" in response.get_data(as_text=True)
    assert status_of(db, d) == "draft"


def test_a_workflow_step_on_an_old_version_is_refused_and_keeps_the_comment(client, db, campaign):
    d = campaign["301"]
    login(client, "clerk_a")
    complete_all(client, db, d)
    assert act(client, d, "submit", fresh(db, Declaration, d).version).status_code == 302
    login(client, "head_a")
    response = act(client, d, "return_head", fresh(db, Declaration, d).version - 1, "所属長のコメント")
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "他の職員がこの届出を更新しました" in html
    assert "所属長のコメント</textarea>" in html
    assert f'name="return_head-version" type="hidden" value="{fresh(db, Declaration, d).version}"' in html
    assert status_of(db, d) == "submitted"
    login(client, "clerk_a")                          # a second submission: the step has passed
    response = act(client, d, "submit", fresh(db, Declaration, d).version)
    assert response.status_code == 409 and "この届出の段階が変わった" in response.get_data(as_text=True)


# ---------------------------------------------------------------- who may do what

def test_another_department_gets_404_on_every_page_and_post(client, db, campaign):
    d = campaign["301"]
    item = items(db, d)[0]
    login(client, "clerk_b")
    for url in (f"/declarations/{d}", f"/declarations/{d}/items/new", f"/declarations/items/{item.id}",
                f"/declarations/items/{item.id}/history"):
        page(client, url, 404)
    for action in decl.TRANSITIONS:
        assert act(client, d, action, 1, "コメント").status_code == 404
    posts = {f"/declarations/{d}/items/new": item_data(client, None, file_name="他課の入力"),
             f"/declarations/items/{item.id}": item_data(client, item, purpose="他課の入力"),
             f"/declarations/items/{item.id}/abolish": {"csrf_token": token(client), "version": "1"},
             f"/declarations/items/{item.id}/restore": {"csrf_token": token(client), "version": "1"},
             f"/declarations/items/{item.id}/delete": {"csrf_token": token(client), "version": "1"}}
    for url, data in posts.items():
        assert client.post(url, data=data).status_code == 404, url
    assert [(i.version, i.purpose) for i in items(db, d)] == [(1, ""), (1, "")]
    assert status_of(db, d) == "draft"


@pytest.mark.parametrize("username", ["it", "privacy", "admin"])
def test_city_wide_roles_read_but_do_not_edit(client, db, campaign, username):
    d = campaign["301"]
    item = items(db, d)[0]
    login(client, username)
    html = page(client, f"/declarations/items/{item.id}")
    assert "内容を表示のみしています" in html and 'name="purpose"' not in html
    assert client.post(f"/declarations/items/{item.id}", data=item_data(client, item)).status_code == 403
    assert client.post(f"/declarations/{d}/items/new", data=item_data(client, None)).status_code == 403
    assert client.get(f"/declarations/{d}/items/new").status_code == 403
    assert act(client, d, "submit", fresh(db, Declaration, d).version).status_code == 403
    assert fresh(db, DeclarationItem, item.id).version == 1


def test_a_clerk_does_not_approve_and_nobody_edits_a_submitted_declaration(client, db, campaign):
    d = campaign["301"]
    login(client, "clerk_a")
    complete_all(client, db, d)
    assert act(client, d, "submit", fresh(db, Declaration, d).version).status_code == 302
    assert act(client, d, "approve", fresh(db, Declaration, d).version).status_code == 403
    item = items(db, d)[0]
    html = page(client, f"/declarations/items/{item.id}")
    assert 'name="purpose"' not in html                                    # read-only now
    response = client.post(f"/declarations/items/{item.id}",
                           data=item_data(client, item, linked(db, item.id), purpose="提出後の入力"))
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "現在作成中ではない" in html and "提出後の入力" in html
    assert fresh(db, DeclarationItem, item.id).purpose != "提出後の入力"


# ---------------------------------------------------------------- editing: stale and invalid input

def test_a_stale_edit_keeps_the_input_shows_the_saved_values_and_overwrites_nothing(client, db, campaign):
    d = campaign["301"]
    login(client, "clerk_a")
    item = items(db, d)[0]
    assets = linked(db, item.id)
    first = item_data(client, item, assets, purpose="一人目の入力")
    second = item_data(client, item, assets, purpose="二人目の入力", remarks="二人目の備考")
    assert client.post(f"/declarations/items/{item.id}", data=first).status_code == 302
    response = client.post(f"/declarations/items/{item.id}", data=second)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and STALE in html
    assert "二人目の入力</textarea>" in html and "二人目の備考</textarea>" in html    # the input is kept
    assert "現在保存されている値:</strong> 一人目の入力" in html                     # beside it
    saved = fresh(db, DeclarationItem, item.id)
    assert (saved.purpose, saved.remarks, saved.version) == ("一人目の入力", "", 2)
    assert f'name="version" type="hidden" value="{saved.version}"' in html
    second["version"] = str(saved.version)                # saving again: now on the new version
    assert client.post(f"/declarations/items/{item.id}", data=second).status_code == 302
    assert fresh(db, DeclarationItem, item.id).purpose == "二人目の入力"


def test_an_edit_of_an_item_deleted_meanwhile_can_be_saved_as_a_new_item(client, db, campaign):
    d = campaign["301"]
    login(client, "clerk_a")
    client.post(f"/declarations/{d}/items/new", data=item_data(client, None, file_name="一時的な名簿"))
    new = items(db, d)[-1]
    new_id = new.id
    edit = item_data(client, new, purpose="削除後に届いた入力")
    edit["declaration"] = str(d)
    assert client.post(f"/declarations/items/{new_id}/delete",
                       data={"csrf_token": token(client), "version": str(new.version)}).status_code == 302
    response = client.post(f"/declarations/items/{new_id}", data=edit)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "他の職員がこの項目を削除しました" in html
    assert "削除後に届いた入力</textarea>" in html and f'action="/declarations/{d}/items/new"' in html
    assert client.post(f"/declarations/{d}/items/new", data=edit).status_code == 302
    assert items(db, d)[-1].purpose == "削除後に届いた入力"
    login(client, "clerk_b")                                  # not a way into another department
    assert client.post(f"/declarations/items/{new_id}", data=edit).status_code == 404


def test_invalid_input_is_answered_in_japanese_at_each_field_and_kept(client, db, campaign):
    d = campaign["301"]
    login(client, "clerk_a")
    item = items(db, d)[0]
    data = item_data(client, item, linked(db, item.id), purpose="", subject_count="たくさん",
                     file_name="長" * 201, contractor="株式会社テスト")
    response = client.post(f"/declarations/items/{item.id}", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "下の印の付いた項目を直してください。" in html
    for field, message in (("purpose", "入力してください。"),
                           ("subject_count", "本人の数は 0 以上の整数で入力してください。"),
                           ("file_name", "200文字以内で入力してください。")):
        assert f'<span class="field-error" id="{field}-error" role="alert">{message}</span>' in html
    assert 'value="たくさん"' in html and "株式会社テスト" in html and "長" * 201 in html
    assert fresh(db, DeclarationItem, item.id).version == 1


def test_linked_assets_are_chosen_among_the_departments_files(app, client, db, campaign):
    d = campaign["301"]
    login(client, "clerk_a")
    item = items(db, d)[0]
    html = page(client, f"/declarations/items/{item.id}")
    mine = db.execute(select(Asset.id, Asset.name).where(Asset.department_id == fresh(db, Declaration, d).department_id,
                                                         Asset.personal_present)).all()
    for asset_id, name in mine:
        assert f'id="asset-{asset_id}" value="{asset_id}"' in html and name in html
    other = db.execute(select(Asset.id).where(Asset.name == "職員名簿.xlsx")).scalar_one()
    assert f'id="asset-{other}"' not in html and "職員名簿" not in html
    both = sorted(a for a, _n in mine)
    assert client.post(f"/declarations/items/{item.id}", data=item_data(client, item, both)).status_code == 302
    assert linked(db, item.id) == both
    item = fresh(db, DeclarationItem, item.id)
    assert client.post(f"/declarations/items/{item.id}",
                       data=item_data(client, item, [other])).status_code == 400      # not offered
    assert linked(db, item.id) == both


def test_a_new_item_is_deleted_and_carried_items_are_abolished(app, client, db, campaign):
    d = campaign["301"]
    login(client, "clerk_a")
    client.post(f"/declarations/{d}/items/new", data=item_data(client, None, file_name="一時的な名簿"))
    new = items(db, d)[-1]
    assert "はい、削除します" in page(client, f"/declarations/items/{new.id}")    # a confirm step
    response = client.post(f"/declarations/items/{new.id}/delete",
                           data={"csrf_token": token(client), "version": str(new.version)})
    assert response.status_code == 302 and fresh(db, DeclarationItem, new.id) is None
    # next fiscal year: the accepted items come back carried (継続); one is abolished, then restored
    complete_all(client, db, d)
    act(client, d, "submit", fresh(db, Declaration, d).version)
    login(client, "head_a")
    act(client, d, "approve", fresh(db, Declaration, d).version)
    login(client, "privacy")
    act(client, d, "accept", fresh(db, Declaration, d).version)
    with app.extensions["registry"].sessions() as session:
        nxt = decl.open_campaign(session, None, 2027, dt.date(2027, 5, 1), dt.date(2027, 6, 30))
        session.commit()
        d2027 = session.execute(select(Declaration.id).where(
            Declaration.campaign_id == nxt.id,
            Declaration.department_id == fresh(db, Declaration, d).department_id)).scalar_one()
    login(client, "clerk_a")
    carried = items(db, d2027)[0]
    assert carried.change == "continued"
    html = page(client, f"/declarations/items/{carried.id}")
    assert "廃止にする" in html and "届出から削除する" not in html
    version = {"csrf_token": token(client), "version": str(carried.version)}
    response = client.post(f"/declarations/items/{carried.id}/delete", data=version)
    assert response.status_code == 302
    assert "前年度から引き継いだファイルは削除できません" in page(client, response.headers["Location"])
    assert client.post(f"/declarations/items/{carried.id}/abolish", data=version).status_code == 302
    assert fresh(db, DeclarationItem, carried.id).change == "abolished"
    response = client.post(f"/declarations/items/{carried.id}/restore", data=version)   # the old version
    assert "他の職員がこの項目を更新しました" in page(client, response.headers["Location"])
    assert fresh(db, DeclarationItem, carried.id).abolished
    version["version"] = str(fresh(db, DeclarationItem, carried.id).version)
    assert client.post(f"/declarations/items/{carried.id}/restore", data=version).status_code == 302
    assert fresh(db, DeclarationItem, carried.id).change == "continued"
    # the history spans both fiscal years: the changes of 2026, the accepted version, the 2027 form
    html = page(client, f"/declarations/items/{carried.id}/history")
    assert "2026年度" in html and "2027年度" in html
    snapshots = html[html.index('id="snapshots-heading"'):html.index('id="changes-heading"')]
    assert re.search(r"<td>2026年度（令和8年度）</td><td class=\"num\">1</td>", snapshots)
    changes = html[html.index('id="changes-heading"'):]
    assert REQUIRED["business_name"] in changes and ">廃止<" in changes and "clerk_a" in changes


# ---------------------------------------------------------------- English

def test_english_locale_renders(client, db, campaign):
    login(client, "clerk_a")
    d = campaign["301"]
    html = page(client, "/declarations/?lang=en")
    assert "Declarations of personal-information files" in html and "FY 2026" in html
    html = page(client, f"/declarations/{d}?lang=en")
    assert "Being drafted" in html and "Submit to the department head" in html and "Computer-processed file" in html
    item = items(db, d)[0]
    html = page(client, f"/declarations/items/{item.id}?lang=en")
    assert "Purpose of use" in html and "Yes (contained)" in html and "Art. 74(2)(iii)" in html
    assert "個人情報ファイルの利用目的" not in html
    response = client.post(f"/declarations/items/{item.id}?lang=en",
                           data=item_data(client, item, linked(db, item.id), purpose=""))
    assert "Please fill in this field." in response.get_data(as_text=True)


# --- scan suggestions, a returned declaration, confirmations (issue 18) -------------------------

@pytest.fixture
def unadopted(app):
    """The 2026 campaign with its scan suggestions undecided: code -> declaration id."""
    with app.extensions["registry"].sessions() as session:
        office = session.execute(select(User).where(User.username == "privacy")).scalar_one()
        opened = decl.open_campaign(session, office, 2026, OPENS, DUE, publish_threshold=30)
        session.commit()
        return dict(session.execute(select(Department.code, Declaration.id)
                                    .join(Declaration, Declaration.department_id == Department.id)
                                    .where(Declaration.campaign_id == opened.id)).all())


def suggestions_of(db, declaration_id: int) -> dict[str, DeclarationProposal]:
    db.expire_all()
    return {p.file_name: p for p in db.execute(select(DeclarationProposal).where(
        DeclarationProposal.declaration_id == declaration_id)).scalars()}


def test_suggestions_are_shown_apart_and_adopted_or_rejected_with_a_reason(client, db, unadopted):
    d = unadopted["301"]
    login(client, "clerk_a")
    html = page(client, f"/declarations/{d}")
    assert "スキャン結果からの提案" in html
    assert items(db, d) == []
    found = suggestions_of(db, d)
    assert set(found) == {"認定者一覧", "台帳"}
    assert f'id="proposal-{found["台帳"].id}"' in html and "採用" in html and "却下…" in html
    response = client.post(f"/declarations/proposals/{found['認定者一覧'].id}/adopt",
                           data={"csrf_token": token(client)})
    assert response.status_code == 302
    adopted = items(db, d)
    assert [(i.file_name, i.origin, i.position) for i in adopted] == [("認定者一覧", "scan", 1)]
    assert response.headers["Location"].endswith(f"/declarations/items/{adopted[0].id}")
    # a rejection without a reason is refused, with a message; nothing changes
    response = client.post(f"/declarations/proposals/{found['台帳'].id}/reject",
                           data={"csrf_token": token(client), f"reject-{found['台帳'].id}-reason": "  "},
                           follow_redirects=True)
    assert "却下する理由を入力してください。" in response.get_data(as_text=True)
    assert suggestions_of(db, d)["台帳"].status == "pending"
    response = client.post(f"/declarations/proposals/{found['台帳'].id}/reject",
                           data={"csrf_token": token(client),
                                 f"reject-{found['台帳'].id}-reason": "基幹システムの帳票の写しのため"},
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "却下した提案（1 件）" in html and "基幹システムの帳票の写しのため" in html
    assert suggestions_of(db, d)["台帳"].status == "rejected"
    client.post(f"/declarations/proposals/{found['台帳'].id}/restore", data={"csrf_token": token(client)})
    assert suggestions_of(db, d)["台帳"].status == "pending"
    # another department's clerk cannot touch them
    login(client, "clerk_b")
    assert client.post(f"/declarations/proposals/{found['台帳'].id}/adopt",
                       data={"csrf_token": csrf_token(page(client, "/declarations/"))}).status_code == 404


def test_a_returned_declaration_shows_the_reason_on_top_and_on_the_dashboard(client, db, campaign):
    d = campaign["301"]
    login(client, "clerk_a")
    complete_all(client, db, d)
    act(client, d, "submit", fresh(db, Declaration, d).version)
    login(client, "head_a")
    act(client, d, "return_head", fresh(db, Declaration, d).version, comment="本人の数の根拠を備考に書いてください")
    html = page(client, f"/declarations/{d}")
    assert "この届出は差し戻されました" in html
    assert html.index("本人の数の根拠を備考に書いてください") < html.index('id="items-heading"')
    assert f"/declarations/{d}/actions/submit" not in html            # the head waits for the clerk
    login(client, "clerk_a")
    html = page(client, f"/declarations/{d}")
    assert f"/declarations/{d}/actions/submit" in html
    dashboard = page(client, "/")
    assert "所属の届出が差し戻されています" in dashboard and "本人の数の根拠を備考に書いてください" in dashboard
    assert 'class="tag status-returned"' in page(client, "/declarations/")
    login(client, "clerk_b")
    assert "所属の届出が差し戻されています" not in page(client, "/")


def test_approve_and_accept_ask_for_a_confirmation_first(client, db, campaign):
    d = campaign["301"]
    login(client, "clerk_a")
    complete_all(client, db, d)
    act(client, d, "submit", fresh(db, Declaration, d).version)
    login(client, "head_a")
    html = page(client, f"/declarations/{d}")
    assert '<details class="confirm final-step">' in html and "この届出を承認し" in html


def test_an_item_saved_without_the_number_of_people_is_flagged_incomplete(client, db, campaign):
    d = campaign["301"]
    login(client, "clerk_a")
    item = items(db, d)[0]
    response = client.post(f"/declarations/items/{item.id}", data=item_data(client, item, linked(db, item.id),
                                                                          subject_count=""),
                           follow_redirects=True)
    assert "ただし未完成です" in response.get_data(as_text=True)
    assert fresh(db, DeclarationItem, item.id).subject_count is None
    html = page(client, f"/declarations/{d}")
    row = html[html.index(f'id="item-{item.id}"'):]
    assert "未入力あり" in row[:row.index("</tr>")]
