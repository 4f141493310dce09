"""A real registry server for remote and distributed scanner tests (helpers, not fixtures).

:class:`RegistryServer` runs ``inventory serve`` (waitress) in a subprocess on
a free loopback port, over a SQLite registry in a temporary folder that holds
one API token; ``stop()`` kills it for real, ``start()`` brings it back on the
same port.  Also: small trees of CSV files with fake personal data, and
process clean-up that leaves nothing behind.
"""
from __future__ import annotations

import atexit
import functools
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from random import Random

import psutil
from sqlalchemy import func, select

from inventory.cli.registry import open_registry
from inventory.demo.people import make_person
from inventory.models import ApiToken, Asset, ScanRun
from inventory.web.admin.shares import token_digest

INVENTORY = str(Path(sys.executable).with_name("inventory"))
TOKEN = "inv_test-remote-scanner-token"


@functools.cache
def empty_registry() -> Path:
    """A migrated, empty SQLite registry made once per test process (migrations take seconds)."""
    folder = tempfile.mkdtemp(prefix="empty-registry-")
    atexit.register(shutil.rmtree, folder, True)
    path = Path(folder) / "registry.db"
    open_registry(f"sqlite:///{path}").kw["bind"].dispose()
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port}")


def stop_process_tree(process: subprocess.Popen, timeout: float = 10.0) -> None:
    """Terminate a process we started and every process under it (by id, never by name)."""
    if process.poll() is not None:
        return
    try:
        family = [process.pid] + [c.pid for c in psutil.Process(process.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        family = [process.pid]
    for pid in family:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        pass
    _, alive = psutil.wait_procs([p for p in map(_proc, family) if p], timeout=timeout)
    for proc in alive + ([_proc(process.pid)] if process.poll() is None else []):
        if proc is not None:
            try:
                proc.kill()
            except psutil.NoSuchProcess:
                pass
    process.wait(timeout)


def _proc(pid: int):
    try:
        return psutil.Process(pid)
    except psutil.NoSuchProcess:
        return None


class RegistryServer:
    """``inventory serve`` over a SQLite registry in ``folder`` with the API token :data:`TOKEN`."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.db_url = f"sqlite:///{self.folder / 'registry.db'}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        shutil.copyfile(empty_registry(), self.folder / "registry.db")
        self.sessions = open_registry(self.db_url)
        with self.sessions() as session:
            session.add(ApiToken(name="test scanner", token_sha256=token_digest(TOKEN)))
            session.commit()

    def start(self) -> RegistryServer:
        env = dict(os.environ, INVENTORY_DATABASE_URL=self.db_url, INVENTORY_SECRET_KEY="test",
                   INVENTORY_INSTANCE_PATH=str(self.folder / "instance"))
        with open(self.folder / "server.log", "ab") as log:
            self.process = subprocess.Popen(
                [INVENTORY, "serve", "--port", str(self.port), "--threads", "4"], cwd=self.folder,
                env=env, stdout=subprocess.DEVNULL, stderr=log)
        wait_for_port(self.port, process=self.process)
        return self

    def stop(self) -> None:
        """Kill the server (SIGKILL: no goodbye to requests in flight)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def close(self) -> None:
        if self.process is not None:
            stop_process_tree(self.process)
        self.sessions.kw["bind"].dispose()

    # -- what the registry holds --
    def asset_count(self) -> int:
        with self.sessions() as session:
            return session.scalar(select(func.count()).select_from(Asset))

    def assets(self) -> list:
        with self.sessions() as session:
            return session.execute(select(Asset.root, Asset.path, Asset.removed_at)).all()

    def runs(self) -> list:
        with self.sessions() as session:
            return session.execute(select(ScanRun.id, ScanRun.status, ScanRun.source)
                                   .order_by(ScanRun.id)).all()


def write_tree(root: Path, folders: int = 4, per_folder: int = 5, root_files: int = 2) -> list[str]:
    """A tree of small CSVs of fake residents (the demo's generator: personal data) and PDFs
    the scanner skips; the paths of the CSVs."""
    paths = []

    def csv(rel: str, people: int, seed: int) -> None:
        rng = Random(seed)
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        rows = ["氏名,住所,生年月日,電話番号"] + [
            f"{p.name()},{p.address()},{p.birth:%Y/%m/%d},{p.mobile}"
            for p in (make_person(rng) for _ in range(people))]
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
        paths.append(rel)

    for index in range(root_files):
        csv(f"直下{index}.csv", 5, 900 + index)
    for folder in range(folders):
        for index in range(per_folder):
            sub = "" if index % 2 == 0 else "作業用/"
            csv(f"課{folder:02d}/{sub}名簿{index:03d}.csv", 8 + index % 4, folder * 1000 + index)
        (root / f"課{folder:02d}" / "memo.pdf").write_bytes(b"%PDF-1.4\n")
    return sorted(paths)
