"""Sessions the server ends: a copied cookie is refused after sign-out, a password reset or
change, a role or department change, deactivation, and after the idle and absolute time-outs;
sign-in starts a new session; the cookies' flags; one's own password page."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update
from web_fixtures import PASSWORD, csrf_token, login, login_with_form, user_id
from werkzeug.security import check_password_hash

from inventory.models import AuditEvent, User, UserSession, utcnow
from inventory.accounts.sessions import token_hash
from inventory.web import create_app


COOKIE = "session"


def copy_of(client, app):
    """A second browser holding a copy of ``client``'s session cookie."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return thief


def signed_in(client) -> bool:
    return client.get("/").status_code == 200


def post_form(client, page_url: str, data: dict, url: str | None = None):
    token = csrf_token(client.get(page_url).get_data(as_text=True))
    return client.post(url or page_url, data=dict(data, csrf_token=token))


def backdate(db, token: str, **ages: dt.timedelta) -> None:
    """Move a session's ``created_at`` / ``last_seen_at`` into the past (instead of waiting)."""
    db.execute(update(UserSession).where(UserSession.token_sha256 == token_hash(token))
               .values({column: utcnow() - age for column, age in ages.items()}))
    db.commit()


def test_a_copied_cookie_is_refused_after_sign_out(app, client):
    assert login_with_form(client, "clerk_a").status_code == 302
    thief = copy_of(client, app)
    assert signed_in(thief)                                   # a copy works while the session lives
    token = csrf_token(client.get("/").get_data(as_text=True))
    client.post("/auth/logout", data={"csrf_token": token})
    assert not signed_in(client)
    assert not signed_in(thief)


def test_an_admin_password_reset_ends_the_users_sessions(app, client):
    victim = app.test_client()
    login(victim, "clerk_b")
    thief = copy_of(victim, app)
    login(client, "admin")
    uid = user_id(app, "clerk_b")
    response = post_form(client, f"/admin/users/{uid}", {"new_password": "a brand new secret"},
                         url=f"/admin/users/{uid}/password")
    assert response.status_code == 302
    assert not signed_in(victim) and not signed_in(thief)
    assert signed_in(client)                                  # the admin's own session goes on


USER_FORM = {"display_name": "", "email": "", "role": "clerk", "active": "y"}


@pytest.mark.parametrize("change", [
    {"role": "it_division"},
    {"department": "100"},
    {"active": ""},
])
def test_a_role_department_or_active_change_ends_the_users_sessions(app, client, db, change):
    victim = app.test_client()
    login(victim, "clerk_b")
    thief = copy_of(victim, app)
    login(client, "admin")
    uid = user_id(app, "clerk_b")
    user = db.get(User, uid)
    data = dict(USER_FORM, department_id=str(user.department_id))
    change = dict(change)                                     # the parameter is shared by both databases
    if "department" in change:
        data["department_id"] = str(_department_id(db, change.pop("department")))
    data.update(change)
    data = {k: v for k, v in data.items() if v != ""}
    assert post_form(client, f"/admin/users/{uid}", data).status_code == 302
    assert not signed_in(victim) and not signed_in(thief)


def _department_id(db, code: str) -> int:
    from inventory.models import Department

    return db.scalar(select(Department.id).where(Department.code == code))


def test_a_change_of_name_only_keeps_the_session(app, client, db):
    victim = app.test_client()
    login(victim, "clerk_b")
    login(client, "admin")
    uid = user_id(app, "clerk_b")
    data = dict(USER_FORM, display_name="職員 太郎", department_id=str(db.get(User, uid).department_id))
    assert post_form(client, f"/admin/users/{uid}", data).status_code == 302
    assert signed_in(victim)


@pytest.mark.parametrize("idle_minutes, max_hours, ages, live", [
    (30, 10, {"last_seen_at": dt.timedelta(minutes=29)}, True),
    (30, 10, {"last_seen_at": dt.timedelta(minutes=31)}, False),
    (5, 10, {"last_seen_at": dt.timedelta(minutes=6)}, False),            # configurable
    (30, 10, {"created_at": dt.timedelta(hours=9, minutes=50)}, True),
    (30, 10, {"created_at": dt.timedelta(hours=10, minutes=1)}, False),   # busy all day: still ends
    (30, 2, {"created_at": dt.timedelta(hours=2, minutes=1)}, False),
])
def test_idle_and_absolute_time_outs(app, client, db, idle_minutes, max_hours, ages, live):
    app.config.update(SESSION_IDLE_MINUTES=idle_minutes, SESSION_MAX_HOURS=max_hours)
    token = login(client, "clerk_a")
    backdate(db, token, **ages)
    assert signed_in(client) is live


def test_last_seen_is_written_at_most_once_a_minute(client, db):
    token = login(client, "clerk_a")
    backdate(db, token, last_seen_at=dt.timedelta(seconds=20))
    stamp = db.scalar(select(UserSession.last_seen_at).where(UserSession.token_sha256 == token_hash(token)))
    assert signed_in(client) and signed_in(client)
    db.expire_all()
    assert db.scalar(select(UserSession.last_seen_at)
                     .where(UserSession.token_sha256 == token_hash(token))) == stamp
    backdate(db, token, last_seen_at=dt.timedelta(minutes=2))
    assert signed_in(client)
    db.expire_all()
    seen = db.scalar(select(UserSession.last_seen_at).where(UserSession.token_sha256 == token_hash(token)))
    seen = seen if seen.tzinfo else seen.replace(tzinfo=dt.timezone.utc)
    assert utcnow() - seen < dt.timedelta(seconds=30)


def test_sign_in_starts_a_new_session_and_keeps_no_planted_id(client, db):
    with client.session_transaction() as sess:
        sess["_user_id"] = "planted-by-someone-else"
        sess["lang"] = "en"
    login_with_form(client, "clerk_a")
    with client.session_transaction() as sess:
        first = sess["_user_id"]
        assert first != "planted-by-someone-else" and sess["lang"] == "en"
    token = csrf_token(client.get("/").get_data(as_text=True))
    client.post("/auth/logout", data={"csrf_token": token})
    login_with_form(client, "clerk_a")
    with client.session_transaction() as sess:
        assert sess["_user_id"] not in (first, "planted-by-someone-else")
    stored = db.scalars(select(UserSession.token_sha256)).all()
    assert first not in stored and token_hash(first) in stored   # only the hash is kept


def test_a_cookie_naming_a_user_id_signs_no_one_in(app, client):
    """The old cookie format (the user's id) is worth nothing now."""
    with client.session_transaction() as sess:
        sess["_user_id"] = str(user_id(app, "admin"))
    assert not signed_in(client)


# ----- cookies -----
def _login_cookie(app) -> str:
    """The session cookie sign-in sets (over https when the app prefers it: the test client then
    speaks https, and Flask-WTF wants a same-site Referer)."""
    client = app.test_client()
    page = client.get("/auth/login")
    response = client.post("/auth/login", headers={"Referer": "https://localhost/auth/login"}, data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "username": "clerk_a",
        "password": PASSWORD})
    assert response.status_code == 302
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE + "="))


@pytest.mark.parametrize("environ, config, secure", [
    ({}, {}, False),
    ({"INVENTORY_SESSION_COOKIE_SECURE": "1"}, {}, True),
    ({"INVENTORY_BEHIND_HTTPS": "1"}, {}, True),
    ({}, {"PREFERRED_URL_SCHEME": "https"}, True),
    ({"INVENTORY_BEHIND_HTTPS": "1", "INVENTORY_SESSION_COOKIE_SECURE": "0"}, {}, False),
])
def test_cookie_flags(app, monkeypatch, environ, config, secure):
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    other = create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"],
                        "SECRET_KEY": "test secret", "SERVER_NAME": None, **config})
    try:
        cookie = _login_cookie(other)
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert ("Secure" in cookie) is secure
        assert other.config["REMEMBER_COOKIE_SECURE"] is secure
        assert other.config["REMEMBER_COOKIE_HTTPONLY"] is True
        assert other.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    finally:
        other.extensions["registry"].engine.dispose()


@pytest.mark.parametrize("proxies, recorded", [("0", "127.0.0.1"), ("1", "203.0.113.7")])
def test_the_client_address_comes_from_a_proxy_only_when_trusted(app, db, monkeypatch, proxies, recorded):
    monkeypatch.setenv("INVENTORY_TRUSTED_PROXIES", proxies)
    other = create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"],
                        "SECRET_KEY": "test secret", "SERVER_NAME": None})
    try:
        client = other.test_client()
        page = client.get("/auth/login")
        client.post("/auth/login", headers={"X-Forwarded-For": "203.0.113.7"}, data={
            "csrf_token": csrf_token(page.get_data(as_text=True)), "username": "clerk_a",
            "password": PASSWORD})
    finally:
        other.extensions["registry"].engine.dispose()
    assert db.scalars(select(UserSession.client_address)).all() == [recorded]


# ----- one's own password -----
def test_the_password_page_is_in_the_user_menu(client):
    login(client, "clerk_a")
    html = client.get("/").get_data(as_text=True)
    assert 'href="/auth/password"' in html and "パスワード変更" in html


def test_own_password_change_ends_the_other_sessions(app, client, db):
    login_with_form(client, "clerk_a")
    elsewhere = app.test_client()
    login_with_form(elsewhere, "clerk_a")
    new = "a quiet river at dawn"
    response = post_form(client, "/auth/password", {"current_password": PASSWORD,
                                                    "new_password": new, "confirm": new})
    assert response.status_code == 302
    assert signed_in(client) and not signed_in(elsewhere)
    uid = user_id(app, "clerk_a")
    assert check_password_hash(db.get(User, uid).password_hash, new)
    event = db.scalars(select(AuditEvent).where(AuditEvent.object_id == uid,
                                                AuditEvent.field == "password")).one()
    assert (event.user_id, event.after) == (uid, "changed")


@pytest.mark.parametrize("data, status, message", [
    ({"current_password": "not my password", "new_password": "a quiet river at dawn",
      "confirm": "a quiet river at dawn"}, 400, "現在のパスワードが正しくありません"),
    ({"current_password": PASSWORD, "new_password": "a quiet river at dawn",
      "confirm": "a quiet river at dusk"}, 400, "新しいパスワードが一致しません"),
    ({"current_password": PASSWORD, "new_password": "short1", "confirm": "short1"}, 400, "12 文字以上"),
    ({"current_password": PASSWORD, "new_password": "iloveyou2024!", "confirm": "iloveyou2024!"},
     400, "よく使われているパスワード"),
    ({"current_password": PASSWORD, "new_password": "clerk_a of the city", "confirm": "clerk_a of the city"},
     400, "ユーザー名を含める"),
])
def test_own_password_change_is_refused(app, client, db, data, status, message):
    login(client, "clerk_a")
    response = post_form(client, "/auth/password", data)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert check_password_hash(db.get(User, user_id(app, "clerk_a")).password_hash, PASSWORD)


def test_own_password_change_needs_the_csrf_token(app, client, db):
    login(client, "clerk_a")
    new = "a quiet river at dawn"
    response = client.post("/auth/password", data={"current_password": PASSWORD, "new_password": new,
                                                   "confirm": new})
    assert response.status_code == 400
    assert check_password_hash(db.get(User, user_id(app, "clerk_a")).password_hash, PASSWORD)


def test_sign_in_deletes_the_users_sessions_that_ended_long_ago(app, client, db):
    """A week after a session could last be live it is deleted at the user's next sign-in; a
    recent ended session (who was signed in from where) and other users' sessions stay."""
    login_with_form(client, "clerk_a")
    with client.session_transaction() as sess:
        old = sess["_user_id"]
    other = app.test_client()
    login_with_form(other, "clerk_b")
    with other.session_transaction() as sess:
        others = sess["_user_id"]
    backdate(db, old, created_at=dt.timedelta(hours=10, days=8))
    backdate(db, others, created_at=dt.timedelta(hours=10, days=8))
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    client.post("/auth/logout", data={"csrf_token": token})
    login_with_form(client, "clerk_a")
    stored = set(db.scalars(select(UserSession.token_sha256)).all())
    assert token_hash(old) not in stored and token_hash(others) in stored
    assert len(stored) == 2
