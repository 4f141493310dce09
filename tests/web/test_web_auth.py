"""Sign-in and out, CSRF, `next` redirects, sign-in required everywhere, language, error pages."""
from __future__ import annotations

import pytest
from sqlalchemy import update
from web_fixtures import PASSWORD, csrf_token, login, login_with_form

from inventory.models import User
from inventory.web.auth.views import is_local_path

#: the one answer to every refused sign-in (wrong password, unknown or disabled account, limits)
BAD_LOGIN_JA = "ユーザー名またはパスワードが正しくないか、一時的にログインできなくなっています。"


def test_login_page_is_japanese_with_a_csrf_token(client):
    page = client.get("/auth/login")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="ja">' in html
    assert "ログイン" in html and "ユーザー名" in html and "パスワード" in html
    assert csrf_token(html)


def test_login_succeeds_and_opens_the_dashboard(client):
    response = login_with_form(client, "clerk_a")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "ダッシュボード" in page.get_data(as_text=True)


@pytest.mark.parametrize("username, password, message", [
    ("clerk_a", "wrong password", BAD_LOGIN_JA),
    ("nobody", PASSWORD, BAD_LOGIN_JA),
    ("retired", PASSWORD, BAD_LOGIN_JA),         # inactive: refused even with the right password
])
def test_bad_login_is_refused_in_japanese_keeping_the_user_name(client, username, password, message):
    response = login_with_form(client, username, password)
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert message in html
    assert f'name="username" required type="text" value="{username}"' in html
    assert password not in html                   # the password is never echoed back
    assert client.get("/").status_code == 302     # still signed out


@pytest.mark.parametrize("next_url, expected", [
    ("/?lang=en", "/?lang=en"),
    ("https://evil.example/", "/"),
    ("//evil.example/x", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_next_redirects_only_to_local_paths(client, next_url, expected):
    response = login_with_form(client, "admin", next_url=next_url)
    assert response.status_code == 302
    assert response.headers["Location"] == expected


@pytest.mark.parametrize("target, local", [
    ("/", True), ("/assets/3?page=2", True), (None, False), ("", False), ("assets", False),
    ("//host/x", False), ("/\\host", False), ("http://host/", False), ("/a\nb", False),
])
def test_is_local_path(target, local):
    assert is_local_path(target) is local


def test_login_post_without_csrf_token_is_refused(client):
    response = client.post("/auth/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 400
    assert "フォームの有効期限が切れた" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_logout_needs_its_token_and_signs_out(client):
    login(client, "clerk_a")
    assert client.post("/auth/logout").status_code == 400          # no token: refused
    assert client.get("/").status_code == 200                       # still signed in
    token = csrf_token(client.get("/").get_data(as_text=True))
    response = client.post("/auth/logout", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    assert "ログアウトしました" in client.get("/auth/login").get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_every_page_needs_a_signed_in_user(app, client):
    """Pages send strangers to the login page; token views (the JSON API) answer 401."""
    public = {"static", "auth.login", "auth.logout"}
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in public or "GET" not in rule.methods:
            continue
        url = rule.build({arg: 1 for arg in rule.arguments}, append_unknown=False)[1]
        response = client.get(url)
        if rule.endpoint.startswith("api."):
            assert response.status_code == 401, rule.endpoint
            continue
        assert response.status_code == 302, rule.endpoint
        assert response.headers["Location"].startswith("/auth/login?next="), rule.endpoint
        checked += 1
    assert checked >= 1


def test_a_disabled_account_is_signed_out_at_its_next_request(app, client, db):
    login(client, "clerk_a")
    assert client.get("/").status_code == 200
    db.execute(update(User).where(User.username == "clerk_a").values(active=False))
    db.commit()
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("query, headers, lang, text", [
    ("", {}, "ja", "ダッシュボード"),
    ("?lang=en", {}, "en", "Dashboard"),
    ("?lang=ja", {"Accept-Language": "en"}, "ja", "ダッシュボード"),
    ("", {"Accept-Language": "en-US,en;q=0.9"}, "en", "Dashboard"),
    ("", {"Accept-Language": "fr"}, "ja", "ダッシュボード"),
    ("?lang=xx", {}, "ja", "ダッシュボード"),
])
def test_language_choice(client, query, headers, lang, text):
    login(client, "admin")
    html = client.get("/" + query, headers=headers).get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{text}</h1>" in html


def test_language_switch_is_remembered(client):
    login(client, "admin")
    client.get("/?lang=en")
    assert "<h1>Dashboard</h1>" in client.get("/").get_data(as_text=True)
    client.get("/?lang=ja")
    assert "<h1>ダッシュボード</h1>" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("lang, text", [("ja", "ページが見つかりません"), ("en", "Page not found")])
def test_not_found_page(client, lang, text):
    login(client, "clerk_a")
    response = client.get(f"/no/such/page?lang={lang}")
    assert response.status_code == 404
    assert text in response.get_data(as_text=True)


def test_server_error_page_is_japanese_and_hides_the_error(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken():
        raise RuntimeError("secret detail of the failure")

    app.add_url_rule("/broken", "broken", broken)
    login(client, "admin")
    response = client.get("/broken")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "サーバーエラー" in html
    assert "secret detail" not in html
