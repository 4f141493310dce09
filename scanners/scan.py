"""Scan roots: walk them and inspect every candidate file, one record per file.

With a :class:`~scanners.state.ScanState` the scan is incremental: unchanged
files are carried forward from the state cache without being opened, files
whose time or inode changed are hashed and carried forward when their bytes
did not change, and every record is written to the cache as it completes
(a killed scan resumes where it stopped).  ``full=True`` reads every file and
rewrites the cache.  Records are the same either way, in walk order.  A
caller that writes JSON lines may take the unchanged files' records as
their lines (``lines=True``: :class:`~scanners.state.Carried`), which
spares parsing and serialising most of a re-scan's records.
"""
from __future__ import annotations

import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from functools import partial
from itertools import islice

from .pipeline import inspect_file
from .pool import DEFAULT_MEMORY_LIMIT, DEFAULT_TIMEOUT, Ready, default_workers, inspect_in_pool
from .record import risk
from .state import Carried, Contents, Plan, ScanState, known_record
from .walk import Candidate, is_smb_root, walk_roots, walk_warning

#: candidates planned together (scanners.state.ScanState.plan_many): few enough that the first
#: changed file of a batch still reaches a worker while the walk goes on
PLAN_BATCH = 32


def scan_roots(roots: Iterable[str], workers: int | None = None,
               timeout: float = DEFAULT_TIMEOUT, exclude: Iterable[str] = (),
               memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
               on_candidate: Callable[[Candidate], None] | None = None,
               on_done: Callable[[dict], None] | None = None,
               on_dir: Callable[[str], None] | None = None,
               apps: bool = True, state: ScanState | None = None, full: bool = False,
               throttle: float = 0.0,
               on_walk_error: Callable[[str, OSError], None] | None = None,
               lines: bool = False) -> Iterator[dict | Carried]:
    """Yield the scan record of every candidate file under ``roots``, in walk order.

    ``workers`` processes inspect files in parallel (default: one per core),
    each file under ``timeout`` seconds and ``memory_limit`` bytes.
    ``workers=0`` inspects in this process, with no time limit (for debugging).
    A later byte-identical copy of a personal-data file gets the
    ``duplicate-personal-data`` risk.  ``apps=False`` looks for personal data
    only: no app facts, no shadow-IT kinds, no cloud-sync folders.
    ``state`` makes the scan incremental and resumable (module docstring);
    ``throttle`` seconds are waited before each file is read, to spare a busy
    file server.  The state's ``counts`` tell how many files were reused and read.
    Folders that cannot be listed go to ``on_walk_error``; the state then forgets nothing.
    ``lines``: an unchanged file's record comes as a :class:`~scanners.state.Carried` (its
    JSON line), every other record as a dict; by default every record is a dict.
    """
    roots = list(roots)
    unlisted: list[str] = []

    def walk_error(where: str, exc: OSError) -> None:
        unlisted.append(where)
        if on_walk_error is not None:
            on_walk_error(where, exc)          # the caller words the warning
        else:
            print(walk_warning(where, exc), file=sys.stderr)

    candidates = walk_roots(roots, exclude=exclude, on_dir=on_dir, data_only=not apps,
                            on_error=walk_error)
    inspect = inspect_file if apps else partial(inspect_file, apps=False)
    if throttle > 0:
        inspect = partial(throttled, inspect=inspect, seconds=throttle)
    if on_candidate is not None:
        candidates = _tap(candidates, on_candidate)
    plans: deque[Plan] = deque()
    if state is not None:
        inspect = partial(inspect_or_reuse, inspect=inspect,
                          contents=None if full else Contents(state.path), apps=apps)
        candidates = _planned(candidates, state, plans, apps, full)
    if any(is_smb_root(r) for r in roots):     # each file is copied from the share first
        from .smb import SmbReads
        inspect = SmbReads(inspect)
    if workers is None:
        workers = default_workers()
    if workers == 0:
        records = (task.record if isinstance(task, Ready) else inspect(task) for task in candidates)
        if on_done is not None:
            records = _tap(records, on_done)
    else:
        records = inspect_in_pool(candidates, workers=workers, timeout=timeout,
                                  memory_limit=memory_limit, on_done=on_done, inspect=inspect)
    if state is not None:
        records = _remembered(records, state, plans, roots, unlisted)
    records = mark_duplicates(records)
    if lines or state is None:
        yield from records
    else:
        for record in records:
            yield record.record() if isinstance(record, Carried) else record


def inspect_or_reuse(cand: Candidate, inspect: Callable[[Candidate], dict],
                     contents: Contents | None = None, apps: bool = True) -> dict | Carried:
    """In a worker: carry a record forward when the file's bytes are known (this path's prior
    record, or with ``contents`` another cached file's: a copy, a move), else inspect."""
    record, digest = known_record(cand, contents, apps)
    if record is not None:
        return record
    if cand.prior_record is not None or digest is not None:
        cand = replace(cand, prior_record=None, sha256=digest)
    return inspect(cand)


def throttled(cand: Candidate, inspect: Callable[[Candidate], dict], seconds: float) -> dict:
    """Wait, then inspect: a scan during office hours leaves the file server room."""
    time.sleep(seconds)
    return inspect(cand)


def _planned(candidates: Iterable[Candidate], state: ScanState, plans: deque, apps: bool,
             full: bool) -> Iterator[Candidate | Ready]:
    """The pool's tasks: a :class:`Ready` record for each unchanged file, else the candidate.
    Each plan is queued in walk order for :func:`_remembered`.  Candidates are planned
    :data:`PLAN_BATCH` at a time (one look-up in the cache for each batch)."""
    for batch in batched(candidates, PLAN_BATCH):
        for plan in state.plan_many(list(batch), apps=apps, full=full):
            plans.append(plan)
            yield Ready(plan.record) if plan.record is not None else plan.task


def _remembered(records: Iterable[dict], state: ScanState, plans: deque,
                roots: list[str], unlisted: list[str]) -> Iterator[dict]:
    """Write each record to the state as it comes (in walk order, before duplicates are marked);
    a scan that ran to its end, having listed every folder, prunes files it no longer saw.
    What was written is committed however the scan ends."""
    complete = False
    try:
        for record in records:
            state.settle(plans.popleft(), record)
            yield record
        complete = True
    finally:
        if complete and not unlisted:
            state.prune(roots)
        state.flush()


def mark_duplicates(records: Iterable[dict | Carried]) -> Iterator[dict | Carried]:
    """Add ``duplicate-personal-data`` to each personal-data file whose bytes were seen before.
    A carried record (:class:`~scanners.state.Carried`) that is such a copy becomes a dict."""
    first_seen: dict[str, tuple[str, str]] = {}       # sha256 -> root and path of the first
    for record in records:
        if isinstance(record, Carried):
            digest, personal, place = record.sha256, record.personal, (record.root, record.path)
        else:
            digest, personal = record.get("sha256"), record["personal"]["present"]
            place = (record["root"], record["path"])
        if digest and personal:
            if digest not in first_seen:
                first_seen[digest] = place
            else:
                if isinstance(record, Carried):
                    record = record.record()
                root, path = first_seen[digest]
                where = path if root == place[0] else f"{root}/{path}"
                record["risks"].append(risk("duplicate-personal-data", f"byte-identical copy of {where}"))
        yield record


def batched(items: Iterable, size: int) -> Iterator[tuple]:
    """``items`` in tuples of ``size`` (the last one shorter): itertools.batched of Python 3.12."""
    it = iter(items)
    while batch := tuple(islice(it, size)):
        yield batch


def _tap(items: Iterable, fn: Callable) -> Iterator:
    for item in items:
        fn(item)
        yield item
