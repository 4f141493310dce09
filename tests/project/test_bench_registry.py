"""The registry benchmark's helpers: synthetic records, the seeder, the load client, the verdicts."""
from __future__ import annotations

import uuid

import psycopg
import pytest

from bench import registry_ingest, registry_load, registry_report, registry_seed
from inventory.registry.rows import path_key
from scanners.record import check_record


def test_synthetic_records_are_scan_records_with_masked_values_only():
    records = registry_ingest.make_records(2000)
    assert records == registry_ingest.make_records(2000)              # same seed, same records
    for record in records:
        check_record(record)
        for column in record["personal"]["columns"]:
            assert column["evidence"] == {"example": "** **"} and column["header"].startswith("H_")
    personal = sum(r["personal"]["present"] for r in records) / len(records)
    assert 0.3 < personal < 0.45
    assert len({r["path"] for r in records}) == len(records)


def test_changed_records_differ_in_about_a_tenth():
    records = registry_ingest.make_records(2000)
    changed = registry_ingest.changed(records)
    differ = sum(a["sha256"] != b["sha256"] for a, b in zip(records, changed))
    assert 100 < differ < 300
    assert [r["path"] for r in changed] == [r["path"] for r in records]


@pytest.mark.parametrize("values, share, expected", [
    ([5.0], 0.95, 5.0), (list(range(1, 101)), 0.95, 95), (list(range(1, 101)), 0.5, 50),
    ([3.0, 1.0, 2.0], 0.99, 3.0), ([], 0.5, None),
])
def test_percentile_is_the_nearest_rank(values, share, expected):
    assert registry_load.percentile(values, share) == expected


def test_login_token_is_read_from_the_form():
    html = '<form><input id="csrf_token" name="csrf_token" type="hidden" value="abc.def"></form>'
    assert registry_load.login_token(html) == "abc.def"
    with pytest.raises(RuntimeError):
        registry_load.login_token("<p>no form</p>")


def test_each_client_of_a_page_gets_its_own_view():
    for pages in registry_load.PAGES.values():
        for _label, paths in pages:
            assert paths and all(p.startswith("/") for p in paths)
    searches = dict(registry_load.PAGES["it_division"])["assets: search (2 chars)"]
    assert all(len(registry_load.urllib.parse.unquote(p.split("q=")[1])) == 2 for p in searches)


def _page(p95, errors=0):
    return {"p50_ms": 10.0, "p95_ms": p95, "p99_ms": 300.0, "req_per_s": 24.0, "errors": errors,
            "cold_max_ms": 900.0}


def _ingest(rate):
    return {"records_per_s": rate, "wall_s": 1.0, "python_cpu_s": 0.5, "postgres_cpu_s": 0.5}


def test_registry_rows_judge_against_the_targets():
    registry = {"ingest": {"records": 100, "new": _ingest(5200), "unchanged": _ingest(100),
                           "changed": _ingest(100)},
                "load": {"assets": 10, "clients": 50,
                         "pages": {"a": _page(150.0), "b": _page(250.0), "c": _page(50.0, errors=2)}}}
    rows = registry_report.registry_rows({"quick": False, "registry": registry})
    assert [r[3] for r in rows] == ["PASS", "info", "info", "PASS", "FAIL", "FAIL (2 errors)"]
    quick = registry_report.registry_rows({"quick": True, "registry": registry})
    assert quick[0][3] == "not judged (quick)"
    assert registry_report.registry_rows({"registry": {"skipped": "no PostgreSQL"}})[0][3] == "n/a"


def test_the_seeder_touches_only_its_own_databases():
    with pytest.raises(ValueError):
        registry_seed.ensure_database("inventory")


@pytest.fixture
def seeded():
    """A small seeded registry in its own database, dropped afterwards."""
    name = f"inventory_bench_pytest_{uuid.uuid4().hex[:8]}"
    try:
        facts = registry_seed.seed(1500, name, log=lambda _m: None)
        yield name, facts
    finally:
        with psycopg.connect(registry_seed.ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_seeded_registry_is_coherent_and_served(seeded):
    name, facts = seeded
    assert facts["seeded_now"] and registry_seed.seed(1500, name, log=lambda _m: None)["seeded_now"] is False
    with psycopg.connect(registry_seed.database_url(name, "postgresql")) as conn:
        total, personal, apps, departments = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE personal_present), count(*) FILTER (WHERE is_app),"
            " count(DISTINCT department_id) FROM asset").fetchone()
        sample = conn.execute("SELECT root, path, path_key FROM asset ORDER BY id LIMIT 20").fetchall()
        orphans = conn.execute(
            "SELECT count(*) FROM asset a WHERE a.personal_present AND NOT EXISTS "
            "(SELECT 1 FROM finding f WHERE f.asset_id = a.id AND f.kind = 'column')").fetchone()[0]
        categories = conn.execute("SELECT count(*) FROM asset_category").fetchone()[0]
        findings = conn.execute("SELECT count(*) FROM finding WHERE kind = 'column'").fetchone()[0]
    assert total == 1500 and 0.2 < personal / total < 0.45 and apps > 0 and departments > 50
    assert all(key == path_key(root, path) for root, path, key in sample)   # as ingest keys them
    assert orphans == 0 and categories == findings
    port = registry_load.free_port()
    server, instance = registry_load.start_server(name, port, threads=2)
    try:
        clients = [registry_load.Client(port) for _ in range(2)]
        for client in clients:
            client.sign_in("bench_clerk_101")
        phase = registry_load.run_phase(clients, ["/", "/assets/"], seconds=0.5, think=(0.0, 0.0))
        assert phase.errors == 0 and phase.latencies_ms and len(phase.cold_ms) == 2
        with pytest.raises(RuntimeError):
            registry_load.Client(port).sign_in("bench_clerk_101", password="wrong")
    finally:
        server.terminate()
        server.wait(timeout=30)
        instance.cleanup()
