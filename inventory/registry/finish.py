"""Finishing a scan run: moves, removals and copies, decided once every record is in.

- A pending record (new path, content some asset has) is a *move* of an
  asset of the same share with that content that the run did not see at its
  own path (under the run's roots), or failing that of a *removed* asset of
  the same share (a scanner of one share never takes another's assets, nor
  their departments and findings): that asset takes
  the new path and keeps its id, triage and dismissals.  Same-named
  candidates are preferred (a move keeps the name, a rename the folder).
  Otherwise the record is a new asset, a copy.
- In a complete run, live assets under the run's roots it did not see are
  marked removed (never deleted).  A root from which the run saw nothing at
  all is left alone: an unmounted share must not empty the registry.
- Byte-identical live assets are linked: ``copy_of_id`` is the oldest one.
Empty files (and assets without a hash) take part in none of this.
"""
from __future__ import annotations

from sqlalchemy import and_, bindparam, delete, func, insert, or_, select, update

from inventory.registry.write import ASSET, assets_at_paths, insert_new_assets, one_of, prepare_row, refresh_assets
from inventory.registry.rows import EMPTY_SHA256, in_scope
from inventory.registry.shares import ShareIndex
from inventory.models import AssetChange, AssetStatus, AuditEvent, PendingRecord, ScanRun, utcnow

_CHUNK = 5000


def move_key(row: dict) -> tuple[int | None, str | None]:
    """What a prepared row may be a move of: an asset of its share with its content."""
    return row["values"]["share_id"], row["values"]["sha256"]


def move_candidates(session, keys: set[tuple[int | None, str]], run: ScanRun,
                    scopes: list[tuple[str, str]]) -> dict[tuple, list]:
    """Assets that a record at a new path may be a move of, by (share id, hash) (:func:`move_key`).

    Only assets of the record's own share: a token bound to one share must not
    reach into another.  Each list holds live assets under ``scopes`` not seen
    in ``run`` first, then removed ones.
    """
    wanted = {key for key in keys if key[1] and key[1] != EMPTY_SHA256}
    hashes = sorted({sha for _, sha in wanted})
    found: dict[tuple, list] = {}
    for start in range(0, len(hashes), _CHUNK):
        stmt = select(ASSET.c.id, ASSET.c.root, ASSET.c.path, ASSET.c.name, ASSET.c.sha256,
                      ASSET.c.share_id, ASSET.c.status, ASSET.c.last_seen_run_id).where(
            one_of(session, ASSET.c.sha256, hashes[start:start + _CHUNK])).order_by(ASSET.c.id)
        for row in session.execute(stmt):
            if (row.share_id, row.sha256) not in wanted:
                continue
            removed = row.status == AssetStatus.removed
            unseen_here = (row.last_seen_run_id != run.id
                           and any(in_scope(r, p, row.root, row.path) for r, p in scopes))
            if removed or unseen_here:
                found.setdefault((row.share_id, row.sha256), []).append(row)
    for rows in found.values():
        rows.sort(key=lambda r: (r.status == AssetStatus.removed, r.id))
    return found


def finish_run(session, run: ScanRun, complete: bool = True) -> ScanRun:
    """Settle ``run``'s pending records, removals and copies; record the run's audit event."""
    now = utcnow()
    shares = ShareIndex.load(session)
    scopes = shares.scopes(run.roots, run.share_id)
    _settle_pending(session, run, shares, scopes, now)
    if complete:
        _mark_removed(session, run, scopes, now)
    run.copies = link_copies(session)
    run.finished_at = now
    run.status = "finished" if complete else "partial"
    session.add(run)
    session.add(AuditEvent(user_id=run.started_by_id, object_type="scan_run", object_id=run.id,
                           field="finished", after=run_summary(run)))
    session.flush()
    return run


def run_summary(run: ScanRun) -> str:
    """One line of counts, e.g. "records=10 new=2 changed=1 moved=0 removed=1 unchanged=6"."""
    names = ("records", "new", "changed", "moved", "removed", "unchanged", "errors", "rejected",
             "copies")
    return " ".join(f"{n}={getattr(run, n)}" for n in names)


def _settle_pending(session, run: ScanRun, shares: ShareIndex, scopes, now) -> None:
    table = PendingRecord.__table__
    last_id, taken = 0, set()
    while True:
        batch = session.execute(select(table.c.id, table.c.record).where(
            table.c.run_id == run.id, table.c.id > last_id).order_by(table.c.id).limit(1000)).all()
        if not batch:
            break
        last_id = batch[-1].id
        rows = []
        for pending in batch:
            row = prepare_row(pending.record, run.share_id, shares)
            key = (row["values"]["root"], row["values"]["path"])
            if key not in taken:         # a path given twice in one run: the first record counts
                taken.add(key)
                rows.append(row)
        occupied = assets_at_paths(session, rows)      # only with a path given twice in a run
        rows = [r for r in rows if (r["values"]["root"], r["values"]["path"]) not in occupied]
        pool = move_candidates(session, {move_key(r) for r in rows}, run, scopes)
        moves, moved_from, fresh = [], {}, []
        for row in rows:
            old = _pick(pool.get(move_key(row), []), row["values"]["name"])
            if old is None:
                fresh.append(row)
            else:
                moves.append((old, row))
                moved_from[old.id] = old.path
        # free the old paths first, so that a path pending in this batch can be taken
        refresh_assets(session, moves, run, now, moved_from=moved_from)
        insert_new_assets(session, fresh, run, now)
    session.execute(delete(table).where(table.c.run_id == run.id))


def _pick(candidates: list, name: str):
    """Take the candidate with the same name, else the first one, out of ``candidates``."""
    if not candidates:
        return None
    live = [c for c in candidates if c.status != AssetStatus.removed] or candidates
    chosen = next((c for c in live if c.name == name), live[0])
    candidates.remove(chosen)
    return chosen


def _mark_removed(session, run: ScanRun, scopes, now) -> None:
    for root, prefix in scopes:
        where = [ASSET.c.root == root]
        if prefix:
            where.append(or_(ASSET.c.path == prefix,
                             func.substr(ASSET.c.path, 1, len(prefix) + 1) == prefix + "/"))
        seen = session.execute(select(func.count()).select_from(ASSET).where(
            *where, ASSET.c.last_seen_run_id == run.id)).scalar_one()
        if not seen:
            continue
        gone = session.execute(select(ASSET.c.id, ASSET.c.sha256).where(
            *where, ASSET.c.status != AssetStatus.removed,
            or_(ASSET.c.last_seen_run_id.is_(None), ASSET.c.last_seen_run_id != run.id))).all()
        for start in range(0, len(gone), _CHUNK):
            chunk = gone[start:start + _CHUNK]
            session.execute(insert(AssetChange.__table__), [
                {"run_id": run.id, "asset_id": g.id, "change": "removed", "old_sha256": g.sha256}
                for g in chunk])
            session.execute(update(ASSET).where(one_of(session, ASSET.c.id, [g.id for g in chunk]))
                            .values(status=AssetStatus.removed, removed_at=now, copy_of_id=None))
        run.removed += len(gone)


def link_copies(session) -> int:
    """Point ``copy_of_id`` of every live byte-identical asset at the oldest; return how many are copies."""
    live = and_(ASSET.c.status != AssetStatus.removed, ASSET.c.sha256.is_not(None),
                ASSET.c.sha256 != EMPTY_SHA256)
    groups = (select(ASSET.c.sha256, func.min(ASSET.c.id).label("first")).where(live)
              .group_by(ASSET.c.sha256).having(func.count() > 1).subquery())
    wanted = {r.id: r.first for r in session.execute(
        select(ASSET.c.id, groups.c.first).join(groups, ASSET.c.sha256 == groups.c.sha256)
        .where(live, ASSET.c.id != groups.c.first))}
    current = {r.id: r.copy_of_id for r in session.execute(
        select(ASSET.c.id, ASSET.c.copy_of_id).where(ASSET.c.copy_of_id.is_not(None)))}
    changes = [{"_id": i, "_to": wanted.get(i)} for i in set(wanted) | set(current)
               if wanted.get(i) != current.get(i)]
    if changes:
        session.execute(update(ASSET).where(ASSET.c.id == bindparam("_id"))
                        .values(copy_of_id=bindparam("_to")), changes)
    return len(wanted)
