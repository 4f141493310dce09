"""The floor a scan is compared with: walk the tree, hash each candidate once.

No scanner can do less than this: find the candidate files and read every
byte of each once (for the sha256 the record carries).  Single process,
``os.scandir`` recursion, 1 MiB reads.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

#: extensions (lower case, no dot) of the kinds the scanner reads
CANDIDATE_EXTENSIONS = frozenset(
    "xlsx xlsm xltx xltm xlam xls xlsb ods csv tsv txt mdb accdb".split())
READ_SIZE = 1 << 20


@dataclass
class FloorResult:
    files_seen: int = 0   # every regular file met in the walk
    candidates: int = 0   # files with a candidate extension
    bytes_read: int = 0
    unreadable: int = 0   # candidates that could not be opened or read


def is_candidate(name: str) -> bool:
    """True when the file name has one of the scanned extensions (any case)."""
    _, dot, ext = name.rpartition(".")
    return bool(dot) and ext.lower() in CANDIDATE_EXTENSIONS


def sha256_of(path: str) -> tuple[str, int]:
    """The file's sha256 hex digest and its length in bytes, in one read."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb", buffering=0) as f:
        while chunk := f.read(READ_SIZE):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def walk_and_hash(root: str, result: FloorResult | None = None) -> FloorResult:
    """Walk ``root`` (no symlinks followed) and hash every candidate file once."""
    result = result if result is not None else FloorResult()
    try:
        entries = list(os.scandir(root))
    except OSError:
        return result
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                walk_and_hash(entry.path, result)
                continue
            if not entry.is_file(follow_symlinks=False):
                continue
        except OSError:
            continue
        result.files_seen += 1
        if is_candidate(entry.name):
            result.candidates += 1
            try:
                result.bytes_read += sha256_of(entry.path)[1]
            except OSError:
                result.unreadable += 1
    return result


def main() -> None:
    """``python -m bench.floor ROOT``: run the floor once and print its counts as JSON."""
    import json
    import sys
    import time

    started = time.perf_counter()
    result = walk_and_hash(sys.argv[1])
    print(json.dumps({**result.__dict__, "seconds": round(time.perf_counter() - started, 3)}))


if __name__ == "__main__":
    main()
