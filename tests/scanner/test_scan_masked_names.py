"""Values that are not cells: sheets named after people and hyperlinks to their files.

A workbook that keeps one sheet per person, and a sheet that links to each
person's scanned form, are scanned as the CLI does; the record must name the
sheets by a label and the links by their host or server only.
"""
import json

import openpyxl
import pytest

from scanners.detectors.sheet_names import personal_kind, sheet_masks
from scanners.scan import scan_roots

PEOPLE = ["見本 花子", "試験 太郎", "例題 一郎", "架空 美咲", "模擬 健太", "仮名 陽子"]
RAW = ("山田太郎", "090-1234-5678", "123456789018", "taro.yamada@example.jp", "1970-03-02",
       "山田太郎_090-1234-5678", "kojin", "yamada")


@pytest.mark.parametrize("name, expected", [
    ("山田太郎", "name"), ("山田 太郎", "name"), ("高橋", "name"), ("Taro Yamada", "name"),
    ("090-1234-5678", "phone"), ("123456789018", "number"), ("taro@example.jp", "email"),
    ("1970-03-02", "date"), ("昭和45年3月2日", "date"),
    ("Sheet1", None), ("名簿", None), ("集計", None), ("R5", None), ("H30", None), ("4月", None),
    ("元データ", None), ("千葉", None), ("2024年度", None), ("シート3（氏名）", None),
])
def test_personal_kind(name, expected):
    assert personal_kind(name) == expected


def test_masks_keep_position_and_skip_structure():
    assert sheet_masks(["一覧", "山田太郎", "090-1234-5678"]) == {
        "山田太郎": "シート2（氏名）", "090-1234-5678": "シート3（電話番号）"}


def roster(sheet) -> None:
    sheet.append(["氏名", "電話番号", "生年月日"])
    for i, person in enumerate(PEOPLE):
        sheet.append([person, f"090-0000-{i:04d}", f"1970/04/{i + 1:02d}"])


def test_one_sheet_per_person_and_links(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "一覧"
    roster(book.active)
    book.active["E2"].hyperlink = "file://fs01/kojin/yamada/山田太郎_090-1234-5678.pdf"
    book.active["E3"].hyperlink = "https://forms.example.lg.jp/kojin/123456789018?mail=taro.yamada@example.jp"
    for title in ("山田太郎", "090-1234-5678", "123456789018", "taro.yamada@example.jp", "1970-03-02"):
        roster(book.create_sheet(title))
    book["山田太郎"].sheet_state = "hidden"
    book.save(tmp_path / "個人票.xlsx")

    (record,) = scan_roots([str(tmp_path)], workers=0)
    text = json.dumps(record, ensure_ascii=False)
    for raw in RAW:
        assert raw not in text
    sheets = {c["sheet"] for c in record["personal"]["columns"]}
    assert sheets == {"一覧", "シート2（氏名）", "シート3（電話番号）", "シート4（番号）",
                      "シート5（メールアドレス）", "シート6（日付）"}
    details = [r["detail"] for r in record["risks"]]
    assert any("シート2（氏名）" in d for d in details if "hidden" in d)
    assert {"external-link"} <= {r["code"] for r in record["risks"]}
    assert "hyperlink to file \\\\fs01\\…\\*.pdf" in details
    assert "1 hyperlink(s) to web addresses (https://forms.example.lg.jp)" in details
