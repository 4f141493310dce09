"""Page speed under load: the real server (waitress, as ``inventory serve``) on a seeded registry.

The server is started as a subprocess on a free loopback port against the
benchmark database (bench/registry_seed.py).  Each of ``--clients`` client
threads signs in through the login form (its own session cookie), then
requests one page after another.  Every page of :data:`PAGES` gets its own
phase of ``--seconds``; a phase starts with every client asking for its
page once at the same time (*cold*: counts not cached yet, timed apart) and
a short warm-up, neither counted.  Per page: p50/p95/p99 latency,
requests/s, errors, and the cold requests' median and maximum.

Two ways to be "50 concurrent clients":

- people (default): each client waits a random 1-3 s between pages (think
  time, :data:`THINK_S`), as fifty people clicking through the registry at
  once do; that offers about 25 pages/s;
- ``--think 0``: a closed loop with no pause, the harshest reading: every
  client asks again the moment it is answered, so latency is fifty times
  the server's time per page, whatever the page.

The client is plain ``http.client`` in threads: it shares the machine's
cores with the server and PostgreSQL, so figures are a lower bound on what
a separate load machine would see.  The load average is recorded with them.

    python -m bench.registry_load [--assets N] [--clients 50] [--seconds 10] [--threads 8]
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from .registry_seed import (ASSETS, BUREAUS, FOLDERS, PASSWORD, SECTIONS, database_name, database_url,
                            seed)

REPO = Path(__file__).parents[1]
def _q(text: str) -> str:
    return urllib.parse.quote(text)


CATEGORIES = ("name", "address", "health", "birth_date", "income")
SORTS = ("path", "size", "mtime", "records", "risk_count", "last_seen")
BUREAU_IDS = [b * 100 for b in range(1, BUREAUS + 1)]
#: (label, paths) per role; client k asks for paths[k % len(paths)], so that fifty clients do not
#: all ask for the same thing (which any cache would answer); paths hold synthetic codes only
PAGES = {
    "it_division": [
        ("dashboard", ["/"]),
        ("assets: first page", ["/assets/"]),
        ("assets: filtered", [f"/assets/?category={c}&department={d}" for c in CATEGORIES
                              for d in BUREAU_IDS]),
        ("assets: sorted", [f"/assets/?sort={s}&order={o}&page={p}" for s in SORTS
                            for o in ("asc", "desc") for p in (1, 2, 3, 4)]),
        ("assets: search, about 1,000 matches", [f"/assets/?q={_q(f'{FOLDERS[w]}{w * 125 + k * 11:03d}')}"
                                                 for w in range(8) for k in range(11)]),
        ("assets: search, about 11,000 matches", [f"/assets/?q={_q(f'{y}年度/{f}')}"
                                                  for y in range(2015, 2026) for f in FOLDERS]),
        ("assets: search (2 chars)", [f"/assets/?q={_q(f[:2])}" for f in FOLDERS]),
        ("assets: deep page", [f"/assets/?page={p}" for p in range(100, 200, 2)]),
        ("triage queue", [f"/triage/?page={p}" for p in range(1, 11)]
         + [f"/triage/?kind=apps&guideline=none&page={p}" for p in range(1, 6)]),
        ("department view", [f"/departments/?page={p}" for p in range(1, 6)]
         + [f"/departments/?department={d}" for d in BUREAU_IDS]),
    ],
    "clerk": [
        ("dashboard", ["/"]),
        ("assets: first page", ["/assets/"]),
        ("department view", ["/departments/"]),
        ("department view: pending", ["/departments/?pending=1"]),
    ],
}
#: who signs in for each role: client k is users[k % len(users)] (clerks of 50 different 課)
USERS = {"it_division": ["bench_it"],
         "clerk": [f"bench_clerk_{b * 100 + s}" for s in range(1, SECTIONS + 1) for b in range(1, BUREAUS + 1)]}
TARGET_P95_MS = 200.0
WARM_UP_S = 1.0
#: (shortest, longest) pause of a client between two pages, seconds
THINK_S = (1.0, 3.0)


def default_workers() -> int:
    """Server processes of a registry on this machine: one per core (``inventory serve --workers``)."""
    return os.cpu_count() or 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db: str, port: int, threads: int,
                 workers: int = 1) -> tuple[subprocess.Popen, tempfile.TemporaryDirectory]:
    """``inventory serve`` (``workers`` processes) on ``port`` against database ``db``; returns
    once it answers."""
    instance = tempfile.TemporaryDirectory(prefix="registry-load-")
    env = dict(os.environ, INVENTORY_DATABASE_URL=database_url(db), INVENTORY_INSTANCE_PATH=instance.name,
               INVENTORY_SECRET_KEY="registry-load-benchmark")
    command = [sys.executable, "-c", "from inventory.cli.main import main; main()", "serve",
               "--port", str(port), "--threads", str(threads), "--workers", str(workers)]
    server = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server exited at start")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server, instance
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("the server did not answer within 60 s")


class Client:
    """One signed-in browser: a keep-alive connection and a session cookie."""

    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            raise
        text = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                self.cookie = value.split(";", 1)[0]
        return response.status, text

    def sign_in(self, username: str, password: str = PASSWORD) -> None:
        """Post the login form with its CSRF token; raise unless it redirects (signed in)."""
        _, page = self.request("GET", "/auth/login")
        token = login_token(page)
        body = urllib.parse.urlencode({"csrf_token": token, "username": username, "password": password})
        status, _ = self.request("POST", "/auth/login", body)
        if status != 302:
            raise RuntimeError(f"sign-in of {username} answered {status}")


def login_token(html: str) -> str:
    """The CSRF token of the login form."""
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
        re.search(r'type="hidden" name="csrf_token" value="([^"]+)"', html)
    if not found:
        raise RuntimeError("no CSRF token on the login page")
    return found.group(1)


@dataclass
class PhaseResult:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    #: each client's first request, all at once (counts not cached yet for its view)
    cold_ms: list[float] = field(default_factory=list)


def percentile(values: list[float], share: float) -> float | None:
    """The ``share`` (0-1) percentile of ``values`` (nearest rank); None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-share * len(ordered) // 1))))
    return ordered[rank - 1]


def summary(result: PhaseResult) -> dict:
    n = len(result.latencies_ms)
    return {"requests": n, "errors": result.errors,
            "req_per_s": round(n / result.seconds, 1) if result.seconds else None,
            **{f"p{p}_ms": _round(percentile(result.latencies_ms, p / 100)) for p in (50, 95, 99)},
            "cold_p50_ms": _round(percentile(result.cold_ms, 0.5)),
            "cold_max_ms": _round(max(result.cold_ms, default=None))}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def run_phase(clients: list[Client], paths: list[str], seconds: float,
              think: tuple[float, float] = THINK_S) -> PhaseResult:
    """Client k requests ``paths[k % len(paths)]`` in a loop for ``seconds``, pausing a random
    ``think`` time between requests (and before the first, to spread out).

    First every client asks for its page once, all at the same time: those
    *cold* requests (the counts of each view are not cached yet) are timed
    apart; the counted window starts after them and a short warm-up.
    """
    result = PhaseResult()
    lock = threading.Lock()
    _cold_pass(clients, paths, result)
    start = time.monotonic()
    warm_up = WARM_UP_S + think[1]
    count_from, stop_at = start + warm_up, start + warm_up + seconds

    def loop(client: Client, path: str) -> None:
        rng = random.Random(path + str(id(client)))
        time.sleep(rng.uniform(0, think[1]))
        while True:
            began = time.monotonic()
            if began >= stop_at:
                return
            try:
                status, _ = client.request("GET", path)
                ok = status == 200
            except (http.client.HTTPException, OSError):
                ok = False
            ended = time.monotonic()
            if began >= count_from and ended <= stop_at:
                with lock:
                    if ok:
                        result.latencies_ms.append((ended - began) * 1000)
                    else:
                        result.errors += 1
            if think[1] > 0:
                time.sleep(rng.uniform(*think))

    threads = [threading.Thread(target=loop, args=(c, paths[k % len(paths)]), daemon=True)
               for k, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = seconds
    return result


def _cold_pass(clients: list[Client], paths: list[str], result: PhaseResult) -> None:
    """Every client requests its page once, at the same time; latencies go to ``result.cold_ms``."""
    lock = threading.Lock()

    def once(client: Client, path: str) -> None:
        began = time.monotonic()
        try:
            ok = client.request("GET", path)[0] == 200
        except (http.client.HTTPException, OSError):
            ok = False
        with lock:
            if ok:
                result.cold_ms.append((time.monotonic() - began) * 1000)
            else:
                result.errors += 1

    threads = [threading.Thread(target=once, args=(c, paths[k % len(paths)]), daemon=True)
               for k, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def measure(assets: int = ASSETS, clients: int = 50, seconds: float = 20.0, threads: int = 8,
            pages_by_role: dict | None = None, think: tuple[float, float] = THINK_S, log=print,
            workers: int | None = None) -> dict:
    """Seed (if needed), start the server, sign ``clients`` clients in per role, run every phase."""
    seeded = seed(assets, log=log)
    db = database_name(assets)
    port = free_port()
    workers = workers or default_workers()
    server, instance = start_server(db, port, threads, workers)
    results: dict = {"assets": assets, "database": db, "clients": clients, "seconds": seconds,
                     "think_s": list(think), "server_threads": threads,
                     "server_workers": workers, "seed": seeded, "load_average_at_start": os.getloadavg(),
                     "pages": {}}
    try:
        for role, pages in (pages_by_role or PAGES).items():
            names = USERS[role]
            signed_in = [Client(port) for _ in range(clients)]
            for k, client in enumerate(signed_in):
                client.sign_in(names[k % len(names)])
            for label, paths in pages:
                log(f"registry load: {role} {label} ({clients} clients, {seconds:.0f} s, "
                    f"think {think[0]:g}-{think[1]:g} s) ...")
                phase = run_phase(signed_in, paths, seconds, think)
                results["pages"][f"{role}: {label}"] = {"role": role, "page": label, "paths": len(paths),
                                                       "example": paths[0], **summary(phase)}
            for client in signed_in:
                client.connection.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        instance.cleanup()
    results["load_average_at_end"] = os.getloadavg()
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Page latency of the registry under concurrent clients.")
    parser.add_argument("--assets", type=int, default=ASSETS)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0, help="counted seconds per page")
    parser.add_argument("--think", type=float, nargs=2, default=THINK_S, metavar=("MIN", "MAX"),
                        help="pause between a client's requests, seconds (0 0: a closed loop)")
    parser.add_argument("--threads", type=int, default=8, help="threads of each server process")
    parser.add_argument("--workers", type=int, default=None,
                        help="server processes (default: one per core)")
    parser.add_argument("--only", help="only pages whose label contains this text")
    args = parser.parse_args(argv)
    chosen = {role: [p for p in pages if not args.only or args.only in p[0]] for role, pages in PAGES.items()}
    results = measure(args.assets, args.clients, args.seconds, args.threads,
                      {role: pages for role, pages in chosen.items() if pages}, tuple(args.think),
                      log=lambda m: print(m, file=sys.stderr), workers=args.workers)
    for name, page in results["pages"].items():
        print(f"{name:40} p50 {page['p50_ms']} ms  p95 {page['p95_ms']} ms  p99 {page['p99_ms']} ms  "
              f"{page['req_per_s']} req/s  errors {page['errors']}  cold p50 {page['cold_p50_ms']} ms "
              f"max {page['cold_max_ms']} ms", file=sys.stderr)
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
