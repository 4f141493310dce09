"""Access decisions: department scopes, asset filters, 404 outside the scope, role guards, navigation."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from web_fixtures import RECORDS, REMOVED, asset_id, login
from werkzeug.exceptions import NotFound

from inventory.models import Asset, Department, User
from inventory.web.auth.views import SignedInUser
from inventory.web.permissions import (
    asset_or_404,
    department_scope,
    may_use,
    require_roles,
    visible_assets,
)

A_PATHS = {r["path"] for r in RECORDS if r["path"].startswith("健康福祉部/介護保険課/")}
A_DEPT_PATHS = A_PATHS | {"健康福祉部/会議資料.csv"}
B_PATHS = {r["path"] for r in RECORDS if r["path"].startswith("総務部/職員課/")}   # REMOVED included
ALL_PATHS = {r["path"] for r in RECORDS}


def signed_in(db, username: str) -> SignedInUser:
    return SignedInUser.of(db.execute(select(User).where(User.username == username)).scalar_one())


def codes(db, ids: set[int] | None) -> set[str] | None:
    if ids is None:
        return None
    return set(db.execute(select(Department.code).where(Department.id.in_(ids))).scalars())


@pytest.mark.parametrize("username, expected", [
    ("clerk_a", {"301"}),
    ("head_a", {"300", "301"}),          # the head's department and its sub-departments
    ("clerk_b", {"101"}),
    ("head_b", {"100", "101"}),
    ("it", None), ("privacy", None), ("admin", None),   # the whole city
])
def test_department_scope(db, username, expected):
    assert codes(db, department_scope(db, signed_in(db, username))) == expected


@pytest.mark.parametrize("user, expected", [
    (SignedInUser(1, "x", "", "clerk", None), set()),            # no department: sees nothing
    (SignedInUser(1, "x", "", "auditor", 1), set()),             # unknown role: sees nothing
])
def test_department_scope_is_empty_for_odd_users(db, user, expected):
    assert department_scope(db, user) == expected


@pytest.mark.parametrize("username, expected", [
    ("clerk_a", A_PATHS), ("head_a", A_DEPT_PATHS), ("clerk_b", B_PATHS), ("head_b", B_PATHS),
    ("it", ALL_PATHS), ("privacy", ALL_PATHS), ("admin", ALL_PATHS),
])
def test_visible_assets(db, username, expected):
    stmt = visible_assets(select(Asset.path), signed_in(db, username), db)
    assert set(db.execute(stmt).scalars()) == expected


@pytest.mark.parametrize("username, path, found", [
    ("clerk_a", "健康福祉部/介護保険課/認定者一覧.xlsx", True),
    ("clerk_a", "総務部/職員課/職員名簿.xlsx", False),        # another department's asset
    ("clerk_a", "健康福祉部/会議資料.csv", False),             # the parent department's asset
    ("head_a", "健康福祉部/介護保険課/認定者一覧.xlsx", True),  # a sub-department's asset
    ("head_b", "健康福祉部/介護保険課/認定者一覧.xlsx", False),
    ("clerk_b", "未整理/メモ.txt", False),                    # unassigned: city-wide roles only
    ("privacy", "未整理/メモ.txt", True),
    ("it", REMOVED, True),
])
def test_asset_or_404(app, db, username, path, found):
    wanted = asset_id(app, path)
    user = signed_in(db, username)
    if found:
        assert asset_or_404(db, wanted, user).path == path
    else:
        with pytest.raises(NotFound):
            asset_or_404(db, wanted, user)


def test_missing_asset_is_404_for_everyone(db):
    with pytest.raises(NotFound):
        asset_or_404(db, 10**9, signed_in(db, "admin"))


@pytest.mark.parametrize("username, status", [
    (None, 302), ("clerk_a", 403), ("head_a", 403), ("privacy", 403), ("it", 200), ("admin", 200),
])
def test_require_roles(app, client, username, status):
    app.add_url_rule("/triage-probe", "triage_probe",
                     require_roles("it_division", "admin")(lambda: "probe ok"))
    if username:
        login(client, username)
    response = client.get("/triage-probe")
    assert response.status_code == status
    if status == 403:
        assert "アクセスできません" in response.get_data(as_text=True)
    if status == 302:
        assert response.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize("role, area, allowed", [
    ("clerk", "dashboard", True), ("clerk", "assets", True), ("clerk", "triage", False),
    ("clerk", "admin", False), ("dept_head", "departments", True), ("dept_head", "triage", False),
    ("it_division", "triage", True), ("it_division", "admin", False),
    ("privacy_office", "triage", False), ("admin", "admin", True), ("admin", "no-such-area", False),
])
def test_may_use(role, area, allowed):
    assert may_use(SignedInUser(1, "x", "", role, None), area) is allowed


def test_may_use_refuses_anonymous_users():
    from flask_login import AnonymousUserMixin

    assert may_use(AnonymousUserMixin(), "dashboard") is False


@pytest.mark.parametrize("username", ["clerk_a", "admin"])
def test_navigation_shows_only_registered_areas_the_role_may_use(app, client, username):
    login(client, username)
    html = client.get("/").get_data(as_text=True)
    nav = html[html.index("<nav"):html.index("</nav>")]
    assert 'href="/"' in nav and "ダッシュボード" in nav
    for endpoint, label in (("triage.index", "業務アプリの仕分け"), ("admin.index", "管理")):
        shown = endpoint in app.view_functions and may_use(
            SignedInUser(1, "x", "", {"clerk_a": "clerk", "admin": "admin"}[username], None),
            endpoint.split(".")[0])
        assert (label in nav) is shown
