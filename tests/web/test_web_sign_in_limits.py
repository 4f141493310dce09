"""Limits on password guessing: a growing delay, then a lock an administrator lifts (web page
or CLI), per account and per client address; one answer whatever the cause; audit events."""
from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update
from web_fixtures import PASSWORD, csrf_token, login, login_with_form, user_id

from inventory.cli.main import main
from inventory.accounts.login_throttle import ACCOUNT, ADDRESS, account_key
from inventory.models import AuditEvent, LoginThrottle, utcnow

REFUSED_JA = "ユーザー名またはパスワードが正しくないか、一時的にログインできなくなっています。"


def fail(client, username: str, times: int) -> None:
    for _ in range(times):
        assert login_with_form(client, username, "not the password").status_code == 401


def counter(db, kind: str, key: str) -> LoginThrottle | None:
    db.expire_all()
    return db.scalars(select(LoginThrottle).where(LoginThrottle.kind == kind,
                                                  LoginThrottle.key == key)).first()


def wait_out_the_delay(db) -> None:
    """What waiting does, without waiting: every "retry not before" time is now past."""
    db.execute(update(LoginThrottle).where(LoginThrottle.retry_after.is_not(None))
               .values(retry_after=utcnow() - dt.timedelta(seconds=1)))
    db.commit()


def refusal(response) -> str:
    html = response.get_data(as_text=True)
    return html.split('role="alert">', 1)[1].split("<", 1)[0]


def test_after_five_failures_even_the_right_password_waits(client, db):
    fail(client, "clerk_a", 4)
    assert counter(db, ACCOUNT, account_key("clerk_a")).retry_after is None
    fail(client, "clerk_a", 1)
    row = counter(db, ACCOUNT, account_key("clerk_a"))
    assert row.failures == 5 and row.retry_after is not None
    response = login_with_form(client, "clerk_a")                  # right password, too soon
    assert response.status_code == 401 and REFUSED_JA in response.get_data(as_text=True)
    wait_out_the_delay(db)
    assert login_with_form(client, "clerk_a").status_code == 302
    assert counter(db, ACCOUNT, account_key("clerk_a")) is None    # success forgets the failures


def test_the_delay_doubles_up_to_the_cap(app, client, db):
    app.config.update(LOGIN_LOCK_AFTER=50, LOGIN_MAX_DELAY_SECONDS=8)
    delays = []
    for _ in range(9):
        fail(client, "clerk_a", 1)
        row = counter(db, ACCOUNT, account_key("clerk_a"))
        if row.retry_after is not None:
            retry = row.retry_after if row.retry_after.tzinfo else row.retry_after.replace(tzinfo=dt.UTC)
            delays.append(round((retry - utcnow()).total_seconds()))
        wait_out_the_delay(db)
    assert delays == [1, 2, 4, 8, 8]


def test_ten_failures_lock_until_an_admin_unlocks_on_the_user_page(app, client, db):
    for _ in range(10):
        fail(client, "clerk_b", 1)
        wait_out_the_delay(db)
    assert counter(db, ACCOUNT, account_key("clerk_b")).locked_at is not None
    assert login_with_form(client, "clerk_b").status_code == 401      # waiting does not help
    admin = app.test_client()
    login(admin, "admin")
    uid = user_id(app, "clerk_b")
    page = admin.get(f"/admin/users/{uid}").get_data(as_text=True)
    assert "ログインのロック" in page
    token = csrf_token(page.split("ログインのロック", 1)[1])
    assert admin.post(f"/admin/users/{uid}/unlock").status_code == 400     # CSRF: refused
    assert admin.post(f"/admin/users/{uid}/unlock", data={"csrf_token": token}).status_code == 302
    assert login_with_form(client, "clerk_b").status_code == 302
    events = db.scalars(select(AuditEvent).where(AuditEvent.field == "sign_in")
                        .order_by(AuditEvent.id)).all()
    assert [e.after for e in events] == ["failure 127.0.0.1"] * 10 + ["lock 127.0.0.1", "unlock"]
    assert {e.object_id for e in events} == {uid}
    assert events[-1].user_id == user_id(app, "admin")               # who unlocked


def test_every_refusal_reads_the_same(app, client, db):
    """Wrong password, unknown account, disabled account, locked account: one answer."""
    answers = {
        "wrong": login_with_form(client, "clerk_a", "not the password"),
        "unknown": login_with_form(client, "nobody_here", PASSWORD),
        "disabled": login_with_form(client, "retired", PASSWORD),
    }
    for _ in range(10):
        fail(client, "head_a", 1)
        wait_out_the_delay(db)
    answers["locked"] = login_with_form(client, "head_a", PASSWORD)
    for _ in range(10):
        fail(client, "no_such_user", 1)
        wait_out_the_delay(db)
    answers["unknown, locked"] = login_with_form(client, "no_such_user", PASSWORD)
    assert {response.status_code for response in answers.values()} == {401}
    assert len({refusal(response) for response in answers.values()}) == 1
    assert REFUSED_JA in refusal(answers["locked"])


def test_audit_events_keep_no_password_and_no_unknown_name(client, db):
    fail(client, "my secret pass", 1)                 # a password typed into the name field
    login_with_form(client, "clerk_a", "hunter2 typo")
    texts = " ".join(f"{e.object_type} {e.field} {e.before} {e.after}"
                     for e in db.scalars(select(AuditEvent).where(AuditEvent.field == "sign_in")))
    assert "my secret pass" not in texts and "hunter2" not in texts
    assert "my secret pass" not in " ".join(db.scalars(select(LoginThrottle.key)))


def test_an_address_is_limited_across_accounts_and_unlocked_by_the_cli(app, client, db, monkeypatch):
    app.config.update(LOGIN_ADDRESS_DELAY_AFTER=3, LOGIN_ADDRESS_LOCK_AFTER=4)
    for name in ("a1", "a2", "a3", "a4"):                 # four names, one failure each
        fail(client, name, 1)
        wait_out_the_delay(db)
    assert counter(db, ADDRESS, "127.0.0.1").locked_at is not None
    assert login_with_form(client, "it").status_code == 401       # another account, same address
    lock = db.scalars(select(AuditEvent).where(AuditEvent.object_type == "client_address")).one()
    assert lock.after == "lock 127.0.0.1"
    monkeypatch.setenv("INVENTORY_DATABASE_URL", app.config["DATABASE_URL"])
    result = CliRunner().invoke(main, ["users", "unlock", "--address", "127.0.0.1"])
    assert result.exit_code == 0 and "ロックを解除しました" in result.output, result.output
    assert login_with_form(client, "it").status_code == 302


def test_the_cli_unlocks_an_account(app, client, db, monkeypatch):
    for _ in range(10):
        fail(client, "privacy", 1)
        wait_out_the_delay(db)
    monkeypatch.setenv("INVENTORY_DATABASE_URL", app.config["DATABASE_URL"])
    runner = CliRunner()
    assert "ロックを解除しました: privacy" in runner.invoke(main, ["users", "unlock", "privacy"]).output
    assert "ロックされていません" in runner.invoke(main, ["users", "unlock", "privacy"]).output
    assert runner.invoke(main, ["users", "unlock"]).exit_code == 2
    assert login_with_form(client, "privacy").status_code == 302


def test_failures_older_than_the_window_are_forgotten(client, db):
    fail(client, "clerk_a", 4)
    db.execute(update(LoginThrottle).values(window_started_at=utcnow() - dt.timedelta(hours=2)))
    db.commit()
    fail(client, "clerk_a", 1)
    row = counter(db, ACCOUNT, account_key("clerk_a"))
    assert row.failures == 1 and row.retry_after is None


def test_wrong_current_passwords_on_the_password_page_count_too(client, db):
    login(client, "clerk_a")
    for _ in range(3):
        page = client.get("/auth/password").get_data(as_text=True)
        client.post("/auth/password", data={"csrf_token": csrf_token(page), "current_password": "guess",
                                             "new_password": "a quiet river at dawn",
                                             "confirm": "a quiet river at dawn"})
    assert counter(db, ACCOUNT, account_key("clerk_a")).failures == 3


@pytest.mark.parametrize("name", ["Clerk_A", " clerk_a "])
def test_the_account_counter_ignores_case_and_spaces(client, db, name):
    fail(client, name, 1)
    assert counter(db, ACCOUNT, account_key("clerk_a")).failures == 1


def test_an_admin_sees_locked_addresses_and_unlocks_one_on_the_users_page(app, client, db):
    app.config.update(LOGIN_ADDRESS_DELAY_AFTER=3, LOGIN_ADDRESS_LOCK_AFTER=4)
    for name in ("a1", "a2", "a3", "a4"):
        fail(client, name, 1)
        wait_out_the_delay(db)
    assert login_with_form(client, "it").status_code == 401
    admin = app.test_client()
    login(admin, "admin")
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "ログインの失敗でロックされた接続元" in page and "127.0.0.1" in page
    token = csrf_token(page.split("ログインの失敗でロックされた接続元", 1)[1])
    url = "/admin/users/unlock-address"
    assert admin.post(url, data={"address": "127.0.0.1"}).status_code == 400       # CSRF: refused
    done = admin.post(url, data={"address": "127.0.0.1", "csrf_token": token}, follow_redirects=True)
    assert "127.0.0.1 からふたたびログインできます。" in done.get_data(as_text=True)
    assert "ログインの失敗でロックされた接続元" not in done.get_data(as_text=True)
    assert login_with_form(client, "it").status_code == 302
    unlocked = db.scalars(select(AuditEvent).where(AuditEvent.after == "unlock 127.0.0.1")).one()
    assert unlocked.user_id == user_id(app, "admin")


def test_a_clerk_cannot_unlock_an_address(app, client, db):
    login(client, "clerk_a")
    token = csrf_token(client.get("/").get_data(as_text=True))
    assert client.post("/admin/users/unlock-address",
                       data={"address": "127.0.0.1", "csrf_token": token}).status_code == 403
