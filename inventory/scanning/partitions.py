"""How a distributed scan (:mod:`inventory.scanning.distributed`) splits its roots, and how
the coordinator puts right the one record field that depends on other partitions.

:func:`plan_partitions`: the top-level folders of each root, balanced by how many
candidate files each holds (largest first onto the lightest partition), and the files
directly in a root together; a root the scanner treats as one (a sync client's folder,
whose every file inherits its risk) stays whole.  :func:`cross_partition_fixes`: the
``duplicate-personal-data`` risk (a later byte-identical copy of a personal-data file) is
marked by each task within its partition; replaying ``mark_duplicates`` over every
partition's (root, path, sha256) in the local scan's walk order (:func:`walk_ordered`)
tells which records carry another risk than a local scan gives.

Plain functions over names and digests: no broker, no network, no registry.
"""
from __future__ import annotations

import heapq
import os
import unicodedata
from collections.abc import Iterable

from scanners.scan import mark_duplicates
from scanners.shadow import sync_client_of_folder
from scanners.walk import data_kind_of, is_excluded, is_office_lock_file, is_snapshot_dir, kind_of

DEFAULT_PARTITIONS = 16


# ----- planning (coordinator) -----
def count_candidates(folder: str, data_only: bool = False) -> int:
    """Files under ``folder`` whose names the scanner inspects: the weight of a partition.
    Names only, no stat: a planning estimate, as cheap as a listing."""
    count, stack = 0, [folder]
    while stack:
        try:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            if not is_snapshot_dir(entry.name):
                                stack.append(entry.path)
                        elif (data_kind_of if data_only else kind_of)(entry.name) is not None:
                            count += 1
                    except OSError:
                        continue
        except OSError:
            continue
    return count


def root_items(root: str, exclude: Iterable[str], data_only: bool) -> tuple[list, list | None]:
    """(items, walk order) of one root: items ``(weight, root, names)`` to balance, and the
    names directly under the root in the order a walk reaches them (None: the root is one item)."""
    if not os.path.isdir(root):
        return [(1, root, None)], None
    with os.scandir(root) as it:
        entries = sorted(it, key=lambda e: e.name)
    names = {e.name for e in entries}
    if not data_only and sync_client_of_folder(os.path.basename(root), names):
        return [(count_candidates(root), root, None)], None    # every file inherits the folder's risk
    files, folders = [], []
    for entry in entries:
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            continue
        if is_excluded(unicodedata.normalize("NFC", entry.name), exclude):
            continue
        if is_dir and not is_snapshot_dir(entry.name):
            folders.append(entry.name)
        elif not is_dir and not is_office_lock_file(entry.name):
            files.append(entry.name)
    items = [(count_candidates(os.path.join(root, name), data_only), root, [name]) for name in folders]
    if files:
        kind = data_kind_of if data_only else kind_of
        items.append((sum(1 for n in files if kind(n)), root, files))
    return items, files + folders


def plan_partitions(roots: Iterable[str], partitions: int = DEFAULT_PARTITIONS,
                    exclude: Iterable[str] = (), apps: bool = True) -> dict:
    """Split roots into at most ``partitions`` partitions of similar weight (largest first onto
    the lightest); each partition is a list of slices ``{"root", "names"}`` (names None: all).

    Returns ``{"partitions": [...], "order": {root: names in walk order or None}, "roots": [...]}``.
    """
    exclude = tuple(exclude)
    roots = [os.path.abspath(r) for r in roots]
    items, order = [], {}
    for root in roots:
        found, order[root] = root_items(root, exclude, data_only=not apps)
        items.extend(found)
    bins = [(0, index, []) for index in range(max(1, min(partitions, len(items))))]
    heapq.heapify(bins)
    for weight, root, names in sorted(items, key=lambda item: -item[0]):
        total, index, content = heapq.heappop(bins)
        content.append((root, names))
        heapq.heappush(bins, (total + weight, index, content))
    plan = [_slices(content) for _, _, content in sorted(bins, key=lambda b: b[1]) if content]
    return {"partitions": plan, "order": order, "roots": roots}


def _slices(content: list) -> list[dict]:
    """One slice per root of a partition's items, names sorted as the walk sorts them."""
    by_root: dict[str, list | None] = {}
    for root, names in content:
        if names is None:
            by_root[root] = None
        elif by_root.get(root, []) is not None:
            by_root.setdefault(root, []).extend(names)
    return [{"root": root, "names": None if names is None else sorted(names)}
            for root, names in by_root.items()]


# ----- copies across partitions (coordinator) -----
def _stand_in(digest: list) -> dict:
    root, path, sha256 = digest
    return {"root": root, "path": path, "sha256": sha256, "personal": {"present": True}, "risks": []}


def _duplicate_risks(digests: Iterable[list]) -> dict:
    """(root, path) -> the duplicate risks ``mark_duplicates`` gives over these files in this order."""
    return {(r["root"], r["path"]): r["risks"] for r in mark_duplicates(map(_stand_in, digests))}


def walk_ordered(plan: dict, digests_by_partition: list[list]) -> list[list]:
    """Every partition's digests in the order a local scan of the roots reaches the files."""
    groups: dict[tuple, list] = {}
    for digests in digests_by_partition:
        for digest in digests:
            root, path = digest[0], digest[1]
            top = None if plan["order"].get(root) is None else path.split("/", 1)[0]
            groups.setdefault((root, top), []).append(digest)
    ordered = []
    for root in plan["roots"]:
        names = plan["order"].get(root)
        tops = [None] if names is None else [unicodedata.normalize("NFC", n) for n in names]
        for top in tops:
            ordered.extend(groups.pop((root, top), []))
    for rest in groups.values():          # not in the plan (cannot happen): at the end
        ordered.extend(rest)
    return ordered


def cross_partition_fixes(plan: dict, digests_by_partition: list[list]) -> dict[int, list]:
    """partition index -> [root, path, sha256, risks] of records whose duplicate risk, marked
    within their partition, differs from the risk of a local scan."""
    wanted = _duplicate_risks(walk_ordered(plan, digests_by_partition))
    fixes: dict[int, list] = {}
    for index, digests in enumerate(digests_by_partition):
        marked = _duplicate_risks(digests)
        for root, path, sha256 in digests:
            if marked[(root, path)] != wanted[(root, path)]:
                fixes.setdefault(index, []).append([root, path, sha256, wanted[(root, path)]])
    return fixes
