"""The spool of remote mode: a scan's records on disk before (and until) the registry has them.

A folder per scan, under ``$INVENTORY_SPOOL_DIR`` or ``instance/spool``
(:func:`spool_home`): JSON-lines segment files of :data:`SEGMENT_RECORDS` records,
flushed and fsync'ed batch by batch, ``meta.json`` (the run, the scan's state) and
``acked.json`` (how far the registry acknowledged), each replaced atomically.  The sender
that reads it is :mod:`inventory.scanning.remote`; a delivered spool is removed
(``INVENTORY_SPOOL_KEEP=1`` keeps it).  The token is never written here.
"""
from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path

from scanners.private_files import open_private, private_folder

SPOOL_ENV = "INVENTORY_SPOOL_DIR"
KEEP_ENV = "INVENTORY_SPOOL_KEEP"
#: records per segment file (a crashed sender skips at most this many lines to resume)
SEGMENT_RECORDS = 5000
#: records and bytes per request (the API takes up to 32 MiB and 100,000 records)
BATCH_RECORDS, BATCH_BYTES = 500, 4 << 20
META, ACKED, LOCK = "meta.json", "acked.json", "lock"


class SpoolBusy(Exception):
    """Another process (a scan still running, another sender) holds the spool."""


# ----- where things are -----
def spool_home(folder: str | os.PathLike | None = None) -> Path:
    """The folder holding spools: ``folder``, ``$INVENTORY_SPOOL_DIR``, else ``instance/spool``."""
    if folder:
        return Path(folder)
    if os.environ.get(SPOOL_ENV):
        return Path(os.environ[SPOOL_ENV])
    instance = os.environ.get("INVENTORY_INSTANCE_PATH") or Path.cwd() / "instance"
    return Path(instance) / "spool"


def keep_spools() -> bool:
    """``INVENTORY_SPOOL_KEEP=1``: keep delivered spools (an audit trail of what was sent)."""
    return os.environ.get(KEEP_ENV, "") not in ("", "0")


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_json_atomic(path: Path, data: dict) -> None:
    """Replace a small JSON file so that a crash leaves the old or the new one, never half."""
    tmp = path.with_name(path.name + ".tmp")
    with open_private(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


# ----- the spool -----
class Spool:
    """One scan's records on disk: segments ``records-NNNNNN.jsonl``, ``meta.json``, ``acked.json``.

    ``meta.json``: ``url``, ``roots``, ``run`` (id once begun), ``scan``
    (running | complete | partial), ``finish`` (true when this spool's sender
    finishes the run; false for a partition of a distributed scan, whose
    coordinator finishes it), ``partial`` (the run must end partial),
    ``delivered``.  Only one process uses a spool at a time (``lock``).
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self.meta = json.loads((self.path / META).read_text(encoding="utf-8"))
        self.written = 0              # records appended by this process (writer side)
        self._segment = None
        self._reader: tuple[int, object, int] | None = None
        self._lock_fd: int | None = None

    @classmethod
    def create(cls, home: Path, url: str, roots: Iterable[str], run: int | None = None,
               finish: bool = True) -> Spool:
        """A new, empty spool under ``home`` (locked by this process)."""
        home = Path(home)
        private_folder(home)
        stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S.%f")
        path = home / f"{stamp}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        path.mkdir(mode=0o700)
        os.chmod(path, 0o700)
        write_json_atomic(path / META, {
            "version": 1, "url": url, "roots": list(roots), "run": run, "scan": "running",
            "finish": finish, "partial": False, "delivered": False,
            "created": dt.datetime.now().astimezone().isoformat()})
        write_json_atomic(path / ACKED, {"records": 0})
        spool = cls(path)
        spool.lock()
        return spool

    @staticmethod
    def all_in(home: Path) -> list[Spool]:
        """The spools in ``home``, oldest first (folders without a readable meta.json are skipped)."""
        home = Path(home)
        if not home.is_dir():
            return []
        spools = []
        for path in sorted(p for p in home.iterdir() if (p / META).is_file()):
            try:
                spools.append(Spool(path))
            except (OSError, ValueError):
                continue
        return spools

    # -- locking and state --
    def lock(self) -> None:
        """Hold the spool for this process (released by :meth:`release` or by the process's end).

        A POSIX record lock, not ``flock``: the scanner's forked pool processes do not
        inherit it, so a crashed scan's spool is free as soon as the scan itself is gone."""
        fd = os.open(self.path / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EACCES, errno.EAGAIN):
                raise
            raise SpoolBusy(f"spool {self.path.name} is in use by another process") from None
        self._lock_fd = fd

    def release(self) -> None:
        self._close_files()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def update(self, **changes) -> None:
        """Change ``meta.json`` durably."""
        self.meta.update(changes)
        write_json_atomic(self.path / META, self.meta)

    def acked(self) -> int:
        """How many records (from the first) the registry has acknowledged."""
        return json.loads((self.path / ACKED).read_text(encoding="utf-8"))["records"]

    def save_acked(self, count: int) -> None:
        write_json_atomic(self.path / ACKED, {"records": count})

    def remove(self) -> None:
        """Delete a delivered spool, or mark it delivered when spools are kept."""
        if keep_spools():
            self.update(delivered=True)
            self.release()
            return
        self.release()
        shutil.rmtree(self.path, ignore_errors=True)

    # -- writing --
    def append(self, lines: list[bytes]) -> int:
        """Append JSON lines (each ending in a newline), fsync; return the records now durable."""
        for line in lines:
            if self.written % SEGMENT_RECORDS == 0:
                self._roll()
            self._segment.write(line)
            self.written += 1
        if self._segment is not None:
            self._segment.flush()
            os.fsync(self._segment.fileno())
        return self.written

    def _roll(self) -> None:
        if self._segment is not None:
            self._segment.flush()
            os.fsync(self._segment.fileno())
            self._segment.close()
        self._segment = open_private(self._segment_path(self.written // SEGMENT_RECORDS), "ab")
        _fsync_dir(self.path)

    def _segment_path(self, index: int) -> Path:
        return self.path / f"records-{index:06d}.jsonl"

    def _close_files(self) -> None:
        if self._segment is not None:
            self._segment.close()
            self._segment = None
        if self._reader is not None:
            self._reader[1].close()
            self._reader = None

    # -- reading --
    def durable(self) -> int:
        """Records complete on disk (a torn last line, from a crash mid-write, does not count)."""
        total, index = 0, 0
        while (path := self._segment_path(index)).exists():
            with open(path, "rb") as fh:
                data = fh.read()
            total += data.count(b"\n")
            index += 1
        return total

    def read(self, start: int, limit: int, max_records: int = BATCH_RECORDS,
             max_bytes: int = BATCH_BYTES) -> list[bytes]:
        """Up to ``max_records`` lines (and about ``max_bytes``) from record ``start``, below ``limit``."""
        lines: list[bytes] = []
        size, position = 0, start
        while position < limit and len(lines) < max_records and (size < max_bytes or not lines):
            line = self._line_at(position)
            if line is None:
                break
            if lines and size + len(line) > max_bytes:
                self._unread(position, line)
                break
            lines.append(line)
            size += len(line)
            position += 1
        return lines

    def _line_at(self, position: int) -> bytes | None:
        """The line of record ``position``, reading on from the last one when possible."""
        segment, offset = divmod(position, SEGMENT_RECORDS)
        if self._reader is None or self._reader[0] != segment or self._reader[2] != offset:
            if self._reader is not None:
                self._reader[1].close()
            path = self._segment_path(segment)
            if not path.exists():
                self._reader = None
                return None
            fh = open(path, "rb")
            for _ in range(offset):
                if not fh.readline().endswith(b"\n"):
                    fh.close()
                    self._reader = None
                    return None
            self._reader = (segment, fh, offset)
        _, fh, _ = self._reader
        here = fh.tell()
        line = fh.readline()
        if not line.endswith(b"\n"):           # not written yet, or torn by a crash
            fh.seek(here)
            return None
        self._reader = (segment, fh, offset + 1)
        return line

    def _unread(self, position: int, line: bytes) -> None:
        """Step the reader back over ``line`` so that the next read starts at ``position``."""
        segment, fh, _ = self._reader
        fh.seek(fh.tell() - len(line))
        self._reader = (segment, fh, position % SEGMENT_RECORDS)
