"""Native SMB scanning (scanners/smb/) against a real Samba server (tests/smb_server.py).

The central test compares an SMB scan of the share with a local scan of the
same tree on disk: the records must be the same apart from their root.
"""
from __future__ import annotations

import json
import multiprocessing as mp
import os
import signal
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from inventory.cli.main import main
from scanners.scan import scan_roots
from scanners.smb import (DEFAULT_PORT, SmbReads, SmbRootError, credentials_for, parse_smb_root,
                          reachable_root, walk_smb_root)
from scanners.walk import walk_root

from smb_server import open_tree


def scan(roots, **kwargs) -> list[dict]:
    kwargs.setdefault("workers", 2)
    return list(scan_roots(roots, **kwargs))


def by_path(records: list[dict]) -> dict[str, dict]:
    return {r["path"]: r for r in records}


def without_root(records: list[dict]) -> list[dict]:
    return sorted(({k: v for k, v in r.items() if k != "root"} for r in records),
                  key=lambda r: r["path"])


def scan_folders(pid: int | None = None) -> list[str]:
    """This process's (or ``pid``'s) temporary scan folders left in the temp directory."""
    import tempfile

    prefix = f"inventory-smb-{pid or os.getpid()}-"
    return [n for n in os.listdir(tempfile.gettempdir()) if n.startswith(prefix)]


# ----- URLs and credentials (no server needed) -----

def test_url_parts_and_the_root_records_carry():
    root = parse_smb_root("smb://scan@fs01.city.local:4450/共有/健康福祉部/")
    assert (root.server, root.port, root.share, root.path, root.user) == \
        ("fs01.city.local", 4450, "共有", "健康福祉部", "scan")
    assert root.url == "smb://fs01.city.local:4450/共有/健康福祉部"      # no user name
    assert root.unc() == "\\\\fs01.city.local\\共有\\健康福祉部"
    plain = parse_smb_root("smb://fs01/share")
    assert plain.port == DEFAULT_PORT and plain.url == "smb://fs01/share" and plain.path == ""
    domain = parse_smb_root("SMB://CITY;scan@[fd00::5]:445/share/a%20b/%E5%90%8D%E7%B0%BF")
    assert (domain.domain, domain.user, domain.server) == ("CITY", "scan", "fd00::5")
    assert domain.path == "a b/名簿" and domain.url == "smb://[fd00::5]/share/a b/名簿"
    assert parse_smb_root("smb://fs01/share/100%台帳").path == "100%台帳"   # not an escape


@pytest.mark.parametrize("url, message", [
    ("smb://scan:Secret1@fs01/share", "password in an smb:// URL is refused"),
    ("smb://fs01", "needs a share"),
    ("smb:///share", "needs a server"),
    ("smb://fs01:99999/share", "port"),
])
def test_unusable_urls_are_refused_without_echoing_them(url, message):
    with pytest.raises(SmbRootError) as caught:
        parse_smb_root(url)
    assert message in str(caught.value)
    assert "Secret1" not in str(caught.value)


def test_credentials_from_url_environment_and_file(tmp_path):
    root = parse_smb_root("smb://fs01/share")
    env = {"INVENTORY_SMB_USER": "scan", "INVENTORY_SMB_PASSWORD": "pw",
           "INVENTORY_SMB_DOMAIN": "CITY"}
    creds = credentials_for(root, env)
    assert (creds.logon_name, creds.password) == ("CITY\\scan", "pw")
    assert "pw" not in repr(creds)
    assert credentials_for(parse_smb_root("smb://other@fs01/share"), env).user == "other"
    path = tmp_path / "smb-credentials"
    path.write_text("# service account\nusername = svc-scan\npassword=p=w\ndomain=CITY\n")
    path.chmod(0o600)
    from_file = credentials_for(root, {"INVENTORY_SMB_CREDENTIALS": str(path)})
    assert (from_file.logon_name, from_file.password) == ("CITY\\svc-scan", "p=w")
    path.chmod(0o644)
    with pytest.raises(SmbRootError, match="chmod 600"):
        credentials_for(root, {"INVENTORY_SMB_CREDENTIALS": str(path)})
    with pytest.raises(SmbRootError, match="no SMB user"):
        credentials_for(root, {})


# ----- against the Samba server -----

def test_smb_scan_equals_a_local_scan_of_the_same_tree(samba, smb_env):
    """Same candidates, categories, counts, hashes and risks: only the root differs."""
    url = samba.url(path="比較")
    smb_records = scan([url])
    local_records = scan([str(samba.tree / "比較")])
    assert without_root(smb_records) == without_root(local_records)
    assert {r["root"] for r in smb_records} == {url}
    kinds = {r["kind"] for r in smb_records}
    assert {"xlsx", "csv", "xls", "xlsm", "xlsb", "mdb", "accdb", "ods"} <= kinds
    assert len(smb_records) > 60
    assert sum(r["personal"]["present"] for r in smb_records) > 10
    risks = {risk["code"] for r in smb_records for risk in r["risks"]}
    assert "cloud-sync-folder" in risks
    assert all(r["sha256"] for r in smb_records if r["status"] in ("ok", "encrypted"))
    assert any("/" in r["path"] and not r["path"].isascii() for r in smb_records)
    assert scan_folders() == []


def test_smb_walk_yields_the_local_walks_candidates(samba, smb_env):
    """Paths, kinds, sizes, times and cloud-sync clients match, in the same order."""
    url = samba.url(path="比較")
    smb = [(c.path, c.kind, c.size, int(c.mtime), c.sync_client)
           for c in walk_smb_root(url, exclude=["*.bat"])]
    local = [(c.path, c.kind, c.size, int(c.mtime), c.sync_client)
             for c in walk_root(str(samba.tree / "比較"), exclude=["*.bat"])]
    assert smb == local
    assert not any(p.endswith(".bat") for p, *_ in smb)


def test_a_single_file_root(samba, smb_env):
    [record] = scan([samba.url(path="権限/公開/名簿.csv")], workers=0)
    assert record["root"] == samba.url(path="権限/公開/名簿.csv") and record["path"] == "名簿.csv"
    assert record["status"] == "ok" and record["personal"]["records"] == 12


def test_unreadable_folder_and_file_are_reported_and_the_scan_goes_on(samba, smb_env, capsys):
    records = by_path(scan([samba.url(path="権限")]))
    warnings = capsys.readouterr().err
    assert "warning: cannot list 非公開: access denied (STATUS_ACCESS_DENIED)" in warnings
    assert "非公開/給与.csv" not in records
    denied = records["閲覧不可.csv"]
    assert denied["status"] == "error"
    assert denied["error"] == "cannot read file: access denied (STATUS_ACCESS_DENIED)"
    assert denied["sha256"] is None and not denied["personal"]["present"]
    assert records["公開/名簿.csv"]["status"] == "ok"
    assert records["公開/名簿.csv"]["personal"]["records"] == 12
    assert records["使用中.csv"]["status"] == "ok"


def test_a_file_locked_by_another_client(samba, smb_env):
    """Another client holds the file open, sharing nothing: an error record; the scan goes on."""
    import smbclient

    holder_cache: dict = {}
    locked = parse_smb_root(samba.url(path="権限/使用中.csv"))
    handle = smbclient.open_file(locked.unc(), mode="rb", share_access=None, port=samba.port,
                                 username=samba.user, password=samba.password,
                                 connection_cache=holder_cache)
    try:
        records = by_path(scan([samba.url(path="権限")], workers=1))
    finally:
        handle.close()
        smbclient.reset_connection_cache(connection_cache=holder_cache)
    record = records["使用中.csv"]
    assert record["status"] == "error"
    assert record["error"] == "cannot read file: locked by another user (STATUS_SHARING_VIOLATION)"
    assert records["大きい.csv"]["status"] == "ok"
    assert by_path(scan([samba.url(path="権限")], workers=1))["使用中.csv"]["status"] == "ok"


def test_files_over_the_size_limit_are_not_copied(samba, smb_env, monkeypatch):
    size = (samba.tree / "権限" / "大きい.csv").stat().st_size
    monkeypatch.setenv("INVENTORY_SMB_MAX_BYTES", str(size - 1))
    records = by_path(scan([samba.url(path="権限")]))
    big = records["大きい.csv"]
    assert big["status"] == "error" and big["sha256"] is None
    assert big["error"].startswith("too large to copy from the share") and big["size"] == size
    assert records["公開/名簿.csv"]["status"] == "ok"


@pytest.fixture
def small_tree():
    """Three folders of three rosters, in a folder the SMB user's account can enter."""
    import shutil
    import tempfile

    tree = Path(tempfile.mkdtemp(prefix="inventory-samba-small-"))
    for dept in ("市民課", "税務課", "福祉課"):
        (tree / dept).mkdir()
        for n in range(3):
            (tree / dept / f"名簿{n}.csv").write_text("氏名,電話番号\n試験 一郎,090-0000-0001\n",
                                                      encoding="utf-8")
    open_tree(tree)
    yield tree
    shutil.rmtree(tree, ignore_errors=True)


def test_a_share_that_vanishes_mid_scan(samba_factory, small_tree, monkeypatch, capsys):
    """The server stops while the walk is in the first folder: error records, warnings, no
    crash, no leftovers.  The walk may run ahead of the reading by MAX_WAITING files; here by
    one, so the first file has been read when the walk reaches the third and the server stops."""
    server = samba_factory({"消える共有": small_tree})
    for name, value in server.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("scanners.pool.MAX_WAITING", 1)
    seen = []

    def stop_at_the_third(cand):
        seen.append(cand.path)
        if len(seen) == 3:
            server.stop()

    records = scan([server.url("消える共有")], workers=1, timeout=60, on_candidate=stop_at_the_third)
    warnings = capsys.readouterr().err
    assert "warning: cannot list 税務課: cannot connect to the server" in warnings
    assert records[0]["status"] == "ok"
    failed = [r for r in records if r["status"] == "error"]
    assert failed and all(r["error"].startswith("cannot read file: ") for r in failed)
    reasons = {r["error"] for r in failed}
    assert reasons <= {"cannot read file: cannot connect to the server",
                       "cannot read file: connection to the server lost"}, reasons
    assert len(records) == len(seen) < 9              # the other folders could not be listed
    assert scan_folders() == []


# ----- temporary copies -----

def _copy_then_die(reads: SmbReads, cand, conn) -> None:
    """In a worker: copy a file from the share and die before removing it (as on a time-out)."""
    conn.send(reads._copy(cand))
    os.kill(os.getpid(), signal.SIGKILL)


def test_copies_left_by_a_killed_worker_are_removed(samba, smb_env):
    [cand] = [c for c in walk_smb_root(samba.url(path="権限/公開"))]
    reads = SmbReads(inspect=lambda c: {"abspath": c.abspath})
    parent_end, child_end = mp.Pipe()
    worker = mp.get_context("fork").Process(target=_copy_then_die, args=(reads, cand, child_end))
    worker.start()
    left = parent_end.recv()
    worker.join(10)
    assert worker.exitcode == -signal.SIGKILL and os.path.isfile(left)
    assert stat.S_IMODE(os.stat(os.path.dirname(left)).st_mode) == 0o700
    assert (samba.tree / "権限" / "公開" / "名簿.csv").read_bytes() == Path(left).read_bytes()
    record = reads(cand)                         # this process's folder: the dead worker's is swept
    assert not os.path.exists(os.path.dirname(left))
    assert not os.path.exists(record["abspath"])  # each copy is removed once inspected
    reads.close()
    assert not os.path.exists(reads.folder)


def test_workers_killed_on_time_out_leave_no_copy(samba, smb_env):
    records = scan([samba.url(path="権限")], workers=2, timeout=0.02)
    assert any(r["error"] and r["error"].startswith("timed out") for r in records)
    assert scan_folders() == []


# ----- the command line -----

def test_cli_scans_a_share_into_jsonl_and_the_registry(samba, smb_env, tmp_path, monkeypatch):
    from sqlmodel import Session, select

    from inventory.db import make_engine
    from inventory.models import Asset, ScanRun

    db = f"sqlite:///{tmp_path / 'registry.db'}"
    monkeypatch.setenv("INVENTORY_DATABASE_URL", db)
    url = samba.url(path="権限")
    out = tmp_path / "scan.jsonl"
    result = CliRunner().invoke(main, ["scan", url.replace("smb://", f"smb://{samba.user}@"),
                                       "--format", "jsonl", "--output", str(out), "--workers", "2",
                                       "--timeout", "30", "--no-progress"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["root"] for r in records} == {url}
    assert by_path(records)["公開/名簿.csv"]["personal"]["present"]
    assert "試験" not in out.read_text(encoding="utf-8")
    engine = make_engine(db)
    with Session(engine) as session:
        assets = session.exec(select(Asset)).all()
        [run] = session.exec(select(ScanRun)).all()
    engine.dispose()
    assert {a.root for a in assets} == {url} and run.roots == [url]
    assert {a.path for a in assets} == set(by_path(records))


def test_cli_table_summary(samba, smb_env):
    result = CliRunner().invoke(main, ["scan", samba.url(path="権限"), "--format", "table",
                                       "--workers", "1", "--no-registry", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "with personal data" in result.output and "公開/名簿.csv" in result.output


def test_cli_refuses_a_password_in_the_url_and_an_unreachable_share(samba, smb_env, monkeypatch):
    url = samba.url().replace("smb://", f"smb://{samba.user}:Hidden-pw@")
    result = CliRunner().invoke(main, ["scan", url, "--no-registry"])
    assert result.exit_code == 2 and "password in an smb:// URL is refused" in result.output
    assert "Hidden-pw" not in result.output
    monkeypatch.setenv("INVENTORY_SMB_PASSWORD", "wrong")
    result = CliRunner().invoke(main, ["scan", samba.url(), "--no-registry"])
    assert result.exit_code == 2 and "logon failure" in result.output
    result = CliRunner().invoke(main, ["scan", samba.url(share="無い共有"), "--no-registry"])
    assert result.exit_code == 2 and "cannot reach" in result.output


def test_reachable_root_with_a_credentials_file(samba, smb_env, tmp_path, monkeypatch):
    path = tmp_path / "credentials"
    path.write_text(f"username={samba.user}\npassword={samba.password}\n")
    path.chmod(0o600)
    monkeypatch.delenv("INVENTORY_SMB_USER")
    monkeypatch.delenv("INVENTORY_SMB_PASSWORD")
    monkeypatch.setenv("INVENTORY_SMB_CREDENTIALS", str(path))
    assert reachable_root(samba.url(path="権限/")) == samba.url(path="権限")


def test_an_incremental_rescan_of_a_share_reads_nothing_unchanged(samba, smb_env, tmp_path):
    """The state cache works for shares too: the second scan reuses every record it can."""
    from scanners.state import ScanState

    url = samba.url(path="比較")
    with_state = []
    for _ in range(2):
        state = ScanState(tmp_path / "state.db")
        try:
            with_state.append(scan([url], state=state))
        finally:
            state.close()
    assert without_root(with_state[0]) == without_root(with_state[1])
    assert state.counts.read == 0 and state.counts.reused == len(with_state[1])


def test_cli_scans_a_registry_share_whose_root_is_an_smb_url(samba, smb_env, tmp_path, monkeypatch):
    """``--share NAME`` for cron: the share is checked first; a wrong password stops the run."""
    from sqlmodel import Session, select

    from inventory.db import make_engine, upgrade
    from inventory.models import Asset, Share

    db = f"sqlite:///{tmp_path / 'registry.db'}"
    monkeypatch.setenv("INVENTORY_DATABASE_URL", db)
    upgrade(db)
    engine = make_engine(db)
    with Session(engine) as session:
        session.add(Share(name="福祉部共有", root=samba.url(path="権限"), exclusions=["大きい.csv"]))
        session.commit()
    result = CliRunner().invoke(main, ["scan", "--share", "福祉部共有", "--workers", "1",
                                       "-o", str(tmp_path / "a.jsonl")])
    assert result.exit_code == 0, result.output
    with Session(engine) as session:
        assets = session.exec(select(Asset)).all()
    assert {a.root for a in assets} == {samba.url(path="権限")} and {a.share_id for a in assets} == {1}
    assert "大きい.csv" not in {a.path for a in assets} and "公開/名簿.csv" in {a.path for a in assets}
    monkeypatch.setenv("INVENTORY_SMB_PASSWORD", "wrong")
    refused = CliRunner().invoke(main, ["scan", "--share", "福祉部共有"])
    engine.dispose()
    assert refused.exit_code == 1 and "ルートにアクセスできません" in refused.output
    assert "logon failure" in refused.output
