"""The one scan loop (inventory.scanning.loop) and its sinks (inventory.scanning.sinks)."""
from __future__ import annotations

import ast
import json
import os
import subprocess
from pathlib import Path

import pytest
from registry_server import INVENTORY, TOKEN, RegistryServer
from sqlmodel import Session, select

from inventory.scanning.sinks import JsonlSink, RegistrySink, StateLine, TableSink
from inventory.scanning.loop import ScanOptions, Sink, scan_into

ROSTER = "氏名,フリガナ,生年月日,電話番号\n" + "".join(
    f"試験 {n},シケン タロウ,1980/4/{n + 1},090-1234-{5600 + n:04d}\n" for n in range(12))


def write_share(root: Path) -> Path:
    (root / "市民課").mkdir(parents=True)
    (root / "市民課" / "名簿.csv").write_bytes(ROSTER.encode("cp932"))
    (root / "福祉課").mkdir()
    (root / "福祉課" / "台帳.csv").write_text(ROSTER, encoding="utf-8")
    return root


def not_utf8_root(tmp_path: Path) -> str:
    """A share folder whose name is cp932 bytes (a server mounted without iocharset), as the
    command line gives it to Python: with lone surrogates."""
    raw = os.path.join(os.fsencode(str(tmp_path)), "旧共有".encode("cp932"))
    write_share(Path(os.fsdecode(raw)))
    return os.fsdecode(raw)


class Journal(Sink):
    """A sink that notes what the loop told it (the loop's calls are what is tested)."""

    lines = True

    def __init__(self, name: str, journal: list, fail_on_add: int | None = None):
        self.name, self.journal, self.fail_on_add, self.added = name, journal, fail_on_add, 0

    def open(self, options):
        self.journal.append((self.name, "open"))

    def add(self, record):
        self.added += 1
        if self.added == self.fail_on_add:
            raise KeyboardInterrupt
        self.journal.append((self.name, "add"))

    def close(self, summary):
        self.journal.append((self.name, "close", summary.finished, summary.records))

    def report(self, summary):
        self.journal.append((self.name, "report", summary.finished))


def test_sinks_open_and_take_records_in_order_close_last_first_and_report_in_order(tmp_path):
    share = write_share(tmp_path / "share")
    journal: list = []
    summary = scan_into(ScanOptions(roots=(str(share),), workers=0, progress=False),
                        [Journal("a", journal), Journal("b", journal)])
    assert summary.finished and summary.records == 2 and summary.error is None
    assert journal == [("a", "open"), ("b", "open")] + [("a", "add"), ("b", "add")] * 2 + [
        ("b", "close", True, 2), ("a", "close", True, 2), ("a", "report", True), ("b", "report", True)]


def test_an_interrupted_scan_closes_and_reports_every_sink_then_stops(tmp_path):
    share = write_share(tmp_path / "share")
    journal: list = []
    with pytest.raises(KeyboardInterrupt):
        scan_into(ScanOptions(roots=(str(share),), workers=0, progress=False),
                  [Journal("a", journal, fail_on_add=2), Journal("b", journal)])
    assert journal[-4:] == [("b", "close", False, 1), ("a", "close", False, 1),
                            ("a", "report", False), ("b", "report", False)]


def test_an_interrupted_scan_leaves_a_partial_run_and_writes_no_table(tmp_path, capsys):
    from inventory.db import make_engine, session_factory, upgrade
    from inventory.models import ScanRun

    share = write_share(tmp_path / "share")
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    upgrade(url)
    engine = make_engine(url)
    registry = RegistrySink(session_factory(engine), announce=False)
    with pytest.raises(KeyboardInterrupt):
        scan_into(ScanOptions(roots=(str(share),), workers=0, progress=False),
                  [registry, TableSink(), Journal("stop", [], fail_on_add=2)])
    with Session(engine) as session:
        [run] = session.exec(select(ScanRun)).all()
    engine.dispose()
    assert run.status == "partial" and run.removed == 0
    assert capsys.readouterr().out == ""


def test_state_line_and_table_of_an_incremental_scan(tmp_path, capsys):
    share = write_share(tmp_path / "share")
    options = ScanOptions(roots=(str(share),), workers=0, progress=False, lang="en",
                          state_path=tmp_path / "state.db")
    scan_into(options, [StateLine(), TableSink()])
    scan_into(options, [StateLine(), JsonlSink(tmp_path / "again.jsonl")])
    out, err = capsys.readouterr()
    assert out.startswith("2 files inspected: 2 with personal data")
    assert err.count(f"(state {tmp_path / 'state.db'})") == 2
    paths = [json.loads(line)["path"] for line in (tmp_path / "again.jsonl").read_text("utf-8").splitlines()]
    assert paths == ["市民課/名簿.csv", "福祉課/台帳.csv"]


def test_jsonl_sink_escapes_a_root_that_is_not_utf8_as_the_command_writes_it(tmp_path):
    root = not_utf8_root(tmp_path)
    scan_into(ScanOptions(roots=(root,), workers=0, progress=False), [JsonlSink(tmp_path / "a.jsonl")])
    command = subprocess.run([INVENTORY, "scan", root, "--no-state", "--no-registry", "--workers", "0",
                              "--format", "jsonl", "--output", str(tmp_path / "b.jsonl")],
                             capture_output=True, timeout=120)
    assert command.returncode == 0, command.stderr
    written = (tmp_path / "a.jsonl").read_bytes()
    assert written == (tmp_path / "b.jsonl").read_bytes()
    first = json.loads(written.splitlines()[0])
    assert first["root"] == root and first["path"] == "市民課/名簿.csv"    # \udcXX escapes read back


@pytest.mark.slow
def test_a_remote_scan_writes_its_output_as_a_local_scan_does(tmp_path):
    """The remote scanner writes the records through the local scan's sink: on an output that
    cannot encode Japanese, as backslash escapes, like the local scan (it used to crash)."""
    share = write_share(tmp_path / "share")
    env = dict(os.environ, PYTHONIOENCODING="ascii", INVENTORY_INSTANCE_PATH=str(tmp_path / "scanner"))
    local = subprocess.run([INVENTORY, "scan", str(share), "--no-state", "--no-registry",
                            "--workers", "0", "--format", "jsonl"], env=env, capture_output=True,
                           timeout=120)
    assert local.returncode == 0, local.stderr
    assert b"\\u540d\\u7c3f" in local.stdout            # 名簿, escaped by the output
    server = RegistryServer(tmp_path / "registry").start()
    try:
        remote = subprocess.run([INVENTORY, "scan", str(share), "--post", server.url, "--token", TOKEN,
                                 "--spool", str(tmp_path / "spool"), "--no-state", "--workers", "0",
                                 "--format", "jsonl"], env=env, capture_output=True, timeout=120)
        assert remote.returncode == 0, remote.stderr
        assert remote.stdout == local.stdout
        assert sorted(path for _, path, _ in server.assets()) == ["市民課/名簿.csv", "福祉課/台帳.csv"]
    finally:
        server.close()


CLI = Path(__file__).resolve().parents[2] / "inventory" / "cli"
CLI_MODULES = sorted(p.stem for p in CLI.glob("*.py") if p.stem not in ("__init__", "main"))


@pytest.mark.parametrize("name", CLI_MODULES)
def test_cli_sub_modules_do_not_import_the_cli_back(name):
    """inventory.cli.main imports its sub-modules (lazily) and takes their COMMANDS: none imports it."""
    path = CLI / f"{name}.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {f".{n.name}" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                 and node.level and node.module is None for n in node.names}
    assert not imported & {"main", "inventory.cli.main", ".main"}
