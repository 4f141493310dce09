"""Same behaviour, byte for byte: the scan records of a fixed set of roots, saved before a
refactoring and compared after it.

    python -m bench.same_output save out/before.jsonl          # on the old code
    python -m bench.same_output check out/before.jsonl         # on the new code: exit 1 on a difference

The roots are ``../shared/corpus``, ``../shared/realworld`` and the benchmark share
(``bench.share``, 1,200 files, seed 1), unless given with ``--root``.  Each is scanned by the
real command (``inventory scan --format jsonl --no-state --no-registry``) in a subprocess of
this interpreter, so the code under test is whatever ``inventory`` imports here.  Records are
sorted by root and path; ``check`` prints the first differing records' paths and keys.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
#: seconds per file: far above any file's time, so that a loaded machine changes no record
TIMEOUT = 900
#: the console script ``inventory``, run by this interpreter
COMMAND = "import sys; from inventory.cli.main import run; sys.argv[0] = 'inventory'; run()"


def default_roots() -> list[Path]:
    from .share import make_share, share_root

    roots = [SHARED / "corpus", SHARED / "realworld"]
    share = share_root()
    if not share.exists():
        make_share()
    return [root for root in roots if root.exists()] + [share]


def scan(roots: list[Path], workers: int) -> list[str]:
    """The records of ``roots`` as sorted JSON lines."""
    with tempfile.TemporaryDirectory(prefix="same-output-") as tmp:
        out = Path(tmp) / "scan.jsonl"
        env = dict(os.environ, INVENTORY_INSTANCE_PATH=tmp)
        subprocess.run([sys.executable, "-c", COMMAND, "scan", *map(str, roots), "--format", "jsonl",
                        "--output", str(out), "--no-state", "--no-registry", "--no-progress",
                        "--workers", str(workers), "--timeout", str(TIMEOUT)], check=True, env=env, cwd=tmp,
                       stdout=subprocess.DEVNULL)
        lines = out.read_text(encoding="utf-8").splitlines()
    return sorted((_relative(line, roots) for line in lines), key=lambda line: _where(json.loads(line)))


def _relative(line: str, roots: list[Path]) -> str:
    """The record with its root named by the folder's name only, so that the same share made
    at another place (a worktree's ``bench/out``) compares equal."""
    for root in roots:
        text = json.dumps(str(root), ensure_ascii=False)
        if f'"root": {text}' in line:
            return line.replace(f'"root": {text}', f'"root": {json.dumps(root.name, ensure_ascii=False)}', 1)
    return line


def _where(record: dict) -> tuple[str, str]:
    return record.get("root") or "", record.get("path") or ""


def differences(before: list[str], after: list[str]) -> list[str]:
    """One line per record that differs, is missing or is new."""
    old = {_where(json.loads(line)): line for line in before}
    new = {_where(json.loads(line)): line for line in after}
    out = []
    for where in sorted(old.keys() | new.keys()):
        a, b = old.get(where), new.get(where)
        if a == b:
            continue
        if a is None or b is None:
            out.append(f"{'new' if a is None else 'missing'}: {where[1]}")
            continue
        ra, rb = json.loads(a), json.loads(b)
        keys = sorted(k for k in ra.keys() | rb.keys() if ra.get(k) != rb.get(k))
        out.append(f"changed: {where[1]} ({', '.join(keys) or 'key order'})")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("save", "check"))
    parser.add_argument("baseline", type=Path)
    parser.add_argument("--root", type=Path, action="append", help="a root to scan (repeatable)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    lines = scan(args.root or default_roots(), args.workers)
    if args.action == "save":
        args.baseline.parent.mkdir(parents=True, exist_ok=True)
        args.baseline.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"saved {len(lines)} records to {args.baseline}")
        return
    before = args.baseline.read_text(encoding="utf-8").splitlines()
    found = differences(before, lines)
    for line in found[:50]:
        print(line)
    print(f"{len(lines)} records, {len(found)} different from {args.baseline}")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
