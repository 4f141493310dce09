"""Forms and card grids read cell by cell (scanners/detectors/loose.py, through detect_personal).

Sheets are built here from made-up people and invented places.
"""
import pytest

from scanners.detectors.loose import find_loose, is_placeholder
from scanners.detectors.personal import detect_personal
from scanners.document import Document, Table


def detect(*tables):
    return detect_personal(Document("xlsx", list(tables)))


def form_sheet(name, given, label="氏　名"):
    return Table(name, [
        ["申請書"],
        [],
        [None, label, None, f"{name} {given}", None, "生年月日", "昭和45年3月2日"],
        [None, "住所", None, "見本県見本市本町1丁目2-3"],
        [None, "電話番号", None, "090-0000-1234"],
        [None, "所属", None, "見本課"],
    ])


def test_a_filled_form_is_one_person():
    result = detect(form_sheet("山田", "花子"))
    assert result.present and result.records == 1
    assert result.categories == ["name", "address", "phone", "birth_date"]
    assert all(c.evidence["rule"] == "form-field" for c in result.columns)
    assert {c.evidence["example"] for c in result.columns} >= {"** **", "***-****-****"}


def test_one_form_per_sheet_counts_each_sheet():
    result = detect(form_sheet("山田", "花子"), form_sheet("佐藤", "太郎"), form_sheet("鈴木", "一郎"))
    assert result.present and result.records == 3


@pytest.mark.parametrize("rows", [
    [[None, "氏名", "山田 花子"], [None, "所属", "見本課"], [], [None, "項番", "確認項目", "結果"], [None, 1, "画面ロック", "OK"]],
    [["氏名：山田 花子"], ["所属：見本課"]],                     # label and value in one cell
    [["氏名"], ["山田 花子"], [], ["住所"], ["見本県見本市本町1-2-3"]],  # the value under its label
])
def test_form_layouts(rows):
    assert detect(Table("記入票", rows)).present


@pytest.mark.parametrize("rows", [
    [[None, "氏名", None], [None, "住所", None], [None, "電話番号", None]],          # a blank form
    [[None, "氏名", "○○ ○○"], [None, "住所", "○○県○○市"], [None, "電話", "000-0000-0000"]],
    [["地域", "会社名", "役職", "氏名", "式典", "懇親会", "備考"]],                       # a header row alone
    [[None, "氏名", "山田 花子"]],                                                       # a name and nothing else
    [[None, "評価者", "山田 花子"], [None, "評価日", "2024/4/1"]],                         # staff, not a subject
])
def test_not_a_filled_form(rows):
    assert not detect(Table("様式", rows)).present


CARD_NAMES = ["山田 花子", "佐藤 太郎", "鈴木 一郎", "高橋 美咲", "田中 健太", "伊藤 陽子"]


def card_grid(names, postcode=lambda i: f"100-00{i:02d}"):
    rows = []
    for i in range(0, len(names), 2):
        rows += [[None, names[i], None, names[i + 1]],
                 [None, postcode(i), None, postcode(i + 1)],
                 [None, "東京都見本区本町", None, "東京都見本区栄町"], []]
    return Table("宛名", rows)


def test_a_card_grid_is_a_list_of_people():
    result = detect(card_grid(CARD_NAMES))
    assert result.present and result.records == 6
    assert set(result.categories) == {"name", "postal_code", "address"}


def test_a_card_template_with_placeholders_is_not_personal():
    names = ["鈴木 ●●"] * 6
    assert not detect(card_grid(names, postcode=lambda i: "〒000-0000")).present


def test_a_table_of_facilities_is_not_a_card_grid():
    rows = [["名称", "所在地", "電話番号", "代表者"]]
    rows += [[f"見本医院{i}", f"東京都見本区本町{i}-1", f"03-0000-{i:04d}", CARD_NAMES[i % 6]] for i in range(12)]
    assert find_loose(Table("医療機関", rows)) is None


@pytest.mark.parametrize("value, placeholder", [
    ("○○", True), ("●●●", True), ("xxx", True), ("hoge", True), ("〒000-0000", True), ("000-0000-0000", True),
    ("山田", False), ("100-0001", False),
])
def test_placeholders(value, placeholder):
    assert is_placeholder(value) is placeholder


def test_megabyte_cells_are_not_read_as_labels_or_values():
    """A hostile sheet of 1 MB strings (a shared-strings bomb) is skipped, not normalised cell by cell."""
    huge = "氏名" + "あ" * 2**20
    table = Table("爆弾", [[huge, huge, huge] for _ in range(200)])
    assert find_loose(table) is None and not detect(table).present


def test_a_case_workbook_counts_the_persons_health_on_other_sheets():
    """One person's form, and their handbook and diagnosis on sheets of their own (a case file)."""
    handbook = Table("手帳情報", [["手帳種別", "等級", "交付日"], ["療育手帳", "A1", "2020-04-01"]])
    diagnosis = Table("診断情報", [["診断名", "診断日"], ["自閉スペクトラム症", "2005-06-15"]])
    result = detect(form_sheet("山田", "花子"), handbook, diagnosis)
    assert result.present and result.sensitive and result.records == 1 and "health" in result.categories


def test_a_roster_does_not_take_a_code_list_of_conditions():
    roster = Table("名簿", [["氏名", "住所"]] + [[n, f"東京都見本区本町{i}-1"] for i, n in enumerate(CARD_NAMES)])
    codes = Table("障害種別", [["障害種別", "コード"], ["身体障害", 1], ["知的障害", 2], ["精神障害", 3]])
    result = detect(roster, codes)
    assert result.present and not result.sensitive
