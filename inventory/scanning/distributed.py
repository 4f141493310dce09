"""Distributed scans on Celery: workers near each file server scan partitions and post records.

``inventory scan ROOT --distributed --post URL`` is the *coordinator*: it splits each
root into partitions (:func:`~inventory.scanning.partitions.plan_partitions`: the
top-level folders, balanced by how many candidate files each holds, and the files
directly in the root together), begins one run in the registry, sends one
:func:`scan_partition` task per partition through the broker and waits.
``inventory worker`` runs a Celery worker that takes these tasks.

The main path for records is the registry's HTTP API: a task walks its
partition with the scanner's own functions (``walk_root`` limited to the
partition's names, the time- and memory-limited ``inspect_in_pool``,
``mark_duplicates``) and hands the records, through the scan loop of
:mod:`inventory.scanning.loop`, to a :class:`PartitionSink`: a spool and the remote
sender of :mod:`inventory.scanning.remote` posting into the coordinator's run, so a worker
needs no database access, only the registry's URL and a token.  The token
is the worker's own (``INVENTORY_API_TOKEN`` in its environment: secrets do
not travel through the broker) and must be the coordinator's token, since a
run takes records only from the token that began it.

A distributed scan gives the records a local scan gives.  The only record
field that depends on other files, ``duplicate-personal-data`` (a later
byte-identical copy of a personal-data file), is marked by each task within
its partition; tasks return the (root, path, sha256) of their personal-data
records, the coordinator replays ``mark_duplicates`` over them in the local
scan's walk order (:func:`~inventory.scanning.partitions.cross_partition_fixes`), and for the records whose risk differs (a copy whose
original lies in another partition) sends a :func:`fix_duplicates` task
that inspects just those files again and posts them with the right risk
(ingest is idempotent by path: the new record replaces the first).
The run is finished ``complete`` only when every task succeeded.

Configuration (environment of coordinator and workers alike):
``INVENTORY_BROKER_URL`` (default ``redis://127.0.0.1:6379/0``; RabbitMQ:
``amqp://guest:guest@127.0.0.1:5672//``), ``INVENTORY_RESULT_BACKEND``
(default: the broker for Redis, ``rpc://`` for RabbitMQ), ``INVENTORY_QUEUE``
(default ``inventory``); on workers ``INVENTORY_API_TOKEN``, optionally
``INVENTORY_API_URL`` (the registry as this worker reaches it),
``INVENTORY_SCAN_WORKERS`` (inspecting processes per task, default 1),
``INVENTORY_SPOOL_DIR``.  Coordinator and workers must see the share at the
same path.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from itertools import chain

from celery import Celery
from celery.signals import worker_process_init

from scanners.pipeline import inspect_file
from scanners.pool import DEFAULT_TIMEOUT, inspect_in_pool
from scanners.scan import mark_duplicates
from scanners.walk import walk_root

from inventory import catalogue
from inventory.scanning.partitions import DEFAULT_PARTITIONS, cross_partition_fixes, plan_partitions
from inventory.scanning.remote_client import TOKEN_ENV, DeliveryError, RegistryClient, env_float
from inventory.scanning.sinks import RemoteSink
from inventory.scanning.loop import ScanOptions, ScanSummary, scan_into, walk_warning


def _(text: str) -> str:
    """``text`` (an English msgid) in the language of what is printed ($INVENTORY_LANG, else Japanese)."""
    return catalogue.gettext(text)

BROKER_ENV, DEFAULT_BROKER = "INVENTORY_BROKER_URL", "redis://127.0.0.1:6379/0"
BACKEND_ENV, QUEUE_ENV, DEFAULT_QUEUE = "INVENTORY_RESULT_BACKEND", "INVENTORY_QUEUE", "inventory"
SCAN_WORKERS_ENV, API_URL_ENV = "INVENTORY_SCAN_WORKERS", "INVENTORY_API_URL"
SEND_WAIT_ENV, TASK_TIMEOUT_ENV = "INVENTORY_SEND_WAIT", "INVENTORY_TASK_TIMEOUT"
DUPLICATE = "duplicate-personal-data"
#: a task un-acknowledged this long is given to another worker by Redis: longer than any partition
VISIBILITY_TIMEOUT = 24 * 3600


def make_app(broker: str | None = None, backend: str | None = None,
             queue: str | None = None) -> Celery:
    """The Celery app: broker, result backend and queue from the arguments or the environment."""
    broker = broker or os.environ.get(BROKER_ENV) or DEFAULT_BROKER
    backend = backend or os.environ.get(BACKEND_ENV) or (
        broker if broker.startswith(("redis://", "rediss://")) else "rpc://")
    celery = Celery("inventory", broker=broker, backend=backend)
    celery.conf.update(
        task_default_queue=queue or os.environ.get(QUEUE_ENV) or DEFAULT_QUEUE,
        task_serializer="json", result_serializer="json", accept_content=["json"],
        # a partition is minutes to hours of work: one at a time per process, and a worker
        # that dies mid-partition gives it back (ingest is idempotent, so redoing it is safe)
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT},
        broker_connection_retry_on_startup=True, result_expires=7 * 24 * 3600,
        worker_hijack_root_logger=False)
    return celery


app = make_app()


@worker_process_init.connect
def allow_scanner_pool(**_kwargs) -> None:
    """Celery's prefork children are daemonic, and a daemonic process may not start others;
    a task's scan needs its own time-limited inspecting processes (``inspect_in_pool``), which
    stop with the task (or on end of file on their pipe if the child is killed)."""
    multiprocessing.current_process().daemon = False


# ----- scanning a partition (worker) -----
def _warner(unlisted: list | None):
    """A walk's error hook: a warning on stderr, and the folder noted in ``unlisted`` (a
    partition that missed a folder must not let the run call its files removed)."""
    def warn(where: str, exc: OSError) -> None:
        print(walk_warning(where, exc), file=sys.stderr)
        if unlisted is not None:
            unlisted.append(where)
    return warn


def _candidates(slices: list[dict], exclude: Iterable[str], data_only: bool,
                wanted: set | None = None, unlisted: list | None = None) -> Iterator:
    """The partition's candidates, in walk order (``wanted``: only these (root, path))."""
    warn = _warner(unlisted)
    found = chain.from_iterable(
        walk_root(s["root"], tuple(exclude), on_error=warn, data_only=data_only,
                  only=None if s["names"] is None else set(s["names"]))
        for s in slices)
    if wanted is None:
        return found
    return (c for c in found if (c.root, c.path) in wanted)


def _inspected(candidates: Iterable, options: dict) -> Iterator[dict]:
    """Records of candidates, on ``INVENTORY_SCAN_WORKERS`` time-limited processes (0: here)."""
    inspect = inspect_file if options.get("apps", True) else partial(inspect_file, apps=False)
    workers = int(env_float(SCAN_WORKERS_ENV, 1))
    timeout = float(options.get("timeout") or DEFAULT_TIMEOUT)
    if workers == 0:
        return (inspect(c) for c in candidates)
    return inspect_in_pool(candidates, workers=workers, timeout=timeout, inspect=inspect)


def partition_records(slices: list[dict], options: dict, unlisted: list | None = None) -> Iterator[dict]:
    """The records of a partition, as a local scan of the whole root gives them (duplicates
    marked within the partition; see the module docstring for the rest).  Folders that
    cannot be listed are added to ``unlisted``."""
    data_only = not options.get("apps", True)
    found = _candidates(slices, options.get("exclude", ()), data_only, unlisted=unlisted)
    return mark_duplicates(_inspected(found, options))


def personal_digest(record: dict) -> list | None:
    """What the coordinator needs to mark copies across partitions: root, path and sha256."""
    if record.get("sha256") and record["personal"]["present"]:
        return [record["root"], record["path"], record["sha256"]]
    return None


class PartitionSink(RemoteSink):
    """The records of one partition, posted through a spool into the coordinator's run
    (which the coordinator finishes); the (root, path, sha256) of personal-data records
    are noted for the check of copies across partitions.

    The token is the worker's own (``INVENTORY_API_TOKEN``: secrets do not travel through
    the broker), the URL ``INVENTORY_API_URL`` if set (the registry as this worker reaches it).
    """

    def __init__(self, url: str, run: int):
        super().__init__(os.environ.get(API_URL_ENV) or url, os.environ.get(TOKEN_ENV, ""),
                         run=run, finish=False)
        self.digests: list[list] = []

    def open(self, options: ScanOptions) -> None:
        if not self.token:
            raise DeliveryError(_("%(variable)s is not set on this worker") % {"variable": TOKEN_ENV})
        super().open(options)

    def add(self, record: dict) -> None:
        super().add(record)
        digest = personal_digest(record)
        if digest:
            self.digests.append(digest)

    def close(self, summary: ScanSummary) -> None:
        self.result = self.writer.close(summary.finished, wait=self.wait)    # even when stopped

    def delivered(self, summary: ScanSummary) -> dict:
        """What a task returns; raise :class:`DeliveryError` if the records could not all be
        delivered within ``INVENTORY_SEND_WAIT`` seconds of the scan's end."""
        if not self.result.delivered:
            raise self.result.error or DeliveryError("records not delivered")
        return {"records": summary.records, "rejected": self.result.rejected}


def deliver(url: str, run: int, slices: list[dict], records: Iterable[dict]) -> tuple[dict, PartitionSink]:
    """Post a partition's ``records`` into ``run`` (the scan loop with a :class:`PartitionSink`);
    (what the task returns, the sink)."""
    sink = PartitionSink(url, run)
    scan = ScanOptions(roots=tuple(s["root"] for s in slices), progress=False)
    return sink.delivered(scan_into(scan, [sink], records=records)), sink


@app.task(name="inventory.scan_partition")
def scan_partition(url: str, run: int, slices: list[dict], options: dict) -> dict:
    """Scan one partition and post its records into the coordinator's run."""
    unlisted: list[str] = []
    summary, sink = deliver(url, run, slices, partition_records(slices, options, unlisted))
    return dict(summary, digests=sink.digests, unlisted=len(unlisted))


@app.task(name="inventory.fix_duplicates")
def fix_duplicates(url: str, run: int, slices: list[dict], fixes: list, options: dict) -> dict:
    """Inspect again the files whose ``duplicate-personal-data`` risk depends on another
    partition; post them with the risk a local scan gives (``fixes``: [root, path, sha256, risks])."""
    wanted = {(root, path): (sha256, risks) for root, path, sha256, risks in fixes}
    found = _candidates(slices, options.get("exclude", ()), not options.get("apps", True), set(wanted))

    def corrected(records: Iterable[dict]) -> Iterator[dict]:
        for record in records:
            sha256, risks = wanted[(record["root"], record["path"])]
            record["risks"] = [r for r in record["risks"] if r["code"] != DUPLICATE]
            if record.get("sha256") == sha256:      # the file did not change since
                record["risks"].extend(risks)
            yield record

    return deliver(url, run, slices, corrected(_inspected(found, options)))[0]


# ----- the coordinator -----
def _wait(results: list, timeout: float, log: Callable[[str], None], what: str) -> list[dict | None]:
    """Each task's result, or None for a task that failed or did not end in time."""
    deadline = time.monotonic() + timeout
    answers: list[dict | None] = []
    for index, result in enumerate(results):
        try:
            answer = result.get(timeout=max(1.0, deadline - time.monotonic()), propagate=False)
        except Exception as exc:          # celery's TimeoutError, a broker gone away
            answer = exc
        _forget(result)
        if isinstance(answer, BaseException) or not isinstance(answer, dict):
            reason = type(answer).__name__ if isinstance(answer, BaseException) else "no result"
            detail = str(answer)[:200] if isinstance(answer, DeliveryError) else ""
            log((_("distributed: %(what)s %(number)s failed: %(reason)s") % {
                "what": what, "number": index + 1, "reason": reason} + f" {detail}").rstrip())
            answers.append(None)
        else:
            answers.append(answer)
    return answers


def _forget(result) -> None:
    """Drop a task's stored result once read (the result backend is no archive)."""
    try:
        result.forget()
    except Exception:                     # rpc:// keeps nothing to forget
        pass


def run_distributed(roots: Iterable[str], url: str, token: str, partitions: int = DEFAULT_PARTITIONS,
                    options: dict | None = None, log: Callable[[str], None] | None = None) -> dict:
    """Coordinate a distributed scan: plan, begin the run, send the tasks, wait, finish.

    Returns ``{"run", "status", "totals", "complete", "partitions", "fixed", "records"}``.
    Interrupted (Ctrl-C, SIGTERM), it revokes the tasks not yet started and finishes the
    run partial if the registry answers within seconds.
    """
    log = log or (lambda message: print(message, file=sys.stderr))
    options = dict(options or {})
    options["exclude"] = list(options.get("exclude") or ())
    plan = plan_partitions(roots, partitions, options["exclude"], options.get("apps", True))
    client = RegistryClient(url, token, log=log)
    sent: list = []
    try:
        run = client.post(b"[]", root=plan["roots"])["run"]
        log(_("distributed: scan run %(run)s, %(count)s partition(s)") % {"run": run, "count": len(plan["partitions"])})
        try:
            outcome = _scan_partitions(plan, url, run, options, log, sent)
        except BaseException:
            _abandon(client, run, sent)
            raise
        answer = client.post(b"[]", run=run, finish="complete" if outcome["complete"] else "partial")
    finally:
        client.close()
    return dict(outcome, run=run, status=answer.get("status"), totals=answer.get("totals") or {},
                partitions=len(plan["partitions"]))


def _scan_partitions(plan: dict, url: str, run: int, options: dict, log: Callable[[str], None],
                     sent: list) -> dict:
    """Scan every partition, then check copies across partitions again; what came of it."""
    timeout = env_float(TASK_TIMEOUT_ENV, 24 * 3600)
    sent.extend(scan_partition.apply_async((url, run, slices, options)) for slices in plan["partitions"])
    answers = _wait(sent, timeout, log, _("partition"))
    # a partition that could not list a folder did not see its files: the run is partial
    outcome = {"complete": all(a is not None and not a.get("unlisted") for a in answers), "fixed": 0,
               "records": sum(a["records"] for a in answers if a)}
    if outcome["complete"]:
        fixes = cross_partition_fixes(plan, [a["digests"] for a in answers])
        checks = [fix_duplicates.apply_async((url, run, plan["partitions"][i], f, options))
                  for i, f in sorted(fixes.items())]
        sent.extend(checks)
        outcome["complete"] = all(a is not None for a in _wait(checks, timeout, log, _("copy check")))
        outcome["fixed"] = sum(len(f) for f in fixes.values())
    return outcome


def _abandon(client: RegistryClient, run: int, sent: list) -> None:
    """Revoke tasks not started yet; finish the run partial if the registry answers in 10 s."""
    for result in sent:
        try:
            result.revoke()
        except Exception:                 # the broker is gone too: the tasks will fail on their own
            pass
    timer = threading.Timer(10.0, client.stop.set)
    timer.start()
    try:
        client.post(b"[]", run=run, finish="partial")
    except Exception:
        pass
    finally:
        timer.cancel()
