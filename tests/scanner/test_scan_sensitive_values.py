"""Whole files: 個人番号 and health conditions found from values, checked on the scan record.

The test writes its own workbooks and CSV files (openpyxl, csv) with fake people
(見本/試験/例題 names), 個人番号 built from the check-digit formula of DETECTION.md,
and remarks a clerk would type; then scans them as the CLI does.
"""
import csv
import json
import random

import openpyxl
import pytest

from scanners.scan import scan_roots

WEIGHTS = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
FAMILY = ["見本", "試験", "例題", "仮名", "架空", "模擬"]
GIVEN = ["花子", "太郎", "一郎", "美咲", "健太", "陽子", "翔太", "由美", "大輔", "明美"]


def my_number(rng: random.Random, leading_zero: bool = False) -> str:
    first = f"{rng.randrange(10**10, 10**11)}"
    if leading_zero:
        first = "0" + first[1:]
    remainder = sum(int(d) * w for d, w in zip(first, WEIGHTS)) % 11
    return first + str(0 if remainder <= 1 else 11 - remainder)


def name(i: int) -> str:
    return f"{FAMILY[i % len(FAMILY)]} {GIVEN[i % len(GIVEN)]}"


def placeholder_name(i: int) -> str:
    """山田 花子 and the like: common surnames, which values alone read as names without a header."""
    return f"{['山田', '佐藤', '鈴木', '田中'][i % 4]} {GIVEN[i % len(GIVEN)]}"


def phone(i: int) -> str:
    return f"090-0000-{i:04d}"


def address(i: int) -> str:
    return f"見本県見本市見本町{i % 9 + 1}丁目{i % 20 + 1}-{i % 7 + 1}"


def write_xlsx(path, rows, title=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "一覧"
    if title:
        sheet.append([title])
        sheet.append([])
    for row in rows:
        sheet.append(row)
    book.save(path)


def write_csv(path, rows, encoding="cp932"):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)


REMARKS = ["転居予定", "独居、見守り希望", "書類不備あり再提出", "電話連絡済", "代理人申請", "不在のため再訪問"]
CONDITION_REMARKS = {4: "糖尿病のため通院中", 13: "脳梗塞後遺症あり、杖歩行", 22: "認知症の疑いあり（家族より）"}
DISABILITY_KINDS = ["視覚障害", "聴覚障害", "肢体不自由", "知的障害", "精神障害", "内部障害", "発達障害"]


def visit_log(n=30):
    rows = [["氏名", "住所", "電話番号", "訪問日", "備考"]]
    for i in range(n):
        remark = CONDITION_REMARKS.get(i) or (REMARKS[i % len(REMARKS)] if i % 3 == 0 else None)
        rows.append([name(i), address(i), phone(i), f"2024/5/{i % 28 + 1}", remark])
    return rows


@pytest.fixture(scope="module")
def share(tmp_path_factory):
    root = tmp_path_factory.mktemp("share")
    rng = random.Random(15)
    files = {}

    files["福祉課/訪問記録.xlsx"] = visit_log()
    write_xlsx(root / "福祉課/訪問記録.xlsx", files["福祉課/訪問記録.xlsx"], title="令和6年度 訪問記録")

    rows = [["氏名", "生年月日", "ショウガイ", "連絡先"]]
    rows += [[name(i), f"1960/{i % 12 + 1}/{i % 28 + 1}", DISABILITY_KINDS[i % 7], phone(i)] for i in range(20)]
    files["障害福祉課/名簿.xlsx"] = rows
    write_xlsx(root / "障害福祉課/名簿.xlsx", rows)

    rows = [[placeholder_name(i), phone(i), ["身体", "知的", "精神", "身体・知的"][i % 5 % 4], address(i)]
            for i in range(25)]
    files["障害福祉課/export/welfare.csv"] = rows
    write_csv(root / "障害福祉課/export/welfare.csv", rows)

    numbers = [my_number(rng, leading_zero=i % 6 == 0) for i in range(24)]
    rows = [["番号", "氏名", "続柄", "生年月日"]]
    rows += [[int(number), name(i), "本人", f"1980/{i % 12 + 1}/1"] for i, number in enumerate(numbers)]
    files["職員課/扶養控除申告.xlsx"] = rows
    write_xlsx(root / "職員課/扶養控除申告.xlsx", rows)

    rows = [["No", "氏名", "住所"]] + [[my_number(rng), name(i), address(i)] for i in range(15)]
    files["市民課/申請.csv"] = rows
    write_csv(root / "市民課/申請.csv", rows, encoding="utf-8-sig")

    rows = [["受付番号", "氏名", "件名", "宛名番号"]]
    rows += [[f"{rng.randrange(10**11, 10**12)}", name(i), "各種証明の申請", f"{rng.randrange(10**9, 10**10)}"]
             for i in range(40)]
    files["市民課/受付簿.xlsx"] = rows
    write_xlsx(root / "市民課/受付簿.xlsx", rows)

    rows = [["氏名", "所属", "資格", "受講講座", "担当業務"]]
    rows += [[name(i), ["認知症疾患医療センター", "見本課"][i % 2], ["認知症ケア専門士", "社会福祉士"][i % 2],
              "認知症サポーター養成講座", ["がん対策", "糖尿病重症化予防事業", "庶務"][i % 3]] for i in range(12)]
    files["職員課/研修受講者.xlsx"] = rows
    write_xlsx(root / "職員課/研修受講者.xlsx", rows)

    records = {r["path"]: r for r in scan_roots([str(root)], workers=0)}
    return records, files


def column(record, category):
    return next(c for c in record["personal"]["columns"] if c["category"] == category)


def test_remarks_mentioning_conditions_make_a_roster_sensitive(share):
    record = share[0]["福祉課/訪問記録.xlsx"]
    assert record["personal"]["present"] and record["personal"]["sensitive"]
    found = column(record, "health")
    assert found["header"] == "備考" and found["column"] == "E"
    assert found["evidence"]["condition_kinds"] == ["disease", "mental"]


def test_disability_kinds_under_an_unknown_header(share):
    record = share[0]["障害福祉課/名簿.xlsx"]
    assert record["personal"]["sensitive"]
    assert column(record, "health")["header"] == "ショウガイ"


def test_disability_kinds_without_a_header_row(share):
    record = share[0]["障害福祉課/export/welfare.csv"]
    assert record["personal"]["sensitive"]
    found = column(record, "health")
    assert found["header"] is None and found["column"] == "C"


def test_my_numbers_that_lost_their_zeros_under_a_generic_header(share):
    record = share[0]["職員課/扶養控除申告.xlsx"]
    assert record["personal"]["my_number"]
    found = column(record, "my_number")
    assert found["header"] == "番号"
    assert found["evidence"]["check_digit_ratio"] == 1.0 and found["evidence"]["zeros_restored"] == 4


def test_my_numbers_under_no(share):
    record = share[0]["市民課/申請.csv"]
    assert record["personal"]["my_number"] and column(record, "my_number")["header"] == "No"


def test_receipt_and_address_numbers_are_not_my_numbers(share):
    record = share[0]["市民課/受付簿.xlsx"]
    assert not record["personal"]["my_number"]
    assert "my_number" not in record["personal"]["categories"]


def test_programs_credentials_and_offices_are_not_conditions(share):
    record = share[0]["職員課/研修受講者.xlsx"]
    assert record["personal"]["present"] and not record["personal"]["sensitive"]


def test_records_hold_no_cell_value(share):
    records, files = share
    for path, rows in files.items():
        text = json.dumps(records[path], ensure_ascii=False)
        for row in rows[1:]:
            for cell in row:
                for part in str(cell).replace("、", " ").split():
                    assert len(part) < 2 or part not in text, path
