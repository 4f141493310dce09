"""The benchmark generators make what they claim; the floor and the meter measure what they say."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import sys
import zipfile

import openpyxl
import pytest

from bench import share_content
from bench.floor import is_candidate, sha256_of, walk_and_hash
from bench.measure import run_measured
from bench.share import KIND_MIX, SIZES, make_share, plan_share
from bench.voter import HEADER, make_voter_workbook
from bench.xlsx_writer import column_letter, excel_serial


@pytest.mark.parametrize("index, letters", [(0, "A"), (6, "G"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")])
def test_column_letter(index, letters):
    assert column_letter(index) == letters


@pytest.mark.parametrize("day, serial", [(dt.date(1900, 3, 1), 61), (dt.date(2024, 4, 1), 45383)])
def test_excel_serial(day, serial):
    assert excel_serial(day) == serial


@pytest.mark.parametrize("day, short, text", [
    (dt.date(1970, 3, 2), False, "昭和45年3月2日"),
    (dt.date(1989, 1, 7), False, "昭和64年1月7日"),
    (dt.date(1989, 1, 8), False, "平成元年1月8日"),
    (dt.date(1926, 12, 25), False, "昭和元年12月25日"),
    (dt.date(2019, 5, 1), True, "R1.5.1"),
    (dt.date(1970, 3, 2), True, "S45.3.2"),
])
def test_wareki(day, short, text):
    assert share_content.wareki(day, short) == text


@pytest.mark.parametrize("name, expected", [
    ("名簿.xlsx", True), ("DATA.CSV", True), ("memo.txt", True), ("app.accdb", True), ("old.xls", True),
    ("IMG_0001.JPG", False), ("backup.log", False), ("通知.pdf", False), ("README", False), ("a.xlsx.bak", False),
])
def test_is_candidate(name, expected):
    assert is_candidate(name) is expected


@pytest.fixture(scope="module")
def voter_workbook(tmp_path_factory):
    return make_voter_workbook(rows=50, seed=3, out_dir=tmp_path_factory.mktemp("voter"))


def test_voter_workbook_reads_back_as_excel_would_save_it(voter_workbook):
    with zipfile.ZipFile(voter_workbook) as zf:
        names = zf.namelist()
        sheet_xml = zf.read("xl/worksheets/sheet1.xml").decode()
        sst = zf.read("xl/sharedStrings.xml").decode()
    assert {"xl/sharedStrings.xml", "xl/styles.xml", "docProps/app.xml"} <= set(names)
    assert '<dimension ref="A1:G51"/>' in sheet_xml
    assert 'uniqueCount="' in sst and 'count="' in sst
    assert 't="inlineStr"' not in sheet_xml
    workbook = openpyxl.load_workbook(voter_workbook, read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert len(rows) == 51
    assert all(isinstance(row[2], dt.datetime) for row in rows[1:])       # 生年月日 are date cells
    assert {row[3] for row in rows[1:]} <= {"男", "女"}


def test_voter_workbook_is_cached(voter_workbook):
    before = voter_workbook.stat().st_mtime_ns
    assert make_voter_workbook(rows=50, seed=3, out_dir=voter_workbook.parent) == voter_workbook
    assert voter_workbook.stat().st_mtime_ns == before


def test_plan_is_deterministic_and_mixed_as_claimed():
    plan = plan_share(2000, seed=5)
    assert plan == plan_share(2000, seed=5)
    assert plan != plan_share(2000, seed=6)
    assert len({spec.relpath for spec in plan}) == 2000
    for ext, share in KIND_MIX.items():
        assert sum(spec.ext == ext for spec in plan) == round(share * 2000)
    tables = [s for s in plan if s.ext in ("xlsx", "csv", "tsv") and s.template != "broken"]
    assert sum(100 <= s.amount <= 5000 for s in tables) / len(tables) > 0.95
    assert all(4 <= spec.relpath.count("/") <= 7 for spec in plan)


@pytest.fixture(scope="module")
def small_share(tmp_path_factory):
    return make_share(files=300, seed=2, out_dir=tmp_path_factory.mktemp("share"), processes=1)


def test_share_on_disk_matches_its_summary(small_share):
    root, summary = small_share
    paths = [os.path.join(d, f) for d, _, files in os.walk(root) for f in files]
    assert len(paths) == summary["files"] == 300
    assert sum(is_candidate(p) for p in paths) == summary["candidates"]
    assert 0.08 <= summary["candidates"] / 300 <= 0.16
    floor = walk_and_hash(str(root))
    assert (floor.files_seen, floor.candidates, floor.unreadable) == (300, summary["candidates"], 0)


@pytest.mark.parametrize("ext", ["pdf", "docx", "pptx", "jpg", "png", "msg", "zip"])
def test_placeholders_have_magic_and_realistic_size(small_share, ext):
    root, _ = small_share
    found = [p for p in root.rglob("*") if p.suffix.lower() == f".{ext}"]
    assert found
    low, high = SIZES[ext]
    for path in found:
        with open(path, "rb") as f:
            assert f.read(len(share_content.MAGIC[ext])) == share_content.MAGIC[ext]
        assert low - 1 <= path.stat().st_size <= high


def test_share_spreadsheets_and_csv_are_readable(small_share):
    root, _ = small_share
    workbooks = list(root.rglob("*.xlsx"))
    assert workbooks
    for path in workbooks:
        if path.stat().st_size and zipfile.is_zipfile(path):
            assert openpyxl.load_workbook(path, read_only=True).sheetnames
    for path in [*root.rglob("*.csv"), *root.rglob("*.tsv")]:
        data = path.read_bytes()
        if data:
            assert any(_decodes(data, enc) for enc in ("utf-8", "cp932"))


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def test_share_is_cached(small_share):
    root, summary = small_share
    again_root, again = make_share(files=300, seed=2, out_dir=root.parent, processes=1)
    assert (again_root, again) == (root, summary)


def test_floor_hashes_each_candidate_once(tmp_path):
    (tmp_path / "課" / "sub").mkdir(parents=True)
    (tmp_path / "課" / "a.csv").write_bytes(b"x" * 3000)
    (tmp_path / "課" / "sub" / "B.XLSX").write_bytes(b"y" * 10)
    (tmp_path / "課" / "photo.jpg").write_bytes(b"z" * 999)
    (tmp_path / "link.csv").symlink_to(tmp_path / "課" / "a.csv")
    result = walk_and_hash(str(tmp_path))
    assert (result.files_seen, result.candidates, result.bytes_read) == (3, 2, 3010)
    assert sha256_of(str(tmp_path / "課" / "a.csv")) == (hashlib.sha256(b"x" * 3000).hexdigest(), 3000)


@pytest.mark.parametrize("code, exit_code", [("raise SystemExit(0)", 0), ("raise SystemExit(3)", 3)])
def test_run_measured_reports_exit_code(code, exit_code):
    assert run_measured([sys.executable, "-c", code]).exit_code == exit_code


def test_run_measured_sees_memory_of_child_processes():
    code = ("import subprocess, sys; subprocess.run([sys.executable, '-c', "
            "'import time; b = bytearray(120_000_000); time.sleep(0.5)'])")
    result = run_measured([sys.executable, "-c", code])
    assert result.tree_peak_rss_mb >= 120
    assert result.ru_maxrss_mb >= 120
