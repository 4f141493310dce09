"""A real Samba server for the SMB tests (tests/scanner/test_smb.py), started from Debian's packages.

smbd runs in the foreground on 127.0.0.1, on a free port above 1024, with a
private smb.conf and its own lock, state, cache, private and log folders
under one temporary folder; the SMB user lives in a private passdb (tdbsam)
written there by ``smbpasswd -a -s``.  The Unix account that user maps to is
private too: nss_wrapper (Debian's libnss-wrapper) gives smbd a passwd and
group file of its own, so nothing is added to /etc/passwd.  Run as root,
smbd really switches to that account's uid, so the share's file permissions
apply to the SMB user as on a real file server; run as another user,
uid_wrapper (libuid-wrapper) lets smbd believe it is root and files are
reached with the test user's own rights (a mode-000 folder is refused either
way).  smbd gets a session of its own and its whole process group is
stopped when the test session ends.

Nothing is skipped: without smbd the tests fail and say what to install
(``make system-deps``: samba, libnss-wrapper, libuid-wrapper).

Fixtures: ``samba`` (the session's server, share ``市役所共有`` over the tree
described in :func:`build_tree`), ``samba_factory`` (more servers, e.g. one
to stop in the middle of a scan) and ``smb_env`` (the scanner's credentials
in the environment).
"""
from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SHARE = "市役所共有"
USER = "kojin-joho-scan"
PASSWORD = "Sm8-test-only"
#: the private Unix account smbd switches to for USER (not in /etc/passwd: nss_wrapper)
UID = 54321
INSTALL_HINT = ("run `make system-deps` (Debian packages samba, libnss-wrapper and "
                "libuid-wrapper: apt-get install -y samba libnss-wrapper libuid-wrapper)")

#: corpus file kinds added to the comparison tree (the smallest of each), besides the demo share
CORPUS_KINDS = ("xls", "xlsm", "xlsb", "xlam", "xltm", "ods", "mdb", "accdb")


def _program(name: str) -> str:
    found = shutil.which(name) or next((p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}")
                                        if os.access(p, os.X_OK)), None)
    if not found:
        pytest.fail(f"{name} not found: the SMB tests need a real Samba server; {INSTALL_HINT}",
                    pytrace=False)
    return found


def _library(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/*/{name}") + glob.glob(f"/usr/lib/{name}"))
    if not found:
        pytest.fail(f"{name} not found: the SMB tests run smbd with a private user; {INSTALL_HINT}",
                    pytrace=False)
    return found[0]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class SambaServer:
    """One smbd process serving ``shares`` (name -> folder) on 127.0.0.1:``port``."""

    base: Path
    shares: dict[str, Path]
    port: int = 0
    host: str = "127.0.0.1"
    user: str = USER
    password: str = PASSWORD
    #: the folder of the session server's share (``samba`` fixture)
    tree: Path | None = None
    process: subprocess.Popen | None = field(default=None, repr=False)

    def url(self, share: str = SHARE, path: str = "") -> str:
        """The smb:// URL of a folder or file of a share (no user: the environment names it)."""
        tail = f"/{path}" if path else ""
        return f"smb://{self.host}:{self.port}/{share}{tail}"

    @property
    def env(self) -> dict[str, str]:
        """The scanner's credentials for this server."""
        return {"INVENTORY_SMB_USER": self.user, "INVENTORY_SMB_PASSWORD": self.password}

    def log_tail(self, lines: int = 30) -> str:
        """The end of smbd's own log (server messages only: it never holds file contents)."""
        try:
            text = (self.base / "smbd.out").read_text(errors="replace")
            return "\n".join(text.splitlines()[-lines:])
        except OSError:
            return ""

    def start(self) -> None:
        """Write the configuration and passdb, start smbd and wait until it accepts connections."""
        env = self._wrapper_env()
        self._write_config()
        self._add_user(env)
        for _attempt in range(3):
            self.port = _free_port()
            self._write_config()
            if self._launch(env):
                return
        pytest.fail(f"smbd did not start on 127.0.0.1:\n{self.log_tail()}", pytrace=False)

    def stop(self) -> None:
        """Stop smbd and every process of its group (its per-connection children)."""
        proc, self.process = self.process, None
        if proc is None:
            return
        _signal_group(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            _signal_group(proc.pid, signal.SIGKILL)
            proc.wait(10)
        _signal_group(proc.pid, signal.SIGKILL)    # children that outlived their parent

    def _launch(self, env: dict) -> bool:
        """Start smbd once; True when it listens (False: the port was taken meanwhile)."""
        out = open(self.base / "smbd.out", "ab")
        self.process = subprocess.Popen(
            [_program("smbd"), "--foreground", "--no-process-group", "--debug-stdout", "-d", "1",
             f"--configfile={self.base / 'smb.conf'}"],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env,
            start_new_session=True)
        out.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.process = None
                return False
            try:
                socket.create_connection((self.host, self.port), timeout=1).close()
                return True
            except OSError:
                time.sleep(0.1)
        self.stop()
        return False

    def _wrapper_env(self) -> dict[str, str]:
        """smbd's environment: nss_wrapper for the private account (uid_wrapper when not root)."""
        (self.base / "passwd").write_text(
            "root:x:0:0:root:/root:/bin/false\n"
            "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
            f"{USER}:x:{UID}:{UID}:scanner:/nonexistent:/bin/false\n")
        (self.base / "group").write_text(f"root:x:0:\nnogroup:x:65534:\n{USER}:x:{UID}:\n")
        preload = [_library("libnss_wrapper.so")]
        env = {"PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/bin"), "LANG": "C.UTF-8",
               "NSS_WRAPPER_PASSWD": str(self.base / "passwd"),
               "NSS_WRAPPER_GROUP": str(self.base / "group")}
        if os.geteuid() != 0:
            preload.append(_library("libuid_wrapper.so"))
            env.update(UID_WRAPPER="1", UID_WRAPPER_ROOT="1")
        env["LD_PRELOAD"] = " ".join(preload)
        return env

    def _add_user(self, env: dict) -> None:
        result = subprocess.run(
            [_program("smbpasswd"), "-c", str(self.base / "smb.conf"), "-a", "-s", USER],
            input=f"{PASSWORD}\n{PASSWORD}\n", text=True, capture_output=True, env=env, timeout=60)
        if result.returncode != 0:
            pytest.fail(f"smbpasswd could not add the test user: {result.stderr.strip()[-500:]}",
                        pytrace=False)

    def _write_config(self) -> None:
        for name in ("lock", "state", "cache", "private", "pid", "ncalrpc", "log"):
            (self.base / name).mkdir(exist_ok=True)
        b = self.base
        shares = "".join(f"[{name}]\n  path = {path}\n  read only = yes\n  browseable = yes\n"
                         for name, path in self.shares.items())
        (b / "smb.conf").write_text(f"""[global]
  netbios name = INVENTORYTEST
  workgroup = WORKGROUP
  server role = standalone server
  server string = inventory test server
  smb ports = {self.port or 14450}
  interfaces = lo
  bind interfaces only = yes
  lock directory = {b}/lock
  state directory = {b}/state
  cache directory = {b}/cache
  private dir = {b}/private
  pid directory = {b}/pid
  ncalrpc dir = {b}/ncalrpc
  log file = {b}/log/log.%m
  log level = 1
  passdb backend = tdbsam:{b}/private/passdb.tdb
  map to guest = never
  load printers = no
  printing = bsd
  printcap name = /dev/null
  disable spoolss = yes
  rpc start on demand helpers = no
  usershare max shares = 0
  server min protocol = SMB2_10
  unix charset = UTF-8
{shares}""", encoding="utf-8")


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def open_tree(path: Path) -> None:
    """Let the SMB user's private account read a tree: folders 0755, files 0644."""
    for folder, dirs, files in os.walk(path):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)


def restore_modes(path: Path) -> None:
    """Make a tree removable again (mode-000 folders refuse even their owner)."""
    for folder, dirs, files in os.walk(path, onerror=lambda exc: None):
        for name in dirs:
            os.chmod(os.path.join(folder, name), 0o755)


def whole_second_mtimes(path: Path) -> None:
    """Round every file's time down to a second, so a float's rounding cannot shift it."""
    for folder, _dirs, files in os.walk(path):
        for name in files:
            full = os.path.join(folder, name)
            seconds = int(os.stat(full).st_mtime)
            os.utime(full, ns=(seconds * 10**9, seconds * 10**9))


def corpus_subset(corpus: Path) -> list[Path]:
    """The smallest corpus file of each kind in CORPUS_KINDS (ties: by path)."""
    best: dict[str, tuple[int, str]] = {}
    for line in (corpus / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        cells = line.split("\t")
        ext = cells[0].rpartition(".")[2].lower()
        if ext in CORPUS_KINDS and cells[4].isdigit() and (corpus / cells[0]).is_file():
            best[ext] = min(best.get(ext, (int(cells[4]), cells[0])), (int(cells[4]), cells[0]))
    return [corpus / path for _size, path in sorted(best.values(), key=lambda t: t[1])]


def build_tree(tree: Path, corpus: Path) -> None:
    """The share's contents.

    ``比較/``: the demo municipal share (Japanese folder and file names, a
    personal OneDrive folder, shadow-IT files) and the smallest corpus file
    of each Excel/Access kind, for the SMB-versus-local comparison.
    ``権限/``: a readable roster, a folder and a file the SMB user may not
    read (mode 000), a workbook the tests lock from another client, and a
    CSV larger than the size limits the tests set.
    """
    from inventory.demo.share import write_share

    compare = tree / "比較"
    write_share(compare, seed=0, scale=0.2)
    apps = compare / "業務アプリ"
    apps.mkdir()
    for source in corpus_subset(corpus):
        shutil.copyfile(source, apps / f"{source.suffix.lower()[1:]}_{source.name}")
    rights = tree / "権限"
    (rights / "公開").mkdir(parents=True)
    (rights / "非公開").mkdir()
    given = ["太郎", "花子", "一郎", "美咲", "健太", "陽子", "翔太", "由美", "大輔", "明美", "直樹", "恵子"]
    roster = "氏名,フリガナ,生年月日,電話番号\n" + "".join(
        f"試験 {g},シケン タロウ,1980/4/{n + 1},090-1234-{5600 + n:04d}\n" for n, g in enumerate(given))
    (rights / "公開" / "名簿.csv").write_text(roster, encoding="utf-8")
    (rights / "非公開" / "給与.csv").write_text(roster, encoding="utf-8")
    (rights / "閲覧不可.csv").write_text(roster, encoding="utf-8")
    (rights / "使用中.csv").write_text(roster, encoding="utf-8")
    (rights / "大きい.csv").write_text(roster * 200, encoding="utf-8")
    open_tree(tree)
    whole_second_mtimes(tree)
    os.chmod(rights / "非公開", 0)
    os.chmod(rights / "閲覧不可.csv", 0)


@pytest.fixture(scope="session")
def samba_factory():
    """Start Samba servers (``factory(shares)``, shares: name -> folder); all stopped at the end."""
    servers: list[SambaServer] = []
    folders: list[str] = []

    def start(shares: dict[str, Path]) -> SambaServer:
        base = Path(tempfile.mkdtemp(prefix="inventory-samba-"))
        folders.append(str(base))
        server = SambaServer(base=base, shares=shares)
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.stop()
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def samba(samba_factory, corpus):
    """The session's Samba server: share ``市役所共有`` over :func:`build_tree`'s tree.

    The tree lives in a folder of its own (mode 0755) outside pytest's
    private tmp folders, which the SMB user's account could not enter.
    """
    tree = Path(tempfile.mkdtemp(prefix="inventory-samba-tree-"))
    try:
        build_tree(tree, corpus)
        server = samba_factory({SHARE: tree})
        server.tree = tree
        yield server
    finally:
        restore_modes(tree)
        shutil.rmtree(tree, ignore_errors=True)


@pytest.fixture
def smb_env(monkeypatch, samba):
    """The scanner's credentials for the session's server, in the environment only."""
    for name in ("INVENTORY_SMB_DOMAIN", "INVENTORY_SMB_CREDENTIALS", "INVENTORY_SMB_MAX_BYTES",
                 "INVENTORY_SMB_ENCRYPT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in samba.env.items():
        monkeypatch.setenv(name, value)
    return samba
