"""A real ``inventory scan`` killed half-way (SIGKILL) resumes without reading a finished file again,
and the registry ends with every file exactly once and a complete run; SIGTERM closes the run as
partial (nothing marked removed)."""
from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from inventory.db import make_engine, session_factory
from inventory.models import Asset, AssetChange, ScanRun

FILES = 1600                     # the registry commits its first batch at 1,000 records
INVENTORY = str(Path(sys.executable).with_name("inventory"))
#: the state cache's line on standard error (in Japanese, the default)
SUMMARY = re.compile(r"スキャン: (\d+) ファイル: 前回の結果を使用 (\d+)（変更なし (\d+)、内容が同じ (\d+)、"
                     r"複製・移動 (\d+)）／読み取り (\d+)")

pytestmark = pytest.mark.slow


@pytest.fixture
def big_share(tmp_path) -> Path:
    """FILES small CSV files, each with its own content, in 40 folders."""
    root = tmp_path / "share"
    for n in range(FILES):
        folder = root / f"課{n // 40:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"集計{n:04d}.csv").write_text(f"区分,件数\n{n},{n * 7}\n", encoding="utf-8")
    return root


def scan_command(root: Path, tmp_path: Path, output: str, *extra: str) -> list[str]:
    return [INVENTORY, "scan", str(root), "--workers", "2", "--no-progress", "--format", "jsonl",
            "-o", output, "--state", str(tmp_path / "state.db"), *extra]


def start(command: list[str], db_url: str) -> subprocess.Popen:
    env = dict(os.environ, INVENTORY_DATABASE_URL=db_url)
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def wait_for_records(factory, proc: subprocess.Popen, at_least: int, limit: float = 120) -> None:
    """Poll the registry until the latest scan run holds ``at_least`` records."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the scan finished before it could be interrupted"
        with factory() as session:
            latest = session.scalars(select(ScanRun).order_by(ScanRun.id.desc()).limit(1)).first()
            if latest is not None and latest.status == "running" and latest.records >= at_least:
                return
        time.sleep(0.02)
    pytest.fail("the scan did not reach the registry in time")


def stop(proc: subprocess.Popen, sig: int) -> str:
    """Send ``sig`` to the scan, wait for it, then end whatever is left of its process group."""
    try:
        os.kill(proc.pid, sig)
        _out, err = proc.communicate(timeout=60)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return err


def state_entries(tmp_path: Path) -> int:
    with sqlite3.connect(tmp_path / "state.db") as db:
        return db.execute("SELECT count(*) FROM file").fetchone()[0]


def test_killed_scan_resumes_without_rereading_and_without_duplicates(big_share, tmp_path, db_url):
    engine = make_engine(db_url)
    factory = session_factory(engine)
    try:
        proc = start(scan_command(big_share, tmp_path, str(tmp_path / "killed.jsonl"), "--throttle", "0.006"),
                     db_url)
        wait_for_records(factory, proc, 1000)
        stop(proc, signal.SIGKILL)
        assert proc.returncode == -signal.SIGKILL
        finished = state_entries(tmp_path)
        assert 0 < finished < FILES
        with factory() as session:
            [killed] = session.scalars(select(ScanRun)).all()
            assert killed.status == "running" and killed.records == 1000

        resumed = subprocess.run(scan_command(big_share, tmp_path, str(tmp_path / "resumed.jsonl")),
                                 env=dict(os.environ, INVENTORY_DATABASE_URL=db_url),
                                 capture_output=True, text=True, timeout=300)
        assert resumed.returncode == 0, resumed.stderr
        total, reused, unchanged, same, elsewhere, read = map(int, SUMMARY.search(resumed.stderr).groups())
        assert (total, reused, unchanged, same, elsewhere, read) == \
            (FILES, finished, finished, 0, 0, FILES - finished)

        with factory() as session:
            runs = session.scalars(select(ScanRun).order_by(ScanRun.id)).all()
            paths = session.scalars(select(Asset.path)).all()
            removed = session.scalar(select(func.count()).select_from(AssetChange)
                                     .where(AssetChange.change == "removed"))
        assert len(paths) == len(set(paths)) == FILES
        assert [r.status for r in runs] == ["running", "finished"]
        assert (runs[1].records, runs[1].new, runs[1].unchanged, runs[1].removed) == (FILES, FILES - 1000, 1000, 0)
        assert removed == 0
    finally:
        engine.dispose()
    fresh = subprocess.run([INVENTORY, "scan", str(big_share), "--workers", "2", "--no-state",
                            "--no-registry", "--format", "jsonl"], capture_output=True, text=True, timeout=300)
    assert (tmp_path / "resumed.jsonl").read_text(encoding="utf-8") == fresh.stdout


def test_sigterm_closes_the_run_as_partial_and_marks_nothing_removed(big_share, tmp_path):
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    engine = make_engine(url)
    factory = session_factory(engine)
    try:
        first = subprocess.run(scan_command(big_share, tmp_path, os.devnull, "--full"),
                               env=dict(os.environ, INVENTORY_DATABASE_URL=url), capture_output=True, timeout=300)
        assert first.returncode == 0
        proc = start(scan_command(big_share, tmp_path, os.devnull, "--full", "--throttle", "0.006"), url)
        wait_for_records(factory, proc, 0)
        time.sleep(1.0)
        err = stop(proc, signal.SIGTERM)
        assert proc.returncode == 128 + signal.SIGTERM, err
        assert "中断（一部のみ" in err
        with factory() as session:
            runs = session.scalars(select(ScanRun).order_by(ScanRun.id)).all()
            live = session.scalar(select(func.count()).select_from(Asset).where(Asset.status != "removed"))
        assert [r.status for r in runs] == ["finished", "partial"]
        assert runs[1].removed == 0 and live == FILES
        assert state_entries(tmp_path) == FILES
    finally:
        engine.dispose()
