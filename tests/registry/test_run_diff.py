"""A scan run's diff (inventory/registry/run_diff.py, ``inventory runs show|list``): new, changed, moved,
returned and removed assets from AssetChange, new risks from Finding.first_seen_run_id."""
from __future__ import annotations

import hashlib

from click.testing import CliRunner
from sqlalchemy import select
from web_fixtures import record

from inventory.cli.main import main
from inventory.registry.ingest import begin_run, finish_run, ingest_records
from inventory.models import Finding
from inventory.registry.run_diff import format_diff, format_runs, load_diff, recent_runs

REMOTE = {"code": "remote-access-tool", "detail": "TeamViewer"}
SYNC = {"code": "cloud-sync-folder", "detail": "in a Dropbox folder"}


def rec(path: str, content: str | None = None, risks=(), **kwargs) -> dict:
    """A scanner-like record; ``content`` stands for the file's bytes (its sha256)."""
    r = record(path, **kwargs)
    r["sha256"] = hashlib.sha256((content or path).encode()).hexdigest()
    r["risks"] = [dict(x) for x in risks]
    return r


def ingest(session, records: list[dict]) -> int:
    run = begin_run(session, ["/mnt/share"])
    ingest_records(session, records, run)
    finish_run(session, run)
    session.commit()
    return run.id


def two_runs(session) -> tuple[int, int]:
    first = ingest(session, [
        rec("市民課/名簿.xlsx", "v1", categories=["name"]),
        rec("市民課/資料.csv"),
        rec("市民課/古い.csv"),
        rec("市民課/移す.xlsx", "moving"),
        rec("ツール/TeamViewer.exe", risks=[REMOTE]),
    ])
    second = ingest(session, [
        rec("市民課/名簿.xlsx", "v2", categories=["name"],
            risks=[{"code": "hidden-personal-data", "detail": "sheet 元データ is veryHidden"}]),
        rec("市民課/資料.csv"),
        rec("保管/移した.xlsx", "moving"),
        rec("ツール/TeamViewer.exe", risks=[REMOTE]),
        rec("個人/Dropbox/名簿.csv", categories=["name"], risks=[SYNC]),
    ])
    return first, second


def test_diff_lists_each_kind_of_change_and_the_new_risks(session):
    first, second = two_runs(session)
    diff = load_diff(session, second)
    assert diff.counts == {"new": 1, "changed": 1, "moved": 1, "removed": 1}
    assert [i.path for i in diff.items["new"]] == ["個人/Dropbox/名簿.csv"]
    assert [i.path for i in diff.items["changed"]] == ["市民課/名簿.xlsx"]
    [moved] = diff.items["moved"]
    assert (moved.path, moved.old_path) == ("保管/移した.xlsx", "市民課/移す.xlsx")
    assert [i.path for i in diff.items["removed"]] == ["市民課/古い.csv"]
    # a risk found on an existing file and one on a new file are new; the tool's risk is not
    assert diff.risk_counts == {"cloud-sync-folder": 1, "hidden-personal-data": 1}
    assert load_diff(session, first).risk_counts == {"remote-access-tool": 1}
    assert load_diff(session, first).counts == {"new": 5}
    assert load_diff(session, 999) is None


def test_dismissed_risk_is_not_counted_as_new(session):
    _first, second = two_runs(session)
    finding = session.scalars(select(Finding).where(Finding.code == "cloud-sync-folder")).one()
    finding.dismissed = True
    session.commit()
    assert load_diff(session, second).risk_counts == {"hidden-personal-data": 1}


def test_format_in_japanese_and_english(session):
    _first, second = two_runs(session)
    diff = load_diff(session, second, limit=1)
    ja = format_diff(diff, "ja")
    assert f"スキャン #{second}: 完了" in ja
    assert "新規 1、内容変更 1、移動 1、再発見 0、削除 1、変更なし 2" in ja
    assert "新たに見つかった (1)" in ja and "見つからなくなった (1)" in ja
    assert "移動元 市民課/移す.xlsx" in ja
    # each new risk's label and count; on the files listed above, their labels, never the codes
    assert "新たなリスク (2)" in ja and "  クラウド同期フォルダ内: 1" in ja
    assert "個人/Dropbox/名簿.csv  [新たなリスク: クラウド同期フォルダ内]" in ja
    assert "cloud-sync-folder" not in ja and "hidden-personal-data" not in ja
    assert ja.count("個人/Dropbox/名簿.csv") == 1
    en = format_diff(diff, "en")
    assert "Found (1)" in en and "New risks (2)" in en and "moved from 市民課/移す.xlsx" in en
    assert "  In a cloud-sync folder: 1" in en and "[new risk: In a cloud-sync folder]" in en
    runs = format_runs(recent_runs(session), "ja")
    assert runs.index(f"スキャン #{second}") < runs.index(f"スキャン #{second - 1}")
    assert "5 件: 新規 1、内容変更 1、移動 1、削除 1、変更なし 2" in runs


def test_a_file_with_several_new_risks_is_listed_once(session):
    """A new file with two new risks is one line with both labels; a file no section of changes
    lists (past the limit) is listed under the new risks, once."""
    link = {"code": "cloud-storage-link", "detail": "a link to a Box folder"}
    ingest(session, [rec("市民課/資料.csv")])
    run = ingest(session, [rec("市民課/資料.csv"), rec("個人/Dropbox/名簿.csv", categories=["name"], risks=[SYNC, link]),
                           rec("個人/Dropbox/控え.csv", categories=["name"], risks=[SYNC])])
    ja = format_diff(load_diff(session, run, limit=1), "ja")
    assert ja.count("名簿.csv") == 1 and ja.count("控え.csv") == 1, ja
    assert "[新たなリスク: クラウド同期フォルダ内、クラウドストレージへのリンク]" in ja
    assert "上に挙げていないファイル:" in ja and "新たなリスク (3)" in ja
    assert "cloud-storage-link" not in ja


def test_cli_runs_show_and_list(session, db_url, monkeypatch):
    monkeypatch.setenv("INVENTORY_DATABASE_URL", db_url)
    monkeypatch.delenv("INVENTORY_LANG", raising=False)
    _first, second = two_runs(session)
    shown = CliRunner().invoke(main, ["runs", "show", str(second)])
    assert shown.exit_code == 0, shown.output
    assert "個人/Dropbox/名簿.csv" in shown.output and "新たなリスク" in shown.output
    assert "クラウド同期フォルダ内" in shown.output           # the catalogue was found: Japanese labels
    english = CliRunner().invoke(main, ["runs", "show", str(second), "--lang", "en"])
    assert "New risks (2)" in english.output and "In a cloud-sync folder" in english.output
    for args in (["--lang", "en", "runs", "list"], ["runs", "list", "--lang", "en"]):
        listed = CliRunner().invoke(main, args)
        assert f"Scan run {second}: Finished" in listed.output, listed.output
        assert "5 records: 1 new, 1 changed, 1 moved, 1 removed, 2 unchanged" in listed.output
    monkeypatch.setenv("INVENTORY_LANG", "en")
    assert "New risks (2)" in CliRunner().invoke(main, ["runs", "show", str(second)]).output
    monkeypatch.delenv("INVENTORY_LANG")
    missing = CliRunner().invoke(main, ["runs", "show", "999"])
    assert missing.exit_code == 1 and "エラー: スキャン #999 はありません。" in missing.output
