"""Carrying a record forward instead of reading its file again (the incremental scan of
:mod:`scanners.state`): the form a record is cached in and spliced back from
(:func:`stored_form`, :func:`carried_line`, :class:`Carried`), what besides the bytes decides a
record (:func:`profile_of`), which records may be carried at all (:func:`lasting`), and, in a
worker, the record of bytes the cache knows already (:func:`known_record`, :class:`Contents`).
"""
from __future__ import annotations

import json
import os
import sqlite3
from json.encoder import encode_basestring as _json_str     # what json.dumps(str, ensure_ascii=False) writes
from pathlib import Path
from typing import NamedTuple

from .pipeline import sha256_of
from .record import HEAD_KEYS, iso_mtime
from .walk import KIND_BY_EXTENSION, Candidate

#: errors that tell of the moment rather than of the file: such records are read again next time
TRANSIENT_ERRORS = ("timed out", "reader crashed", "memory limit", "cannot read file")
#: the kinds whose record the bytes and the profile decide (scanners.walk.KIND_BY_EXTENSION): only
#: these take another file's record.  Executables, scripts and shortcuts are judged by name too.
CONTENT_KINDS = frozenset(KIND_BY_EXTENSION.values())
#: kinds whose reader names the file's table after the file (scanners.readers.delimited): another
#: file's record fits only when the tables it names are this file's
NAMED_AFTER_FILE = frozenset({"csv", "tsv", "txt"})


class Carried(NamedTuple):
    """The record of an unchanged file, carried forward as the JSON line a fresh scan writes of it
    (``json.dumps(record, ensure_ascii=False)``), with what :func:`scanners.scan.mark_duplicates`
    needs to know of it.  :meth:`record` is the record itself."""

    line: str
    sha256: str | None
    personal: bool
    root: str
    path: str
    #: the record as the cache keeps it, when a worker found the file's bytes known (this path's
    #: prior record, or another file's: :func:`known_record`): it is stored under this path
    stored: str | None = None

    def record(self) -> dict:
        return json.loads(self.line)


def profile_of(cand: Candidate, apps: bool) -> str:
    """What besides the bytes decides a record: the kind, the sync folder, the scan profile and
    how a name on the path that is not UTF-8 is shown (a note says so)."""
    return (f"{cand.kind}|{cand.sync_client or ''}|{'apps' if apps else 'personal'}"
            f"|{cand.name_encoding or ''}")


def stored_form(record: dict) -> str | None:
    """A record as the cache keeps it: JSON without its :data:`HEAD_KEYS`.  None for a record
    that does not begin with them in their order (it could not be spliced back as it was)."""
    if tuple(record)[:len(HEAD_KEYS)] != HEAD_KEYS:
        return None
    return json.dumps({k: v for k, v in record.items() if k not in HEAD_KEYS}, ensure_ascii=False)


def carried_line(stored: str, cand: Candidate) -> str:
    """The JSON line (as ``json.dumps(record, ensure_ascii=False)`` writes it) of ``cand``'s
    record from a stored one, made without parsing: the head keys, then the stored text."""
    head = (f'{{"root": {_json_str(cand.root)}, "path": {_json_str(cand.path)}, '
            f'"kind": {_json_str(cand.kind)}, "size": {int(cand.size)}, '
            f'"mtime": {_json_str(iso_mtime(cand.mtime))}')
    return head + "}" if stored == "{}" else f"{head}, {stored[1:]}"


def known_record(cand: Candidate, contents: Contents | None = None,
                 apps: bool = True) -> tuple[Carried | None, str | None]:
    """In a worker, before a file is read: its record when its bytes are known, and its sha256.

    Known bytes are the prior record's (``Candidate.prior_record``: this path's time or inode
    changed) or, with ``contents``, those of another file in the cache of the same profile (a
    copy, a move, a rename).  Either way the record comes as a :class:`Carried` holding the text
    the cache stores, so that neither this process nor the scan's parses or serialises it.
    Otherwise the record is None, and the sha256 computed on the way (None when the file was not
    hashed or could not be) spares the reader hashing it again.
    """
    look_up = contents is not None and cand.kind in CONTENT_KINDS
    prior_record = json.loads(cand.prior_record) if cand.prior_record is not None else {}
    prior = prior_record.get("sha256")
    if not prior and not look_up:
        return None, None
    try:
        digest = sha256_of(cand.abspath)
    except OSError:
        return None, None               # the reader finds out again, and says why in the record
    if prior and digest == prior:
        personal = bool((prior_record.get("personal") or {}).get("present"))
        return Carried(carried_line(cand.prior_record, cand), digest, personal, cand.root, cand.path,
                       cand.prior_record), digest
    if look_up:
        found = contents.find(digest, profile_of(cand, apps), cand)
        if found is not None:
            stored, personal = found
            return Carried(carried_line(stored, cand), digest, personal, cand.root, cand.path,
                           stored), digest
    return None, digest


class Contents:
    """The cache's records by content, for the workers of a scan: looked up by sha256 and profile
    on a read-only connection of the process that asks (opened on its first question; the scan's
    own connection stays in the main process).  A cache that cannot be read answers nothing."""

    def __init__(self, path: str | os.PathLike):
        self.path = os.fspath(path)
        self._db: sqlite3.Connection | None = None
        self._pid = 0

    def __getstate__(self) -> dict:          # crosses to spawned workers without its connection
        return {"path": self.path}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["path"])

    def find(self, sha256: str, profile: str, cand: Candidate) -> tuple[str, bool] | None:
        """(stored record, personal) of a cached file with these bytes and this profile whose record
        fits ``cand``, or None."""
        try:
            if self._db is None or self._pid != os.getpid():
                uri = Path(self.path).absolute().as_uri() + "?mode=ro"
                self._db = sqlite3.connect(uri, uri=True, timeout=5, isolation_level=None,
                                           check_same_thread=False)
                self._pid = os.getpid()
            rows = self._db.execute("SELECT record, personal FROM file WHERE sha256 = ? AND profile = ? "
                                    "LIMIT 8", (sha256, profile)).fetchall()
        except (sqlite3.Error, ValueError, UnicodeError):
            return None
        for stored, personal in rows:
            if _fits(stored, cand):
                return stored, bool(personal)
        return None


def _fits(stored: str, cand: Candidate) -> bool:
    """Whether another file's record is this one's: a text table's record names its table after
    its file (the columns' ``sheet``), so it fits only when the names agree."""
    if cand.kind not in NAMED_AFTER_FILE:
        return True
    columns = (json.loads(stored).get("personal") or {}).get("columns") or ()
    stem = Path(cand.abspath).stem
    return all(column.get("sheet") == stem for column in columns)


def lasting(record: dict) -> bool:
    """Whether a record may be carried forward: not one that failed for a passing reason
    (time-out, crash, memory, a file that could not be opened: permissions change without
    touching mtime)."""
    if record.get("status") != "error":
        return True
    reason = str(record.get("error") or "")
    return not any(t in reason for t in TRANSIENT_ERRORS)
