"""smb:// roots and who logs on to them: parsing a root, credentials, smbclient's connection
cache per process and logon, and what an SMB failure means in a record or a warning."""
from __future__ import annotations

import errno
import os
import stat
import unicodedata
from dataclasses import dataclass, field, replace
from urllib.parse import unquote

from ..candidates import SMB_SCHEME, is_smb_root

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
        smb_stat(target, client_kwargs(target))
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


def smb_stat(target: SmbRoot, kwargs: dict):
    """``smbclient.stat`` of ``target``."""
    import smbclient

    return smbclient.stat(target.unc(), **kwargs)


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
    from ..pipeline import safe_reason

    return safe_reason(exc)


def as_oserror(exc: BaseException) -> OSError:
    """An OSError whose ``strerror`` is :func:`describe`'s reason (what walk warnings print)."""
    denied = status_name(exc) in ("STATUS_ACCESS_DENIED", "STATUS_PRIVILEGE_NOT_HELD")
    return OSError(errno.EACCES if denied else errno.EIO, describe(exc))
