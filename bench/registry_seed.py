"""A registry of a million synthetic assets on PostgreSQL, for the page-speed benchmark.

The database (``inventory_bench``, or ``inventory_bench_N`` for another size)
is made afresh and migrated with the registry's own migrations; the
rows are made by the server itself (``INSERT ... SELECT`` over
``generate_series``), secondary indexes dropped during the load and rebuilt
after it, so a million assets take a few minutes, not an hour.  A marker
table (``bench_seed``) records what was seeded (size, seeder version, a hash
of the migrations): a rerun with the same key returns at once, any other
drops the database and seeds it again.  Only this database is ever touched.

Distributions (roughly a large city's shares): 12 部 x 9 課 (+1 unassigned
share of 1%), departments skewed (a few big ones); kinds xlsx 45%, csv 18%,
xls 10%, txt 8% ...; 40% of data files hold personal data (sensitive 12% of
those, My Number 3%), 2-6 categories each and one column finding per
category (about 3 per personal asset); 2% are business apps (xlsm / accdb)
with triage fields (half unclassified, owners, review dates, some past);
about 10% carry risks; 5% removed.  Every value is a synthetic code or path:
nothing resembles a person.

    python -m bench.registry_seed [--assets N] [--database NAME]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from contextlib import contextmanager

import psycopg
from werkzeug.security import generate_password_hash

from inventory.db import MIGRATIONS, upgrade

ASSETS = 1_000_000
SEED_VERSION = 1
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
#: password of every seeded account (a benchmark database, loopback only)
PASSWORD = "bench-password"
BUREAUS, SECTIONS = 12, 9
#: tables the seeder fills (indexes dropped and rebuilt around the load)
FILLED = ("asset", "finding", "asset_category")
#: category sets of personal files, drawn uniformly (sensitive / My Number add their own)
CATEGORY_SETS = [["name", "address"], ["name", "address", "birth_date"], ["name", "phone"],
                 ["name", "name_kana", "address", "phone"], ["name", "birth_date", "gender", "age"],
                 ["name", "resident_id", "address"], ["name", "insurance_number", "birth_date"],
                 ["name", "bank_account", "income"], ["name", "school", "family"],
                 ["name", "email"], ["name", "postal_code", "address", "phone"], ["name", "income"]]
RISK_CODES = ["hidden-personal-data", "external-link", "external-data-connection",
              "duplicate-personal-data", "credentials-in-file", "cloud-sync-folder"]
APP_RISK_CODES = ["autoexec-macro", "macro-network-access", "external-data-connection"]
FOLDERS = ["名簿", "台帳", "集計", "申請", "作業用", "共有", "照会", "契約"]


def database_name(assets: int) -> str:
    """``inventory_bench`` for the full million, ``inventory_bench_N`` otherwise."""
    return "inventory_bench" if assets == ASSETS else f"inventory_bench_{assets}"


def database_url(name: str, driver: str = "postgresql+psycopg") -> str:
    return f"{driver}://postgres@127.0.0.1:5432/{name}"


def seed_key(assets: int) -> dict:
    """What a seeded database was made from: a rerun with the same key skips the work.  The
    migrations are part of it: a new index or column means a new database."""
    migrations = hashlib.sha256()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        migrations.update(path.read_bytes())
    return {"assets": assets, "version": SEED_VERSION, "schema": migrations.hexdigest()[:16]}


def ensure_database(name: str, drop: bool = False) -> bool:
    """Create database ``name`` if missing (first dropping it with ``drop``); True when made."""
    if not name.startswith("inventory_bench"):
        raise ValueError("the seeder only touches inventory_bench* databases")
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        if drop:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
        return True


def stored_key(name: str) -> dict | None:
    """The seed key database ``name`` holds (None: missing, or never seeded)."""
    try:
        with psycopg.connect(database_url(name, "postgresql"), autocommit=True) as conn:
            if not conn.execute("SELECT to_regclass('bench_seed')").fetchone()[0]:
                return None
            row = conn.execute("SELECT key FROM bench_seed WHERE id = 1").fetchone()
    except psycopg.OperationalError:
        return None
    return row[0] if row else None


def _marker_table(conn) -> None:
    conn.execute("CREATE TABLE IF NOT EXISTS bench_seed (id int PRIMARY KEY, key jsonb NOT NULL, "
                 "seconds real, done_at timestamptz DEFAULT now())")


def seed(assets: int = ASSETS, name: str | None = None, force: bool = False, log=print) -> dict:
    """Make sure database ``name`` holds a seeded registry of ``assets`` assets; return its facts."""
    name = name or database_name(assets)
    key = seed_key(assets)
    if stored_key(name) == key and not force:
        log(f"registry seed: {name} already holds {assets:,} assets")
        return {"database": name, "assets": assets, "seeded_now": False}
    started = time.perf_counter()
    ensure_database(name, drop=True)            # a new schema or size: start from nothing
    upgrade(database_url(name))
    with psycopg.connect(database_url(name, "postgresql"), autocommit=True) as conn:
        _marker_table(conn)
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute("SET synchronous_commit = off")
        with conn.transaction():
            _people_and_places(conn)
            with _indexes_dropped(conn, FILLED):
                log(f"registry seed: {assets:,} assets into {name} ...")
                _assets(conn, assets)
                _findings_and_categories(conn)
                log("registry seed: rebuilding indexes ...")
            conn.execute("INSERT INTO bench_seed (id, key, seconds) VALUES (1, %s, %s)",
                         (json.dumps(key), time.perf_counter() - started))
        for table in FILLED:
            conn.execute(f"VACUUM (ANALYZE) {table}")
        seconds = time.perf_counter() - started
        log(f"registry seed: done in {seconds:.0f} s")
        return {"database": name, "assets": assets, "seeded_now": True, "seconds": round(seconds, 1)}


@contextmanager
def _indexes_dropped(conn, tables):
    """Drop the secondary indexes of ``tables`` (not those of constraints); rebuild them after."""
    rows = conn.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public' "
        "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "WHERE c.conname = i.indexname)", (list(tables),)).fetchall()
    for index_name, _definition in rows:
        conn.execute(f'DROP INDEX "{index_name}"')
    yield
    for _index_name, definition in rows:
        conn.execute(definition)


def _people_and_places(conn) -> None:
    """Departments (12 部 x 9 課), shares and mappings (one share per 部), users, one scan run."""
    password = generate_password_hash(PASSWORD)
    conn.execute(
        "INSERT INTO department (id, code, name, parent_id, valid_from) "
        "SELECT b * 100, (b * 100)::text, '第' || b || '部', NULL, DATE '2000-04-01' "
        "FROM generate_series(1, %s) b", (BUREAUS,))
    conn.execute(
        "INSERT INTO department (id, code, name, parent_id, valid_from) "
        "SELECT b * 100 + s, (b * 100 + s)::text, '第' || s || '課', b * 100, DATE '2000-04-01' "
        "FROM generate_series(1, %s) b, generate_series(1, %s) s", (BUREAUS, SECTIONS))
    conn.execute(
        "INSERT INTO share (id, name, root, description, active) "
        "SELECT b, 'share' || lpad(b::text, 2, '0'), '/mnt/bench/share' || lpad(b::text, 2, '0'), '', true "
        "FROM generate_series(1, %s + 1) b", (BUREAUS,))
    conn.execute(
        "INSERT INTO share_mapping (share_id, prefix, department_id) "
        "SELECT b, '', b * 100 FROM generate_series(1, %s) b "
        "UNION ALL SELECT b, '課' || lpad(s::text, 2, '0'), b * 100 + s "
        "FROM generate_series(1, %s) b, generate_series(1, %s) s", (BUREAUS, BUREAUS, SECTIONS))
    users = [("bench_it", "it_division", None), ("bench_privacy", "privacy_office", None),
             ("bench_admin", "admin", None)]
    users += [(f"bench_head_{b * 100}", "dept_head", b * 100) for b in range(1, BUREAUS + 1)]
    users += [(f"bench_clerk_{b * 100 + s}", "clerk", b * 100 + s)
              for b in range(1, BUREAUS + 1) for s in range(1, SECTIONS + 1)]
    with conn.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO app_user (username, display_name, role, department_id, password_hash, active,"
            " created_at) VALUES (%s, %s, %s, %s, %s, true, now())",
            [(name, name, role, dept, password) for name, role, dept in users])
    conn.execute("SELECT setval(pg_get_serial_sequence('department', 'id'), 10000)")
    conn.execute("SELECT setval(pg_get_serial_sequence('share', 'id'), 1000)")
    conn.execute("INSERT INTO scan_run (id, source, roots, started_at, finished_at, status, records, new,"
                 " changed, moved, removed, unchanged, errors, rejected, copies) VALUES (1, 'cli', '[]',"
                 " now() - interval '1 day', now(), 'finished', 0, 0, 0, 0, 0, 0, 0, 0, 0)")
    conn.execute("SELECT setval(pg_get_serial_sequence('scan_run', 'id'), 1)")


def _assets(conn, n: int) -> None:
    """``n`` assets in one INSERT ... SELECT: random draws first, then coherent facts from them."""
    conn.execute("SELECT setseed(0.42)")
    conn.execute(ASSET_SQL, {"n": n, "sets": json.dumps(CATEGORY_SETS), "folders": FOLDERS,
                             "bureaus": BUREAUS, "sections": SECTIONS, "risk_codes": RISK_CODES})
    conn.execute("SELECT setval(pg_get_serial_sequence('asset', 'id'), %s)", (n,))


#: one row per asset; ``d`` holds the draws, ``f`` the facts derived from them
ASSET_SQL = """
WITH d AS (
  SELECT i, random() AS r_bureau, random() AS r_section, random() AS r_kind, random() AS r_personal,
         random() AS r_sensitive, random() AS r_my_number, random() AS r_app, random() AS r_risk,
         random() AS r_status, random() AS r_size, random() AS r_mtime, random() AS r_set,
         random() AS r_records, random() AS r_triage, random() AS r_complexity, random() AS r_folder,
         random() AS r_seen
  FROM generate_series(1, %(n)s) i
), f AS (
  SELECT d.*,
    CASE WHEN r_bureau > 0.99 THEN %(bureaus)s + 1
         ELSE 1 + floor(%(bureaus)s * power(r_bureau / 0.99, 1.6))::int END AS bureau,
    1 + floor(%(sections)s * r_section)::int AS section,
    r_app < 0.02 AS is_app,
    CASE WHEN r_app < 0.014 THEN 'xlsm' WHEN r_app < 0.02 THEN 'accdb'
         WHEN r_kind < 0.45 THEN 'xlsx' WHEN r_kind < 0.63 THEN 'csv' WHEN r_kind < 0.73 THEN 'xls'
         WHEN r_kind < 0.81 THEN 'txt' WHEN r_kind < 0.84 THEN 'tsv' WHEN r_kind < 0.87 THEN 'xlsm'
         WHEN r_kind < 0.89 THEN 'mdb' WHEN r_kind < 0.91 THEN 'ods' WHEN r_kind < 0.94 THEN 'executable'
         WHEN r_kind < 0.97 THEN 'script' WHEN r_kind < 0.99 THEN 'shortcut' ELSE 'other' END AS kind,
    CASE WHEN r_status < 0.015 THEN 'encrypted' WHEN r_status < 0.035 THEN 'error'
         WHEN r_status < 0.045 THEN 'skipped' WHEN r_status < 0.095 THEN 'removed' ELSE 'ok' END AS status
  FROM d
), g AS (
  SELECT f.*,
    status IN ('ok', 'removed') AND kind NOT IN ('executable', 'script', 'shortcut', 'other')
      AND r_personal < 0.40 AS personal,
    CASE WHEN bureau > %(bureaus)s THEN '未整理'
         WHEN r_section < 0.03 THEN '部共通' ELSE '課' || lpad(section::text, 2, '0') END AS top,
    (2015 + floor(r_mtime * 11))::int AS year
  FROM f
), h AS (
  SELECT g.*,
    personal AND r_sensitive < 0.12 AS sensitive,
    personal AND r_my_number < 0.03 AS my_number,
    CASE WHEN status = 'encrypted' THEN 1 WHEN r_risk < 0.07 THEN 1 WHEN r_risk < 0.09 THEN 2
         WHEN is_app AND r_risk < 0.5 THEN 1 ELSE 0 END AS risk_count,
    '/mnt/bench/share' || lpad(bureau::text, 2, '0') AS root,
    top || '/' || year || '年度/' || (%(folders)s::text[])[1 + floor(r_folder * 8)::int]
      || lpad((floor(r_folder * 1000))::int::text, 3, '0') AS folder,
    'f' || lpad(i::text, 7, '0') || '.' || CASE WHEN kind IN ('executable') THEN 'exe'
      WHEN kind = 'script' THEN 'bat' WHEN kind = 'shortcut' THEN 'lnk' WHEN kind = 'other' THEN 'torrent'
      ELSE kind END AS name
  FROM g
)
INSERT INTO asset (
  id, share_id, root, path, path_key, name, folder, kind, size, mtime, sha256, status, error, notes,
  facts_digest, personal_present, categories, sensitive, my_number, records, is_app, app_kind,
  modules, forms, reports, queries, macros, procedures, code_lines, formulas, external_links,
  connections, auto_exec, vba, complexity, risk_count, department_id, department_manual,
  first_seen_run_id, last_seen_run_id, first_seen_at, last_seen_at, removed_at,
  guideline, lifecycle, owner_id, deputy_id, has_specification, has_manual, next_review)
SELECT
  i, bureau, root, folder || '/' || name,
  encode(sha256(convert_to(root, 'UTF8') || '\\x00'::bytea || convert_to(folder || '/' || name, 'UTF8')), 'hex'),
  name, folder, kind,
  floor(exp(6 + r_size * 10))::bigint,
  timestamptz '2015-01-01 00:00+00' + (r_mtime * interval '4000 days'),
  CASE WHEN status IN ('ok', 'encrypted', 'removed') THEN md5(i::text) || md5('s' || i) END,
  status, CASE WHEN status = 'error' THEN 'not a zip file' END, '[]'::jsonb,
  md5('f' || i) || md5('g' || i),
  personal,
  CASE WHEN personal THEN (%(sets)s::jsonb -> floor(r_set * 12)::int)
    || CASE WHEN sensitive THEN '["health"]'::jsonb ELSE '[]'::jsonb END
    || CASE WHEN my_number THEN '["my_number"]'::jsonb ELSE '[]'::jsonb END ELSE '[]'::jsonb END,
  sensitive, my_number,
  CASE WHEN personal THEN floor(exp(r_records * 10))::int ELSE 0 END,
  is_app, CASE WHEN is_app THEN CASE WHEN kind = 'accdb' THEN 'access' ELSE 'excel-vba' END END,
  CASE WHEN is_app THEN 1 + floor(r_complexity * 12)::int ELSE 0 END,
  CASE WHEN is_app AND kind = 'accdb' THEN floor(r_complexity * 20)::int ELSE 0 END,
  CASE WHEN is_app AND kind = 'accdb' THEN floor(r_complexity * 10)::int ELSE 0 END,
  CASE WHEN is_app AND kind = 'accdb' THEN floor(r_complexity * 30)::int ELSE 0 END,
  0, CASE WHEN is_app THEN floor(r_complexity * 60)::int ELSE 0 END,
  CASE WHEN is_app THEN floor(exp(3 + r_complexity * 5))::int ELSE 0 END,
  0, 0, CASE WHEN is_app AND r_risk < 0.3 THEN 1 ELSE 0 END,
  is_app AND r_triage < 0.3,
  CASE WHEN is_app AND kind <> 'accdb' THEN 'parsed' END,
  CASE WHEN is_app THEN CASE WHEN r_complexity < 0.2 THEN 'High' WHEN r_complexity < 0.6 THEN 'Medium'
                             WHEN r_complexity < 0.9 THEN 'Low' END END,
  risk_count,
  CASE WHEN bureau > %(bureaus)s THEN NULL WHEN top = '部共通' THEN bureau * 100
       ELSE bureau * 100 + section END,
  false, 1, 1,
  timestamptz '2026-04-01 00:00+00' + (r_seen * interval '150 days'),
  timestamptz '2026-09-01 00:00+00' + (r_seen * interval '60 days'),
  CASE WHEN status = 'removed' THEN timestamptz '2026-10-01 00:00+00' END,
  CASE WHEN is_app AND r_triage >= 0.5 THEN
         (ARRAY['central', 'department', 'outsourced', 'retire', 'out_of_scope'])[1 + floor((r_triage - 0.5) * 10)::int]
       WHEN personal AND r_triage < 0.02 THEN 'department' END,
  CASE WHEN is_app THEN CASE WHEN r_triage < 0.5 THEN 'discovered' WHEN r_triage < 0.7 THEN 'reviewing'
       WHEN r_triage < 0.9 THEN 'classified' WHEN r_triage < 0.95 THEN 'migrating' ELSE 'retired' END END,
  NULL, NULL,
  is_app AND r_triage > 0.6, is_app AND r_triage > 0.8,
  CASE WHEN is_app AND r_triage >= 0.5 THEN DATE '2026-01-01' + floor(r_seen * 730)::int END
FROM h
"""


def _findings_and_categories(conn) -> None:
    """Category rows from the assets' categories; a column finding per category; risk findings;
    some findings confirmed (15%) or dismissed (3%); owners for half the classified apps."""
    conn.execute("INSERT INTO asset_category (asset_id, category) "
                 "SELECT id, jsonb_array_elements_text(categories) FROM asset WHERE personal_present")
    conn.execute(
        "INSERT INTO finding (asset_id, kind, key, active, sheet, \"column\", header, category,"
        " confidence, hidden, evidence, dismissed, confirmed_at) "
        "SELECT a.id, 'column', md5(a.id || ':' || c.category) || md5(c.category || ':' || a.id), true,"
        " 'Sheet1', chr(65 + (c.n - 1)::int % 26), 'H_' || c.category, c.category, 0.9, false,"
        " '{\"example\": \"** **\"}'::jsonb, (a.id + c.n) % 33 = 0,"
        " CASE WHEN (a.id + c.n) % 7 = 0 AND (a.id + c.n) % 33 <> 0 THEN a.last_seen_at END "
        "FROM asset a, jsonb_array_elements_text(a.categories) WITH ORDINALITY AS c(category, n) "
        "WHERE a.personal_present")
    conn.execute(
        "INSERT INTO finding (asset_id, kind, key, active, hidden, evidence, code, detail, dismissed) "
        "SELECT a.id, 'risk', md5('r' || a.id || ':' || r.n) || md5(r.n || ':r' || a.id), true, false,"
        " '{}'::jsonb, CASE WHEN a.status = 'encrypted' THEN 'encrypted' "
        "   WHEN a.is_app THEN (%s::text[])[1 + (a.id + r.n) %% 3] "
        "   ELSE (%s::text[])[1 + (a.id + r.n) %% 6] END, 'D_' || r.n, false "
        "FROM asset a, generate_series(1, a.risk_count) AS r(n) WHERE a.risk_count > 0",
        (APP_RISK_CODES, RISK_CODES))
    # owners are people of the staff directory (issue 18): each clerk's person, linked to the account
    conn.execute(
        "INSERT INTO person (staff_number, name, kana, department_id, active, source, updated_at) "
        "SELECT 'S' || lpad(u.id::text, 7, '0'), u.display_name, '', u.department_id, true, 'account', now() "
        "FROM app_user u WHERE u.role = 'clerk'")
    conn.execute(
        "UPDATE app_user u SET person_id = p.id FROM person p WHERE p.staff_number = 'S' || lpad(u.id::text, 7, '0')")
    conn.execute(
        "UPDATE asset a SET owner_id = p.id, deputy_id = CASE WHEN a.id % 3 > 0 THEN p.id END "
        "FROM person p WHERE a.is_app AND a.guideline IS NOT NULL AND a.id % 2 = 0 "
        "AND p.department_id = a.department_id")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Seed a synthetic registry on PostgreSQL for benchmarks.")
    parser.add_argument("--assets", type=int, default=ASSETS)
    parser.add_argument("--database", help="default: inventory_bench (inventory_bench_N for other sizes)")
    parser.add_argument("--force", action="store_true", help="seed again even if the marker matches")
    args = parser.parse_args(argv)
    facts = seed(args.assets, args.database, args.force, log=lambda m: print(m, file=sys.stderr))
    print(json.dumps(facts))


if __name__ == "__main__":
    main()
