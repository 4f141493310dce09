"""Incremental re-scan figure: a cold scan of the benchmark share, 1% of its candidate files
changed, then an incremental re-scan (target: <= 10% of the cold scan's wall time).

The cached share (bench/share.py) is never modified: each run scans a working
copy made of hard links under ``bench/out/rescan/``, and every change
replaces a file (a new inode) instead of writing through a link.  Of the
changed files half are rewritten (other bytes: read again) and half
rewritten with the same bytes and a new mtime (hashed, not parsed); a few
files are added (copies under new names) and a few removed.  Both scans are
``inventory scan --no-registry --format jsonl`` with the same state cache
file, the cold one starting without it; the re-scan's output is checked
against a fresh ``--no-state`` scan of the changed tree.

    python -m bench.rescan [--files 10000] [--runs 3] [--fraction 0.01]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from .measure import run_measured
from .share import SHARE_FILES, make_share

OUT_DIR = Path(__file__).parent / "out" / "rescan"
TARGET_RATIO = 0.10
TEXT_KINDS = ("csv", "tsv", "txt")
SUMMARY = re.compile(r"scan: (\d+) files: reused (\d+) \(unchanged (\d+), same content (\d+), copied or moved (\d+)\) / read (\d+)")


def link_copy(source: Path, dest: Path) -> int:
    """Make ``dest`` a tree of hard links to ``source``'s files; return how many."""
    shutil.rmtree(dest, ignore_errors=True)
    count = 0
    for folder, _dirs, names in os.walk(source):
        target = dest / Path(folder).relative_to(source)
        target.mkdir(parents=True, exist_ok=True)
        for name in names:
            os.link(Path(folder) / name, target / name)
            count += 1
    return count


def candidate_paths(root: Path) -> list[Path]:
    """The files ``inventory scan`` inspects, in walk order."""
    from scanners.walk import walk_root

    return [Path(c.abspath) for c in walk_root(str(root))]


def replace_file(path: Path, data: bytes, mtime: float | None = None) -> None:
    """Write ``data`` to a new file that takes ``path``'s place (never through a hard link)."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".rescan-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    if mtime is not None:
        os.utime(temp, (mtime, mtime))
    os.replace(temp, path)


def change_share(root: Path, fraction: float, seed: int = 7) -> dict:
    """Change ``fraction`` of the candidate files (half other bytes, half the same bytes with a new
    mtime), add and remove a few; return the counts."""
    rng = random.Random(seed)
    files = candidate_paths(root)
    changed = max(2, math.ceil(len(files) * fraction))
    extra = max(1, changed // 4)
    picked = rng.sample(files, changed + extra * 2)
    rewrite, touch = picked[:changed // 2], picked[changed // 2:changed]
    add, remove = picked[changed:changed + extra], picked[changed + extra:]
    by_ext: dict[str, list[Path]] = {}
    for path in files:
        by_ext.setdefault(path.suffix.lower(), []).append(path)
    now = time.time()
    for path in rewrite:
        if path.suffix.lower().lstrip(".") in TEXT_KINDS:
            data = path.read_bytes() + "\n追記,1\n".encode(_encoding_of(path))
        else:
            other = rng.choice([p for p in by_ext[path.suffix.lower()] if p != path] or [path])
            data = other.read_bytes() + (b"" if other != path else b"\0")
        replace_file(path, data, now)
    for path in touch:
        replace_file(path, path.read_bytes(), now)
    for path in add:
        shutil.copyfile(path, path.with_name(path.stem + " - コピー" + path.suffix))
    for path in remove:
        path.unlink()
    return {"candidates_before": len(files), "rewritten": len(rewrite), "same_bytes_new_mtime": len(touch),
            "added": len(add), "removed": len(remove)}


def _encoding_of(path: Path) -> str:
    head = path.read_bytes()[:4096]
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp932"


def scan(inventory: str, root: Path, output: Path, state: Path | None, log: Path, registry: str | None = None):
    """One timed ``inventory scan`` writing JSON lines (into the registry at URL ``registry``, if
    given); stderr (the reuse summary) goes to ``log``."""
    command = [inventory, "scan", str(root), "--format", "jsonl", "--output", str(output), "--no-progress"]
    command += ["--state", str(state)] if state else ["--no-state"]
    env = dict(os.environ, INVENTORY_DATABASE_URL=registry) if registry else None
    if not registry:
        command.append("--no-registry")
    os.sync()     # the set-up's writes (links, changed files, the last output) are flushed first
    with open(log, "w", encoding="utf-8") as err:
        result = run_measured(command, stderr=err, env=env, sample_memory=False)   # time only
    found = SUMMARY.search(log.read_text(encoding="utf-8"))
    counts = dict(zip(("files", "reused", "unchanged", "same_content", "elsewhere", "read"), map(int, found.groups()))) \
        if found else None
    return result, counts


def cold_then_rescan(inventory: str, source: Path, fraction: float, registry: str | None = None):
    """On a fresh working copy with no state: cold scan, change, re-scan.
    Return (cold result, re-scan result, changes, reuse counts)."""
    work, state = OUT_DIR / "share", OUT_DIR / "state.db"
    link_copy(source, work)
    for leftover in [*OUT_DIR.glob("state.db*"), *OUT_DIR.glob("registry.db*")]:
        leftover.unlink()
    cold, _ = scan(inventory, work, OUT_DIR / "cold.jsonl", state, OUT_DIR / "cold.log", registry)
    changes = change_share(work, fraction)
    again, counts = scan(inventory, work, OUT_DIR / "rescan.jsonl", state, OUT_DIR / "rescan.log", registry)
    return cold, again, changes, counts


def measure_rescan(inventory: str, files: int = SHARE_FILES, runs: int = 3, fraction: float = 0.01) -> dict:
    """Cold scan, change, incremental re-scan, ``runs`` times on fresh copies (best of each kept);
    then once more writing into an SQLite registry (for information)."""
    source, summary = make_share(files)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    registry = f"sqlite:///{OUT_DIR / 'registry.db'}"
    reg_cold, reg_again, _, _ = cold_then_rescan(inventory, source, fraction, registry)
    colds, rescans, changes, counts = [], [], None, None
    for number in range(1, runs + 1):
        cold, again, changes, counts = cold_then_rescan(inventory, source, fraction)
        colds.append(cold)
        rescans.append(again)
        print(f"  rescan run {number}/{runs}: cold {cold.wall_s:.2f} s, re-scan {again.wall_s:.2f} s "
              f"({again.wall_s / cold.wall_s:.1%})", file=sys.stderr)
    work, state = OUT_DIR / "share", OUT_DIR / "state.db"
    fresh, _ = scan(inventory, work, OUT_DIR / "fresh.jsonl", None, OUT_DIR / "fresh.log")
    identical = (OUT_DIR / "rescan.jsonl").read_bytes() == (OUT_DIR / "fresh.jsonl").read_bytes()
    best_cold, best_again = min(colds, key=lambda r: r.wall_s), min(rescans, key=lambda r: r.wall_s)
    return {"files": summary["files"], "fraction": fraction, "changes": changes, "reuse": counts,
            "cold": best_cold.as_dict(), "rescan": best_again.as_dict(),
            "cold_runs": [r.wall_s for r in colds], "rescan_runs": [r.wall_s for r in rescans],
            "fresh_full_scan_s": fresh.wall_s, "rescan_equals_fresh_scan": identical,
            "state_bytes": state.stat().st_size if state.exists() else None,
            "ratio": round(best_again.wall_s / best_cold.wall_s, 4),
            "cpu_ratio": round(min(r.cpu_s for r in rescans) / min(r.cpu_s for r in colds), 4),
            "with_registry": {"cold": reg_cold.as_dict(), "rescan": reg_again.as_dict(),
                              "ratio": round(reg_again.wall_s / reg_cold.wall_s, 4)}}


def rescan_rows(results: dict, quick: bool = False) -> list[tuple[str, str, str, str]]:
    """Rows of bench/run.py's figures table."""
    data = results.get("rescan")
    if not data:
        return []
    cold, again, reuse, changes = data["cold"], data["rescan"], data["reuse"] or {}, data["changes"]
    ratio = data["ratio"]
    verdict = "not judged (quick)" if quick else ("PASS" if ratio <= TARGET_RATIO else "FAIL")
    changed = changes["rewritten"] + changes["same_bytes_new_mtime"]
    rows = [
        (f"rescan: cold scan, {data['files']:,} files (state written)", f"{cold['wall_s']:.2f} s", "", "info"),
        (f"rescan: {changed} changed, {changes['added']} added, {changes['removed']} removed; re-scan",
         f"{again['wall_s']:.2f} s (cpu {again['cpu_s']:.2f} s)", "", "info"),
        ("rescan: files reused / read", f"{reuse.get('reused', '?')} / {reuse.get('read', '?')}", "", "info"),
        ("rescan: re-scan / cold scan, wall", f"{ratio:.1%}", f"<= {TARGET_RATIO:.0%}", verdict),
        ("rescan: re-scan / cold scan, cpu", f"{data['cpu_ratio']:.1%}", "", "info"),
        ("rescan: output equals a fresh scan", str(data["rescan_equals_fresh_scan"]), "True",
         "PASS" if data["rescan_equals_fresh_scan"] else "FAIL"),
    ]
    registry = data.get("with_registry")
    if registry:
        rows.append(("rescan: into an SQLite registry, cold / re-scan",
                     f"{registry['cold']['wall_s']:.2f} s / {registry['rescan']['wall_s']:.2f} s "
                     f"({registry['ratio']:.1%})", "", "info"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=SHARE_FILES)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fraction", type=float, default=0.01)
    args = parser.parse_args()
    from .measure import compile_sources
    from .run import find_inventory, print_table

    compile_sources()

    results = {"rescan": measure_rescan(find_inventory(), args.files, args.runs, args.fraction)}
    print_table(rescan_rows(results))
    summary = {k: v for k, v in results["rescan"].items() if k not in ("cold", "rescan", "with_registry")}
    print(json.dumps(summary, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
