"""Writing prepared rows into the asset, finding and category tables.

The part of ingest that both a batch (:mod:`inventory.registry.ingest`) and a run's
finish (:mod:`inventory.registry.finish`: moves and copies decided at the end)
use, so that neither has to import the other's private helpers.  A row is
prepared from a record (:func:`prepare_row`: location and digest only),
completed with its scan facts and findings only when it is written
(:func:`complete_row`), then either refreshes an existing asset
(:func:`refresh_assets`) or becomes a new one (:func:`insert_new_assets`).
Human decisions (triage fields, dismissals, a department set by hand) are
never overwritten.
"""
from __future__ import annotations

import json

from sqlalchemy import (ARRAY, JSON, any_, bindparam, case, delete, func, insert, literal, select, text,
                        update)

from inventory.registry.rows import asset_values, clean_record, finding_rows, normalise_path, normalise_root, path_key
from inventory.registry.shares import ShareIndex
from inventory.models import Asset, AssetCategory, AssetChange, AssetStatus, Finding, ScanRun

ASSET = Asset.__table__
FINDING = Finding.__table__
_FACT_COLUMNS = ("kind", "size", "mtime", "sha256", "status", "error", "notes", "facts_digest",
                 "personal_present", "categories", "sensitive", "my_number", "records", "is_app",
                 "app_kind", "modules", "forms", "reports", "queries", "macros", "procedures",
                 "code_lines", "formulas", "external_links", "connections", "auto_exec", "vba",
                 "complexity", "risk_count")
_FINDING_COLUMNS = ("kind", "sheet", "column", "header", "category", "confidence", "hidden",
                    "evidence", "code", "detail")


def prepare_row(record: dict, run_share_id: int | None, shares: ShareIndex) -> dict:
    """A record's location and digest: all an unchanged file needs (see :func:`complete_row`)."""
    record, digest = clean_record(record)
    origin = normalise_root(record["root"])
    share_id, root, path = shares.locate(origin, normalise_path(record["path"]), run_share_id)
    path = path[:2000]
    folder, _, name = path.rpartition("/")
    values = {"root": root[:1000], "path": path, "name": name[:400], "folder": folder,
              "share_id": share_id, "path_key": path_key(root[:1000], path),
              "facts_digest": digest, "status": record["status"],
              "sha256": record["sha256"].lower() if record.get("sha256") else None}
    return {"values": values, "record": dict(record, root=values["root"], path=path),
            "origin_root": origin, "department_id": shares.department(share_id, path)}


def complete_row(row: dict) -> dict:
    """Add the scan facts and findings to a prepared row that will be written."""
    if "findings" not in row:
        row["values"].update(asset_values(row["record"]))
        row["findings"] = finding_rows(row["record"])
    return row


def assets_at_paths(session, rows: list[dict]) -> dict:
    """Existing assets at the rows' locations, by (root, path)."""
    keys = [row["values"]["path_key"] for row in rows]
    stmt = select(ASSET.c.id, ASSET.c.root, ASSET.c.path, ASSET.c.sha256, ASSET.c.status,
                  ASSET.c.facts_digest, ASSET.c.department_id, ASSET.c.department_manual
                  ).where(one_of(session, ASSET.c.path_key, keys))
    return {(r.root, r.path): r for r in session.execute(stmt)}


def one_of(session, column, values: list):
    """``column IN values``: one array parameter on PostgreSQL (``= ANY``), a list elsewhere."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(literal(list(values), ARRAY(column.type)))
    return column.in_(values)


def refresh_assets(session, pairs: list, run: ScanRun, now, moved_from: dict | None = None) -> None:
    """Rewrite the scan facts and findings of existing assets from their new records.

    ``pairs`` are (old asset row, prepared row); ``moved_from`` maps asset ids that
    take a new path (moves) to their old path.
    """
    if not pairs:
        return
    for _, row in pairs:
        complete_row(row)
    moved_from = moved_from or {}
    params, changes = [], []
    for old, row in pairs:
        values = row["values"]
        param = {"_" + k: values[k] for k in _FACT_COLUMNS}
        param.update(_id=old.id, _root=values["root"], _path=values["path"], _name=values["name"],
                     _path_key=values["path_key"],
                     _folder=values["folder"], _share_id=values["share_id"],
                     _dept=row["department_id"], _start="discovered" if values["is_app"] else None)
        params.append(param)
        change = _change_kind(old, values, old.id in moved_from)
        if change:
            changes.append({"run_id": run.id, "asset_id": old.id, "change": change,
                            "old_path": moved_from.get(old.id), "old_sha256": old.sha256})
        counter = {"returned": "new", None: "unchanged"}.get(change, change)
        setattr(run, counter, getattr(run, counter) + 1)
    stmt = update(ASSET).where(ASSET.c.id == bindparam("_id")).values(
        **{k: bindparam("_" + k) for k in _FACT_COLUMNS},
        root=bindparam("_root"), path=bindparam("_path"), name=bindparam("_name"),
        path_key=bindparam("_path_key"),
        folder=bindparam("_folder"), share_id=bindparam("_share_id"),
        department_id=case((ASSET.c.department_manual, ASSET.c.department_id),
                           else_=bindparam("_dept")),
        lifecycle=func.coalesce(ASSET.c.lifecycle, bindparam("_start")),
        last_seen_run_id=run.id, last_seen_at=now, removed_at=None)
    session.execute(stmt, params)
    if changes:
        session.execute(insert(AssetChange.__table__), changes)
    _replace_findings(session, [(old.id, row) for old, row in pairs], run.id)
    _replace_categories(session, [(old.id, row) for old, row in pairs])


def _change_kind(old, values: dict, moved: bool) -> str | None:
    if old.status == AssetStatus.removed:
        return "returned" if not moved else "moved"
    if moved:
        return "moved"
    return "changed" if old.sha256 != values["sha256"] else None


def insert_new_assets(session, rows: list[dict], run: ScanRun, now) -> None:
    if not rows:
        return
    params = []
    for row in map(complete_row, rows):
        values = dict(row["values"], department_id=row["department_id"],
                      first_seen_run_id=run.id, last_seen_run_id=run.id,
                      first_seen_at=now, last_seen_at=now,
                      lifecycle="discovered" if row["values"]["is_app"] else None)
        params.append(values)
    ids = _insert_assets(session, params)
    bulk_insert(session, AssetChange.__table__,
                [{"run_id": run.id, "asset_id": i, "change": "new"} for i in ids])
    pairs = list(zip(ids, rows))
    bulk_insert(session, FINDING,
                [dict(f, asset_id=i, active=True, first_seen_run_id=run.id)
                 for i, row in pairs for f in row["findings"]])
    _insert_categories(session, pairs)
    run.new += len(rows)


def _insert_assets(session, params: list[dict]) -> list[int]:
    """Insert asset rows; return their ids in order (PostgreSQL: taken from the sequence first)."""
    if session.get_bind().dialect.name == "postgresql":
        ids = list(session.execute(text(
            "SELECT nextval(pg_get_serial_sequence('asset', 'id')) FROM generate_series(1, :n)"),
            {"n": len(params)}).scalars())
        bulk_insert(session, ASSET, [dict(p, id=i) for p, i in zip(params, ids)])
        return ids
    stmt = insert(ASSET).returning(ASSET.c.id, sort_by_parameter_order=True)
    return [r.id for r in session.execute(stmt, params)]


def bulk_insert(session, table, rows: list[dict]) -> None:
    """Insert many rows: COPY on PostgreSQL (with the columns' Python defaults), executemany elsewhere.

    JSON values go to COPY as JSON text, which the server parses into jsonb;
    the common empty ones come from constants (ingest writes tens of
    thousands of JSON values a second: psycopg's Jsonb wrapper per value was
    a tenth of its Python time).
    """
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    own = list(rows[0])
    defaults = {c.name: c.default.arg for c in table.columns
                if c.name not in rows[0] and c.default is not None and c.default.is_scalar}
    json_at = [i for i, n in enumerate(own) if isinstance(table.c[n].type, JSON)]
    fixed = [_json_text(v) if isinstance(table.c[n].type, JSON) else v for n, v in defaults.items()]
    columns = ", ".join(f'"{n}"' for n in own + list(defaults))
    cursor = session.connection().connection.driver_connection.cursor()
    with cursor, cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            values = [row[n] for n in own]
            for i in json_at:
                values[i] = _json_text(values[i])
            copy.write_row(values + fixed if fixed else values)


def _json_text(value) -> str:
    """``value`` as JSON text for COPY into a json/jsonb column."""
    if isinstance(value, (list, dict)) and not value:
        return "{}" if isinstance(value, dict) else "[]"
    return json.dumps(value, ensure_ascii=False)


def _replace_findings(session, pairs: list[tuple[int, dict]], run_id: int | None = None) -> None:
    """Bring the findings of existing assets in line with their records, keeping dismissals and
    confirmations by key (a decided finding the record no longer has stays, inactive)."""
    ids = [i for i, _ in pairs]
    current: dict[tuple[int, str], tuple[int, bool]] = {}
    for start in range(0, len(ids), 5000):
        stmt = select(FINDING.c.id, FINDING.c.asset_id, FINDING.c.key,
                      (FINDING.c.dismissed | FINDING.c.confirmed_at.is_not(None)).label("decided")
                      ).where(one_of(session, FINDING.c.asset_id, ids[start:start + 5000]))
        current.update({(r.asset_id, r.key): (r.id, r.decided) for r in session.execute(stmt)})
    inserts, updates, keep = [], [], set()
    for asset_id, row in pairs:
        for finding in row["findings"]:
            hit = current.get((asset_id, finding["key"]))
            if hit is None:
                inserts.append(dict(finding, asset_id=asset_id, active=True, first_seen_run_id=run_id))
            else:
                keep.add(hit[0])
                updates.append({"_id": hit[0], **{"_" + k: finding[k] for k in _FINDING_COLUMNS}})
    gone = [(fid, decided) for fid, decided in current.values() if fid not in keep]
    if updates:
        session.execute(update(FINDING).where(FINDING.c.id == bindparam("_id")).values(
            active=True, **{k: bindparam("_" + k) for k in _FINDING_COLUMNS}), updates)
    if inserts:
        session.execute(insert(FINDING), inserts)
    stale_decided = [fid for fid, decided in gone if decided]
    stale = [fid for fid, decided in gone if not decided]
    if stale_decided:
        session.execute(update(FINDING).where(one_of(session, FINDING.c.id, stale_decided))
                        .values(active=False))
    if stale:
        session.execute(delete(FINDING).where(one_of(session, FINDING.c.id, stale)))


def _replace_categories(session, pairs: list[tuple[int, dict]]) -> None:
    ids = [i for i, _ in pairs]
    categories = AssetCategory.__table__
    session.execute(delete(categories).where(one_of(session, categories.c.asset_id, ids)))
    _insert_categories(session, pairs)


def _insert_categories(session, pairs: list[tuple[int, dict]]) -> None:
    bulk_insert(session, AssetCategory.__table__,
                [{"asset_id": i, "category": c} for i, row in pairs for c in row["values"]["categories"]])
