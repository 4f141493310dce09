"""What the walk hands on, and the rules that make a file one: a :class:`Candidate` and the
plain ``is_*``/``kind_of`` rules (kinds, exclusions, lock files, snapshots).

The same for every walk: local folders (:mod:`scanners.walk`) and SMB shares
(:mod:`scanners.smb`) import them from here, as does the pipeline that
inspects a candidate, so neither walk needs the other.
"""
from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass

from .shadow import shadow_kind
from .shadow.catalogue import Catalogue

#: file extension (lower case, no dot) -> record kind
KIND_BY_EXTENSION: dict[str, str] = {
    "xlsx": "xlsx", "xlsm": "xlsm", "xltx": "xltx", "xltm": "xltm", "xlam": "xlam",
    "xls": "xls", "xlt": "xls", "xla": "xls",
    "xlsb": "xlsb",
    "ods": "ods",
    "csv": "csv", "tsv": "tsv", "txt": "txt",
    "mdb": "mdb", "mde": "mdb",
    "accdb": "accdb", "accde": "accdb", "accda": "accdb", "accdr": "accdb",
}

#: a root that names a Windows share reached over SMB without mounting it (scanners/smb/)
SMB_SCHEME = "smb://"

#: folder names that only hold copies the file server makes of itself
SNAPSHOT_DIRS = frozenset({".snapshot", "~snapshot", ".zfs", "system volume information"})


@dataclass(frozen=True)
class Candidate:
    """A file the scanner will inspect.  Picklable: it crosses to worker processes."""

    root: str      # the ROOT argument as given
    path: str      # relative to root, '/' separated, NFC
    abspath: str
    kind: str
    size: int
    mtime: float
    inode: int
    #: the cloud-sync client (Dropbox, OneDrive personal ...) whose folder holds the file
    sync_client: str | None = None
    #: st_mtime_ns: with size and inode, what tells an incremental scan the file is unchanged
    #: (float seconds lose the nanoseconds a quick rewrite may differ by)
    mtime_ns: int = 0
    #: the record an earlier scan made of this path, as JSON without root and path, when the
    #: file's time or inode changed but its size did not: a worker that finds the same sha256
    #: carries it forward instead of reading the file again (see scanners/state.py)
    prior_record: str | None = None
    #: how a name on the path that is not UTF-8 on the file system (a cp932 share mounted
    #: without iocharset) is shown in ``path``: "cp932" (decoded as such) or "escaped" (\\xNN)
    name_encoding: str | None = None
    #: the file's sha256, when a worker hashed it before reading it (scanners.state.known_record)
    sha256: str | None = None


def is_smb_root(root: str) -> bool:
    """Whether a scan root names a share to reach over SMB rather than a local path."""
    return root[:len(SMB_SCHEME)].lower() == SMB_SCHEME


def data_kind_of(name: str) -> str | None:
    """The record kind of a spreadsheet, text table or database, by extension."""
    _, dot, ext = name.rpartition(".")
    return KIND_BY_EXTENSION.get(ext.lower()) if dot else None


def kind_of(name: str, cat: Catalogue | None = None) -> str | None:
    """The record kind for a file name, or None when the scanner has no use for it.

    Spreadsheets, text tables and databases by extension; then what matters
    to shadow IT (executables, scripts, shortcuts, P2P artefacts) from the
    catalogue (scanners/data/shadow_it.toml).
    """
    return data_kind_of(name) or shadow_kind(name, cat)


def is_office_lock_file(name: str) -> bool:
    """Excel/Word owner files (``~$名簿.xlsx``): a user name, never the data."""
    return name.startswith("~$")


def is_snapshot_dir(name: str) -> bool:
    """Snapshot folders would report every file once per snapshot."""
    return name.lower() in SNAPSHOT_DIRS


def is_excluded(relpath: str, patterns: Iterable[str]) -> bool:
    """True when a relative path matches one of the user's exclusion globs."""
    return any(fnmatch.fnmatch(relpath, p) or fnmatch.fnmatch(relpath.rsplit("/", 1)[-1], p)
               for p in patterns)
