"""Remote scanner mode: scan records go to a local spool first, then to the registry's API.

A scanner on a machine near a file server cannot count on the registry being
up for the hours a scan takes, so nothing it finds is held only in memory:

1. the scan appends its records to a **spool** (:mod:`inventory.scanning.spool`: a folder
   per scan, under ``$INVENTORY_SPOOL_DIR`` or ``instance/spool``): JSON-lines segment
   files of :data:`~inventory.scanning.spool.SEGMENT_RECORDS` records, flushed and
   fsync'ed batch by batch;
2. a **sender** (a thread beside the scan, or ``inventory spool send`` after a
   crash) posts what is durable in batches to ``POST /api/scan-records``
   (:mod:`inventory.web.api`, through :mod:`inventory.scanning.remote_client`) and
   records how far the registry acknowledged in ``acked.json``; an unanswered batch is
   sent again (ingest is idempotent by path, so a batch the registry took twice does no
   harm);
3. when the scan is over and every record acknowledged, the sender finishes
   the run (``complete``, or ``partial`` for a scan that did not get to the
   end) and removes the spool (``INVENTORY_SPOOL_KEEP=1`` keeps it).

The run is begun by an *empty* batch whose answer (the run id) is stored in
the spool's ``meta.json`` before any record is sent: a retried first request
costs at most an empty orphan run, never records split over two runs.

Every transport failure (connection refused or reset, a time-out, an answer
cut off mid-body: :func:`~inventory.scanning.remote_client.transport_failure`), 408, 425,
429 and 5xx are retried with exponential back-off and jitter (0.5 s doubling to
``$INVENTORY_SEND_MAX_DELAY``, default 60 s; a ``Retry-After`` is honoured up
to that cap) until the registry answers or the sender is told to stop
waiting (``$INVENTORY_SEND_WAIT`` after the scan).  Any other 4xx stops the
sender with :class:`Refused` (a bad token, a run of another token): the spool
is kept for ``inventory spool send --token ...``.  A 409 (the run was
finished by someone else) begins a new run for the records still unsent,
finished ``partial``.  The token is never written to the spool.
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from inventory import catalogue
from inventory.scanning.remote_client import DeliveryError, Refused, RegistryClient, RunClosed, env_float
from inventory.scanning.spool import BATCH_RECORDS, Spool


def _(text: str) -> str:
    """``text`` (an English msgid) in the language of what is printed ($INVENTORY_LANG, else Japanese)."""
    return catalogue.gettext(text)


BATCH_ENV = "INVENTORY_SEND_BATCH"


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
        self.client.log(_("remote: scan run %(run)s was already finished; sending the rest to a new "
                          "run (partial)") % {"run": self.spool.meta.get("run")})
        self.spool.update(run=None, finish=True, partial=True)

    def _note(self, answer: dict, sent: int) -> None:
        self.result.sent += sent
        rejected = answer.get("rejected") or []
        if rejected:
            self.result.rejected += len(rejected)
            reasons = sorted({str(r.get("reason"))[:80] for r in rejected})
            self.client.log(_("remote: the registry rejected %(count)s record(s): %(reasons)s") % {
                "count": len(rejected), "reasons": "; ".join(reasons[:3])})
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
            self.client.log(_("remote: scan done; sending the last %(count)s record(s) (waiting up to "
                              "%(seconds)s s)") % {"count": left, "seconds": f"{wait:.0f}"})
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
            self.error = DeliveryError(_("the sender failed: %(problem)s") % {"problem": type(exc).__name__})
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
