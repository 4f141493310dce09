"""Scan roots: walk them and inspect every candidate file, one record per file."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from .inspect import inspect_file
from .pool import DEFAULT_MEMORY_LIMIT, DEFAULT_TIMEOUT, default_workers, inspect_in_pool
from .walk import Candidate, walk_roots


def scan_roots(roots: Iterable[str], workers: int | None = None,
               timeout: float = DEFAULT_TIMEOUT, exclude: Iterable[str] = (),
               memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
               on_candidate: Callable[[Candidate], None] | None = None,
               on_dir: Callable[[str], None] | None = None) -> Iterator[dict]:
    """Yield the scan record of every candidate file under ``roots``.

    ``workers`` processes inspect files in parallel (default: one per core),
    each file under ``timeout`` seconds and ``memory_limit`` bytes; records
    come in the order files finish.  ``workers=0`` inspects in this process,
    with no time limit (for debugging).
    """
    candidates = walk_roots(roots, exclude=exclude, on_dir=on_dir)
    if on_candidate is not None:
        candidates = _tap(candidates, on_candidate)
    if workers is None:
        workers = default_workers()
    if workers == 0:
        for cand in candidates:
            yield inspect_file(cand)
        return
    yield from inspect_in_pool(candidates, workers=workers, timeout=timeout,
                               memory_limit=memory_limit)


def _tap(items: Iterable[Candidate], fn: Callable[[Candidate], None]) -> Iterator[Candidate]:
    for item in items:
        fn(item)
        yield item
