"""Run a command and measure its wall time and memory, whole process tree included.

Memory is measured two ways:

* ``tree_peak_rss``: psutil samples every ~10 ms, summing the RSS of the
  process and all its descendants (a worker pool counts in full);
* ``ru_maxrss``: what ``os.wait4`` reports for the child, the largest RSS any
  single process of the tree reached (Linux reports it in KiB).  Linux carries
  the spawning process's own high-water mark into a child across exec, so the
  runner keeps itself small (data is generated in subprocesses) and records a
  baseline: ``ru_maxrss`` of ``/bin/true`` spawned the same way.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import psutil

SAMPLE_INTERVAL = 0.01


@dataclass
class RunResult:
    command: list[str]
    wall_s: float
    #: user + system CPU seconds of the process and its reaped children (less
    #: sensitive than wall time to other load on the machine)
    cpu_s: float
    exit_code: int
    tree_peak_rss_mb: float
    ru_maxrss_mb: float
    samples: int

    def as_dict(self) -> dict:
        return asdict(self)


def _tree_rss(proc: psutil.Process) -> int:
    """Sum of RSS over the process and its live descendants, in bytes."""
    total = 0
    try:
        members = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for member in members:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            pass
    return total


def compile_sources() -> None:
    """Write the project's bytecode, as an installed package has it: with
    PYTHONDONTWRITEBYTECODE set (this machine sets it) every ``inventory`` process and every
    worker would otherwise compile the scanner's sources again, 40-50 ms each, and the figures
    would measure the compiler."""
    import compileall
    from pathlib import Path

    here = Path(__file__).resolve().parent.parent
    for package in ("scanners", "inventory", "bench"):
        compileall.compile_dir(str(here / package), quiet=1)


def run_measured(command: Sequence[str], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                 cwd: str | None = None, env: dict | None = None, timeout: float = 3600,
                 sample_memory: bool = True) -> RunResult:
    """Run ``command`` to completion, sampling the tree's memory every ~10 ms.

    ``sample_memory=False`` only waits (peak RSS 0): for figures of time alone, since each
    sample walks /proc for the tree and takes CPU from the command on a 2-core machine."""
    started = time.perf_counter()
    child = subprocess.Popen(list(command), stdout=stdout, stderr=stderr, cwd=cwd, env=env)
    proc = psutil.Process(child.pid)
    peak, samples = 0, 0
    if not sample_memory:
        import threading

        killer = threading.Timer(timeout, child.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            killer.cancel()
    while sample_memory:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        sampled_at = time.perf_counter()
        peak = max(peak, _tree_rss(proc))
        samples += 1
        if sampled_at - started > timeout:
            child.kill()
        time.sleep(max(0.0, SAMPLE_INTERVAL - (time.perf_counter() - sampled_at)))
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)  # keep Popen from waiting again
    cpu = usage.ru_utime + usage.ru_stime
    return RunResult(list(command), round(wall, 3), round(cpu, 3), child.returncode, round(peak / 1e6, 1),
                     round(usage.ru_maxrss * 1024 / 1e6, 1), samples)


def best_of(runs: int, once: Callable[[], RunResult], warm: bool = True,
            label: str = "") -> tuple[RunResult, list[RunResult]]:
    """Warm the page cache with one untimed run, then keep the fastest of ``runs``.

    The returned best carries the highest peak memory seen over all timed runs.
    """
    if warm:
        once()
    results = []
    for number in range(1, runs + 1):
        results.append(once())
        if label:
            print(f"  {label} run {number}/{runs}: {results[-1].wall_s:.2f} s wall, "
                  f"{results[-1].cpu_s:.2f} s cpu", file=sys.stderr)
    best = min(results, key=lambda r: r.wall_s)
    best = RunResult(best.command, best.wall_s, best.cpu_s, best.exit_code,
                     max(r.tree_peak_rss_mb for r in results), max(r.ru_maxrss_mb for r in results),
                     best.samples)
    return best, results
