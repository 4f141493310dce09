"""The scanner against ../shared/realworld: real files by other authors, labelled by hand.

The set's own scorer (score.py) compares the scan with truth.tsv; these floors keep what the
detectors reach today.  On failure the scorer's per-file disagreements are printed (paths,
categories and counts only: the scorer never prints a value).
"""
import json
import re
import subprocess
import sys

import pytest

from scanners.scan import scan_roots

pytestmark = pytest.mark.corpus

FLOORS = {"personal_F1": 0.97, "personal_P": 0.97, "cat_F1": 0.97}
#: share of true-positive files whose record count is within 10% of the truth
RECORDS_FLOOR = 0.9


@pytest.fixture(scope="module")
def scored(realworld, tmp_path_factory):
    out = tmp_path_factory.mktemp("realworld") / "scan.jsonl"
    root = str(realworld / "files")
    with open(out, "w", encoding="utf-8") as fh:
        for record in scan_roots([root], workers=2, timeout=60):
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    done = subprocess.run([sys.executable, str(realworld / "score.py"), str(out)],
                          capture_output=True, text=True, check=True)
    return done.stdout


def summary(report: str) -> dict[str, str]:
    line = next(l for l in report.splitlines() if l.startswith("SUMMARY"))
    return dict(part.split("=", 1) for part in line.split()[1:])


@pytest.mark.parametrize("figure", sorted(FLOORS))
def test_floor(scored, figure):
    got = float(summary(scored)[figure])
    assert got >= FLOORS[figure], f"{figure} {got} < {FLOORS[figure]}\n{scored}"


def test_record_counts(scored):
    right, total = map(int, summary(scored)["records"].split("/"))
    assert right >= RECORDS_FLOOR * total, scored


def test_every_file_has_a_record(scored):
    assert summary(scored)["missing"] == "0", scored
    assert not re.search(r"unparsable JSONL", scored)
