"""Ingest scan records into the registry: idempotent, in batches, keeping human decisions.

A run is ``begin_run`` → ``ingest_records`` (any number of times, any batch
size) → ``finish_run``.  While records come in:

- a record at a known path updates that asset: *unchanged* (same facts: only
  ``last_seen`` moves), *changed* (other content), *returned* (it was removed);
- a record at a new path whose content an asset has that this run has not
  seen (yet) is kept as a :class:`~inventory.models.PendingRecord`;
- any other record is a *new* asset.

``finish_run`` then decides the pending records (a *move*: the unseen asset
takes the new path, keeping its id and every decision; otherwise a new
asset, a copy), marks assets under the run's roots it did not see as
*removed* (complete runs only), and links byte-identical copies.

Scan facts and findings are rewritten from records; triage fields,
dismissals and a department set by hand are never touched.  Nothing is
committed here: callers commit (``RegistryWriter`` once per batch).
"""
from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Callable, Iterable
from itertools import islice

from sqlalchemy import bindparam, insert, update

from scanners.record import RecordError, check_record

from inventory.registry.finish import finish_run, move_candidates, move_key
from inventory.registry.rows import normalise_root
from inventory.registry.shares import ShareIndex
from inventory.registry.write import (ASSET, assets_at_paths, complete_row, insert_new_assets, one_of,
                           prepare_row, refresh_assets)
from inventory.models import AssetStatus, PendingRecord, ScanRun, Share, User, utcnow

BATCH_SIZE = 1000


def begin_run(session, roots: Iterable[str] = (), share: Share | None = None, source: str = "cli",
              user: User | None = None) -> ScanRun:
    """Start a scan run over ``roots`` (more are added as records name them); flushed, not committed."""
    run = ScanRun(share_id=share.id if share else None, source=source,
                  roots=sorted({normalise_root(r) for r in roots}),
                  started_by_id=user.id if user else None)
    session.add(run)
    session.flush()
    return run


def ingest_records(session, records: Iterable[dict], scan_run: ScanRun,
                   batch_size: int = BATCH_SIZE) -> int:
    """Write ``records`` into the registry as part of ``scan_run``; return how many were ingested.

    Records that are not scan records are counted in ``scan_run.rejected`` and skipped.
    """
    shares = ShareIndex.load(session)
    done = 0
    records = iter(records)
    while chunk := list(islice(records, batch_size)):
        done += _ingest_batch(session, chunk, scan_run, shares)
    return done


def _ingest_batch(session, chunk: list[dict], run: ScanRun, shares: ShareIndex) -> int:
    rows, rejected = prepare_batch(chunk, run.share_id, shares)
    return write_batch(session, rows, rejected, run, shares)


def prepare_batch(chunk: list[dict], share_id: int | None, shares: ShareIndex,
                  complete: bool = False) -> tuple[list[dict], int]:
    """The rows of ``chunk`` (first record per path) and how many were not scan records.

    No database: this part may run while the previous batch is written.
    ``complete`` adds the scan facts and findings now (else only for the rows
    that turn out to need them, unchanged ones do not).
    """
    rows, rejected = [], 0
    for record in chunk:
        try:
            check_record(record)
        except RecordError:
            rejected += 1
            continue
        rows.append(prepare_row(record, share_id, shares))
    rows = _first_per_path(rows)
    if complete:
        for row in rows:
            complete_row(row)
    return rows, rejected


def write_batch(session, rows: list[dict], rejected: int, run: ScanRun, shares: ShareIndex) -> int:
    """Write prepared rows (:func:`prepare_batch`) as part of ``run``; return how many."""
    run.rejected += rejected
    if not rows:
        if rejected:
            session.add(run)
            session.flush()
        return 0
    _note_roots(run, rows)
    now = utcnow()
    existing = assets_at_paths(session, rows)
    touched, refreshed, fresh = [], [], []
    for row in rows:
        old = existing.get((row["values"]["root"], row["values"]["path"]))
        if old is None:
            fresh.append(row)
        elif old.facts_digest == row["values"]["facts_digest"] and old.status != AssetStatus.removed:
            touched.append((old, row))
        else:
            refreshed.append((old, row))
    _touch(session, touched, run, now)
    refresh_assets(session, refreshed, run, now)
    pending, fresh = _hold_possible_moves(session, fresh, run, shares)
    insert_new_assets(session, fresh, run, now)
    if pending:
        session.execute(insert(PendingRecord.__table__),
                        [{"run_id": run.id, "sha256": r["values"]["sha256"], "record": r["record"]}
                         for r in pending])
    run.records += len(rows)
    run.errors += sum(r["values"]["status"] in ("error", "encrypted") for r in rows)
    session.add(run)
    session.flush()
    return len(rows)


def _first_per_path(rows: list[dict]) -> list[dict]:
    """Drop records for a path already given earlier in the batch."""
    seen, out = set(), []
    for row in rows:
        key = (row["values"]["root"], row["values"]["path"])
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


def _note_roots(run: ScanRun, rows: list[dict]) -> None:
    """Add the roots the records came from to the run's roots."""
    seen = {r["origin_root"] for r in rows}
    if not seen <= set(run.roots):
        run.roots = sorted(set(run.roots) | seen)


def _touch(session, touched: list, run: ScanRun, now) -> None:
    """Unchanged assets: move ``last_seen``; re-apply the share mapping if it changed."""
    if not touched:
        return
    ids = [old.id for old, _ in touched]
    for start in range(0, len(ids), 5000):
        session.execute(update(ASSET).where(one_of(session, ASSET.c.id, ids[start:start + 5000]))
                        .values(last_seen_run_id=run.id, last_seen_at=now))
    moved_department = [{"_id": old.id, "_dept": row["department_id"]} for old, row in touched
                        if not old.department_manual and old.department_id != row["department_id"]]
    if moved_department:
        session.execute(update(ASSET).where(ASSET.c.id == bindparam("_id"))
                        .values(department_id=bindparam("_dept")), moved_department)
    run.unchanged += len(touched)


def _hold_possible_moves(session, fresh: list[dict], run: ScanRun,
                         shares: ShareIndex) -> tuple[list, list]:
    """Split records at new paths into (pending: an unseen or removed asset of their share has
    their content, new)."""
    keys = {move_key(r) for r in fresh if r["values"]["sha256"]}
    candidates = move_candidates(session, keys, run, shares.scopes(run.roots, run.share_id))
    pending = [r for r in fresh if move_key(r) in candidates]
    return pending, [r for r in fresh if move_key(r) not in candidates]


_SWITCHING = {"users": 0, "saved": None}
_SWITCHING_LOCK = threading.Lock()


def _fast_switching(on: bool, interval: float = 0.0) -> None:
    """Lower the GIL's switch interval while any writer thread runs; restore it after the last."""
    with _SWITCHING_LOCK:
        if on:
            if _SWITCHING["users"] == 0:
                _SWITCHING["saved"] = sys.getswitchinterval()
                sys.setswitchinterval(min(_SWITCHING["saved"], interval))
            _SWITCHING["users"] += 1
        else:
            _SWITCHING["users"] -= 1
            if _SWITCHING["users"] == 0:
                sys.setswitchinterval(_SWITCHING["saved"])


class RegistryWriter:
    """Write records into the registry while a scan runs: ``add`` each, then ``close``.

    One session of ``session_factory`` is used throughout; a commit follows
    every ``batch_size`` records, so the registry shows progress.  ``roots``
    are the scan's roots as given; records naming one get its absolute path
    as their root, so a share is keyed the same from any working directory.
    Used as a context manager, an exception closes the run incomplete
    (status "partial": nothing is marked removed).

    Batches are written by a thread of the writer's own while the caller goes
    on: the caller's thread prepares batch N+1 (digests, asset rows, findings:
    Python) while batch N is in the database (mostly the server's time), so
    the two overlap instead of taking turns.  At most one prepared batch
    waits; an error in the writing thread is raised from the next ``add`` or
    from ``close``.  The shares and their mappings are read once, at the start.
    """

    #: the GIL's switch interval while batches are written: the writing thread
    #: gets the GIL back soon after each answer of the server (default 5 ms)
    SWITCH_INTERVAL = 0.0005

    def __init__(self, session_factory: Callable, roots: Iterable[str] = (),
                 share: Share | None = None, user: User | None = None, source: str = "cli",
                 batch_size: int = BATCH_SIZE, absolute_roots: bool = True):
        import os

        roots = list(roots)
        self._root_names = {r: os.path.abspath(r) if absolute_roots and "://" not in r else r
                            for r in roots}          # smb:// URLs are not local paths
        self._session = session_factory()
        self._buffer: list[dict] = []
        self._batch_size = batch_size
        self._closed = False
        self.run = begin_run(self._session, self._root_names.values(), share=share,
                             source=source, user=user)
        self._session.commit()
        self._shares = ShareIndex.load(self._session)
        self._share_id = self.run.share_id
        self._complete_early = True                  # until a batch shows most rows unchanged
        self._queue: queue.Queue = queue.Queue(maxsize=1)
        self._thread = None
        self._failure: BaseException | None = None

    def add(self, record: dict) -> None:
        """Queue one scan record; every ``batch_size`` records are written and committed."""
        if isinstance(record, dict) and record.get("root") in self._root_names:
            record = dict(record, root=self._root_names[record["root"]])
        self._buffer.append(record)
        if len(self._buffer) >= self._batch_size:
            self._hand_off()

    def _hand_off(self) -> None:
        """Prepare the buffered records here and give them to the writing thread."""
        self._raise_failure()
        if not self._buffer:
            return
        batch = prepare_batch(self._buffer, self._share_id, self._shares, complete=self._complete_early)
        self._buffer = []
        if self._thread is None:
            self._start_thread()
        self._queue.put(batch)
        self._raise_failure()

    def _start_thread(self) -> None:
        _fast_switching(True, self.SWITCH_INTERVAL)
        self._thread = threading.Thread(target=self._write_batches, name="registry-writer", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        """Return once every full batch handed over so far is committed (or has failed)."""
        self._queue.join()
        self._raise_failure()

    def _write_batches(self) -> None:
        while (batch := self._queue.get()) is not None:
            try:
                if self._failure is None:            # else drain: the caller raises the failure
                    self._write(*batch)
            except BaseException as exc:             # noqa: BLE001 (handed to the caller)
                self._failure = exc
            finally:
                self._queue.task_done()
        self._queue.task_done()

    def _write(self, rows: list[dict], rejected: int) -> None:
        unchanged = self.run.unchanged
        write_batch(self._session, rows, rejected, self.run, self._shares)
        self._session.commit()
        # complete the next batch's rows early only if most rows of this one were written
        self._complete_early = (self.run.unchanged - unchanged) * 2 <= len(rows)

    def _stop_thread(self) -> None:
        """Let the writing thread finish what it was given, and end it."""
        if self._thread is None:
            return
        self._queue.put(None)
        self._thread.join()
        self._thread = None
        _fast_switching(False)

    def _raise_failure(self) -> None:
        if self._failure is not None:
            self._stop_thread()                      # it writes nothing more once it failed
            failure, self._failure = self._failure, None
            self._buffer = []
            raise failure

    def _flush(self) -> None:
        self._hand_off()
        self._stop_thread()
        self._raise_failure()

    def close(self, complete: bool = True) -> ScanRun:
        """Write what is queued, finish the run (moves, removals, copies), commit; return the run."""
        if self._closed:
            return self.run
        self._closed = True
        try:
            self._flush()
            finish_run(self._session, self.run, complete=complete)
            self._session.commit()
            return self.run
        finally:
            self._stop_thread()
            self._session.close()

    def __enter__(self) -> RegistryWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._closed:
            return
        if exc_type is None:
            self.close()
            return
        self._buffer = []
        self._stop_thread()
        self._failure = None
        self._session.rollback()
        self.close(complete=False)
