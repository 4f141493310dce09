"""Email reminders to overdue departments, through a real SMTP server (aiosmtpd) started on a
free local port: who is overdue, who is addressed, once a day, --force, the record kept,
and the ``inventory declarations remind`` command; on SQLite and PostgreSQL.
"""
from __future__ import annotations

import datetime as dt
import email
import socket
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from sqlalchemy import select
from test_declarations import complete, declaration_of, dept, user

from inventory.declarations import editing
from inventory.declarations import workflow as decl
from inventory.cli.main import main
from inventory.mailer import MailError
from inventory.models import Declaration, DeclarationEvent, Department, User
from inventory.declarations.reminders import (
    ReminderError,
    SmtpSettings,
    recipients,
    send_reminders,
    smtp_settings,
    wareki,
)

EMAILS = {"clerk_a": "clerk_a@city.example", "head_a": "head_a@city.example",
          "clerk_b": "clerk_b@city.example", "head_b": "head_b@city.example",
          "retired": "retired@city.example", "privacy": "privacy@city.example", "it": "it@city.example"}
#: 2026-07-01 10:00 in Japan, the day after the due date
AFTER_DUE = dt.datetime(2026, 7, 1, 1, 0, tzinfo=dt.timezone.utc)


class Inbox:
    """aiosmtpd handler keeping every message it is given."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, _server, _session, envelope):
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append((sorted(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    """A real SMTP server on 127.0.0.1 (a free port) and the settings that reach it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, SmtpSettings(host="127.0.0.1", port=controller.port, sender="kojin@city.example")
    finally:
        controller.stop()


@pytest.fixture
def db(app):
    with app.extensions["registry"].sessions() as session:
        for username, address in EMAILS.items():
            session.execute(select(User).where(User.username == username)).scalar_one().email = address
        session.commit()
        yield session


def open_campaign(db, opens=dt.date(2026, 5, 1), due=dt.date(2026, 6, 30), year=2026):
    campaign = decl.open_campaign(db, user(db, "privacy"), year, opens, due, title="令和8年度 年度照会")
    db.commit()
    return campaign


def reviewing(db, campaign, code="301") -> None:
    """The department's declaration filled, submitted and approved: with the privacy office."""
    d = declaration_of(db, campaign, code)
    for item in decl.items_of(db, d.id):
        editing.save_item(db, user(db, "clerk_a"), d, item, complete(item), item.version)
    decl.act(db, user(db, "clerk_a"), d, "submit", d.version)
    decl.act(db, user(db, "head_a"), d, "approve", d.version)
    db.commit()


def by_code(outcomes) -> dict[str, str]:
    return {o.department_code: o.status for o in outcomes}


def test_overdue_departments_get_one_japanese_message_each(db, smtp):
    inbox, settings = smtp
    campaign = open_campaign(db)
    reviewing(db, campaign, "301")                              # with the office: not overdue
    assert send_reminders(db, campaign, settings, now=dt.datetime(2026, 6, 30, 14, 0, tzinfo=dt.timezone.utc)) == []
    outcomes = send_reminders(db, campaign, settings, now=AFTER_DUE, user=user(db, "privacy"))
    assert by_code(outcomes) == {"100": "sent", "101": "sent", "300": "sent"}
    received = {message["Subject"]: rcpts for rcpts, message in inbox.messages}
    assert len(inbox.messages) == 3
    assert received["【個人情報ファイル簿】2026年度（令和8年度）の届出の提出期限を過ぎています（職員課）"] == [
        "clerk_b@city.example", "head_b@city.example"]          # no head of its own: the 部's head
    assert received["【個人情報ファイル簿】2026年度（令和8年度）の届出の提出期限を過ぎています（総務部）"] == [
        "head_b@city.example"]
    body = next(m for _r, m in inbox.messages if "職員課" in m["Subject"]).get_content()
    assert "2026年6月30日（令和8年6月30日）" in body and "現在の状況: 未着手" in body
    assert "令和8年度 年度照会" in body
    d101 = declaration_of(db, campaign, "101")
    db.refresh(d101)
    assert d101.last_reminded_at is not None and d101.version == 1     # a reminder never makes forms stale
    events = db.execute(select(DeclarationEvent.action, DeclarationEvent.user_id)
                        .where(DeclarationEvent.declaration_id == d101.id).order_by(DeclarationEvent.id)).all()
    assert events[-1] == ("remind", user(db, "privacy").id)


def test_at_most_one_reminder_a_day_unless_forced(db, smtp):
    inbox, settings = smtp
    campaign = open_campaign(db)
    send_reminders(db, campaign, settings, now=AFTER_DUE)
    assert len(inbox.messages) == 4
    later = AFTER_DUE + dt.timedelta(hours=10)                  # 20:00 the same day in Japan
    assert set(by_code(send_reminders(db, campaign, settings, now=later)).values()) == {"already_today"}
    assert len(inbox.messages) == 4
    forced = send_reminders(db, campaign, settings, now=later, force=True)
    assert set(by_code(forced).values()) == {"sent"} and len(inbox.messages) == 8
    next_day = AFTER_DUE + dt.timedelta(hours=15)               # 2026-07-02 01:00 in Japan
    assert set(by_code(send_reminders(db, campaign, settings, now=next_day)).values()) == {"sent"}
    reminds = db.execute(select(DeclarationEvent).where(DeclarationEvent.action == "remind")).scalars().all()
    assert len(reminds) == 12


def test_dry_run_sends_and_records_nothing_and_departments_without_addresses_are_reported(db, smtp):
    inbox, settings = smtp
    campaign = open_campaign(db)
    db.execute(select(User).where(User.username == "head_a")).scalar_one().email = None
    db.commit()
    outcomes = send_reminders(db, campaign, settings, now=AFTER_DUE, dry_run=True)
    assert by_code(outcomes) == {"100": "would_send", "101": "would_send", "300": "no_recipients",
                                 "301": "would_send"}
    assert {o.department_code: o.recipients for o in outcomes}["301"] == 1     # clerk_a; retired is inactive
    assert inbox.messages == []
    assert all(d.last_reminded_at is None for d in db.execute(select(Declaration)).scalars())
    no_smtp = send_reminders(db, campaign, None, now=AFTER_DUE, dry_run=True)   # a dry run needs no server
    assert by_code(no_smtp)["100"] == "would_send"


def test_a_server_that_cannot_be_reached_records_nothing(db):
    campaign = open_campaign(db)
    settings = SmtpSettings(host="127.0.0.1", port=free_port(), sender="kojin@city.example")
    outcomes = send_reminders(db, campaign, settings, now=AFTER_DUE)
    assert set(by_code(outcomes).values()) == {"failed"}
    assert all(d.last_reminded_at is None for d in db.execute(select(Declaration)).scalars())
    assert db.execute(select(DeclarationEvent).where(DeclarationEvent.action == "remind")).first() is None


def test_recipients_follow_the_approval_line(db):
    tree = {code: dept(db, code) for code in ("100", "101", "300", "301")}
    found = recipients(db, list(tree.values()))
    assert [e for _n, e in found[tree["301"].id]] == ["clerk_a@city.example", "head_a@city.example"]
    designated = db.execute(select(User).where(User.username == "clerk_b")).scalar_one()
    db.get(Department, tree["101"].id).head_id = designated.id       # a designated head of its own
    db.flush()
    assert [e for _n, e in recipients(db, [tree["101"]])[tree["101"].id]] == ["clerk_b@city.example"]


def test_smtp_settings_from_config_then_environment():
    env = {"INVENTORY_SMTP_HOST": "mail.city.example", "INVENTORY_SMTP_FROM": "kojin@city.example",
           "INVENTORY_SMTP_PORT": "587", "INVENTORY_SMTP_STARTTLS": "yes", "INVENTORY_SMTP_USER": "kojin",
           "INVENTORY_SMTP_PASSWORD": "secret"}
    settings = smtp_settings({"INVENTORY_SMTP_PORT": 2525}, env)
    assert (settings.host, settings.port, settings.starttls, settings.user) == (
        "mail.city.example", 2525, True, "kojin")
    assert smtp_settings({}, {}) is None
    assert smtp_settings({"INVENTORY_SMTP_HOST": "relay"}, {}).host == "relay"
    with pytest.raises(MailError):
        smtp_settings({}, {"INVENTORY_SMTP_HOST": "mail.city.example", "INVENTORY_SMTP_PORT": "twenty-five"})
    with pytest.raises(ReminderError):
        send_reminders(None, None, None)                         # no relay: nothing can be sent


@pytest.mark.parametrize("day, text", [(dt.date(2026, 6, 30), "令和8年6月30日"), (dt.date(2019, 5, 1), "令和元年5月1日"),
                                       (dt.date(2019, 4, 30), "平成31年4月30日")])
def test_wareki(day, text):
    assert wareki(day) == text


def test_the_remind_command(app, db, smtp, monkeypatch):
    inbox, settings = smtp
    open_campaign(db, dt.date(2026, 5, 1), dt.date(2026, 6, 30))        # overdue by the real clock (2026-11)
    monkeypatch.setenv("INVENTORY_DATABASE_URL", app.config["DATABASE_URL"])
    for name, value in (("HOST", settings.host), ("PORT", str(settings.port)), ("FROM", settings.sender)):
        monkeypatch.setenv(f"INVENTORY_SMTP_{name}", value)
    runner = CliRunner()
    dry = runner.invoke(main, ["declarations", "remind", "--campaign", "2026", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "101 職員課: 送信対象（試行のため送信していません）（宛先 2 名）" in dry.output and inbox.messages == []
    english = runner.invoke(main, ["declarations", "remind", "--campaign", "2026", "--dry-run", "--lang", "en"])
    assert "101 職員課: would send (dry run) (2 recipients)" in english.output
    sent = runner.invoke(main, ["declarations", "remind"])
    assert sent.exit_code == 0 and sent.output.count(": 送信しました") == 4 and len(inbox.messages) == 4
    again = runner.invoke(main, ["declarations", "remind"])
    assert again.output.count("本日は督促済みです") == 4 and len(inbox.messages) == 4
    forced = runner.invoke(main, ["declarations", "remind", "--force", "--lang", "en"])
    assert forced.output.count(": sent") == 4 and len(inbox.messages) == 8
    missing = runner.invoke(main, ["declarations", "remind", "--campaign", "1999"])
    assert missing.exit_code != 0 and "1999年度の照会はありません" in missing.output
    monkeypatch.delenv("INVENTORY_SMTP_HOST")
    unconfigured = runner.invoke(main, ["declarations", "remind"])
    assert unconfigured.exit_code != 0 and "INVENTORY_SMTP_HOST" in unconfigured.output


def test_two_runs_at_once_send_one_reminder_per_department(app, db, smtp):
    inbox, settings = smtp
    campaign = open_campaign(db)
    with app.extensions["registry"].sessions() as other:
        stale = list(other.execute(select(Declaration)).scalars())     # loaded before the first run
        assert all(d.last_reminded_at is None for d in stale)
        send_reminders(db, campaign, settings, now=AFTER_DUE)
        later = send_reminders(other, other.get(type(campaign), campaign.id), settings,
                               now=AFTER_DUE + dt.timedelta(minutes=1))
    assert set(by_code(later).values()) == {"already_today"}              # the database said so
    assert len(inbox.messages) == 4
