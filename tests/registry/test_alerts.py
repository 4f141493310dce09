"""Alerts on new high-risk findings (inventory/registry/alerts.py): rules and thresholds, email through a real
local SMTP server (aiosmtpd), a webhook on a real local HTTP server with retries, immediate and
daily-digest delivery, and the CLI."""
from __future__ import annotations

import email
import json
import socket
import threading
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from sqlalchemy import select
from test_incremental import ROSTER
from test_run_diff import REMOTE, SYNC, ingest, rec

from inventory.registry.alert_config import AlertConfig, AlertConfigError
from inventory.registry.alerts import DeliveryError, after_run, find_alerts, post_webhook, send_digest
from inventory.cli.main import main
from inventory.models import Finding, User

APP = {"is_app": True, "kind": "excel-vba", "modules": 2, "code_lines": 120}


# ----- real servers -----
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """aiosmtpd handler keeping every message received."""

    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


@pytest.fixture
def smtp(monkeypatch):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("INVENTORY_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("INVENTORY_SMTP_PORT", str(port))
    monkeypatch.setenv("INVENTORY_SMTP_FROM", "inventory@city.example.jp")
    yield inbox
    controller.stop()


class Hook:
    """What the webhook server received; the first ``failures`` requests get HTTP 500."""

    def __init__(self):
        self.bodies: list[dict] = []
        self.attempts = 0
        self.failures = 0


@pytest.fixture
def webhook(monkeypatch):
    hook = Hook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            hook.attempts += 1
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if hook.attempts <= hook.failures:
                self.send_response(500)
            else:
                hook.bodies.append(json.loads(body))
                self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("INVENTORY_ALERT_WEBHOOK_URL", f"http://127.0.0.1:{server.server_port}/hook")
    yield hook
    server.shutdown()
    server.server_close()


def config(tmp_path, toml: str = "", **env) -> AlertConfig:
    path = tmp_path / "alerts.toml"
    path.write_text("webhook_backoff = 0.01\n" + toml, encoding="utf-8")
    import os
    return AlertConfig.load(path, env=dict(os.environ, **env))


# ----- records that do and do not alert -----
def risky_run(session, *more: dict) -> int:
    """One run with a hit for every rule and near misses for each (and ``more`` records)."""
    return ingest(session, [*more,
        rec("個人/Dropbox/名簿.csv", categories=["name"], risks=[SYNC]),               # cloud-sync-personal
        rec("個人/Dropbox/写真.jpg", risks=[SYNC]),                                      # no personal data
        rec("ツール/TeamViewer.exe", risks=[REMOTE]),                                  # remote-access-tool
        rec("介護保険課/認定者.xlsx", categories=["name", "health"], sensitive=True),   # sensitive-file
        rec("介護保険課/台帳.xlsm", categories=["name", "my_number"], app=APP),         # my-number-app
        rec("介護保険課/名簿.xlsx", categories=["name", "my_number"]),                 # not an app
    ])


def seen_before(session) -> int:
    """A first (baseline) run over the share, so that the next runs alert."""
    return ingest(session, [rec("はじめに.txt")])


def rules_of(alerts) -> list[tuple[str, str]]:
    return [(a.rule, a.path) for a in alerts]


def test_each_rule_finds_its_new_high_risk_files(session, tmp_path):
    run = risky_run(session)
    assert rules_of(find_alerts(session, [run], config(tmp_path))) == [
        ("cloud-sync-personal", "個人/Dropbox/名簿.csv"),
        ("remote-access-tool", "ツール/TeamViewer.exe"),
        ("sensitive-file", "介護保険課/認定者.xlsx"),
        ("my-number-app", "介護保険課/台帳.xlsm")]
    # the same files again: nothing is new
    again = risky_run(session)
    assert find_alerts(session, [again], config(tmp_path)) == []


def test_rules_and_thresholds_are_configurable(session, tmp_path):
    run = risky_run(session)
    toml = ("[rules.remote-access-tool]\nenabled = false\n"
            "[rules.sensitive-file]\nmin_records = 41\n")       # the records hold 40 rows
    assert [a.rule for a in find_alerts(session, [run], config(tmp_path, toml))] == [
        "cloud-sync-personal", "my-number-app"]
    only = config(tmp_path, INVENTORY_ALERT_RULES="remote-access-tool,sensitive-file")
    assert [a.rule for a in find_alerts(session, [run], only)] == ["remote-access-tool", "sensitive-file"]
    assert find_alerts(session, [run], config(tmp_path, INVENTORY_ALERT_MIN_RECORDS="41")) == [
        a for a in find_alerts(session, [run], config(tmp_path)) if a.rule == "remote-access-tool"]
    with pytest.raises(AlertConfigError):
        config(tmp_path, "[rules.unknown]\nenabled = true\n")
    with pytest.raises(AlertConfigError):
        config(tmp_path, 'mode = "sometimes"\n')


def test_dismissed_findings_and_removed_files_do_not_alert(session, tmp_path):
    run = risky_run(session)
    tool = session.scalars(select(Finding).where(Finding.code == "remote-access-tool")).one()
    tool.dismissed = True
    session.commit()
    assert "remote-access-tool" not in {a.rule for a in find_alerts(session, [run], config(tmp_path))}


def test_an_app_that_starts_holding_my_numbers_alerts(session, tmp_path):
    ingest(session, [rec("台帳.xlsm", "v1", categories=["name"], app=APP)])
    later = ingest(session, [rec("台帳.xlsm", "v2", categories=["name", "my_number"], app=APP)])
    assert rules_of(find_alerts(session, [later], config(tmp_path))) == [("my-number-app", "台帳.xlsm")]


def test_immediate_alert_by_email_and_webhook_with_a_retry(session, tmp_path, smtp, webhook):
    webhook.failures = 1
    session.add(User(username="it", role="it_division", email="joho@city.example.jp"))
    session.add(User(username="clerk", role="clerk", email="clerk@city.example.jp"))
    session.commit()
    assert after_run(session, seen_before(session), config(tmp_path)).baseline_files == 1
    smtp.messages.clear()
    webhook.bodies.clear()
    webhook.attempts = 0
    run = risky_run(session)
    delivery = after_run(session, run, config(tmp_path))
    session.commit()
    assert delivery.delivered and delivery.emails == 1 and delivery.webhook
    [(to, message)] = smtp.messages
    assert to == ["joho@city.example.jp"]
    assert message["Subject"] == f"【個人情報資産台帳】高リスクの新規検出 4 件（スキャン #{run}）"
    body = message.get_content()
    assert "■ クラウド同期フォルダ内の個人情報 (cloud-sync-personal): 1" in body
    assert "/mnt/share/ツール/TeamViewer.exe" in body and "見出し" not in body
    assert webhook.attempts == 2
    [payload] = webhook.bodies
    assert payload["runs"] == [run] and payload["total"] == 4
    assert payload["counts"] == {"cloud-sync-personal": 1, "remote-access-tool": 1,
                                 "sensitive-file": 1, "my-number-app": 1}
    assert set(payload["alerts"][0]) == {"rule", "run_id", "asset_id", "root", "path", "code", "records"}
    # a run is alerted once
    assert after_run(session, run, config(tmp_path)) is None
    assert len(smtp.messages) == 1


def test_daily_digest_sends_once_for_all_runs_not_alerted(session, tmp_path, smtp, webhook):
    digest = config(tmp_path, 'mode = "digest"\nemail_to = ["joho@city.example.jp", "hogo@city.example.jp"]\n')
    seen_before(session)
    send_digest(session, digest)
    smtp.messages.clear()
    webhook.bodies.clear()
    first = risky_run(session)
    second = risky_run(session, rec("ツール/AnyDesk.exe", risks=[REMOTE]))
    assert after_run(session, first, digest) is None and after_run(session, second, digest) is None
    assert smtp.messages == [] and webhook.bodies == []
    run_ids, alerts, delivery = send_digest(session, digest)
    session.commit()
    assert run_ids == [first, second] and len(alerts) == 5 and delivery.delivered
    [(to, message)] = smtp.messages
    assert to == ["joho@city.example.jp", "hogo@city.example.jp"]
    assert "日次まとめ" in message["Subject"]
    assert webhook.bodies[0]["event"] == "alerts.digest" and webhook.bodies[0]["runs"] == [first, second]
    assert send_digest(session, digest)[0] == []


def test_findings_of_a_killed_run_alert_with_the_run_that_resumed_it(session, tmp_path, webhook):
    from inventory.registry.ingest import begin_run, ingest_records

    earlier = seen_before(session)
    assert after_run(session, earlier, config(tmp_path)).delivered
    webhook.bodies.clear()
    killed = begin_run(session, ["/mnt/share"])                 # never finished: status "running"
    ingest_records(session, [rec("ツール/TeamViewer.exe", risks=[REMOTE])], killed)
    session.commit()
    resumed = risky_run(session)
    delivery = after_run(session, resumed, config(tmp_path))
    session.commit()
    assert delivery.delivered
    [payload] = webhook.bodies
    assert payload["runs"] == [killed.id, resumed]
    assert {(a["rule"], a["run_id"]) for a in payload["alerts"]} >= {("remote-access-tool", killed.id)}
    assert payload["total"] == 4
    other = begin_run(session, ["/mnt/other"])                 # another scope stays out
    session.commit()
    assert send_digest(session, config(tmp_path))[0] == []
    assert other.id not in payload["runs"]


def test_failed_webhook_is_retried_then_left_for_the_digest(session, tmp_path, webhook):
    webhook.failures = 100
    cfg = config(tmp_path, "webhook_retries = 2\n")
    webhook.failures = 0
    assert after_run(session, seen_before(session), cfg).delivered
    webhook.failures, webhook.attempts = 100, 0
    run = risky_run(session)
    delivery = after_run(session, run, cfg)
    session.commit()
    assert not delivery.delivered and webhook.attempts == 3
    assert "HTTP 500 after 3 attempts" in delivery.summary()
    webhook.failures = 0
    webhook.bodies.clear()
    run_ids, _alerts, delivery = send_digest(session, cfg)
    assert run_ids == [run] and delivery.delivered and len(webhook.bodies) == 1


# ----- a share's first scan is a baseline -----
def many_findings(count: int) -> list[dict]:
    """``count`` files that each match a rule, and an encrypted and an unreadable file."""
    files = [rec(f"介護保険課/認定/{n:04}.xlsx", categories=["name", "health"], sensitive=True)
             for n in range(count)]
    encrypted = rec("総務課/給与.xlsx", risks=[{"code": "encrypted", "detail": "password-protected"}])
    encrypted.update(status="encrypted", error="encrypted OOXML package")
    broken = rec("総務課/壊れた.xlsx")
    broken.update(status="error", error="not a zip file")
    return files + [encrypted, broken]


def test_first_scan_of_a_share_is_one_summary_not_an_alert_per_file(session, tmp_path, smtp, webhook):
    session.add(User(username="it", role="it_division", email="joho@city.example.jp"))
    session.commit()
    first = risky_run(session, *many_findings(120))
    delivery = after_run(session, first, config(tmp_path))
    session.commit()
    assert delivery.delivered and delivery.alerts == 0 and delivery.baseline_files == 128
    assert delivery.emails == 1 and delivery.webhook
    assert "初回スキャン" in delivery.text("ja") and "128" in delivery.text("ja")
    [(_to, message)] = smtp.messages
    assert message["Subject"] == "【個人情報資産台帳】初回スキャン（/mnt/share）: 128件のファイル"
    body = message.get_content()
    assert ("初回スキャン: 128件のファイル、個人情報あり 124件、要配慮個人情報あり 121件、マイナンバーあり 2件、"
            "業務アプリ 1件、内容を確認できなかったファイル 2件") in body
    assert "    要配慮個人情報を含む新しいファイル: 121" in body
    assert "認定/0001.xlsx" not in body and "TeamViewer" not in body      # no file list
    assert "内容を確認できなかったファイル" in body
    [payload] = webhook.bodies
    assert payload["event"] == "alerts.baseline" and payload["total"] == 0 and payload["alerts"] == []
    [base] = payload["baselines"]
    assert base["files"] == 128 and base["unread"] == 2 and base["roots"] == ["/mnt/share"]
    assert base["counts"] == {"cloud-sync-personal": 1, "remote-access-tool": 1,
                              "sensitive-file": 121, "my-number-app": 1}
    # later scans alert on what is new, file by file, as before
    smtp.messages.clear()
    webhook.bodies.clear()
    later = risky_run(session, *many_findings(120), rec("介護保険課/新しい.xlsx", categories=["health"],
                                                          sensitive=True))
    delivery = after_run(session, later, config(tmp_path))
    session.commit()
    assert delivery.alerts == 1 and delivery.baseline_files is None
    [payload] = webhook.bodies
    assert payload["event"] == "alerts" and [a["path"] for a in payload["alerts"]] == ["介護保険課/新しい.xlsx"]


def test_a_baseline_can_be_turned_off(session, tmp_path, webhook):
    first = risky_run(session)
    delivery = after_run(session, first, config(tmp_path, "baseline = false\n"))
    assert delivery.alerts == 4 and delivery.baseline_files is None
    with pytest.raises(AlertConfigError):
        config(tmp_path, INVENTORY_ALERT_BASELINE="sometimes")
    assert config(tmp_path, INVENTORY_ALERT_BASELINE="0").baseline is False


def test_first_scans_are_per_share_and_an_interrupted_first_scan_stays_a_baseline(session, tmp_path, webhook):
    from inventory.models import Share
    from inventory.registry.alerts import baseline_runs
    from inventory.registry.ingest import begin_run, finish_run, ingest_records

    honcho = Share(name="本庁舎", root="/mnt/honcho")
    shisho = Share(name="支所", root="/mnt/shisho")
    session.add_all([honcho, shisho])
    session.commit()

    def scan(share, records, status="finished"):
        run = begin_run(session, [share.root], share=share)
        ingest_records(session, [dict(r, root=share.root) for r in records], run)
        if status != "running":
            finish_run(session, run, complete=status == "finished")
            run.status = status
        session.commit()
        return run.id

    killed = scan(honcho, [rec("ツール/TeamViewer.exe", risks=[REMOTE])], status="running")
    partial = scan(honcho, [rec("ツール/TeamViewer.exe", risks=[REMOTE]), rec("a.csv")], status="partial")
    assert baseline_runs(session, [killed, partial]) == [killed, partial]
    delivery = after_run(session, partial, config(tmp_path))
    session.commit()
    assert delivery.alerts == 0 and delivery.baseline_files == 2
    assert webhook.bodies[-1]["baselines"][0]["share"] == "本庁舎"
    assert webhook.bodies[-1]["baselines"][0]["runs"] == [killed, partial]
    complete = scan(honcho, [rec("ツール/TeamViewer.exe", risks=[REMOTE]), rec("a.csv")])
    assert baseline_runs(session, [complete]) == [complete]        # no run of 本庁舎 finished before it
    after_run(session, complete, config(tmp_path))
    session.commit()
    again = scan(honcho, [rec("ツール/TeamViewer.exe", risks=[REMOTE]), rec("ツール/AnyDesk.exe", risks=[REMOTE])])
    other = scan(shisho, [rec("ツール/AnyDesk.exe", risks=[REMOTE])])
    assert baseline_runs(session, [again, other]) == [other]
    assert after_run(session, again, config(tmp_path)).alerts == 1


def test_webhook_refused_without_retry_on_client_errors():
    with pytest.raises(DeliveryError, match="after 1 attempts"):
        post_webhook("http://127.0.0.1:9/unused", {}, retries=0, timeout=2)


def test_scan_sends_immediate_alerts_for_a_real_share(tmp_path, monkeypatch, smtp):
    root = tmp_path / "share"
    (root / "個人" / "Dropbox").mkdir(parents=True)
    (root / "個人" / "Dropbox" / ".dropbox").write_bytes(b"{}")
    (root / "個人" / "Dropbox" / "名簿.csv").write_text(ROSTER, encoding="utf-8")
    (root / "ツール").mkdir()
    (root / "ツール" / "TeamViewer_Setup.exe").write_bytes(b"MZ" + b"\0" * 200)
    monkeypatch.setenv("INVENTORY_DATABASE_URL", f"sqlite:///{tmp_path / 'registry.db'}")
    monkeypatch.setenv("INVENTORY_ALERT_EMAIL_TO", "joho@city.example.jp")
    monkeypatch.setenv("INVENTORY_ALERTS_CONFIG", str(tmp_path / "none.toml"))
    result = CliRunner().invoke(main, ["scan", str(root), "--workers", "1", "-o", str(tmp_path / "a.jsonl")])
    assert result.exit_code == 0, result.output
    # the share's first scan: one summary, no alert per file
    assert "初回スキャン" in result.output and "アラート 0 件、送信したメール 1 通" in result.output
    [(_to, message)] = smtp.messages
    body = message.get_content()
    assert "初回スキャン: " in body and "個人/Dropbox/名簿.csv" not in body
    assert "見本" not in body and "090-1234" not in body
    dry = CliRunner().invoke(main, ["alerts", "send", "1", "--dry-run"])
    assert dry.exit_code == 0 and "クラウド同期フォルダ内の個人情報: 資産 #" in dry.output
    assert "個人/Dropbox/名簿.csv（スキャン #1）" in dry.output
    english = CliRunner().invoke(main, ["--lang", "en", "alerts", "send", "1", "--dry-run"])
    assert "Personal data in a cloud-sync folder: asset " in english.output and "(scan run 1)" in english.output
    again = CliRunner().invoke(main, ["alerts", "digest"])
    assert again.exit_code == 0 and "対象のスキャン: -" in again.output
    # the second scan alerts on the new file, by name
    (root / "ツール" / "AnyDesk.exe").write_bytes(b"MZ" + b"\0" * 300)
    result = CliRunner().invoke(main, ["scan", str(root), "--workers", "1", "-o", str(tmp_path / "b.jsonl")])
    assert result.exit_code == 0, result.output
    assert "アラート 1 件、送信したメール 1 通" in result.output and "初回スキャン" not in result.output
    assert "AnyDesk.exe" in smtp.messages[-1][1].get_content()
