"""``make bench``: generate what is missing, measure, print a table, write results.json.

    python -m bench.run            # full: 680,000-row voter workbook, 10,000-file share
    python -m bench.run --quick    # 68,000 rows, 1,000 files, one timed run each
    python -m bench.run --skip-registry   # no registry figures (bench/registry_report.py)
    python -m bench.guards         # only the readers' bounded-work timings (bench/guards.py)

Every timed command is run once untimed first (warms the page cache and
gives the output we check), then ``--runs`` times; the best wall time is
kept, with the highest memory seen over the timed runs.
"""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil

from .measure import best_of, compile_sources, run_measured
from .registry_report import measure_registry, registry_rows
from .share import SHARE_FILES, share_root
from .voter import VOTER_ROWS, voter_path

OUT_DIR = Path(__file__).parent / "out"
REPO = Path(__file__).parents[1]
TARGETS = {"voter_wall_s": 3.0, "voter_tree_peak_rss_mb": 300.0, "share_ratio_to_floor": 3.0,
           "share_speedup_w2_over_w1": 1.7}


def generate(module: str, *options: str) -> float:
    """Run a generator in its own process (keeps this runner's memory, and so the
    ru_maxrss children inherit from it, small); return the seconds it took."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", module, *options], cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    return round(time.perf_counter() - started, 1)


def find_inventory() -> str | None:
    """The ``inventory`` console script beside this Python, or on PATH."""
    beside = Path(sys.executable).with_name("inventory")
    return str(beside) if beside.exists() else shutil.which("inventory")


def cli_works(inventory: str | None) -> bool:
    if not inventory:
        return False
    probe = subprocess.run([inventory, "scan", "--help"], capture_output=True)
    return probe.returncode == 0


def summarize_records(path: Path) -> dict:
    """Counts over a JSONL scan output: statuses, kinds, error reasons (never values)."""
    statuses, kinds, errors = collections.Counter(), collections.Counter(), collections.Counter()
    personal = {"present": 0, "records": 0, "categories": set()}
    lines = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            lines += 1
            statuses[record.get("status")] += 1
            kinds[record.get("kind")] += 1
            if record.get("error"):
                errors[str(record["error"])[:60]] += 1
            found = record.get("personal") or {}
            if found.get("present"):
                personal["present"] += 1
                personal["records"] += int(found.get("records") or 0)
                personal["categories"].update(found.get("categories") or [])
    personal["categories"] = sorted(personal["categories"])
    return {"records": lines, "status": dict(statuses), "kind": dict(kinds),
            "top_errors": dict(errors.most_common(5)), "personal": personal}


def scan_command(inventory: str, target: Path, workers: int | None, output: str,
                 apps: bool = True) -> list[str]:
    command = [inventory, "scan", str(target), "--format", "jsonl", "--output", output, "--no-progress",
               "--no-registry", "--no-state"] + ([] if apps else ["--no-apps"])
    return command + (["--workers", str(workers)] if workers is not None else [])


def measure_scan(inventory: str, target: Path, workers: int | None, runs: int, label: str,
                 apps: bool = True) -> dict:
    """Warm run writing JSONL we check, then ``runs`` timed runs to /dev/null."""
    checked = OUT_DIR / f"{label}.jsonl"
    warm = run_measured(scan_command(inventory, target, workers, str(checked), apps))
    best, all_runs = best_of(runs, lambda: run_measured(scan_command(inventory, target, workers, os.devnull,
                                                                     apps)),
                             warm=False, label=label)
    return {"best": best.as_dict(), "runs": [r.wall_s for r in all_runs], "runs_cpu": [r.cpu_s for r in all_runs],
            "warm_exit_code": warm.exit_code,
            "output": summarize_records(checked) if checked.exists() else None}


def measure_floor(root: Path, runs: int) -> dict:
    command = [sys.executable, "-m", "bench.floor", str(root)]
    best, all_runs = best_of(runs, lambda: run_measured(command, cwd=str(REPO)), label="floor")
    counted = subprocess.run(command, cwd=str(REPO), capture_output=True, text=True, check=True)
    return {"best": best.as_dict(), "runs": [r.wall_s for r in all_runs], "runs_cpu": [r.cpu_s for r in all_runs],
            "counts": json.loads(counted.stdout)}


def verdict(value: float | None, target: float, at_most: bool) -> str:
    if value is None:
        return "n/a"
    return "PASS" if (value <= target if at_most else value >= target) else "FAIL"


def figures_table(results: dict) -> list[tuple[str, str, str, str]]:
    """Rows of (figure, measured, target, verdict) for the printed table."""
    rows = []
    quick = results["quick"]
    judged = (lambda v, t, at_most: "not judged (quick)" if quick else verdict(v, t, at_most))
    voter = results.get("voter")
    if voter and voter.get("scan"):
        best = voter["scan"]["best"]
        rows += [(f"voter {voter['rows']:,} rows: wall, --workers 1", f"{best['wall_s']:.2f} s",
                  f"<= {TARGETS['voter_wall_s']} s", judged(best["wall_s"], TARGETS["voter_wall_s"], True)),
                 ("voter: peak RSS, process tree (psutil)", f"{best['tree_peak_rss_mb']:.0f} MB",
                  f"<= {TARGETS['voter_tree_peak_rss_mb']:.0f} MB",
                  judged(best["tree_peak_rss_mb"], TARGETS["voter_tree_peak_rss_mb"], True)),
                 ("voter: ru_maxrss (os.wait4)", f"{best['ru_maxrss_mb']:.0f} MB",
                  f"(baseline {results['baseline_ru_maxrss_mb']:.0f} MB)", "info")]
    share = results.get("share")
    if share:
        files = share["data"]["files"]
        floor = share["floor"]["best"]["wall_s"]
        floor_cpu = min(share["floor"]["runs_cpu"])
        rows.append((f"share {files:,} files: floor (walk + sha256)", f"{floor:.2f} s (cpu {floor_cpu:.2f} s)",
                     "", "info"))
        scans = share.get("scans", {})
        if "default" in scans:
            wall = scans["default"]["best"]["wall_s"]
            cpu = min(scans["default"]["runs_cpu"])
            rows.append(("share: scan, default workers", f"{wall:.2f} s = {files / wall:,.0f} files/s", "", "info"))
            rows.append(("share: scan cpu / floor cpu", f"{cpu / floor_cpu:.1f}x", "", "info"))
            rows.append(("share: scan / floor", f"{wall / floor:.1f}x", f"<= {TARGETS['share_ratio_to_floor']}x",
                         verdict(wall / floor, TARGETS["share_ratio_to_floor"], True)))
        if "w1" in scans and "w2" in scans:
            w1, w2 = scans["w1"]["best"]["wall_s"], scans["w2"]["best"]["wall_s"]
            for label, wall in (("1", w1), ("2", w2)):
                cpu = min(scans[f"w{label}"]["runs_cpu"])
                rows.append((f"share: scan --workers {label}", f"{wall:.2f} s = {files / wall:,.0f} files/s "
                             f"(cpu {cpu:.1f} s)", "", "info"))
            rows.append(("share: speed-up w2 / w1", f"{w1 / w2:.2f}x", f">= {TARGETS['share_speedup_w2_over_w1']}x",
                         verdict(w1 / w2, TARGETS["share_speedup_w2_over_w1"], False)))
            if "no_apps" in scans:
                bare = scans["no_apps"]["best"]["wall_s"]
                bare_cpu = min(scans["no_apps"]["runs_cpu"])
                full_cpu = min(scans["default"]["runs_cpu"])
                rows.append(("share: scan --no-apps (personal data only)", f"{bare:.2f} s (cpu {bare_cpu:.1f} s)",
                             "", "info"))
                rows.append(("share: app + risk detection overhead, wall", f"{(wall / bare - 1) * 100:+.0f}%",
                             "<= +20%", verdict(wall / bare - 1, 0.20, True)))
                rows.append(("share: app + risk detection overhead, cpu", f"{(full_cpu / bare_cpu - 1) * 100:+.0f}%",
                             "", "info"))
            peak = max(scans[k]["best"]["tree_peak_rss_mb"] for k in scans)
            rows.append(("share: peak RSS of any scan, process tree", f"{peak:.0f} MB", "", "info"))
    rows += rescan_figures(results)
    rows += distributed_rows(results.get("distributed"))
    rows += registry_rows(results)
    rows += guard_rows(results.get("guards"))
    return rows


def rescan_figures(results: dict) -> list[tuple[str, str, str, str]]:
    """The incremental re-scan group (bench/rescan.py), when it was measured."""
    from .rescan import rescan_rows

    return rescan_rows(results, quick=results["quick"])


def distributed_figures(files: int, runs: int) -> dict:
    """1, 2 and 4 Celery worker processes on the share (bench/distributed.py)."""
    from .distributed import measure

    print("distributed: 1, 2 and 4 Celery worker processes ...", file=sys.stderr)
    return measure(files, runs)


def distributed_rows(results: dict | None) -> list[tuple[str, str, str, str]]:
    from .distributed import table_rows

    return table_rows(results)


def guard_rows(results: dict | None) -> list[tuple[str, str, str, str]]:
    """The bounded-work figures (bench/guards.py): timings the unit tests keep as counts."""
    from .guards import table_rows

    return table_rows(results)


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    widths = [max(len(r[i]) for r in rows + [("figure", "measured", "target", "result")]) for i in range(4)]
    for row in [("figure", "measured", "target", "result"), tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())


def git_head() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    except OSError:
        return None
    return out.stdout.strip() or None


def run(args: argparse.Namespace) -> dict:
    rows = args.voter_rows or (VOTER_ROWS // 10 if args.quick else VOTER_ROWS)
    files = args.share_files or (SHARE_FILES // 10 if args.quick else SHARE_FILES)
    runs = args.runs or (1 if args.quick else 3)
    inventory = find_inventory()
    compile_sources()
    results: dict = {
        "when": dt.datetime.now().astimezone().isoformat(timespec="seconds"), "quick": args.quick, "runs": runs,
        "note": args.note, "git_head": git_head(), "targets": TARGETS, "load_average_at_start": os.getloadavg(),
        "machine": {"cpus": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
                    "python": platform.python_version(), "platform": platform.platform()},
    }
    results["baseline_ru_maxrss_mb"] = run_measured(["/bin/true"]).ru_maxrss_mb
    have_cli = cli_works(inventory)
    if not have_cli:
        print("inventory scan is not available: measuring the floor only", file=sys.stderr)
    if not args.skip_voter:
        ready_s = generate("bench.voter", "--rows", str(rows))
        path = voter_path(rows)
        results["voter"] = {"rows": rows, "file": path.name, "bytes": path.stat().st_size, "ready_s": ready_s}
        if have_cli:
            print(f"voter: scanning {path.name} ...", file=sys.stderr)
            results["voter"]["scan"] = measure_scan(inventory, path, 1, runs, "voter-scan")
    if not args.skip_share:
        ready_s = generate("bench.share", "--files", str(files))
        root = share_root(files)
        summary = json.loads(root.with_name(root.name + ".json").read_text(encoding="utf-8"))
        results["share"] = {"root": root.name, "data": summary, "ready_s": ready_s}
        print(f"share: floor over {files:,} files ...", file=sys.stderr)
        results["share"]["floor"] = measure_floor(root, runs)
        if have_cli:
            scans = results["share"]["scans"] = {}
            for label, workers, apps in (("default", None, True), ("w1", 1, True), ("w2", 2, True),
                                         ("no_apps", None, False)):
                print(f"share: scan ({label}) ...", file=sys.stderr)
                scans[label] = measure_scan(inventory, root, workers, runs, f"share-scan-{label}", apps)
    if not args.skip_rescan and have_cli:
        from .rescan import measure_rescan

        print("rescan: cold scan, 1% changed, incremental re-scan ...", file=sys.stderr)
        results["rescan"] = measure_rescan(inventory, files, runs)
    if not args.skip_distributed and have_cli:
        results["distributed"] = distributed_figures(files, runs)
    if not args.skip_guards:
        from .guards import measure as measure_guards

        print("guards: timing the bounded readers ...", file=sys.stderr)
        results["guards"] = measure_guards(runs=5 if args.quick else 10)
    if not args.skip_registry:
        results["registry"] = measure_registry(args.quick, args.registry_assets, args.registry_records,
                                               args.registry_seconds)
    results["load_average_at_end"] = os.getloadavg()
    results["table"] = figures_table(results)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description="Speed and memory benchmarks of inventory scan.")
    parser.add_argument("--quick", action="store_true", help="68,000 rows and 1,000 files, one timed run")
    parser.add_argument("--runs", type=int, help="timed runs per figure, best kept (default 3, quick 1)")
    parser.add_argument("--voter-rows", type=int, help="rows of the voter workbook")
    parser.add_argument("--share-files", type=int, help="files in the generated share")
    parser.add_argument("--skip-voter", action="store_true")
    parser.add_argument("--skip-share", action="store_true")
    parser.add_argument("--skip-rescan", action="store_true", help="skip the incremental re-scan figures")
    parser.add_argument("--skip-distributed", action="store_true",
                        help="skip the Celery worker figures (bench/distributed.py)")
    parser.add_argument("--skip-guards", action="store_true",
                        help="skip the bounded-work figures of the readers (bench/guards.py)")
    parser.add_argument("--skip-registry", action="store_true",
                        help="skip the registry figures (ingest, pages under load; need PostgreSQL)")
    parser.add_argument("--registry-assets", type=int, help="assets seeded (default 1,000,000; quick 50,000)")
    parser.add_argument("--registry-records", type=int, help="records ingested (default 50,000; quick 10,000)")
    parser.add_argument("--registry-seconds", type=float, help="counted seconds per page (default 20; quick 5)")
    parser.add_argument("--note", default="", help="free text stored in results.json (e.g. scanner state)")
    parser.add_argument("--output", type=Path, default=OUT_DIR / "results.json")
    args = parser.parse_args()
    results = run(args)
    print_table(results["table"])
    for name in ("voter", "share"):
        for label, scan in ((results.get(name) or {}).get("scans") or {"": (results.get(name) or {}).get("scan")}).items():
            if scan and scan.get("output"):
                out = scan["output"]
                print(f"{name} {label} output: {out['records']} records, status {out['status']}, "
                      f"personal {out['personal']['present']} files / {out['personal']['records']:,} rows")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"results: {args.output}")


if __name__ == "__main__":
    main()
