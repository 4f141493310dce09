"""Administration: admins only; departments, users, shares, mappings and API tokens, each change audited."""
from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import func, select
from web_fixtures import (
    PASSWORD,
    ROOT,
    asset_id,
    csrf_token,
    login,
    login_with_form,
    user_id,
)
from werkzeug.security import check_password_hash

from inventory.models import (
    ApiToken,
    Asset,
    AuditEvent,
    Department,
    Person,
    Share,
    ShareMapping,
    User,
    as_utc,
    utcnow,
)

ADMIN_PAGES = ["/admin/", "/admin/departments", "/admin/departments/new", "/admin/users",
               "/admin/users/new", "/admin/shares", "/admin/shares/new", "/admin/tokens",
               "/admin/import", "/admin/import/template.xlsx", "/admin/people", "/admin/people/new"]


def dept(db, code: str) -> Department:
    return db.execute(select(Department).where(Department.code == code)
                      .order_by(Department.valid_from.desc())).scalars().first()


def events(db, object_type: str, object_id: int) -> dict[str, tuple]:
    """field -> (before, after, user id) of the audit events of one object (the latest per field)."""
    rows = db.execute(select(AuditEvent).where(AuditEvent.object_type == object_type,
                                               AuditEvent.object_id == object_id)
                      .order_by(AuditEvent.id)).scalars()
    return {e.field: (e.before, e.after, e.user_id) for e in rows}


def post_form(client, page_url: str, data: dict, url: str | None = None):
    """GET ``page_url`` for its CSRF token, then POST ``data`` to ``url`` (default: the same page)."""
    token = csrf_token(client.get(page_url).get_data(as_text=True))
    return client.post(url or page_url, data=dict(data, csrf_token=token))


# ----- access -----
@pytest.mark.parametrize("username", ["clerk_a", "head_a", "it", "privacy"])
@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_are_refused_to_other_roles(client, username, url):
    login(client, username)
    response = client.get(url)
    assert response.status_code == 403
    assert "アクセスできません" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/admin/departments/new", "/admin/tokens", "/admin/users/new"])
def test_admin_posts_are_refused_to_other_roles_even_with_a_csrf_token(app, client, db, url):
    login(client, "it")
    token = csrf_token(client.get("/").get_data(as_text=True))     # the sign-out form's token
    response = client.post(url, data={"csrf_token": token, "code": "999", "name": "x",
                                      "valid_from": "2026-04-01", "username": "intruder",
                                      "role": "admin"})
    assert response.status_code == 403
    assert db.scalar(select(func.count()).select_from(ApiToken)) == 0
    assert db.scalar(select(User.id).where(User.username == "intruder")) is None


@pytest.mark.parametrize("url", ["/admin/", "/admin/users"])
def test_admin_pages_need_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_open_for_admins(client, url):
    login(client, "admin")
    assert client.get(url).status_code == 200


def test_admin_start_page_is_japanese_with_links(client):
    login(client, "admin")
    html = client.get("/admin/").get_data(as_text=True)
    for text in ("管理", "所属", "ユーザー", "共有フォルダ", "API トークン", "取り込み"):
        assert text in html


# ----- departments -----
def test_create_department_is_audited(client, db):
    login(client, "admin")
    parent = dept(db, "300").id
    response = post_form(client, "/admin/departments/new", {
        "code": "302", "name": "高齢福祉課", "parent_id": str(parent), "head_username": "head_a",
        "valid_from": "2026-04-01", "valid_to": "", "successor_id": ""})
    assert response.status_code == 302
    created = dept(db, "302")
    assert (created.name, created.parent_id, created.head_id) == ("高齢福祉課", parent,
                                                                  user_id(client.application, "head_a"))
    audit = events(db, "department", created.id)
    admin = user_id(client.application, "admin")
    assert audit["code"] == (None, "302", admin)
    assert audit["name"] == (None, "高齢福祉課", admin)
    assert audit["valid_from"] == (None, "2026-04-01", admin)


def test_reorganisation_closes_a_department_with_a_successor(client, db):
    login(client, "admin")
    old, successor = dept(db, "301"), dept(db, "101")
    url = f"/admin/departments/{old.id}"
    response = post_form(client, url, {
        "code": "301", "name": old.name, "parent_id": str(old.parent_id), "head_username": "",
        "valid_from": old.valid_from.isoformat(), "valid_to": "2026-03-31",
        "successor_id": str(successor.id)})
    assert response.status_code == 302
    db.expire_all()
    closed = db.get(Department, old.id)
    assert (closed.valid_to.isoformat(), closed.successor_id) == ("2026-03-31", successor.id)
    audit = events(db, "department", old.id)
    assert audit["valid_to"][:2] == (None, "2026-03-31")
    assert audit["successor_id"][:2] == (None, str(successor.id))
    assert "code" not in audit                           # unchanged fields make no event
    html = client.get("/admin/departments").get_data(as_text=True)
    assert "介護保険課" not in html                        # closed: not listed by default
    assert "介護保険課" in client.get("/admin/departments?all=1").get_data(as_text=True)
    # the start page's audit log: names, Japanese field labels and JST times, not ids and UTC
    html = client.get("/admin/").get_data(as_text=True)
    log = html[html.index("<tbody>"):html.index("</tbody>")]
    assert "後継組織" in log and "有効期間の終了" in log
    assert f"{successor.name}（{successor.code}）" in log and f"{old.name}（{old.code}）" in log
    assert "successor_id" not in log and "department #" not in log
    event = db.execute(select(AuditEvent).where(AuditEvent.object_type == "department", AuditEvent.object_id == old.id)
                       .order_by(AuditEvent.id.desc())).scalars().first()
    at = event.at if event.at.tzinfo else event.at.replace(tzinfo=dt.UTC)
    assert at.astimezone(dt.timezone(dt.timedelta(hours=9))).strftime("%Y-%m-%d %H:%M") in log


@pytest.mark.parametrize("changes, field, message", [
    ({"code": ""}, "code", "入力が必要です。"),
    ({"valid_to": "2020-03-31"}, "valid_to", "最終日は開始日より前にはできません。"),
    ({"valid_from": "2026-13-40"}, "valid_from", "日付を 2026-04-01、2026/4/1 または 令和8年4月1日 のように入力してください。"),
    ({"head_username": "nobody_here"}, "head_username", "この名前のユーザーはいません。"),
    ({"code": "101", "valid_from": "2000-04-01"}, "code", "同じ組織コードと開始日の組織がすでにあります。"),
    ({"successor_id": "SELF_PARENT"}, "successor_id", "後継組織を指定するには、先に最終日を入力して"),
])
def test_bad_department_input_is_refused_in_japanese_keeping_the_input(client, db, changes, field,
                                                                        message):
    login(client, "admin")
    data = {"code": "303", "name": "新しい課", "parent_id": "", "head_username": "",
            "valid_from": "2021-04-01", "valid_to": "", "successor_id": ""}
    data.update(changes)
    if data["successor_id"] == "SELF_PARENT":
        data["successor_id"] = str(dept(db, "300").id)
    before = db.scalar(select(func.count()).select_from(Department))
    response = post_form(client, "/admin/departments/new", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert 'value="新しい課"' in html                     # what the user typed is kept
    assert db.scalar(select(func.count()).select_from(Department)) == before


def test_a_department_cannot_be_placed_below_its_own_sub_department(client, db):
    login(client, "admin")
    top, child = dept(db, "300"), dept(db, "301")
    response = post_form(client, f"/admin/departments/{top.id}", {
        "code": "300", "name": top.name, "parent_id": str(child.id), "head_username": "",
        "valid_from": top.valid_from.isoformat(), "valid_to": "", "successor_id": ""})
    assert response.status_code == 400
    db.expire_all()
    assert db.get(Department, top.id).parent_id is None


def test_unknown_department_is_404(client):
    login(client, "admin")
    assert client.get("/admin/departments/999999").status_code == 404


# ----- users -----
def test_create_user_with_password_then_sign_in(app, client, db):
    login(client, "admin")
    response = post_form(client, "/admin/users/new", {
        "username": "sato", "display_name": "佐藤 花子", "email": "sato@example.jp", "role": "clerk",
        "department_id": str(dept(db, "301").id), "active": "y", "password": "a long password 1"})
    assert response.status_code == 302
    created = db.execute(select(User).where(User.username == "sato")).scalar_one()
    assert (created.role, created.department_id, created.active) == ("clerk", dept(db, "301").id, True)
    audit = events(db, "app_user", created.id)
    assert audit["username"][:2] == (None, "sato") and audit["role"][:2] == (None, "clerk")
    assert not any("password" in field for field in audit)
    assert check_password_hash(created.password_hash, "a long password 1")


def test_created_password_is_shown_once_and_never_its_hash(client, db):
    login(client, "admin")
    response = post_form(client, "/admin/users/new", {
        "username": "suzuki", "display_name": "", "email": "", "role": "it_division",
        "department_id": "", "active": "y", "password": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "一度だけ" in html
    stored = db.execute(select(User.password_hash).where(User.username == "suzuki")).scalar_one()
    assert stored and stored not in html
    for page in ("/admin/users", f"/admin/users/{user_id(client.application, 'suzuki')}", "/admin/"):
        text = client.get(page).get_data(as_text=True)
        assert stored not in text and "scrypt:" not in text and "pbkdf2:" not in text


@pytest.mark.parametrize("data, field_message", [
    ({"username": "admin"}, "このユーザー名は使われています。"),
    ({"username": "bad name!"}, "英数字と . _ @ - だけ"),
    ({"email": "not-an-email"}, "メールアドレスではありません。"),
    ({"password": "short"}, "12 文字以上"),
    ({"password": "Password2024!"}, "よく使われているパスワード"),
    ({"password": "tanaka-is-my-name"}, "ユーザー名を含める"),
    ({"role": "superuser"}, "一覧の中から選んでください。"),
])
def test_bad_user_input_is_refused(client, db, data, field_message):
    login(client, "admin")
    form = {"username": "tanaka", "display_name": "田中 一郎", "email": "", "role": "clerk",
            "department_id": "", "active": "y", "password": ""}
    form.update(data)
    response = post_form(client, "/admin/users/new", form)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert field_message in html
    assert 'value="田中 一郎"' in html
    assert db.scalar(select(func.count()).select_from(User).where(User.username == form["username"])) \
        == (1 if form["username"] == "admin" else 0)


def test_edit_user_role_department_and_active_is_audited(app, client, db):
    login(client, "admin")
    uid = user_id(app, "clerk_a")
    new_dept = dept(db, "101").id
    response = post_form(client, f"/admin/users/{uid}", {
        "display_name": "異動した人", "email": "", "role": "dept_head", "department_id": str(new_dept)})
    assert response.status_code == 302                  # "active" left unchecked: deactivated
    db.expire_all()
    changed = db.get(User, uid)
    assert (changed.role, changed.department_id, changed.active) == ("dept_head", new_dept, False)
    audit = events(db, "app_user", uid)
    assert audit["role"][:2] == ("clerk", "dept_head")
    assert audit["active"][:2] == ("True", "False")
    assert audit["department_id"][:2] == (str(dept(db, "301").id), str(new_dept))


def test_admins_cannot_remove_their_own_rights(app, client, db):
    login(client, "admin")
    uid = user_id(app, "admin")
    response = post_form(client, f"/admin/users/{uid}", {"display_name": "", "email": "",
                                                         "role": "clerk", "department_id": "",
                                                         "active": "y"})
    assert response.status_code == 400
    assert "自分の管理者権限" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(User, uid).role == "admin"


@pytest.mark.parametrize("new_password, generated", [("", True), ("another long secret", False)])
def test_password_reset(app, client, db, new_password, generated):
    login(client, "admin")
    uid = user_id(app, "clerk_b")
    response = post_form(client, f"/admin/users/{uid}", {"new_password": new_password},
                         url=f"/admin/users/{uid}/password")
    if generated:
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
        html = response.get_data(as_text=True)
        new_password = html.split('<code class="secret">')[1].split("</code>")[0]
    else:
        assert response.status_code == 302
    db.expire_all()
    stored = db.get(User, uid).password_hash
    assert not check_password_hash(stored, PASSWORD)
    assert check_password_hash(stored, new_password)
    with client.session_transaction() as session:      # sign the admin out, keep the CSRF token
        session.pop("_user_id")
    assert login_with_form(client, "clerk_b", new_password).status_code == 302
    audit = events(db, "app_user", uid)
    assert audit["password"][:2] == (None, "reset")      # the event says it happened, holds no hash


# ----- shares and mappings -----
def share_id(db) -> int:
    return db.scalar(select(Share.id).where(Share.root == ROOT))


def test_create_share_normalises_its_root_and_refuses_duplicates(client, db):
    login(client, "admin")
    response = post_form(client, "/admin/shares/new", {"name": "北庁舎", "root": "\\\\fs01\\north\\",
                                                       "description": "北庁舎の共有", "active": "y"})
    assert response.status_code == 302
    share = db.execute(select(Share).where(Share.name == "北庁舎")).scalar_one()
    assert share.root == "//fs01/north"
    assert events(db, "share", share.id)["root"][:2] == (None, "//fs01/north")
    again = post_form(client, "/admin/shares/new", {"name": "北庁舎", "root": "/other", "active": "y"})
    assert again.status_code == 400
    assert "ほかの共有フォルダが同じ値を使っています。" in again.get_data(as_text=True)


def test_share_exclusions_and_schedule_are_edited_as_lines_and_audited(client, db):
    login(client, "admin")
    sid = share_id(db)
    form = client.get(f"/admin/shares/{sid}/edit").get_data(as_text=True)
    assert "除外するパス" in form and "スキャン日程" in form
    response = post_form(client, f"/admin/shares/{sid}/edit", {
        "name": "本庁舎", "root": ROOT, "active": "y", "schedule": "*-*-* 02:00",
        "exclusions": " */バックアップ/*\r\n\r\n*.tmp \r\n"})
    assert response.status_code == 302
    db.expire_all()
    share = db.get(Share, sid)
    assert share.exclusions == ["*/バックアップ/*", "*.tmp"] and share.schedule == "*-*-* 02:00"
    assert events(db, "share", sid)["schedule"][:2] == ("", "*-*-* 02:00")
    detail = client.get(f"/admin/shares/{sid}").get_data(as_text=True)
    assert "*/バックアップ/*" in detail and "*-*-* 02:00" in detail
    assert "*/バックアップ/*\n*.tmp" in client.get(f"/admin/shares/{sid}/edit").get_data(as_text=True)
    too_long = post_form(client, f"/admin/shares/{sid}/edit", {
        "name": "本庁舎", "root": ROOT, "active": "y", "exclusions": "x" * 501})
    assert too_long.status_code == 400 and "500 文字まで" in too_long.get_data(as_text=True)


def test_add_and_remove_mapping_is_audited_and_explained(client, db):
    login(client, "admin")
    sid = share_id(db)
    page = client.get(f"/admin/shares/{sid}").get_data(as_text=True)
    assert "次回のスキャン" in page                         # mappings apply at the next scan
    response = post_form(client, f"/admin/shares/{sid}", {"prefix": "\\未整理\\", "department_id":
                                                           str(dept(db, "100").id)})
    assert response.status_code == 302
    mapping_id = db.scalar(select(ShareMapping.id).where(ShareMapping.prefix == "未整理"))
    assert events(db, "share_mapping", mapping_id)["prefix"][:2] == (None, "未整理")
    duplicate = post_form(client, f"/admin/shares/{sid}", {"prefix": "未整理",
                                                            "department_id": str(dept(db, "101").id)})
    assert duplicate.status_code == 400
    removed = post_form(client, f"/admin/shares/{sid}", {},
                        url=f"/admin/shares/{sid}/mappings/{mapping_id}/remove")
    assert removed.status_code == 302
    assert db.scalar(select(ShareMapping.id).where(ShareMapping.id == mapping_id)) is None
    assert events(db, "share_mapping", mapping_id)["prefix"][:2] == ("未整理", None)


def test_reapply_mappings_moves_existing_assets_but_not_manual_ones(app, client, db):
    login(client, "admin")
    sid = share_id(db)
    kaigo, shokuin = dept(db, "301").id, dept(db, "101").id
    mapping = db.execute(select(ShareMapping).where(ShareMapping.prefix == "健康福祉部/介護保険課")
                         ).scalar_one()
    mapping.department_id = shokuin
    manual = db.get(Asset, asset_id(app, "健康福祉部/介護保険課/台帳.xlsm"))
    manual.department_manual = True
    db.commit()
    response = post_form(client, f"/admin/shares/{sid}", {}, url=f"/admin/shares/{sid}/reapply")
    assert response.status_code == 302
    db.expire_all()
    departments = dict(db.execute(select(Asset.path, Asset.department_id)).all())
    assert departments["健康福祉部/介護保険課/認定者一覧.xlsx"] == shokuin
    assert departments["健康福祉部/介護保険課/壊れた.xlsx"] == shokuin
    assert departments["健康福祉部/介護保険課/台帳.xlsm"] == kaigo         # set by hand: kept
    assert departments["健康福祉部/会議資料.csv"] == dept(db, "300").id     # other mapping: same
    assert departments["未整理/メモ.txt"] is None
    assert events(db, "share", sid)["mappings_reapplied"][:2] == (None, "2")
    assert "2 件" in client.get(f"/admin/shares/{sid}").get_data(as_text=True)


# ----- API tokens -----
def test_token_is_shown_once_stored_as_hash_and_revoked(app, client, db):
    login(client, "admin")
    response = post_form(client, "/admin/tokens", {"name": "scanner-north", "share_id": str(share_id(db))})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    token = html.split('<code class="secret">')[1].split("</code>")[0]
    row = db.execute(select(ApiToken).where(ApiToken.name == "scanner-north")).scalar_one()
    assert row.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert row.share_id == share_id(db) and row.created_by_id == user_id(app, "admin")
    listing = client.get("/admin/tokens").get_data(as_text=True)
    assert token not in listing and row.token_sha256 not in listing
    assert events(db, "api_token", row.id)["name"][:2] == (None, "scanner-north")
    revoked = post_form(client, "/admin/tokens", {}, url=f"/admin/tokens/{row.id}/revoke")
    assert revoked.status_code == 302
    db.expire_all()
    assert db.get(ApiToken, row.id).revoked_at is not None
    assert events(db, "api_token", row.id)["revoked_at"][0] is None


def secret_of(response) -> str:
    return response.get_data(as_text=True).split('<code class="secret">')[1].split("</code>")[0]


def api_status(client, token: str) -> int:
    return client.get("/api/assets", headers={"Authorization": f"Bearer {token}"}).status_code


def test_token_expiry_is_chosen_at_creation_and_shown_with_the_last_use(app, client, db):
    login(client, "admin")
    token = secret_of(post_form(client, "/admin/tokens", {"name": "north", "share_id": str(share_id(db)),
                                                          "valid_days": "30"}))
    row = db.execute(select(ApiToken).where(ApiToken.name == "north")).scalar_one()
    expires = as_utc(row.expires_at)
    assert abs(expires - (utcnow() + dt.timedelta(days=30))) < dt.timedelta(minutes=5)
    assert api_status(client, token) == 200
    listing = client.get("/admin/tokens").get_data(as_text=True)
    assert "有効期限（UTC）" in listing and expires.strftime("%Y-%m-%d %H:%M") in listing
    db.expire_all()
    used = db.get(ApiToken, row.id).last_used_at
    assert used is not None and used.strftime("%Y-%m-%d %H:%M") in listing
    assert "<strong>期限切れ</strong>" not in listing
    row = db.get(ApiToken, row.id)
    row.expires_at = utcnow() - dt.timedelta(days=1)
    db.commit()
    assert "<strong>期限切れ</strong>" in client.get("/admin/tokens").get_data(as_text=True)
    assert api_status(client, token) == 401


@pytest.mark.parametrize("days", ["0", "5000", "abc"])
def test_token_validity_out_of_range_is_refused(client, db, days):
    login(client, "admin")
    response = post_form(client, "/admin/tokens", {"name": "x", "share_id": "", "valid_days": days})
    assert response.status_code == 400
    assert db.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_a_token_created_without_a_choice_is_valid_for_a_year(client, db):
    login(client, "admin")
    post_form(client, "/admin/tokens", {"name": "default", "share_id": ""})
    row = db.execute(select(ApiToken)).scalar_one()
    assert abs(as_utc(row.expires_at) - (utcnow() + dt.timedelta(days=365))) < dt.timedelta(minutes=5)


def test_rotation_gives_a_new_secret_and_refuses_the_old_one(app, client, db):
    login(client, "admin")
    old = secret_of(post_form(client, "/admin/tokens", {"name": "south", "share_id": str(share_id(db)),
                                                        "valid_days": "10"}))
    row = db.execute(select(ApiToken).where(ApiToken.name == "south")).scalar_one()
    row.expires_at = utcnow() - dt.timedelta(hours=1)              # expired: rotation revives it
    db.commit()
    rotated = post_form(client, "/admin/tokens", {}, url=f"/admin/tokens/{row.id}/rotate")
    assert rotated.status_code == 200 and rotated.headers["Cache-Control"] == "no-store"
    assert "再発行しました" in rotated.get_data(as_text=True)
    new = secret_of(rotated)
    assert new != old
    assert api_status(client, old) == 401 and api_status(client, new) == 200
    db.expire_all()
    row = db.get(ApiToken, row.id)
    assert (row.name, row.share_id) == ("south", share_id(db))           # the same token
    assert row.token_sha256 == hashlib.sha256(new.encode()).hexdigest()
    period = as_utc(row.expires_at) - as_utc(row.rotated_at)
    assert abs(period - dt.timedelta(days=10)) < dt.timedelta(minutes=5)
    assert events(db, "api_token", row.id)["rotated_at"][0] is None
    assert "再発行日時（UTC）" in client.get("/admin/tokens").get_data(as_text=True)


def test_a_revoked_token_is_not_rotated(client, db):
    login(client, "admin")
    post_form(client, "/admin/tokens", {"name": "gone", "share_id": ""})
    row = db.execute(select(ApiToken)).scalar_one()
    post_form(client, "/admin/tokens", {}, url=f"/admin/tokens/{row.id}/revoke")
    digest = db.scalar(select(ApiToken.token_sha256))
    response = post_form(client, "/admin/tokens", {}, url=f"/admin/tokens/{row.id}/rotate")
    assert response.status_code == 302
    db.expire_all()
    assert db.scalar(select(ApiToken.token_sha256)) == digest
    assert db.get(ApiToken, row.id).rotated_at is None


def test_rotation_needs_a_csrf_token_and_an_admin(client, db):
    login(client, "admin")
    post_form(client, "/admin/tokens", {"name": "csrf", "share_id": ""})
    row = db.execute(select(ApiToken)).scalar_one()
    assert client.post(f"/admin/tokens/{row.id}/rotate").status_code == 400
    login(client, "it")
    assert client.post(f"/admin/tokens/{row.id}/rotate").status_code in (400, 403)
    db.expire_all()
    assert db.get(ApiToken, row.id).rotated_at is None


def test_admin_forms_need_a_csrf_token(client, db):
    login(client, "admin")
    response = client.post("/admin/tokens", data={"name": "no-csrf"})
    assert response.status_code == 400
    assert db.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_admin_pages_in_english(client):
    login(client, "admin")
    html = client.get("/admin/departments?lang=en").get_data(as_text=True)
    assert "Departments are never deleted" in html


def test_a_renamed_department_shows_at_once_on_pages_that_cached_the_names(client, db):
    login(client, "admin")
    before = client.get("/assets/").get_data(as_text=True)
    old = dept(db, "301")
    # the asset list names it (names now cached), whole or cut at the front with the whole on hover
    full = f"{dept(db, '300').name} {old.name}"
    shown = f'<td class="dept">{full}</td>' if f'<td class="dept">{full}</td>' in before else f'title="{full}"'
    assert shown in before
    response = post_form(client, f"/admin/departments/{old.id}", {
        "code": "301", "name": "高齢者支援課", "parent_id": str(old.parent_id), "head_username": "",
        "valid_from": old.valid_from.isoformat(), "valid_to": "", "successor_id": ""})
    assert response.status_code == 302
    after = client.get("/assets/").get_data(as_text=True)
    renamed = f"{dept(db, '300').name} 高齢者支援課"
    assert (f'<td class="dept">{renamed}</td>' in after or f'title="{renamed}"' in after) and shown not in after


# ----- folder mappings typed as UNC paths -----
@pytest.mark.parametrize("root, typed, prefix", [
    ("/mnt/share", "健康福祉部/介護保険課", "健康福祉部/介護保険課"),
    ("/mnt/share", "\\健康福祉部\\介護保険課\\", "健康福祉部/介護保険課"),
    ("/mnt/share", "/mnt/share/健康福祉部/介護保険課", "健康福祉部/介護保険課"),   # in full, as scanned
    ("/mnt/share", "/mnt/share", ""),
    ("/mnt/share", "", ""),
    ("/mnt/share", "./健康福祉部//介護保険課/.", "健康福祉部/介護保険課"),
    ("//fs01/honcho", "\\\\fs01\\honcho\\健康福祉部\\介護保険課", "健康福祉部/介護保険課"),
    ("//fs01/honcho", "\\\\FS01\\Honcho\\健康福祉部\\介護保険課\\", "健康福祉部/介護保険課"),  # case of server/share
    ("//fs01/honcho", "//fs01/honcho/健康福祉部", "健康福祉部"),
    ("//fs01/honcho", "smb://fs01/honcho/健康福祉部", "健康福祉部"),
    ("//fs01/honcho", "smb://CITY;taro@fs01:445/honcho/健康福祉部", "健康福祉部"),
    ("smb://fs01/honcho/本庁", "\\\\fs01\\honcho\\本庁\\市民課", "市民課"),           # a root below the share
    ("//fs01/honcho", "\\\\fs01\\honcho", ""),
    ("//fs01/honcho", "健康福祉部\\介護保険課", "健康福祉部/介護保険課"),
])
def test_mapping_folders_are_made_relative_to_the_root(root, typed, prefix):
    from inventory.web.admin.shares import mapping_prefix

    assert mapping_prefix(root, typed) == prefix


@pytest.mark.parametrize("root, typed", [
    ("//fs01/honcho", "\\\\fs02\\honcho\\健康福祉部"),      # another server
    ("//fs01/honcho", "//fs01/other/健康福祉部"),             # another share
    ("/mnt/share", "\\\\fs01\\honcho\\健康福祉部"),         # a UNC path for a mounted root
    ("/mnt/share", "Z:\\健康福祉部"),                         # a drive letter
    ("/mnt/share", "健康福祉部/../総務部"),
])
def test_mapping_folders_outside_the_root_are_refused(root, typed):
    from inventory.web.admin.shares import MappingPathError, mapping_prefix

    with pytest.raises(MappingPathError):
        mapping_prefix(root, typed)


def test_a_unc_mapping_is_saved_relative_and_warns_when_nothing_scanned_matches(client, db):
    login(client, "admin")
    sid = share_id(db)
    db.get(Share, sid).root = "//fs01/honcho"          # the scanner reads the share over SMB
    db.commit()
    page = client.get(f"/admin/shares/{sid}").get_data(as_text=True)
    assert "\\\\fs01\\honcho\\健康福祉部\\介護保険課" in page               # the hint shows this share
    # a folder that was scanned: saved relative to the root, no warning
    response = post_form(client, f"/admin/shares/{sid}", {
        "prefix": "\\\\FS01\\honcho\\総務部\\", "department_id": str(dept(db, "100").id)})
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "「総務部」の対応付けを追加しました。" in html and "flash warning" not in html
    assert db.scalar(select(ShareMapping.id).where(ShareMapping.share_id == sid,
                                                   ShareMapping.prefix == "総務部")) is not None
    # a misspelt folder: saved, with a warning naming the part that exists
    response = post_form(client, f"/admin/shares/{sid}", {
        "prefix": "smb://fs01/honcho/健康福祉部/介護保険科", "department_id": str(dept(db, "301").id)})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="flash warning"' in html
    assert "「健康福祉部/介護保険科」の下にスキャン済みのファイルがありません。「健康福祉部」はありますが、" \
           "その下に「介護保険科」がありません。" in html
    # a path of another share: refused, the typed text kept
    response = post_form(client, f"/admin/shares/{sid}", {
        "prefix": "\\\\fs02\\honcho\\総務部", "department_id": str(dept(db, "100").id)})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "このパスは共有のルート //fs01/honcho の下にありません。" in html
    assert 'value="\\\\fs02\\honcho\\総務部"' in html


def test_a_mapping_on_a_share_never_scanned_says_it_could_not_be_checked(client, db):
    login(client, "admin")
    post_form(client, "/admin/shares/new", {"name": "北庁舎", "root": "\\\\fs01\\north", "active": "y"})
    sid = db.scalar(select(Share.id).where(Share.name == "北庁舎"))
    response = post_form(client, f"/admin/shares/{sid}", {
        "prefix": "\\\\fs01\\north\\市民課", "department_id": str(dept(db, "100").id)})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "この共有はまだスキャンされていないため" in html
    assert db.scalar(select(ShareMapping.prefix).where(ShareMapping.share_id == sid)) == "市民課"


# ----- the staff directory -----
def test_a_member_of_staff_without_an_account_is_added_audited_and_found(client, db):
    login(client, "admin")
    response = post_form(client, "/admin/people/new", {
        "staff_number": "０１２３４５", "name": "山田　太郎", "kana": "やまだ たろう",
        "department_id": str(dept(db, "301").id), "title": "主査", "email": "", "active": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    person = db.execute(select(Person).where(Person.staff_number == "012345")).scalar_one()
    assert (person.name, person.kana, person.title, person.email, person.active, person.source) == \
        ("山田 太郎", "ヤマダ タロウ", "主査", None, True, "manual")
    assert events(db, "person", person.id)["name"][:2] == (None, "山田 太郎")
    assert db.scalar(select(func.count()).select_from(User).where(User.person_id == person.id)) == 0
    for query in ("ヤマダタロウ", "山田太郎", "012345", "やまだ"[:0] + "タロウ"):
        listing = client.get("/admin/people", query_string={"q": query}).get_data(as_text=True)
        assert ">山田 太郎</a>" in listing, query
    assert ">山田 太郎</a>" not in client.get("/admin/people?q=佐藤").get_data(as_text=True)


def test_a_person_who_leaves_is_kept_inactive_and_an_account_is_linked(client, db):
    db.add(Person(staff_number="7001", name="佐藤 花子", kana="サトウ ハナコ", department_id=dept(db, "101").id))
    db.commit()
    pid = db.scalar(select(Person.id).where(Person.staff_number == "7001"))
    login(client, "admin")
    page = client.get(f"/admin/people/{pid}").get_data(as_text=True)
    assert 'value="7001"' in page and "ログインアカウント" in page
    data = {"staff_number": "7001", "name": "佐藤 花子", "kana": "サトウ ハナコ",
            "department_id": str(dept(db, "101").id), "account": "clerk_b"}      # active unticked: left
    assert post_form(client, f"/admin/people/{pid}", data).status_code == 302
    db.expire_all()
    assert db.get(Person, pid).active is False
    assert db.get(User, user_id(client.application, "clerk_b")).person_id == pid
    assert events(db, "person", pid)["active"][:2] == ("True", "False")
    assert events(db, "app_user", user_id(client.application, "clerk_b"))["person_id"][:2] == (None, str(pid))
    assert ">佐藤 花子</a>" not in client.get("/admin/people").get_data(as_text=True)      # the current staff
    assert ">佐藤 花子</a>" in client.get("/admin/people?all=1").get_data(as_text=True)
    user_page = client.get(f"/admin/users/{user_id(client.application, 'clerk_b')}").get_data(as_text=True)
    assert "7001 佐藤 花子" in user_page
    # unlinking
    data["account"] = ""
    assert post_form(client, f"/admin/people/{pid}", data).status_code == 302
    db.expire_all()
    assert db.get(User, user_id(client.application, "clerk_b")).person_id is None


@pytest.mark.parametrize("changes, message", [
    ({"staff_number": ""}, "職員番号を入力してください。"),
    ({"staff_number": "7001"}, "この職員番号は別の職員に使われています。"),
    ({"staff_number": "70 02"}, "半角英数字と . _ - だけを使ってください。"),
    ({"name": ""}, "入力が必要です。"),
    ({"kana": "Sato"}, "カナはカタカナ（またはひらがな）で入力してください。"),
    ({"account": "nobody"}, "この名前のユーザーはいません。"),
    ({"account": "clerk_a"}, "このアカウントは別の職員に結び付けられています。"),
    ({"email": "not-mail"}, "メールアドレスではありません。"),
])
def test_bad_staff_input_is_refused_in_japanese_keeping_it(client, db, changes, message):
    other = Person(staff_number="7001", name="佐藤 花子")
    db.add(other)
    db.flush()
    db.get(User, user_id(client.application, "clerk_a")).person_id = other.id
    db.commit()
    login(client, "admin")
    data = {"staff_number": "7002", "name": "鈴木 一郎", "kana": "スズキ イチロウ", "title": "係長",
            "department_id": str(dept(db, "101").id), "active": "y", **changes}
    response = post_form(client, "/admin/people/new", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert 'value="係長"' in html                                   # what was typed stays
    assert db.scalar(select(func.count()).select_from(Person)) == 1


def test_unknown_person_is_404(client):
    login(client, "admin")
    assert client.get("/admin/people/999999").status_code == 404
