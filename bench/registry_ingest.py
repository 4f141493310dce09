"""Ingest speed: synthetic scan records written into PostgreSQL through ``RegistryWriter``.

The records follow shared/spec/scan-record.md and the share benchmark's mix
as the registry sees it (only candidates are recorded): 40% with personal
data (2-6 columns each, masked examples only), 2% business apps, about 10%
with risks, a few encrypted or unreadable.  Paths are synthetic Japanese
folder names and codes; nothing resembles a person.

Three passes over a fresh database (``inventory_bench_ingest``, dropped and
made again each run): *new* (an empty registry), *unchanged* (the same
records again: a re-scan of a quiet share) and *changed* (10% of the files
saved again with other content).  Each pass is one scan run through the
real writer (batches, commit per batch, ``finish_run``); its records/s is
records / wall time of the whole run.

    python -m bench.registry_ingest [--records N]
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import json
import random
import sys
import time

import psutil
import psycopg
from sqlalchemy import select

from inventory.db import make_engine, session_factory, upgrade
from inventory.registry.ingest import RegistryWriter
from inventory.models import Department, Share, ShareMapping

from .registry_seed import ADMIN_URL, CATEGORY_SETS, FOLDERS, RISK_CODES

RECORDS = 50_000
DATABASE = "inventory_bench_ingest"
ROOT = "/mnt/bench/ingest"
SECTIONS = [f"課{n:02d}" for n in range(1, 11)]
KINDS = ["xlsx"] * 45 + ["csv"] * 18 + ["xls"] * 10 + ["txt"] * 8 + ["tsv"] * 3 + ["ods"] * 2


def make_records(count: int, seed: int = 1) -> list[dict]:
    """``count`` scan records, the same for the same ``seed``."""
    rng = random.Random(seed)
    return [_record(rng, i) for i in range(count)]


def _record(rng: random.Random, i: int) -> dict:
    is_app = rng.random() < 0.02
    kind = ("xlsm" if rng.random() < 0.7 else "accdb") if is_app else rng.choice(KINDS)
    roll = rng.random()
    status = "encrypted" if roll < 0.015 else "error" if roll < 0.035 else "ok"
    personal = status == "ok" and rng.random() < 0.40
    categories = sorted(set(rng.choice(CATEGORY_SETS))) if personal else []
    sensitive = personal and rng.random() < 0.12
    if sensitive:
        categories.append("health")
    path = (f"{rng.choice(SECTIONS)}/{rng.randint(2015, 2025)}年度/{rng.choice(FOLDERS)}"
            f"{rng.randint(0, 99):02d}/f{i:07d}.{kind}")
    risks = []
    if status == "encrypted":
        risks.append({"code": "encrypted", "detail": "password-protected workbook"})
    elif rng.random() < 0.09:
        risks.append({"code": rng.choice(RISK_CODES), "detail": f"sheet S{rng.randint(1, 3)} (2 places)"})
    return {
        "root": ROOT, "path": path, "kind": kind, "size": int(rng.lognormvariate(11, 1.5)),
        "mtime": f"20{rng.randint(15, 25)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T09:12:00+09:00",
        "sha256": hashlib.sha256(f"content {i}".encode()).hexdigest() if status != "error" else None,
        "status": status, "error": "not a zip file" if status == "error" else None,
        "personal": {"present": personal, "categories": categories, "sensitive": sensitive,
                     "my_number": False, "records": rng.randint(10, 20000) if personal else 0,
                     "columns": [{"sheet": "Sheet1", "column": chr(65 + n), "header": f"H_{category}",
                                  "category": category, "confidence": 0.9, "hidden": False,
                                  "evidence": {"example": "** **"}}
                                 for n, category in enumerate(categories)]},
        "app": {"is_app": is_app, "kind": ("excel-vba" if kind == "xlsm" else "access") if is_app else None,
                "modules": rng.randint(1, 12) if is_app else 0, "forms": 0, "queries": 0, "macros": 0,
                "code_lines": rng.randint(20, 3000) if is_app else 0, "auto_exec": False,
                "complexity": rng.choice(["High", "Medium", "Low"]) if is_app else None},
        "risks": risks,
    }


def changed(records: list[dict], share: float = 0.10, seed: int = 2) -> list[dict]:
    """The same records with ``share`` of the files saved again (other bytes, one column fewer)."""
    rng = random.Random(seed)
    out = copy.deepcopy(records)
    for record in out:
        if record["sha256"] and rng.random() < share:
            record["sha256"] = hashlib.sha256(record["sha256"].encode()).hexdigest()
            record["size"] += 512
            if record["personal"]["columns"]:
                record["personal"]["columns"].pop()
    return out


def fresh_database(name: str = DATABASE) -> str:
    """Drop and create ``name`` (inventory_bench* only), migrate it, add the share; return its URL."""
    if not name.startswith("inventory_bench"):
        raise ValueError("the benchmark only touches inventory_bench* databases")
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    upgrade(url)
    engine = make_engine(url)
    with session_factory(engine)() as session:
        share = Share(name="ingest", root=ROOT)
        session.add(share)
        session.flush()
        for n, section in enumerate(SECTIONS, start=1):
            department = Department(code=f"9{n:02d}", name=f"第{n}課")
            session.add(department)
            session.flush()
            session.add(ShareMapping(share_id=share.id, prefix=section, department_id=department.id))
        session.commit()
    engine.dispose()
    return url


def ingest_pass(url: str, records: list[dict]) -> dict:
    """One scan run of ``records`` through the writer: wall time, records/s, the run's counts, and
    CPU seconds of this process and of its PostgreSQL backend (far less sensitive than wall time
    to other work on the machine)."""
    engine = make_engine(url)
    factory = session_factory(engine)
    with factory() as session:
        share = session.execute(select(Share)).scalar_one()
        backend = psutil.Process(session.connection().connection.driver_connection.info.backend_pid)
    backend_cpu, cpu = _cpu(backend), time.process_time()
    started = time.perf_counter()
    writer = RegistryWriter(factory, roots=[ROOT], share=share, absolute_roots=False)
    for record in records:
        writer.add(record)
    run = writer.close()
    wall = time.perf_counter() - started
    cpu, backend_cpu = time.process_time() - cpu, _cpu(backend) - backend_cpu
    engine.dispose()
    counts = {k: getattr(run, k) for k in ("records", "new", "changed", "moved", "removed", "unchanged")}
    return {"wall_s": round(wall, 2), "records_per_s": round(len(records) / wall),
            "python_cpu_s": round(cpu, 2), "postgres_cpu_s": round(backend_cpu, 2), **counts}


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def measure(count: int = RECORDS, log=print) -> dict:
    """The three passes over ``count`` records; figures per pass."""
    records = make_records(count)
    url = fresh_database()
    results = {"records": count, "database": DATABASE}
    for label, batch in (("new", records), ("unchanged", records), ("changed", changed(records))):
        log(f"registry ingest: {count:,} records ({label}) ...")
        results[label] = ingest_pass(url, batch)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Ingest speed into PostgreSQL through RegistryWriter.")
    parser.add_argument("--records", type=int, default=RECORDS)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.records, log=lambda m: print(m, file=sys.stderr))))


if __name__ == "__main__":
    main()
