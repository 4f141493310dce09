"""Remote scanner mode: scan records go to a local spool first, then to the registry's API.

A scanner on a machine near a file server cannot count on the registry being
up for the hours a scan takes, so nothing it finds is held only in memory:

1. the scan appends its records to a **spool** (a folder per scan, under
   ``$INVENTORY_SPOOL_DIR`` or ``instance/spool``): JSON-lines segment files
   of :data:`SEGMENT_RECORDS` records, flushed and fsync'ed batch by batch;
2. a **sender** (a thread beside the scan, or ``inventory spool send`` after a
   crash) posts what is durable in batches to ``POST /api/scan-records``
   (:mod:`inventory.web.api`) and records how far the registry acknowledged in
   ``acked.json``; an unanswered batch is sent again (ingest is idempotent by
   path, so a batch the registry took twice does no harm);
3. when the scan is over and every record acknowledged, the sender finishes
   the run (``complete``, or ``partial`` for a scan that did not get to the
   end) and removes the spool (``INVENTORY_SPOOL_KEEP=1`` keeps it).

The run is begun by an *empty* batch whose answer (the run id) is stored in
the spool's ``meta.json`` before any record is sent: a retried first request
costs at most an empty orphan run, never records split over two runs.

Every transport failure (connection refused or reset, a time-out, an answer
cut off mid-body: :func:`transport_failure`), 408, 425, 429 and 5xx are retried
with exponential back-off and jitter (0.5 s doubling to
``$INVENTORY_SEND_MAX_DELAY``, default 60 s; a ``Retry-After`` is honoured up
to that cap) until the registry answers or the sender is told to stop
waiting (``$INVENTORY_SEND_WAIT`` after the scan).  Any other 4xx stops the
sender with :class:`Refused` (a bad token, a run of another token): the spool
is kept for ``inventory spool send --token ...``.  A 409 (the run was
finished by someone else) begins a new run for the records still unsent,
finished ``partial``.  The token is never written to the spool.
"""
from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import os
import random
import shutil
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from scanners.private_files import open_private, private_folder

SPOOL_ENV = "INVENTORY_SPOOL_DIR"
TOKEN_ENV = "INVENTORY_API_TOKEN"
KEEP_ENV = "INVENTORY_SPOOL_KEEP"
MAX_DELAY_ENV = "INVENTORY_SEND_MAX_DELAY"
BATCH_ENV = "INVENTORY_SEND_BATCH"
ENDPOINT = "/api/scan-records"
#: records per segment file (a crashed sender skips at most this many lines to resume)
SEGMENT_RECORDS = 5000
#: records and bytes per request (the API takes up to 32 MiB and 100,000 records)
BATCH_RECORDS, BATCH_BYTES = 500, 4 << 20
RETRY_BASE, RETRY_CAP = 0.5, 60.0
#: seconds to connect, seconds to wait for the registry's answer to one batch
HTTP_TIMEOUT = (10.0, 120.0)
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
META, ACKED, LOCK = "meta.json", "acked.json", "lock"


class DeliveryError(Exception):
    """Records could not be delivered; they stay in the spool."""


class Refused(DeliveryError):
    """The registry refused a request for good (bad token, unknown run ...): retrying is useless."""

    def __init__(self, status: int, reason: str):
        super().__init__(f"the registry refused the records (HTTP {status}: {reason})")
        self.status, self.reason = status, reason


class Unreachable(DeliveryError):
    """The registry did not take the records before we stopped waiting for it."""


class SpoolBusy(Exception):
    """Another process (a scan still running, another sender) holds the spool."""


class RunClosed(Exception):
    """HTTP 409: the run was finished before these records arrived."""


# ----- where things are -----
def spool_home(folder: str | os.PathLike | None = None) -> Path:
    """The folder holding spools: ``folder``, ``$INVENTORY_SPOOL_DIR``, else ``instance/spool``."""
    if folder:
        return Path(folder)
    if os.environ.get(SPOOL_ENV):
        return Path(os.environ[SPOOL_ENV])
    instance = os.environ.get("INVENTORY_INSTANCE_PATH") or Path.cwd() / "instance"
    return Path(instance) / "spool"


def endpoint(url: str) -> str:
    """The scan-records endpoint of a registry named by its base URL or by the endpoint itself."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("the registry URL must start with http:// or https://")
    path = parts.path.rstrip("/")
    if not path.endswith(ENDPOINT):
        path += ENDPOINT
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


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


# ----- talking to the registry -----
def retry_delay(attempt: int, cap: float, retry_after: float | None = None) -> float:
    """Exponential back-off with jitter: half the doubled delay fixed, half random; at most ``cap``."""
    ceiling = min(cap, RETRY_BASE * 2 ** attempt)
    delay = ceiling / 2 + random.uniform(0, ceiling / 2)
    if retry_after is not None:
        delay = max(delay, min(retry_after, cap))
    return delay


def _retry_after(response) -> float | None:
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None


def transport_failure(exc: Exception) -> bool:
    """Whether ``exc`` (raised by requests) may pass if the request is sent again: refused or
    reset connections, time-outs, a body cut off mid-way (``ChunkedEncodingError``) and the like.
    Not a malformed URL or header (requests raises those as ``ValueError``s): they never pass."""
    import requests

    return isinstance(exc, requests.RequestException) and not isinstance(exc, ValueError)


class _CutOff(Exception):
    """A 2xx answer that claims to be JSON but does not parse: cut off on its way."""


def _answer(response) -> dict:
    """The JSON of a 2xx answer.  JSON that does not parse was cut off (retried); anything that
    is not JSON at all (a proxy's login page) is a refusal."""
    try:
        answer = response.json()
    except ValueError:
        if "json" in response.headers.get("Content-Type", ""):
            raise _CutOff() from None
        answer = None
    if not isinstance(answer, dict):
        raise Refused(response.status_code, "the answer is not the registry's JSON")
    return answer


def _reason(response) -> str:
    """The registry's own reason for an error (``{"error": ...}``), never a record's content."""
    try:
        return str(response.json().get("error"))[:200]
    except ValueError:
        return response.reason or "error"


class RegistryClient:
    """Posts batches to ``/api/scan-records`` with a bearer token, retrying what may succeed later.

    ``stop`` (an Event) ends waiting: a retry that would come after it is set
    raises :class:`Unreachable`.
    """

    def __init__(self, url: str, token: str, max_delay: float | None = None,
                 stop: threading.Event | None = None, log: Callable[[str], None] | None = None,
                 timeout: tuple[float, float] = HTTP_TIMEOUT):
        import requests

        self.url = endpoint(url)
        self.http = requests.Session()
        self.http.headers.update({"Authorization": f"Bearer {token}",
                                  "Content-Type": "application/x-ndjson; charset=utf-8"})
        self.max_delay = env_float(MAX_DELAY_ENV, RETRY_CAP) if max_delay is None else max_delay
        self.stop = stop or threading.Event()
        self.log = log or (lambda message: print(message, file=sys.stderr))
        self.retries = 0
        self.timeout = timeout

    def post(self, body: bytes, **params) -> dict:
        """POST one batch (JSON lines, or ``[]``); the answer's JSON.  Retries; raises
        :class:`Refused`, :class:`RunClosed` or :class:`Unreachable`."""
        import requests

        attempt = 0
        while True:
            if self.stop.is_set():
                raise Unreachable("stopped waiting for the registry")
            retry_after = None
            try:
                response = self.http.post(self.url, params=params, data=body, timeout=self.timeout)
                if response.ok:
                    return _answer(response)
            except _CutOff:
                problem = "the registry's answer was cut off"
            except requests.RequestException as exc:
                if not transport_failure(exc):
                    raise
                problem = f"cannot reach the registry ({type(exc).__name__})"
            else:
                if response.status_code == 409:
                    raise RunClosed(_reason(response))
                if response.status_code not in RETRY_STATUSES:
                    raise Refused(response.status_code, _reason(response))
                problem = f"the registry answered HTTP {response.status_code}"
                retry_after = _retry_after(response)
            delay = retry_delay(attempt, self.max_delay, retry_after)
            if attempt == 0 or attempt % 5 == 0:
                self.log(f"remote: {problem}; retrying (next in {delay:.1f} s)")
            self.retries += 1
            attempt += 1
            if self.stop.wait(delay):
                raise Unreachable(f"stopped waiting for the registry: {problem}")

    def close(self) -> None:
        self.http.close()


# ----- the sender -----
@dataclass
class Delivery:
    """What a sender achieved: ``delivered`` is true when every record is in a finished run
    (or, for a partition of a distributed scan, in the coordinator's run)."""

    delivered: bool = False
    run: int | None = None
    status: str | None = None
    sent: int = 0
    rejected: int = 0
    totals: dict = field(default_factory=dict)
    error: DeliveryError | None = None


class SpoolSender:
    """Sends a spool's durable records in order and finishes its run when the scan is over."""

    def __init__(self, spool: Spool, client: RegistryClient, batch_records: int | None = None):
        self.spool, self.client = spool, client
        self.batch_records = batch_records or int(env_float(BATCH_ENV, BATCH_RECORDS))
        self.acked = spool.acked()
        self.result = Delivery(run=spool.meta.get("run"))
        self.restarted = False

    def begin(self) -> int:
        """The spool's run, begun with an empty batch if it has none yet (id stored before use)."""
        run = self.spool.meta.get("run")
        if run is None:
            answer = self.client.post(b"[]", root=self.spool.meta["roots"])
            run = answer["run"]
            self.spool.update(run=run)
        self.result.run = run
        return run

    def send(self, limit: int) -> None:
        """Send records ``acked .. limit`` in batches, saving the acknowledged count after each."""
        while self.acked < limit:
            lines = self.spool.read(self.acked, limit, self.batch_records)
            if not lines:
                return
            try:
                answer = self.client.post(b"".join(lines), run=self.begin())
            except RunClosed as exc:
                self._new_run(exc)
                continue
            self.acked += len(lines)
            self.spool.save_acked(self.acked)
            self._note(answer, len(lines))

    def _new_run(self, closed: RunClosed) -> None:
        """The run was finished elsewhere: the rest goes to a new run, which ends partial
        (once: a run of our own that is closed at once is a refusal)."""
        if self.restarted:
            raise Refused(409, str(closed))
        self.restarted = True
        self.client.log(f"remote: run {self.spool.meta.get('run')} was already finished; "
                        "sending the rest to a new run (partial)")
        self.spool.update(run=None, finish=True, partial=True)

    def _note(self, answer: dict, sent: int) -> None:
        self.result.sent += sent
        rejected = answer.get("rejected") or []
        if rejected:
            self.result.rejected += len(rejected)
            reasons = sorted({str(r.get("reason"))[:80] for r in rejected})
            self.client.log(f"remote: the registry rejected {len(rejected)} record(s): "
                            + "; ".join(reasons[:3]))
        self.result.totals = answer.get("totals") or self.result.totals
        self.result.status = answer.get("status")

    def finish(self) -> Delivery:
        """After the last record: finish the run (when this spool owns it) and drop the spool."""
        if self.spool.meta.get("finish"):
            run = self.begin()
            how = "partial" if self.spool.meta.get("partial") or self.spool.meta["scan"] != "complete" \
                else "complete"
            try:
                answer = self.client.post(b"[]", run=run, finish=how)
                self._note(answer, 0)
            except RunClosed:          # our own finish went through and its answer was lost
                self.result.status = self.result.status or "finished"
        self.result.delivered = True
        self.spool.remove()
        return self.result


class RemoteWriter:
    """The scan side of remote mode: ``add`` records, ``close``; a thread sends meanwhile.

    Records reach the spool in batches of ``flush_records`` or every
    ``flush_seconds`` (one fsync each); the sender thread posts them as they
    become durable.  ``add`` raises :class:`Refused` once the registry has
    refused us for good, so that the scan stops early.
    """

    def __init__(self, spool: Spool, client: RegistryClient, flush_records: int = 200,
                 flush_seconds: float = 1.0, batch_records: int | None = None):
        self.spool, self.client = spool, client
        self.sender = SpoolSender(spool, client, batch_records)
        self.flush_records, self.flush_seconds = flush_records, flush_seconds
        self._buffer: list[bytes] = []
        self._last_flush = time.monotonic()
        self._durable = spool.written
        self._closed = False
        self._wake = threading.Condition()
        self.error: DeliveryError | None = None
        self._thread = threading.Thread(target=self._run, name="inventory-sender", daemon=True)
        self._thread.start()

    def add(self, record: dict) -> None:
        if isinstance(self.error, Refused):
            raise self.error
        self._buffer.append((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
        if len(self._buffer) >= self.flush_records or \
                time.monotonic() - self._last_flush >= self.flush_seconds:
            self.flush()

    def flush(self) -> None:
        """Make buffered records durable and tell the sender."""
        if self._buffer:
            durable = self.spool.append(self._buffer)
            self._buffer = []
            with self._wake:
                self._durable = durable
                self._wake.notify()
        self._last_flush = time.monotonic()

    def close(self, complete: bool, wait: float) -> Delivery:
        """End the scan (``complete``: it got to the end); wait up to ``wait`` seconds for delivery."""
        self.flush()
        self.spool.update(scan="complete" if complete else "partial")
        with self._wake:
            self._closed = True
            self._wake.notify()
        left = self._durable - self.sender.acked
        if left > 0 and self._thread.is_alive():
            self.client.log(f"remote: scan done; sending the last {left} record(s) "
                            f"(waiting up to {wait:.0f} s)")
        self._thread.join(wait)
        if self._thread.is_alive():
            self.client.stop.set()
            self._thread.join()
        result = self.sender.result
        result.error = self.error
        if not result.delivered:
            self.spool.release()
        self.client.close()
        return result

    def _run(self) -> None:
        try:
            self.sender.begin()
            while True:
                with self._wake:
                    while self._durable <= self.sender.acked and not self._closed:
                        self._wake.wait()
                    durable, closed = self._durable, self._closed
                self.sender.send(durable)
                if closed and self.sender.acked >= durable:
                    self.sender.finish()
                    return
        except DeliveryError as exc:
            self.error = exc
            self.client.log(f"remote: {exc}")
        except Exception as exc:          # a bug or a full disk: reported, the spool is kept
            self.error = DeliveryError(f"the sender failed: {type(exc).__name__}")
            self.client.log(f"remote: {self.error}")


def send_spool(spool: Spool, token: str, wait: float | None = None,
               log: Callable[[str], None] | None = None) -> Delivery:
    """Send what is left of a spool (after a crash, or when the registry was down too long).

    A scan that never closed its spool is finished partial.  ``wait``: seconds
    to keep retrying (None: until delivered).
    """
    spool.lock()
    stop = threading.Event()
    timer = threading.Timer(wait, stop.set) if wait is not None else None
    client = RegistryClient(spool.meta["url"], token, stop=stop, log=log)
    try:
        if timer:
            timer.start()
        if spool.meta["scan"] == "running":
            spool.update(scan="partial")
        sender = SpoolSender(spool, client)
        try:
            sender.begin()
            sender.send(spool.durable())
            return sender.finish()
        except DeliveryError as exc:
            sender.result.error = exc
            return sender.result
    finally:
        if timer:
            timer.cancel()
        client.close()
        spool.release()
