"""The command line: every command documented, scan writes spec records or a table."""
import json

import pytest
from click.testing import CliRunner

from inventory.cli.main import main

GIVEN = ["太郎", "花子", "一郎", "美咲", "健太", "陽子", "翔太", "由美", "大輔", "明美", "直樹", "恵子"]
ROSTER = "氏名,フリガナ,生年月日,電話番号\n" + "".join(
    f"試験 {g},シケン タロウ,1980/4/{n + 1},090-1234-{5600 + n:04d}\n" for n, g in enumerate(GIVEN))


main.load_all()


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_has_a_docstring_with_an_example(name):
    doc = main.commands[name].help or ""
    assert len(doc.splitlines()[0]) > 10 and "Example" in doc


@pytest.fixture
def share(tmp_path):
    root = tmp_path / "share"
    (root / "市民課").mkdir(parents=True)
    (root / "市民課" / "名簿.csv").write_bytes(ROSTER.encode("cp932"))
    (root / "市民課" / "資料.pdf").write_bytes(b"%PDF-1.4")
    return root


def test_scan_jsonl_to_output_file(share, tmp_path):
    out = tmp_path / "scan.jsonl"
    result = CliRunner().invoke(main, ["scan", str(share), "--format", "jsonl", "--output", str(out),
                                       "--workers", "1", "--no-registry"])
    assert result.exit_code == 0, result.output
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["path"] == "市民課/名簿.csv" and record["kind"] == "csv"
    assert record["root"] == str(share)
    assert record["status"] == "ok" and record["personal"]["present"]
    assert record["personal"]["records"] == 12
    assert "試験" not in out.read_text(encoding="utf-8")


def test_scan_table_summary(share):
    result = CliRunner().invoke(main, ["scan", str(share), "--format", "table", "--workers", "1",
                                       "--no-registry"])
    assert result.exit_code == 0, result.output
    assert "個人情報あり 1" in result.output
    assert "市民課/名簿.csv" in result.output and "試験" not in result.output


def test_scan_missing_root_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["scan", str(tmp_path / "nope")])
    assert result.exit_code == 2


def test_scan_writes_into_the_registry(share, tmp_path, monkeypatch):
    """By default a scan is also one scan run in the registry; a re-scan finds nothing new."""
    from sqlmodel import Session, select

    from inventory.db import make_engine
    from inventory.models import Asset, ScanRun

    url = f"sqlite:///{tmp_path / 'registry.db'}"
    monkeypatch.setenv("INVENTORY_DATABASE_URL", url)
    for _ in range(2):
        result = CliRunner().invoke(main, ["scan", str(share), "--format", "jsonl", "--workers", "1",
                                           "--output", str(tmp_path / "out.jsonl")])
        assert result.exit_code == 0, result.output
    engine = make_engine(url)
    with Session(engine) as session:
        [asset] = session.exec(select(Asset)).all()
        runs = session.exec(select(ScanRun).order_by(ScanRun.id)).all()
    engine.dispose()
    assert asset.path == "市民課/名簿.csv" and asset.personal_present and asset.records == 12
    assert [(r.new, r.unchanged) for r in runs] == [(1, 0), (0, 1)]


def test_a_folder_that_cannot_be_listed_makes_the_run_partial_and_removes_nothing(share, tmp_path, monkeypatch):
    """A share where one folder is suddenly unreadable (permissions changed, a DFS target down)
    must not have that folder's files marked removed: the run ends partial."""
    import os

    from sqlmodel import Session, select

    from inventory.db import make_engine
    from inventory.models import Asset, ScanRun

    (share / "福祉課").mkdir()
    (share / "福祉課" / "台帳.csv").write_bytes(ROSTER.encode("cp932"))
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    monkeypatch.setenv("INVENTORY_DATABASE_URL", url)
    args = ["scan", str(share), "--format", "jsonl", "--workers", "0", "--output", str(tmp_path / "o.jsonl")]
    assert CliRunner().invoke(main, args).exit_code == 0
    real_scandir = os.scandir

    def refusing(path="."):
        if str(path).endswith("福祉課"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "一覧できなかった" in result.output and "台帳.csv" not in result.output
    engine = make_engine(url)
    with Session(engine) as session:
        statuses = {a.path: a.status for a in session.exec(select(Asset))}
        runs = [(r.status, r.removed) for r in session.exec(select(ScanRun).order_by(ScanRun.id))]
    engine.dispose()
    assert statuses == {"市民課/名簿.csv": "ok", "福祉課/台帳.csv": "ok"}
    assert runs == [("finished", 0), ("partial", 0)]


def test_a_file_named_in_cp932_does_not_stop_the_scan(share, tmp_path, monkeypatch):
    """A share mounted without iocharset gives names in cp932 bytes: the JSON output, the state
    and the registry show them decoded, with a note; the other files are scanned too."""
    import os

    from sqlmodel import Session, select

    from inventory.db import make_engine
    from inventory.models import Asset

    raw = os.path.join(os.fsencode(str(share / "市民課")), "旧名簿.csv".encode("cp932"))
    with open(raw, "wb") as fh:
        fh.write(ROSTER.encode("cp932"))
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    monkeypatch.setenv("INVENTORY_DATABASE_URL", url)
    outputs = []
    for n in range(2):                     # cold, then incremental (records carried forward)
        out = tmp_path / f"out{n}.jsonl"
        result = CliRunner().invoke(main, ["scan", str(share), "--format", "jsonl", "--workers", "1",
                                           "--output", str(out), "--state", str(tmp_path / "s.db")])
        assert result.exit_code == 0, result.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    records = {r["path"]: r for r in map(json.loads, outputs[0].decode("utf-8").splitlines())}
    assert set(records) == {"市民課/名簿.csv", "市民課/旧名簿.csv"}
    old = records["市民課/旧名簿.csv"]
    assert old["personal"]["present"] and old["personal"]["records"] == 12
    assert old["notes"][0] == "file name is not UTF-8 on the file system: shown decoded as cp932"
    assert "notes" not in records["市民課/名簿.csv"] or not any(
        "UTF-8" in n for n in records["市民課/名簿.csv"]["notes"])
    engine = make_engine(url)
    with Session(engine) as session:
        paths = sorted(a.path for a in session.exec(select(Asset)).all())
    engine.dispose()
    assert paths == sorted(["市民課/旧名簿.csv", "市民課/名簿.csv"])


def test_the_console_script_writes_every_record_and_exits_with_the_commands_status(share, tmp_path):
    """``inventory`` (inventory.cli.main:run) skips the interpreter's last collection: what the command
    wrote is still all there, and its exit status is the command's."""
    import subprocess
    import sys
    from pathlib import Path

    inventory = str(Path(sys.executable).with_name("inventory"))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    done = subprocess.run([inventory, "scan", str(share), "--no-state", "--no-registry", "--no-progress",
                           "--format", "jsonl"], capture_output=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert [r["path"] for r in records] == ["市民課/名簿.csv"] and records[0]["personal"]["present"]
    missing = subprocess.run([inventory, "scan", str(tmp_path / "無い")], capture_output=True, env=env,
                             timeout=120)
    assert missing.returncode == 2 and "が見つかりません".encode() in missing.stderr


def test_a_scan_into_a_new_registry_prints_no_warning(share, tmp_path):
    """A clerk's first scan makes the registry (every migration runs): its terminal shows the
    scan's lines, not SQLAlchemy's warnings about reflecting SQLite indexes; the registry is
    made in ``$INVENTORY_INSTANCE_PATH``, where ``inventory serve`` reads it, not in ./instance."""
    import subprocess
    import sys
    from pathlib import Path

    inventory = str(Path(sys.executable).with_name("inventory"))
    import os

    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8",
           "INVENTORY_INSTANCE_PATH": str(tmp_path / "instance"),
           **{name: os.environ[name] for name in ("PYTHONPATH",) if name in os.environ}}  # a worktree's code
    done = subprocess.run([inventory, "scan", str(share), "--no-progress", "--format", "jsonl",
                           "--output", str(tmp_path / "out.jsonl")], capture_output=True, env=env, timeout=120,
                          cwd=share)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "instance" / "inventory.db").exists() and not (share / "instance").exists()
    stderr = done.stderr.decode("utf-8")
    assert "台帳: スキャン #1: 完了" in stderr and "Warning" not in stderr and "警告" not in stderr, stderr
