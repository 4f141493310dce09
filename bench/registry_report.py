"""The registry's figures in ``make bench``: ingest speed and page latency under load, judged.

:func:`measure_registry` runs bench/registry_ingest.py and bench/registry_load.py,
each in its own process (JSON on its stdout, progress on stderr), and
:func:`registry_rows` turns what they measured into rows of the benchmark
table with the targets of issue 4: ingest >= 5,000 records/s into
PostgreSQL, and with 1,000,000 assets every page's p95 <= 200 ms under 50
concurrent clients.  Both need PostgreSQL on 127.0.0.1:5432; without it the
group is skipped, not failed.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).parents[1]
TARGETS = {"ingest_records_per_s": 5000.0, "page_p95_ms": 200.0}
#: full run: assets seeded, records ingested, counted seconds per page; --quick: the second
FULL = {"assets": 1_000_000, "records": 50_000, "seconds": 20.0}
QUICK = {"assets": 50_000, "records": 10_000, "seconds": 5.0}


def measure_registry(quick: bool, assets: int | None = None, records: int | None = None,
                     seconds: float | None = None) -> dict:
    """Both registry benchmarks; ``{"skipped": reason}`` without PostgreSQL."""
    if not postgres_reachable():
        print("registry: PostgreSQL on 127.0.0.1:5432 is not reachable: skipped", file=sys.stderr)
        return {"skipped": "PostgreSQL not reachable"}
    sizes = QUICK if quick else FULL
    assets, records = assets or sizes["assets"], records or sizes["records"]
    seconds = seconds or sizes["seconds"]
    print(f"registry: ingest {records:,} records (new, unchanged, changed) ...", file=sys.stderr)
    ingest = run_json(["bench.registry_ingest", "--records", str(records)])
    print(f"registry: {assets:,} assets (seeded once), 50 clients per page ...", file=sys.stderr)
    load = run_json(["bench.registry_load", "--assets", str(assets), "--seconds", str(seconds)])
    return {"targets": TARGETS, "ingest": ingest, "load": load}


def postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3):
            return True
    except Exception:   # noqa: BLE001 - any failure means "not here"
        return False


def run_json(module_and_args: list[str]) -> dict:
    """Run ``python -m MODULE ARGS`` and parse the JSON of the last line it prints."""
    done = subprocess.run([sys.executable, "-m", *module_and_args], cwd=REPO, check=True,
                          stdout=subprocess.PIPE, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def verdict(value: float | None, target: float, at_most: bool) -> str:
    if value is None:
        return "n/a"
    return "PASS" if (value <= target if at_most else value >= target) else "FAIL"


def registry_rows(results: dict) -> list[tuple[str, str, str, str]]:
    """(figure, measured, target, verdict) rows; quick runs are measured, not judged."""
    registry = results.get("registry") or {}
    if not registry or registry.get("skipped"):
        return [("registry", registry.get("skipped", "not measured"), "", "n/a")] if registry else []
    quick = results.get("quick")
    judged = (lambda v, t, at_most: "not judged (quick)" if quick else verdict(v, t, at_most))
    return _ingest_rows(registry["ingest"], judged) + _page_rows(registry["load"], judged)


def _ingest_rows(ingest: dict, judged) -> list[tuple[str, str, str, str]]:
    target = TARGETS["ingest_records_per_s"]
    rows = []
    for label in ("new", "unchanged", "changed"):
        found = ingest[label]
        text = (f"{found['records_per_s']:,} rec/s ({found['wall_s']:.1f} s; cpu python "
                f"{found['python_cpu_s']:.1f} s, postgres {found['postgres_cpu_s']:.1f} s)")
        name = f"registry ingest {ingest['records']:,} records: {label}"
        rows.append((name, text, f">= {target:,.0f} rec/s", judged(found["records_per_s"], target, False))
                    if label == "new" else (name, text, "", "info"))
    return rows


def _page_rows(load: dict, judged) -> list[tuple[str, str, str, str]]:
    target = TARGETS["page_p95_ms"]
    rows = []
    for name, page in load["pages"].items():
        text = (f"p95 {page['p95_ms']} ms (p50 {page['p50_ms']}, p99 {page['p99_ms']}; "
                f"{page['req_per_s']} req/s; cold max {page['cold_max_ms']} ms)")
        result = judged(page["p95_ms"], target, True) if not page["errors"] else f"FAIL ({page['errors']} errors)"
        rows.append((f"registry {load['assets']:,} assets, {load['clients']} clients: {name}", text,
                     f"p95 <= {target:.0f} ms", result))
    return rows
