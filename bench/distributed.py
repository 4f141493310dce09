"""Distributed scans: the benchmark share scanned by 1, 2 and 4 Celery worker processes.

    python -m bench.distributed [--files N] [--workers 1,2,4] [--runs R] [--partitions P]

A registry (``inventory serve`` over SQLite in ``bench/out/distributed/``, one
API token) and, for each count, one ``inventory worker --concurrency N``
(prefork; each task inspects on one process of its own) on the local Redis,
on a queue of its own.  The workers are started and ready before the clock
starts; each timed figure is the wall time of the coordinator,
``inventory scan ROOT --distributed --post URL``, from planning to the
finished run (records posted, run finished).  For reference the same share
is scanned locally with ``--workers 1``.  Figures are taken in turns (see
:func:`measure`); turn 0 is a warm-up that also fills the registry, so timed
runs ingest unchanged records.  The best of ``--runs`` is kept, all are
recorded.  The machine's core count is recorded with the figures: on 2
cores the speed-up cannot pass 2.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

OUT_DIR = Path(__file__).parent / "out"
REPO = Path(__file__).parents[1]
BROKER = os.environ.get("INVENTORY_BROKER_URL", "redis://127.0.0.1:6379/14")
WORKER_COUNTS = (1, 2, 4)
PARTITIONS = 16


def inventory() -> str:
    return str(Path(sys.executable).with_name("inventory"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def broker_reachable(url: str) -> bool:
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=3) as connection:
            connection.ensure_connection(max_retries=1)
        return True
    except Exception:
        return False


def start_registry(folder: Path) -> tuple[subprocess.Popen, str, str]:
    """A fresh registry served on a free port; (process, url, token)."""
    from inventory.cli.registry import open_registry
    from inventory.models import ApiToken
    from inventory.web.admin.shares import token_digest

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    url, token = f"sqlite:///{folder / 'registry.db'}", "inv_bench_" + secrets.token_urlsafe(16)
    sessions = open_registry(url)
    with sessions() as session:
        session.add(ApiToken(name="bench", token_sha256=token_digest(token)))
        session.commit()
    sessions.kw["bind"].dispose()
    port = free_port()
    env = dict(os.environ, INVENTORY_DATABASE_URL=url, INVENTORY_SECRET_KEY="bench")
    server = subprocess.Popen([inventory(), "serve", "--port", str(port)], cwd=folder, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until(lambda: _listening(port), 60, "registry")
    return server, f"http://127.0.0.1:{port}", token


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_until(ready, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not ready after {timeout:.0f} s")
        time.sleep(0.1)


def start_worker(concurrency: int, env: dict, log: Path) -> subprocess.Popen:
    """``inventory worker`` with ``concurrency`` processes, returned once it takes tasks."""
    with open(log, "wb") as out:
        worker = subprocess.Popen(
            [inventory(), "worker", "--concurrency", str(concurrency), "--pool", "prefork",
             "--loglevel", "INFO", "-n", f"{env['INVENTORY_QUEUE']}@%h",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    wait_until(lambda: b" ready." in log.read_bytes() or worker.poll() is not None, 120, "worker")
    if worker.poll() is not None:
        raise RuntimeError(f"worker exited: see {log}")
    return worker


def stop(process: subprocess.Popen) -> None:
    """Stop a process we started, and its children (by process id)."""
    import psutil

    try:
        family = [process, *psutil.Process(process.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return
    for member in family:
        try:
            member.terminate()
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(family, timeout=20)
    for member in alive:
        member.kill()
    process.wait(10)


def timed(command: list[str], env: dict) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    return time.perf_counter() - started, done


def start_workers(counts, token: str) -> dict:
    """One ``inventory worker`` per count, each on a queue of its own: count -> (process, env)."""
    workers = {}
    try:
        for count in counts:
            env = dict(os.environ, INVENTORY_BROKER_URL=BROKER,
                       INVENTORY_QUEUE=f"bench-{uuid.uuid4().hex[:10]}", INVENTORY_API_TOKEN=token,
                       INVENTORY_SCAN_WORKERS="1",
                       INVENTORY_SPOOL_DIR=str(OUT_DIR / "distributed" / "spool"))
            log = OUT_DIR / "distributed" / f"worker-{count}.log"
            workers[count] = (start_worker(count, env, log), env)
    except BaseException:
        stop_workers(workers)
        raise
    return workers


def stop_workers(workers: dict) -> None:
    for process, env in workers.values():
        stop(process)
        _drop_queue(env["INVENTORY_QUEUE"])


def distributed_scan(root: Path, url: str, env: dict, partitions: int) -> tuple[float, str]:
    """Wall seconds of one coordinator run, and its summary line."""
    wall, done = timed([inventory(), "scan", str(root), "--distributed", "--post", url,
                        "--partitions", str(partitions)], env)
    if done.returncode != 0:
        raise RuntimeError(f"distributed scan failed ({done.returncode}): {done.stderr[-500:]}")
    summary = [line for line in done.stderr.splitlines() if line.startswith("registry:")]
    return wall, summary[-1] if summary else ""


def _drop_queue(queue: str) -> None:
    """Delete this run's queue keys from Redis (results are forgotten by the coordinator)."""
    import redis

    client = redis.Redis.from_url(BROKER)
    for key in client.scan_iter(match=f"*{queue}*"):
        client.delete(key)
    client.close()


def local_scan(root: Path) -> float:
    command = [inventory(), "scan", str(root), "--workers", "1", "--no-registry", "--no-state",
               "--format", "jsonl", "--output", os.devnull, "--no-progress"]
    return timed(command, dict(os.environ))[0]


def measure(files: int, runs: int, counts=WORKER_COUNTS, partitions: int = PARTITIONS) -> dict:
    """The distributed figures (``{"skipped": reason}`` when no broker is reachable).

    Every count's worker runs from the start, idle until its queue is used, and the
    measurements go round in turns (local, 1, 2, 4, local, 1, ...): on a shared machine
    whose load comes and goes, each figure sees the same mix of quiet and busy moments.
    """
    from .share import make_share

    if not broker_reachable(BROKER):
        return {"skipped": f"no broker at {BROKER}"}
    root, summary = make_share(files)
    (OUT_DIR / "distributed").mkdir(parents=True, exist_ok=True)
    server, url, token = start_registry(OUT_DIR / "distributed" / "registry")
    results = {"files": summary.get("files", files), "broker": BROKER.split("://")[0],
               "partitions": partitions, "cpus": os.cpu_count(),
               "load_average_at_start": os.getloadavg()}
    walls: dict[str, list] = {"local_w1": [], **{str(c): [] for c in counts}}
    try:
        workers = start_workers(counts, token)
        try:
            for turn in range(runs + 1):                 # turn 0 warms up (and fills the registry)
                print(f"distributed: turn {turn} of {runs} ...", file=sys.stderr)
                wall = local_scan(root)
                if turn:
                    walls["local_w1"].append(round(wall, 2))
                for count in counts:
                    wall, results["run_summary"] = distributed_scan(root, url, workers[count][1],
                                                                    partitions)
                    if turn:
                        walls[str(count)].append(round(wall, 2))
        finally:
            stop_workers(workers)
    finally:
        stop(server)
    local = walls.pop("local_w1")
    results["local_w1"] = {"best_s": min(local), "runs_s": local}
    results["workers"] = {k: {"best_s": min(v), "median_s": sorted(v)[len(v) // 2], "runs_s": v}
                          for k, v in walls.items()}
    base = results["workers"][str(counts[0])]["best_s"]
    results["speedup"] = {k: round(base / v["best_s"], 2) for k, v in results["workers"].items()}
    results["load_average_at_end"] = os.getloadavg()
    return results


def table_rows(results: dict | None) -> list[tuple[str, str, str, str]]:
    """Rows for bench.run's table: wall and speed-up per worker count."""
    if not results:
        return []
    if "skipped" in results:
        return [("distributed scans", results["skipped"], "", "skipped")]
    rows = [(f"distributed: local scan --workers 1 ({results['files']:,} files)",
             f"{results['local_w1']['best_s']:.2f} s", "", "info")]
    for count, figure in results["workers"].items():
        rows.append((f"distributed: {count} Celery worker process(es)", f"{figure['best_s']:.2f} s",
                     "", "info"))
        rows.append((f"distributed: speed-up {count} / 1", f"{results['speedup'][count]:.2f}x",
                     f"~{count}x if {count} cores", "info"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workers", default=",".join(map(str, WORKER_COUNTS)),
                        help="comma-separated worker process counts")
    parser.add_argument("--partitions", type=int, default=PARTITIONS)
    parser.add_argument("--output", type=Path, default=OUT_DIR / "distributed.json")
    args = parser.parse_args()
    counts = tuple(int(c) for c in args.workers.split(","))
    results = measure(args.files, args.runs, counts, args.partitions)
    for row in table_rows(results):
        print("  ".join(row).rstrip())
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"results: {args.output}")


if __name__ == "__main__":
    main()
