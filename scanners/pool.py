"""A pool of worker processes that inspect files, each under a time and memory limit.

Unlike ``concurrent.futures``, a worker that runs past its time limit (a
hostile file, a parser caught in a loop) is killed and replaced, and the
file gets an ``error`` record; a worker that dies (a native library's abort,
the memory limit) is replaced the same way.  The next file is scanned.
"""
from __future__ import annotations

import faulthandler
import os
import resource
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .pipeline import inspect_file
from .record import failed_record
from .walk import Candidate

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

DEFAULT_TIMEOUT = 60.0                 # seconds per file
DEFAULT_MEMORY_LIMIT = 4 << 30         # bytes of address space per worker
#: records that may wait for an earlier, slower file before the pool stops taking tasks
MAX_WAITING = 4096
#: candidates taken from the walk between two looks at the workers
PULL_BATCH = 64


@dataclass(frozen=True)
class Ready:
    """A task whose record is already known (carried forward by an incremental scan): it
    keeps its place in the output order without going to a worker."""

    record: dict


def _limit_memory(limit: int | None) -> None:
    if not limit:
        return
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        pass


def _silence_stderr() -> None:
    """Parsers print warnings and native panics to stderr, sometimes quoting what they read.

    A worker's findings travel in its records only, so its stderr goes to
    /dev/null unless INVENTORY_DEBUG is set.
    """
    if os.environ.get("INVENTORY_DEBUG"):
        return
    os.environ["RUST_BACKTRACE"] = "0"
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def _die_with_parent(parent: int) -> None:
    """Linux: the kernel kills this worker when the scan process dies (SIGKILL, OOM), so a
    killed scan leaves no orphan worker waiting on a pipe that other workers keep open."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)              # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return                                     # not Linux: the pipe's EOF still ends us
    if os.getppid() != parent:                     # the parent died before prctl took effect
        os._exit(0)


def _batch_scheduling() -> None:
    """Linux: schedule this worker as batch work (SCHED_BATCH, same priority).  A file sent to
    a worker then no longer preempts the process that walks and writes the records on its own
    core (on two cores, the 17 sends of a re-scan cost 2-8 ms in all, 1.2 ms with this)."""
    try:
        os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
    except (AttributeError, OSError):
        pass


def _worker_main(conn: Connection, memory_limit: int | None,
                 inspect: Callable[[Candidate], dict], parent: int | None = None) -> None:
    if parent is not None:
        _die_with_parent(parent)
    _batch_scheduling()
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # the parent decides when to stop
    faulthandler.disable()                         # a native crash becomes a record, not a dump
    _silence_stderr()
    _limit_memory(memory_limit)
    while True:
        try:
            cand = conn.recv()
        except (EOFError, OSError):
            return
        if cand is None:
            return
        try:
            record = inspect(cand)
        except MemoryError:
            record = failed_record(cand, "memory limit exceeded")
        conn.send(record)


class _Worker:
    def __init__(self, ctx, memory_limit: int | None, inspect: Callable[[Candidate], dict]):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main,
                                   args=(child, memory_limit, inspect, os.getpid()), daemon=True)
        self.process.start()
        child.close()
        self.task: Candidate | None = None
        self.seq = -1
        self.deadline = 0.0

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()

    def ask_to_stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass

    def stop(self) -> None:
        """After :meth:`ask_to_stop`: wait for the worker to end (killed if it does not)."""
        self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(2)
        self.conn.close()


def _death_reason(process) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"reader crashed ({name})"
    return f"reader crashed (exit code {code})"


def inspect_in_pool(candidates: Iterable[Candidate | Ready], workers: int = 2,
                    timeout: float = DEFAULT_TIMEOUT,
                    memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
                    inspect: Callable[[Candidate], dict] = inspect_file,
                    on_done: Callable[[dict], None] | None = None) -> Iterator[dict]:
    """Inspect candidates on ``workers`` processes; yield records in the candidates' order.

    Completed records wait in a small buffer until those before them are
    done, so the output is the same whatever the number of workers.
    :class:`Ready` items take their place in the order without a worker.
    ``on_done`` is called as each file finishes (for progress display).
    Workers start as files need them: a re-scan where nothing changed starts
    none, and one with a few changes starts them while the walk goes on.
    A worker imports the readers and detectors a file needs as it first needs them: one
    that only hashes (a re-scan's touched or copied files) imports none, and none competes
    with the walk for a core with imports of its own (warming workers up was measured to
    gain nothing on a cold scan and to cost 25 ms on a re-scan).
    """
    ctx = None                     # multiprocessing is imported with the first worker (20 ms)
    workers = max(1, workers)
    started = 0
    idle: list[_Worker] = []
    busy: dict[Connection, _Worker] = {}
    done: dict[int, dict] = {}
    todo = enumerate(candidates)
    next_out = 0
    exhausted = False

    def finish(seq: int, record: dict) -> None:
        done[seq] = record
        if on_done is not None:
            on_done(record)

    def take_worker() -> _Worker:
        nonlocal started, ctx
        if idle:
            return idle.pop()
        if ctx is None:
            import multiprocessing as mp
            ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
        started += 1
        return _Worker(ctx, memory_limit, inspect)

    queue: deque[tuple[int, Candidate]] = deque()     # tasks waiting for a free worker

    def dispatch(seq: int, task: Candidate) -> None:
        worker = take_worker()
        worker.seq, worker.task = seq, task
        worker.deadline = time.monotonic() + timeout
        worker.conn.send(task)
        busy[worker.conn] = worker

    try:
        while True:
            while queue and (idle or started < workers):
                dispatch(*queue.popleft())
            # the walk goes on while the workers read: carried-forward records need no worker,
            # and tasks wait in the queue, as long as what waits stays within MAX_WAITING
            pulled = 0
            while not exhausted and len(done) + len(queue) < MAX_WAITING and pulled < PULL_BATCH:
                item = next(todo, None)
                if item is None:
                    exhausted = True
                    break
                pulled += 1
                if isinstance(item[1], Ready):
                    finish(item[0], item[1].record)
                elif not queue and (idle or started < workers):
                    dispatch(*item)
                else:
                    queue.append(item)
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1
            if not busy:
                if exhausted and not queue:
                    return
                continue
            can_pull = not exhausted and len(done) + len(queue) < MAX_WAITING
            if can_pull:               # look at the workers without waiting, then walk on
                wait_for = 0.0
            else:
                wait_for = max(0.0, min(w.deadline for w in busy.values()) - time.monotonic())
            from multiprocessing.connection import wait      # loaded with the first worker
            for conn in wait(list(busy), timeout=wait_for):
                worker = busy.pop(conn)
                try:
                    finish(worker.seq, conn.recv())
                except (EOFError, OSError):
                    worker.process.join(1)
                    finish(worker.seq, failed_record(worker.task, _death_reason(worker.process)))
                    worker.kill()
                    worker = _Worker(ctx, memory_limit, inspect)
                idle.append(worker)
            now = time.monotonic()
            for conn, worker in list(busy.items()):
                if worker.deadline <= now:
                    del busy[conn]
                    worker.kill()
                    idle.append(_Worker(ctx, memory_limit, inspect))
                    finish(worker.seq, failed_record(worker.task, f"timed out after {timeout:g} s"))
    finally:
        for worker in idle:                # all asked at once: they end side by side
            worker.ask_to_stop()
        for worker in idle:
            worker.stop()
        for worker in busy.values():
            worker.kill()


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)
