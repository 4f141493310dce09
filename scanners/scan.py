"""Scan roots: walk them and inspect every candidate file, one record per file."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial

from .inspect import inspect_file
from .pool import DEFAULT_MEMORY_LIMIT, DEFAULT_TIMEOUT, default_workers, inspect_in_pool
from .walk import Candidate, walk_roots


def scan_roots(roots: Iterable[str], workers: int | None = None,
               timeout: float = DEFAULT_TIMEOUT, exclude: Iterable[str] = (),
               memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
               on_candidate: Callable[[Candidate], None] | None = None,
               on_done: Callable[[dict], None] | None = None,
               on_dir: Callable[[str], None] | None = None,
               apps: bool = True) -> Iterator[dict]:
    """Yield the scan record of every candidate file under ``roots``, in walk order.

    ``workers`` processes inspect files in parallel (default: one per core),
    each file under ``timeout`` seconds and ``memory_limit`` bytes.
    ``workers=0`` inspects in this process, with no time limit (for debugging).
    A later byte-identical copy of a personal-data file gets the
    ``duplicate-personal-data`` risk.  ``apps=False`` looks for personal data
    only: no app facts, no shadow-IT kinds, no cloud-sync folders.
    """
    candidates = walk_roots(roots, exclude=exclude, on_dir=on_dir, data_only=not apps)
    inspect = inspect_file if apps else partial(inspect_file, apps=False)
    if on_candidate is not None:
        candidates = _tap(candidates, on_candidate)
    if workers is None:
        workers = default_workers()
    if workers == 0:
        records = (inspect(cand) for cand in candidates)
        if on_done is not None:
            records = _tap(records, on_done)
    else:
        records = inspect_in_pool(candidates, workers=workers, timeout=timeout,
                                  memory_limit=memory_limit, on_done=on_done, inspect=inspect)
    yield from mark_duplicates(records)


def mark_duplicates(records: Iterable[dict]) -> Iterator[dict]:
    """Add ``duplicate-personal-data`` to each personal-data file whose bytes were seen before."""
    first_seen: dict[str, dict] = {}
    for record in records:
        digest = record.get("sha256")
        if digest and record["personal"]["present"]:
            original = first_seen.setdefault(digest, record)
            if original is not record:
                where = original["path"] if original["root"] == record["root"] else \
                    f"{original['root']}/{original['path']}"
                record["risks"].append({"code": "duplicate-personal-data",
                                        "detail": f"byte-identical copy of {where}"})
        yield record


def _tap(items: Iterable, fn: Callable) -> Iterator:
    for item in items:
        fn(item)
        yield item
