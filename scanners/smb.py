"""Scan a Windows file share without mounting it: ``smb://[user@]server[:port]/share[/path]`` roots.

A city's file servers are often out of reach of a mount (no root on the
scanning machine, a share per department, servers in another building), so
the scanner speaks SMB 2/3 itself through smbprotocol's ``smbclient``:

- the walk (:func:`walk_smb_root`) lists folders with ``smbclient.scandir``
  and applies the same rules as the local walk (``scanners/candidates.py``: kinds,
  Office lock files, snapshot folders, exclusions, cloud-sync folders),
  yielding the same :class:`~scanners.candidates.Candidate` objects: ``root`` is the
  share's URL without any user name, ``path`` is relative to it, ``abspath``
  is the file's own URL;
- reading (:class:`SmbReads`) copies each candidate's bytes into a private
  temporary file and runs the usual inspection on it, so every reader,
  detector and risk works unchanged and the sha256 is that of the real bytes.
  Each worker process copies into its own folder under one temporary folder
  of the scan, which the parent removes (with whatever a killed worker left);
- errors are data: a folder that cannot be listed is a warning, a file that
  cannot be copied (access denied, locked by another user, share gone) is a
  record with status ``error`` and a short reason; the next file is scanned.

Credentials never come from the URL: a password there is refused.  The user
is the URL's, else ``INVENTORY_SMB_USER``, else the credentials file's; the
password ``INVENTORY_SMB_PASSWORD`` or the credentials file
(``INVENTORY_SMB_CREDENTIALS``, ``username=`` / ``password=`` / ``domain=``
lines as mount.cifs reads them, readable by its owner only); the domain
``INVENTORY_SMB_DOMAIN`` or the file's.  Sessions are encrypted unless
``INVENTORY_SMB_ENCRYPT=0`` (the files hold personal data).  See docs/smb.md.
"""
from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import stat
import tempfile
import unicodedata
import weakref
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field, replace
from urllib.parse import unquote

from .candidates import (SMB_SCHEME, Candidate, data_kind_of, is_excluded, is_office_lock_file,  # noqa: F401
                         is_smb_root, is_snapshot_dir, kind_of)
from .record import base_record
from .shadow import cloud_sync_risk, sync_client_of_folder

SCHEME = SMB_SCHEME
DEFAULT_PORT = 445
#: files larger than this are not copied from the share (INVENTORY_SMB_MAX_BYTES overrides)
DEFAULT_MAX_BYTES = 2 << 30
COPY_CHUNK = 1 << 20
#: seconds to wait for a server to accept a connection
CONNECT_TIMEOUT = 15

ENV_USER = "INVENTORY_SMB_USER"
ENV_PASSWORD = "INVENTORY_SMB_PASSWORD"
ENV_DOMAIN = "INVENTORY_SMB_DOMAIN"
ENV_CREDENTIALS = "INVENTORY_SMB_CREDENTIALS"
ENV_MAX_BYTES = "INVENTORY_SMB_MAX_BYTES"
ENV_ENCRYPT = "INVENTORY_SMB_ENCRYPT"

#: NT status -> what a clerk or an administrator reads in a record or a warning
STATUS_REASONS = {
    "STATUS_ACCESS_DENIED": "access denied",
    "STATUS_PRIVILEGE_NOT_HELD": "access denied",
    "STATUS_SHARING_VIOLATION": "locked by another user",
    "STATUS_FILE_LOCK_CONFLICT": "locked by another user: byte-range lock",
    "STATUS_LOCK_NOT_GRANTED": "locked by another user: byte-range lock",
    "STATUS_OBJECT_NAME_NOT_FOUND": "not found: removed or renamed during the scan",
    "STATUS_OBJECT_PATH_NOT_FOUND": "not found: removed or renamed during the scan",
    "STATUS_NO_SUCH_FILE": "not found: removed or renamed during the scan",
    "STATUS_NOT_FOUND": "not found: no such share or path",
    "STATUS_DELETE_PENDING": "being deleted by another user",
    "STATUS_BAD_NETWORK_NAME": "share unavailable: no such share",
    "STATUS_NETWORK_NAME_DELETED": "share unavailable: removed from the server",
    "STATUS_USER_SESSION_DELETED": "session closed by the server",
    "STATUS_NETWORK_SESSION_EXPIRED": "session closed by the server",
    "STATUS_LOGON_FAILURE": "logon failure: check the user name and password",
    "STATUS_WRONG_PASSWORD": "logon failure: check the user name and password",
    "STATUS_ACCOUNT_DISABLED": "logon failure: account disabled",
    "STATUS_ACCOUNT_LOCKED_OUT": "logon failure: account locked out",
    "STATUS_PASSWORD_EXPIRED": "logon failure: password expired",
    "STATUS_IO_TIMEOUT": "the server did not answer in time",
    "STATUS_INSUFF_SERVER_RESOURCES": "the server is out of resources",
}


class SmbRootError(ValueError):
    """An smb:// root or its credentials cannot be used; the message never quotes a secret."""


@dataclass(frozen=True)
class SmbRoot:
    """Where an smb:// root points: server, port, share and a folder or file inside it."""

    server: str
    port: int
    share: str
    #: inside the share, '/' separated, NFC, no leading or trailing '/' ('' = the share itself)
    path: str
    #: the user named in the URL (``smb://user@server/...``), if any
    user: str | None = None
    #: the domain named in the URL (``smb://DOMAIN;user@server/...``), if any
    domain: str | None = None

    @property
    def url(self) -> str:
        """The root as records name it: no user name, the port only when not 445."""
        host = f"[{self.server}]" if ":" in self.server else self.server
        port = "" if self.port == DEFAULT_PORT else f":{self.port}"
        tail = f"/{self.path}" if self.path else ""
        return f"{SCHEME}{host}{port}/{self.share}{tail}"

    def child(self, rel: str) -> SmbRoot:
        """The root of something below this one (``rel`` '/' separated)."""
        return replace(self, path="/".join(p for p in (self.path, rel) if p))

    def unc(self) -> str:
        r"""``\\server\share\path`` as smbclient takes it."""
        parts = [self.server, self.share, *(p for p in self.path.split("/") if p)]
        return "\\\\" + "\\".join(parts)


@dataclass(frozen=True)
class SmbCredentials:
    """Who the scanner logs on as.  The password is kept out of ``repr``."""

    user: str
    password: str | None = field(default=None, repr=False)
    domain: str | None = None

    @property
    def logon_name(self) -> str:
        """``DOMAIN\\user`` when a domain is known, as NTLM and Active Directory expect."""
        return f"{self.domain}\\{self.user}" if self.domain else self.user


def parse_smb_root(root: str) -> SmbRoot:
    """Split ``smb://[[domain;]user@]server[:port]/share[/path]``; SmbRootError when unusable.

    A password in the URL is refused (it would stay in shell histories, cron
    files and process lists).  The path is taken as typed; percent-escapes
    are decoded only when they spell UTF-8 (as file managers copy URLs).
    """
    if not is_smb_root(root):
        raise SmbRootError("not an smb:// URL")
    rest = root[len(SCHEME):]
    authority, _, tail = rest.partition("/")
    userinfo, at, hostport = authority.rpartition("@")
    if at and ":" in userinfo:
        raise SmbRootError(f"a password in an smb:// URL is refused: set {ENV_PASSWORD} "
                           f"or a credentials file ({ENV_CREDENTIALS}) instead")
    domain, _, user = userinfo.rpartition(";")
    server, port = _split_host_port(hostport)
    parts = [_decoded(p) for p in tail.replace("\\", "/").split("/") if p]
    if not parts:
        raise SmbRootError("an smb:// URL needs a share: smb://server/share[/folder]")
    return SmbRoot(server=server, port=port, share=parts[0], path="/".join(parts[1:]),
                   user=_decoded(user) or None, domain=_decoded(domain) or None)


def _split_host_port(hostport: str) -> tuple[str, int]:
    """The server and port of ``host``, ``host:port``, ``[v6]`` or ``[v6]:port``."""
    if hostport.startswith("["):
        host, _, after = hostport[1:].partition("]")
        port_text = after[1:] if after.startswith(":") else after
    else:
        host, _, port_text = hostport.partition(":")
    if not host:
        raise SmbRootError("an smb:// URL needs a server: smb://server/share")
    if not port_text:
        return host, DEFAULT_PORT
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise SmbRootError("the port of an smb:// URL must be a number from 1 to 65535")
    return host, int(port_text)


def _decoded(text: str) -> str:
    """NFC text with percent-escapes decoded when they are UTF-8, else as typed."""
    try:
        text = unquote(text, errors="strict")
    except UnicodeDecodeError:
        pass
    return unicodedata.normalize("NFC", text)


# ----- credentials -----

def credentials_for(root: SmbRoot, environ: dict | None = None) -> SmbCredentials:
    """The logon for a root: URL user, else the environment, else the credentials file."""
    env = os.environ if environ is None else environ
    from_file = read_credentials_file(env[ENV_CREDENTIALS]) if env.get(ENV_CREDENTIALS) else {}
    user = root.user or env.get(ENV_USER) or from_file.get("username")
    if not user:
        raise SmbRootError(f"no SMB user: name one in the URL (smb://user@server/share), "
                           f"in {ENV_USER} or in a credentials file ({ENV_CREDENTIALS})")
    password = env.get(ENV_PASSWORD, from_file.get("password"))
    domain = root.domain or env.get(ENV_DOMAIN) or from_file.get("domain")
    return SmbCredentials(user=user, password=password, domain=domain or None)


#: the keys of a mount.cifs-style credentials file, with their usual aliases
_FILE_KEYS = {"username": "username", "user": "username", "password": "password",
              "pass": "password", "domain": "domain", "workgroup": "domain"}


def read_credentials_file(path: str) -> dict[str, str]:
    """``username=`` / ``password=`` / ``domain=`` lines; refused when others may read the file."""
    try:
        mode = os.stat(path).st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise SmbRootError(f"the SMB credentials file ({ENV_CREDENTIALS}) may be read by "
                               "other users: chmod 600 it")
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except OSError as exc:
        raise SmbRootError(f"cannot read the SMB credentials file ({ENV_CREDENTIALS}): "
                           f"{exc.strerror or type(exc).__name__}") from None
    values = {}
    for line in lines:
        key, eq, value = line.strip().partition("=")
        if eq and not key.startswith("#") and key.strip().lower() in _FILE_KEYS:
            values[_FILE_KEYS[key.strip().lower()]] = value.strip()
    return values


def reachable_root(root: str) -> str:
    """The canonical URL of a root the scanner can log on to and stat; SmbRootError otherwise.

    Checked before a scan starts, as a local root must exist: a share that
    is down must fail the scan, not look empty (which would mark everything
    under it removed in the registry).
    """
    target = parse_smb_root(root)
    try:
        _stat(target, client_kwargs(target))
    except SmbRootError:
        raise
    except Exception as exc:
        raise SmbRootError(f"cannot reach {target.url}: {describe(exc)}") from None
    return target.url


# ----- connections: one cache per process and logon -----

#: (pid, logon name, password, encryption) -> smbclient's connection cache.  A forked worker
#: must not use its parent's connections; smbclient reuses a session by user name alone, so
#: another password (changed, or wrong) or encryption setting gets connections of its own.
_CACHES: dict[tuple, dict] = {}


def client_kwargs(target: SmbRoot) -> dict:
    """Keyword arguments for every smbclient call on ``target``'s server."""
    creds = credentials_for(target)
    encrypt = os.environ.get(ENV_ENCRYPT, "1") != "0"
    cache = _CACHES.setdefault((os.getpid(), creds.logon_name, creds.password, encrypt), {})
    return {"username": creds.logon_name, "password": creds.password, "port": target.port,
            "encrypt": encrypt, "connection_timeout": CONNECT_TIMEOUT, "connection_cache": cache}


# ----- errors -----

def status_name(exc: BaseException) -> str | None:
    """The NT status (``STATUS_ACCESS_DENIED`` ...) an smbprotocol error carries, if any."""
    from smbprotocol.header import NtStatus

    seen = exc
    while seen is not None:
        code = getattr(seen, "ntstatus", None) or getattr(seen, "status", None)
        if isinstance(code, int):
            return next((name for name, value in vars(NtStatus).items()
                         if name.startswith("STATUS_") and value == code), f"STATUS_{code:#010x}")
        seen = seen.__cause__ or seen.__context__
    return None


def describe(exc: BaseException) -> str:
    """A short reason for an SMB failure: what it means, with the NT status for the administrator.

    smbprotocol's own messages quote paths and servers; these reasons do not.
    """
    from smbprotocol.exceptions import SMBAuthenticationError, SMBConnectionClosed, SMBException

    name = status_name(exc)
    if name:
        reason = STATUS_REASONS.get(name, "refused by the server")
        return f"{reason} ({name})"
    if isinstance(exc, SMBConnectionClosed):
        return "connection to the server lost"
    if isinstance(exc, SMBAuthenticationError):
        return "authentication failed"
    if isinstance(exc, TimeoutError):
        return "the server did not answer in time"
    if isinstance(exc, ValueError) and "Failed to connect" in str(exc):
        return "cannot connect to the server"
    if isinstance(exc, OSError) and not isinstance(exc, SMBException):
        return exc.strerror or type(exc).__name__
    from .pipeline import safe_reason

    return safe_reason(exc)


def as_oserror(exc: BaseException) -> OSError:
    """An OSError whose ``strerror`` is :func:`describe`'s reason (what walk warnings print)."""
    denied = status_name(exc) in ("STATUS_ACCESS_DENIED", "STATUS_PRIVILEGE_NOT_HELD")
    return OSError(errno.EACCES if denied else errno.EIO, describe(exc))


# ----- walk -----

def walk_smb_root(root: str, exclude: Iterable[str] = (),
                  on_error: Callable[[str, OSError], None] | None = None,
                  on_dir: Callable[[str], None] | None = None,
                  data_only: bool = False,
                  only: Collection[str] | None = None) -> Iterator[Candidate]:
    """Yield candidates under an smb:// root, in the local walk's order and by its rules.

    Depth first, sorted by name; snapshot folders, Office lock files and
    excluded paths are skipped, symbolic links to folders are not followed,
    every file in a cloud-sync folder is a candidate.  A folder that cannot
    be listed (access denied, share gone) is reported through ``on_error``
    and the walk goes on with the next one.  ``only``: the names directly
    under the root to walk (one partition of a distributed scan).
    """
    exclude = tuple(exclude)
    try:
        target = parse_smb_root(root)
        kwargs = client_kwargs(target)
        top = _stat(target, kwargs)
    except Exception as exc:
        _report(on_error, _safe_url(root), exc)
        return
    if not stat.S_ISDIR(top.st_mode):
        name = target.path.rpartition("/")[2]
        cand = _file_candidate(target, name, target, name, top, None, data_only)
        if cand:
            yield cand
        return
    yield from _walk_tree(target, kwargs, exclude, on_error, on_dir, data_only, only)


def _walk_tree(target: SmbRoot, kwargs: dict, exclude: tuple, on_error, on_dir,
               data_only: bool, only: Collection[str] | None) -> Iterator[Candidate]:
    """The folder walk of :func:`walk_smb_root` (same shape as ``walk.walk_root``)."""
    stack: list[tuple[str, str | None]] = [("", None)]
    while stack:
        rel_dir, sync_client = stack.pop()
        if on_dir:
            on_dir(rel_dir)
        folder = target.child(rel_dir)
        try:
            entries = sorted(_list(folder, kwargs), key=lambda e: e.name)
        except Exception as exc:
            _report(on_error, rel_dir or target.url, exc)
            continue
        if sync_client is None and not data_only:
            folder_name = (folder.path or folder.share).rpartition("/")[2]
            sync_client = sync_client_of_folder(folder_name, {e.name for e in entries})
        subdirs = []
        for entry in entries:
            if only is not None and not rel_dir and entry.name not in only:
                continue
            rel = unicodedata.normalize("NFC", f"{rel_dir}/{entry.name}" if rel_dir else entry.name)
            if _is_folder(entry):
                if not is_snapshot_dir(entry.name) and not is_excluded(rel, exclude):
                    subdirs.append((rel, sync_client))
                continue
            if is_office_lock_file(entry.name) or is_excluded(rel, exclude):
                continue
            cand = _entry_candidate(target, rel, entry, kwargs, sync_client, data_only)
            if cand:
                yield cand
        stack.extend(reversed(subdirs))


def _list(folder: SmbRoot, kwargs: dict) -> list:
    """The entries of one folder, read to the end before the walk goes on."""
    import smbclient

    return list(smbclient.scandir(folder.unc(), **kwargs))      # the handle closes at the end


def _stat(target: SmbRoot, kwargs: dict):
    import smbclient

    return smbclient.stat(target.unc(), **kwargs)


def _is_folder(entry) -> bool:
    """A folder to descend into; a link to a folder is not one (not followed, as locally)."""
    from smbprotocol.file_info import FileAttributes

    return bool(entry.smb_info.file_attributes & FileAttributes.FILE_ATTRIBUTE_DIRECTORY) \
        and not entry.is_symlink()


def _entry_candidate(target: SmbRoot, rel: str, entry, kwargs: dict, sync_client: str | None,
                     data_only: bool) -> Candidate | None:
    """A candidate from a directory entry (a link to a file is followed, as the local walk does)."""
    info = entry.smb_info
    if entry.is_symlink():
        from smbprotocol.file_info import FileAttributes

        if info.file_attributes & FileAttributes.FILE_ATTRIBUTE_DIRECTORY:
            return None                         # a link to a folder: not followed
        try:
            return _file_candidate(target, rel, target.child(rel), entry.name,
                                   _stat(target.child(rel), kwargs), sync_client, data_only)
        except Exception:
            return None                         # a dangling link, like os.stat failing locally
    kind = _kind(entry.name, sync_client, data_only)
    if kind is None:
        return None
    mtime_ns = _ns_since_epoch(info.last_write_time)
    return Candidate(root=target.url, path=rel, abspath=target.child(rel).url, kind=kind,
                     size=info.end_of_file, mtime=mtime_ns / 1e9, inode=info.file_id,
                     sync_client=sync_client, mtime_ns=mtime_ns)


def _file_candidate(target: SmbRoot, rel: str, where: SmbRoot, name: str, st,
                    sync_client: str | None, data_only: bool) -> Candidate | None:
    """A candidate from an ``smbclient.stat`` result (a single-file root, a link to a file)."""
    kind = _kind(name, sync_client, data_only)
    if kind is None or not stat.S_ISREG(st.st_mode):
        return None
    return Candidate(root=target.url, path=unicodedata.normalize("NFC", rel), abspath=where.url,
                     kind=kind, size=st.st_size, mtime=st.st_mtime_ns / 1e9, inode=st.st_ino,
                     sync_client=sync_client, mtime_ns=st.st_mtime_ns)


def _kind(name: str, sync_client: str | None, data_only: bool) -> str | None:
    """The record kind by the local walk's rules; in a cloud-sync folder every file is one."""
    kind = data_kind_of(name) if data_only else kind_of(name)
    if kind is None and sync_client is not None:
        return "other"
    return kind


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def _ns_since_epoch(when: dt.datetime) -> int:
    """Nanoseconds since 1970 of an SMB time (smbclient gives microseconds)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return (when - _EPOCH) // dt.timedelta(microseconds=1) * 1000


def _report(on_error, where: str, exc: BaseException) -> None:
    if on_error:
        on_error(where, as_oserror(exc) if not isinstance(exc, SmbRootError) else OSError(
            errno.EINVAL, str(exc)))


def _safe_url(root: str) -> str:
    """A root fit for a warning: its canonical URL, or a placeholder when it does not parse."""
    try:
        return parse_smb_root(root).url
    except SmbRootError:
        return "smb://…"


# ----- reading: copy to a private temporary file, then inspect as usual -----

class SmbReads:
    """The inspect function of a scan with smb:// roots: copy the file, inspect the copy.

    Local candidates go straight to ``inspect``.  Each process copies into its
    own folder (``<scan folder>/<pid>``), mode 0700, and removes each copy
    once inspected; what a killed worker left behind is removed by the next
    worker to start and, at the latest, with the whole scan folder when this
    object goes away in the parent (or the parent exits).  A scan folder
    whose parent died is removed by the next scan.
    """

    def __init__(self, inspect: Callable[[Candidate], dict], max_bytes: int | None = None):
        self.inspect = inspect
        self.max_bytes = max_bytes if max_bytes is not None else _max_bytes()
        self.owner = os.getpid()
        _sweep_stale_scans()
        self.folder = tempfile.mkdtemp(prefix=f"inventory-smb-{self.owner}-")
        self._finalizer = weakref.finalize(self, _remove_scan_folder, self.folder, self.owner)

    def __call__(self, cand: Candidate) -> dict:
        if not is_smb_root(cand.root) or cand.kind == "other":
            return self.inspect(cand)            # "other" files are never opened
        if cand.size > self.max_bytes:
            return unread_record(cand, too_large_reason(cand.size, self.max_bytes))
        try:
            copy = self._copy(cand)
        except _TooLarge as exc:
            return unread_record(cand, too_large_reason(exc.size, self.max_bytes))
        except Exception as exc:
            return unread_record(cand, f"cannot read file: {describe(exc)}")
        try:
            return self.inspect(replace(cand, abspath=copy))
        finally:
            _remove_copy(copy)

    def close(self) -> None:
        """Remove the scan folder now (and every copy in it)."""
        self._finalizer()

    def _copy(self, cand: Candidate) -> str:
        """Copy a candidate's bytes from the share into this process's folder; the copy's path.

        The copy keeps the file's name (in a folder of its own), as readers
        may use it: a CSV's table is named after its file.
        """
        import smbclient

        source = parse_smb_root(cand.abspath)
        copy = _private_name(tempfile.mkdtemp(dir=self._process_folder()), cand.path)
        try:
            with open(copy, "xb") as out, \
                    smbclient.open_file(source.unc(), mode="rb", share_access="rwd",
                                        **client_kwargs(source)) as src:
                copied = 0
                while chunk := src.read(COPY_CHUNK):
                    copied += len(chunk)
                    if copied > self.max_bytes:
                        raise _TooLarge(copied)
                    out.write(chunk)
        except BaseException:
            _remove_copy(copy)
            raise
        return copy

    def _process_folder(self) -> str:
        """This process's folder for copies, made on first use (sweeping dead workers' ones)."""
        folder = os.path.join(self.folder, str(os.getpid()))
        if not os.path.isdir(folder):
            _sweep_dead_workers(self.folder)
            os.makedirs(folder, mode=0o700, exist_ok=True)
        return folder


class _TooLarge(Exception):
    """The file grew past the size limit while it was copied."""

    def __init__(self, size: int):
        super().__init__(size)
        self.size = size


def unread_record(cand: Candidate, reason: str) -> dict:
    """The record of a file whose bytes could not be had: as the local scanner's, with its risks."""
    rec = base_record(cand)
    if cand.sync_client:
        rec["risks"].append(cloud_sync_risk(cand.sync_client))
    rec["status"], rec["error"] = "error", reason
    return rec


def too_large_reason(size: int, limit: int) -> str:
    """Why a file was not copied: its size (at least) and the limit, and how to raise it."""
    return f"too large to copy from the share ({_size(size)}; limit {_size(limit)}, {ENV_MAX_BYTES})"


def _size(n: int) -> str:
    return f"{n / (1 << 20):.1f} MiB" if n >= 1 << 20 else f"{n} bytes"


def _max_bytes() -> int:
    text = os.environ.get(ENV_MAX_BYTES, "")
    return int(text) if text.isdigit() else DEFAULT_MAX_BYTES


def _private_name(folder: str, rel: str) -> str:
    """The copy's path: the file's own name, shortened (extension kept) past the 255-byte limit."""
    name = rel.rpartition("/")[2]
    stem, ext = os.path.splitext(name)
    while len(os.fsencode(stem + ext)) > 255 and stem:
        stem = stem[:-1]
    return os.path.join(folder, (stem + ext) if len(os.fsencode(stem + ext)) <= 255 else "copy")


def _remove_copy(path: str) -> None:
    """Remove a copy and the folder made for it."""
    shutil.rmtree(os.path.dirname(path), ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sweep_dead_workers(scan_folder: str) -> None:
    """Remove the copy folders of workers that are gone (killed on a time-out, crashed)."""
    try:
        names = os.listdir(scan_folder)
    except OSError:
        return
    for name in names:
        if name.isdigit() and int(name) != os.getpid() and not _alive(int(name)):
            shutil.rmtree(os.path.join(scan_folder, name), ignore_errors=True)


def _sweep_stale_scans() -> None:
    """Remove scan folders left by scans whose process died (killed, power cut)."""
    parent = tempfile.gettempdir()
    try:
        names = os.listdir(parent)
    except OSError:
        return
    for name in names:
        parts = name.split("-")
        pid = parts[2] if name.startswith("inventory-smb-") and len(parts) >= 4 else ""
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(os.path.join(parent, name), ignore_errors=True)


def _remove_scan_folder(folder: str, owner: int) -> None:
    """Remove a scan's folder, in the process that made it only (a forked worker holds a copy)."""
    if os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)

