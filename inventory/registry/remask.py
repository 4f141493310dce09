"""Mask what a registry stored before it enforced masking itself (migration 0008).

Before issue 16 the registry stored evidence, risk details, notes and sheet
names as scanners sent them, and the scanner wrote the file names of link
targets (``hyperlink to file \\\\fs01\\共有\\山田太郎.pdf``).  A re-scan replaces
the findings of files that are still there, but a removed file's findings and
a dismissed finding the scan no longer reports stay as they were.  This pass
runs every stored asset's findings and notes through the same guard as ingest
(:func:`inventory.registry.record_guard.guard_record`) and writes back what it masked.

A changed finding gets the key the next scan will give it (the guard masks a
link target the way today's scanner does), so a dismissal or confirmation
made before the upgrade is still matched by the next scan.  Two findings of
one asset that now say the same thing are numbered as ingest numbers them
(and the next scan drops the one it no longer reports, unless decided).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import sqlalchemy as sa

from inventory.registry.rows import finding_rows
from inventory.models import JSONType
from inventory.registry.record_guard import guard_record

log = logging.getLogger(__name__)

ASSET = sa.table("asset", sa.column("id", sa.Integer), sa.column("notes", JSONType))
FINDING = sa.table(
    "finding", *(sa.column(name) for name in (
        "id", "asset_id", "kind", "key", "sheet", "column", "header", "category", "confidence",
        "hidden", "code", "detail", "dismissed", "confirmed_at")),
    sa.column("evidence", JSONType))
PENDING = sa.table("pending_record", sa.column("id", sa.Integer), sa.column("record", JSONType))
#: the finding fields a guarded record may change
TEXTS = ("sheet", "evidence", "detail")
BATCH = 2000


@dataclass
class Remasked:
    """What the pass changed (counts only)."""
    assets: int = 0
    findings: int = 0
    notes: int = 0
    pending: int = 0


def remask_registry(conn) -> Remasked:
    """Guard every stored asset's findings and notes, and every pending record, on ``conn``."""
    done, last = Remasked(), 0
    while True:
        assets = conn.execute(sa.select(ASSET.c.id, ASSET.c.notes).where(ASSET.c.id > last)
                              .order_by(ASSET.c.id).limit(BATCH)).all()
        if not assets:
            break
        last = assets[-1].id
        findings = _findings_of(conn, [a.id for a in assets])
        for asset in assets:
            _remask_asset(conn, asset, findings.get(asset.id, []), done)
    for pending in conn.execute(sa.select(PENDING.c.id, PENDING.c.record)).all():
        if isinstance(pending.record, dict):
            guarded, masked = guard_record(pending.record)
            if masked:
                conn.execute(PENDING.update().where(PENDING.c.id == pending.id).values(record=guarded))
                done.pending += 1
    log.info("remasked %s", done)
    return done


def _findings_of(conn, asset_ids: list[int]) -> dict[int, list]:
    found: dict[int, list] = {}
    rows = conn.execute(sa.select(FINDING).where(FINDING.c.asset_id.in_(asset_ids))
                        .order_by(FINDING.c.asset_id, FINDING.c.id))
    for row in rows:
        found.setdefault(row.asset_id, []).append(row)
    return found


def as_record(notes, findings: list) -> dict:
    """The parts of a scan record an asset's stored findings and notes stand for."""
    columns = [{"sheet": f.sheet, "column": f.column, "header": f.header, "category": f.category,
                "confidence": f.confidence, "hidden": f.hidden, "evidence": f.evidence}
               for f in findings if f.kind == "column"]
    risks = [{"code": f.code, "detail": f.detail} for f in findings if f.kind == "risk"]
    return {"personal": {"columns": columns}, "risks": risks,
            "notes": notes if isinstance(notes, list) else []}


def _remask_asset(conn, asset, findings: list, done: Remasked) -> None:
    guarded, masked = guard_record(as_record(asset.notes, findings))
    if not masked:
        return
    done.assets += 1
    if guarded["notes"] != (asset.notes or []):
        conn.execute(ASSET.update().where(ASSET.c.id == asset.id).values(notes=guarded["notes"]))
        done.notes += 1
    ordered = [f for f in findings if f.kind == "column"] + [f for f in findings if f.kind == "risk"]
    fresh = finding_rows(guarded)
    if len(fresh) != len(ordered):          # a stored finding the guard could not place: leave them
        return
    keys = {f.key for f in ordered}
    for old, new in zip(ordered, fresh):
        if all((getattr(old, name) or None) == (new[name] or None) for name in TEXTS):
            continue
        _rewrite(conn, old, new, keys, done)


def _rewrite(conn, old, new: dict, keys: set, done: Remasked) -> None:
    """Write the masked texts and the key the next scan will use (the old key where another
    finding of the asset holds that one already: keys stay unique)."""
    texts = {name: new[name] for name in TEXTS}
    if new["key"] not in keys:
        keys.discard(old.key)
        keys.add(new["key"])
        texts["key"] = new["key"]
    conn.execute(FINDING.update().where(FINDING.c.id == old.id).values(**texts))
    done.findings += 1
