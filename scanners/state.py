"""The scanner's state cache: how each file looked when it was last inspected, and its record.

An incremental scan asks the cache about every candidate the walk yields:

- same size, ``st_mtime_ns`` and inode, and the same profile (kind,
  cloud-sync client, apps or personal data only): the file is unchanged and
  its record is carried forward without opening the file;
- same size and profile but another time or inode (touched, restored from a
  backup, rewritten with the same bytes): a worker hashes the file and
  carries the record forward when the sha256 is the same
  (``Candidate.prior_record``);
- anything else: a worker hashes the file and, when the cache holds a
  record of another file with the same sha256 and profile (a copy, a move,
  a rename: :class:`Contents`), carries that record forward under this
  file's path; otherwise the file is read (and not hashed twice).

A carried record is the record a fresh scan would make: it is stored
without its root, path, kind, size and mtime (they come from the current
walk) and before ``duplicate-personal-data`` is added (that depends on the
other files).  An unchanged file's record is carried as its JSON line
(:class:`Carried`), spliced from the current walk's head keys and the stored
text: a re-scan neither parses nor serialises it, unless it turns out to be
a duplicate.

Entries are keyed by the file's absolute path (NFC, '/' separated), so any
scanner process on one machine (a local scan, one writing JSON lines, a
remote or distributed scanner) can share one cache file; SQLite in WAL mode
lets several write to it.  A record holds no value read from a file
(shared/spec/scan-record.md), so neither does the cache.  Records are
written as they complete, committed every :data:`COMMIT_EVERY` writes or
:data:`COMMIT_SECONDS`, so a scan that is killed leaves its finished files
behind for the next one.  A complete scan prunes the entries under its
roots that it did not see (the keys it saw are kept in a temporary table of
its own connection: marking them in ``file`` would rewrite every page of the
cache on every scan).  The cache belongs to one scanner version
(:func:`scanner_key`: its code, data and readers' versions): another
version empties it, and a cache of another :data:`SCHEMA` is made anew.

Carrying a record forward (its cached form, which records may be carried, the records of
known bytes a worker finds) is :mod:`scanners.reuse`; this module is the cache file.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple
from pathlib import Path

from .private_files import private_file
from .reuse import (Carried, Contents, carried_line, known_record, lasting, profile_of,  # noqa: F401
                    stored_form)
from .walk import Candidate, escaped

#: the cache's layout: a cache of another schema is dropped and made anew (1: a ``seen`` column and
#: records without root and path; 2: records without the five head keys, a ``personal`` column;
#: 3: an index of records by content, the name's encoding in the profile)
SCHEMA = 3
COMMIT_EVERY = 500
COMMIT_SECONDS = 1.0
#: libraries whose version changes what a record says
READER_PACKAGES = ("python-calamine", "openpyxl", "xlrd", "oletools", "olefile", "msoffcrypto-tool",
                   "access-parser", "charset-normalizer")

_META_SQL = "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)"
_FILE_SQL = """
CREATE TABLE IF NOT EXISTS file (
    key TEXT PRIMARY KEY,          -- absolute path, NFC, '/' separated
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    profile TEXT NOT NULL,         -- kind, cloud-sync client, scan profile
    sha256 TEXT,
    personal INTEGER NOT NULL,     -- the record found personal data (for duplicate-personal-data)
    record TEXT NOT NULL           -- the scan record as JSON, without its HEAD_KEYS
) WITHOUT ROWID
"""
#: records by content: a file with the bytes of another (a copy, a move, a rename) takes its record
_CONTENT_SQL = "CREATE INDEX IF NOT EXISTS file_content ON file (sha256, profile) WHERE sha256 IS NOT NULL"
#: the keys this scan saw (carried, hashed or read): what a complete scan does not prune
_SEEN_SQL = "CREATE TEMP TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY) WITHOUT ROWID"


class Entry(NamedTuple):
    """What the cache holds for one path (a row of ``file``, without its key)."""

    size: int
    mtime_ns: int
    inode: int
    profile: str
    sha256: str | None
    personal: int
    record: str



@dataclass(slots=True)
class Plan:
    """What an incremental scan does with one candidate: carry ``record`` forward (the file is
    unchanged) or inspect ``task`` (with the prior record when only its time or inode changed)."""

    key: str
    cand: Candidate
    profile: str
    entry: Entry | None = None
    record: Carried | None = None
    task: Candidate | None = None


@dataclass
class Counts:
    """How the files of one scan were handled (the ``reused N / read M`` summary)."""

    reused: int = 0          # unchanged: carried forward unopened
    same_content: int = 0    # time or inode changed, sha256 the same: hashed, not parsed
    elsewhere: int = 0       # the bytes of another file in the cache (a copy, a move): hashed, not parsed
    read: int = 0            # inspected

    @property
    def total(self) -> int:
        return self.reused + self.same_content + self.elsewhere + self.read

    def summary(self) -> str:
        return (f"{self.total} files: reused {self.reused + self.same_content + self.elsewhere} "
                f"(unchanged {self.reused}, same content {self.same_content}, "
                f"copied or moved {self.elsewhere}) / read {self.read}")


def state_key(abspath: str) -> str:
    """The cache key of a file: its absolute path, NFC, '/' separated.  Bytes of a name that
    are not UTF-8 (a cp932 share mounted without iocharset) are kept as ``\\xNN`` escapes."""
    if "://" in abspath:              # smb://server/share/...: canonical URL (no user), never abspath'd
        from .smb import SmbRootError, parse_smb_root
        try:
            abspath = parse_smb_root(abspath).url
        except SmbRootError:
            pass
        text = unicodedata.normalize("NFC", abspath)
    else:
        if not (abspath[:1] == "/" and "/." not in abspath and "//" not in abspath
                and abspath[-1:] != "/"):      # the walk's paths are absolute and clean already
            abspath = os.path.abspath(abspath)
        text = unicodedata.normalize("NFC", abspath)
    if os.sep != "/":
        text = text.replace(os.sep, "/")
    return escaped(text)


def scanner_key() -> str:
    """A digest of what makes records: the scanner's code and data, the shadow-IT extra
    catalogue and the readers' library versions.  Any change empties the cache."""
    from importlib import metadata

    from .shadow.catalogue import EXTRA_ENV

    digest = hashlib.sha256(f"schema {SCHEMA}".encode())
    package = Path(__file__).parent
    for path in sorted(p for p in package.rglob("*") if p.suffix in (".py", ".toml")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    extra = os.environ.get(EXTRA_ENV)
    if extra:
        try:
            digest.update(Path(extra).read_bytes())
        except OSError:
            digest.update(b"unreadable extra catalogue")
    for name in READER_PACKAGES:
        try:
            digest.update(f"{name} {metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name} absent".encode())
    return digest.hexdigest()


def key_fingerprint() -> str:
    """A cheap stand-in for :func:`scanner_key`: sizes and times of the scanner's files, of the
    extra catalogue and of the folders packages are installed in (installing, upgrading or
    removing a package adds or removes an entry there, which moves the folder's mtime).
    When it is unchanged the cache's stored key is reused, saving the 30-40 ms that reading
    the packages' metadata costs every scan."""
    import sys

    from .shadow.catalogue import EXTRA_ENV

    parts = [f"schema {SCHEMA}"]
    package = Path(__file__).parent
    for path in sorted(p for p in package.rglob("*") if p.suffix in (".py", ".toml")):
        st = path.stat()
        parts.append(f"{path.relative_to(package).as_posix()} {st.st_size} {st.st_mtime_ns} {st.st_ino}")
    extra = os.environ.get(EXTRA_ENV)
    places = [extra] if extra else []
    for place in places + [p for p in sys.path if p]:
        try:
            st = os.stat(place)
        except OSError:
            parts.append(f"{place} absent")
            continue
        parts.append(f"{place} {st.st_size} {st.st_mtime_ns} {st.st_ino}")
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


class ScanState:
    """The cache file, open for one scan (see the module docstring).

    ``key`` is the scanner version (default :func:`scanner_key`); ``counts``
    tells how the scan's files were handled.  Writes are batched: :meth:`close`
    (or :meth:`flush`) commits what is left.
    """

    def __init__(self, path: str | os.PathLike, key: str | None = None,
                 commit_every: int = COMMIT_EVERY, commit_seconds: float = COMMIT_SECONDS):
        self.path = Path(path)
        private_file(self.path)                 # 0600: it lists paths of personal data
        self.commit_every, self.commit_seconds = commit_every, commit_seconds
        self.counts = Counts()
        self._db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_META_SQL)
        self._db.execute(_SEEN_SQL)
        self._pending = 0
        self._seen: list[tuple[str]] = []
        self._last_commit = time.monotonic()
        self.scan_no = self._start(key)

    def _start(self, key: str | None) -> int:
        """Empty the cache if another scanner version wrote it; return this scan's number.
        Without ``key``: :func:`scanner_key`, reused from the cache while its fingerprint holds."""
        db = self._db
        fingerprint = key_fingerprint() if key is None else None
        db.execute("BEGIN IMMEDIATE")
        try:
            meta = dict(db.execute("SELECT name, value FROM meta"))
            if meta.get("schema") != str(SCHEMA):           # new, or laid out by another version
                db.execute("DROP TABLE IF EXISTS file")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA),))
                meta.pop("scanner", None)
            db.execute(_FILE_SQL)
            db.execute(_CONTENT_SQL)
            if key is None:
                if meta.get("fingerprint") == fingerprint and meta.get("scanner"):
                    key = meta["scanner"]
                else:
                    key = scanner_key()
                    db.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (fingerprint,))
            else:
                db.execute("DELETE FROM meta WHERE name = 'fingerprint'")
            if meta.get("scanner") != key:
                db.execute("DELETE FROM file")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('scanner', ?)", (key,))
            number = int(meta.get("scans", "0")) + 1
            db.execute("INSERT OR REPLACE INTO meta VALUES ('scans', ?)", (str(number),))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return number

    # ----- planning and settling one candidate -----
    def plan(self, cand: Candidate, apps: bool = True, full: bool = False) -> Plan:
        """Decide whether ``cand`` is carried forward, rehashed or read."""
        return self.plan_many([cand], apps=apps, full=full)[0]

    def plan_many(self, cands: list[Candidate], apps: bool = True, full: bool = False) -> list[Plan]:
        """:meth:`plan` for several candidates, their entries looked up in one query."""
        keys = [state_key(cand.abspath) for cand in cands]
        entries = self.get_many(keys)
        return [self._plan(cand, key, entries.get(key), apps, full) for cand, key in zip(cands, keys)]

    def _plan(self, cand: Candidate, key: str, entry: Entry | None, apps: bool, full: bool) -> Plan:
        plan = Plan(key=key, cand=cand, profile=profile_of(cand, apps), entry=entry)
        if full or entry is None or entry.profile != plan.profile or entry.size != cand.size:
            plan.task = cand
        elif entry.mtime_ns == cand.mtime_ns and entry.inode == cand.inode:
            plan.record = Carried(carried_line(entry.record, cand), entry.sha256, bool(entry.personal),
                                  cand.root, cand.path)
        elif entry.sha256:
            plan.task = _with_prior(cand, entry.record)
        else:
            plan.task = cand
        return plan

    def settle(self, plan: Plan, record: dict | Carried) -> None:
        """Keep the record a planned candidate ended with (serialised now: later steps may add to it)."""
        self._seen.append((plan.key,))                      # written in one go with the next commit
        if plan.record is not None:
            self.counts.reused += 1
            if len(self._seen) >= self.commit_every:
                self.flush()
            return
        if isinstance(record, Carried):          # a worker found these bytes here before, or elsewhere
            if plan.entry is not None and record.sha256 == plan.entry.sha256:
                self.counts.same_content += 1
            else:
                self.counts.elsewhere += 1
            self._write("INSERT OR REPLACE INTO file VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (plan.key, plan.cand.size, plan.cand.mtime_ns, plan.cand.inode, plan.profile,
                         record.sha256, record.personal, record.stored))
            return
        self.counts.read += 1
        if lasting(record):
            self.put(plan.key, plan.cand, plan.profile, record)
        elif plan.entry is not None:
            self._write("DELETE FROM file WHERE key = ?", (plan.key,))

    # ----- storage -----
    def get(self, key: str) -> Entry | None:
        return self.get_many([key]).get(key)

    def get_many(self, keys: list[str]) -> dict[str, Entry]:
        """The entries of those ``keys`` the cache holds (at most 999 keys: SQLite's limit)."""
        rows = self._db.execute("SELECT key, size, mtime_ns, inode, profile, sha256, personal, record "
                                f"FROM file WHERE key IN ({','.join('?' * len(keys))})", keys)
        return {row[0]: Entry._make(row[1:]) for row in rows}

    def put(self, key: str, cand: Candidate, profile: str, record: dict) -> None:
        stored = stored_form(record)
        if stored is None or not _is_utf8(stored):   # not storable (a lone surrogate): read next time
            self._write("DELETE FROM file WHERE key = ?", (key,))
            return
        personal = bool((record.get("personal") or {}).get("present"))
        self._write("INSERT OR REPLACE INTO file VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (key, cand.size, cand.mtime_ns, cand.inode, profile, record.get("sha256"),
                     personal, stored))

    def prune(self, roots: Iterable[str]) -> int:
        """After a complete scan: forget the files under ``roots`` it did not see; return how many."""
        self.flush()                     # the files seen so far are marked first
        gone = 0
        for root in roots:
            prefix = state_key(root).rstrip("/")
            unseen = "key NOT IN (SELECT key FROM temp.seen)"
            if prefix:
                where = f"(key = ? OR (key > ? AND key < ?)) AND {unseen}"
                params = (prefix, prefix + "/", prefix + "0")
            else:
                where, params = unseen, ()
            gone += self._write(f"DELETE FROM file WHERE {where}", params)
        self.flush()
        return gone

    def entries(self) -> int:
        """How many files the cache holds."""
        return self._db.execute("SELECT count(*) FROM file").fetchone()[0]

    def _write(self, sql: str, params: tuple) -> int:
        if not self._db.in_transaction:
            self._db.execute("BEGIN")
        changed = self._db.execute(sql, params).rowcount
        self._pending += 1
        if (self._pending >= self.commit_every
                or time.monotonic() - self._last_commit >= self.commit_seconds):
            self.flush()
        return changed

    def flush(self) -> None:
        """Commit the writes made so far."""
        if self._seen:
            if not self._db.in_transaction:
                self._db.execute("BEGIN")
            self._db.executemany("INSERT OR IGNORE INTO temp.seen VALUES (?)", self._seen)
            self._seen = []
        if self._db.in_transaction:
            self._db.execute("COMMIT")
        self._pending = 0
        self._last_commit = time.monotonic()

    def close(self) -> None:
        self.flush()
        self._db.close()

    def __enter__(self) -> ScanState:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _with_prior(cand: Candidate, stored: str) -> Candidate:
    from dataclasses import replace

    return replace(cand, prior_record=stored)
