"""Incremental scans: carried-forward records are byte-identical to a fresh scan's; ``inventory scan``
keeps its state cache, reads only what changed, and scans a registry share (``--share``)."""
from __future__ import annotations

import json
import os
import re
import shutil

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from inventory.cli.main import main
from scanners.scan import scan_roots
from scanners.state import Carried, ScanState

GIVEN = ["太郎", "花子", "一郎", "美咲", "健太", "陽子", "翔太", "由美", "大輔", "明美", "直樹", "恵子"]
ROSTER = "氏名,生年月日,電話番号\n" + "".join(
    f"見本 {g},1980/4/{n + 1},090-1234-{5600 + n:04d}\n" for n, g in enumerate(GIVEN))
CARE = "氏名,要介護度,住所\n" + "".join(f"見本 {g},要介護{n % 5 + 1},堺市北区{n}丁\n"
                                      for n, g in enumerate(GIVEN))
#: the state cache's line on standard error (in Japanese, the default)
SUMMARY = re.compile(r"スキャン: (\d+) ファイル: 前回の結果を使用 (\d+)（変更なし (\d+)、内容が同じ (\d+)、"
                     r"複製・移動 (\d+)）／読み取り (\d+)")


def workbook_bytes(tmp_path) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "名簿"
    sheet.append(["氏名", "フリガナ", "生年月日"])
    for n, given in enumerate(GIVEN):
        sheet.append([f"見本 {given}", "ミホン", f"1975/5/{n + 1}"])
    path = tmp_path / "book.xlsx"
    book.save(path)
    return path.read_bytes()


@pytest.fixture
def share(tmp_path):
    root = tmp_path / "share"
    files = {
        "市民課/名簿.csv": ROSTER.encode("cp932"),
        "市民課/バックアップ/名簿のコピー.csv": ROSTER.encode("cp932"),     # duplicate-personal-data
        "介護保険課/認定者.csv": CARE.encode("utf-8"),
        "介護保険課/台帳.xlsx": workbook_bytes(tmp_path),
        "介護保険課/壊れた.xlsx": b"PK\x03\x04 cut short",
        "個人/Dropbox/.dropbox": b"{}",
        "個人/Dropbox/持ち帰り/名簿.csv": ROSTER.encode("utf-8"),
        "個人/Dropbox/持ち帰り/説明.docx": b"PK\x03\x04",
        "ツール/TeamViewer_Setup.exe": b"MZ" + b"\0" * 200,
        "ツール/movie.torrent": b"d8:announce0:e",
        "ツール/readme.pdf": b"%PDF-1.4",
    }
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def lines(records) -> list[str]:
    return [json.dumps(r, ensure_ascii=False) for r in records]


def scan_with_state(root, state_path, workers=2, **kwargs) -> tuple[list[str], ScanState]:
    state = ScanState(state_path)
    try:
        return lines(scan_roots([str(root)], workers=workers, state=state, **kwargs)), state
    finally:
        state.close()


@pytest.mark.parametrize("workers", [0, 2])
def test_carried_records_are_byte_identical_to_a_fresh_scan(share, tmp_path, workers):
    fresh = lines(scan_roots([str(share)], workers=workers))
    assert len(fresh) == 10 and any("duplicate-personal-data" in line for line in fresh)
    first, state = scan_with_state(share, tmp_path / "s.db", workers)
    assert first == fresh and state.counts.read == 10
    second, state = scan_with_state(share, tmp_path / "s.db", workers)
    assert second == fresh
    assert (state.counts.reused, state.counts.same_content, state.counts.read) == (10, 0, 0)


def test_carried_lines_are_the_lines_a_fresh_scan_writes(share, tmp_path):
    fresh = lines(scan_roots([str(share)], workers=2))
    scan_with_state(share, tmp_path / "s.db")
    state = ScanState(tmp_path / "s.db")
    got = list(scan_roots([str(share)], workers=2, state=state, lines=True))
    state.close()
    # the later copy of the roster takes its duplicate-personal-data risk as a dict; the rest stay lines
    assert [type(r).__name__ for r in got].count("Carried") == 9
    copy = next(r for r in got if not isinstance(r, Carried))
    assert copy["path"] == "市民課/バックアップ/名簿のコピー.csv"
    assert [r.line if isinstance(r, Carried) else json.dumps(r, ensure_ascii=False) for r in got] == fresh


def test_changes_are_read_and_the_rest_carried(share, tmp_path):
    scan_with_state(share, tmp_path / "s.db")
    roster = share / "市民課" / "名簿.csv"
    os.utime(roster, (1_700_000_000, 1_700_000_000))                    # touched: same bytes
    care = share / "介護保険課" / "認定者.csv"
    care.write_text(CARE.replace("要介護1", "要介護2"), encoding="utf-8")  # same size, new bytes
    (share / "ツール" / "readme.pdf").unlink()                          # not a candidate anyway
    (share / "ツール" / "movie.torrent").unlink()
    shutil.copy(roster, share / "市民課" / "名簿2.csv")                  # a new copy
    after, state = scan_with_state(share, tmp_path / "s.db")
    assert after == lines(scan_roots([str(share)], workers=2))
    assert (state.counts.reused, state.counts.same_content, state.counts.read) == (7, 1, 2)
    assert ScanState(tmp_path / "s.db").entries() == 10                # the torrent was pruned


def test_no_apps_scan_does_not_reuse_records_made_with_apps(share, tmp_path):
    scan_with_state(share, tmp_path / "s.db")
    personal_only, state = scan_with_state(share, tmp_path / "s.db", apps=False)
    assert personal_only == lines(scan_roots([str(share)], workers=2, apps=False))
    assert state.counts.reused == 0


def test_an_interrupted_scan_keeps_what_it_finished_and_prunes_nothing(share, tmp_path):
    state = ScanState(tmp_path / "s.db")
    records = scan_roots([str(share)], workers=2, state=state)
    taken = [next(records) for _ in range(4)]
    records.close()
    state.close()
    assert len(taken) == 4
    resumed, state = scan_with_state(share, tmp_path / "s.db")
    assert resumed == lines(scan_roots([str(share)], workers=2))
    assert state.counts.reused >= 4 and state.counts.total == 10


# ----- the command line -----
def summary(output: str) -> dict:
    found = SUMMARY.search(output)
    assert found, output
    total, reused, unchanged, same, elsewhere, read = map(int, found.groups())
    return {"total": total, "reused": reused, "same_content": same, "elsewhere": elsewhere, "read": read}


def run_cli(*args) -> str:
    result = CliRunner().invoke(main, ["scan", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_scans_incrementally_by_default_and_full_on_request(share, tmp_path):
    out = [tmp_path / f"{n}.jsonl" for n in range(4)]
    base = ["--format", "jsonl", "--workers", "2", "--no-registry"]
    assert summary(run_cli(str(share), *base, "-o", str(out[0])))["read"] == 10
    assert summary(run_cli(str(share), *base, "-o", str(out[1]))) == {
        "total": 10, "reused": 10, "same_content": 0, "elsewhere": 0, "read": 0}
    assert summary(run_cli(str(share), *base, "-o", str(out[2]), "--full"))["read"] == 10
    nothing = run_cli(str(share), *base, "-o", str(out[3]), "--no-state")
    assert "前回の結果を使用" not in nothing
    texts = [p.read_text(encoding="utf-8") for p in out]
    assert texts[0] == texts[1] == texts[2] == texts[3]
    assert "見本" not in texts[0] and "090-1234" not in texts[0]


def test_cli_state_path_option(share, tmp_path):
    state = tmp_path / "elsewhere" / "state.db"
    run_cli(str(share), "--no-registry", "--workers", "1", "-o", str(tmp_path / "a.jsonl"),
            "--state", str(state))
    assert state.is_file()
    assert ScanState(state).entries() == 10


def test_scan_share_from_the_registry_with_its_exclusions(share, tmp_path, monkeypatch):
    from sqlmodel import Session, select

    from inventory.db import make_engine, upgrade
    from inventory.models import Asset, ScanRun, Share

    url = f"sqlite:///{tmp_path / 'registry.db'}"
    monkeypatch.setenv("INVENTORY_DATABASE_URL", url)
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        session.add(Share(name="本庁舎", root=str(share), exclusions=["ツール/*", "*/バックアップ/*"],
                          schedule="*-*-* 02:00"))
        session.add(Share(name="休止中", root="/nowhere", active=False))
        session.add(Share(name="未接続", root=str(tmp_path / "unmounted")))
        session.commit()
    output = run_cli("--share", "本庁舎", "--workers", "1", "-o", str(tmp_path / "a.jsonl"))
    assert "台帳: スキャン #1: 完了" in output
    with Session(engine) as session:
        run = session.get(ScanRun, 1)
        paths = sorted(a.path for a in session.exec(select(Asset)))
        share_ids = {a.share_id for a in session.exec(select(Asset))}
    engine.dispose()
    assert run.share_id == 1 and run.records == 7
    assert not any(p.startswith("ツール/") or "バックアップ" in p for p in paths)
    assert share_ids == {1}
    assert "無効になっている" in CliRunner().invoke(main, ["scan", "--share", "休止中"]).output
    unmounted = CliRunner().invoke(main, ["scan", "--share", "未接続"])
    assert unmounted.exit_code == 1 and "ルートにアクセスできません" in unmounted.output
    english = CliRunner().invoke(main, ["scan", "--share", "未接続", "--lang", "en"])
    assert english.exit_code == 1 and "is not reachable" in english.output
    assert CliRunner().invoke(main, ["scan", "--share", "本庁舎", str(share)]).exit_code == 2
    assert CliRunner().invoke(main, ["scan"]).exit_code == 2
